"""One build through an engine that hands graphbuild each page as it renders it (MkDocs,
ProperDocs): what the engine's hooks ask of the plan, with nothing of the engine in it.

The engine reads a page's Markdown (``markdown``: claims and citations replaced, cards held
apart), renders it (``content``: the prose through the gate, cards in place), builds the
page around it (``body``: a generated page's body) and writes it (``output``: what waited
goes in). Exports and the pages in a layout are written beside the pages (``start``), and
``finish`` waits for them once the engine is done.

A ``preview`` (``mkdocs serve``, which rebuilds the whole site on every save) defers what the
page an editor is looking at does not show: the study pages, the index pages' bodies, the
exports and the search entries are written once the engine's build is done, in a thread
(``graphbuild.common.background``) that the next build stops, so that the saved page
reloads as soon as the engine has written it and the rest follows a few seconds later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from graphbuild.common.background import Works
from graphbuild.common.diagnostics import Diagnostic, error
from graphbuild.common.files import Writer
from graphbuild.common.urls import page_url
from graphbuild.formats.feed import head_links
from graphbuild.formats.search import add_entries_to_index
from graphbuild.model.front import escaped_meta
from graphbuild.model.gate import sanitize_html
from graphbuild.model.knowledge import SourcePage
from graphbuild.model.project import DocsScan
from graphbuild.publishing.gating import Render, gate_page
from graphbuild.publishing.laid_out import write_pages
from graphbuild.publishing.pipeline import BuildPlan, style_report
from graphbuild.publishing.placeholders import GeneratedBodies, Placeholders
from graphbuild.publishing.sizing import SizeLimit
from graphbuild.site.memo import Memos
from graphbuild.site.registry import GeneratedFile, GeneratedPage, Planned, feed_links, write_exports, written_to
from graphbuild.site.rewrite import Replacement, page_edits, reconcile, substitute
from graphbuild.site.shell import Shell, without_indentation

Pages = list[tuple[str, str, str]]


class Session:
    """``pages``: the pages the plan was made from, (src, path, text), as the engine read
    them; ``parallel``: whether work beside the build may run in processes of its own;
    ``render``: Markdown as the engine renders it, for the line of what the gate removes."""

    def __init__(
        self,
        plan: BuildPlan,
        pages: Pages,
        scan: DocsScan,
        render: Render,
        parallel: bool = True,
        preview: bool = False,
        report: Callable[[str], None] | None = None,
        memos: Memos | None = None,
    ) -> None:
        """``report``: how a preview's deferred work tells of a failure (the build is over);
        ``memos``: views' outputs from the builds before."""
        self.plan = plan
        self.render = render
        self.edited: dict[str, tuple[SourcePage, list[Replacement]]] = {}  # a page -> its edits, until rendered
        self.gated: list[Diagnostic] = []  # what the gate removed, each an error at its line
        self.pages = pages
        self.scan = scan  # the walk of the docs folder the plan was made after
        self.preview = preview
        self.laid_out: list[tuple[str, str, Planned]] = []  # pages in a layout: (file, URL, plan)
        self.nav: Any = None  # the engine's navigation, which the pages in a layout are drawn in
        self.site = plan.site(memos=memos)
        self.parts = Placeholders()
        self.bodies = GeneratedBodies(self.site, self.parts, later=preview)
        self.works = Works(parallel, deferred=preview, report=report)
        self.writer = Writer(self.works.stopped)
        self.feeds: list[tuple[str, str]] = []

    def planned_for(self, sources: list[str], pages: Pages) -> bool:
        return self.plan.sources == tuple(sources) and self.pages == pages

    def markdown(self, src: str, markdown: str, previewing: bool = False) -> tuple[str, list[Diagnostic]]:
        """A page's Markdown as the engine will render it, and what no longer matches the plan
        (another plugin changed the page). ``previewing``: a claim that cannot be read shows
        its problems where its card would be."""
        collected = self.plan.kb.pages.get(src)
        if collected is None or src in self.bodies:
            return markdown, []
        placed, problems = reconcile(collected, markdown, self.plan.kb.config)
        hold = lambda html, _: self.parts.hold(html)  # noqa: E731
        edits = page_edits(placed, self.site, self.site, hold, broken=previewing)
        self.edited[src] = (placed, edits)
        return substitute(placed.body, edits), problems

    def meta(self, src: str, meta: Mapping[str, Any]) -> dict[str, Any]:
        """An editor's page's front matter as the theme may print it: escaped, and without a
        template the theme lacks (an error of the plan: ``mkdocs serve`` goes on without it)."""
        page = self.plan.kb.pages.get(src)
        if page is None or src in self.bodies:
            return dict(meta)
        escaped = escaped_meta(meta)
        if any(d.path == page.path and "front matter 'template'" in d.message for d in self.plan.diagnostics):
            escaped.pop("template", None)
        return escaped

    def content(self, src: str, html: str, anchors: set[str] | None = None) -> tuple[str, list[Diagnostic]]:
        """A rendered page through the gate (each removal an error at its line, which the
        adapter logs and ``failing`` counts), then the cards in place."""
        removed: list[Diagnostic] = []
        edited = self.edited.pop(src, None)
        if edited is not None:
            page, edits = edited
            html, removed = gate_page(page, edits, self.render, tuple(self.plan.kb.config.allowed_hosts), html)
        elif src not in self.bodies:  # a page the plan did not collect: gated all the same, at its first line
            html, found = sanitize_html(html, self.plan.kb.config.allowed_hosts)
            removed = [error(src, 1, str(removal)) for removal in found]
        self.gated += removed
        return self.parts.in_content(src, html, anchors), removed

    def body(self, src: str, content: str, anchors: set[str] | None = None) -> str:
        return self.bodies.fill(src, content, anchors)

    def output(self, src: str, output: str, url: str) -> str:
        """A page as written: the theme's indentation gone, what waited put in, the feeds
        linked from its head."""
        output = self.parts.in_output(src, without_indentation(output))
        head = output.find("</head>")
        if not self.feeds or head < 0:
            return output
        return output[:head] + head_links(self.feeds, url, self.plan.project.site.url) + output[head:]

    def place(self, site_dir: str, directory_urls: bool, taken: set[str]) -> list[Planned]:
        """Where each planned page and file is written in ``site_dir``, the exports started
        beside the pages; returns what the engine is told of, in the plan's order. ``taken``:
        where the editors' own files are written (the plan's clash check reports those).

        The members of a family (each study's page and citation files, each claim's
        address) are graphbuild's alone to write: an engine that keeps an object for each
        file it knows would keep 26,000 of them at 6,000 studies, 130,000 at 30,000."""
        told: list[Planned] = []
        exports: list[tuple[str, Planned]] = []
        for item in self.plan.planned:
            dest = written_to(item.src, directory_urls)
            if dest in taken:
                continue
            path = os.path.join(site_dir, dest)
            if isinstance(item.output, GeneratedPage) and item.output.layout:
                self.laid_out.append((path, page_url(item.src, directory_urls), item))
            elif item.asset is None and not item.is_page:
                exports.append((path, item))
            if not isinstance(item.output, (GeneratedPage, GeneratedFile)) or item.output.each is None:
                told.append(item)
        self.exports(exports)
        return told

    def exports(self, files: list[tuple[str, Planned]]) -> None:
        """Write the exports (their paths, their plans) beside the pages."""
        self.feeds = feed_links([item for _, item in files])
        self.works.start("writing the exports", lambda: write_exports(self.site, files, self.writer), order=2)

    def write_laid_out(self, shells: Mapping[str, Shell]) -> None:
        """Write the pages in a layout (``laid_out``), each filled into its kind's shell."""
        if self.laid_out:
            work = partial(write_pages, self.site, shells, self.laid_out, self.feeds, self.writer)
            self.works.start("writing the study pages", work, order=0)

    def finish(self, site_dir: Path) -> list[Diagnostic]:
        """Once the engine is done: the work beside it waited for (a ``BackgroundError`` names
        what failed), the index pages' bodies put in, claims and studies added to the search
        index; in a preview, all of it started in the deferred work's thread instead. The
        citation style's problems, and a site larger than its host publishes."""
        urls = self.plan.project.directory_urls
        if self.preview:
            self.works.start("the index pages", lambda: self.bodies.splice(site_dir, urls, self.works.stopped), order=1)
            self.works.start("the search entries", lambda: self._search(site_dir), order=3)
            self.works.wait()
            return style_report(self.plan)  # a preview publishes nothing: its size is not weighed
        self.works.wait()
        self.bodies.splice(site_dir, urls)
        self._search(site_dir)
        return style_report(self.plan) + SizeLimit.of(self.plan.kb.config).report(site_dir)

    def _search(self, site_dir: Path) -> None:
        index = site_dir / "search" / "search_index.json"
        if index.is_file() and not self.works.stopped.is_set():
            add_entries_to_index(index, self.plan.kb, self.site.links.urls)
