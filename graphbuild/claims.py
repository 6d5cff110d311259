"""Claim blocks and inline citations found in Markdown, each with its page and line."""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

import yaml

from .config import STANCES, Config
from .diagnostics import Diagnostic, error, has_errors, warning
from .latex import CONTROL_CHARACTERS


class Stance(str, Enum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    MIXED = "mixed"
    NO_EFFECT = "no-effect"


assert [s.value for s in Stance] == STANCES

CLAIM_FIELDS = ("id", "statement", "type", "group", "tags", "evidence")
EVIDENCE_FIELDS = ("key", "stance", "note")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, when present, is 4x faster
_CLAIM_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# The ids of graphbuild's own elements (a local graph's data is gb-graph-claim-<id>): a
# claim id with this prefix could take one, and the element it names would break.
RESERVED_ID_PREFIX = "gb-"
_FENCE = re.compile(r"^(?P<indent>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Evidence:
    key: str
    stance: Stance
    note: str
    line: int


@dataclass
class Claim:
    id: str
    statement: str
    type: str
    group: str | None
    tags: list[str]
    evidence: list[Evidence]
    page: str
    line: int


@dataclass(frozen=True)
class ClaimBlock:
    """A ```claim fence: its YAML, where it starts (1-based) and the lines it spans."""

    yaml: str
    line: int
    start: int
    end: int
    indent: str


@dataclass(frozen=True)
class CitedKey:
    key: str
    locator: str
    prefix: str


@dataclass(frozen=True)
class Citation:
    """``[@a; @b, p. 4]``: where it stands in the page text and what it cites."""

    keys: tuple[CitedKey, ...]
    line: int
    start: int
    end: int


def iter_fences(lines: list[str]) -> list[tuple[int, int, str, str, str]]:
    """Fenced code blocks as (first line index, closing line index, info, indent, fence).

    A fence that is never closed runs to the end of the page, as in CommonMark; its end
    index is then ``len(lines)``.
    """
    fences = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match or (match.group("fence")[0] == "`" and "`" in match.group("info")):
            i += 1
            continue
        fence = match.group("fence")
        closing = re.compile(rf"^[ \t>]*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        fences.append((i, j, match.group("info").strip(), match.group("indent"), fence))
        i = j + 1
    return fences


def find_claim_blocks(markdown: str, path: str) -> tuple[list[ClaimBlock], list[Diagnostic]]:
    lines = markdown.split("\n")
    blocks: list[ClaimBlock] = []
    diagnostics: list[Diagnostic] = []
    for start, end, info, indent, _ in iter_fences(lines):
        if info.split()[:1] != ["claim"] and info.strip("{}. ") != "claim":
            continue
        if end >= len(lines):
            diagnostics.append(error(path, start + 1, "claim block is never closed"))
            continue
        body = [_dedent(line, indent) for line in lines[start + 1 : end]]
        blocks.append(ClaimBlock("\n".join(body), start + 1, start, end, indent))
    return blocks, diagnostics


def _dedent(line: str, indent: str) -> str:
    return line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t>")


def parse_claim(block: ClaimBlock, path: str, config: Config) -> tuple[Claim | None, list[Diagnostic]]:
    """Validate one block against the schema; return the claim or ``None`` with diagnostics."""
    first = block.line + 1
    try:
        node = yaml.compose(block.yaml, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first + _line_of(block.yaml, mark) if mark else block.line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark and _line_of(block.yaml, context_mark) != _line_of(block.yaml, mark):
            where = context.removeprefix("while parsing ").removeprefix("while scanning ").removeprefix("a ")
            problem += f" (in the {where} started at line {first + _line_of(block.yaml, context_mark)})"
        return None, [error(path, line, f"malformed YAML in claim block: {problem}")]
    if not isinstance(node, yaml.MappingNode):
        return None, [error(path, block.line, "a claim block must be a YAML mapping (id:, statement:, ...)")]
    return _ClaimReader(path, first, config, block.yaml).read(node)


def _reserved(claim_id: str) -> str:
    return (
        f"claim id '{claim_id}' starts with '{RESERVED_ID_PREFIX}', which graphbuild keeps for the ids "
        "of its own elements; rename the claim"
    )


def _line_of(text: str, mark: yaml.Mark | None) -> int:
    """The 0-based line of a YAML mark as editors count lines: YAML also breaks lines at
    U+0085, U+2028 and U+2029, which Markdown and editors do not."""
    return text.count("\n", 0, mark.index) if mark is not None else 0


class _ClaimReader:
    def __init__(self, path: str, first_line: int, config: Config, text: str) -> None:
        self.text = text
        self.path = path
        self.first = first_line
        self.config = config
        self.diagnostics: list[Diagnostic] = []

    def line(self, node: yaml.Node) -> int:
        return self.first + _line_of(self.text, node.start_mark)

    def fail(self, node: yaml.Node, message: str) -> None:
        self.diagnostics.append(error(self.path, self.line(node), message))

    def mapping(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # str() of it would expand every alias
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                self.fail(key_node, f"a field name must be text, not a {kind}")
                continue
            key = key_node.value
            if key in found:
                self.fail(key_node, f"field '{key}' is given twice")
            found[key] = (key_node, value_node)
        return found

    def scalar(self, node: yaml.Node, name: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            self.fail(node, f"'{name}' must be text")
            return None
        value = str(node.value)
        if CONTROL_CHARACTERS.search(value):  # only YAML escapes such as "\x01" get them this far
            self.diagnostics.append(warning(self.path, self.line(node), f"'{name}' holds control characters, removed"))
            value = CONTROL_CHARACTERS.sub("", value)
        return value.strip()

    def choice(self, node: yaml.Node, name: str, allowed: list[str]) -> str | None:
        value = self.scalar(node, name)
        if value is not None and value not in allowed:
            self.fail(node, f"unknown {name} '{value}' (expected one of: {', '.join(allowed)})")
            return None
        return value

    def read(self, node: yaml.MappingNode) -> tuple[Claim | None, list[Diagnostic]]:
        fields = self.mapping(node)
        for name, (key_node, _) in fields.items():
            if name not in CLAIM_FIELDS:
                self.fail(key_node, f"unknown field '{name}' in claim (expected: {', '.join(CLAIM_FIELDS)})")
        for name in ("id", "statement", "type", "evidence"):
            if name not in fields:
                self.diagnostics.append(error(self.path, self.first - 1, f"claim is missing required field '{name}'"))
        claim_id = self.scalar(fields["id"][1], "id") if "id" in fields else None
        if claim_id is not None and not _CLAIM_ID.match(claim_id):
            self.fail(fields["id"][1], f"claim id '{claim_id}' must be a slug: lower-case letters, digits and hyphens")
            claim_id = None
        elif claim_id is not None and claim_id.startswith(RESERVED_ID_PREFIX):
            self.fail(fields["id"][1], _reserved(claim_id))
            claim_id = None
        statement = self.scalar(fields["statement"][1], "statement") if "statement" in fields else None
        if statement == "":
            self.fail(fields["statement"][1], "'statement' is empty")
        claim_type = self.choice(fields["type"][1], "type", self.config.claim_types) if "type" in fields else None
        group = self.choice(fields["group"][1], "group", self.config.groups) if "group" in fields else None
        tags = self.tags(fields["tags"][1]) if "tags" in fields else []
        evidence = self.evidence(fields["evidence"][1]) if "evidence" in fields else []
        if has_errors(self.diagnostics) or claim_id is None or not statement or claim_type is None:
            return None, self.diagnostics
        claim = Claim(claim_id, statement, claim_type, group, tags, evidence, self.path, self.first - 1)
        return claim, self.diagnostics

    def tags(self, node: yaml.Node) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node, "tags")
            return [value] if value else []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, "'tags' must be a list, e.g. [service-use, costs]")
            return []
        return [t for t in (self.scalar(item, "tag") for item in node.value) if t]

    def evidence(self, node: yaml.Node) -> list[Evidence]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(node, "'evidence' must be a list with at least one study")
            return []
        items = [self.evidence_item(item) for item in node.value]
        return [item for item in items if item is not None]

    def evidence_item(self, node: yaml.Node) -> Evidence | None:
        if isinstance(node, yaml.ScalarNode):
            key = self.scalar(node, "key")
            return Evidence(key, Stance.SUPPORTS, "", self.line(node)) if key else None
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "an evidence item is a key, 'key: stance', or a mapping with key: and stance:")
            return None
        fields = self.mapping(node)
        if "key" not in fields and len(fields) == 1:
            ((key, (key_node, value_node)),) = fields.items()
            stance = self.choice(value_node, "stance", STANCES)
            return Evidence(key, Stance(stance), "", self.line(key_node)) if stance else None
        for name, (key_node, _) in fields.items():
            if name not in EVIDENCE_FIELDS:
                self.fail(key_node, f"unknown field '{name}' in evidence item (expected: key, stance, note)")
        if "key" not in fields:
            self.fail(node, "evidence item has no 'key'")
            return None
        key = self.scalar(fields["key"][1], "key")
        stance = self.choice(fields["stance"][1], "stance", STANCES) if "stance" in fields else "supports"
        note = self.scalar(fields["note"][1], "note") if "note" in fields else ""
        if not key or stance is None:
            return None
        return Evidence(key, Stance(stance), note or "", self.line(fields["key"][1]))


# -- inline citations ------------------------------------------------------------------

_KEY = r"[A-Za-z0-9_][\w:.#$%&+?<>~/-]*"
# One character class up to the closing bracket: a bracket that never closes is given up
# after one pass over its text, however many "@" it holds.
_BRACKET = re.compile(r"(?<![\\!])\[([^\[\]]*)\](?![(\[])")
_BLANK_LINE = re.compile(r"\n[ \t>]*\r?\n")
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t>]*")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]]*)\]:", re.M)
# An "@" that could start a key: not inside an e-mail address, a URL or an attribute.
_NOT_AFTER = r"(?<![\w.+\-/{=])"
_ITEM = re.compile(rf"^(?P<prefix>[^@]*?){_NOT_AFTER}-?@(?P<key>{_KEY}?)(?P<rest>(?:[,\s].*)?)$", re.S)
_CITATION_AT = re.compile(rf"{_NOT_AFTER}-?@")
_BACKTICKS = re.compile(r"`+")
_BLANK = re.compile(r"\n[ \t\r]*(?=\n)")
_QUOTE_LENGTH = 60


def find_citations(markdown: str) -> list[Citation]:
    """Pandoc citations outside code: ``[@key]``, ``[@key, p. 4]``, ``[see @a; @b]``."""
    return read_citations(markdown, "")[0]


def read_citations(markdown: str, path: str) -> tuple[list[Citation], list[Diagnostic]]:
    """The page's citations, and a warning for each bracket that holds a key but cannot be
    read: an editor who mistypes one would otherwise see it printed as plain text."""
    return _read_citations(markdown, mask_code(markdown), path)


def _read_citations(markdown: str, masked: str, path: str) -> tuple[list[Citation], list[Diagnostic]]:
    citations: list[Citation] = []
    diagnostics: list[Diagnostic] = []
    found = list(_LINK_DEFINITION.finditer(masked))
    definitions = {m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in found}
    labels = {_label(m.group(1)) for m in found}
    newlines = [m.start() for m in re.finditer("\n", masked)]
    for match in _BRACKET.finditer(masked):
        inner = match.group(1)
        if "@" not in inner or match.start() in definitions or not _is_bracket(inner, labels):
            continue
        line = bisect.bisect_right(newlines, match.start()) + 1
        keys = parse_citation_group(inner)
        if keys:
            citations.append(Citation(keys, line, match.start(), match.end()))
        elif _CITATION_AT.search(inner) and not masked.startswith("{", match.end()):
            diagnostics.append(warning(path, line, _unreadable(markdown[match.start() : match.end()])))
    return citations, diagnostics


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_bracket(inner: str, labels: set[str]) -> bool:
    """Whether Markdown leaves these brackets as text for a citation to claim: not across a
    blank line (two paragraphs), not a footnote, not a link label defined on the page."""
    return not _BLANK_LINE.search(inner) and not inner.startswith("^") and _label(inner) not in labels


def _unreadable(bracket: str) -> str:
    shown = " ".join(bracket.split())
    if len(shown) > _QUOTE_LENGTH:
        shown = shown[: _QUOTE_LENGTH - 3] + "..."
    return f"'{shown}' looks like a citation but cannot be read; write [@key], [@key, p. 4] or [@a; @b]"


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


def mask_code(markdown: str) -> str:
    """Blank out fenced blocks, indented code blocks and code spans, keeping offsets and
    line numbers, so that nothing shown as code is read as a citation or a heading."""
    lines = markdown.split("\n")
    fences = iter_fences(lines)
    code = set(indented_code_lines(lines, fences))
    for start, end, _, _, _ in fences:
        code.update(range(start, min(end + 1, len(lines))))
    for i in code:
        lines[i] = " " * len(lines[i])
    text = "\n".join(lines)
    pieces, done = [], 0
    for start, end in code_spans(text):
        pieces += [text[done:start], re.sub(r"[^\n]", " ", text[start:end])]
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


# A line that opens a block whose indented continuation is its content, not code: list
# items, admonitions, collapsible blocks, tabs, footnotes, definitions and HTML blocks.
_CONTAINER = re.compile(r"^ {0,3}(?:[*+-][ \t]|\d+\.[ \t]|!!!|\?\?\?|===|\[\^[^\]]*\]:|:[ \t]|<)")


def indented_code_lines(lines: list[str], fences: list[tuple[int, int, str, str, str]]) -> list[int]:
    """Indexes of the lines of Markdown's indented code blocks, as Python-Markdown finds them.

    A run of lines indented by four spaces (or a tab) after a blank line is code, unless it
    continues a list item or another container: there the indent makes it the item's content.
    Fenced blocks are opaque here; they are masked on their own.
    """
    fence_end = {start: end for start, end, _, _, _ in fences}
    code: list[int] = []
    after_blank, in_container, in_code = True, False, False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip(" \t\r"):
            after_blank = True
            i += 1
            continue
        indented = len(line[: len(line) - len(line.lstrip(" \t"))].expandtabs(4)) >= 4
        if indented and (in_code or (after_blank and not in_container)) and i not in fence_end:
            in_code = True
            code.append(i)
        elif not indented:
            in_code = False
            if _CONTAINER.match(line):
                in_container = True
            elif after_blank:
                in_container = False
        if i in fence_end:
            in_code = False
            i = fence_end[i]
        after_blank = False
        i += 1
    return code


# -- HTML ids --------------------------------------------------------------------------

_ATX = re.compile(r"^[ \t>]*#{1,6}(?P<text>.*)$")
_SETEXT = re.compile(r"^[ \t>]*[=-]+[ ]*$")
_HEADING_ATTRS = re.compile(r"[ ]+\{:?[ ]*([^}\n ][^\n]*?)[ ]*\}[ ]*$")
_ATTR_ID = re.compile(r"(?:^|\s)(?:#|id=[\"']?)([^\s}\"']+)")
_INLINE_LINK = re.compile(r"!?\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])")
_HTML_TAG = re.compile(r"<[^>]*>")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<!\w)_+|_+(?!\w)")
_STATEMENT = "-statement"


@dataclass(frozen=True)
class Heading:
    """A heading as the toc extension sees it: its text, its HTML id and its line."""

    text: str
    id: str
    line: int
    explicit: bool


def find_headings(markdown: str, masked: str | None = None) -> list[Heading]:
    """ATX and setext headings outside code, with the ids Python-Markdown gives them."""
    lines = markdown.split("\n")
    shown = (masked if masked is not None else mask_code(markdown)).split("\n")
    found: list[tuple[str, int]] = []
    for i, line in enumerate(shown):
        if _ATX.match(line):
            text = _ATX.match(lines[i].rstrip("\r"))
            found.append((text.group("text").rstrip("#") if text else "", i + 1))
        elif i and _SETEXT.match(line) and shown[i - 1].strip() and (i == 1 or not shown[i - 2].strip()):
            if not _ATX.match(shown[i - 1]):
                found.append((lines[i - 1], i))
    headings = [_heading(text, line) for text, line in found]
    used = {h.id for h in headings if h.explicit}
    tried: dict[str, int] = {}
    for n, heading in enumerate(headings):
        if not heading.explicit:
            headings[n] = Heading(heading.text, _unique(heading.id, used, tried), heading.line, False)
            used.add(headings[n].id)
    return headings


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
    """A card is ``<id>`` with a statement ``<id>-statement``; a second element with the same
    id on the page breaks the claim's anchor, so links and the evidence map land elsewhere."""
    diagnostics = []
    by_id = {claim.id: claim for claim in claims}
    for claim in claims:
        owner = by_id.get(claim.id.removesuffix(_STATEMENT)) if claim.id.endswith(_STATEMENT) else None
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
            if heading.id in (claim.id, claim.id + _STATEMENT):
                diagnostics.append(warning(path, claim.line, _heading_clash(claim, heading)))
    return diagnostics


def _heading_clash(claim: Claim, heading: Heading) -> str:
    text = " ".join(heading.text.split())
    if len(text) > _QUOTE_LENGTH:
        text = text[: _QUOTE_LENGTH - 3] + "..."
    whose = f"claim '{claim.id}'" if heading.id == claim.id else f"the statement of claim '{claim.id}'"
    return (
        f"HTML id '{heading.id}' is used by {whose} and by the heading '{text}' at line {heading.line}; "
        "rename the claim, or give the heading its own id with {#...}"
    )


def collect_page(
    markdown: str, path: str, config: Config
) -> tuple[list[Claim], list[ClaimBlock], list[Citation], list[Diagnostic]]:
    """Everything one page declares: its claims (with their blocks) and its citations, with
    every problem in them, including unreadable citations and clashing HTML ids."""
    blocks, diagnostics = find_claim_blocks(markdown, path)
    claims: list[Claim] = []
    kept: list[ClaimBlock] = []
    for block in blocks:
        claim, problems = parse_claim(block, path, config)
        diagnostics.extend(problems)
        if claim is not None:
            claims.append(claim)
            kept.append(block)
    masked = mask_code(markdown)
    citations, problems = _read_citations(markdown, masked, path)
    diagnostics.extend(problems)
    diagnostics.extend(html_id_clashes(claims, find_headings(markdown, masked), path))
    return claims, kept, citations, diagnostics
