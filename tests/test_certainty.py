"""Certainty: where a claim's evidence starts, the editors' rating, and what is checked."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from graphbuild.common.diagnostics import Severity
from graphbuild.formats.graph import build_graph, to_csv, to_graphml, to_json
from graphbuild.model.bibliography import parse_bibliography
from graphbuild.model.config import Config, ConfigError, config_from_mapping
from graphbuild.model.knowledge import build_knowledge_base

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site

STUDIES = r"""
@article{rct1, author = {Trial, Tom}, title = {A trial}, year = {2010}, design = {rct}}
@article{rct2, author = {Trial, Tina}, title = {Another trial}, year = {2011}, design = {rct}}
@article{sr1, author = {Review, Rita}, title = {A review of trials}, year = {2012}, design = {systematic-review}}
@article{cg1, author = {Group, Gus}, title = {A comparison}, year = {2009}, design = {comparison-group}}
@article{q1, author = {Voice, Vera}, title = {Interviews}, year = {2013}, design = {qualitative}}
@article{q2, author = {Voice, Val}, title = {Focus groups}, year = {2014}, design = {qualitative}}
@article{mm1, author = {Mixed, Max}, title = {Both kinds}, year = {2015}, design = {mixed-methods}}
@article{pol1, author = {{Department of Health}}, title = {A policy}, year = {2016}, design = {policy}}
"""


def claim(fields: str, evidence: str = "  - rct1\n") -> str:
    return f"# Page\n\n```claim\nid: c\nstatement: S.\ntype: outcome\n{fields}evidence:\n{evidence}```\n"


def assess_page(markdown: str, config: Config | None = None):
    config = config or Config()
    bibliography, problems = parse_bibliography(STUDIES, "references.bib", config)
    assert problems == []
    kb, diagnostics = build_knowledge_base([("p.md", "docs/p.md", markdown)], bibliography, config)
    return kb, [(d.severity.value, d.line, d.message) for d in diagnostics]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        pytest.param(
            claim("certainty: hgh\n"),
            [("error", 7, "unknown certainty 'hgh' (did you mean 'high'?)")],
            id="certainty-word",
        ),
        pytest.param(
            claim("certainty: high\napproach: grad\n"),
            [("error", 8, "unknown approach 'grad' (did you mean 'grade'?)")],
            id="approach-word",
        ),
        pytest.param(
            claim("certainty: low\nbecause:\n  risk-of-bais: Not blinded.\n"),
            [("error", 9, "unknown domain 'risk-of-bais' (did you mean 'risk-of-bias'?)")],
            id="domain-word",
        ),
        pytest.param(
            claim("certainty: low\nbecause:\n  risk-of-bias: Not blinded.\n  coherence: Accounts differ.\n"),
            [("error", 10, "'coherence' is a GRADE-CERQual reason, but claim 'c' is rated with GRADE")],
            id="cerqual-component-under-grade",
        ),
        pytest.param(
            claim("certainty: moderate\nbecause:\n  imprecision: Few people.\n", "  - q1\n  - q2\n"),
            [
                ("error", 9, "'imprecision' is a GRADE reason, but claim 'c' is rated with GRADE-CERQual"),
                ("error", 7, "rated moderate, but its evidence starts at high under GRADE-CERQual: say why"),
            ],
            id="grade-domain-under-cerqual",
        ),
        pytest.param(
            claim("certainty: low\n"),
            [("error", 7, "claim 'c' is rated low, but its evidence starts at high under GRADE: say why under")],
            id="down-without-reason",
        ),
        pytest.param(
            claim("certainty: low\nbecause:\n  risk-of-bias: Not blinded.\n  imprecision: One small trial.\n"),
            [],
            id="down-with-reasons",
        ),
        pytest.param(
            claim("certainty: moderate\n", "  - cg1\n  - key: rct1\n    stance: no-effect\n    design: cohort\n"),
            [
                (
                    "error",
                    7,
                    "rated moderate, but its evidence starts at low under GRADE: say why under 'because:' (large",
                )
            ],
            id="up-without-reason",
        ),
        pytest.param(
            claim("certainty: moderate\nbecause:\n  large-effect: Half as many.\n", "  - cg1\n  - cg1\n"),
            [("warning", 12, "claim 'c' lists 'cg1' twice")],
            id="up-with-reason",
        ),
        pytest.param(
            claim("certainty: low\napproach: cerqual\n", "  - pol1\n"),
            [
                (
                    "error",
                    7,
                    "rated low, but its evidence starts at very low under GRADE-CERQual, and GRADE-CERQual never",
                )
            ],
            id="cerqual-never-rates-up",
        ),
        pytest.param(
            claim("certainty: low\nbecause:\n  risk-of-bias: Few.\n", "  - rct1\n  - q1\n"),
            [("error", 3, "rests on evidence of both kinds (GRADE: randomised controlled trial; GRADE-CERQual: quali")],
            id="both-kinds-rated",
        ),
        pytest.param(
            claim("", "  - rct1\n  - q1\n"),
            [("note", 3, "claim 'c' has no certainty rating (rests on evidence of both kinds (GRADE: randomised")],
            id="both-kinds-unrated-is-a-note",
        ),
        pytest.param(
            claim(""),
            [("note", 3, "claim 'c' has no certainty rating (its evidence starts at high under GRADE)")],
            id="unrated",
        ),
        pytest.param(
            claim("because:\n  risk-of-bias: Few.\n"),
            [
                ("error", 8, "'because' explains a rating: give 'certainty:' too"),
                ("note", 3, "claim 'c' has no certainty rating"),
            ],
            id="reasons-without-rating",
        ),
        pytest.param(
            claim(
                "certainty: moderate\nbecause:\n  risk-of-bias: Few.\nsummary: Peer support reduces use.\n",
                RCTS := "  - rct1\n  - rct2\n",
            ),
            [
                (
                    "note",
                    10,
                    "the summary of 'c' reads stronger than moderate certainty: GRADE's wording uses 'probably'",
                )
            ],
            id="moderate-summary-unhedged",
        ),
        pytest.param(
            claim("certainty: moderate\nbecause:\n  risk-of-bias: Few.\nsummary: It probably reduces use.\n", RCTS),
            [],
            id="moderate-summary-hedged",
        ),
        pytest.param(
            claim("certainty: low\nbecause:\n  risk-of-bias: Few.\nsummary: Peer support reduces use.\n", RCTS),
            [("note", 10, "reads stronger than low certainty: GRADE's wording uses 'may' or 'might'")],
            id="low-summary-unhedged",
        ),
        pytest.param(
            claim("certainty: very-low\nbecause:\n  risk-of-bias: Few.\nsummary: It may reduce use.\n", RCTS),
            [("note", 10, "reads stronger than very low certainty: GRADE's wording uses 'very uncertain'")],
            id="very-low-summary-unhedged",
        ),
        pytest.param(
            claim("certainty: moderate\nbecause:\n  coherence: One voice.\nsummary: Patients value it.\n", "  - q1\n"),
            [("note", 7, "claim 'c' is rated moderate on one study; say under 'adequacy:' why that is enough")],
            id="cerqual-summary-not-hedged-but-one-study",
        ),
        pytest.param(
            claim("certainty: high\n"),
            [("note", 7, "claim 'c' is rated high on one study; say under 'imprecision:' why that is enough")],
            id="one-study",
        ),
        pytest.param(
            claim("certainty: moderate\nbecause:\n  inconsistency: Mixed.\n", "  - rct1\n  - sr1: no-effect\n"),
            [("note", 7, "claim 'c' is rated moderate although a systematic review (sr1) does not support it")],
            id="review-finds-no-effect",
        ),
        pytest.param(
            claim("", "  - key: rct1\n    design: rcts\n"),
            [("error", 9, "unknown design 'rcts' (did you mean 'rct'?)")],
            id="design-word",
        ),
        pytest.param(
            claim("certainty: low\napproach: cerqual\n"),
            [("error", 7, "none of its studies is of the kind GRADE-CERQual rates")],
            id="approach-without-evidence-of-its-kind",
        ),
        pytest.param(
            claim("certainty: very-low\nsummary: The evidence is very uncertain about it.\n", "  - mm1\n  - pol1\n"),
            [("error", 7, "rated very low, but its evidence starts at low under GRADE: say why")],
            id="mixed-methods-follow-grade",
        ),
        pytest.param(
            claim("certainty: high\napproach: cerqual\nbecause:\n  adequacy: Rich data.\n", "  - mm1\n"),
            [],
            id="mixed-methods-follow-cerqual",
        ),
    ],
)
def test_ratings_are_checked_against_the_starting_point(markdown: str, expected: list) -> None:
    _, found = assess_page(markdown)
    assert len(found) == len(expected), found
    for got, want in zip(sorted(found), sorted(expected), strict=True):
        assert got[:2] == want[:2], got
        assert want[2] in got[2], got[2]


@pytest.mark.parametrize(
    ("evidence", "approach", "start"),
    [
        pytest.param("  - rct1\n", "grade", "high", id="rct"),
        pytest.param("  - sr1: no-effect\n  - cg1\n", "grade", "high", id="all-stances-count"),
        pytest.param("  - cg1\n", "grade", "low", id="comparison-group"),
        pytest.param("  - q1\n  - pol1\n", "cerqual", "high", id="qualitative"),
        pytest.param("  - pol1\n", "grade", "very-low", id="policy-alone"),
        pytest.param("  - key: cg1\n    design: policy\n", "grade", "very-low", id="per-link-design"),
        pytest.param("  - key: pol1\n    design: rct\n", "grade", "high", id="per-link-design-up"),
    ],
)
def test_starting_point_from_every_study(evidence: str, approach: str, start: str) -> None:
    kb, _ = assess_page(claim("", evidence))
    assessment = kb.assessments["c"]
    assert (assessment.approach, assessment.starting_point, assessment.rating) == (approach, start, None)


def test_require_certainty_makes_an_unrated_claim_an_error() -> None:
    _, found = assess_page(claim(""), config_from_mapping({"require_certainty": True}))
    assert found == [("error", 3, "claim 'c' has no certainty rating (its evidence starts at high under GRADE)")]


def test_a_site_can_move_a_designs_starting_point() -> None:
    config = config_from_mapping({"starting_points": {"policy": {"grade": "low"}}})
    kb, _ = assess_page(claim("", "  - pol1\n"), config)
    assert kb.assessments["c"].starting_point == "low"
    with pytest.raises(ConfigError, match="option 'starting_points'"):
        config_from_mapping({"starting_points": {"policy": {"grade": "medium"}}})
    with pytest.raises(ConfigError, match="not in the levels"):
        config_from_mapping({"starting_points": {"anecdote": {"grade": "low"}}})


def test_the_profile_uses_the_design_each_study_contributes() -> None:
    kb, _ = assess_page(claim("", "  - key: cg1\n    design: opinion\n  - q1\n"))
    profile = kb.profiles["c"]
    assert profile.direction == "Supported by one qualitative study and one opinion piece."
    assert profile.strongest_overall == (5, "qualitative")
    assert profile.certainty == "Certainty not assessed (starts at high under GRADE-CERQual)."


# -- exports -----------------------------------------------------------------------------------

RATED = claim(
    "certainty: low\nbecause:\n  risk-of-bias: Not blinded.\n  imprecision: Few people.\nsummary: It may help.\n",
    "  - rct1\n  - key: cg1\n    stance: no-effect\n    design: cohort\n",
)


@pytest.fixture
def rated_kb():
    kb, found = assess_page(RATED)
    assert found == []
    return kb


def test_graph_json_carries_the_certainty_and_the_link_designs(rated_kb) -> None:
    data = json.loads(to_json(build_graph(rated_kb)))
    (node,) = [n for n in data["nodes"] if n["id"] == "claim:c"]
    assert {k: node[k] for k in ("certainty", "approach", "starting_point", "summary", "because")} == {
        "certainty": "low",
        "approach": "grade",
        "starting_point": "high",
        "summary": "It may help.",
        "because": {"risk-of-bias": "Not blinded.", "imprecision": "Few people."},
    }
    edges = {e["target"]: e for e in data["edges"]}
    assert edges["study:cg1"] | {} == {
        "source": "claim:c",
        "target": "study:cg1",
        "stance": "no-effect",
        "design": "cohort",
        "level": 3,
    }
    assert "design" not in edges["study:rct1"]


def test_graphml_and_csv_carry_the_certainty(rated_kb) -> None:
    graph = nx.read_graphml(io.StringIO(to_graphml(build_graph(rated_kb))))
    node = graph.nodes["claim:c"]
    assert (node["certainty"], node["approach"], node["starting_point"]) == ("low", "grade", "high")
    assert json.loads(node["because"]) == {"imprecision": "Few people.", "risk-of-bias": "Not blinded."}
    assert graph.edges["claim:c", "study:cg1"]["design"] == "cohort"
    rows = {r["study"]: r for r in csv.DictReader(io.StringIO(to_csv(rated_kb)))}
    assert rows["cg1"]["certainty"] == "low" and rows["cg1"]["design"] == "cohort" and rows["cg1"]["level"] == "3"
    assert json.loads(rows["rct1"]["because"])["risk-of-bias"] == "Not blinded."


# -- the site ----------------------------------------------------------------------------------


def test_a_site_written_before_ratings_builds_strict_and_says_not_assessed(tmp_path: Path) -> None:
    page = re.sub(r"^(certainty|because|summary):.*\n", "", INDEX_MD, flags=re.M)
    assert "certainty" not in page
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": page})
    html = (build(root) / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<section class="gb-card.*?</section>', html, re.S)
    assert len(cards) == 2 and all("Not assessed" in card for card in cards)
    assert "Not yet rated by the editors; evidence of this kind starts at high." in cards[0]


def test_cards_lead_with_the_key_message_and_give_the_reasons(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    card = html[html.index('<section class="gb-card') : html.index("</section>")]
    order = [
        card.index("Peer support may reduce readmissions"),
        card.index("What the evidence says"),
        card.index("How sure we can be"),
        card.index("Why this rating"),
        card.index('<table class="gb-evidence">'),
    ]
    assert order == sorted(order)
    assert '<span class="gb-meter" aria-hidden="true">⊕⊕◯◯</span> <span class="gb-certainty-word">Low</span>' in card
    assert "The true effect may be substantially different from the estimate." in card
    assert "<strong>Risk of bias</strong>: The comparison group was not randomised." in card


def test_summary_of_findings_has_a_row_per_claim_linked_both_ways(built: Path) -> None:
    page = (built / "evidence" / "summary" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr id="sof-([a-z0-9-]+)">(.*?)</tr>', page, re.S)
    assert [r[0] for r in rows] == ["fewer-readmissions", "hope"]
    first = rows[0][1]
    assert (
        'href="../../#fewer-readmissions"' in first and "One systematic review and one comparison-group study" in first
    )
    assert "⊕⊕◯◯" in first and "GRADE" in first and "Risk of bias" in first
    home = (built / "index.html").read_text(encoding="utf-8")
    assert 'href="evidence/summary/#sof-fewer-readmissions"' in home
    nav = re.findall(r'href="[./]*evidence/summary/"', home)
    assert nav, "the summary of findings is in the navigation"


@pytest.fixture
def built(site: Path) -> Path:
    return build(site)


def test_severity_of_notes_never_fails_strict() -> None:
    from graphbuild.common.diagnostics import failing, note

    assert failing([note("p", 1, "x")], strict=True) == [] and Severity.NOTE.value == "note"
