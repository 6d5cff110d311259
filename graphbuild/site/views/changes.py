"""The changes page: the site's evidence events by day, newest first; within a day, by
commit as the history has them, each commit's events in report order."""

from __future__ import annotations

from typing import Any

from graphbuild.model import routes
from graphbuild.model.events import KINDS, Event, describe
from graphbuild.site.context import Site


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    history, links = site.kb.history, site.links
    days: dict[str, dict[str, Any]] = {}
    for change in history.changes if history is not None else []:
        commit = change.commit
        day = days.setdefault(commit.date[:10], {"day": commit.day, "iso": commit.date[:10], "commits": []})
        day["commits"].append(
            {
                "short": commit.short,
                "subject": commit.subject,
                "events": [_event(site, current, event) for event in change.events],
            }
        )
    dated = history is not None and history.head is not None
    types = site.kb.config.claim_types
    return {
        "days": [days[iso] for iso in sorted(days, reverse=True)],
        "dated": dated,
        "feed_href": links.href(current, routes.CHANGES_FEED) if dated else "",
        "type_feeds": [(t, links.href(current, routes.CHANGES_FEED_OF_TYPE.format(type=t))) for t in types]
        if dated
        else [],
        "claims_href": links.page_href(current, "claims"),
    }


def _event(site: Site, current: str, event: Event) -> dict[str, Any]:
    kb, links = site.kb, site.links
    if event.claim is not None:
        if event.claim in kb.claims:
            href = links.claim_href(current, event.claim)
        else:
            href = links.claim_permalink(current, event.claim)
        subject = event.statement or event.claim
    else:
        study = kb.bibliography.studies.get(event.study or "")
        cited = study is not None and study.key in kb.cited
        href = links.study_href(current, study.key) if study is not None and cited else ""
        subject = kb.label(study.key) if study is not None and cited else event.study or ""
    return {"kind": event.kind, "word": KINDS[event.kind], "subject": subject, "href": href, "detail": describe(event)}
