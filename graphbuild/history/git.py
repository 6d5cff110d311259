"""The site as stored in its git repository: commits, trees and blobs read with a few git
processes, and the evidence graph of any commit built without checking it out.

A commit's site is read as ``graphbuild check`` reads a folder (its ``mkdocs.yml``, the pages
MkDocs would build, the bibliography), from blobs instead of files, so that the history of
hundreds of commits costs one ``git log`` and one ``git cat-file --batch``. Pages, bibliographies
and settings are memoised by blob, so a page that is the same in many commits is read once.
"""

from __future__ import annotations

import hashlib
import posixpath
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import networkx as nx

from graphbuild.common.diagnostics import Diagnostic
from graphbuild.formats.graph import build_graph
from graphbuild.model.bibliography import Bibliography, parse_bibliography_bytes
from graphbuild.model.config import Config, ConfigError
from graphbuild.model.knowledge import SourcePage, build_knowledge_base, read_page
from graphbuild.model.project import Project, decode_page, pages_among, parse_settings, project_from_settings
from graphbuild.model.timeline import Commit, subject_line

# A tree entry: (mode, blob id). Symbolic links (120000) and submodules (160000) are not pages.
Entry = tuple[str, str]
Tree = dict[str, Entry]
_FILE_MODES = ("100644", "100755")


# A commit may give readers the reason for a change to the evidence in a trailer,
# ``Evidence-note: <why>``; its subject, written for the repository, never reaches them.
NOTE_TRAILER = "Evidence-note"


class GitError(Exception):
    """git is missing, or the folder is not in a repository, or a revision is unknown."""


@dataclass(frozen=True)
class SiteState:
    """The blobs a commit's site is built from; ``key`` names its content, whatever the commit."""

    config: str
    bibliography: str | None
    pages: tuple[tuple[str, str], ...]  # (src relative to docs_dir, blob id)
    links: tuple[str, ...] = ()  # pages that are symbolic links, which are not read

    @property
    def key(self) -> str:
        text = "\n".join([self.config, self.bibliography or "-", *(f"{src}\0{blob}" for src, blob in self.pages)])
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


# Settings of the user's that would change what git log prints: signatures, colours, and
# whether the first commit's files are listed at all.
_PLAIN = ("-c", "log.showRoot=true", "-c", "log.showSignature=false", "-c", "color.ui=false")


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(["git", *_PLAIN, *args], cwd=cwd, capture_output=True)
    except OSError as exc:  # git not installed, or the folder does not exist
        raise GitError(f"cannot run git: {exc}") from exc
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed")
    return done


class Repository:
    """The git repository holding the site at ``root``; paths are relative to its top level."""

    def __init__(self, root: Path) -> None:
        done = _git(
            root, "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository", "--git-path", "shallow"
        )
        lines = done.stdout.decode("utf-8", "surrogateescape").split("\n")
        self.toplevel = Path(lines[0])
        self.prefix = lines[1].rstrip("/")
        shallow = root / lines[3]  # the commits whose parents a shallow clone lacks
        self.boundary: frozenset[str] = frozenset()
        if lines[2] == "true" and shallow.exists():
            self.boundary = frozenset(shallow.read_text().split())
        self._batch: subprocess.Popen[bytes] | None = None
        self.cut_subjects = 0  # commit subjects longer than a line, or than MAX_SUBJECT, cut in ``log``

    def path(self, relative: str) -> str | None:
        """A path of the site (relative to its root) as a path in the repository, or None when
        it lies outside the repository."""
        joined = posixpath.normpath(posixpath.join(self.prefix, relative)) if relative else self.prefix
        if PurePosixPath(relative).is_absolute() or joined == ".." or joined.startswith("../"):
            return None
        return "" if joined == "." else joined

    def commit(self, revision: str) -> Commit | None:
        """The commit a revision names; None when the repository has no commits yet."""
        if revision.startswith("-"):  # an option to git, not a revision
            raise GitError(f"unknown revision '{revision}'")
        done = _git(
            self.toplevel, "log", "-1", "--no-walk", "--format=%H%x00%ct%x00%cI%x00%s", revision, "--", check=False
        )
        if done.returncode != 0:
            if (
                revision == "HEAD"
                and _git(self.toplevel, "rev-parse", "-q", "--verify", "HEAD", check=False).returncode
            ):
                return None
            raise GitError(f"unknown revision '{revision}'")
        sha, time, date, subject = done.stdout.decode("utf-8", "replace").rstrip("\n").split("\0", 3)
        return Commit(sha, int(time), date, subject_line(subject)[0])

    def tree(self, revision: str) -> Tree:
        done = _git(self.toplevel, "ls-tree", "-r", "-z", "--full-tree", revision)
        tree: Tree = {}
        for item in done.stdout.split(b"\0"):
            if item:
                meta, path = item.split(b"\t", 1)
                mode, _, blob = meta.decode().split(" ")
                tree[path.decode("utf-8", "surrogateescape")] = (mode, blob)
        return tree

    def log(self, revision: str) -> Iterator[tuple[Commit, list[tuple[str, Entry | None]]]]:
        """The first-parent history up to ``revision``, oldest first, with each commit's changes
        against its first parent: what the main line of the site went through, a merged branch
        counting as one change on the day it was merged."""
        done = _git(
            self.toplevel,
            "log",
            "-z",
            "--reverse",
            "--first-parent",
            "-m",
            "--raw",
            "--no-renames",
            "--no-abbrev",
            "--no-textconv",
            f"--format=%x01%H%x00%ct%x00%cI%x00%s%x00%(trailers:key={NOTE_TRAILER},valueonly,unfold,separator=%x1f)%x00",
            revision,
            "--",
        )
        tokens = done.stdout.split(b"\0")
        i = 0
        commit: Commit | None = None
        changes: list[tuple[str, Entry | None]] = []
        while i < len(tokens):
            token = tokens[i].lstrip(b"\n")
            if token.startswith(b"\x01"):
                if commit is not None:
                    yield commit, changes
                sha, time, date, subject, note = (t.decode("utf-8", "replace") for t in tokens[i : i + 5])
                line, cut = subject_line(subject)
                self.cut_subjects += cut
                notes, _ = subject_line(" ".join(" ".join(n.split()) for n in note.split("\x1f") if n.strip()))
                commit, changes = Commit(sha.lstrip("\n\x01"), int(time), date, line, notes), []
                i += 5
            elif token.startswith(b":"):
                _, new_mode, _, new_blob, status = token[1:].decode().split(" ")
                path = tokens[i + 1].decode("utf-8", "surrogateescape")
                changes.append((path, None if status == "D" else (new_mode, new_blob)))
                i += 2
            else:
                i += 1
        if commit is not None:
            yield commit, changes

    def cut_short(self, commit: Commit) -> bool:
        """Whether a shallow clone lacks this commit's parents (a real first commit has none)."""
        if commit.sha not in self.boundary:
            return False
        header = self.blob(commit.sha).split(b"\n\n", 1)[0]
        return any(line.startswith(b"parent ") for line in header.split(b"\n"))

    def blob(self, sha: str) -> bytes:
        """One object (a blob, or a commit's raw text), through a single ``git cat-file --batch``
        kept open for the whole run."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "cat-file", "--batch"], cwd=self.toplevel, stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(sha.encode() + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"blob {sha} is missing from the repository")
        data = self._batch.stdout.read(int(header[2]) + 1)
        return data[:-1]

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()
            self._batch = None

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class SiteReader:
    """Builds the graph of a commit's site from blobs, memoising every step by blob id.

    ``config_file`` is relative to the site's root, as ``mkdocs.yml`` is to ``--root``."""

    repository: Repository
    config_file: str = "mkdocs.yml"
    _projects: dict[str, Project | ConfigError] = field(default_factory=dict)
    _bibliographies: dict[tuple[str, str], Bibliography] = field(default_factory=dict)
    _pages: dict[tuple[str, str, str], tuple[SourcePage, list[Diagnostic]]] = field(default_factory=dict)
    _texts: dict[str, str | None] = field(default_factory=dict)
    pages_read: int = 0

    @property
    def config_path(self) -> str | None:
        return self.repository.path(self.config_file)

    def project(self, config_blob: str) -> Project:
        """The site's options at a commit; a ConfigError when its ``mkdocs.yml`` is unusable."""
        if config_blob not in self._projects:
            root = Path(self.repository.prefix or ".")
            try:
                settings = parse_settings(self.repository.blob(config_blob), self.config_file)
                self._projects[config_blob] = project_from_settings(root, settings, self.config_file)
            except ConfigError as exc:
                self._projects[config_blob] = exc
        found = self._projects[config_blob]
        if isinstance(found, ConfigError):
            raise found
        return found

    def docs_prefix(self, project: Project) -> str | None:
        relative = posixpath.relpath(project.docs_dir.as_posix(), project.root.as_posix())
        return self.repository.path(relative)

    def relevant(self, path: str, project: Project | None) -> bool:
        """Whether a change to ``path`` can change the site's graph."""
        if path == self.config_path or project is None:
            return True
        docs = self.docs_prefix(project)
        if docs is None:
            return False
        return path == self.repository.path(project.config.bibliography) or docs == "" or path.startswith(docs + "/")

    def state(self, tree: Mapping[str, Entry]) -> SiteState | None:
        """The blobs the site is built from, or None when the commit has no ``mkdocs.yml``."""
        config = tree.get(self.config_path or "")
        if config is None:
            return None
        try:
            project = self.project(config[1])
        except ConfigError:
            return SiteState(config[1], None, ())
        bib_path = self.repository.path(project.config.bibliography)
        bib = tree.get(bib_path) if bib_path is not None else None
        docs = self.docs_prefix(project)
        files: dict[str, Entry] = {}
        if docs is not None:
            start = "" if docs == "" else docs + "/"
            files = {path[len(start) :]: entry for path, entry in tree.items() if path.startswith(start)}
        sources = [src for src in sorted(files) if not project.is_excluded(src)]
        pages = pages_among(sources)
        return SiteState(
            config[1],
            bib[1] if bib is not None and bib[0] in _FILE_MODES else None,
            tuple((src, files[src][1]) for src in pages if files[src][0] in _FILE_MODES),
            tuple(src for src in pages if files[src][0] not in _FILE_MODES),
        )

    def node_link(self, state: SiteState) -> dict[str, Any]:
        """The networkx node-link data of the state's graph, as ``evidence/graph.json`` holds it.

        A ConfigError when the site cannot be built at all (unusable ``mkdocs.yml``, no
        bibliography)."""
        project = self.project(state.config)
        if state.bibliography is None:
            raise ConfigError(f"bibliography '{project.config.bibliography}' not found")
        config = project.config
        bibliography = self._bibliography(state.bibliography, config)
        docs_dir = posixpath.relpath(project.docs_dir.as_posix(), project.root.as_posix())
        pages = []
        for src, blob in state.pages:
            text = self._text(blob, posixpath.join(docs_dir, src))
            if text is not None:
                pages.append((src, posixpath.normpath(posixpath.join(docs_dir, src)), text))
        blobs = dict(state.pages)
        key = repr(config)

        def read(src: str, path: str, text: str, config: Config) -> tuple[SourcePage, list[Diagnostic]]:
            memo = (path, blobs[src], key)
            if memo not in self._pages:
                self._pages[memo] = read_page(src, path, text, config)
                self.pages_read += 1
            return self._pages[memo]

        kb, _ = build_knowledge_base(pages, bibliography, config, read)
        return nx.node_link_data(build_graph(kb), edges="edges")

    def _bibliography(self, blob: str, config: Config) -> Bibliography:
        """The bibliography of a blob; only the last one read is kept (states are read in
        order, and the next usually has the same one): a history of a hundred versions of a
        large ``.bib`` holds one parsed version, not a hundred."""
        memo = (blob, repr(sorted(config.design_levels.items())))
        if memo not in self._bibliographies:
            self._bibliographies.clear()
            data = self.repository.blob(blob)
            self._bibliographies[memo] = parse_bibliography_bytes(data, config.bibliography, config)[0]
        return self._bibliographies[memo]

    def _text(self, blob: str, path: str) -> str | None:
        """A page's text; None for one that is not UTF-8, which the build skips too."""
        if blob not in self._texts:
            text = decode_page(self.repository.blob(blob), path)
            self._texts[blob] = None if isinstance(text, Diagnostic) else text
        return self._texts[blob]


def node_link_at(root: Path, revision: str, config_file: str = "mkdocs.yml") -> tuple[dict[str, Any], Commit]:
    """The evidence graph of the site at ``root`` as it was at ``revision``, and the commit.

    A revision without the site (no ``mkdocs.yml`` yet) has an empty graph."""
    with Repository(root) as repository:
        commit = repository.commit(revision)
        if commit is None:
            raise GitError("the repository has no commits yet")
        reader = SiteReader(repository, config_file)
        state = reader.state(repository.tree(commit.sha))
        if state is None:
            return nx.node_link_data(nx.DiGraph(), edges="edges"), commit
        return reader.node_link(state), commit
