"""Claim blocks and inline citations found in Markdown, each with its page and line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import yaml

from .config import STANCES, Config
from .diagnostics import Diagnostic, error


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
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in found:
                self.fail(key_node, f"field '{key}' is given twice")
            found[key] = (key_node, value_node)
        return found

    def scalar(self, node: yaml.Node, name: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            self.fail(node, f"'{name}' must be text")
            return None
        return str(node.value).strip()

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
        statement = self.scalar(fields["statement"][1], "statement") if "statement" in fields else None
        if statement == "":
            self.fail(fields["statement"][1], "'statement' is empty")
        claim_type = self.choice(fields["type"][1], "type", self.config.claim_types) if "type" in fields else None
        group = self.choice(fields["group"][1], "group", self.config.groups) if "group" in fields else None
        tags = self.tags(fields["tags"][1]) if "tags" in fields else []
        evidence = self.evidence(fields["evidence"][1]) if "evidence" in fields else []
        if self.diagnostics or claim_id is None or not statement or claim_type is None:
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
_BRACKET = re.compile(r"(?<![\\!])\[([^\[\]\n]*@[^\[\]\n]*)\](?![(\[])")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]*\]:", re.M)
_ITEM = re.compile(rf"^(?P<prefix>[^@]*?)(?<![\w.+-])-?@(?P<key>{_KEY}?)(?P<rest>(?:,.*)?)$", re.S)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)


def find_citations(markdown: str) -> list[Citation]:
    """Pandoc citations outside code: ``[@key]``, ``[@key, p. 4]``, ``[see @a; @b]``."""
    masked = mask_code(markdown)
    citations = []
    definitions = {m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in _LINK_DEFINITION.finditer(masked)}
    for match in _BRACKET.finditer(masked):
        if match.start() in definitions:
            continue
        keys = parse_citation_group(match.group(1))
        if keys:
            line = masked.count("\n", 0, match.start()) + 1
            citations.append(Citation(keys, line, match.start(), match.end()))
    return citations


def parse_citation_group(inner: str) -> tuple[CitedKey, ...]:
    keys = []
    for part in inner.split(";"):
        match = _ITEM.match(part.strip())
        if not match or not match.group("key"):
            return ()
        key = match.group("key").rstrip(".:")
        locator = match.group("rest").lstrip(",").strip()
        keys.append(CitedKey(key, locator, match.group("prefix").strip()))
    return tuple(keys)


def mask_code(markdown: str) -> str:
    """Blank out fenced blocks and code spans, keeping offsets and line numbers."""
    lines = markdown.split("\n")
    for start, end, _, _, _ in iter_fences(lines):
        for i in range(start, min(end + 1, len(lines))):
            lines[i] = " " * len(lines[i])
    text = "\n".join(lines)
    return _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def collect_page(
    markdown: str, path: str, config: Config
) -> tuple[list[Claim], list[ClaimBlock], list[Citation], list[Diagnostic]]:
    """Everything one page declares: its claims (with their blocks) and its citations."""
    blocks, diagnostics = find_claim_blocks(markdown, path)
    claims: list[Claim] = []
    kept: list[ClaimBlock] = []
    for block in blocks:
        claim, problems = parse_claim(block, path, config)
        diagnostics.extend(problems)
        if claim is not None:
            claims.append(claim)
            kept.append(block)
    return claims, kept, find_citations(markdown), diagnostics
