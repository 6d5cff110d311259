"""Living evidence as files of the site: the changes feeds and the small pages at claims'
permanent addresses (of removed claims too).

The pure writers are ``graphbuild.formats.feed``'s; this module joins them to one site's
knowledge base and links. Every date comes from a commit, never from the clock, so two
builds of one commit are the same.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from graphbuild.common.urls import relative_url
from graphbuild.formats import feed
from graphbuild.model import routes
from graphbuild.model.events import EVENT_KIND, Event
from graphbuild.model.knowledge import KnowledgeBase
from graphbuild.model.timeline import MAX_FEED_ENTRIES, Commit
from graphbuild.site.context import Site


def changes_feed(site: Site, feed_src: str, claim_type: str | None = None) -> str:
    """The Atom feed of the changes page's events (``claim_type``: only those about claims
    of that type, a study's design counting for every claim citing it); links absolute
    under an http(s) ``site_url``, else relative to the feed. An event has the same entry
    id in every feed."""
    kb, links, settings = site.kb, site.links, site.settings
    history = kb.history
    assert history is not None and history.head is not None, "the feed is planned only for a dated site"
    site_url = settings.url if urlsplit(settings.url).scheme in ("http", "https") else None
    title = f"{settings.name}: changes to the evidence" if settings.name else "Changes to the evidence"
    events = history.dated_events()
    if claim_type is not None:
        title += f" ({claim_type} claims)"
        events = [(commit, event) for commit, event in events if claim_type in _types(kb, event)]
    events = events[:MAX_FEED_ENTRIES]  # the newest; the changes page keeps the rest

    def link(event: Event) -> str:
        if event.claim is not None:
            return links.site_url(routes.claim_address_src(event.claim))
        study = kb.cited.get(event.study or "")
        return links.site_url(routes.study_src(study.slug) if study is not None else routes.CHANGES_PAGE)

    def entry_title(event: Event) -> str:
        """The change's name and what it is about: the claim's statement, the study's label."""
        about = event.statement or event.claim if event.claim is not None else kb.label(event.study or "")
        return f"{EVENT_KIND[event.kind].title}: {about}"

    def entry_summary(commit: Commit, event: Event) -> str:
        words = site.event_words(event)
        why = f" Why: {commit.note}" if commit.note else ""
        return f"{words[:1].upper()}{words[1:]} ({commit.day}).{why}"

    return feed.changes_feed(
        events,
        site_url,
        title,
        feed_path=feed_src,
        page_path=links.site_url(routes.CHANGES_PAGE),
        updated=history.head.date,
        lang=settings.language,
        link=link,
        site_name=settings.name,
        title_of=entry_title,
        summary_of=entry_summary,
    )


def _types(kb: KnowledgeBase, event: Event) -> set[str]:
    """The claim types an event is about: its claim's (as it was, for a removed claim), or
    those of every claim citing the study whose design changed."""
    if event.claim is not None:
        return {event.type} if event.type else set()
    return {kb.claims[claim].type for claim in event.claims if claim in kb.claims}


def claim_stub(site: Site, claim_id: str) -> str:
    """The small page at ``claims/<id>/`` that sends the reader on to the claim's card."""
    kb = site.kb
    src = routes.claim_address_src(claim_id)
    target = relative_url(src, f"{site.links.urls[kb.claim_page[claim_id]]}#{claim_id}")
    return feed.claim_stub_html(claim_id, target, kb.claims[claim_id].statement, site.settings.language)


def removed_claim_stub(site: Site, claim_id: str) -> str:
    """The page at a removed claim's address: what it was, and the day it went."""
    assert site.kb.history is not None
    dates = site.kb.history.claims[claim_id]
    removed = dates.removed
    assert removed is not None
    src = routes.claim_address_src(claim_id)
    changes = relative_url(src, f"{site.links.urls[routes.CHANGES_PAGE]}#changes-{removed.date[:10]}")
    return feed.removed_claim_stub_html(claim_id, dates.statement, removed, changes, site.settings.language)
