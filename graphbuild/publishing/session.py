"""One build through an engine that hands graphbuild each page as it renders it (MkDocs,
ProperDocs): what the engine's hooks ask of the plan, with nothing of the engine in it.

The engine reads a page's Markdown (``markdown``: claims and citations replaced, cards held
apart), renders it (``content``: the prose through the gate, cards in place), builds the
page around it (``body``: a generated page's body) and writes it (``output``: what waited
goes in). Exports and the pages in a layout are written beside the pages (``start``), and
``finish`` waits for them once the engine is done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphbuild.common.background import Works
from graphbuild.common.diagnostics import Diagnostic
from graphbuild.formats.feed import head_links
from graphbuild.formats.search import add_entries_to_index
from graphbuild.model.project import DocsScan
from graphbuild.model.prose import Removal, sanitize_html
from graphbuild.publishing.pipeline import BuildPlan, style_report
from graphbuild.publishing.placeholders import GeneratedBodies, Placeholders
from graphbuild.site.registry import Planned, feed_links, write_exports
from graphbuild.site.rewrite import page_markdown, reconcile
from graphbuild.site.shell import without_indentation

Pages = list[tuple[str, str, str]]


class Session:
    """``pages``: the pages the plan was made from, (src, path, text), as the engine read
    them; ``parallel``: whether work beside the build may run in processes of its own."""

    def __init__(self, plan: BuildPlan, pages: Pages, scan: DocsScan, parallel: bool = True) -> None:
        self.plan = plan
        self.pages = pages
        self.scan = scan  # the walk of the docs folder the plan was made after
        self.laid_out: list[tuple[str, str, Planned]] = []  # pages in a layout: (file, URL, plan)
        self.nav: Any = None  # the engine's navigation, which the pages in a layout are drawn in
        self.site = plan.site()
        self.parts = Placeholders()
        self.bodies = GeneratedBodies(self.site, self.parts)
        self.works = Works(parallel)
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
        return page_markdown(placed, self.site, self.site, hold, broken=previewing), problems

    def content(self, src: str, html: str, anchors: set[str] | None = None) -> tuple[str, list[Removal]]:
        """A rendered page: prose less what would run script or fetch from elsewhere (each
        removal an error at its line when the plan was made), then the cards in place."""
        removed: list[Removal] = []
        if src not in self.bodies:
            html, removed = sanitize_html(html, self.plan.kb.config.allowed_hosts)
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

    def exports(self, files: list[tuple[str, Planned]]) -> None:
        """Write the exports (their paths, their plans) beside the pages."""
        self.feeds = feed_links([item for _, item in files])
        self.start("writing the exports", lambda: write_exports(self.site, files))

    def start(self, name: str, work: Callable[[], None]) -> None:
        self.works.start(name, work)

    def finish(self, site_dir: Path) -> list[Diagnostic]:
        """Once the engine is done: the work beside it waited for (a ``BackgroundError`` names
        what failed), the generated pages' spooled bodies put in, the citation style's
        problems, claims and studies in the search index."""
        self.works.wait()
        self.bodies.splice(site_dir, self.plan.project.directory_urls)
        index = site_dir / "search" / "search_index.json"
        if index.is_file():
            add_entries_to_index(index, self.plan.kb, self.site.links.urls)
        return style_report(self.plan)
