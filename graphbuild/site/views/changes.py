"""The changes page: the site's evidence events for its readers, by day (newest first) and,
within a day, by claim, the claims whose direction or certainty changed first, then claims
added or removed, then those whose studies changed, then those only reworded; each change in
the vocabulary's words. Commit subjects are written for the repository and stay out; a
commit's ``Evidence-note:`` trailer, where it has one, is the reason readers see."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graphbuild.model import routes
from graphbuild.model.events import EVENT_KIND, Event
from graphbuild.model.timeline import Change
from graphbuild.site.context import Site

_ONCE = ("claim-added", "claim-removed")  # events with no before and after to compare


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    history, links = site.kb.history, site.links
    by_day: dict[str, list[Change]] = {}
    for change in history.changes if history is not None else []:
        by_day.setdefault(change.commit.date[:10], []).append(change)
    dated = history is not None and history.head is not None
    types = site.kb.config.claim_types
    return {
        "days": [_day(site, current, by_day[iso]) for iso in sorted(by_day, reverse=True)],
        "dated": dated,
        "feed_href": links.href(current, routes.CHANGES_FEED) if dated else "",
        "type_feeds": [(t, links.href(current, routes.CHANGES_FEED_OF_TYPE.format(type=t))) for t in types]
        if dated
        else [],
        "claims_href": links.page_href(current, "claims"),
    }


def _day(site: Site, current: str, changes: list[Change]) -> dict[str, Any]:
    """One day's changes (newest commit first, as the history has them), by claim or study.
    What changed twice in a day is said once, from how it was to how it is."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    latest: dict[tuple[str, str, str, str], Event] = {}
    for order, change in enumerate(reversed(changes)):  # oldest first, so later changes win
        for event in change.events:
            key = ("claim", event.claim) if event.claim is not None else ("study", event.study or "")
            group = groups.setdefault(key, {"key": key, "event": event, "events": {}, "notes": [], "order": order})
            if change.commit.note and change.commit.note not in group["notes"]:
                group["notes"].append(change.commit.note)
            slot = (*key, event.kind, event.study or "")
            earlier = latest.get(slot)
            latest[slot] = event if earlier is None else replace(event, old=earlier.old)
            group["events"][slot] = latest[slot]
    shown = []
    for group in groups.values():
        events = [e for e in group["events"].values() if e.old != e.new or e.kind in _ONCE]
        if events:
            shown.append(_group(site, current, group, events))
    shown.sort(key=lambda g: (g["weight"], g["kind"] != "claim", -g["order"]))
    commit = changes[0].commit
    return {"day": commit.day, "iso": commit.date[:10], "groups": shown}


def _group(site: Site, current: str, group: dict[str, Any], events: list[Event]) -> dict[str, Any]:
    kind, name = group["key"]
    kb, links = site.kb, site.links
    if kind == "claim":
        href = links.claim_href(current, name) if name in kb.claims else links.claim_permalink(current, name)
        title = group["event"].statement or name
    else:
        study = kb.bibliography.studies.get(name)
        cited = study is not None and study.key in kb.cited
        href = links.study_href(current, name) if cited else ""
        title = kb.label(name) if cited else name
    events.sort(key=lambda e: (EVENT_KIND[e.kind].weight, e.sort_key))
    return {
        "kind": kind,
        "title": title,
        "href": href,
        "weight": EVENT_KIND[events[0].kind].weight,
        "order": group["order"],
        "notes": group["notes"],
        "events": [{"kind": e.kind, "word": EVENT_KIND[e.kind].title, "detail": site.event_words(e)} for e in events],
    }
