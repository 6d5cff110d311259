"""What a clinician reads (issue 25, items 1, 2, 4 and 10): when the evidence was searched,
beside every certainty; the key message first; the kinds of evidence behind a claim, to
filter by; and the summary-of-findings columns GRADE tables carry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graphbuild.model.config import ConfigError, config_from_mapping

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site

QUESTION_MD = """# Questions

```claim
id: peer-led-groups
statement: Peer-led groups reduce loneliness.
type: outcome
group: patients
searched: to June 2013
population: Adults using community mental health services
intervention: A weekly peer-led group
comparison: Usual care
outcome: Loneliness at six months
participants: 1824
evidence:
  - key: pitt2013
    stance: supports
```
"""
CONFIG = MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      evidence_searched: 2012-03-31\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(
        tmp_path_factory.mktemp("reader") / "site",
        {"mkdocs.yml": CONFIG, "references.bib": BIB, "docs/index.md": INDEX_MD, "docs/questions.md": QUESTION_MD},
    )
    return build(root)


def read(built: Path, page: str) -> str:
    return (built / page).read_text(encoding="utf-8")


def row(html: str, row_id: str) -> str:
    return re.search(rf'<tr id="{row_id}"[^>]*>.*?</tr>', html, re.S).group()


# -- 1. how current ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        pytest.param("2012-03-31", "31 March 2012", id="iso-date-as-text"),
        pytest.param(__import__("datetime").date(2012, 3, 31), "31 March 2012", id="yaml-date"),
        pytest.param("2012-03", "March 2012", id="month"),
        pytest.param("  to about   2013 ", "to about 2013", id="words"),
    ],
)
def test_when_the_evidence_was_searched_is_a_date_or_a_few_words(given, shown) -> None:
    assert config_from_mapping({"evidence_searched": given}).evidence_searched == shown


@pytest.mark.parametrize("given", ["x" * 81, 2012, "   "])
def test_a_searched_date_that_cannot_be_shown_names_the_option(given) -> None:
    with pytest.raises(ConfigError, match="option 'evidence_searched': expected a date or a short text"):
        config_from_mapping({"evidence_searched": given})


def test_every_card_says_when_its_evidence_was_searched(built: Path) -> None:
    home = read(built, "index.html")
    cards = re.findall(r'<section class="gb-card.*?</section>', home, re.S)
    assert len(cards) == 2
    assert all('<span class="gb-searched">Evidence searched: 31 March 2012</span>' in card for card in cards)
    own = read(built, "questions/index.html")
    assert '<span class="gb-searched">Evidence searched: to June 2013</span>' in own  # the claim's own date wins


def test_tables_and_search_say_it_beside_the_certainty(built: Path) -> None:
    summary = read(built, "evidence/summary/index.html")
    assert summary.count('<span class="gb-searched-head">(evidence searched: 31 March 2012)</span>') == 2
    assert "The evidence was searched: 31 March 2012." in summary
    assert "to June 2013" in row(summary, "sof-peer-led-groups") and "to June 2013" not in row(summary, "sof-hope")
    claims = read(built, "claims/index.html")
    assert '<span class="gb-searched-head">(evidence searched: 31 March 2012)</span>' in claims
    assert "to June 2013" in row(claims, "peer-led-groups")
    docs = json.loads(read(built, "search/search_index.json"))["docs"]
    entry = next(d for d in docs if d["location"].endswith("#fewer-readmissions"))
    assert "Evidence searched: 31 March 2012." in entry["text"]


# -- 2. finding first ----------------------------------------------------------------------------


def test_the_claims_index_leads_with_the_key_message(built: Path) -> None:
    claims = read(built, "claims/index.html")
    assert '<th scope="col">Key message</th>' in claims
    fewer = row(claims, "fewer-readmissions")
    heading = re.search(r'<th scope="row"[^>]*>(.*?)</th>', fewer, re.S).group(1)
    assert heading.startswith('<a href="../#fewer-readmissions">Peer support may reduce readmissions;')
    assert '<span class="gb-label">Claim:</span> Peer support is associated with fewer psychiatric' in heading
    hope = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row(claims, "hope"), re.S).group(1)
    # no key message: the statement, with its direction and certainty in words beside it
    assert hope == (
        '<a href="../#hope">Patients supported by peers report more hope.</a>'
        '<p class="gb-verdict-words">Supported; very low certainty (GRADE).</p>'
    )


def test_the_summary_of_findings_leads_with_the_key_message_too(built: Path) -> None:
    summary = read(built, "evidence/summary/index.html")
    lead = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row(summary, "sof-fewer-readmissions"), re.S).group(1)
    assert lead.startswith('<a href="../../#fewer-readmissions">Peer support may reduce readmissions;')
    assert "Claim:</span> Peer support is associated" in lead


def test_direction_badges_are_at_least_twelve_pixels() -> None:
    css = (Path(__file__).parents[1] / "graphbuild" / "site" / "assets" / "graphbuild.css").read_text("utf-8")
    assert ".md-typeset .gb-status { font-size: max(.75em, .6rem); }" in css  # .6rem is 12px in Material


# -- 4. the kinds of evidence behind a claim -----------------------------------------------------


def test_the_claims_index_filters_by_the_evidence_behind_each_claim(built: Path) -> None:
    claims = read(built, "claims/index.html")
    assert 'data-evidence="trials comparisons"' in row(claims, "fewer-readmissions")
    assert 'data-evidence="expert"' in row(claims, "hope")
    assert 'data-evidence="trials"' in row(claims, "peer-led-groups")
    select = re.search(r'<select name="evidence" data-gb-many>(.*?)</select>', claims, re.S).group(1)
    options = re.findall(r'<option value="([a-z]*)">([^<]+)</option>', select)
    assert options == [
        ("", "all"),
        ("trials", "randomised trials or systematic reviews of trials (2)"),
        ("comparisons", "non-randomised comparisons (1)"),
        (
            "expert",
            "expert opinion, policy, theory or narrative reviews (1)",
        ),
    ]


def test_a_link_counts_with_the_design_it_gives_the_claim(tmp_path: Path) -> None:
    """A trial cited as a narrative source is not a trial for that claim."""
    page = INDEX_MD.replace("  - key: pitt2013\n    stance: no-effect\n", "  - key: pitt2013\n    design: opinion\n")
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": page})
    claims = read(build(root, strict=False), "claims/index.html")
    assert 'data-evidence="comparisons expert"' in row(claims, "fewer-readmissions")


def test_the_map_filters_claims_by_the_evidence_behind_them(built: Path) -> None:
    page = read(built, "evidence/index.html")
    boxes = re.findall(r'<input type="checkbox" name="evidence" value="([a-z]+)" checked> ([^<]+)</label>', page)
    assert boxes == [
        ("trials", "randomised trials or systematic reviews of trials (2)"),
        ("comparisons", "non-randomised comparisons (1)"),
        ("expert", "expert opinion, policy, theory or narrative reviews (1)"),
    ]
    data = json.loads(read(built, "evidence/map.json"))
    kinds = [value for value, _ in data["kinds"]]
    node = next(n for n in data["nodes"] if n["id"] == "claim:fewer-readmissions")
    assert [kinds[i] for i in node["ev"]] == ["trials", "comparisons"]


# -- 10. summary-of-findings columns -------------------------------------------------------------


def test_the_question_and_participants_where_the_editors_give_them(built: Path) -> None:
    summary = read(built, "evidence/summary/index.html")
    sections = summary.split('<h2 id="summary-')[1:]
    with_question = next(s for s in sections if "sof-peer-led-groups" in s)
    without = next(s for s in sections if "sof-hope" in s)
    assert '<th scope="col">Question</th>' in with_question and '<th scope="col">Question</th>' not in without
    cells = row(summary, "sof-peer-led-groups")
    assert (
        '<dl class="gb-question"><dt>Population</dt><dd>Adults using community mental health services</dd>'
        "<dt>Intervention</dt><dd>A weekly peer-led group</dd><dt>Comparison</dt><dd>Usual care</dd>"
        "<dt>Outcome</dt><dd>Loneliness at six months</dd></dl>"
    ) in cells
    assert '<p class="gb-participants">Participants: 1,824</p>' in cells
    card = read(built, "questions/index.html")
    assert "<dt>Participants</dt><dd>1,824</dd>" in card


def test_an_empty_column_field_is_an_error_at_its_line(tmp_path: Path) -> None:
    from graphbuild.model.bibliography import parse_bibliography
    from graphbuild.model.config import Config
    from graphbuild.model.knowledge import build_knowledge_base

    page = QUESTION_MD.replace("comparison: Usual care", 'comparison: ""')
    bibliography, _ = parse_bibliography(BIB, "references.bib", Config())
    _, found = build_knowledge_base([("q.md", "docs/q.md", page)], bibliography, Config())
    assert [str(d) for d in found if d.severity.value == "error"] == [
        "docs/q.md:11: error: 'comparison' is empty: leave it out, or say it in a few words"
    ]
