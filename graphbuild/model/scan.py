"""One reading of a page: the Markdown MkDocs renders, and where its code, comments and
claim blocks are.

Claim blocks and citations are replaced in the page's text before Python-Markdown reads it,
so this scan sees the page as Python-Markdown (with ``pymdownx.superfences``) will: fenced
blocks are found first and are opaque, even inside an HTML comment; a run of lines indented
four columns past its container after a blank line is an indented code block, where a fence
is only text; an HTML comment hides everything in it, and a comment that never closes is
text. Everything is found on the body MkDocs hands to ``on_page_markdown`` (front matter and
meta lines stripped as ``mkdocs.utils.meta.get_data`` strips them, newlines normalised as
Python's text mode does), so the offsets found here apply unchanged to that string, and
``graphbuild check`` and ``render`` see what the build sees. Line numbers are the file's.

Why not a superfences custom fence for ``claim`` (as mkdocstrings handles ``:::``)? Claims
must be known before any page is rendered (the graph, the index and every card need all of
them) and by ``check`` and ``render``, which run no Markdown: a custom fence would add a
second finder beside this one, the fault this module removes; and collecting with
Python-Markdown itself would parse every page once more, an order of magnitude more work
than this scan.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from graphbuild.common.diagnostics import Diagnostic, error

_FENCE = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# A line that opens a block whose indented continuation is its content, not code: list
# items, admonitions, collapsible blocks, tabs, footnotes, definitions and HTML blocks.
_CONTAINER = re.compile(r"^(?:[*+-][ \t]|\d+\.[ \t]|!!!|\?\?\?|===|\[\^[^\]]*\]:|:[ \t]|<)")
_TAB = 4
_BACKTICKS = re.compile(r"`+")
_BLANK = re.compile(r"\n[ \t\r]*(?=\n)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_COMMENT_OPEN = re.compile(r"<!--")
_OPAQUE = "\x01"  # stands for code while comments are looked for: not a blank, not a delimiter

# mkdocs.utils.meta, restated: the core does not import MkDocs (a test holds the two equal).
_YAML_FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def normalise_newlines(text: str) -> str:
    """As Python's text mode reads a file (MkDocs reads pages so): CRLF and CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def split_meta(text: str) -> tuple[str, dict[str, Any]]:
    """The page body and its meta-data, exactly as ``mkdocs.utils.meta.get_data`` gives them.

    The body is always a suffix of ``text`` (newlines normalised), so what precedes it can
    be kept (``graphbuild render`` writes it back) and counted (line numbers)."""
    match = _YAML_FRONT.match(text)
    if match:
        try:
            front = yaml.load(match.group(1), _LOADER)
        except Exception:  # MkDocs keeps a page whose front matter does not parse, as text
            return text, {}
        if isinstance(front, dict):
            return text[match.end() :].lstrip("\n"), front
        return text, {}
    lines = text.split("\n")
    data: dict[str, Any] = {}
    key = None
    while lines:
        line = lines.pop(0)
        if line.strip() == "":
            break
        meta = _META.match(line)
        if meta:
            key = meta.group("key").lower().strip()
            value = meta.group("value").strip()
            data[key] = f"{data[key]} {value}" if key in data else value
            continue
        more = _META_MORE.match(line)
        if more and key:
            data[key] += " " + more.group("value").strip()
            continue
        lines.insert(0, line)
        break
    return "\n".join(lines).lstrip("\n"), data


@dataclass(frozen=True)
class Source:
    """A page as MkDocs renders it: ``body`` is what ``on_page_markdown`` receives,
    ``prefix`` what MkDocs stripped before it, and ``first_line`` the body's first line in
    the file."""

    body: str
    prefix: str
    meta: dict[str, Any]
    first_line: int


def read_source(text: str) -> Source:
    text = normalise_newlines(text)
    body, meta = split_meta(text)
    prefix = text[: len(text) - len(body)]
    return Source(body, prefix, meta, prefix.count("\n") + 1)


@dataclass(frozen=True)
class Fence:
    """A fenced block: its character range in the body (opening line's start to the end of
    its closing line), its info string, the prefix its lines share, and its file line."""

    start: int
    end: int
    line: int
    info: str
    indent: str
    body: str
    closed: bool

    @property
    def is_claim(self) -> bool:
        return self.info.split()[:1] == ["claim"] or self.info.strip("{}. ") == "claim"


@dataclass
class Scan:
    """Where a page body's claim blocks, code and comments are. ``masked`` is the body with
    code, code spans and comments blanked (newlines and offsets kept): citations and
    headings are looked for there."""

    body: str
    first_line: int
    claim_blocks: list[Fence] = field(default_factory=list)
    masked: str = ""
    hidden: list[tuple[int, int]] = field(default_factory=list)  # fences and comments: no block starts inside
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _newlines: list[int] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        """The file line of a character of the body."""
        return self.first_line + bisect.bisect_left(self._newlines, offset)


def scan(body: str, path: str, first_line: int = 1) -> Scan:
    """Read a page body once: its fences, indented code, code spans and comments."""
    lines = body.split("\n")
    starts = _line_starts(lines)
    fences, code_lines = _blocks(lines, starts, first_line)
    opaque = _blank_lines(body, lines, starts, code_lines, fences, _OPAQUE)
    spans = code_spans(opaque)
    opaque = blank_ranges(opaque, spans, _OPAQUE)
    comments = _comments(opaque)
    masked = blank_ranges(opaque, comments, " ").replace(_OPAQUE, " ")
    result = Scan(body, first_line, masked=masked, _newlines=[m.start() for m in re.finditer("\n", body)])
    result.hidden = sorted([(fence.start, fence.end) for fence in fences] + comments)
    comment_starts = [start for start, _ in comments]
    for fence in fences:
        if not fence.is_claim or _inside(fence.start, comments, comment_starts):
            continue
        if not fence.closed:
            result.diagnostics.append(error(path, fence.line, "claim block is never closed"))
            continue
        result.claim_blocks.append(fence)
    return result


def _line_starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _width(line: str) -> int:
    return len(line[: len(line) - len(line.lstrip(" \t"))].expandtabs(_TAB))


def _blocks(lines: list[str], starts: list[int], first_line: int) -> tuple[list[Fence], list[int]]:
    """Fenced blocks, and the indexes of the lines of indented code blocks, in one pass.

    An indented code block starts after a blank line, four columns past the content of the
    container it is in (a list item's or an admonition's content is indented four, as
    Python-Markdown counts); a fence-like line there is code. A fence elsewhere, at any
    indent or in a blockquote, is a fence, as superfences reads it.
    """
    fences: list[Fence] = []
    code: list[int] = []
    containers: list[int] = []  # content indent of each open container, innermost last
    after_blank, in_code = True, False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip(" \t"):
            after_blank = True
            i += 1
            continue
        width = _width(line)
        if after_blank:
            while containers and width < containers[-1]:
                containers.pop()
        content = containers[-1] if containers else 0
        if (in_code or after_blank) and width >= content + _TAB:
            in_code = True
            code.append(i)
            after_blank = False
            i += 1
            continue
        in_code = False
        match = _FENCE.match(line)
        if match and not (match.group("fence")[0] == "`" and "`" in match.group("info")):
            fence, i = _fence(lines, starts, i, match, first_line)
            fences.append(fence)
            after_blank = True
            continue
        if _CONTAINER.match(line.lstrip(" \t")):
            containers.append(width + _TAB)
        after_blank = False
        i += 1
    return fences, code


def _fence(lines: list[str], starts: list[int], i: int, match: re.Match[str], first_line: int) -> tuple[Fence, int]:
    """The fence opened at line ``i`` and the index of the line after it. A fence never
    closed runs to the end of the page, as in CommonMark."""
    mark = match.group("fence")
    closing = re.compile(rf"^[ \t>]*{re.escape(mark[0])}{{{len(mark)},}}\s*$")
    j = i + 1
    while j < len(lines) and not closing.match(lines[j]):
        j += 1
    closed = j < len(lines)
    last = j if closed else len(lines) - 1
    indent = match.group("indent")
    body = "\n".join(_dedent(line, indent) for line in lines[i + 1 : j])
    end = starts[last] + len(lines[last])
    fence = Fence(starts[i], end, first_line + i, match.group("info").strip(), indent, body, closed)
    return fence, last + 1


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t>")


def _blank_lines(
    body: str, lines: list[str], starts: list[int], code: list[int], fences: list[Fence], filler: str
) -> str:
    ranges = [(starts[i], starts[i] + len(lines[i])) for i in code]
    ranges += [(fence.start, fence.end) for fence in fences]
    return blank_ranges(body, sorted(ranges), filler)


def blank_ranges(text: str, ranges: list[tuple[int, int]], filler: str) -> str:
    """``text`` with every character in ``ranges`` (sorted, not overlapping) but newlines
    replaced by ``filler``."""
    if not ranges:
        return text
    pieces, done = [], 0
    for start, end in ranges:
        pieces += [text[done:start], re.sub(r"[^\n]", filler, text[start:end])]
        done = end
    return "".join(pieces) + text[done:]


def code_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each code span: a run of backticks up to the next run of the same
    length in the same paragraph, as in Python-Markdown. Runs are looked up by length, not
    matched by a backtracking pattern, which took seconds on a long run of backticks."""
    runs: dict[int, list[int]] = {}
    for match in _BACKTICKS.finditer(text):
        runs.setdefault(len(match.group()), []).append(match.start())
    blanks = [m.start() for m in _BLANK.finditer(text)]
    spans = []
    end = 0
    for match in _BACKTICKS.finditer(text):
        if match.start() < end:
            continue
        same = runs[len(match.group())]
        closing = bisect.bisect_right(same, match.start())
        paragraph_end = blanks[i] if (i := bisect.bisect_right(blanks, match.start())) < len(blanks) else len(text)
        if closing < len(same) and same[closing] < paragraph_end:
            end = same[closing] + len(match.group())
            spans.append((match.start(), end))
    return spans


def _comments(text: str) -> list[tuple[int, int]]:
    """HTML comments outside code, as Python-Markdown hides them: one that opens a line may
    run over blank lines, one inside a paragraph may not, and one never closed is text.

    Each opening finds its close and the next blank line by bisection among positions found
    once, so that a page of ``<!--`` openings costs time in proportion to its length (a
    search from each opening to the end of the page was quadratic: a minute for 600 kB)."""
    closes = [m.start() for m in re.finditer("-->", text)]
    blanks = [m.start() for m in _BLANK_LINE.finditer(text)]
    newlines = [m.start() for m in re.finditer("\n", text)]
    found: list[tuple[int, int]] = []
    position = 0
    while True:
        match = _COMMENT_OPEN.search(text, position)
        if match is None:
            return found
        i = bisect.bisect_left(closes, match.end())
        if i == len(closes):
            return found
        close = closes[i]
        end = close + 3
        k = bisect.bisect_left(newlines, match.start())
        line_start = newlines[k - 1] + 1 if k else 0
        at_line_start = match.start() - line_start <= 3 and not text[line_start : match.start()].strip(" ")
        j = bisect.bisect_left(blanks, match.end())
        blank_inside = j < len(blanks) and blanks[j] < close
        if at_line_start or not blank_inside:
            found.append((match.start(), end))
            position = end
        else:
            position = match.end()


def _inside(offset: int, ranges: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, offset) - 1
    return i >= 0 and ranges[i][0] <= offset < ranges[i][1]
