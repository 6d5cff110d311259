"""One build of a site, planned once for every door: the MkDocs plugin, ``graphbuild check``,
``stats``, ``export`` and ``render`` all call ``plan_build`` and differ only in where they put
what it plans.

A ``BuildPlan`` is the whole of a build decided before anything is written: the knowledge
base (its history included), every problem in the sources, every page and file graphbuild
adds and where each is served, the templates' search path and the citation style. The plan
makes the site's views (``site``), so that a card, a study page or an index page is the same
whichever door built it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from graphbuild.common.cachefiles import CacheFolderError, cache_folder, tracked_link
from graphbuild.common.diagnostics import Diagnostic, error, failing, note
from graphbuild.common.urls import page_url
from graphbuild.formats.graph import build_graph
from graphbuild.formats.site_style import check_style, site_style, style_problems
from graphbuild.formats.styles import BuiltinStyle, CitationStyle
from graphbuild.history.dating import CACHE_FILE, HistoryCache, site_history
from graphbuild.model.bibliography import BibliographyCache
from graphbuild.model.config import ConfigError
from graphbuild.model.events import Snapshot
from graphbuild.model.front import key_line
from graphbuild.model.knowledge import KnowledgeBase, PageMemo
from graphbuild.model.project import Project, is_markdown, read_knowledge_base, read_settings, site_sources
from graphbuild.model.statics import static_problems
from graphbuild.publishing.gating import MarkdownRenderer, Render, gate_page, renderer_from_settings
from graphbuild.publishing.placeholders import Placeholders
from graphbuild.site import registry
from graphbuild.site.context import Site
from graphbuild.site.memo import Memos
from graphbuild.site.registry import THEME_DIR, Planned, clash_diagnostics
from graphbuild.site.rewrite import page_edits
from graphbuild.site.templates import search_path, template_stamp

Pages = list[tuple[str, str, str]]  # (src, the path editors see, the page's text)


@dataclass(frozen=True)
class Caches:
    """What a long-lived door (``mkdocs serve``) keeps from one build to the next: the parsed
    bibliography and the graphs of the site's history. Each cache is checked against its
    inputs on every use."""

    bibliographies: BibliographyCache = field(default_factory=BibliographyCache)
    history: dict[Path, HistoryCache] = field(default_factory=dict)
    pages: PageMemo = field(default_factory=PageMemo)
    memos: Memos = field(default_factory=Memos)

    def memos_for(self, plan: BuildPlan) -> Memos | None:
        """The views' outputs kept for a build of ``plan`` (``graphbuild.site.memo``): those of
        the builds before where its templates, style, options, settings and bibliography
        are theirs. None for a ``.csl`` style, whose cache file must hold every reference a
        build uses."""
        if not isinstance(plan.style, BuiltinStyle):
            return None
        project, bibliography = plan.project, plan.kb.bibliography
        stamp = (type(plan.style).__name__, template_stamp(plan.template_dirs), repr(project.config), project.site)
        self.memos.parts.use(stamp)
        self.memos.cards.use((*stamp, id(bibliography)), held=(bibliography,))
        return self.memos

    def history_of(self, root: Path) -> HistoryCache:
        """The history cache of the site at ``root``; a ``.cache`` that is a link stops the
        build (a ``ConfigError``): the build would write through it."""
        try:
            path = cache_folder(root) / CACHE_FILE.name
        except CacheFolderError as exc:
            raise ConfigError(str(exc)) from None
        if path not in self.history:
            self.history[path] = HistoryCache(path, root)
        return self.history[path]


@dataclass(frozen=True)
class BuildPlan:
    """``sources``: the editors' files the site publishes (relative to the docs folder);
    ``urls``: where every source and every planned file is served."""

    project: Project
    kb: KnowledgeBase
    diagnostics: tuple[Diagnostic, ...]
    planned: tuple[Planned, ...]
    sources: tuple[str, ...]
    urls: Mapping[str, str]
    style: CitationStyle
    refused: frozenset[str] = frozenset()  # editors' files not published: an SVG that would run script

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        return search_path(self.project.root, self.project.custom_dir)

    def site(
        self, *, markdown_safe: bool = False, search_entries: bool | None = None, memos: Memos | None = None
    ) -> Site:
        """The views of this build's site. ``markdown_safe``: for HTML that Markdown reads
        again (the Markdown tree). ``search_entries``: whether claims and studies have
        search entries of their own (by default, whether the site has a search plugin).
        ``memos``: views' outputs from the builds before (``Caches.memos_for``)."""
        return registry.make_site(
            self.kb,
            self.urls,
            self.project.site,
            self.style,
            self.template_dirs,
            markdown_safe=markdown_safe,
            search_entries=self.project.searched if search_entries is None else search_entries,
            memos=memos,
        )

    @property
    def exports(self) -> list[Planned]:
        return [item for item in self.planned if item.asset is None and not item.is_page]


def plan_build(
    project: Project,
    *,
    pages: Pages | None = None,
    sources: list[str] | None = None,
    caches: Caches | None = None,
    dated: bool = True,
    found: Sequence[Diagnostic] = (),
) -> BuildPlan:
    """Plan the build of ``project``: ``pages`` and ``sources`` as the door found them (the
    plugin, MkDocs' own files), else read from the docs folder as MkDocs would; ``found``:
    the problems the door's own walk of the docs folder found. ``dated``: with the claims'
    dates and the changes from the site's git history."""
    caches = caches or Caches()
    caches.pages.next_build()
    kb, diagnostics = read_knowledge_base(project, caches.bibliographies, pages, caches.pages.read)
    diagnostics += list(found)
    if dated:
        kb, notes = _dated(kb, project, caches.history_of(project.root))
        diagnostics += notes
    try:
        style = site_style(project.config, project.root)
    except ConfigError as exc:
        raise ConfigError(f"{project.config_file}: {exc}") from exc
    planned = registry.plan(kb)
    editors = site_sources(project) if sources is None else sources
    shown = {src: project.display(project.docs_dir / src) for src in editors}
    diagnostics += clash_diagnostics(kb, shown, project.directory_urls, planned)
    diagnostics += template_problems(kb, project)
    files = [src for src in editors if not is_markdown(src)]
    docs = project.display(project.docs_dir)
    statics, refused = static_problems(project.docs_dir, files, docs, kb.config.allowed_hosts, kb.config.static_html)
    diagnostics += statics
    urls = {src: _url(src, project.directory_urls) for src in [*editors, *kb.pages, *(p.src for p in planned)]}
    found_all = tuple(sorted(set(diagnostics)))
    return BuildPlan(project, kb, found_all, tuple(planned), tuple(editors), urls, style, frozenset(refused))


def settings_check(project: Project) -> list[Path]:
    """What stops a build before it reads anything (no bibliography, a citation style that
    cannot be read), as a ``ConfigError``; else the files a preview rebuilds on (the
    bibliography, a ``.csl`` style), which are not in the docs folder."""
    if not project.bibliography_file.exists():
        raise ConfigError(f"bibliography '{project.config.bibliography}' not found at {project.bibliography_file}")
    site_style(project.config, project.root)
    return [f for f in (project.bibliography_file, project.root / project.config.citation_style) if f.is_file()]


def refusal(plan: BuildPlan, strict: bool, site_dir: Path) -> str | None:
    """Why a build of ``plan`` must write nothing, if it must not: an error stops every
    build, a warning a strict one, before anything is written, so that the last good site
    stays where it was published; and a ``site_dir`` that is a link git tracks (a pull
    request's: MkDocs would empty the folder it points to) stops it too."""
    linked = tracked_link(site_dir, plan.project.root)
    if linked and not plan.kb.config.site_dir_link:
        return (
            f"site_dir '{plan.project.display(site_dir)}' is a link that git tracks, to {site_dir.resolve()}: MkDocs "
            "would empty that folder; remove the link, or set the 'site_dir_link' option if it is meant"
        )
    stops = set(failing(list(plan.diagnostics), strict))
    if not stops:
        return None
    shown = plan.project.display(site_dir)
    kept = (
        f"'{shown}' still holds the last build"
        if site_dir.is_dir() and any(site_dir.iterdir())
        else f"nothing was written to '{shown}'"
    )
    problems = f"{len(stops)} problem{'s' if len(stops) != 1 else ''}"
    return f"{problems} in the sources (listed above); the build stopped before writing, so {kept}"


def theme_dirs(project: Project) -> list[Path]:
    """Where a page's ``template:`` is looked for: the site's ``custom_dir``, graphbuild's
    own templates, and the theme's (found by MkDocs' ``mkdocs.themes`` entry point, without
    importing MkDocs)."""
    dirs = [d for d in (project.custom_dir, THEME_DIR) if d is not None]
    for entry in entry_points(group="mkdocs.themes"):
        if entry.name == project.theme:
            spec = importlib.util.find_spec(entry.value)
            if spec is not None and spec.submodule_search_locations:
                dirs += [Path(location) for location in spec.submodule_search_locations]
    return dirs


def template_problems(kb: KnowledgeBase, project: Project) -> list[Diagnostic]:
    """An error at its line for each page whose front matter names a template the theme does
    not have: MkDocs would stop on it with a traceback."""
    dirs = theme_dirs(project)
    problems = []
    for page in kb.pages.values():
        name = page.meta.get("template")
        if name is None:
            continue
        if not isinstance(name, str) or not any((d / name).is_file() for d in dirs) or ".." in name.split("/"):
            message = f"front matter 'template': no template '{name}' in the theme or its custom_dir"
            problems.append(error(page.path, key_line(page.prefix, "template"), message))
    return problems


def gate_refusal(removed: Sequence[Diagnostic]) -> str:
    """Why a build whose pages the gate had to change stops: each removal is an error, and
    an error stops every build (``mkdocs serve`` shows the page as the gate left it)."""
    count = len(removed)
    return (
        f"the gate removed {count} thing{'s' if count != 1 else ''} from the pages (listed above) that would run "
        "script or load from another host; the build stopped before writing any page"
    )


def gate_report(plan: BuildPlan, render: Render) -> list[Diagnostic]:
    """Every removal the gate would make from the site's pages, each an error at its line:
    each page rendered as the build renders it (its cards held out unmade, its citations
    in): graphbuild's cards are trusted, and making them twice was most of the gate's time."""
    site, parts = plan.site(), Placeholders()
    hold = lambda html, _: parts.token()  # noqa: E731
    hosts = tuple(plan.kb.config.allowed_hosts)
    problems: list[Diagnostic] = []
    for page in plan.kb.pages.values():
        problems += gate_page(page, page_edits(page, site, None, hold), render, hosts)[1]
    return problems


def page_renderer(project: Project) -> MarkdownRenderer:
    """Python-Markdown with the site's ``markdown_extensions``, as its build renders pages."""
    return renderer_from_settings(read_settings(project.config_path))


def style_report(plan: BuildPlan) -> list[Diagnostic]:
    """Once every page is made: the entries the citation style could not format (a ``.csl``
    style's; they read in the default style meanwhile), its work kept for the next build."""
    plan.style.save()
    return style_problems(plan.style, plan.kb.bibliography.studies)


def check_build(plan: BuildPlan) -> list[Diagnostic]:
    """What ``graphbuild check`` reports: the plan's problems, those of the citation style,
    which formats every cited study (a ``.csl`` style through its cache), and what the gate
    would remove from each page."""
    gated = gate_report(plan, page_renderer(plan.project))
    return sorted(set(plan.diagnostics) | set(check_style(plan.style, plan.kb.cited)) | set(gated))


def _dated(kb: KnowledgeBase, project: Project, cache: HistoryCache) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """``kb`` with its history: each claim's dates and the site's evidence events up to the
    checked-out commit. A claim whose evidence differs in the working tree gets no evidence
    date (it has none yet). What the history cannot tell (no repository, a shallow clone)
    is a note on the site's configuration file, which fails no build."""
    current = lambda: Snapshot.from_graph(build_graph(kb))  # noqa: E731
    history = site_history(project.root, project.config_file, cache=cache, current=current)
    return kb.with_history(history), [note(project.config_file, 1, message) for message in history.notes]


def _url(src: str, directory_urls: bool) -> str:
    return page_url(src, directory_urls) if is_markdown(src) else src


def analyse(project: Project, dated: bool = False) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """The knowledge base and every problem in the sources, as a build would find them."""
    plan = plan_build(project, dated=dated)
    return plan.kb, list(plan.diagnostics)
