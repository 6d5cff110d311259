"""``graphbuild check | stats | export`` on sites in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphbuild.cli import main

from .conftest import INDEX_MD


def run(site: Path, *args: str, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(["--root", str(site), *args])
    out, err = capsys.readouterr()
    return code, out, err


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
        "docs/index.md:25: error: unknown type 'anecdote'",
    ),
    "missing-statement": (
        INDEX_MD.replace("statement: Patients supported by peers report more hope.\n", ""),
        "docs/index.md:22: error: claim is missing required field 'statement'",
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
    (site / "docs/other.md").write_text("# Other\n\n" + INDEX_MD.split("## Hope\n\n", 1)[1], encoding="utf-8")
    code, out, _ = run(site, "check", capsys=capsys)
    assert code == 1
    assert "docs/index.md:22: error: duplicate claim id 'hope' (also at docs/other.md:3)" in out
    assert "docs/other.md:3: error: duplicate claim id 'hope' (also at docs/index.md:22)" in out


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


def test_stats(site: Path, capsys) -> None:
    code, out, _ = run(site, "stats", capsys=capsys)
    assert code == 0
    assert "claims: 2" in out and "contested: 1" in out and "5 cited" in out
    assert "uncited entries: 1 (uncited2020)" in out


def test_missing_bibliography_is_a_clear_error(site: Path, capsys) -> None:
    (site / "references.bib").unlink()
    code, _, err = run(site, "check", capsys=capsys)
    assert code == 2 and "bibliography 'references.bib' not found" in err
