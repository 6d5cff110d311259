"""The site's evidence over time, as values: commits, each claim's dates, the evidence events
of each commit. ``graphbuild.history`` reads them from git; the knowledge base carries them
(``KnowledgeBase.history``) and the site's pages show them, so they sit below both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphbuild.model.events import Event, Snapshot
from graphbuild.model.vocabulary import MONTHS

# A commit's subject, as the changes page and the feeds show it: its first line, this long at most.
MAX_SUBJECT = 300
# The feeds carry the newest events only; the changes page lists them all.
MAX_FEED_ENTRIES = 500


def subject_line(subject: str) -> tuple[str, bool]:
    """A commit subject's first line, cut at ``MAX_SUBJECT`` characters, and whether it was cut."""
    line = subject.split("\n", 1)[0].rstrip("\r")
    if len(line) <= MAX_SUBJECT:
        return line, line != subject
    return line[: MAX_SUBJECT - 1] + "\u2026", True


@dataclass(frozen=True)
class Commit:
    """A commit of the site's history; ``date`` is its committer date (ISO 8601 with the
    committer's offset), so that everything dated from it is the same on every machine.
    ``subject`` is for the repository's readers; ``note`` (from an ``Evidence-note:``
    trailer, "" if none) is the reason it gives the site's readers."""

    sha: str
    time: int
    date: str
    subject: str = ""
    note: str = ""

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def day(self) -> str:
        """'12 March 2026': the day where it was committed, as cards and pages say it."""
        year, month, day = self.date[:10].split("-")
        return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


@dataclass(frozen=True)
class ClaimDates:
    """``added`` and ``evidence_changed`` are None when history cannot tell; ``removed`` is the
    commit that last removed a claim that is no longer in the site."""

    added: Commit | None = None
    evidence_changed: Commit | None = None
    removed: Commit | None = None
    statement: str = ""
    page: str = ""


@dataclass(frozen=True)
class Change:
    """The evidence events of one commit."""

    commit: Commit
    events: tuple[Event, ...]


@dataclass
class History:
    """``claims``: every claim the history has seen, those removed since included (their
    ``removed`` is set); ``changes``: commits with evidence events, newest first."""

    head: Commit | None = None
    snapshot: Snapshot | None = None  # the site's graph at ``head`` (its last buildable state)
    claims: dict[str, ClaimDates] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    states_built: int = 0
    states_cached: int = 0
    pages_read: int = 0

    def dates(self, claim_id: str) -> ClaimDates:
        return self.claims.get(claim_id, ClaimDates())

    @property
    def removed(self) -> dict[str, ClaimDates]:
        return {claim: dates for claim, dates in self.claims.items() if dates.removed is not None}

    def dated_events(self) -> list[tuple[Commit, Event]]:
        """Every event with its commit, newest commit first, each commit's in report order."""
        return [(change.commit, event) for change in self.changes for event in change.events]
