"""A site larger than its host publishes (``site_size_limit``, GitHub Pages' 1 GB by default)
is said on every publishing path while the last good site is still up: a warning over the
limit, which stops a strict build, and a note near it. A preview publishes nothing and is
not weighed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graphbuild.cli import main
from graphbuild.model.config import GITHUB_PAGES_MB, Config, ConfigError, Origin, config_from_mapping
from graphbuild.publishing.sizing import SizeLimit, site_size

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, failed_build_log, mkdocs_log, write_site

ORIGIN = Origin("mkdocs.yml", 6, (("site_size_limit", 8),))


def _limit(megabytes: object) -> SizeLimit:
    return SizeLimit.of(config_from_mapping({"site_size_limit": megabytes}, ORIGIN))


def _site_of(tmp_path: Path, megabytes: float) -> Path:
    site = tmp_path / "built"
    (site / "studies").mkdir(parents=True)
    (site / "index.html").write_bytes(b"x" * 1000)
    (site / "studies/big.bib").write_bytes(b"x" * (int(megabytes * 1e6) - 1000))
    return site


def test_the_size_is_every_file_and_no_link_is_followed(tmp_path: Path) -> None:
    site = _site_of(tmp_path, 0.5)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "huge").write_bytes(b"x" * 2_000_000)
    os.symlink(elsewhere, site / "link")
    assert site_size(site) == (500_000 + os.lstat(site / "link").st_size, 3)  # the link itself, not its 2 MB


def test_a_site_over_the_limit_is_a_warning_at_the_options_line(tmp_path: Path) -> None:
    [found] = _limit(1).report(_site_of(tmp_path, 1.5))
    assert str(found).startswith("mkdocs.yml:8: warning: the built site takes 1.5 MB in 2 files, more than")
    assert "site_size_limit (1 MB; GitHub Pages publishes no site over 1 GB)" in found.message
    assert "study_downloads: []" in found.message and "zip_downloads: true" in found.message


def test_a_site_near_the_limit_is_a_note_and_one_well_within_it_is_nothing(tmp_path: Path) -> None:
    [found] = _limit(2).report(_site_of(tmp_path / "near", 1.7))
    assert str(found).startswith("mkdocs.yml:8: note: the built site takes 1.7 MB in 2 files, 85% of site_size_limit")
    assert _limit(2).report(_site_of(tmp_path / "within", 1.5)) == []


def test_without_a_limit_nothing_is_weighed(tmp_path: Path) -> None:
    assert _limit(False).report(_site_of(tmp_path, 5)) == []


def test_the_default_is_github_pages_limit_said_at_the_plugins_line(tmp_path: Path) -> None:
    limit = SizeLimit.of(Config(origin=Origin("mkdocs.yml", 6)))
    assert GITHUB_PAGES_MB == 1000 and (limit.megabytes, limit.path, limit.line) == (1000, "mkdocs.yml", 6)


@pytest.mark.parametrize("value", ["1000", 0, -5, True, 1.5, [1000]])
def test_the_limit_is_whole_megabytes_or_false(value: object) -> None:
    with pytest.raises(ConfigError, match="option 'site_size_limit': expected a whole number of megabytes"):
        _limit(value)


def _source(tmp_path: Path, megabytes: int) -> Path:
    """A small site whose limit it passes: Material's own assets alone take more than 1 MB."""
    yml = MKDOCS_YML.replace("  - graphbuild\n", f"  - graphbuild:\n      site_size_limit: {megabytes}\n")
    return write_site(tmp_path / "src", {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": INDEX_MD})


def test_a_strict_build_over_the_limit_stops(tmp_path: Path) -> None:
    logged = failed_build_log(_source(tmp_path, 1))
    assert any("mkdocs.yml:8: warning: the built site takes " in m and "more than site_size_limit" in m for m in logged)


def test_a_build_that_is_not_strict_says_so_and_goes_on(tmp_path: Path) -> None:
    with mkdocs_log() as logged:
        site = build(_source(tmp_path, 1), strict=False)
    assert (site / "index.html").is_file()
    assert [m for m in logged if "more than site_size_limit (1 MB" in m]
    with mkdocs_log() as logged:
        build(_source(tmp_path / "roomy", 1000), strict=True)
    assert not [m for m in logged if "site_size_limit" in m]


def test_a_preview_is_not_weighed(tmp_path: Path) -> None:
    with mkdocs_log() as logged:
        build(_source(tmp_path, 1), strict=False, serving=True)
    assert not [m for m in logged if "site_size_limit" in m]


def test_finish_says_so_and_fails_only_when_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Markdown tree's path weighs the site once it is finished: the limit travels with
    the tree's parts, as the engine reads no graphbuild option."""
    source = _source(tmp_path, 1)
    for strict, expected in ((False, 0), (True, 1)):
        tree = tmp_path / f"tree-{strict}"
        assert main(["--root", str(source), "render", "--output", str(tree)]) == 0
        build(tree, site_dir=tree / "site")
        code = main(["finish", str(tree), *(["--strict"] if strict else [])])
        err = capsys.readouterr().err
        assert code == expected, err
        assert "mkdocs.yml:8: warning: the built site takes " in err and "more than site_size_limit (1 MB" in err
