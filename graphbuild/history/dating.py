"""Dated claims and dated evidence events, derived from the site's git history.

Each claim knows when it was added (the first commit in which a claim with its id exists) and
when its evidence last changed (the last commit that changed its evidence fingerprint: its
studies and their stances, those studies' designs and levels, and its certainty when
recorded). Dates are committer dates of the main line (first parents), so the same commit
always gives the same dates. Where history cannot say, a date is None and a note says why:
a folder that is not in a repository, a shallow clone (a claim already in its earliest commit
may be older), a claim with uncommitted changes. A date is never guessed.

The graph of each distinct state of the site is kept in a cache file keyed by the blobs it
was built from (and by graphbuild's own code), so that a rebuild after one more commit builds
one graph.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from graphbuild.common.cachefiles import cache_folder, distrust
from graphbuild.history.git import GitError, Repository, SiteReader, SiteState
from graphbuild.model.config import ConfigError
from graphbuild.model.events import Snapshot, diff
from graphbuild.model.timeline import MAX_FEED_ENTRIES, MAX_SUBJECT, Change, ClaimDates, Commit, History

CACHE_FILE = Path(".cache") / "graphbuild" / "history.json"
_CACHE_VERSION = 2  # 2: each claim's record lists its inferred stances


def fingerprint(snapshot: Snapshot, claim: str) -> tuple:
    """What a claim's evidence is: its studies' stances (inferred or reported), designs and
    levels, and its certainty (or why it is not rated)."""
    studies = snapshot.studies
    facts = tuple(
        (
            key,
            stance,
            studies.get(key, {}).get("design"),
            studies.get(key, {}).get("level"),
            snapshot.is_inferred(claim, key),
        )
        for key, stance in sorted(snapshot.evidence.get(claim, {}).items())
    )
    return facts, snapshot.certainty(claim)


# -- the cache -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _code_version() -> str:
    """graphbuild's own source and the versions of the parsers it uses: a change to either
    may change a graph, so it empties the cache."""
    digest = hashlib.sha256()
    code = Path(__file__).parents[1]
    for source in sorted(code.rglob("*.py")):
        digest.update(source.relative_to(code).as_posix().encode() + b"\0" + source.read_bytes())
    for package in ("bibtexparser", "PyYAML", "networkx"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()


class HistoryCache:
    """The graphs of the site's states, by the blobs they were built from.

    Kept in memory for the life of the object (``mkdocs serve`` rebuilds reuse it) and in a
    JSON file when ``path`` is given. Records are stored once however many states hold them,
    in memory as in the file, so that both grow with the evidence that changed, not with the
    number of commits: a state's ``Snapshot`` is made from its records when asked for."""

    def __init__(self, path: Path | None = None, root: Path | None = None) -> None:
        """``root``: the site's folder, under which a cache git tracks or a link is not read
        (``graphbuild.common.cachefiles``); the reasons go to ``notes``."""
        self.path = path
        self.root = root
        self.notes: list[str] = []
        self._stored: dict[str, dict[str, list[str]] | None] = {}  # as the file holds each state
        self._records: dict[str, Any] = {}
        self._loaded = False
        self._dirty = False

    def get(self, key: str) -> tuple[bool, Snapshot | None]:
        self._load()
        if key not in self._stored:
            return False, None
        state = self._stored[key]
        return True, None if state is None else _snapshot(self._records, state)

    def put(self, key: str, snapshot: Snapshot | None) -> None:
        self._stored[key] = None if snapshot is None else _records(snapshot, self._records)
        self._dirty = True

    def keep_only(self, keys: Iterable[str]) -> None:
        """Forget states no longer in the history (rebased away, amended)."""
        keep = set(keys)
        if set(self._stored) - keep:
            self._stored = {key: value for key, value in self._stored.items() if key in keep}
            self._dirty = True

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.path is None:
            return
        refused = distrust(self.path, self.root) if self.root is not None else None
        if refused:
            self.notes.append(f"history cache not read: {refused}")
            self._dirty = True  # written again, as the build made it
            return
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != _CACHE_VERSION or data.get("code") != _code_version():
                return
            records, states = data["records"], data["states"]
            for state in states.values():  # every state must read, or none is used
                if state is not None:
                    _snapshot(records, state)
            self._stored, self._records = states, records
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._stored, self._records = {}, {}  # a damaged cache is rebuilt, never trusted
            self.notes.append(f"history cache not read: {self.path.name} does not parse; it is made again")
            self._dirty = True

    def save(self) -> str | None:
        """Write the file if anything changed; a note when it cannot be written."""
        if self.path is None or not self._dirty:
            return None
        states = {key: self._stored[key] for key in sorted(self._stored)}
        used = {name for state in states.values() if state for names in state.values() for name in names}
        self._records = {name: record for name, record in self._records.items() if name in used}
        text = json.dumps(
            {"version": _CACHE_VERSION, "code": _code_version(), "records": self._records, "states": states},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        temporary = None
        try:
            if self.path.is_symlink():
                self.path.unlink()  # replaced by a file, never written through
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".history-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self.path)
        except OSError as exc:
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
            return f"history cache not written ({exc}); the next build reads the history again"
        self._dirty = False
        return None


def _records(snapshot: Snapshot, records: dict[str, Any]) -> dict[str, list[str]]:
    """The state as names of records, each record (a claim or a study) stored once."""

    def store(record: list[Any]) -> str:
        text = json.dumps(record, sort_keys=True, ensure_ascii=False)
        name = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        records.setdefault(name, json.loads(text))  # a copy: the snapshot is not kept alive
        return name

    return {
        "claims": [
            store(
                [claim, dict(attrs), dict(snapshot.evidence.get(claim, {})), sorted(snapshot.inferred.get(claim, ()))]
            )
            for claim, attrs in sorted(snapshot.claims.items())
        ],
        "studies": [store([key, dict(attrs)]) for key, attrs in sorted(snapshot.studies.items())],
    }


def _snapshot(records: dict[str, Any], state: dict[str, list[str]]) -> Snapshot:
    claims, evidence, studies, inferred = {}, {}, {}, {}
    for name in state["claims"]:
        claim, attrs, studied, guessed = records[name]
        claims[claim], evidence[claim] = attrs, studied
        if guessed:
            inferred[claim] = frozenset(guessed)
    for name in state["studies"]:
        key, attrs = records[name]
        studies[key] = attrs
    return Snapshot(claims, evidence, studies, inferred)


# -- the history -----------------------------------------------------------------------------


def site_history(
    root: Path,
    config_file: str = "mkdocs.yml",
    revision: str = "HEAD",
    cache: HistoryCache | None = None,
    current: Snapshot | Callable[[], Snapshot] | None = None,
) -> History:
    """The dated claims and dated events of the site at ``root`` up to ``revision``.

    ``cache``: a ``HistoryCache``, by default one in ``.cache/graphbuild/history.json`` under
    the site's root. ``current``: the site as it is being built (the working tree); a claim
    whose evidence there differs from the commit's gets no ``evidence_changed`` date, as the
    change has none yet; a function giving it is called only when there is a history to
    compare it with. Never raises for a missing repository or history: it notes it."""
    if cache is None:
        cache = HistoryCache(cache_folder(root) / CACHE_FILE.name, root)
    try:
        repository = Repository(root)
    except GitError as exc:
        return History(notes=[f"claims are not dated: {root} is not in a git repository ({exc})"])
    with repository:
        try:
            head = repository.commit(revision)
        except GitError as exc:
            return History(notes=[f"claims are not dated: {exc}"])
        if head is None:
            return History(notes=["claims are not dated: the repository has no commits yet"])
        try:
            history = _walk(repository, SiteReader(repository, config_file), head, cache)
        except GitError as exc:  # a blob missing from a partial clone, say
            return History(head=head, notes=[f"claims are not dated: {exc}"])
    note = cache.save()
    history.notes += cache.notes
    cache.notes = []
    if note:
        history.notes.append(note)
    if current is not None:
        _apply_working_tree(history, current() if callable(current) else current)
    return history


def _states(repository: Repository, reader: SiteReader, head: Commit) -> list[tuple[Commit, SiteState | None]]:
    """Each commit of the main line with the state of its site, oldest first; a commit that
    changes no file the site is built from is left out."""
    tree: dict[str, tuple[str, str]] = {}
    states: list[tuple[Commit, SiteState | None]] = []
    state: SiteState | None = None
    project = None
    for commit, changes in repository.log(head.sha):
        touched = not states
        for path, entry in changes:
            touched = touched or reader.relevant(path, project)
            if entry is None:
                tree.pop(path, None)
            else:
                tree[path] = entry
        if not touched:
            continue
        state = reader.state(tree)
        try:
            project = reader.project(state.config) if state is not None else None
        except ConfigError:
            project = None
        if not states or states[-1][1] != state:
            states.append((commit, state))
    return states


def _walk(repository: Repository, reader: SiteReader, head: Commit, cache: HistoryCache) -> History:
    history = History(head=head)
    states = _states(repository, reader, head)
    code = _code_version()
    used: set[str] = set()
    dating = _Dating(history, shallow=bool(states) and repository.cut_short(states[0][0]))
    for commit, state in states:  # one state's graph held at a time, and the one before it
        if state is None:
            dating.add(commit, Snapshot())
            continue
        key = hashlib.sha256(f"{code}\n{state.key}".encode()).hexdigest()
        used.add(key)
        found, snapshot = cache.get(key)
        if found:
            history.states_cached += 1
        else:
            try:
                snapshot = Snapshot.from_node_link(reader.node_link(state))
            except ConfigError:
                snapshot = None  # the site could not be built at this commit: skipped
            cache.put(key, snapshot)
            history.states_built += 1
        dating.add(commit, snapshot)
    cache.keep_only(used)
    links = states[-1][1].links if states and states[-1][1] is not None else ()
    if links:
        history.notes.append(f"{', '.join(links)}: symbolic link(s) in the docs folder are not read from history")
    history.pages_read = reader.pages_read
    if repository.cut_subjects:
        history.notes.append(
            f"{repository.cut_subjects} commit subject(s) longer than a line or {MAX_SUBJECT} characters are shown "
            "cut on the changes page and in the feeds"
        )
    dating.finish()
    events = len(history.dated_events())
    if events > MAX_FEED_ENTRIES:
        history.notes.append(
            f"the feeds carry the newest {MAX_FEED_ENTRIES} of the {events} evidence events; the changes page lists all"
        )
    return history


class _Dating:
    """Each claim's dates and each commit's events, from the states of the site one after
    the other, oldest first: only the last state is kept."""

    def __init__(self, history: History, shallow: bool) -> None:
        self.history = history
        self.shallow = shallow
        self.added: dict[str, Commit | None] = {}
        self.changed: dict[str, Commit | None] = {}
        self.last: dict[str, tuple] = {}
        self.removed: dict[str, Commit] = {}
        self.previous: Snapshot | None = None

    def add(self, commit: Commit, snapshot: Snapshot | None) -> None:
        if snapshot is None:
            return
        previous, added, changed, last = self.previous, self.added, self.changed, self.last
        if previous is None and self.shallow:
            for claim in snapshot.claims:  # already there when the clone's history begins
                added[claim], changed[claim], last[claim] = None, None, fingerprint(snapshot, claim)
        else:
            events = diff(previous or Snapshot(), snapshot)
            if events:
                self.history.changes.append(Change(commit, tuple(events)))
            for claim in snapshot.claims:
                added.setdefault(claim, commit)
                self.removed.pop(claim, None)
                now = fingerprint(snapshot, claim)
                if last.get(claim) != now:
                    changed[claim], last[claim] = commit, now
            for claim in (previous.claims if previous else {}).keys() - snapshot.claims.keys():
                self.removed[claim] = commit
        self.previous = snapshot

    def finish(self) -> None:
        history, previous, removed = self.history, self.previous, self.removed
        history.changes.reverse()
        if previous is None:
            return
        history.snapshot = previous
        seen = dict(previous.claims)
        for change in history.changes:  # newest first: the last statement and page of removed claims
            for event in change.events:
                if event.claim in removed and event.claim not in seen:
                    seen[event.claim] = {"statement": event.statement, "page": event.page}
        for claim in sorted(self.added):
            attrs = seen.get(claim, {})
            history.claims[claim] = ClaimDates(
                self.added.get(claim),
                self.changed.get(claim),
                removed.get(claim),
                str(attrs.get("statement") or ""),
                str(attrs.get("page") or ""),
            )
        unknown = sum(1 for claim in previous.claims if history.claims[claim].added is None)
        if self.shallow and unknown:
            history.notes.append(
                f"the clone is shallow: {unknown} claim(s) already in its earliest commit have no added date, "
                "and no evidence date unless their evidence changed since; fetch the whole history "
                "(actions/checkout with fetch-depth: 0) to date them"
            )


def _apply_working_tree(history: History, current: Snapshot) -> None:
    """Claims whose evidence differs from the commit's have not changed on any date yet."""
    head = history.snapshot or Snapshot()
    pending = sorted(
        claim
        for claim in current.claims
        if claim not in head.claims or fingerprint(current, claim) != fingerprint(head, claim)
    )
    for claim in pending:
        attrs = current.claims[claim]
        history.claims[claim] = ClaimDates(
            history.dates(claim).added, None, None, str(attrs.get("statement", "")), str(attrs.get("page", ""))
        )
    if pending:
        history.notes.append(
            f"{len(pending)} claim(s) with uncommitted changes to their evidence have no evidence date "
            f"until committed: {', '.join(pending[:10])}{' ...' if len(pending) > 10 else ''}"
        )
