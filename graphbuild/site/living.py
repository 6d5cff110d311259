"""Living evidence on the site: claims dated from the site's git history, the changes page,
the changes feed and the pages at claims' permanent addresses.

The engine lives elsewhere (``history``: dates and events from commits; ``feed``: the pure
writers); this module joins it to a knowledge base and a renderer, for the MkDocs plugin and
the Markdown tree alike. Every date comes from a commit, never from the clock, so two builds
of one commit are the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from graphbuild.formats import feed
from graphbuild.common.diagnostics import Diagnostic, note
from graphbuild.history.compare import KINDS, Event, Snapshot, describe
from graphbuild.model.formatting import relative_url
from graphbuild.formats.graph import build_graph
from graphbuild.history.dating import HistoryCache, site_history
from graphbuild.site.registry import FILE, claim_stub_src, study_src

if TYPE_CHECKING:
    from graphbuild.history.git import Commit
    from graphbuild.model.knowledge import KnowledgeBase
    from graphbuild.site.renderer import Renderer


def date_claims(
    kb: KnowledgeBase, root: Path, config_file: str = "mkdocs.yml", cache: HistoryCache | None = None
) -> list[Diagnostic]:
    """Give ``kb`` its history (``kb.history``): each claim's dates and the site's evidence
    events up to the checked-out commit. A claim whose evidence differs in the working tree
    gets no evidence date (it has none yet). What the history cannot tell (no repository, a
    shallow clone) is a note on the site's configuration file, which fails no build."""
    kb.history = site_history(root, config_file, cache=cache, current=lambda: Snapshot.from_graph(build_graph(kb)))
    return [note(config_file, 1, message) for message in kb.history.notes]


# -- the changes page ------------------------------------------------------------------------


def changes_context(r: Renderer, current: str) -> dict[str, Any]:
    """The evidence events by day, newest first; within a day, by commit as the history
    has them, each commit's events in report order."""
    history = r.kb.history
    days: dict[str, dict[str, Any]] = {}
    for change in history.changes if history is not None else []:
        commit = change.commit
        day = days.setdefault(commit.date[:10], {"day": commit.day, "iso": commit.date[:10], "commits": []})
        day["commits"].append(
            {
                "short": commit.short,
                "subject": commit.subject,
                "events": [_event_view(r, current, event) for event in change.events],
            }
        )
    dated = history is not None and history.head is not None
    by_type = FILE["changes-feed-of-type"].src
    return {
        "days": [days[iso] for iso in sorted(days, reverse=True)],
        "dated": dated,
        "feed_href": r.href(current, FILE["changes-feed"].src) if dated else "",
        "type_feeds": [(t, r.href(current, by_type.format(type=t))) for t in r.kb.config.claim_types] if dated else [],
        "claims_href": r.page_href(current, "claims"),
    }


def _event_view(r: Renderer, current: str, event: Event) -> dict[str, Any]:
    kb = r.kb
    if event.claim is not None:
        if event.claim in kb.claims:
            href = r.claim_href(current, event.claim)
        else:
            href = r.claim_permalink(current, event.claim)
        subject = event.statement or event.claim
    else:
        study = kb.bibliography.studies.get(event.study or "")
        href = r.study_href(current, study.key) if study is not None and study.key in kb.cited else ""
        subject = kb.label(study.key) if study is not None and study.key in kb.cited else event.study or ""
    return {"kind": event.kind, "word": KINDS[event.kind], "subject": subject, "href": href, "detail": describe(event)}


# -- the feed --------------------------------------------------------------------------------


def changes_feed(r: Renderer, feed_src: str, page_src: str, claim_type: str | None = None) -> str:
    """The Atom feed of the changes page's events (``claim_type``: only those about claims
    of that type, a study's design counting for every claim citing it); links absolute
    under an http(s) ``site_url``, else relative to the feed. An event has the same entry
    id in every feed."""
    history = r.kb.history
    assert history is not None and history.head is not None, "the feed is planned only for a dated site"
    site_url = r.site.url if urlsplit(r.site.url).scheme in ("http", "https") else None
    title = f"{r.site.name}: changes to the evidence" if r.site.name else "Changes to the evidence"
    events = history.dated_events()
    if claim_type is not None:
        title += f" ({claim_type} claims)"
        events = [(commit, event) for commit, event in events if claim_type in _types(r.kb, event)]

    def link(event: Event) -> str:
        if event.claim is not None:
            return _site_url(r, claim_stub_src(event.claim))
        study = r.kb.cited.get(event.study or "")
        return _site_url(r, study_src(study) if study is not None else page_src)

    return feed.changes_feed(
        events,
        site_url,
        title,
        feed_path=feed_src,
        page_path=_site_url(r, page_src),
        updated=history.head.date,
        lang=r.site.language,
        link=link,
        site_name=r.site.name,
    )


def _types(kb: KnowledgeBase, event: Event) -> set[str]:
    """The claim types an event is about: its claim's (as it was, for a removed claim), or
    those of every claim citing the study whose design changed."""
    if event.claim is not None:
        return {event.type} if event.type else set()
    return {kb.claims[claim].type for claim in event.claims if claim in kb.claims}


def _site_url(r: Renderer, src: str) -> str:
    """Where a source is served, relative to the site's root, folders ending in ``/``."""
    url = r.urls.get(src, src)
    return url.removesuffix("index.html") if r.site.directory_urls and url.endswith("/index.html") else url


# -- permanent addresses ---------------------------------------------------------------------


def claim_stub(r: Renderer, claim_id: str, src: str) -> str:
    """The small page at ``claims/<id>/`` that sends the reader on to the claim's card."""
    claim = r.kb.claims[claim_id]
    target = relative_url(src, f"{r.urls[r.kb.claim_page[claim_id]]}#{claim_id}")
    return feed.claim_stub_html(claim_id, target, claim.statement, r.site.language)


def removed_claim_stub(r: Renderer, claim_id: str, src: str, changes_src: str) -> str:
    """The page at a removed claim's address: what it was, and the day it went."""
    assert r.kb.history is not None
    dates = r.kb.history.claims[claim_id]
    removed: Commit | None = dates.removed
    assert removed is not None
    changes = relative_url(src, f"{r.urls[changes_src]}#changes-{removed.date[:10]}")
    return feed.removed_claim_stub_html(claim_id, dates.statement, removed, changes, r.site.language)
