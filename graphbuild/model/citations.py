"""Pandoc-style citations in prose: ``[@key]``, ``[@key, p. 4]``, ``[see @a; @b]``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphbuild.common.diagnostics import Diagnostic, warning
from graphbuild.model.scan import Scan

_KEY = r"[A-Za-z0-9_][\w:.#$%&+?<>~/-]*"
# One character class up to the closing bracket: a bracket that never closes is given up
# after one pass over its text, however many "@" it holds.
_BRACKET = re.compile(r"(?<![\\!])\[([^\[\]]*)\](?![(\[])")
_BLANK_LINE = re.compile(r"\n[ \t>]*\n")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t>]*")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]]*)\]:", re.M)
# An "@" that could start a key: not inside an e-mail address, a URL or an attribute.
_NOT_AFTER = r"(?<![\w.+\-/{=])"
_ITEM = re.compile(rf"^(?P<prefix>[^@]*?){_NOT_AFTER}-?@(?P<key>{_KEY}?)(?P<rest>(?:[,\s].*)?)$", re.S)
_CITATION_AT = re.compile(rf"{_NOT_AFTER}-?@")
QUOTE_LENGTH = 60


@dataclass(frozen=True)
class CitedKey:
    key: str
    locator: str
    prefix: str


@dataclass(frozen=True)
class Citation:
    """``[@a; @b, p. 4]``: what it cites, its file line, and its range in the page body."""

    keys: tuple[CitedKey, ...]
    line: int
    start: int
    end: int


def read_citations(page: Scan, path: str) -> tuple[list[Citation], list[Diagnostic]]:
    """The page's citations outside code and comments, and a warning for each bracket that
    holds a key but cannot be read: an editor who mistypes one would otherwise see it
    printed as plain text."""
    masked = page.masked
    citations: list[Citation] = []
    diagnostics: list[Diagnostic] = []
    found = list(_LINK_DEFINITION.finditer(masked))
    definitions = {m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in found}
    labels = {_label(m.group(1)) for m in found}
    for match in _BRACKET.finditer(masked):
        inner = match.group(1)
        if "@" not in inner or match.start() in definitions or not _is_bracket(inner, labels):
            continue
        line = page.line_at(match.start())
        keys = parse_citation_group(inner)
        if keys:
            citations.append(Citation(keys, line, match.start(), match.end()))
        elif _CITATION_AT.search(inner) and not masked.startswith("{", match.end()):
            diagnostics.append(warning(path, line, _unreadable(page.body[match.start() : match.end()])))
    return citations, diagnostics


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_bracket(inner: str, labels: set[str]) -> bool:
    """Whether Markdown leaves these brackets as text for a citation to claim: not across a
    blank line (two paragraphs), not a footnote, not a link label defined on the page."""
    return not _BLANK_LINE.search(inner) and not inner.startswith("^") and _label(inner) not in labels


def quoted(text: str) -> str:
    """Text shown in a message: on one line, and short."""
    shown = " ".join(text.split())
    return shown[: QUOTE_LENGTH - 3] + "..." if len(shown) > QUOTE_LENGTH else shown


def _unreadable(bracket: str) -> str:
    return f"'{quoted(bracket)}' looks like a citation but cannot be read; write [@key], [@key, p. 4] or [@a; @b]"


def parse_citation_group(inner: str) -> tuple[CitedKey, ...]:
    """The keys of ``[see @a, p. 4; @b]``, or ``()`` if any part is not a citation.

    As in Pandoc, the comma before a locator may be left out (``[@a p. 4]``), and a group may
    be wrapped over lines; a locator that holds another key (``[@a and @b]``) is not read, as
    that key would be dropped without a word.
    """
    keys = []
    for part in _LINE_BREAK.sub(" ", inner).split(";"):
        match = _ITEM.match(part.strip())
        if not match or not match.group("key"):
            return ()
        locator = match.group("rest").lstrip(",").strip()
        if _CITATION_AT.search(locator):
            return ()
        keys.append(CitedKey(match.group("key").rstrip(".:"), locator, match.group("prefix").strip()))
    return tuple(keys)
