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
                ),
                ("note", 7, "claim 'c' rests only on expert opinion or policy, which GRADE does not rate as evidence"),
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
    ("evidence", "approach", "start", "state"),
    [
        pytest.param("  - rct1\n", "grade", "high", "not-assessed", id="rct"),
        pytest.param("  - sr1: no-effect\n  - cg1\n", "grade", "high", "not-assessed", id="all-stances-count"),
        pytest.param("  - cg1\n", "grade", "low", "not-assessed", id="comparison-group"),
        pytest.param("  - q1\n  - pol1\n", "cerqual", "high", "not-assessed", id="qualitative"),
        pytest.param("  - pol1\n", "grade", None, "expert-opinion", id="policy-alone"),
        pytest.param("  - key: cg1\n    design: policy\n", "grade", None, "expert-opinion", id="per-link-design"),
        pytest.param("  - key: pol1\n    design: rct\n", "grade", "high", "not-assessed", id="per-link-design-up"),
    ],
)
def test_starting_point_from_every_study(evidence: str, approach: str, start: str | None, state: str) -> None:
    kb, _ = assess_page(claim("", evidence))
    assessment = kb.assessments["c"]
    assert (assessment.approach, assessment.starting_point, assessment.rating) == (approach, start, None)
    assert assessment.state == state


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
    assert len(cards) == 2 and "Not assessed" in cards[0]
    assert "Not yet rated by the editors; evidence of this kind starts at high." in cards[0]
    # the second rests on a theory and a narrative review only: not rated, and finished as it is
    assert '<span class="gb-certainty-word">Not rated (expert opinion / policy)</span>' in cards[1]
    assert "gb-meter" not in cards[1]


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


# -- what is not rated, and why (issue 25) -------------------------------------------------------


def _states(markdown: str, config: Config | None = None):
    kb, found = assess_page(markdown, config)
    return kb.assessments["c"], found


@pytest.mark.parametrize(
    ("fields", "evidence", "state", "expected"),
    [
        pytest.param("", "  - pol1\n", "expert-opinion", [], id="policy-alone-is-not-rated"),
        pytest.param(
            "summary: Peer workers help patients recover.\n",
            "  - pol1\n",
            "expert-opinion",
            [("note", 7, "the summary of 'c' reads as a finding, but the claim rests only on expert opinion")],
            id="not-rated-summary-unhedged",
        ),
        pytest.param(
            "summary: Policy suggests that peer workers help patients recover.\n",
            "  - pol1\n",
            "expert-opinion",
            [],
            id="not-rated-summary-hedged",
        ),
        pytest.param(
            "because:\n  indirectness: Policy.\n",
            "  - pol1\n",
            "expert-opinion",
            [("error", 8, "'because' explains a rating: give 'certainty:' too")],
            id="not-rated-with-reasons",
        ),
        pytest.param(
            "certainty: very-low\n",
            "  - pol1\n",
            "very-low",
            [("note", 7, "claim 'c' rests only on expert opinion or policy, which GRADE does not rate as evidence")],
            id="rated-anyway-without-a-reason",
        ),
        pytest.param(
            "certainty: very-low\nbecause:\n  indirectness: A policy, not a study of patients.\n",
            "  - pol1\n",
            "very-low",
            [],
            id="rated-anyway-with-a-reason",
        ),
        pytest.param(
            "certainty: low\n",
            "  - pol1\n",
            "low",
            [
                ("error", 7, "rated low, but its evidence starts at very low under GRADE"),
                ("note", 7, "rests only on expert opinion or policy"),
            ],
            id="rated-anyway-still-starts-at-very-low",
        ),
        pytest.param("", "  - pol1\n  - cg1\n", "not-assessed", [("note", 3, "has no certainty rating")], id="mixed"),
        pytest.param(
            "certainty: very-low\napproach: cerqual\n",
            "  - cg1\n  - pol1\n",
            "very-low",
            [
                (
                    "note",
                    7,
                    "claim 'c' is rated with GRADE-CERQual, but none of its studies is of a kind GRADE-CERQual rates "
                    "(qualitative studies or mixed-methods studies)",
                )
            ],
            id="cerqual-without-a-qualitative-study",
        ),
        pytest.param(
            "certainty: very-low\napproach: cerqual\nbecause:\n  adequacy: One small study.\n",
            "  - mm1\n  - pol1\n",
            "very-low",
            [],
            id="cerqual-with-a-mixed-methods-study",
        ),
        pytest.param("about: evidence\n", "  - sr1\n", "about-evidence", [], id="about-the-evidence"),
        pytest.param(
            "about: evidence\ncertainty: high\nbecause:\n  large-effect: Big.\n",
            "  - sr1\n",
            "about-evidence",
            [
                (
                    "error",
                    8,
                    "claim 'c' is about the evidence itself ('about: evidence'): it is described, not rated; ",
                ),
                ("error", 10, "leave out 'because:'"),
            ],
            id="about-the-evidence-rated",
        ),
        pytest.param(
            "about: effects\n", "  - sr1\n", None, [("error", 7, "unknown about 'effects'")], id="about-unknown"
        ),
    ],
)
def test_what_is_not_rated_and_why(fields: str, evidence: str, state: str | None, expected: list) -> None:
    kb, found = assess_page(claim(fields, evidence))
    assert (kb.assessments["c"].state if "c" in kb.assessments else None) == state
    assert len(found) == len(expected), found
    for got, want in zip(sorted(found), sorted(expected), strict=True):
        assert got[:2] == want[:2] and want[2] in got[2], got


def test_not_rated_and_about_the_evidence_count_as_assessed() -> None:
    required = config_from_mapping({"require_certainty": True})
    for fields, evidence in (("", "  - pol1\n"), ("about: evidence\n", "  - sr1\n")):
        assessment, found = _states(claim(fields, evidence), required)
        assert assessment.assessed and found == []
    assessment, found = _states(claim("", "  - cg1\n"), required)
    assert not assessment.assessed and found[0][0] == "error"


def test_starting_points_still_apply_to_expert_opinion() -> None:
    """A site that gives policy a starting point rates it as evidence: the claim is then
    waiting for its rating, which starts there."""
    config = config_from_mapping({"starting_points": {"policy": {"grade": "low"}}, "require_certainty": True})
    assessment, found = _states(claim("", "  - pol1\n"), config)
    assert (assessment.state, assessment.starting_point) == ("not-assessed", "low")
    assert found == [("error", 3, "claim 'c' has no certainty rating (its evidence starts at low under GRADE)")]


def test_the_profile_says_what_is_not_rated() -> None:
    kb, _ = assess_page(claim("", "  - pol1\n"))
    assert kb.profiles["c"].certainty == "Not rated (expert opinion / policy)."
    kb, _ = assess_page(claim("about: evidence\n", "  - sr1\n"))
    assert kb.profiles["c"].certainty == "Not rated (about the evidence)."


# -- inferred stances ----------------------------------------------------------------------------

INFERRED = (
    "  - key: sr1\n    stance: no-effect\n    inferred: true\n    note: The review found no difference overall.\n"
)


@pytest.mark.parametrize(
    ("evidence", "contested", "by_inference", "sentence"),
    [
        pytest.param(
            INFERRED + "  - cg1\n",
            False,
            True,
            "Supported by one comparison-group study; one systematic review (inferred) found no significant effect. "
            "Inferred stances alone do not make it contested.",
            id="inferred-alone-never-contests",
        ),
        pytest.param(
            "  - key: sr1\n    stance: no-effect\n  - cg1\n",
            True,
            False,
            "Supported by one comparison-group study; one systematic review found no significant effect. "
            "The strongest evidence does not support it: contested.",
            id="reported-contests",
        ),
        pytest.param(
            INFERRED + "  - rct1: no-effect\n  - cg1\n",
            True,
            False,
            "Supported by one comparison-group study; one systematic review (inferred) and one randomised "
            "controlled trial found no significant effect. The strongest evidence does not support it: contested.",
            id="a-reported-trial-below-an-inferred-review-contests",
        ),
        pytest.param(
            INFERRED.replace("no-effect", "supports") + "  - rct1: no-effect\n",
            True,
            False,
            "Supported by one systematic review (inferred); one randomised controlled trial found no significant "
            "effect. The strongest evidence does not support it: contested.",
            id="inferred-support-does-not-outrank-a-reported-trial",
        ),
    ],
)
def test_inferred_stances_alone_never_make_a_claim_contested(evidence, contested, by_inference, sentence) -> None:
    kb, found = assess_page(claim("", evidence))
    profile = kb.profiles["c"]
    assert (profile.contested, profile.contested_by_inference, profile.direction) == (contested, by_inference, sentence)
    assert profile.inferred == evidence.count("inferred: true")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        pytest.param(
            "  - key: sr1\n    inferred: true\n", "the stance of 'sr1' is inferred: say under 'note:'", id="no-note"
        ),
        pytest.param(
            "  - key: sr1\n    inferred: maybe\n    note: N.\n", "'inferred' must be true or false", id="not-a-flag"
        ),
    ],
)
def test_an_inferred_stance_needs_a_note(item: str, message: str) -> None:
    _, found = assess_page(claim("", item))
    assert [(f[0], f[1]) for f in found] == [("error", 9)] and message in found[0][2]


def test_the_graph_marks_inferred_links_and_why_a_claim_is_not_rated() -> None:
    kb, _ = assess_page(claim("", INFERRED + "  - cg1\n"))
    data = json.loads(to_json(build_graph(kb)))
    edges = {e["target"]: e for e in data["edges"]}
    assert edges["study:sr1"]["inferred"] is True and "inferred" not in edges["study:cg1"]
    (node,) = [n for n in data["nodes"] if n["id"] == "claim:c"]
    assert (node["certainty"], "not_rated" in node, "searched" in node) == ("", False, False)  # not assessed
    kb, _ = assess_page(claim("", "  - pol1\n"), config_from_mapping({"evidence_searched": "2012-03-31"}))
    (node,) = [n for n in json.loads(to_json(build_graph(kb)))["nodes"] if n["id"] == "claim:c"]
    assert (node["certainty"], node["not_rated"], node["searched"]) == ("", "expert-opinion", "31 March 2012")


MODEL_PAGE = """# Model

```claim
id: opinion-only
statement: Peer workers help patients recover.
type: benefit
summary: Policy suggests that peer workers may help patients recover.
evidence:
  - dh2011
  - mead2006
```

```claim
id: trials-are-weak
statement: The trials of peer support are of low quality.
type: outcome
about: evidence
evidence:
  - pitt2013
```

```claim
id: readmissions
statement: Peer support reduces readmissions.
type: outcome
certainty: low
because: {risk-of-bias: Not randomised.}
evidence:
  - min2007
  - key: pitt2013
    stance: no-effect
    inferred: true
    note: The review reported no difference across service use.
```
"""
MODEL_BIB = BIB.replace("@report{dh2011,", "@report{dh2011,\n  note = {Candidate document: not confirmed.},")


@pytest.fixture(scope="module")
def model_site(tmp_path_factory) -> Path:
    root = write_site(
        tmp_path_factory.mktemp("model") / "site",
        {
            "mkdocs.yml": MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      require_certainty: true\n"),
            "references.bib": MODEL_BIB.replace(
                "  design = {comparison-group},",
                "  design = {comparison-group},\n  note = {Graded as the overview does.},",
            ),
            "docs/index.md": MODEL_PAGE,
        },
    )
    return build(root)


def _card(html: str, claim_id: str) -> str:
    start = html.index('<section class="gb-card gb-type-')
    cards = re.findall(r'<section class="gb-card[^>]*id="([a-z0-9-]+)".*?</section>', html[start:], re.S)
    assert claim_id in cards
    return re.search(rf'<section class="gb-card[^>]*id="{claim_id}".*?</section>', html, re.S).group()


def test_cards_show_not_rated_plainly_and_mark_inferred_stances(model_site: Path) -> None:
    """Built strict with require_certainty: not rated and about-the-evidence count as assessed."""
    html = (model_site / "index.html").read_text(encoding="utf-8")
    opinion = _card(html, "opinion-only")
    assert (
        '<span class="gb-certainty gb-certainty-unrated gb-unrated-expert-opinion"><span class="gb-certainty-word">'
        in (opinion)
        and "Not rated (expert opinion / policy)" in opinion
    )
    assert "gb-meter" not in opinion and "(GRADE)" not in opinion
    assert "which GRADE does not rate as evidence: read it as a view, not a finding." in opinion
    about = _card(html, "trials-are-weak")
    assert "Not rated (about the evidence)" in about and "described, not rated as an effect" in about
    assert "gb-meter" not in about and "Why this rating" not in about
    readmissions = _card(html, "readmissions")
    assert 'gb-card-supported"' in html[html.index('id="readmissions"') - 80 : html.index('id="readmissions"')]
    assert '∅</span> no significant effect</span> <span class="gb-inferred">(inferred)</span>' in readmissions
    assert "Inferred stances alone do not make it contested." in readmissions
    summary = (model_site / "evidence" / "summary" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr id="sof-readmissions">.*?</tr>', summary, re.S).group()
    assert '<p class="gb-inferred">1 stance inferred, not reported: not counted as contested</p>' in row
    opinion_row = re.search(r'<tr id="sof-opinion-only">.*?</tr>', summary, re.S).group()
    assert "Not rated (expert opinion / policy)" in opinion_row and "gb-meter" not in opinion_row


def test_bib_caveats_show_once_on_study_pages_and_in_the_bibliography(model_site: Path) -> None:
    """Whatever the entry type (a report and an article here), never inside the reference."""
    for slug, caveat in (("dh2011", "Candidate document: not confirmed."), ("min2007", "Graded as the overview does.")):
        page = (model_site / "studies" / slug / "index.html").read_text(encoding="utf-8")
        assert page.count(caveat) == 1 and f'<dt>Note</dt><dd class="gb-caveat">{caveat}</dd>' in page
    bibliography = (model_site / "bibliography" / "index.html").read_text(encoding="utf-8")
    entry = re.search(r'<li id="ref-dh2011">.*?</li>', bibliography, re.S).group()
    assert entry.count("Candidate document") == 1
    assert (
        '<span class="gb-caveat"><span class="gb-label">Note:</span> Candidate document: not confirmed.</span>' in entry
    )
    ref = re.search(r'<span class="gb-ref">.*?</span></span>', entry, re.S).group()
    assert "Candidate" not in ref
