"""Evidence events between two states of a site's evidence graph, as pure values.

Every state is compared through the graph export's node-link data, the site's stable
machine-readable interface, so an export published months ago compares with today's source.
Where states come from (revisions, built sites, folders) and how events are reported is
``graphbuild.history.compare``'s; the site's changes page and feeds read these values.

Events, in this order for each claim (claims in id order), then study events (studies in key
order):

- ``claim-added``, ``claim-removed``;
- ``claim-moved`` (another page: ``old``/``new`` are pages), ``claim-reworded`` (``old``/``new``
  are statements), ``summary-changed`` (its key message; ``old``/``new`` are the texts, ""
  for none; only between states that record summaries);
- ``direction-changed`` (the claim's status: ``supported``, ``contested``, ``not-supported``);
- ``certainty-changed`` (``high``, ``moderate``, ``low``, ``very-low``; ``expert-opinion``
  or ``about-evidence`` for a claim not rated for that reason; null when not assessed;
  only between states that record certainty, or from none to a rating);
- ``approach-changed`` (``grade``, ``cerqual``: what the rating is made under; only while
  the claim is rated in both states);
- ``study-added``, ``study-removed`` (``new``/``old`` is the stance), ``stance-changed``,
  ``inference-changed`` (``old``/``new``: ``reported`` or ``inferred``; ``inferred`` on
  each of these says whether the link is inferred, as it is now or, removed, as it was);
- ``design-changed``: a study's design or its level changed; ``claims`` lists every claim that
  cites the study (in the new state, or the old one when no claim cites it any longer).

JSON output (``--format json``), schema ``graphbuild-diff/2`` (``/1`` had neither the
summary, approach and inference events nor the ``inferred`` key)::

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
         "inferred": bool,           # study-*, stance-changed, inference-changed: the link is inferred
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
from graphbuild.model.vocabulary import (
    APPROACH,
    CERTAINTY,
    NOT_ASSESSED,
    STANCE,
    STATUS,
    UNRATED_TERM,
    design_noun,
)

SCHEMA = "graphbuild-diff/2"


@dataclass(frozen=True)
class EventKind:
    """A kind of evidence event. ``title``: its name for readers; ``weight``: how much it
    matters to a reader, 0 most (what the evidence says, how sure it is), then claims added
    or removed, then the studies behind a claim, then its wording."""

    value: str
    title: str
    weight: int


# Every kind, in report order.
EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("claim-added", "Claim added", 2),
    EventKind("claim-removed", "Claim removed", 2),
    EventKind("claim-moved", "Claim moved", 5),
    EventKind("claim-reworded", "Claim reworded", 4),
    EventKind("summary-changed", "Key message changed", 4),
    EventKind("direction-changed", "Direction changed", 0),
    EventKind("certainty-changed", "Certainty changed", 1),
    EventKind("approach-changed", "Rating approach changed", 1),
    EventKind("study-added", "Study added", 3),
    EventKind("study-removed", "Study removed", 3),
    EventKind("stance-changed", "Stance changed", 3),
    EventKind("inference-changed", "Stance inferred or reported", 3),
    EventKind("design-changed", "Study design changed", 3),
)
EVENT_KIND = {kind.value: kind for kind in EVENT_KINDS}
KINDS: dict[str, str] = {kind.value: kind.title for kind in EVENT_KINDS}
_RANK = {kind: i for i, kind in enumerate(KINDS)}
_NOT_ASSESSED = (None, "", NOT_ASSESSED)


class NotAGraph(ConfigError):
    """Node-link data that is not a graph export."""


@dataclass(frozen=True)
class Snapshot:
    """A site's evidence as its graph export records it, keyed by claim id and study key.

    ``claims`` and ``studies`` hold the nodes' attributes (without ``id`` and ``kind``);
    ``evidence`` maps a claim to its studies and their stances (the edges); ``inferred`` a
    claim to the studies whose stance its editors inferred."""

    claims: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    evidence: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    studies: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    inferred: Mapping[str, frozenset[str]] = field(default_factory=dict)

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
            inferred: dict[str, set[str]] = {}
            for edge in data.get("edges", data.get("links", [])):
                source, target = str(edge["source"]), str(edge["target"])
                if source.startswith("claim:") and target.startswith("study:"):
                    evidence.setdefault(source[6:], {})[target[6:]] = str(edge.get("stance", ""))
                    if edge.get("inferred") is True:
                        inferred.setdefault(source[6:], set()).add(target[6:])
        except (KeyError, TypeError, AttributeError) as exc:
            raise NotAGraph(f"not a graph export (networkx node-link data): {exc!r}") from exc
        return cls(claims, evidence, studies, {claim: frozenset(keys) for claim, keys in inferred.items()})

    @classmethod
    def from_graph(cls, graph: nx.DiGraph) -> Snapshot:
        """From ``graph.build_graph(kb)``: the site being built, to compare with a commit."""
        return cls.from_node_link(nx.node_link_data(graph, edges="edges"))

    def citing(self, key: str) -> list[str]:
        return sorted(claim for claim, studies in self.evidence.items() if key in studies)

    def is_inferred(self, claim: str, key: str) -> bool:
        return key in self.inferred.get(claim, ())

    def certainty(self, claim: str) -> str | None:
        """A claim's rating, or why it has none (``expert-opinion``, ``about-evidence``);
        None when it is not assessed, or the export predates ratings."""
        attrs = self.claims[claim]
        state = attrs.get("certainty") or attrs.get("not_rated")
        return None if state in _NOT_ASSESSED else str(state)


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
    inferred: bool = False
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
        link = study or ""
        inferred = new.is_inferred(claim, link) if link in after else old.is_inferred(claim, link)
        return Event(
            kind,
            claim=claim,
            study=study,
            old=_text(old_value),
            new=_text(new_value),
            inferred=inferred,
            statement=_text(now.get("statement")),
            page=_text(now.get("page")),
            type=_text(now.get("type")),
            group=_text(now.get("group")) or None,
            study_slug=_text(slug),
        )

    before, after = old.evidence.get(claim, {}), new.evidence.get(claim, {})
    if a is None:
        return [event("claim-added")]
    if b is None:
        return [event("claim-removed")]
    events = []
    for kind, name in (("claim-moved", "page"), ("claim-reworded", "statement"), ("direction-changed", "status")):
        if a.get(name) != b.get(name):
            events.append(event(kind, a.get(name), b.get(name)))
    if "summary" in a and "summary" in b and a["summary"] != b["summary"]:
        events.append(event("summary-changed", a["summary"], b["summary"]))
    certainty = old.certainty(claim), new.certainty(claim)
    if certainty[0] != certainty[1]:
        events.append(event("certainty-changed", *certainty))
    if a.get("certainty") and b.get("certainty") and a.get("approach") != b.get("approach"):
        events.append(event("approach-changed", a.get("approach"), b.get("approach")))
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            events.append(event("study-added", None, after[key], key))
        elif key not in after:
            events.append(event("study-removed", before[key], None, key))
        else:
            if before[key] != after[key]:
                events.append(event("stance-changed", before[key], after[key], key))
            was, now_inferred = old.is_inferred(claim, key), new.is_inferred(claim, key)
            if was != now_inferred:
                events.append(event("inference-changed", _REPORTED[was], _REPORTED[now_inferred], key))
    return events


_REPORTED = {False: "reported", True: "inferred"}


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
    """What changed, in a phrase after the event's name, in the values editors write:
    'pitt2013: no-effect → supports' (readers get ``graphbuild.site``'s words instead)."""
    kind = event.kind
    inferred = ", inferred" if event.inferred else ""
    if kind == "claim-added":
        return f"on {event.page}"
    if kind == "claim-removed":
        return f"from {event.page}"
    if kind == "claim-reworded":
        return f'was "{event.old}"'
    if kind == "summary-changed":
        return f'was "{event.old}"' if event.old else "added"
    if kind in ("claim-moved", "direction-changed", "approach-changed"):
        return f"{event.old} {arrow} {event.new}"
    if kind == "certainty-changed":
        return f"{event.old or 'not assessed'} {arrow} {event.new or 'not assessed'}"
    if kind == "study-added":
        return f"{event.study} ({event.new}{inferred})"
    if kind == "study-removed":
        return f"{event.study} (was {event.old}{inferred})"
    if kind in ("stance-changed", "inference-changed"):
        return f"{event.study}: {event.old} {arrow} {event.new}"
    if kind == "design-changed":
        before = f"{event.old or 'unrated'} (level {event.old_level or '-'})"
        after = f"{event.new or 'unrated'} (level {event.new_level or '-'})"
        affects = ", ".join(event.claims) or "no claim"
        return f"{event.study}: {before} {arrow} {after}; affects {affects}"
    raise ValueError(f"unknown event kind {kind!r}")


def in_words(event: Event, study: Callable[[str], str] = str, page: Callable[[str], str] = str) -> str:
    """What changed, as the site's readers read it after the event's title: the
    vocabulary's words, never the values editors write. ``study`` names a study by its key
    ("Pitt et al., 2013"), ``page`` a page by its source ("Outcomes")."""
    kind, old, new = event.kind, event.old, event.new
    name = study(event.study) if event.study else ""
    inferred = ", inferred" if event.inferred else ""
    if kind == "direction-changed":
        return f"now {_status_words(new)} (was {_status_words(old)})"
    if kind == "certainty-changed":
        return f"now {_certainty_words(new)} (was {_certainty_words(old)})"
    if kind == "approach-changed":
        return f"now rated with {_approach_name(new)} (was {_approach_name(old)})"
    if kind == "claim-added":
        return f"on {page(event.page or '')}"
    if kind == "claim-removed":
        return f"from {page(event.page or '')}"
    if kind == "claim-moved":
        return f"from {page(old or '')} to {page(new or '')}"
    if kind == "claim-reworded":
        return f"it said: \u201c{old}\u201d"
    if kind == "summary-changed":
        return f"it said: \u201c{old}\u201d" if old else "a key message was added"
    if kind == "study-added":
        return f"{name} ({_stance_words(new)}{inferred})"
    if kind == "study-removed":
        return f"{name} (it {_stance_words(old)}{inferred})"
    if kind == "stance-changed":
        return f"{name} now {_stance_words(new)}{inferred} (was: {_stance_words(old)})"
    if kind == "inference-changed":
        return f"{name}: its stance is now {'inferred, not reported' if new == 'inferred' else 'reported by the study'}"
    if kind == "design-changed":
        cited = f"; cited by {len(event.claims)} claim{'s' if len(event.claims) != 1 else ''}" if event.claims else ""
        return f"{name} is now {_design_words(new, event.new_level)} (was {_design_words(old, event.old_level)}){cited}"
    raise ValueError(f"unknown event kind {kind!r}")


def _status_words(value: str | None) -> str:
    return STATUS[value].word if value in STATUS else "not known"


def _certainty_words(value: str | None) -> str:
    if value in CERTAINTY:
        return f"{CERTAINTY[value].word} certainty"
    if value in UNRATED_TERM:
        label = UNRATED_TERM[value].label
        return label[:1].lower() + label[1:]
    return "not assessed"


def _approach_name(value: str | None) -> str:
    return APPROACH[value].name if value in APPROACH else "no approach"


def _stance_words(value: str | None) -> str:
    return STANCE[value].legend if value in STANCE else "bears on it in a way no longer known"


def _design_words(design: str | None, level: int | None) -> str:
    if design is None or design == "unrated":
        return "unrated"
    noun = design_noun(design)
    article = "an" if noun[:1].lower() in "aeiou" else "a"
    return f"{article} {noun}" + (f" (level {level})" if level is not None else "")
