"""Evidence events between two states of a site's evidence graph, as pure values.

Every state is compared through the graph export's node-link data, the site's stable
machine-readable interface, so an export published months ago compares with today's source.
Where states come from (revisions, built sites, folders) and how events are reported is
``graphbuild.history.compare``'s; the site's changes page and feeds read these values.

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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from graphbuild.model.config import ConfigError

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


class NotAGraph(ConfigError):
    """Node-link data that is not a graph export."""


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
            raise NotAGraph(f"not a graph export (networkx node-link data): {exc!r}") from exc
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


# -- in words ------------------------------------------------------------------------------


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
