"""Malformed input: real-world BibTeX and broken fixtures become ``path:line`` diagnostics.

The shared corpus lives outside the repository (``../shared/corpus``); its tests are skipped
where it is absent. The fixtures under ``tests/fixtures/`` keep the repository standing alone.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest

from graphbuild.common.diagnostics import Severity, has_errors
from graphbuild.model.bibliography import load_bibliography, parse_bibliography
from graphbuild.model.config import Config

from .helpers import collect_page

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"
CONFIG = Config()


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.bib")) if CORPUS.is_dir() else []


def corpus_id(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def failed_blocks(text: str) -> list:
    """What bibtexparser itself reports, with its parse-error log kept quiet."""
    logger = logging.getLogger("bibtexparser")
    disabled, logger.disabled = logger.disabled, True
    try:
        return list(bibtexparser.parse_string(text).failed_blocks)
    finally:
        logger.disabled = disabled


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")


@needs_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_corpus_file_loads_with_diagnostics_only(path: Path) -> None:
    text = read(path)
    display = corpus_id(path)
    bibliography, diagnostics = parse_bibliography(text, display, CONFIG)
    n_lines = text.count("\n") + 1
    for diagnostic in diagnostics:
        assert diagnostic.path == display
        assert 1 <= diagnostic.line <= n_lines, str(diagnostic)
        assert str(diagnostic).startswith(f"{display}:{diagnostic.line}: ")
    lines = {d.line for d in diagnostics}
    for block in reported(failed_blocks(text)):
        assert block.start_line + 1 in lines, f"no diagnostic for the failed block at line {block.start_line + 1}"
    for study in bibliography.studies.values():
        assert study.line >= 1 and study.slug


def reported(blocks: list) -> list:
    """Failed blocks graphbuild reports: all but repeats of fields commented out with %."""
    return [b for b in blocks if not all(k.startswith("%") for k in getattr(b, "duplicate_keys", None) or ["x"])]


@needs_corpus
def test_bibliotex_diagnostics_match_bibtexparser_failed_blocks() -> None:
    path = CORPUS / "bibliotex-all.bib"
    if not path.exists():
        pytest.skip("bibliotex-all.bib not in the corpus")
    text = read(path)
    _, diagnostics = parse_bibliography(text, "bibliotex-all.bib", CONFIG)
    blocks = reported(failed_blocks(text))
    block_lines = sorted(b.start_line + 1 for b in blocks)
    structural = [
        d
        for d in diagnostics
        if d.message.startswith(("malformed entry", "duplicate key")) or " repeats field(s) " in d.message
    ]
    assert sorted(d.line for d in structural) == block_lines
    assert len(structural) == len(blocks)


@needs_corpus
def test_corpus_loads_through_the_cache_as_parsed() -> None:
    path = CORPUS / "biblatex-examples.bib"
    if not path.exists():
        pytest.skip("biblatex-examples.bib not in the corpus")
    bibliography, diagnostics = load_bibliography(path, "biblatex-examples.bib", CONFIG)
    direct, direct_diagnostics = parse_bibliography(read(path), "biblatex-examples.bib", CONFIG)
    assert list(bibliography.studies) == list(direct.studies)
    assert diagnostics == direct_diagnostics


# -- our own fixtures: exact lines ----------------------------------------------------------

BIB_CASES = [
    pytest.param(
        "malformed.bib",
        ["good1", "good2"],
        [(8, "malformed entry 'broken1': Expected a `=` after entry key")],
        id="malformed-entry",
    ),
    pytest.param(
        "undefined_string.bib",
        ["defined", "undefined"],
        [(13, "entry 'undefined': undefined @string macro 'psychservices' in field 'journal'")],
        id="undefined-string",
    ),
    pytest.param(
        "duplicate_keys.bib",
        ["mead2001"],
        [(7, "duplicate key 'mead2001' (first defined at line 1)")],
        id="duplicate-key",
    ),
    pytest.param(
        "case_duplicate_keys.bib",
        ["Repper2011"],
        [(7, "duplicate key 'repper2011' (differs only in case from 'Repper2011' at line 1)")],
        id="case-only-duplicate-key",
    ),
    pytest.param("duplicate_field.bib", ["twice"], [(1, "entry 'twice' repeats field(s) title")], id="duplicate-field"),
    pytest.param(
        "unknown_design.bib",
        ["known", "unknown"],
        [(12, "entry 'unknown': unknown design 'anecdote'; give the graphbuild plugin a levels scheme")],
        id="unknown-design",
    ),
    pytest.param(
        "bom.bib", ["bom2020", "second"], [(11, "entry 'second': unknown design 'nonsense'")], id="byte-order-mark"
    ),
]


@pytest.mark.parametrize(("name", "keys", "expected"), BIB_CASES)
def test_bib_fixture_diagnostics(name: str, keys: list[str], expected: list[tuple[int, str]]) -> None:
    bibliography, diagnostics = load_bibliography(FIXTURES / "bib" / name, f"refs/{name}", CONFIG)
    assert list(bibliography.studies) == keys
    assert [(d.line, d.severity) for d in diagnostics] == [(line, Severity.ERROR) for line, _ in expected]
    for diagnostic, (line, message) in zip(diagnostics, expected, strict=True):
        assert diagnostic.message.startswith(message), str(diagnostic)
        assert str(diagnostic).startswith(f"refs/{name}:{line}: error: ")


def test_bom_does_not_shift_lines_or_reach_the_key() -> None:
    raw = (FIXTURES / "bib" / "bom.bib").read_text(encoding="utf-8")
    assert raw.startswith("\ufeff")
    bibliography, _ = parse_bibliography(raw, "bom.bib", CONFIG)
    assert list(bibliography.studies) == ["bom2020", "second"]
    assert bibliography["bom2020"].line == 1
    assert bibliography["bom2020"].design == "theory"


# -- broken claim blocks: exact lines -------------------------------------------------------


def page(*lines: str) -> str:
    return "\n".join(["# A page", "", *lines, "", "Closing prose."])


CLAIM_CASES = [
    pytest.param(
        page("```claim", "id: a", "statement: [unclosed", "type: benefit", "evidence: [k]", "```"),
        [(6, "malformed YAML")],
        id="malformed-yaml",
    ),
    pytest.param(
        page("```claim", "id: a", "statement: S.", "type: benefit", "evidence: [k]"),
        [(3, "claim block is never closed")],
        id="unclosed-fence",
    ),
    pytest.param(
        page("```claim", "- just", "- a list", "```"), [(3, "a claim block must be a YAML mapping")], id="not-a-mapping"
    ),
    pytest.param(
        page("```claim", "id: a", "statement: S.", "type: benefit", "colour: red", "evidence: [k]", "```"),
        [(7, "unknown field 'colour'")],
        id="unknown-field",
    ),
    pytest.param(
        page("```claim", "id: a", "statement: S.", "type: benefit", "```"),
        [(3, "claim is missing required field 'evidence'")],
        id="missing-evidence",
    ),
    pytest.param(
        page("```claim", "id: a", "statement: S.", "type: wish", "evidence: [k]", "```"),
        [(6, "unknown type 'wish'")],
        id="unknown-type",
    ),
    pytest.param(
        page(
            "```claim",
            "id: a",
            "statement: S.",
            "type: benefit",
            "evidence:",
            "  - key: k",
            "    stance: agrees",
            "```",
        ),
        [(9, "unknown stance 'agrees'")],
        id="bad-stance",
    ),
    pytest.param(
        page("```claim", "id: Not A Slug", "statement: S.", "type: benefit", "evidence: [k]", "```"),
        [(4, "claim id 'Not A Slug' must be a slug")],
        id="bad-id",
    ),
    pytest.param(
        page("```claim", "id: a", "id: b", "statement: S.", "type: benefit", "evidence: [k]", "```"),
        [(5, "field 'id' is given twice")],
        id="repeated-field",
    ),
    pytest.param(
        page("```claim", "id: a", "statement: S.", "type: benefit", "evidence: []", "```"),
        [(7, "'evidence' must be a list with at least one study")],
        id="empty-evidence",
    ),
    pytest.param(
        page(
            "- item",
            "",
            "    ```claim",
            "    id: a",
            "    statement: S.",
            "    type: benefit",
            "    evidence:",
            "      - k: sometimes",
            "    ```",
        ),
        [(10, "unknown stance 'sometimes'")],
        id="indented-in-list",
    ),
    pytest.param(page("```claim", "\tid: a", "```"), [(4, "malformed YAML")], id="tab-indent"),
]


@pytest.mark.parametrize(("markdown", "expected"), CLAIM_CASES)
def test_broken_claim_block_diagnostics(markdown: str, expected: list[tuple[int, str]]) -> None:
    claims, _, _, diagnostics = collect_page(markdown, "docs/page.md", CONFIG)
    assert claims == []
    assert [d.line for d in diagnostics] == [line for line, _ in expected], [str(d) for d in diagnostics]
    for diagnostic, (line, message) in zip(diagnostics, expected, strict=True):
        assert message in diagnostic.message, str(diagnostic)
        assert str(diagnostic).startswith(f"docs/page.md:{line}: ")


def test_yaml_tags_in_a_claim_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    markdown = page(
        "```claim",
        "id: a",
        f"statement: !!python/object/apply:os.system ['touch {marker}']",
        "type: benefit",
        "evidence: [k]",
        "```",
    )
    collect_page(markdown, "docs/page.md", CONFIG)
    assert not marker.exists()


# -- whole builds: problems are path:line warnings, never a traceback -----------------------

SITE_YML = "site_name: Broken input\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - graphbuild\n"


def mkdocs_build(root: Path, strict: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(root / "out")]
    return subprocess.run(command + (["--strict"] if strict else []), capture_output=True, text=True, env=env)


def test_strict_build_of_broken_input_names_every_problem(tmp_path: Path) -> None:
    """Every broken claim block (one per page) and every broken .bib fixture, in one build."""
    bib = "\n".join(
        (FIXTURES / "bib" / name).read_text(encoding="utf-8-sig")
        for name in ("malformed.bib", "undefined_string.bib", "unknown_design.bib")
    )
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(SITE_YML, encoding="utf-8")
    expected = []
    for case in CLAIM_CASES:
        markdown, lines = case.values
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / f"{case.id}.md").write_text(markdown, encoding="utf-8")
        expected += [f"docs/{case.id}.md:{line}: " for line, _ in lines]
    (tmp_path / "docs" / "index.md").write_text("# Index\n\nSee [@good1] and [@nosuchkey2020].\n", encoding="utf-8")
    expected.append("docs/index.md:3: error: unknown reference 'nosuchkey2020'")
    macro_line = bib.split("\n").index("  journal = psychservices,") + 1
    expected.append("references.bib:8: error: malformed entry")
    expected.append(f"references.bib:{macro_line}: error: entry 'undefined': undefined @string macro")

    done = mkdocs_build(tmp_path, strict=True)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    for message in expected:
        assert message in done.stderr, f"{message!r} not reported:\n{done.stderr[-4000:]}"
    assert "the build stopped before writing" in done.stderr  # and so never empties the site folder


CORPUS_SITES = [
    "bibliotex-all.bib",
    "biblatex-examples.bib",
    "bibtexparser-tests/traps.bib",
    "bibtexparser-tests/crossref_cascading_cycle.bib",
    "bibtexparser-tests/article_start_with_bom.bib",
]


@needs_corpus
@pytest.mark.parametrize("name", CORPUS_SITES)
def test_corpus_file_as_a_site_bibliography(tmp_path: Path, name: str) -> None:
    """A site citing entries of a real-world .bib: each of its problems is named at
    ``references.bib:LINE``; with errors among them the build stops and writes nothing,
    else it builds, with a page for every study cited."""
    source = CORPUS / name
    if not source.exists():
        pytest.skip(f"{name} not in the corpus")
    text = read(source)
    (tmp_path / "references.bib").write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(SITE_YML, encoding="utf-8")
    bibliography, diagnostics = parse_bibliography(text, "references.bib", CONFIG)
    keys = [k for k in bibliography.studies if re.fullmatch(r"[A-Za-z0-9_][\w:.+-]*[\w]", k)]
    cited = keys[:: max(1, len(keys) // 40)][:40]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(
        "# Corpus\n\n" + "\n\n".join(f"Cited: [@{key}]." for key in cited) + "\n", encoding="utf-8"
    )

    done = mkdocs_build(tmp_path, strict=False)
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    for diagnostic in diagnostics:
        assert f"references.bib:{diagnostic.line}: " in done.stderr, str(diagnostic)
    if has_errors(diagnostics):
        assert done.returncode == 1 and not (tmp_path / "out").exists(), done.stderr[-4000:]
        return
    assert done.returncode == 0, done.stderr[-4000:]
    for key in cited:
        assert (tmp_path / "out" / "studies" / bibliography.studies[key].slug / "index.html").exists(), key
