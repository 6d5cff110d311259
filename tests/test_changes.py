"""The changes page and feeds as readers read them (issue 25, item 5): by day and claim,
what matters most first, in the vocabulary's words, without commit subjects, with the
reason a commit's ``Evidence-note:`` trailer gives."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from .conftest import BIB, MKDOCS_YML, build
from .living_repo import make_repo

SITE_URL = "https://kb.example.org/peer/"
WHY = "The Cochrane review was read again for service use."


def claims(a: str, b: str) -> str:
    return f"# Peer support\n\nWhat peer workers offer.\n\n{a}\n{b}"


A = "```claim\nid: a\nstatement: Peer support helps A.\ntype: outcome\n{fields}evidence:\n  - min2007\n```\n"
B = "```claim\nid: b\nstatement: {statement}\ntype: benefit\nevidence:\n  - min2007\n{more}```\n"
INFERRED = "  - key: pitt2013\n    stance: no-effect\n    inferred: true\n    note: The review found no difference.\n"
RATED_LOW = "certainty: low\n"
RATED_MODERATE = "certainty: moderate\nbecause: {large-effect: Half as many readmissions.}\n"

COMMITS = [
    ("Base", {"docs/index.md": claims(A.format(fields=""), B.format(statement="B helps.", more=""))}, 2),
    (
        f"Merge main into cite2\n\nEvidence-note: {WHY}",
        {"docs/index.md": claims(A.format(fields=RATED_LOW), B.format(statement="B helps patients.", more=""))},
        3,
    ),
    (
        "wip",
        {
            "docs/index.md": claims(
                A.format(fields=RATED_MODERATE), B.format(statement="B helps patients.", more=INFERRED)
            )
        },
        3,
    ),
    ("Regrade min2007", {"references.bib": BIB.replace("design = {comparison-group}", "design = {cohort}")}, 4),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("changes") / "site"
    make_repo(root, COMMITS)
    (root / "mkdocs.yml").write_text(MKDOCS_YML + f"site_url: {SITE_URL}\n", encoding="utf-8")
    return build(root, site_dir=tmp_path_factory.mktemp("changes-site"))


def _groups(html: str, iso: str) -> list[tuple[str, list[str]]]:
    """A day's groups: each subject, and its changes in words."""
    day = html.split(f'<h2 id="changes-{iso}">')[1].split("<h2 ")[0]
    found = []
    for section in re.findall(r'<section class="gb-change-group.*?</section>', day, re.S):
        subject = re.sub(r"<[^>]+>", "", re.search(r"<h3[^>]*>(.*?)</h3>", section).group(1))
        changes = [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li[^>]*>(.*?)</li>", section)]
        found.append((subject, changes))
    return found


def test_a_day_groups_its_changes_by_claim_what_matters_first(built: Path) -> None:
    html = (built / "evidence" / "changes" / "index.html").read_text(encoding="utf-8")
    assert _groups(html, "2026-03-03") == [
        # two commits that day: the certainty is said once, from how it was to how it is
        ("Peer support helps A.", ["Certainty changed: now moderate certainty (was not assessed)"]),
        (
            "B helps patients.",
            [
                "Study added: Pitt et al., 2013 (found no significant effect, inferred)",
                "Claim reworded: it said: \u201cB helps.\u201d",
            ],
        ),
    ]
    assert _groups(html, "2026-03-04") == [
        (
            "Study: Min et al., 2007",
            [
                "Study design changed: Min et al., 2007 is now a cohort study (level 3) (was a comparison-group study "
                "(level 3)); cited by 2 claims"
            ],
        )
    ]


def test_commit_subjects_stay_out_and_a_trailer_gives_the_reason(built: Path) -> None:
    html = (built / "evidence" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "Merge main into cite2" not in html and "wip" not in html and "Regrade" not in html
    assert html.count(f'<span class="gb-label">Why:</span> {WHY}</p>') == 2  # both claims that commit changed
    words = re.sub(r"<[^>]+>", " ", html.split('class="gb-changes-intro"')[1])
    for raw in ("no-effect", "not-assessed", "very-low", "min2007", "pitt2013", "commit "):
        assert raw not in words


def test_feed_entries_are_titled_in_words_and_link_absolutely(built: Path) -> None:
    feed = feedparser.parse((built / "evidence" / "changes.xml").read_text(encoding="utf-8"))
    assert feed.bozo == 0
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Study design changed: Min et al., 2007"
    assert "Certainty changed: Peer support helps A." in titles
    assert all(e.link.startswith(SITE_URL) for e in feed.entries)
    assert feed.entries[0].link == SITE_URL + "studies/min2007/"
    rated = [e for e in feed.entries if e.title == "Certainty changed: Peer support helps A."]
    assert rated[-1].summary == f"Now low certainty (was not assessed) (3 March 2026). Why: {WHY}"
    assert not any("min2007" in e.title or "no-effect" in e.summary for e in feed.entries)
