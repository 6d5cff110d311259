"""Evidence events between two states of a site: what ``graphbuild diff OLD NEW`` reports.

A state is a git revision of the repository holding the site, a built site (its
``evidence/graph.json``), a site's source folder (its ``mkdocs.yml``) or a ``graph.json`` file.
Every state is compared through the graph export's node-link data, the site's stable
machine-readable interface, so an export published months ago compares with today's source.

Events, in this order for each claim (claims in id order), then study events (studies in key
order):

- ``claim-added``, ``claim-removed``;
- ``claim-moved`` (another page: ``old``/``new`` are pages), ``claim-reworded`` (``old``/``new``
  are statements);
- ``direction-changed`` (the claim's status: ``supported``, ``contested``, ``not-supported``);
- ``certainty-changed`` (``high``, ``moderate``, ``low``, ``very-low``, or null when not
  assessed; only between states that record certainty, or from none to a rating);
- ``study-added``, ``study-removed`` (``new``/``old`` is the stance), ``stance-changed``;
- ``design-changed``: a study's design or its level changed; ``claims`` lists every claim that
  cites the study (in the new state, or the old one when no claim cites it any longer).

JSON output (``--format json``), schema ``graphbuild-diff/1``::

    {
      "schema": "graphbuild-diff/1",
      "old": {"spec": str, "kind": "revision" | "site" | "build" | "graph",
              "commit": str | null, "date": str | null},     # date: committer date, ISO 8601
      "new": {... as old ...},
      "counts": {kind: int, ...},                             # kinds with events, in the order above
      "events": [
        {"kind": str,
         "claim": str | null,        # claim id (null for design-changed)
         "study": str | null,        # study key (study-*, stance-changed, design-changed)
         "old": str | null, "new": str | null,
         "old_level": int | null, "new_level": int | null,   # design-changed only
         "claims": [str, ...],       # design-changed only: the claims citing the study
         "statement": str | null,    # the claim's statement (as it was, for a removed claim)
         "page": str | null,         # its page, relative to docs_dir (likewise)
         "type": str | null, "group": str | null,
         "study_slug": str | null}   # the study page's slug, for links
      ]
    }

Every event object has every key. Numbers of events and their order are deterministic.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from graphbuild.model.config import ConfigError
from graphbuild.common.diagnostics import printable

SCHEMA = "graphbuild-diff/1"
# Every kind, in report order, with the words a reader sees.
KINDS: dict[str, str] = {
    "claim-added": "Claim added",
    "claim-removed": "Claim removed",
    "claim-moved": "Claim moved",
    "claim-reworded": "Claim reworded",
    "direction-changed": "Direction changed",
    "certainty-changed": "Certainty changed",
    "study-added": "Study added",
    "study-removed": "Study removed",
    "stance-changed": "Stance changed",
    "design-changed": "Study design changed",
}
_RANK = {kind: i for i, kind in enumerate(KINDS)}
_NOT_ASSESSED = (None, "")


class StateError(ConfigError):
    """A state that cannot be read: an unknown revision, a file that is not a graph export."""


@dataclass(frozen=True)
class Snapshot:
    """A site's evidence as its graph export records it, keyed by claim id and study key.

    ``claims`` and ``studies`` hold the nodes' attributes (without ``id`` and ``kind``);
    ``evidence`` maps a claim to its studies and their stances (the edges)."""

    claims: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    evidence: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    studies: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_node_link(cls, data: Mapping[str, Any]) -> Snapshot:
        """From networkx node-link data (``edges`` or networkx's older ``links``)."""
        claims: dict[str, dict[str, Any]] = {}
        studies: dict[str, dict[str, Any]] = {}
        try:
            for node in data["nodes"]:
                kind, _, name = str(node["id"]).partition(":")
                attrs = {k: v for k, v in node.items() if k not in ("id", "kind")}
                if kind == "claim":
                    claims[name] = attrs
                elif kind == "study":
                    studies[name] = attrs
            evidence: dict[str, dict[str, str]] = {name: {} for name in claims}
            for edge in data.get("edges", data.get("links", [])):
                source, target = str(edge["source"]), str(edge["target"])
                if source.startswith("claim:") and target.startswith("study:"):
                    evidence.setdefault(source[6:], {})[target[6:]] = str(edge.get("stance", ""))
        except (KeyError, TypeError, AttributeError) as exc:
            raise StateError(f"not a graph export (networkx node-link data): {exc!r}") from exc
        return cls(claims, evidence, studies)

    @classmethod
    def from_graph(cls, graph: nx.DiGraph) -> Snapshot:
        """From ``graph.build_graph(kb)``: the site being built, to compare with a commit."""
        return cls.from_node_link(nx.node_link_data(graph, edges="edges"))

    def citing(self, key: str) -> list[str]:
        return sorted(claim for claim, studies in self.evidence.items() if key in studies)


@dataclass(frozen=True)
class Event:
    kind: str
    claim: str | None = None
    study: str | None = None
    old: str | None = None
    new: str | None = None
    old_level: int | None = None
    new_level: int | None = None
    claims: tuple[str, ...] = ()
    statement: str | None = None
    page: str | None = None
    type: str | None = None
    group: str | None = None
    study_slug: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["claims"] = list(self.claims)
        return data

    @property
    def sort_key(self) -> tuple:
        if self.claim is None:
            return (1, self.study or "", _RANK[self.kind])
        return (0, self.claim, _RANK[self.kind], self.study or "")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _level(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def diff(old: Snapshot, new: Snapshot) -> list[Event]:
    """Every evidence event that turns ``old`` into ``new``, in report order."""
    events: list[Event] = []
    for claim in sorted(old.claims.keys() | new.claims.keys()):
        events.extend(_claim_events(claim, old, new))
    for key in sorted(old.studies.keys() & new.studies.keys()):
        a, b = old.studies[key], new.studies[key]
        if (a.get("design"), a.get("level")) != (b.get("design"), b.get("level")):
            events.append(
                Event(
                    "design-changed",
                    study=key,
                    old=_text(a.get("design")),
                    new=_text(b.get("design")),
                    old_level=_level(a.get("level")),
                    new_level=_level(b.get("level")),
                    claims=tuple(new.citing(key) or old.citing(key)),
                    study_slug=_text(b.get("slug")),
                )
            )
    return sorted(events, key=lambda e: e.sort_key)


def _claim_events(claim: str, old: Snapshot, new: Snapshot) -> list[Event]:
    a, b = old.claims.get(claim), new.claims.get(claim)
    now = b if b is not None else a
    assert now is not None

    def event(kind: str, old_value: Any = None, new_value: Any = None, study: str | None = None) -> Event:
        slug = (new.studies.get(study) or old.studies.get(study) or {}).get("slug") if study else None
        return Event(
            kind,
            claim=claim,
            study=study,
            old=_text(old_value),
            new=_text(new_value),
            statement=_text(now.get("statement")),
            page=_text(now.get("page")),
            type=_text(now.get("type")),
            group=_text(now.get("group")) or None,
            study_slug=_text(slug),
        )

    if a is None:
        return [event("claim-added")]
    if b is None:
        return [event("claim-removed")]
    events = []
    for kind, name in (("claim-moved", "page"), ("claim-reworded", "statement"), ("direction-changed", "status")):
        if a.get(name) != b.get(name):
            events.append(event(kind, a.get(name), b.get(name)))
    certainty = a.get("certainty"), b.get("certainty")
    if certainty[0] != certainty[1] and not (certainty[0] in _NOT_ASSESSED and certainty[1] in _NOT_ASSESSED):
        events.append(event("certainty-changed", certainty[0] or None, certainty[1] or None))
    before, after = old.evidence.get(claim, {}), new.evidence.get(claim, {})
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            events.append(event("study-added", None, after[key], key))
        elif key not in after:
            events.append(event("study-removed", before[key], None, key))
        elif before[key] != after[key]:
            events.append(event("stance-changed", before[key], after[key], key))
    return events


# -- policies for CI -------------------------------------------------------------------------


def _contested_without_certainty(events: list[Event]) -> list[Event]:
    rerated = {e.claim for e in events if e.kind == "certainty-changed"}
    return [e for e in events if e.kind == "direction-changed" and e.new == "contested" and e.claim not in rerated]


# A policy names the events that break it; the CLI fails when any does.
POLICIES: dict[str, Callable[[list[Event]], list[Event]]] = {
    "any": list,
    "contested-without-certainty-change": _contested_without_certainty,
}


def fail_on_names() -> list[str]:
    return [*KINDS, *POLICIES]


def breaches(events: list[Event], names: Iterable[str]) -> list[tuple[str, Event]]:
    """(policy or kind, event) for every event that ``--fail-on names`` objects to."""
    found: list[tuple[str, Event]] = []
    for name in names:
        matches = POLICIES[name](events) if name in POLICIES else [e for e in events if e.kind == name]
        found.extend((name, e) for e in matches)
    return found


# -- reading states --------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """A snapshot and where it came from, for the report's header."""

    spec: str
    kind: str  # revision | site | build | graph
    snapshot: Snapshot
    commit: str | None = None
    date: str | None = None

    @property
    def label(self) -> str:
        if self.commit is None:
            return self.spec
        short = self.commit[:7]
        return short if self.commit.startswith(self.spec.lower()) else f"{self.spec} ({short})"

    def to_json(self) -> dict[str, Any]:
        return {"spec": self.spec, "kind": self.kind, "commit": self.commit, "date": self.date}


def load_state(spec: str, root: Path, config_file: str = "mkdocs.yml") -> State:
    """A path that exists wins over a revision of the same name (``docs^{commit}`` names the
    revision); revisions are of the repository holding the site at ``root``."""
    path = Path(spec)
    if path.is_file():
        return State(spec, "graph", _read_graph(path))
    if path.is_dir():
        if (path / "evidence" / "graph.json").is_file():
            return State(spec, "build", _read_graph(path / "evidence" / "graph.json"))
        if (path / config_file).is_file():
            return State(spec, "site", _analyse(path, config_file))
        raise StateError(f"{spec}: neither a built site (evidence/graph.json) nor a site's folder ({config_file})")
    from graphbuild.history.git import GitError, node_link_at

    try:
        data, commit = node_link_at(root, spec, config_file)
    except GitError as exc:
        raise StateError(f"{spec}: not a file, a folder or a revision ({exc})") from exc
    return State(spec, "revision", Snapshot.from_node_link(data), commit.sha, commit.date)


def _read_graph(path: Path) -> Snapshot:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateError(f"{path}: not a graph export: {exc}") from exc
    if not isinstance(data, dict):
        raise StateError(f"{path}: not a graph export (expected a JSON object)")
    try:
        return Snapshot.from_node_link(data)
    except StateError as exc:
        raise StateError(f"{path}: {exc}") from exc


def _analyse(root: Path, config_file: str) -> Snapshot:
    from graphbuild.formats.graph import build_graph
    from graphbuild.model.project import analyse, load_project

    kb, _ = analyse(load_project(root, config_file))
    return Snapshot.from_graph(build_graph(kb))


# -- reports ---------------------------------------------------------------------------------


def describe(event: Event, arrow: str = "→") -> str:
    """What changed, in a phrase after the event's name: 'pitt2013: no-effect → supports'."""
    kind = event.kind
    if kind == "claim-added":
        return f"on {event.page}"
    if kind == "claim-removed":
        return f"from {event.page}"
    if kind == "claim-reworded":
        return f'was "{event.old}"'
    if kind in ("claim-moved", "direction-changed"):
        return f"{event.old} {arrow} {event.new}"
    if kind == "certainty-changed":
        return f"{event.old or 'not assessed'} {arrow} {event.new or 'not assessed'}"
    if kind == "study-added":
        return f"{event.study} ({event.new})"
    if kind == "study-removed":
        return f"{event.study} (was {event.old})"
    if kind == "stance-changed":
        return f"{event.study}: {event.old} {arrow} {event.new}"
    if kind == "design-changed":
        before = f"{event.old or 'unrated'} (level {event.old_level or '-'})"
        after = f"{event.new or 'unrated'} (level {event.new_level or '-'})"
        affects = ", ".join(event.claims) or "no claim"
        return f"{event.study}: {before} {arrow} {after}; affects {affects}"
    raise ValueError(f"unknown event kind {kind!r}")


def _summary(events: list[Event]) -> str:
    counts = Counter(e.kind for e in events)
    parts = [f"{counts[kind]} {KINDS[kind].lower()}" for kind in KINDS if counts[kind]]
    return ", ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def format_text(events: list[Event], old: State, new: State) -> str:
    lines = [f"evidence changes from {old.label} to {new.label}: {len(events)} event(s)"]
    for event in events:
        subject = event.claim if event.claim is not None else event.study
        detail = describe(event, "->")
        if event.kind in ("claim-added", "claim-removed"):
            detail += f': "{event.statement}"'
        lines.append(f"{event.kind} {subject}: {detail}" if event.claim is not None else f"{event.kind} {detail}")
    return "\n".join(printable(_one_line(line)) for line in lines) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:@$^=])")


def markdown_text(text: str) -> str:
    """Plain text that Markdown (GitHub's included) shows as it is: punctuation escaped,
    ``<`` and ``&`` as entities, controls written out, on one line so that it stays in its
    table cell."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", printable(_one_line(text)))
    return escaped.replace("&", "&amp;").replace("<", "&lt;")


def format_markdown(events: list[Event], old: State, new: State) -> str:
    """A section for a pull request's job summary: a sentence and a table of events."""
    span = f"between {markdown_text(old.label)} and {markdown_text(new.label)}"
    if not events:
        return f"## Evidence changes\n\nNo evidence changes {span}.\n"
    lines = [
        "## Evidence changes",
        "",
        f"{len(events)} event(s) {span}: {markdown_text(_summary(events))}.",
        "",
        "| Change | Claim | Details |",
        "| --- | --- | --- |",
    ]
    for event in events:
        if event.claim is not None:
            claim = f"**{markdown_text(event.claim)}**: {markdown_text(event.statement or '')}"
        else:
            claim = ", ".join(f"**{markdown_text(c)}**" for c in event.claims) or "none"
        lines.append(f"| {KINDS[event.kind]} | {claim} | {markdown_text(describe(event))} |")
    return "\n".join(lines) + "\n"


def format_json(events: list[Event], old: State, new: State) -> str:
    counts = Counter(e.kind for e in events)
    data = {
        "schema": SCHEMA,
        "old": old.to_json(),
        "new": new.to_json(),
        "counts": {kind: counts[kind] for kind in KINDS if counts[kind]},
        "events": [e.to_json() for e in events],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[[list[Event], State, State], str]] = {
    "text": format_text,
    "json": format_json,
    "markdown": format_markdown,
}
