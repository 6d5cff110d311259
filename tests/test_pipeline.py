"""One build plan for every door: the MkDocs plugin, ``graphbuild check`` and ``graphbuild
render`` (+ an engine + ``graphbuild finish``) report the same problems and publish the same
parts, template overrides included."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from graphbuild.cli import main
from graphbuild.model.project import load_project
from graphbuild.publishing.pipeline import plan_build
from graphbuild.site import templates

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site
from .test_finish import build_tree, finish, render

# Problems of each severity: an unrated cited study (warning), a study listed twice by one
# claim (warning), a claim not rated (note, with the default options).
WARNED_BIB = BIB + "@misc{norated2020,\n  title = {No design},\n  year = {2020},\n}\n"
WARNED_PAGE = INDEX_MD + "\nSee also [@norated2020].\n"
OVERRIDE_MARK = '<p class="gb-test-override">from the theme\'s custom_dir</p>'


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    return write_site(
        tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": WARNED_BIB, "docs/index.md": WARNED_PAGE}
    )


def _plugin_problems(root: Path, caplog: pytest.LogCaptureFixture) -> set[str]:
    caplog.clear()
    with caplog.at_level(logging.INFO):
        build(root, strict=False)
    messages = [r.getMessage() for r in caplog.records]
    return {m.removeprefix("graphbuild: ") for m in messages if re.match(r"graphbuild: \S+:\d+:", m)}


def _check_problems(root: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    capsys.readouterr()
    main(["--root", str(root), "check"])
    return set(capsys.readouterr().out.splitlines())


def _render_problems(root: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    capsys.readouterr()
    main(["--root", str(root), "render", "--output", str(out)])
    lines = capsys.readouterr().err.splitlines()
    return {line.removeprefix("graphbuild: ") for line in lines if re.match(r"\S+:\d+:", line)}


def test_every_door_reports_the_same_problems(warned: Path, tmp_path: Path, caplog, capsys) -> None:
    checked = _check_problems(warned, capsys)
    assert any(": warning: " in p for p in checked) and any(": note: " in p for p in checked), checked
    assert _plugin_problems(warned, caplog) == checked
    assert _render_problems(warned, tmp_path / "tree", capsys) == checked


def _with_override(root: Path) -> Path:
    """The site with its theme's ``custom_dir`` overriding the claim card's template."""
    shipped = Path(templates.__file__).parent / "templates" / "claim_card.html"
    override = root / "theme_overrides" / templates.OVERRIDES / "claim_card.html"
    override.parent.mkdir(parents=True)
    override.write_text(OVERRIDE_MARK + "\n" + shipped.read_text(encoding="utf-8"), encoding="utf-8")
    yml = MKDOCS_YML.replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: theme_overrides\n")
    assert "custom_dir" in yml
    (root / "mkdocs.yml").write_text(yml, encoding="utf-8")
    return root


def _cards(html: str) -> list[str]:
    return re.findall(r'<section class="gb-card .*?</section>', html, re.S)


def _body(html: str) -> str:
    """A generated page's body: its article, less the block the Markdown tree wraps it in
    (so that Markdown leaves it alone)."""
    article = html[html.index("<article") : html.index("</article>")]
    return re.sub(r'<div class="gb-generated">\n(.*)\n</div>\n?$', r"\1", article, flags=re.S).rstrip("\n")


def test_both_paths_publish_the_same_parts_with_the_sites_template_overrides(
    site: Path, tmp_path: Path, capsys
) -> None:
    """A template a site's theme overrides in ``custom_dir/graphbuild/`` is used by the plugin
    and by the Markdown tree alike; the cards, a study page and the claims index read the
    same on both paths."""
    root = _with_override(site)
    assert plan_build(load_project(root), dated=False).template_dirs[0] == root / "theme_overrides" / "graphbuild"
    plugin = build(root)
    tree = render(root, tmp_path / "tree")
    finished = build_tree(tree, "mkdocs")
    assert finish(tree, capsys)[0] == 0
    for page in ("index.html", "studies/pitt2013/index.html", "claims/index.html"):
        ours, theirs = (plugin / page).read_text(encoding="utf-8"), (finished / page).read_text(encoding="utf-8")
        if page == "index.html":
            assert OVERRIDE_MARK in ours and OVERRIDE_MARK in theirs
            assert _cards(ours) == _cards(theirs) and len(_cards(ours)) == 2
        else:
            assert _body(ours) == _body(theirs), page
