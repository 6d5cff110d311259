"""``graphbuild finish``: the site an engine built from the Markdown tree, completed.

Zensical 0.0.73 reads every byte of a page's Markdown in Python before it renders it (some
0.35 µs a byte on the development machine, whatever the byte is): the synthetic site's
tree, 90 MB of HTML in Markdown, took it 39 s. So ``graphbuild render`` keeps out of the
tree's Markdown what neither the engine's search nor its tables of contents need from it,
and writes it to the tree's parts file (``PARTS_FILE``, beside ``mkdocs.yml``) instead:

- every claim card, whose place in its page is a *slot*, an empty element carrying the
  claim's id (so that a link to the claim's anchor still resolves while the engine builds);
- the bodies of the generated pages that search leaves out (the claims index, matrix,
  summary of findings and bibliography), each a slot;
- the pages written in a layout (the study pages): the tree holds one of them, whose title,
  address, head and body are stand-ins (``graphbuild.site.shell``), and each study's parts.

The exports (each study's citation files, the graph, the lists, the feeds, the claims'
permanent addresses: 20,000 files at 6,000 studies) wait beside the parts file too, in
``EXPORTS_DIR``, which no engine reads: an engine copies every file of its docs folder into
the site, one at a time, and those copies were most of Zensical's build on a disk that is
slow to create files.

``finish`` puts the parts into the site the engine built, writes each study page from the
rendered shell (into the staged exports, beside the study's citation files), removes the
shell, adds the claims' and studies' own search entries to the engine's index and their
addresses to its sitemap, and moves the staged files into the site by renaming them: a
folder the site does not have in one rename, whatever it holds, and where both have one,
the fewer entries into the other (``studies/``, empty in the site once the shell is gone,
is the staged one renamed). It reads Zensical's output and MkDocs' alike; a site built from
the tree is not complete until it has run, and as the staged files leave the tree, each
rendered tree is finished once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import gzip
import itertools
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graphbuild.common.diagnostics import Diagnostic
from graphbuild.common.files import Writer
from graphbuild.formats.search import add_to_index, add_to_zensical_index
from graphbuild.model.gate import sanitize_html
from graphbuild.model.project import read_settings
from graphbuild.publishing.sizing import SizeLimit
from graphbuild.site.shell import Shell, ShellError, StandIns, without_indentation

PARTS_FILE = "graphbuild-parts.jsonl"
FOOTNOTES_HERE = "///Footnotes Go Here///"  # Python-Markdown's footnotes go there, inside the gated region
# The pages in a layout (each study's), written by a process of its own while the rest of
# the tree is written: records as the parts file's ``laid_out`` ones.
LAID_OUT_FILE = "graphbuild-parts-laid-out.jsonl"
EXPORTS_DIR = "graphbuild-exports"  # the exports, staged beside docs/ for finish to move into the site
VERSION = 1


class FinishError(ValueError):
    """The site cannot be finished: no parts file, no built site, no shell (not built since
    ``graphbuild render``, or finished already), no staged exports (finished already, and
    built again without rendering again), or a staged file that could not be moved into
    the site."""


def slot(number: int, anchor: str = "") -> str:
    """A part's place in a page: letters, digits and hyphens only (an anchor is a claim id),
    so that neither Markdown nor an engine's HTML changes it."""
    return f'<div id="{anchor}" data-gb-part="{number}"></div>' if anchor else f'<div data-gb-part="{number}"></div>'


def laid_out_record(shell: str, dest: str, title: str, slug: str, head: str, body: str) -> str:
    """A page in a layout, as a line of ``LAID_OUT_FILE``: its shell's name, where it is
    written, and what fills the shell."""
    record = {"laid_out": shell, "dest": dest, "title": title, "slug": slug, "head": head, "body": body}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


class PartsWriter:
    """Writes the parts file as the tree is written, one JSON line a record: a header (the
    stand-ins' nonce and where each shell is built), then each page's slots, each page in a
    layout, and the search entries."""

    def __init__(
        self,
        path: Path,
        shells: dict[str, str],
        stand_ins: StandIns,
        allowed_hosts: tuple[str, ...] = (),
        size_limit: SizeLimit | None = None,
    ) -> None:
        self._file: IO[str] = path.open("w", encoding="utf-8")
        self._count = 0
        self._slots: dict[str, str] = {}
        self.stand_ins = stand_ins
        header = {"graphbuild_parts": VERSION, "nonce": stand_ins.nonce, "shells": shells}
        limit = {"size_limit": dataclasses.astuple(size_limit)} if size_limit is not None else {}
        self._write(header | {"allowed_hosts": list(allowed_hosts)} | limit)

    def gated(self, body: str, footnotes: bool = False) -> str:
        """An editor's page body between the marks of the region ``finish`` passes through
        the gate: comments on lines of their own, which Markdown passes through as they are,
        named by this tree's secret so that no page can end the region early. ``footnotes``:
        Python-Markdown's footnotes, which it adds after the body, are put before the end."""
        start, end = _marks(self.stand_ins)
        tail = f"\n\n{FOOTNOTES_HERE}\n" if footnotes else ""
        heading, rest = _leading_title(body)  # an engine takes a page's title from a first heading
        return f"{heading}<!--{start}-->\n\n{rest}\n{tail}\n<!--{end}-->\n"

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")

    def slot(self, html: str, anchor: str = "") -> str:
        """A slot for ``html`` in the page being written (``page`` ends it)."""
        self._count += 1
        markup = slot(self._count, anchor)
        self._slots[markup] = html
        return markup

    def streamed_page(self, dest: str, html: Iterable[str]) -> str:
        """A slot for ``html``, a page's whole body made a piece at a time, in the built page
        ``dest``: its record is written as the pieces come, each escaped on its own (JSON
        escapes a string character by character), so that the body (24 MB for the
        bibliography of 30,000 studies) and its escaped copy are never held whole. The record
        reads as ``slot`` and ``page`` would have written it."""
        if self._slots:
            raise ValueError(f"{dest}: slots of another page are still open")
        self._count += 1
        markup = slot(self._count, "")
        write, text = self._file.write, lambda value: json.dumps(value, ensure_ascii=False)
        write(f'{{"page":{text(dest)},"slots":{{{text(markup)}:"')
        for piece in html:
            write(text(piece)[1:-1])
        write('"},"gated":false}\n')
        return markup

    def page(self, dest: str, gated: bool = False) -> None:
        """The slots given since the last page belong to the built page ``dest``; ``gated``:
        an editor's page, whose content ``finish`` passes through the gate."""
        if self._slots or gated:
            self._write({"page": dest, "slots": self._slots, "gated": gated})
            self._slots = {}

    def search(self, entries: Iterable[dict[str, Any]], per_record: int = 2_000) -> None:
        """The claims' and studies' search entries, some thousands a record (40,000 of
        them in one record were a 20 MB line, made whole in memory)."""
        batch: list[dict[str, Any]] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) == per_record:
                self._write({"search": batch})
                batch = []
        if batch:
            self._write({"search": batch})

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> PartsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Finished:
    """What ``finish_site`` did, and the parts it could not place (a page the engine did
    not build, or whose slot it changed)."""

    site: Path
    pages: int = 0
    laid_out: int = 0
    search_entries: int = 0
    problems: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # a site larger than its host publishes


def finish_site(tree: Path, site: Path | None = None) -> Finished:
    """Put the parts of ``tree`` (the folder ``graphbuild render`` wrote) into ``site``, the
    site an engine built from it (by default the tree's ``site_dir``), and move the staged
    exports there."""
    parts = tree / PARTS_FILE
    if not parts.is_file():
        raise FinishError(f"{parts}: no such file; write the tree with graphbuild render first")
    site = site if site is not None else tree / _site_dir(tree)
    if not site.is_dir():
        raise FinishError(f"{site}: no built site there; build {tree} (zensical build, or mkdocs build) first")
    done = Finished(site)
    writer = Writer()
    staged = tree / EXPORTS_DIR
    with parts.open(encoding="utf-8") as lines:
        header = json.loads(next(lines, "{}"))
        if header.get("graphbuild_parts") != VERSION:
            raise FinishError(f"{parts}: not a parts file of this graphbuild; write the tree again")
        stand_ins = StandIns(header["nonce"])
        shells = {name: _read_shell(site, dest, stand_ins) for name, dest in header["shells"].items()}
        if not staged.is_dir():
            raise FinishError(
                f"{staged}: no such folder; an earlier graphbuild finish moved this tree's exports into the site "
                "it finished: write the tree again (graphbuild render), then build and finish it"
            )
        for shell in shells.values():
            shell.write_icons(site, writer)
        slugs: dict[str, list[str]] = {name: [] for name in shells}
        entries: list[dict[str, Any]] = []
        laid_out = tree / LAID_OUT_FILE
        with contextlib.ExitStack() as files:
            pages: Iterable[str] = files.enter_context(laid_out.open(encoding="utf-8")) if laid_out.is_file() else ()
            for record in map(json.loads, itertools.chain(lines, pages)):
                if "page" in record:
                    gate = (stand_ins, tuple(header.get("allowed_hosts", ()))) if record.get("gated") else None
                    done.problems += _fill_page(site, record["page"], record["slots"], writer, gate)
                    done.pages += 1
                elif "laid_out" in record:
                    shell = shells[record["laid_out"]]
                    page = shell.fill(record["title"], record["slug"], record["body"], record["head"])
                    writer.write(staged / record["dest"], page)  # moved in with the study's citation files
                    slugs[record["laid_out"]].append(record["slug"])
                    done.laid_out += 1
                elif "search" in record:
                    entries += record["search"]
    done.search_entries = _add_search_entries(site, entries)
    for name, dest in header["shells"].items():
        _add_to_sitemap(site, stand_ins["slug"], slugs[name])
        _remove(site / dest)
    _move_into(staged, site)
    limit = header.get("size_limit")
    if isinstance(limit, list) and len(limit) == 3:
        done.diagnostics = SizeLimit(int(limit[0]), str(limit[1]), int(limit[2])).report(site)
    return done


def _site_dir(tree: Path) -> str:
    site_dir = read_settings(tree / "mkdocs.yml").get("site_dir")
    return site_dir if isinstance(site_dir, str) and site_dir else "site"


def _read_shell(site: Path, dest: str, stand_ins: StandIns) -> Shell:
    path = site / dest
    if not path.is_file():
        raise FinishError(
            f"{path}: no such page; build the tree (zensical build, or mkdocs build) after graphbuild render and "
            "before graphbuild finish, and finish each build once"
        )
    try:
        return Shell(path.read_text(encoding="utf-8"), stand_ins, dest)
    except ShellError as exc:
        raise FinishError(f"{path}: {exc}") from exc


def unlinked(site: Path, path: Path) -> Path:
    """``path``, refused (a ``FinishError``) when it or a folder between it and ``site`` is a
    link: written to, it would write wherever the link points (an engine copies a link in
    the docs folder as a link)."""
    for part in [path, *path.parents]:
        if part == site:
            return path
        if part.is_symlink():
            raise FinishError(
                f"{part}: a link inside the built site (to {part.resolve()}); finish will not write through it. "
                "Remove it from the docs folder and build again"
            )
    return path


def _marks(stand_ins: StandIns) -> tuple[str, str]:
    return f"gbgatestart{stand_ins.nonce}x", f"gbgateend{stand_ins.nonce}x"


def _fill_page(
    site: Path, dest: str, slots: dict[str, str], writer: Writer, gate: tuple[StandIns, tuple[str, ...]] | None
) -> list[str]:
    """Each slot of the page replaced by its part; a slot that stands as a paragraph of its
    own (in a list item or a quote, where Markdown did not see a block of HTML) with it.
    ``gate``: the page's content region passes the gate first (with the site's allowed hosts)."""
    path = site / dest
    if not path.is_file():
        return [f"{dest}: the engine built no such page; its {len(slots)} part(s) are left out"]
    unlinked(site, path)
    text = path.read_text(encoding="utf-8")
    problems: list[str] = []
    if gate is not None:
        text, problems = _gated(text, dest, slots, *gate)
    for markup, html in slots.items():
        alone = f"<p>{markup}</p>"
        if alone in text:
            text = text.replace(alone, html, 1)
        elif markup in text:
            text = text.replace(markup, html, 1)
        else:
            problems.append(f"{dest}: no place for part {markup} (did a theme or an extension change it?)")
    writer.write(path, without_indentation(text))
    return problems


def _gated(
    text: str, dest: str, slots: dict[str, str], stand_ins: StandIns, hosts: tuple[str, ...]
) -> tuple[str, list[str]]:
    """The page with its content region (between the marks ``render`` wrote) through the
    gate, the marks gone; the slots, which the gate would not keep, stand aside meanwhile as
    words of this tree's secret. A page whose marks the engine lost cannot be checked, and
    stops ``finish``."""
    start, end = _marks(stand_ins)
    first, last = text.find(start), text.rfind(end)
    if first < 0 or last < first or text.count(start) != 1 or text.count(end) != 1:
        raise FinishError(
            f"{dest}: the marks around the page's content are missing or repeated (did a theme or an extension "
            "change them?), so it cannot pass the gate; nothing of it is published"
        )
    opened, closed = _comment_around(text, first, len(start)), _comment_around(text, last, len(end))
    head, region, tail = text[: opened[0]], text[opened[1] : closed[0]], text[closed[1] :]
    if head.rstrip().endswith("</h1>"):  # the page's title, which opens its content, is gated too
        at = head.rfind("<h1")
        head, region = head[:at], head[at:] + region
    words = {markup: f"gbslot{stand_ins.nonce}n{n}x" for n, markup in enumerate(slots)}
    for markup, word in words.items():
        region = region.replace(markup, word, 1)
    region = region.replace(f"<p>{FOOTNOTES_HERE}</p>", "")
    cleaned, removed = sanitize_html(region, hosts)
    for markup, word in words.items():
        cleaned = cleaned.replace(word, markup, 1)
    problems = [f"{dest}: {removal}" for removal in removed]
    return head + cleaned + tail, problems


_TITLE_LINE = re.compile(r"\A(?:[ \t]*\n)*(?:# [^\n]*|[^\n]*\S[^\n]*\n=+[ \t]*)\n")


def _leading_title(body: str) -> tuple[str, str]:
    """A body's first level-one heading, when it opens the body, and the rest: an engine
    (MkDocs, Zensical) takes a page's title from a heading that is the page's first element,
    so the gate's mark goes after it, and ``_gated`` takes the heading into the region."""
    found = _TITLE_LINE.match(body)
    return (found.group(0) + "\n", body[found.end() :]) if found else ("", body)


def _comment_around(text: str, at: int, length: int) -> tuple[int, int]:
    """The span of the mark at ``at`` with what the engine made of it: a comment (its own
    ``<!--`` and ``-->``), or, where Markdown read it as text, the word alone."""
    before, after = text.rfind("<!--", 0, at), text.find("-->", at + length)
    if before >= 0 and text[before + 4 : at].strip() == "" and after >= 0 and text[at + length : after].strip() == "":
        return before, after + 3
    return at, at + length


def _remove(path: Path) -> None:
    """The shell page, and its folder when it held nothing else (``studies/<stand-in>/``)."""
    path.unlink(missing_ok=True)
    if path.name == "index.html" and path.parent.is_dir() and not any(path.parent.iterdir()):
        path.parent.rmdir()


def _move_into(staged: Path, site: Path) -> None:
    """Every staged file to the same place in ``site``, by renaming: a folder ``site`` has
    not at once with all it holds, one it has joined (``_join``); a file ``site`` has,
    replaced, as the engine's copy of it from the docs folder would have been. ``staged``
    is gone after."""
    for entry in _entries(staged):
        target = site / entry.name
        if entry.is_dir(follow_symlinks=False) and target.is_dir() and not target.is_symlink():
            _join(Path(entry.path), target)
        else:
            _rename(Path(entry.path), target)
    staged.rmdir()


def _join(staged: Path, target: Path) -> None:
    """A staged folder and the site's of the same name made one, by moving the fewer
    entries: where the site's are fewer and none has a staged namesake (its ``studies/``
    holds nothing once the shell is gone, its ``claims/`` only the claims index, against
    24,000 and 2,000 staged), they join the staged folder, which takes the site's place."""
    theirs = _entries(target)
    if len(theirs) < len(_entries(staged)) and not any(os.path.lexists(staged / e.name) for e in theirs):
        for entry in theirs:
            _rename(Path(entry.path), staged / entry.name)
        target.rmdir()
        _rename(staged, target)
    else:
        _move_into(staged, target)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as listing:
        return list(listing)  # listed before any entry leaves the folder


def _rename(source: Path, target: Path) -> None:
    try:
        try:
            os.replace(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            shutil.move(source, target)  # a --site-dir on another file system: copied, then removed
    except OSError as exc:
        raise FinishError(
            f"{source}: could not move it to {target} ({exc.strerror or exc}); the site lacks it and what "
            "was staged after it: write the tree again (graphbuild render), then build and finish it"
        ) from exc


def _add_search_entries(site: Path, entries: list[dict[str, Any]]) -> int:
    """The claims' and studies' own entries, in the index of whichever engine built the site:
    Zensical's ``search.json`` or MkDocs' and Material's ``search/search_index.json``."""
    added = 0
    for name, add in (("search.json", add_to_zensical_index), ("search/search_index.json", add_to_index)):
        index = site / name
        if entries and index.is_file():
            unlinked(site, index)
            index.write_text(add(index.read_text(encoding="utf-8"), entries), encoding="utf-8")
            added += len(entries)
    return added


def _url_entries(sitemap: str, stand_in: str) -> Iterator[re.Match[str]]:
    return re.finditer(r"[ \t]*<url>(?:(?!</url>).)*?" + re.escape(stand_in) + r".*?</url>\n?", sitemap, re.S)


def _add_to_sitemap(site: Path, stand_in: str, slugs: list[str]) -> None:
    """The shell's entry in the sitemap, where the engine listed it (MkDocs does only under a
    ``site_url``), becomes one entry per page filled from it; the gzipped copy MkDocs writes
    beside it follows, with the time MkDocs gave it."""
    path = site / "sitemap.xml"
    if not path.is_file():
        return
    unlinked(site, path)
    unlinked(site, site / "sitemap.xml.gz")
    sitemap = path.read_text(encoding="utf-8")
    found = next(_url_entries(sitemap, stand_in), None)
    if found is None:
        return
    entries = "".join(found.group(0).replace(stand_in, slug) for slug in slugs)
    sitemap = sitemap[: found.start()] + entries + sitemap[found.end() :]
    path.write_text(sitemap, encoding="utf-8")
    packed = site / "sitemap.xml.gz"
    if packed.is_file():
        mtime = int.from_bytes(packed.read_bytes()[4:8], "little")
        packed.write_bytes(gzip.compress(sitemap.encode("utf-8"), mtime=mtime))
