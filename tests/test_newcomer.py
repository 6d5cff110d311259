"""What stood in a newcomer's way (issue 24, item 6): ``--root`` after the command,
``--version``, ``stats | head``, ``stats`` and ``check`` counting alike, the navigation of
a site without ``nav``, and a GRADE start that rests on a review nobody said was of trials."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import nest_paths

from graphbuild import __version__
from graphbuild.cli import main
from graphbuild.model.bibliography import parse_bibliography
from graphbuild.model.config import Config
from graphbuild.model.knowledge import build_knowledge_base
from graphbuild.site.navigation import nested, page_order, site_nav

from .conftest import INDEX_MD, build, write_site

# -- the command line -------------------------------------------------------------------------


def test_root_is_read_after_the_command_too(site: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here: only --root finds the site
    assert main(["check", "--root", str(site)]) == 0
    assert main(["--root", str(tmp_path), "stats", "--root", str(site)]) == 0  # the last one given wins
    assert "claims: 2" in capsys.readouterr().out


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"graphbuild {__version__}\n"
    assert __version__.count(".") == 2


def test_stats_into_a_closed_pipe_says_nothing(site: Path) -> None:
    """``graphbuild stats | head -1``: the reader stops early; that is not an error to print."""
    command = [sys.executable, "-c", "import sys; from graphbuild.cli import main; sys.exit(main())", "stats"]
    process = subprocess.Popen(command, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before anything is written: every write meets a closed pipe
    errors = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Broken pipe" not in errors and "Traceback" not in errors and "Errno" not in errors
    assert process.returncode == 1


def test_stats_counts_problems_and_notes_as_check_does(site: Path, capsys) -> None:
    page = INDEX_MD.replace("certainty: very-low\n", "")  # a note: the claim is not rated
    page = page.replace("  - key: min2007\n", "  - key: min2070\n")  # an error: an unknown key
    (site / "docs/index.md").write_text(page, encoding="utf-8")
    assert main(["--root", str(site), "check"]) == 1
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    main(["--root", str(site), "stats"])
    counts = capsys.readouterr().out.strip().splitlines()[-1]
    problems, notes = (int(part.split()[-1]) for part in counts.split(","))
    assert problems >= 1 and notes >= 1
    assert summary.endswith(f"{problems} problem(s), {notes} note(s)")


# -- the navigation of a site without one -------------------------------------------------------

LAYOUTS = [
    pytest.param(["index.md"], id="one-page"),
    pytest.param(["b.md", "index.md", "a.md"], id="index-first"),
    pytest.param(["sub/b.md", "z.md", "sub/index.md", "my-folder/deep/x.md", "README.md"], id="folders"),
    pytest.param(["Mixed_Case/a.md", "sub/README.md", "sub/a.md"], id="titles"),
]


@pytest.mark.parametrize("pages", LAYOUTS)
def test_pages_nest_as_mkdocs_nests_them(pages: list[str]) -> None:
    files = sorted((File(p, "docs", "site", True) for p in pages), key=lambda f: page_order(f.src_uri))
    from mkdocs.structure.files import file_sort_key

    assert [f.src_uri for f in files] == [f.src_uri for f in sorted(files, key=file_sort_key)]
    assert nested(f.src_uri for f in files) == nest_paths(f.src_uri for f in files)


def _titles(items: list) -> list:
    return [{item.title: _titles(item.children)} if isinstance(item, Section) else item.title for item in items]


def test_without_a_nav_our_pages_are_one_evidence_section(site: Path) -> None:
    """Left to MkDocs, each generated page in a folder of its own was a section of one page
    (Evidence › Matrix › Evidence matrix)."""
    write_site(site, {"docs/about/team.md": "# Team\n", "docs/about/index.md": "# About\n"})
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(config_file=str(site / "mkdocs.yml"), site_dir=str(site / "out"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)
    nav = config.plugins["graphbuild"].build.nav
    assert isinstance(nav, Navigation)
    evidence = [
        "Summary of findings",
        "Claims index",
        "Evidence map",
        "Evidence matrix",
        "Bibliography",
        "Changes to the evidence",
    ]
    assert _titles(nav.items) == ["Peer support", {"About": ["About", "Team"]}, {"Evidence": evidence}]
    assert all(isinstance(page, Page) for page in nav.items[-1].children)
    matrix = (site / "out" / "evidence" / "matrix" / "index.html").read_text(encoding="utf-8")
    assert ">Matrix<" not in matrix  # no section named after the folder


def test_the_markdown_tree_gets_the_same_nav(site: Path, tmp_path: Path) -> None:
    settings = (site / "mkdocs.yml").read_text(encoding="utf-8") + "not_in_nav: |\n  /hidden.md\n"
    write_site(site, {"mkdocs.yml": settings, "docs/hidden.md": "# Hidden\n", "docs/sub/a.md": "# A\n"})
    assert main(["--root", str(site), "render", "--output", str(tmp_path / "tree")]) == 0
    written = yaml.safe_load((tmp_path / "tree" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert written["nav"] == site_nav(["index.md", "sub/a.md"])
    assert written["nav"][:2] == ["index.md", {"Sub": ["sub/a.md"]}]


def test_an_explicit_nav_is_kept_and_extended(site: Path) -> None:
    settings = (site / "mkdocs.yml").read_text(encoding="utf-8") + "nav:\n  - Home: index.md\n"
    write_site(site, {"mkdocs.yml": settings})
    built = build(site)
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "Summary of findings" in home and "Evidence matrix" in home


# -- a GRADE start from a review that nobody said was of trials ------------------------------------

STUDIES = r"""
@article{sr1, author = {Review, Rita}, title = {A review}, year = {2012}, design = {systematic-review}}
@article{rct1, author = {Trial, Tom}, title = {A trial}, year = {2010}, design = {rct}}
@article{cohort1, author = {Cohort, Cy}, title = {A cohort}, year = {2011}, design = {cohort}}
@article{q1, author = {Voice, Vera}, title = {Interviews}, year = {2013}, design = {qualitative}}
"""


def _notes(evidence: str, fields: str = "") -> list[tuple[int, str]]:
    markdown = f"# P\n\n```claim\nid: c\nstatement: S.\ntype: outcome\n{fields}evidence:\n{evidence}```\n"
    bibliography, problems = parse_bibliography(STUDIES, "references.bib", Config())
    assert problems == []
    _, diagnostics = build_knowledge_base([("p.md", "docs/p.md", markdown)], bibliography, Config())
    return [(d.line, d.message) for d in diagnostics if "which designs did it pool?" in d.message]


@pytest.mark.parametrize(
    ("evidence", "fields", "asked"),
    [
        pytest.param("  - sr1\n", "", [8], id="a-review-alone"),
        pytest.param("  - cohort1\n  - key: sr1\n    stance: no-effect\n", "", [9], id="beside-weaker-studies"),
        pytest.param("  - sr1\n", "certainty: high\n", [9], id="rated-on-that-start"),
        pytest.param("  - sr1\n", "certainty: moderate\nbecause: {imprecision: Few.}\n", [10], id="moderate"),
        pytest.param("  - sr1\n", "certainty: low\nbecause: {imprecision: Few.}\n", [], id="rated-down-already"),
        pytest.param("  - key: sr1\n    design: systematic-review\n", "", [], id="said-to-be-of-trials"),
        pytest.param("  - key: sr1\n    design: cohort\n", "", [], id="said-to-be-of-cohorts"),
        pytest.param("  - sr1\n  - rct1\n", "", [], id="a-trial-starts-high-anyway"),
        pytest.param("  - sr1\n  - q1\n", "approach: cerqual\n", [], id="cerqual"),
    ],
)
def test_a_grade_start_from_a_review_asks_what_it_pooled(evidence: str, fields: str, asked: list[int]) -> None:
    notes = _notes(evidence, fields)
    assert [line for line, _ in notes] == asked
    for _, message in notes:
        assert message.startswith("claim 'c' starts at high under GRADE only through the systematic review sr1")


# -- errors never vanish -------------------------------------------------------------------------

BROKEN_PAGE = INDEX_MD.replace("    stance: no-effect", "    stance: support")


def test_a_broken_claim_fails_a_build_that_is_not_strict(site: Path) -> None:
    """``strict: false`` and no ``--strict``: the build stops at the claim's line, and neither
    a first build nor one over a good site writes anything."""
    settings = "strict: false\n" + (site / "mkdocs.yml").read_text(encoding="utf-8")
    write_site(site, {"mkdocs.yml": settings, "docs/index.md": BROKEN_PAGE})
    command = [str(Path(sys.executable).parent / "mkdocs"), "build"]
    failed = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=300)
    assert failed.returncode != 0
    assert "docs/index.md:17: error: unknown stance 'support' (did you mean 'supports'?)" in failed.stderr
    assert not (site / "site").exists()
    write_site(site, {"docs/index.md": INDEX_MD})
    assert subprocess.run(command, cwd=site, capture_output=True, timeout=300).returncode == 0
    before = {p: p.read_bytes() for p in (site / "site").rglob("*") if p.is_file()}
    write_site(site, {"docs/index.md": BROKEN_PAGE})
    assert subprocess.run(command, cwd=site, capture_output=True, timeout=300).returncode != 0
    assert {p: p.read_bytes() for p in (site / "site").rglob("*") if p.is_file()} == before


def test_the_broken_claim_box_says_what_is_true(site: Path) -> None:
    """Only ``mkdocs serve`` shows the box, and it says that any other build stops."""
    write_site(site, {"docs/index.md": BROKEN_PAGE})
    html = (build(site, strict=False, serving=True) / "index.html").read_text(encoding="utf-8")
    box = html[html.index('<div class="gb-broken"') :]
    box = box[: box.index("</div>")]
    assert "only while previewing with <code>mkdocs serve</code>" in box
    assert "<code>mkdocs build</code>, strict or not, stops on these problems and publishes nothing" in box
    assert "docs/index.md:17: error: unknown stance" in box
