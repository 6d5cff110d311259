"""The claim block's schema: its YAML read into a Claim, every problem at ``path:line``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from graphbuild.common.diagnostics import Diagnostic, did_you_mean, error, has_errors, warning
from graphbuild.model.config import Config
from graphbuild.model.latex import CONTROL_CHARACTERS
from graphbuild.model.scan import Fence
from graphbuild.model.vocabulary import (
    ABOUT,
    APPROACH,
    CERTAINTY_VALUES,
    DEFAULT_STANCE,
    DOMAIN,
    QUESTION_PARTS,
    STANCE_VALUES,
    date_words,
)

CLAIM_FIELDS = (
    "id", "statement", "type", "group", "tags", "certainty", "approach", "because", "summary", "about",
    "searched", *(name for name, _ in QUESTION_PARTS), "participants", "evidence",
)  # fmt: skip
EVIDENCE_FIELDS = ("key", "stance", "inferred", "note", "design")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, when present, is 4x faster
_CLAIM_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# The ids of graphbuild's own elements (gb-cite-text, gb-map, ...): a claim id with this
# prefix could take one, and the element it names would break.
RESERVED_ID_PREFIX = "gb-"
# Ids a claim may not have: every claim has a permanent address ``claims/<id>/`` (see
# ``site.FILES``), and ``claims/`` is the claims index, so ``claims/index`` reads as the index.
RESERVED_IDS = ("index",)


@dataclass(frozen=True)
class Evidence:
    """One study listed by a claim; ``stance`` is a value of ``vocabulary.STANCES``.
    ``design``: what the study contributes to this claim, where that differs from its
    design in the bibliography (a report from the field can be a narrative source for one
    claim and a comparison-group result for another). ``inferred``: the editors inferred the
    stance (a review's "no difference across outcomes" applied to one it may not have
    measured); ``note`` then says from what."""

    key: str
    stance: str
    note: str
    line: int
    design: str | None = None
    inferred: bool = False


@dataclass
class Claim:
    """A claim as an editor wrote it; ``page`` is the file as editors name it (``docs/x.md``)
    and ``line`` the line of its opening fence. ``about``: a value of ``vocabulary.ABOUT``
    (``evidence``: a statement about the evidence itself, described, not rated);
    ``searched``: when its evidence was searched, where that is not the site's;
    ``question`` and ``participants``: the summary-of-findings columns the editors give."""

    id: str
    statement: str
    type: str
    group: str | None
    tags: list[str]
    evidence: list[Evidence]
    page: str
    line: int
    certainty: str | None = None
    approach: str | None = None
    because: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    about: str | None = None
    searched: str = ""
    question: dict[str, str] = field(default_factory=dict)
    participants: str = ""

    def line_of(self, name: str) -> int:
        """The line of one of its fields (``because.<domain>`` for a reason), else its own."""
        return self.lines.get(name, self.line)


@dataclass(frozen=True)
class ClaimReading:
    """A claim block as read: the claim (None when it has errors), every problem in it, and
    the keys of the studies it lists with their lines, so that a broken claim's unknown
    keys are reported in the same pass as its other problems."""

    claim: Claim | None
    diagnostics: list[Diagnostic]
    keys: list[tuple[str, int]]


# A claim's text fields and tags are copied into every row of the exports that lists one of its
# studies: capped, so that the exports grow in proportion to the page, not to its square.
MAX_FIELD_LENGTH = 2_000
MAX_TAGS = 50


def parse_claim(block: Fence, path: str, config: Config) -> tuple[Claim | None, list[Diagnostic]]:
    """Validate one claim block against the schema; the claim, or ``None``, and its problems."""
    reading = read_claim(block, path, config)
    return reading.claim, reading.diagnostics


def read_claim(block: Fence, path: str, config: Config) -> ClaimReading:
    first = block.line + 1
    try:
        node = yaml.compose(block.body, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first + _line_of(block.body, mark) if mark else block.line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark and _line_of(block.body, context_mark) != _line_of(block.body, mark):
            where = context.removeprefix("while parsing ").removeprefix("while scanning ").removeprefix("a ")
            problem += f" (in the {where} started at line {first + _line_of(block.body, context_mark)})"
        return ClaimReading(None, [error(path, line, f"malformed YAML in claim block: {problem}")], [])
    if not isinstance(node, yaml.MappingNode):
        message = "a claim block must be a YAML mapping (id:, statement:, ...)"
        return ClaimReading(None, [error(path, block.line, message)], [])
    reader = _ClaimReader(path, first, config, block.body)
    claim, diagnostics = reader.read(node)
    return ClaimReading(claim, diagnostics, reader.keys_read)


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
        self.keys_read: list[tuple[str, int]] = []

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
        if len(value) > MAX_FIELD_LENGTH:  # written once per study in the exports: kept to a paragraph
            message = (
                f"'{name}' is longer than {MAX_FIELD_LENGTH:,} characters; only its first {MAX_FIELD_LENGTH:,} are kept"
            )
            self.diagnostics.append(warning(self.path, self.line(node), message))
            value = value[:MAX_FIELD_LENGTH]
        if CONTROL_CHARACTERS.search(value):  # only YAML escapes such as "\x01" get them this far
            self.diagnostics.append(warning(self.path, self.line(node), f"'{name}' holds control characters, removed"))
            value = CONTROL_CHARACTERS.sub("", value)
        return value.strip()

    def choice(self, node: yaml.Node, name: str, allowed: list[str]) -> str | None:
        """A value of a fixed vocabulary (stance, certainty, approach)."""
        value = self.scalar(node, name)
        if value is not None and value not in allowed:
            hint = did_you_mean(value, allowed)
            self.fail(node, f"unknown {name} '{value}'{hint} (expected one of: {', '.join(allowed)})")
            return None
        return value

    def site_choice(self, node: yaml.Node, name: str, option: str) -> str | None:
        """A value of a vocabulary the site sets in ``mkdocs.yml`` (``claim_types``,
        ``groups``, ``levels``): a value it lacks says where to add it."""
        value = self.scalar(node, name)
        allowed = self.config.design_levels if option == "levels" else getattr(self.config, option)
        if value is not None and value not in allowed:
            self.fail(node, self.config.unknown(name, value, option))
            return None
        return value

    def unknown_fields(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], known: tuple[str, ...], where: str
    ) -> None:
        for name, (key_node, _) in fields.items():
            if name not in known:
                hint = did_you_mean(name, known)
                self.fail(key_node, f"unknown field '{name}' in {where}{hint} (expected: {', '.join(known)})")

    def read(self, node: yaml.MappingNode) -> tuple[Claim | None, list[Diagnostic]]:
        fields = self.mapping(node)
        self.unknown_fields(fields, CLAIM_FIELDS, "claim")
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
        elif claim_id in RESERVED_IDS:
            self.fail(
                fields["id"][1],
                f"claim id '{claim_id}' is reserved: a claim's permanent address is claims/<id>/, "
                "and claims/ is the claims index; choose another id",
            )
            claim_id = None
        statement = self.scalar(fields["statement"][1], "statement") if "statement" in fields else None
        if statement == "":
            self.fail(fields["statement"][1], "'statement' is empty")
        claim_type = self.site_choice(fields["type"][1], "type", "claim_types") if "type" in fields else None
        group = self.site_choice(fields["group"][1], "group", "groups") if "group" in fields else None
        tags = self.tags(fields["tags"][1]) if "tags" in fields else []
        lines = {name: self.line(value) for name, (_, value) in fields.items()}
        certainty = (
            self.choice(fields["certainty"][1], "certainty", CERTAINTY_VALUES) if "certainty" in fields else None
        )
        approach = self.choice(fields["approach"][1], "approach", list(APPROACH)) if "approach" in fields else None
        because = self.because(fields["because"][1], lines) if "because" in fields else {}
        summary = (self.scalar(fields["summary"][1], "summary") or "") if "summary" in fields else ""
        about = self.choice(fields["about"][1], "about", list(ABOUT)) if "about" in fields else None
        texts = {name: self.optional_text(fields, name) for name in ("searched", "participants", *dict(QUESTION_PARTS))}
        evidence = self.evidence(fields["evidence"][1]) if "evidence" in fields else []
        if has_errors(self.diagnostics) or claim_id is None or not statement or claim_type is None:
            return None, self.diagnostics
        claim = Claim(
            claim_id, statement, claim_type, group, tags, evidence, self.path, self.first - 1,
            certainty, approach, because, summary, lines, about, date_words(texts["searched"]),
            {name: texts[name] for name, _ in QUESTION_PARTS if texts[name]}, texts["participants"],
        )  # fmt: skip
        return claim, self.diagnostics

    def optional_text(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], name: str) -> str:
        """An optional field of plain text ("" when absent); a number or a date as written."""
        if name not in fields:
            return ""
        value = self.scalar(fields[name][1], name)
        if value == "":
            self.fail(fields[name][1], f"'{name}' is empty: leave it out, or say it in a few words")
        return value or ""

    def flag(self, node: yaml.Node, name: str) -> bool | None:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":bool"):
            self.fail(node, f"'{name}' must be true or false")
            return None
        return node.value.lower() in ("true", "yes", "on")

    def because(self, node: yaml.Node, lines: dict[str, int]) -> dict[str, str]:
        """``domain: reason`` for each domain that moved the rating; the domain is checked
        against the claim's approach once its evidence is known."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "'because' must be a mapping of domain to reason, e.g. 'risk-of-bias: Not randomised.'")
            return {}
        reasons = {}
        for name, (key_node, value_node) in self.mapping(node).items():
            if name not in DOMAIN:
                hint = did_you_mean(name, DOMAIN)
                self.fail(key_node, f"unknown domain '{name}'{hint} (expected one of: {', '.join(DOMAIN)})")
                continue
            reason = self.scalar(value_node, f"because: {name}")
            if reason == "":
                self.fail(value_node, f"the reason for '{name}' is empty: say in a sentence why it moved the rating")
            if reason:
                reasons[name] = reason
                lines[f"because.{name}"] = self.line(key_node)
        return reasons

    def tags(self, node: yaml.Node) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node, "tags")
            return [value] if value else []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, "'tags' must be a list, e.g. [service-use, costs]")
            return []
        if len(node.value) > MAX_TAGS:
            message = f"a claim has more than {MAX_TAGS} tags; only the first {MAX_TAGS} are kept"
            self.diagnostics.append(warning(self.path, self.line(node), message))
        return [t for t in (self.scalar(item, "tag") for item in node.value[:MAX_TAGS]) if t]

    def evidence(self, node: yaml.Node) -> list[Evidence]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(node, "'evidence' must be a list with at least one study")
            return []
        items = [self.evidence_item(item) for item in node.value]
        return [item for item in items if item is not None]

    def evidence_item(self, node: yaml.Node) -> Evidence | None:
        if isinstance(node, yaml.ScalarNode):
            key = self.scalar(node, "key")
            if key:
                self.keys_read.append((key, self.line(node)))
            return Evidence(key, DEFAULT_STANCE, "", self.line(node)) if key else None
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "an evidence item is a key, 'key: stance', or a mapping with key: and stance:")
            return None
        fields = self.mapping(node)
        if "key" not in fields and len(fields) == 1 and next(iter(fields)) not in EVIDENCE_FIELDS:
            ((key, (key_node, value_node)),) = fields.items()
            self.keys_read.append((key, self.line(key_node)))
            stance = self.choice(value_node, "stance", STANCE_VALUES)
            return Evidence(key, stance, "", self.line(key_node)) if stance else None
        self.unknown_fields(fields, EVIDENCE_FIELDS, "evidence item")
        if "key" not in fields:
            self.fail(node, "evidence item has no 'key'")
            return None
        key = self.scalar(fields["key"][1], "key")
        if key:
            self.keys_read.append((key, self.line(fields["key"][1])))
        stance = self.choice(fields["stance"][1], "stance", STANCE_VALUES) if "stance" in fields else DEFAULT_STANCE
        note = self.scalar(fields["note"][1], "note") if "note" in fields else ""
        design = self.site_choice(fields["design"][1], "design", "levels") if "design" in fields else None
        inferred = self.flag(fields["inferred"][1], "inferred") if "inferred" in fields else False
        if inferred and not note:
            self.fail(
                fields["inferred"][0],
                f"the stance of '{key}' is inferred: say under 'note:' what it is inferred from, for the reader",
            )
        if not key or stance is None or ("design" in fields and design is None) or inferred is None:
            return None
        return Evidence(key, stance, note or "", self.line(fields["key"][1]), design, inferred)
