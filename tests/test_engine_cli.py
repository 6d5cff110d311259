"""``graphbuild check | stats | export | render`` on sites in tmp_path."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from graphbuild.cli import main
from graphbuild.model.project import load_project
from graphbuild.publishing.pipeline import analyse

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site


def run(site: Path, *args: str, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    """Exit status, output and errors; without the note that a site in tmp_path, which is
    in no git repository, has no dates (test_living.py checks that note)."""
    code = main(["--root", str(site), *args])
    out, err = capsys.readouterr()
    return code, _without_not_dated(out), _without_not_dated(err)


def _without_not_dated(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if ": note: claims are not dated: " not in line)


def test_check_passes_on_a_valid_site(site: Path, capsys) -> None:
    code, out, _ = run(site, "check", capsys=capsys)
    assert (code, out) == (0, "")


BROKEN = {
    "unknown-key": (
        INDEX_MD.replace("  - key: min2007", "  - key: min2070"),
        "docs/index.md:13: error: unknown reference 'min2070' (did you mean 'min2007'?)",
    ),
    "bad-stance": (
        INDEX_MD.replace("stance: no-effect", "stance: disproves"),
        "docs/index.md:17: error: unknown stance 'disproves'",
    ),
    "bad-type": (
        INDEX_MD.replace("type: benefit", "type: anecdote"),
        "docs/index.md:28: error: unknown type 'anecdote'",
    ),
    "missing-statement": (
        INDEX_MD.replace("statement: Patients supported by peers report more hope.\n", ""),
        "docs/index.md:25: error: claim is missing required field 'statement'",
    ),
    "malformed-yaml": (
        INDEX_MD.replace("tags: [service-use]", "tags: [service-use"),
        "docs/index.md:12: error: malformed YAML in claim block: ",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_fails_naming_file_and_line(site: Path, capsys, case: str) -> None:
    markdown, expected = BROKEN[case]
    (site / "docs/index.md").write_text(markdown, encoding="utf-8")
    code, out, _ = run(site, "check", capsys=capsys)
    assert code == 1
    assert any(line.startswith(expected) for line in out.splitlines()), out
    if case == "malformed-yaml":
        assert "(in the flow sequence started at line 11)" in out


def test_check_duplicate_id_across_pages(site: Path, capsys) -> None:
    (site / "docs/other.md").write_text("# Other\n\n" + INDEX_MD.split("## More hope\n\n", 1)[1], encoding="utf-8")
    code, out, _ = run(site, "check", capsys=capsys)
    assert code == 1
    assert "docs/index.md:25: error: duplicate claim id 'hope' (also at docs/other.md:3)" in out
    assert "docs/other.md:3: error: duplicate claim id 'hope' (also at docs/index.md:25)" in out


def test_check_duplicate_bib_key(site: Path, capsys) -> None:
    bib = site / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{mead2006, title = {Again}, year = 2007}\n", encoding="utf-8")
    code, out, _ = run(site, "check", capsys=capsys)
    assert code == 1 and "references.bib:" in out and "duplicate key 'mead2006'" in out


def test_export_json_matches_declarations(site: Path, capsys, tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    code, _, _ = run(site, "export", "--format", "json", "--output", str(target), capsys=capsys)
    data = json.loads(target.read_text())
    assert code == 0
    claims = {n["id"]: n for n in data["nodes"] if n["kind"] == "claim"}
    assert set(claims) == {"claim:fewer-readmissions", "claim:hope"}
    assert {(e["source"], e["target"], e["stance"]) for e in data["edges"]} == {
        ("claim:fewer-readmissions", "study:min2007", "supports"),
        ("claim:fewer-readmissions", "study:pitt2013", "no-effect"),
        ("claim:hope", "study:gillard2014", "supports"),
        ("claim:hope", "study:mead2006", "supports"),
    }


@pytest.mark.parametrize("fmt", ["graphml", "csv"])
def test_export_other_formats(site: Path, capsys, fmt: str) -> None:
    code, out, _ = run(site, "export", "--format", fmt, capsys=capsys)
    assert code == 0 and "fewer-readmissions" in out and "pitt2013" in out


def test_export_writes_every_export_the_site_publishes(site: Path, capsys) -> None:
    """One table of exports: each the site publishes can be written from the command line,
    the same bytes as the site's file (the feed too, once the site has a history)."""
    from graphbuild.site import registry

    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    commit = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "Site"]
    subprocess.run(commit, cwd=site, check=True, env={**os.environ, "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z"})
    built = build(site)
    published = {f.export: f for f in registry.FILES if f.export}
    assert set(published) >= {"json", "graphml", "csv", "jsonld", "atom", "bibtex", "ris", "csl-json"}
    for name, file in published.items():
        code, out, _ = run(site, "export", "--format", name, capsys=capsys)
        if file.needed is not None and not file.needed(analyse(load_project(site))[0]):
            instead = registry.FILE[file.instead]
            assert code == 0 and out == (built / instead.src).read_bytes().decode("utf-8"), name
            continue
        assert code == 0 and out == (built / file.src).read_bytes().decode("utf-8"), name


def test_stats(site: Path, capsys) -> None:
    code, out, _ = run(site, "stats", capsys=capsys)
    assert code == 0
    assert "claims: 2" in out and "contested: 1" in out and "5 cited" in out
    assert "uncited entries: 1 (uncited2020)" in out


def test_stats_counts_what_is_not_rated_apart_from_what_is_not_assessed(site: Path, capsys) -> None:
    index = site / "docs" / "index.md"
    # the hope claim rests on a theory and a narrative review: unrated, it is not rated, not "not assessed"
    text = re.sub(r"^certainty: very-low\nbecause: .*\n", "", index.read_text(encoding="utf-8"), flags=re.M)
    index.write_text(text, encoding="utf-8")
    code, out, _ = run(site, "stats", capsys=capsys)
    assert code == 0 and "  certainty: low 1, expert-opinion 1\n" in out
    assert "not assessed:" not in out  # not rated counts as assessed


def test_missing_bibliography_is_a_clear_error(site: Path, capsys) -> None:
    (site / "references.bib").unlink()
    code, _, err = run(site, "check", capsys=capsys)
    assert code == 2 and "bibliography 'references.bib' not found" in err


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# (where the site lives, its docs_dir, the plugin's bibliography, --output), all under tmp_path
UNSAFE_OUTPUTS = [
    pytest.param("site", "content/docs", None, "site/content", id="output-docs-is-the-docs-dir"),
    pytest.param("site", "docs", None, "site", id="output-is-the-site-root"),
    pytest.param("site", "docs", None, "site/docs", id="output-is-the-docs-dir"),
    pytest.param("site", "docs", None, "site/docs/x", id="output-inside-the-docs-dir"),
    pytest.param("site", "docs", None, "site/docs/x/y", id="output-deep-inside-the-docs-dir"),
    pytest.param("site", "x/docs/src", None, "site/x", id="output-docs-holds-the-docs-dir"),
    pytest.param("o/docs/site", "docs", None, "o", id="output-docs-holds-the-site"),
    pytest.param("site", "docs", "../o/docs/refs.bib", "o", id="output-docs-holds-the-bibliography"),
    # the staged exports (graphbuild.publishing.finish.EXPORTS_DIR) are emptied as docs/ is
    pytest.param("o/graphbuild-exports/site", "docs", None, "o", id="output-exports-hold-the-site"),
    pytest.param("site", "x/graphbuild-exports/src", None, "site/x", id="output-exports-hold-the-docs-dir"),
    pytest.param("site", "docs", "../o/graphbuild-exports/r.bib", "o", id="output-exports-hold-the-bibliography"),
]


@pytest.mark.parametrize(("where", "docs_dir", "bib", "output"), UNSAFE_OUTPUTS)
def test_render_refuses_an_output_that_would_touch_the_sources(
    tmp_path: Path, capsys, where: str, docs_dir: str, bib: str | None, output: str
) -> None:
    mkdocs_yml = MKDOCS_YML + f"docs_dir: {docs_dir}\n"
    if bib:
        mkdocs_yml = mkdocs_yml.replace("  - graphbuild\n", f"  - graphbuild:\n      bibliography: {bib}\n")
    site = write_site(tmp_path / where, {"mkdocs.yml": mkdocs_yml, f"{docs_dir}/index.md": INDEX_MD})
    (site / (bib or "references.bib")).parent.mkdir(parents=True, exist_ok=True)
    (site / (bib or "references.bib")).write_text(BIB, encoding="utf-8")
    before = _tree(tmp_path)
    code, out, err = run(site, "render", "--output", str(tmp_path / output), capsys=capsys)
    assert (code, out) == (2, "")
    assert err.startswith("graphbuild: ") and "output folder" in err and "Traceback" not in err, err
    assert _tree(tmp_path) == before


def test_render_output_dot_is_a_clean_error(site: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(site)
    before = _tree(site)
    code, _, err = run(site, "render", "--output", ".", capsys=capsys)
    assert code == 2 and err.startswith("graphbuild: will not render into .: it is the site's folder")
    assert _tree(site) == before


def test_render_beside_the_sources_replaces_only_its_own_tree(site: Path, capsys) -> None:
    out = site / "build"
    assert run(site, "render", "--output", str(out), capsys=capsys)[0] == 0
    (out / "docs/stale.md").write_text("# Stale\n", encoding="utf-8")
    sources = {k: v for k, v in _tree(site).items() if not k.startswith("build/")}
    assert run(site, "render", "--output", str(out), capsys=capsys)[0] == 0
    assert not (out / "docs/stale.md").exists() and (out / "docs/index.md").is_file()
    assert {k: v for k, v in _tree(site).items() if not k.startswith("build/")} == sources


def test_render_plans_the_site_once(site: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """The clash check and the tree read one plan: at 6,000 studies, planning again took a
    tenth of a second."""
    from graphbuild.model import project
    from graphbuild.publishing import markdown_tree
    from graphbuild.site import registry

    planned, plan = [], registry.plan

    def counted(kb):
        planned.append(kb)
        return plan(kb)

    for module in (registry, project, markdown_tree):
        monkeypatch.setattr(module, "plan", counted, raising=False)
    assert run(site, "render", "--output", str(tmp_path / "tree"), capsys=capsys)[0] == 0
    assert len(planned) == 1 and (tmp_path / "tree/graphbuild-exports/evidence/graph.json").is_file()


def test_render_pauses_the_garbage_collector_and_leaves_it_as_found(site: Path, tmp_path: Path, monkeypatch) -> None:
    """Collecting a heap of long-lived objects over and over was a sixth of a render's time
    at 6,000 studies; a render, failed or not, leaves the collector as it found it."""
    import gc

    from graphbuild.model.project import load_project
    from graphbuild.publishing import markdown_tree

    collecting, rewrite = [], markdown_tree.page_markdown

    def watched(*args, **kwargs):
        collecting.append(gc.isenabled())
        return rewrite(*args, **kwargs)

    monkeypatch.setattr(markdown_tree, "page_markdown", watched)
    assert gc.isenabled()
    markdown_tree.write_markdown_tree(load_project(site), tmp_path / "tree")
    assert collecting == [False] and gc.isenabled()
    gc.disable()
    try:
        markdown_tree.write_markdown_tree(load_project(site), tmp_path / "tree")
        assert not gc.isenabled()
    finally:
        gc.enable()

    def broken(*args: object) -> None:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(markdown_tree, "search_entries", broken)
    with pytest.raises(RuntimeError, match="broken on purpose"):
        markdown_tree.write_markdown_tree(load_project(site), tmp_path / "tree")
    assert gc.isenabled()


def test_render_keeps_a_plugins_mapping_and_its_options(site: Path, capsys, tmp_path: Path) -> None:
    yml = MKDOCS_YML.replace(
        "plugins:\n  - search\n  - graphbuild\n", "plugins: {search: {lang: en}, graphbuild: {}}\n"
    )
    (site / "mkdocs.yml").write_text(yml, encoding="utf-8")
    assert run(site, "render", "--output", str(tmp_path / "tree"), capsys=capsys)[0] == 0
    assert yaml.safe_load((tmp_path / "tree/mkdocs.yml").read_text())["plugins"] == {"search": {"lang": "en"}}


def test_check_reports_invalid_utf8_at_its_line_and_reads_the_rest(site: Path, capsys) -> None:
    (site / "docs/bad.md").write_bytes(b"# Bad\n\nfine\nnot \xff fine\n\xfe\n")
    (site / "docs/bom.md").write_bytes(b"\xef\xbb\xbf# With a BOM\n\nSee [@pitt2013].\n")
    code, out, _ = run(site, "check", capsys=capsys)
    assert code == 1
    assert out.splitlines() == ["docs/bad.md:4: error: not valid UTF-8 (byte 0xff); save the file as UTF-8"]


def test_check_reads_plugin_options_from_a_plugins_mapping(site: Path, capsys) -> None:
    yml = MKDOCS_YML.replace(
        "plugins:\n  - search\n  - graphbuild\n",
        "plugins: {search: {}, graphbuild: {claim_types: [custom, outcome]}}\n",
    )
    (site / "mkdocs.yml").write_text(yml, encoding="utf-8")
    (site / "docs/index.md").write_text(INDEX_MD.replace("type: benefit", "type: custom"), encoding="utf-8")
    assert run(site, "check", capsys=capsys)[:2] == (0, "")


BAD_CLAIM = "# Page\n\n```claim\nid: {id}\nstatement: S.\ntype: anecdote\nevidence: [mead2006]\n```\n"


@pytest.mark.parametrize("name", ["more.markdown", "more.mdown", "more.mkdn", "more.mkd", "sub/README.md"])
def test_check_reads_every_markdown_page(site: Path, capsys, name: str) -> None:
    write_site(site, {f"docs/{name}": BAD_CLAIM.format(id="x")})
    code, out, _ = run(site, "check", capsys=capsys)
    assert code == 1 and out.startswith(f"docs/{name}:6: error: unknown type 'anecdote';") and out.count("\n") == 1


SKIPPED_PAGES = [
    pytest.param("", "drafts/x.md", id="exclude_docs-folder"),
    pytest.param("", "notes.tmp.md", id="exclude_docs-glob"),
    pytest.param("", "sub/deep/notes.tmp.md", id="exclude_docs-glob-deep"),
    pytest.param("", ".hidden.md", id="dotfile"),
    pytest.param("", ".git/x.md", id="dot-folder"),
    pytest.param("", "sub/.cache/x.md", id="nested-dot-folder"),
    pytest.param("", "templates/x.md", id="top-level-templates"),
    pytest.param("", "README.md", id="readme-beside-index"),
    pytest.param("draft_docs: |\n  wip/\n", "wip/x.md", id="draft_docs"),
]


@pytest.mark.parametrize(("extra", "name"), SKIPPED_PAGES)
def test_check_skips_the_pages_mkdocs_skips(site: Path, capsys, extra: str, name: str) -> None:
    yml = MKDOCS_YML + "exclude_docs: |\n  drafts/\n  *.tmp.md\n" + extra
    write_site(site, {"mkdocs.yml": yml, f"docs/{name}": BAD_CLAIM.format(id="x")})
    assert run(site, "check", capsys=capsys)[:2] == (0, "")


def test_check_reads_a_nested_templates_folder(site: Path, capsys) -> None:
    write_site(site, {"docs/sub/templates/x.md": BAD_CLAIM.format(id="x")})
    assert run(site, "check", capsys=capsys)[0] == 1


BAD_MKDOCS_YML = [
    pytest.param("- site_name: x\n", "top level", id="top-level-list"),
    pytest.param("site_name: x\nplugins:\n  - graphbuild: [a]\n", "graphbuild", id="options-list"),
    pytest.param("site_name: x\nplugins: {graphbuild: [a]}\n", "graphbuild", id="options-list-in-mapping"),
    pytest.param("site_name: x\nplugins: graphbuild\n", "plugins", id="plugins-string"),
    pytest.param("site_name: x\ndocs_dir: [a]\n", "docs_dir", id="docs-dir-list"),
    pytest.param("site_name: x\nexclude_docs: [a]\n", "exclude_docs", id="exclude-docs-list"),
]


@pytest.mark.parametrize(("yml", "names"), BAD_MKDOCS_YML)
def test_malformed_mkdocs_yml_is_a_clean_error(site: Path, capsys, yml: str, names: str) -> None:
    (site / "mkdocs.yml").write_text(yml, encoding="utf-8")
    code, _, err = run(site, "check", capsys=capsys)
    assert code == 2 and err.startswith("graphbuild: ") and "mkdocs.yml" in err and names in err, err


@pytest.mark.parametrize(
    ("mine", "written"),
    [
        pytest.param("docs/bibliography.md", "bibliography/index.html", id="a-page"),
        pytest.param("docs/evidence/claims.csv", "evidence/claims.csv", id="an-export"),
        pytest.param("docs/studies/mead2006.md", "studies/mead2006/index.html", id="a-study-page"),
    ],
)
def test_check_reports_a_file_where_graphbuild_writes(site: Path, capsys, mine: str, written: str) -> None:
    write_site(site, {mine: "# Mine\n"})
    code, out, _ = run(site, "check", capsys=capsys)
    assert code == 1
    assert f"{mine}:1: error: '{mine[len('docs/') :]}' would be written to '{written}', where graphbuild writes" in out
