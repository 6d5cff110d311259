"""What ``graphbuild diff OLD NEW`` reports: the evidence events between two states of a site.

A state is a git revision of the repository holding the site, a built site (its
``evidence/graph.json``), a site's source folder (its ``mkdocs.yml``) or a ``graph.json`` file;
the events themselves, and the JSON schema of ``--format json``, are
``graphbuild.model.events``'.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphbuild.common.diagnostics import printable
from graphbuild.common.files import ZIP_SUFFIX
from graphbuild.formats.graph import build_graph
from graphbuild.history.git import GitError, Repository, node_link_at
from graphbuild.model.config import ConfigError
from graphbuild.model.events import KINDS, SCHEMA, Event, NotAGraph, Snapshot, describe
from graphbuild.model.project import load_project, read_knowledge_base


class StateError(ConfigError):
    """A state that cannot be read: an unknown revision, a file that is not a graph export."""


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


KINDS_OF_STATE = ("rev", "site")


def load_state(spec: str, root: Path, config_file: str = "mkdocs.yml", kind: str | None = None) -> State:
    """``kind``: ``rev`` (a git revision of the repository holding the site at ``root``) or
    ``site`` (a file or folder); without it, ``spec`` must name one of them only, as git
    asks of a name that is both a path and a revision: a pull request adding a file named
    ``HEAD`` must not turn ``diff BASE HEAD`` into a comparison with that file."""
    path = Path(spec)
    if kind is None and path.exists() and _is_revision(root, spec):
        raise StateError(
            f"{spec}: ambiguous: both a file or folder and a git revision; use --rev (revisions) or --site (paths)"
        )
    if kind == "rev" or (kind is None and not path.exists()):
        return _revision(spec, root, config_file)
    if path.is_file():
        return State(spec, "graph", _read_graph(path))
    if path.is_dir():
        for name in ("graph.json", "graph.json" + ZIP_SUFFIX):  # zipped where the site says ``zip_downloads``
            if (path / "evidence" / name).is_file():
                return State(spec, "build", _read_graph(path / "evidence" / name))
        if (path / config_file).is_file():
            return State(spec, "site", _analyse(path, config_file))
        raise StateError(
            f"{spec}: neither a built site (evidence/graph.json or graph.json.zip) nor a site's folder ({config_file})"
        )
    raise StateError(f"{spec}: no such file or folder")


def _revision(spec: str, root: Path, config_file: str) -> State:
    try:
        data, commit = node_link_at(root, spec, config_file)
    except GitError as exc:
        raise StateError(f"{spec}: not a file, a folder or a revision ({exc})") from exc
    return State(spec, "revision", Snapshot.from_node_link(data), commit.sha, commit.date)


def _is_revision(root: Path, spec: str) -> bool:
    try:
        with Repository(root) as repository:
            repository.commit(spec)
    except GitError:
        return False
    return True


def _read_graph(path: Path) -> Snapshot:
    try:
        data = json.loads(_unzipped(path) if path.name.endswith(ZIP_SUFFIX) else path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateError(f"{path}: not a graph export: {exc}") from exc
    if not isinstance(data, dict):
        raise StateError(f"{path}: not a graph export (expected a JSON object)")
    try:
        return Snapshot.from_node_link(data)
    except NotAGraph as exc:
        raise StateError(f"{path}: {exc}") from exc


def _analyse(root: Path, config_file: str) -> Snapshot:
    kb, _ = read_knowledge_base(load_project(root, config_file))
    return Snapshot.from_graph(build_graph(kb))


# -- reports ---------------------------------------------------------------------------------


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


# The columns of ``--format claims``: what changed in each claim, and the kinds that fill each.
CLAIM_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Statement", ("claim-added", "claim-removed", "claim-reworded", "claim-moved")),
    ("Direction", ("direction-changed",)),
    ("Stances", ("study-added", "study-removed", "stance-changed")),
    ("Inferred stances", ("inference-changed",)),
    ("Approach", ("approach-changed",)),
    ("Rating", ("certainty-changed",)),
    ("Summary", ("summary-changed",)),
)


def _cell(event: Event) -> str:
    """One change, in a table cell: the values as editors write them, the new text in full."""
    if event.kind == "summary-changed":
        return f'now "{event.new}"' if event.new else "removed"
    if event.kind == "claim-reworded":
        return f'now "{event.statement}"'
    if event.kind == "inference-changed":
        return f"{event.study} now {event.new}"
    return describe(event)


def format_claims(events: list[Event], old: State, new: State) -> str:
    """A Markdown table with a row per claim that changed and a column per thing that can
    change in it (statement, direction, stances, inferred stances, approach, rating,
    summary); study designs that changed follow, one line each."""
    span = f"between {markdown_text(old.label)} and {markdown_text(new.label)}"
    rows: dict[str, dict[str, list[str]]] = {}
    for event in events:
        if event.claim is not None:
            cells = rows.setdefault(event.claim, {})
            column = next(name for name, kinds in CLAIM_COLUMNS if event.kind in kinds)
            cells.setdefault(column, []).append(_cell(event))
    lines = [f"## Claims that changed {span}", "", f"{len(rows)} claim(s).", ""]
    if rows:
        lines.append("| Claim | " + " | ".join(name for name, _ in CLAIM_COLUMNS) + " |")
        lines.append("| --- " * (len(CLAIM_COLUMNS) + 1) + "|")
        for claim, cells in rows.items():
            values = ["<br>".join(markdown_text(v) for v in cells.get(name, [])) for name, _ in CLAIM_COLUMNS]
            lines.append(f"| **{markdown_text(claim)}** | " + " | ".join(values) + " |")
    designs = [e for e in events if e.claim is None]
    if designs:
        lines += ["", "Study designs:", ""] + [f"- {markdown_text(describe(e))}" for e in designs]
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
    "claims": format_claims,
}


ZIPPED_GRAPH_LIMIT = 1 << 28  # bytes unzipped: a graph.json of 50,000 studies is some 15 MB


def _unzipped(path: Path) -> str:
    """The one file a site's ``graph.json.zip`` holds; a built site may come from anyone, so
    a zip of other files, or one that unzips past the limit whatever it declares, is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) != 1 or not members[0].filename.endswith(".json"):
                raise StateError(f"{path}: not a zipped graph export (expected one .json file in it)")
            with archive.open(members[0]) as member:
                data = member.read(ZIPPED_GRAPH_LIMIT + 1)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise StateError(f"{path}: not a zipped graph export: {exc}") from exc
    if len(data) > ZIPPED_GRAPH_LIMIT:
        raise StateError(f"{path}: unzips to more than {ZIPPED_GRAPH_LIMIT >> 20} MB; not read")
    return data.decode("utf-8")
