"""The changes feed (read back with feedparser) and the pages at claims' permanent addresses."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from graphbuild.formats.feed import autodiscovery_link, changes_feed, claim_stub_html, removed_claim_stub_html
from graphbuild.history.dating import site_history
from graphbuild.model.events import Event
from graphbuild.model.timeline import Commit

from .living_repo import make_repo

HOSTILE = 'Evil </title><script>alert(1)</script> & "quotes" <img src=x onerror=alert(1)>\x01\x1b'
MONDAY = Commit("a" * 40, 1773057600, "2026-03-09T12:00:00+00:00", "Flip a stance")
FRIDAY = Commit("b" * 40, 1773403200, "2026-03-13T12:00:00+01:00", "Evil <b>subject</b>")


def events() -> list[tuple[Commit, Event]]:
    claim = {"statement": HOSTILE, "page": "a.md", "type": "outcome", "group": "services"}
    return [
        (FRIDAY, Event("claim-added", claim="new-claim", **claim)),
        (FRIDAY, Event("design-changed", study="odd&key<1>", old="rct", new="cohort", study_slug="odd-key-1")),
        (MONDAY, Event("stance-changed", claim="old-claim", study="pitt2013", old="supports", new="mixed")),
    ]


@pytest.mark.parametrize(
    ("site_url", "claim_link", "feed_id"),
    [
        pytest.param(
            "https://peer.example.org/kb/",
            "https://peer.example.org/kb/claims/new-claim/",
            "https://peer.example.org/kb/evidence/changes.xml",
            id="site-url",
        ),
        pytest.param(
            "https://peer.example.org/kb",
            "https://peer.example.org/kb/claims/new-claim/",
            "https://peer.example.org/kb/evidence/changes.xml",
            id="site-url-without-slash",
        ),
        pytest.param(
            None, "../claims/new-claim/", "tag:graphbuild.invalid,2026:/peer-kb/evidence/changes.xml", id="relative"
        ),
    ],
)
def test_feedparser_reads_the_feed_without_error(site_url, claim_link, feed_id) -> None:
    text = changes_feed(events(), site_url, "Peer KB")
    feed = feedparser.parse(text)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id == feed_id and feed.feed.title == "Peer KB"
    assert feed.feed.updated == "2026-03-13T12:00:00+01:00"  # the newest commit, never the clock
    assert [e.link for e in feed.entries][0] == claim_link
    assert [e.title for e in feed.entries] == [
        f"Claim added: {HOSTILE[:-2]}\ufffd\ufffd",
        "Study design changed: odd&key<1>",
        "Stance changed: old-claim",
    ]
    assert [e.updated for e in feed.entries] == [FRIDAY.date, FRIDAY.date, MONDAY.date]
    assert all(e.id.startswith("tag:") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == 3
    assert feed.entries[2].summary == "pitt2013: supports → mixed (commit aaaaaaa, 9 March 2026)"
    assert feed.entries[1].link.endswith("studies/odd-key-1/")
    assert "<script>" not in text and "<img" not in text


def test_entry_ids_are_stable_tag_uris() -> None:
    first = feedparser.parse(changes_feed(events(), "https://peer.example.org/kb/", "Peer KB"))
    # another feed (one per claim type, say) with the same event carries the same id
    other = feedparser.parse(
        changes_feed(events()[2:], "https://peer.example.org/kb/", "Outcomes", feed_path="evidence/outcome.xml")
    )
    assert (
        first.entries[2].id
        == other.entries[0].id
        == (f"tag:peer.example.org,2026-03-09:/kb/evidence/changes/{'a' * 40}/stance-changed/old-claim/pitt2013")
    )
    assert first.entries[1].id.endswith(f"{'b' * 40}/design-changed/-/odd%26key%3C1%3E")


def test_the_same_events_give_the_same_bytes() -> None:
    assert changes_feed(events(), "https://x.org/", "T") == changes_feed(events(), "https://x.org/", "T")


def test_an_empty_feed_takes_the_head_commit_date() -> None:
    feed = feedparser.parse(changes_feed([], "https://x.org/", "T", updated=MONDAY.date))
    assert feed.bozo == 0 and feed.entries == [] and feed.feed.updated == MONDAY.date
    with pytest.raises(ValueError, match="needs an updated date"):
        changes_feed([], "https://x.org/", "T")


@pytest.mark.parametrize("site_url", ["javascript:alert(1)", "ftp://x.org/", "peer.example.org"])
def test_site_url_must_be_http(site_url) -> None:
    with pytest.raises(ValueError, match="site_url"):
        changes_feed(events(), site_url, "T")


def test_a_feed_of_a_real_history(tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_repo(root)
    history = site_history(root)
    feed = feedparser.parse(changes_feed(history.dated_events(), "https://x.org/", "Site", updated=history.head.date))
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == [
        "Claim moved: Peer support is associated with fewer psychiatric readmissions.",
        "Stance changed: Peer support is associated with fewer psychiatric readmissions.",
        "Claim added: Peer support is associated with fewer psychiatric readmissions.",
        "Claim added: Peer support gives patients hope.",
    ]
    assert feed.entries[0].link == "https://x.org/claims/fewer-readmissions/"


def test_autodiscovery_link() -> None:
    assert autodiscovery_link("../changes.xml", 'Changes "all"') == (
        '<link rel="alternate" type="application/atom+xml" title="Changes &quot;all&quot;" href="../changes.xml">'
    )


# -- claim stubs -----------------------------------------------------------------------------


class Page(HTMLParser):
    """What a browser would see: elements with their attributes, and the text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def test_claim_stub_sends_the_reader_on_without_javascript() -> None:
    html = claim_stub_html("hope", "../../benefits/#hope", "Patients supported by peers report more hope.")
    assert len(html.encode()) < 600
    page = Page(html)
    assert page.find("meta", http_equiv="refresh") == [
        {"http-equiv": "refresh", "content": "0; url=../../benefits/#hope"}
    ]
    assert page.find("link", rel="canonical")[0]["href"] == "../../benefits/#hope"
    assert page.find("a")[0]["href"] == "../../benefits/#hope"
    assert page.find("meta", name="robots")[0]["content"] == "noindex"
    assert "Patients supported by peers report more hope." in "".join(page.text)
    assert not page.find("script")


def test_hostile_statements_stay_inert_in_stubs() -> None:
    for html in (
        claim_stub_html("evil", "https://x.org/page/#evil", HOSTILE),
        removed_claim_stub_html("evil", HOSTILE, MONDAY, "../../evidence/changes/"),
    ):
        page = Page(html)
        assert {tag for tag, _ in page.tags} <= {"html", "head", "meta", "title", "link", "body", "p", "a", "h1"}
        assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
        assert "<script>alert(1)</script>" in "".join(page.text)  # shown as text


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param("../my page/#x", "../my%20page/#x", id="space"),
        pytest.param("../a'b\"c/#x", "../a%27b%22c/#x", id="quotes"),
        pytest.param("https://x.org/a?b=1&c=2#x", "https://x.org/a?b=1&c=2#x", id="query"),
    ],
)
def test_stub_targets_are_encoded(target, expected) -> None:
    page = Page(claim_stub_html("x", target, "S."))
    assert page.find("a")[0]["href"] == expected
    assert page.find("meta", http_equiv="refresh")[0]["content"] == f"0; url={expected}"


@pytest.mark.parametrize("target", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x"])
def test_stub_targets_must_be_links(target) -> None:
    with pytest.raises(ValueError, match="not a link"):
        claim_stub_html("x", target, "S.")


def test_a_removed_claim_says_so_and_when() -> None:
    html = removed_claim_stub_html("hope", "Patients report more hope.", MONDAY, "../../evidence/changes/")
    page = Page(html)
    text = " ".join("".join(page.text).split())
    assert "Claim removed" in text
    assert "The claim \u201cPatients report more hope.\u201d (hope) was removed from this site on 9 March 2026." in text
    assert page.find("a")[0]["href"] == "../../evidence/changes/"
    assert not page.find("meta", http_equiv="refresh")
    assert page.find("meta", name="robots")[0]["content"] == "noindex"
    assert len(html.encode()) < 700


def test_feeds_of_one_site_share_entry_ids_without_a_site_url() -> None:
    """Without site_url the ids are minted under the site's name, not the feed's title."""
    first = feedparser.parse(changes_feed(events(), None, "Peer KB: changes", site_name="Peer KB"))
    other = feedparser.parse(
        changes_feed(events()[2:], None, "Peer KB: outcome claims", feed_path="evidence/o.xml", site_name="Peer KB")
    )
    assert first.entries[2].id == other.entries[0].id
    assert first.entries[2].id.startswith("tag:graphbuild.invalid,2026-03-09:/peer-kb/evidence/changes/")
