"""Headings and the HTML ids a page's claims share with them.

A card is ``<id>`` with a statement ``<id>-statement``; a heading that the ``toc`` extension
gives the same id breaks the claim's anchor, so links and the evidence map land elsewhere.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from graphbuild.common.diagnostics import Diagnostic, error, warning
from graphbuild.model.citations import quoted
from graphbuild.model.claims import Claim
from graphbuild.model.scan import Scan

_ATX = re.compile(r"^[ \t>]*#{1,6}(?P<text>.*)$")
_SETEXT = re.compile(r"^[ \t>]*[=-]+[ ]*$")
_HEADING_ATTRS = re.compile(r"[ ]+\{:?[ ]*([^}\n ][^\n]*?)[ ]*\}[ ]*$")
_ATTR_ID = re.compile(r"(?:^|\s)(?:#|id=[\"']?)([^\s}\"']+)")
_INLINE_LINK = re.compile(r"!?\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])")
_HTML_TAG = re.compile(r"<[^>]*>")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<!\w)_+|_+(?!\w)")
_TITLE = re.compile(r"^#[ \t]+(?=\S)", re.M)
STATEMENT = "-statement"


@dataclass(frozen=True)
class Heading:
    """A heading as the toc extension sees it: its text, its HTML id and its file line."""

    text: str
    id: str
    line: int
    explicit: bool


def find_headings(page: Scan) -> list[Heading]:
    """ATX and setext headings outside code and comments, with the ids Python-Markdown gives them."""
    lines = page.body.split("\n")
    shown = page.masked.split("\n")
    found: list[tuple[str, int]] = []
    for i, line in enumerate(shown):
        if _ATX.match(line):
            text = _ATX.match(lines[i])
            found.append((text.group("text").rstrip("#") if text else "", page.first_line + i))
        elif i and _SETEXT.match(line) and shown[i - 1].strip() and (i == 1 or not shown[i - 2].strip()):
            if not _ATX.match(shown[i - 1]):
                found.append((lines[i - 1], page.first_line + i - 1))
    headings = [_heading(text, line) for text, line in found]
    used = {h.id for h in headings if h.explicit}
    tried: dict[str, int] = {}
    for n, heading in enumerate(headings):
        if not heading.explicit:
            headings[n] = Heading(heading.text, _unique(heading.id, used, tried), heading.line, False)
            used.add(headings[n].id)
    return headings


def page_title(page: Scan, meta: dict[str, Any], src_path: str) -> str:
    """The page's title as MkDocs gives it: ``title`` in its meta-data, else its first
    level-one heading, else its file name."""
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return meta["title"].strip()
    match = _TITLE.search(page.masked)
    if match:
        end = page.body.find("\n", match.end())
        text = page.body[match.end() : end if end >= 0 else len(page.body)].rstrip()
        bare = text.rstrip("#")
        if bare != text and (not bare or bare[-1] in " \t"):  # a closing run of #, as ATX allows
            text = bare.rstrip()
        if text:
            return text
    stem = src_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem in ("index", "README"):
        stem = src_path.rsplit("/", 2)[-2] if "/" in src_path else "Home"
    return stem.replace("-", " ").replace("_", " ").capitalize()


def _unique(slug: str, used: set[str], tried: dict[str, int]) -> str:
    """As toc numbers a repeated slug: ``what-helps``, ``what-helps_1``, ``what-helps_2``.

    ``tried`` remembers how far each slug's numbering got, since ``used`` only grows: a page
    of a thousand equal headings would otherwise count up from 1 a thousand times.
    """
    if slug and slug not in used:
        return slug
    match = re.match(r"^(.*)_([0-9]+)$", slug)
    base, n = (match.group(1), int(match.group(2))) if match else (slug, 0)
    n = max(n, tried.get(slug, 0))
    while f"{base}_{n + 1}" in used:
        n += 1
    tried[slug] = n + 1
    return f"{base}_{n + 1}"


def _heading(text: str, line: int) -> Heading:
    text = text.strip()
    attrs = _HEADING_ATTRS.search(text) if text.endswith("}") else None
    if attrs:
        text = text[: attrs.start()].strip()
        explicit = _ATTR_ID.findall(attrs.group(1))
        if explicit:
            return Heading(text, explicit[-1], line, True)
    return Heading(text, toc_slug(text), line, False)


def toc_slug(text: str) -> str:
    """Python-Markdown's default ``toc`` slugify, applied to the text a heading shows."""
    text = _INLINE_LINK.sub(lambda m: "" if m.group(0).startswith("!") else m.group(1), text)
    text = _EMPHASIS_UNDERSCORE.sub("", html.unescape(_HTML_TAG.sub("", text)))
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def html_id_clashes(claims: list[Claim], headings: list[Heading], path: str) -> list[Diagnostic]:
    """A claim id that is another claim's statement id (an error), or a heading's id (a
    warning: the heading can be given its own id)."""
    diagnostics = []
    by_id = {claim.id: claim for claim in claims}
    for claim in claims:
        owner = by_id.get(claim.id.removesuffix(STATEMENT)) if claim.id.endswith(STATEMENT) else None
        if owner is not None:
            diagnostics.append(
                error(
                    path,
                    claim.line,
                    f"claim id '{claim.id}' is also the HTML id of the statement of claim '{owner.id}' "
                    f"at line {owner.line}; rename one",
                )
            )
        for heading in headings:
            if heading.id in (claim.id, claim.id + STATEMENT):
                diagnostics.append(warning(path, claim.line, _heading_clash(claim, heading)))
    return diagnostics


def _heading_clash(claim: Claim, heading: Heading) -> str:
    whose = f"claim '{claim.id}'" if heading.id == claim.id else f"the statement of claim '{claim.id}'"
    return (
        f"HTML id '{heading.id}' is used by {whose} and by the heading '{quoted(heading.text)}' at line "
        f"{heading.line}; rename the claim, or give the heading its own id with {{#...}}"
    )
