"""Errors that teach: a value the site's vocabulary lacks says where the vocabulary is set
(``mkdocs.yml:LINE``) and what may have been meant; a ``.bib`` entry the parser gave up on
is named, with the field that left a value open."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from graphbuild.cli import main
from graphbuild.model.bibliography import parse_bibliography
from graphbuild.model.config import Config, ConfigError, config_from_mapping

from .conftest import build, write_site

SITE_YML = """\
site_name: Exercise for depression
theme:
  name: material
  font: false
plugins:
  - search
  - graphbuild:
      claim_types: [effect, harm]
      levels:
        1: [rct]
        2: [cohort, qualitative]
"""
DEFAULT_YML = SITE_YML.split("  - graphbuild:")[0] + "  - graphbuild\n"
BIB = """\
@article{blumenthal1999,
  author = {Blumenthal, James A.},
  title = {Effects of exercise training on older patients with major depression},
  year = {1999},
  design = {rct},
}
"""
CLAIM = """\
# Exercise

```claim
id: exercise-lifts-mood
statement: Exercise lifts mood.
type: {type}
evidence:
  - key: blumenthal1999
    design: {design}
```
"""


def _check(root: Path, capsys: pytest.CaptureFixture) -> list[str]:
    assert main(["--root", str(root), "check"]) == 1
    out = capsys.readouterr().out
    return [line for line in out.splitlines() if ": error: " in line]


CASES = [
    pytest.param(
        SITE_YML,
        {"type": "mood", "design": "rct"},
        "docs/index.md:6: error: unknown type 'mood'; add 'mood' to claim_types in mkdocs.yml:8, "
        "or use one of: effect, harm",
        id="type-in-a-given-vocabulary",
    ),
    pytest.param(
        SITE_YML,
        {"type": "efect", "design": "rct"},
        "docs/index.md:6: error: unknown type 'efect' (did you mean 'effect'?); add 'efect' to claim_types in "
        "mkdocs.yml:8, or use one of: effect, harm",
        id="type-misspelt",
    ),
    pytest.param(
        DEFAULT_YML,
        {"type": "mood", "design": "rct"},
        "docs/index.md:6: error: unknown type 'mood'; add claim_types: [benefit, barrier, facilitator, outcome, "
        "mood] to the graphbuild plugin's options in mkdocs.yml:7, or use one of: benefit, barrier, facilitator, "
        "outcome",
        id="type-in-the-default-vocabulary",
    ),
    pytest.param(
        SITE_YML,
        {"type": "effect", "design": "qualitativ"},
        "docs/index.md:9: error: unknown design 'qualitativ' (did you mean 'qualitative'?); add 'qualitativ' to a "
        "level under levels in mkdocs.yml:9, or use one of: rct, cohort, qualitative",
        id="design-of-an-evidence-item",
    ),
]


@pytest.mark.parametrize(("settings", "values", "expected"), CASES)
def test_an_unknown_value_says_where_the_vocabulary_is_set(
    tmp_path: Path, capsys, settings: str, values: dict[str, str], expected: str
) -> None:
    files = {"mkdocs.yml": settings, "references.bib": BIB, "docs/index.md": CLAIM.format(**values)}
    root = write_site(tmp_path / "site", files)
    assert _check(root, capsys) == [expected]


def test_an_unknown_group_says_where_groups_are_set(tmp_path: Path, capsys) -> None:
    page = CLAIM.format(type="effect", design="rct").replace("type: effect\n", "type: effect\ngroup: patient\n")
    root = write_site(tmp_path / "site", {"mkdocs.yml": SITE_YML, "references.bib": BIB, "docs/index.md": page})
    assert _check(root, capsys) == [
        "docs/index.md:7: error: unknown group 'patient' (did you mean 'patients'?); add groups: [patients, "
        "peer-workers, services, organisations, patient] to the graphbuild plugin's options in mkdocs.yml:7, "
        "or use one of: patients, peer-workers, services, organisations"
    ]


def test_an_unknown_design_in_the_bibliography_says_where_levels_are_set(tmp_path: Path, capsys) -> None:
    bib = BIB.replace("design = {rct}", "design = {cohrt}")
    page = CLAIM.format(type="effect", design="rct")
    root = write_site(tmp_path / "site", {"mkdocs.yml": SITE_YML, "references.bib": bib, "docs/index.md": page})
    assert _check(root, capsys) == [
        "references.bib:5: error: entry 'blumenthal1999': unknown design 'cohrt' (did you mean 'cohort'?); add "
        "'cohrt' to a level under levels in mkdocs.yml:9, or use one of: rct, cohort, qualitative"
    ]


@pytest.mark.parametrize(("settings", "line"), [(SITE_YML, 8), (DEFAULT_YML, 7)], ids=["given", "default"])
def test_the_plugin_says_the_same_as_check(tmp_path: Path, capsys, caplog, settings: str, line: int) -> None:
    files = {"mkdocs.yml": settings, "references.bib": BIB, "docs/index.md": CLAIM.format(type="mood", design="rct")}
    root = write_site(tmp_path / "site", files)
    (expected,) = _check(root, capsys)
    from mkdocs.exceptions import Abort

    with caplog.at_level(logging.WARNING), pytest.raises(Abort):
        build(root, strict=False)
    assert expected in caplog.text and "claim_types" in expected and f"mkdocs.yml:{line}," in expected


def test_a_misspelt_approach_or_design_in_starting_points_is_suggested() -> None:
    with pytest.raises(ConfigError, match=r"unknown approach 'grde' \(did you mean 'grade'\?\)"):
        config_from_mapping({"starting_points": {"cohort": {"grde": "low"}}})
    with pytest.raises(ConfigError, match=r"design 'cohrt' is not in the levels \(did you mean 'cohort'\?\)"):
        config_from_mapping({"starting_points": {"cohrt": {"grade": "low"}}})


# -- a .bib entry the parser gave up on ------------------------------------------------------

GOOD = "@article{good2001,\n  title = {Fine},\n  year = 2001,\n  design = {rct},\n}\n\n"
NEXT = "\n@article{next2003,\n  title = {After},\n  design = {rct},\n}\n"


@pytest.mark.parametrize(
    ("text", "expected", "kept"),
    [
        pytest.param(
            GOOD
            + "@article{brace2002,\n  author = {A, B},\n  title = {An {unbalanced title},\n  year = 2002,\n}\n"
            + NEXT,
            "refs.bib:7: error: malformed entry 'brace2002': field 'title' (line 9) opens a brace that is not closed "
            "before the next entry (line 13); the entry is left out until it is mended",
            ["good2001", "next2003"],
            id="unbalanced-brace",
        ),
        pytest.param(
            GOOD + '@article{quote2002,\n  title = "An open quote,\n  year = 2002,\n}\n' + NEXT,
            "refs.bib:7: error: malformed entry 'quote2002': field 'title' (line 8) opens a quotation mark that is not "
            "closed before the next entry (line 12); the entry is left out until it is mended",
            ["good2001", "next2003"],
            id="open-quote",
        ),
        pytest.param(
            GOOD + "@article{last2002,\n  title = {Never closed,\n  year = 2002,\n",
            "refs.bib:7: error: malformed entry 'last2002': field 'title' (line 8) opens a brace that is not closed "
            "before the end of the file; the entry is left out until it is mended",
            ["good2001"],
            id="end-of-file",
        ),
        pytest.param(
            GOOD + "@article{comma2002 title = {x}}\n",
            "refs.bib:7: error: malformed entry 'comma2002': Expected comma after entry key, but found =; the entry "
            "is left out until it is mended",
            ["good2001"],
            id="missing-comma",
        ),
    ],
)
def test_a_malformed_entry_is_named_with_the_field_left_open(text: str, expected: str, kept: list[str]) -> None:
    bibliography, diagnostics = parse_bibliography(text, "refs.bib", Config())
    assert [str(d) for d in diagnostics] == [expected]
    assert list(bibliography.studies) == kept


def test_a_misspelt_fail_on_event_is_suggested(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["diff", "HEAD", "HEAD", "--fail-on", "claim-removd"])
    assert "unknown event or policy 'claim-removd' (did you mean 'claim-removed'" in capsys.readouterr().err
