"""What editors' prose may not do: run script, or load anything from another host.

Pages come from semi-trusted contributors and go to clinicians, so the policy has two
halves. Every construct that would run script or fetch from another host is an error at
``path:line`` (``script_problems``: a strict build and ``graphbuild check`` fail, so CI
stops the pull request). And whatever a non-strict build lets through, ``sanitize_html``
takes out of the page's HTML before it is published: ``javascript:``, ``data:`` and
``vbscript:`` URLs, event-handler attributes, ``<script>`` and the other elements that run
or embed content, and sources on hosts the site has not allowed. Legitimate markup
(admonitions, details, tabs, tables, attribute lists with classes and ids, HTML blocks
with Markdown in them) passes untouched, byte for byte: only an offending tag is rewritten.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from graphbuild.common.diagnostics import Diagnostic, error
from graphbuild.model.scan import Scan, blank_ranges

# Elements that run script, embed another document or change how the page resolves links.
BLOCKED_ELEMENTS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link", "style", "form"}
)
# Attributes that hold a URL the browser follows, loads or submits to.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "background", "cite", "data", "xlink:href", "ping", "longdesc"}
)
# Attributes whose URL the browser fetches on its own, as the page loads.
FETCHED = frozenset({"src", "poster", "background", "srcset", "data"})
DANGEROUS_SCHEMES = ("javascript", "data", "vbscript")

_TAG = re.compile(r"<(?P<name>[A-Za-z][\w:-]*)(?P<attrs>(?:\s[^<>]*)?)/?>")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_INLINE_URL = re.compile(r"(?P<image>!?)\[[^\[\]]*\]\(\s*<?(?P<url>[^)\s>]*)")
_REFERENCE = re.compile(r"^ {0,3}\[(?P<label>[^\[\]]+)\]:\s*<?(?P<url>\S+?)>?(?:\s|$)", re.M)
_IMAGE_REFERENCE = re.compile(r"!\[(?P<alt>[^\[\]]*)\]\[(?P<label>[^\[\]]*)\]")
_AUTOLINK = re.compile(r"<(?P<url>[A-Za-z][\w+.-]*:[^\s<>]*)>")
_ATTR_LIST = re.compile(r"\{:?(?P<attrs>[^{}\n]*)\}")
_SCHEME = re.compile(r"^\s*([A-Za-z][\w+.-]*)\s*:")
_CONTROLS = re.compile(r"[\x00-\x20\x7f]+")


def scheme_of(url: str) -> str:
    """The scheme a browser would see: it ignores tabs, newlines and other controls inside
    ``java\\tscript:``, and entities are decoded before it looks."""
    match = _SCHEME.match(_CONTROLS.sub("", html.unescape(url)))
    return match.group(1).lower() if match else ""


def is_dangerous(url: str) -> bool:
    return scheme_of(url) in DANGEROUS_SCHEMES


def off_site(url: str, allowed_hosts: Iterable[str]) -> str | None:
    """The host of a URL on another site (``//host/x`` included), unless the site allows it."""
    parts = urlsplit(_CONTROLS.sub("", html.unescape(url)).strip())
    host = (parts.hostname or "").lower()
    if not host or host in {h.lower() for h in allowed_hosts}:
        return None
    return host


def script_problems(
    page: Scan, path: str, allowed_hosts: Iterable[str] = (), citations: Iterable[tuple[int, int]] = ()
) -> list[Diagnostic]:
    """Every construct in a page's Markdown (outside code, comments and ``citations``, whose
    text graphbuild writes inert) that would run script or fetch from another host, as an
    error at its line."""
    allowed = tuple(allowed_hosts)
    text = blank_ranges(page.masked, sorted(citations), " ")
    found: list[tuple[int, str]] = []
    for match in _INLINE_URL.finditer(text):
        found += _url_problems(match.start(), match.group("url"), "image" if match.group("image") else "link", allowed)
    references = {}
    for match in _REFERENCE.finditer(text):
        references[" ".join(match.group("label").split()).casefold()] = match.group("url")
        if is_dangerous(match.group("url")):
            found.append((match.start(), _scheme_message("link definition", match.group("url"))))
    for match in _IMAGE_REFERENCE.finditer(text):
        url = references.get(" ".join((match.group("label") or match.group("alt")).split()).casefold(), "")
        found += _url_problems(match.start(), url, "image", allowed) if url and not is_dangerous(url) else []
    for match in _AUTOLINK.finditer(text):
        if is_dangerous(match.group("url")):
            found.append((match.start(), _scheme_message("link", match.group("url"))))
    for match in _TAG.finditer(text):
        found += [
            (match.start(), message) for message in _tag_problems(match.group("name"), match.group("attrs"), allowed)
        ]
    for match in _ATTR_LIST.finditer(text):
        found += [(match.start(), message) for message in _attr_list_problems(match.group("attrs"))]
    return [error(path, page.line_at(offset), message) for offset, message in sorted(found)]


def _url_problems(offset: int, url: str, kind: str, allowed: tuple[str, ...]) -> list[tuple[int, str]]:
    if is_dangerous(url):
        return [(offset, _scheme_message(kind, url))]
    host = off_site(url, allowed) if kind == "image" else None
    return [(offset, _host_message("an image", host))] if host else []


def _tag_problems(name: str, attrs: str, allowed: tuple[str, ...]) -> list[str]:
    tag = name.lower()
    problems = []
    if tag in BLOCKED_ELEMENTS:
        problems.append(f"raw <{tag}> is not allowed in a page: it could run script or load another document")
    for attribute, value in _attributes(attrs):
        if attribute.startswith("on"):
            problems.append(f"the event-handler attribute '{attribute}' on <{tag}> would run script; remove it")
        elif attribute in URL_ATTRIBUTES and is_dangerous(value):
            problems.append(_scheme_message(f"<{tag} {attribute}>", value))
        elif attribute in FETCHED and tag not in BLOCKED_ELEMENTS:
            hosts = [off_site(part.split()[0], allowed) for part in value.split(",") if part.strip()]
            host = next((h for h in hosts if h), None) if attribute == "srcset" else off_site(value, allowed)
            if host:
                problems.append(_host_message(f"<{tag}>", host))
    return problems


def _attr_list_problems(attrs: str) -> list[str]:
    problems = []
    for attribute, value in _attributes(attrs):
        if attribute.lower().startswith("on"):
            problems.append(f"the event-handler attribute '{attribute}' in an attribute list would run script")
        elif attribute.lower() in URL_ATTRIBUTES and is_dangerous(value):
            problems.append(_scheme_message(f"attribute '{attribute}'", value))
    return problems


def _attributes(text: str) -> list[tuple[str, str]]:
    found = []
    for match in _ATTRIBUTE.finditer(text):
        value = match.group(2) or ""
        if value[:1] in "\"'":
            value = value[1:-1]
        found.append((match.group(1).lower(), value))
    return found


def _scheme_message(kind: str, url: str) -> str:
    return f"a {scheme_of(url)}: URL in {kind} would run or embed code in the page; link to an http(s) address"


def _host_message(what: str, host: str) -> str:
    return (
        f"{what} from another host ({host}) would be fetched by every reader's browser; copy it into docs/, "
        "or list the host in the 'allowed_hosts' option"
    )


# -- the published HTML -------------------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """Something taken out of a page's HTML, for the build log."""

    what: str


class _Finder(HTMLParser):
    """Finds the offending tags of a page's HTML and where they are, without rebuilding it."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=False)
        self.allowed = allowed
        self.edits: list[tuple[int, int, str, str]] = []  # start, end, replacement, what
        self.blocked: list[tuple[str, int]] = []  # open blocked elements: name, start offset
        self._lines: list[int] = []

    def feed_all(self, text: str) -> None:
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.text = text
        self.feed(text)
        self.close()
        for name, start in self.blocked:  # never closed: everything after it goes
            self.edits.append((start, len(text), "", f"<{name}>"))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        if self.blocked and self.blocked[-1][0] == tag:
            _, start = self.blocked.pop()
            end = self._offset() + len(self.get_endtag_text(tag))
            self.edits.append((start, end, "", f"<{tag}>"))

    def get_endtag_text(self, tag: str) -> str:
        match = re.compile(r"</\s*" + re.escape(tag) + r"\s*>", re.I).match(self.text, self._offset())
        return match.group() if match else ""

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        if self.blocked:
            return  # inside an element that goes whole
        if tag in BLOCKED_ELEMENTS:
            if closed or tag in ("base", "meta", "link", "embed"):
                self.edits.append((start, start + len(raw), "", f"<{tag}>"))
            else:
                self.blocked.append((tag, start))
            return
        kept, dropped = [], []
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                dropped.append(f"{name} on <{tag}>")
            elif name in URL_ATTRIBUTES | {"srcset"} and (is_dangerous(value) or self._fetches_off_site(name, value)):
                dropped.append(f"{name} on <{tag}>")
            elif name == "style" and re.search(r"url\s*\(|expression\s*\(|@import", value, re.I):
                dropped.append(f"style on <{tag}>")
            else:
                kept.append((name, value))
        if dropped:
            rebuilt = "<" + tag + "".join(f' {n}="{html.escape(v)}"' for n, v in kept) + (" />" if closed else ">")
            self.edits.append((start, start + len(raw), rebuilt, ", ".join(dropped)))

    def _fetches_off_site(self, name: str, value: str) -> bool:
        if name not in FETCHED:
            return False
        parts = [p.split()[0] for p in value.split(",") if p.strip()] if name == "srcset" else [value]
        return any(off_site(part, self.allowed) for part in parts)


def sanitize_html(text: str, allowed_hosts: Iterable[str] = ()) -> tuple[str, list[Removal]]:
    """The page's HTML with every offending tag rewritten and every blocked element removed;
    HTML with nothing to remove comes back as the same string."""
    if "<" not in text:
        return text, []
    finder = _Finder(tuple(allowed_hosts))
    finder.feed_all(text)
    if not finder.edits:
        return text, []
    pieces, done = [], 0
    removals = []
    for start, end, replacement, what in sorted(finder.edits):
        if start < done:
            continue  # inside a blocked element already removed
        pieces += [text[done:start], replacement]
        done = end
        removals.append(Removal(what))
    return "".join(pieces) + text[done:], removals
