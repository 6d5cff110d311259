"""Pure writers for living evidence: the Atom feed of evidence events and the small pages at
a claim's permanent address (``claims/<id>/``).

They return text and write nothing; every string from a claim, a study or a commit is
escaped, and every date comes from a commit, so the same history gives the same bytes.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Sequence
from urllib.parse import quote, urlsplit

from graphbuild.common.escaping import xml_attr, xml_text
from graphbuild.common.urls import relative_url
from graphbuild.model import routes
from graphbuild.model.events import KINDS, Event, describe
from graphbuild.model.timeline import Commit

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = routes.CHANGES_FEED
CHANGES_PATH = routes.changes_address()
# Without site_url a feed has no host of its own to mint ids under: RFC 2606's reserved
# ".invalid" keeps such ids from colliding with anyone's real ones.
FALLBACK_AUTHORITY = "graphbuild.invalid"
FALLBACK_DATE = "2026"  # the feed's own id has no event to take a date from
_TAG_SAFE = "/:@!$&'()*+,;=-._~%"  # % too: the parts are percent-encoded already


def claim_path(claim_id: str) -> str:
    """A claim's permanent address, relative to the site's root."""
    return routes.claim_address(quote(claim_id, safe=""))


def study_path(slug: str) -> str:
    return routes.study_address(quote(slug, safe=""))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "site"


class _Site:
    """Where the site lives: absolute links under ``site_url``, otherwise links relative to
    the feed, which feed readers resolve against the feed's own address."""

    def __init__(self, site_url: str | None, title: str, feed_path: str) -> None:
        self.base = (site_url or "").strip()
        if self.base and not self.base.endswith("/"):
            self.base += "/"
        parts = urlsplit(self.base)
        if self.base and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise ValueError(f"site_url must be an http(s) address, not {site_url!r}")
        self.authority = parts.hostname or FALLBACK_AUTHORITY
        self.root = parts.path if self.base else f"/{_slug(title)}/"
        self.feed_path = feed_path

    def link(self, path: str) -> str:
        if self.base:
            return self.base + path
        return posixpath.relpath(path or ".", posixpath.dirname(self.feed_path) or ".") + (
            "/" if path.endswith("/") else ""
        )

    def tag(self, day: str, path: str) -> str:
        """A ``tag:`` URI (RFC 4151): the site's host, a date, and a path under the site."""
        return f"tag:{self.authority},{day}:{quote(self.root + path, safe=_TAG_SAFE)}"


def entry_path(commit: Commit, event: Event) -> str:
    """What names an event for good: its commit, kind, claim and study."""
    parts = [commit.sha, event.kind, event.claim or "-", event.study or "-"]
    return CHANGES_PATH + "/".join(quote(part, safe="") for part in parts)


def entry_title(event: Event) -> str:
    if event.claim is not None:
        return f"{KINDS[event.kind]}: {event.statement or event.claim}"
    return f"{KINDS[event.kind]}: {event.study}"


def entry_summary(commit: Commit, event: Event) -> str:
    """What changed, in the values editors write, and when."""
    return f"{describe(event)} (commit {commit.short}, {commit.day})"


def _target(event: Event) -> str:
    if event.claim is not None:
        return claim_path(event.claim)
    if event.study_slug:
        return study_path(event.study_slug)
    return CHANGES_PATH


def changes_feed(
    events: Sequence[tuple[Commit, Event]],
    site_url: str | None,
    title: str,
    *,
    feed_path: str = FEED_PATH,
    page_path: str = CHANGES_PATH,
    updated: str | None = None,
    lang: str = "en",
    link: Callable[[Event], str] = _target,
    site_name: str | None = None,
    title_of: Callable[[Event], str] = entry_title,
    summary_of: Callable[[Commit, Event], str] = entry_summary,
) -> str:
    """An Atom feed with an entry per evidence event, in the order given (newest first, as
    ``History.dated_events`` gives them).

    Entry ids are ``tag:`` URIs minted from the commit and the event, so an event keeps its id
    in every build and in every feed that carries it (one per claim type or group, say).
    ``updated`` is the feed's date when it has no entries (the head commit's date); otherwise
    the newest entry's. ``link`` maps an event to a path under the site (default: the claim's
    permanent address, or the study's page). ``site_name`` (default: ``title``) names the
    site in the ids when there is no ``site_url``: feeds with other titles share it.
    ``title_of`` and ``summary_of`` word each entry (default: the event's kind and its
    claim's statement or study's key; the change in the values editors write)."""
    site = _Site(site_url, title if site_name is None else site_name, feed_path)
    dates = [commit.date for commit, _ in events]
    newest = max(dates, default=updated)
    if newest is None:
        raise ValueError("a feed without entries needs an updated date (the head commit's)")
    feed_id = site.base + feed_path if site.base else site.tag(FALLBACK_DATE, feed_path)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xml:lang={xml_attr(lang)}>',
        f"  <id>{xml_text(feed_id)}</id>",
        f'  <title type="text">{xml_text(title)}</title>',
        f"  <updated>{xml_text(newest)}</updated>",
        f"  <author><name>{xml_text(title)}</name></author>",
        f'  <link rel="self" type="application/atom+xml" href={xml_attr(site.link(feed_path))}/>',
        f'  <link rel="alternate" type="text/html" href={xml_attr(site.link(page_path))}/>',
        "  <generator>graphbuild</generator>",
    ]
    for commit, event in events:
        summary = summary_of(commit, event)
        out += [
            "  <entry>",
            f"    <id>{xml_text(site.tag(commit.date[:10], entry_path(commit, event)))}</id>",
            f'    <title type="text">{xml_text(title_of(event))}</title>',
            f"    <updated>{xml_text(commit.date)}</updated>",
            f'    <link rel="alternate" type="text/html" href={xml_attr(site.link(link(event)))}/>',
            f"    <category term={xml_attr(event.kind)} label={xml_attr(KINDS[event.kind])}/>",
            f'    <summary type="text">{xml_text(summary)}</summary>',
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def head_links(feeds: Sequence[tuple[str, str]], page_url: str, site_url: str = "") -> str:
    """The links a page's head gets to each feed (source, title): absolute under
    ``site_url``, as the feeds' own links are, else relative to the page."""
    return "".join(
        autodiscovery_link(site_url + src if site_url else relative_url(page_url, src), title) + "\n"
        for src, title in feeds
    )


def autodiscovery_link(href: str, title: str) -> str:
    """The ``<link>`` for a page's head that lets browsers and readers find the feed."""
    return f'<link rel="alternate" type="application/atom+xml" title="{html.escape(title)}" href="{_url(href)}">'


# -- permanent claim addresses ---------------------------------------------------------------

_URL_SAFE = "/:?#[]@!$&()*+,;=%-._~"


def _url(url: str) -> str:
    """A link target fit for an attribute and a refresh: only relative, http and https
    addresses; quotes, spaces and controls percent-encoded; then HTML-escaped."""
    scheme = urlsplit(url).scheme
    if scheme and scheme.lower() not in ("http", "https"):
        raise ValueError(f"not a link graphbuild writes: {url!r}")
    return html.escape(quote(url, safe=_URL_SAFE))


_STUB = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
{head}</head>
<body>
{body}
</body>
</html>
"""


def claim_stub_html(claim_id: str, target_url: str, statement: str, lang: str = "en") -> str:
    """The page at ``claims/<id>/``: sends the reader on to the claim's card wherever it now
    is, by a refresh that needs no JavaScript, with a canonical link and a plain link."""
    target = _url(target_url)
    text = html.escape(" ".join(statement.split()) or claim_id)
    return _STUB.format(
        lang=html.escape(lang),
        title=text,
        head=f'<link rel="canonical" href="{target}">\n<meta http-equiv="refresh" content="0; url={target}">\n',
        body=f'<p><a href="{target}">{text}</a></p>',
    )


def removed_claim_stub_html(
    claim_id: str, statement: str, removed: Commit, changes_url: str | None = None, lang: str = "en"
) -> str:
    """The page at a removed claim's address: it says what the claim was, that it was removed
    and on which day, instead of a 404."""
    text = html.escape(" ".join(statement.split()) or claim_id)
    more = f' <a href="{_url(changes_url)}">What changed</a>.' if changes_url else ""
    body = (
        f"<h1>Claim removed</h1>\n<p>The claim \u201c{text}\u201d ({html.escape(claim_id)}) "
        f"was removed from this site on {removed.day}.{more}</p>"
    )
    return _STUB.format(lang=html.escape(lang), title=f"Claim removed: {text}", head="", body=body)
