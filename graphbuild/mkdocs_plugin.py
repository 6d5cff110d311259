"""The MkDocs adapter: it turns MkDocs' objects into a build plan (``graphbuild.publishing.
pipeline``) and places what the plan's site makes, hook by hook.

Collect, then resolve: the plan is made before MkDocs empties the site folder (so a build
bound to fail leaves the last good site in place) from every page MkDocs will read;
generated pages join MkDocs' files; each page's claim blocks and citations are replaced as
MkDocs renders it, at the offsets found when it was read (``on_page_markdown`` receives the
same string); study pages are written from one render of the theme (``graphbuild.site.
shell``); exports and study pages are written beside the pages, in processes of their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel, get_files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from graphbuild.common.background import Background, BackgroundError, collector_paused
from graphbuild.common.diagnostics import Diagnostic, Severity, failing
from graphbuild.common.files import Writer
from graphbuild.common.urls import relative_url
from graphbuild.formats.feed import autodiscovery_link
from graphbuild.formats.search import add_to_index_file, each_search_entry
from graphbuild.formats.site_style import site_style, style_problems
from graphbuild.model.bibliography import decode_utf8
from graphbuild.model.config import OPTION_NAMES, OPTIONS, ConfigError, Option, config_from_mapping
from graphbuild.model.knowledge import BrokenClaim
from graphbuild.model.project import DocsScan, Project, font_diagnostics, option_problems, scan_docs, site_settings
from graphbuild.model.prose import sanitize_html
from graphbuild.publishing.pipeline import BuildPlan, Caches, plan_build
from graphbuild.publishing.placeholders import Placeholders, anchors
from graphbuild.site import registry
from graphbuild.site.context import Site
from graphbuild.site.registry import THEME_DIR, GeneratedPage, Planned
from graphbuild.site.rewrite import reconcile, rewrite_page
from graphbuild.site.shell import Shell, StandIns, without_indentation

log = get_plugin_logger(__name__)


def _log(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    """Errors and warnings as warnings (``--strict`` fails on them); notes as information."""
    for diagnostic in sorted(set(diagnostics)):
        (log.info if diagnostic.severity is Severity.NOTE else log.warning)(str(diagnostic))


class _Checked(c.BaseConfigOption[Any]):
    """One of graphbuild's options (``graphbuild.model.config.OPTIONS``), checked by its own
    reader so that a bad value gets the same message here as from ``graphbuild check``."""

    def __init__(self, option: Option) -> None:
        super().__init__()
        self.option = option

    def run_validation(self, value: object) -> object:
        if value is not None:
            try:
                self.option.read(value)
            except ConfigError as exc:
                raise c.ValidationError(str(exc).removeprefix(f"option '{self.option.name}': ")) from None
        return value


class _Options(base.Config):
    def validate(self) -> tuple[list[Any], list[Any]]:
        """MkDocs' own word on an unknown option is dropped: the plan's problems name it,
        with its line and what it may have meant, as ``graphbuild check`` does."""
        failed, warnings = super().validate()
        return failed, [(key, text) for key, text in warnings if not text.startswith("Unrecognised configuration")]


GraphbuildConfig = type("GraphbuildConfig", (_Options,), {option.name: _Checked(option) for option in OPTIONS})


@dataclass
class _Build:
    """What one build of the site holds between hooks."""

    plan: BuildPlan
    site: Site
    pages: list[tuple[str, str, str]]
    parts: Placeholders = field(default_factory=Placeholders)
    background: list[tuple[str, Background]] = field(default_factory=list)
    generated: dict[str, str] = field(default_factory=dict)  # a generated page's source -> its body's token
    pending: dict[str, Planned] = field(default_factory=dict)  # a body's token -> its page, until built
    laid_out: list[tuple[File, Planned]] = field(default_factory=list)
    nav: Navigation | None = None
    feeds: list[tuple[str, str]] = field(default_factory=list)


class GraphbuildPlugin(BasePlugin[GraphbuildConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.caches = Caches()
        self.serving = False
        self.project: Project | None = None
        self.build: _Build | None = None
        self.scan = DocsScan()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Declaring this hook makes MkDocs keep one plugin object across ``mkdocs serve``
        rebuilds, so the caches survive them. Under ``serve`` only, a build with errors goes
        on, and a claim that cannot be read shows its problems where its card would be."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.build = None
        self.project = project = self._project(config)
        bib = project.bibliography_file
        if not bib.exists():
            raise PluginError(f"graphbuild: bibliography '{project.config.bibliography}' not found at {bib}")
        try:
            site_style(project.config, project.root)  # a style that cannot be read stops here, named
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {exc}") from exc
        for watched in (bib, project.root / project.config.citation_style):  # a .csl style too
            if watched.is_file() and str(watched) not in config.watch:
                config.watch.append(str(watched))
        if str(THEME_DIR) not in config.theme.dirs:  # last: a site's custom_dir overrides its templates
            config.theme.dirs.append(str(THEME_DIR))
        config.extra_css.extend(s for s in registry.stylesheets() if s not in config.extra_css)
        present = {str(script) for script in config.extra_javascript}
        config.extra_javascript.extend(c.ExtraScriptValue(s) for s in registry.scripts() if s not in present)
        evidence = registry.evidence_nav()
        if config.nav is not None and project.config.nav and evidence not in config.nav:
            config.nav.append(evidence)
        return config

    def _project(self, config: MkDocsConfig) -> Project:
        """The site as MkDocs read it, as ``graphbuild.model.project`` reads it from a folder."""
        root = Path(config.config_file_path or ".").resolve().parent
        given = {name: value for name, value in self.config.items() if value is not None and name != "enabled"}
        try:
            options = config_from_mapping({k: v for k, v in given.items() if k in OPTION_NAMES})
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {exc}") from exc
        config_file = _display(config.config_file_path or "mkdocs.yml", root)
        enabled = [
            name
            for name, plugin in config.plugins.items()
            if getattr(plugin, "config", {}).get("enabled", True) is not False  # a hook module has no config
        ]
        text = Path(config.config_file_path).read_text(encoding="utf-8-sig") if config.config_file_path else ""
        theme = config.theme
        problems = font_diagnostics(config_file, text, theme.name, theme.get("font"), enabled) if text else []
        problems += option_problems(config_file, text, given)
        settings = {
            "site_name": config.site_name,
            "site_url": config.site_url,
            "use_directory_urls": config.use_directory_urls,
            "theme": {"language": theme.get("language")},
        }
        return Project(
            root,
            Path(config.docs_dir),
            options,
            config_file,
            directory_urls=config.use_directory_urls,
            settings_problems=problems,
            site=site_settings(settings),
            custom_dir=Path(theme.custom_dir) if theme.custom_dir else None,
            searched=any(name in config.plugins for name in ("search", "material/search")),
        )

    # -- plan the build once, before anything is written ----------------------------------

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Before MkDocs walks ``docs_dir`` (a link back to a folder above it would keep that
        walk going for ever) and before it empties ``site_dir``: a build bound to fail stops
        here and leaves the last good site in place. Errors fail every build but ``serve``'s,
        which shows them where they are; warnings fail a strict one."""
        assert self.project is not None
        self.scan = scan_docs(Path(config.docs_dir), self.project.root)
        if self.scan.loops:
            raise PluginError(
                "graphbuild: links in the docs folder loop back:\n" + "\n".join(map(str, self.scan.loops))
            )
        with collector_paused():
            self.build = self._plan(self._published(get_files(config), config), config)
        diagnostics = self.build.plan.diagnostics
        if self.serving or not failing(list(diagnostics), strict=config.strict):
            return
        _log(diagnostics)
        count = len(set(failing(list(diagnostics), strict=config.strict)))
        site = Path(config.site_dir)
        kept = (
            f"'{_display(config.site_dir, self.project.root)}' still holds the last build"
            if site.is_dir() and any(site.iterdir())
            else f"nothing was written to '{_display(config.site_dir, self.project.root)}'"
        )
        raise PluginError(
            f"graphbuild: {count} problem{'s' if count != 1 else ''} in the sources (listed above); "
            f"the build stopped before writing, so {kept}"
        )

    def _plan(self, files: Files, config: MkDocsConfig) -> _Build:
        assert self.project is not None
        pages = [(f.src_uri, self._where(f), self._read(f)) for f in files.documentation_pages()]
        mine = [f.src_uri for f in files if f.generated_by is None and _in_docs(f, config)]
        build = self.build
        if build is not None and build.plan.sources == tuple(mine) and build.pages == pages:
            return build  # on_pre_build's plan, for the same files
        try:
            plan = plan_build(self.project, pages=pages, sources=mine, caches=self.caches, found=self.scan.problems)
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {exc}") from exc
        return _Build(plan, plan.site(), pages)

    def _published(self, files: Files, config: MkDocsConfig) -> Files:
        """``files`` less what the scan of ``docs_dir`` refused: links to files outside the
        project (a secret would be published) and files that are not plain files."""
        for file in [f for f in files if f.generated_by is None and self.scan.is_refused(f.src_uri)]:
            files.remove(file)
        return files

    def _where(self, file: File) -> str:
        assert self.project is not None
        return _display(file.abs_src_path, self.project.root) if file.abs_src_path else file.src_uri

    def _read(self, file: File) -> str:
        """A page's text; one that is not UTF-8 stops the build with its path and line (MkDocs
        could not read it either, and would stop with a traceback)."""
        try:
            return file.content_string
        except UnicodeDecodeError:
            _, lines = decode_utf8(file.content_bytes)
            raise PluginError(
                f"graphbuild: {self._where(file)}:{lines[0] if lines else 1}: error: not valid UTF-8; "
                "save the file as UTF-8"
            ) from None

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        with collector_paused():
            return self._add_generated(files, config)

    def _add_generated(self, files: Files, config: MkDocsConfig) -> Files:
        build = self.build = self._plan(self._published(files, config), config)
        _log(build.plan.diagnostics)
        taken = {f.dest_uri for f in files if f.generated_by is None and _in_docs(f, config)}
        exports: list[tuple[str, Planned]] = []
        for item in build.plan.planned:
            token = build.parts.token() if item.is_page else ""
            file = self._file(item, config, token)
            if file.dest_uri in taken:  # an editor's file is there: the plan's clash check says so
                continue
            files.append(file)
            if isinstance(item.output, GeneratedPage) and item.output.layout:
                build.laid_out.append((file, item))
            elif item.is_page:
                build.generated[item.src], build.pending[token] = token, item
            elif item.asset is None:
                exports.append((file.abs_dest_path, item))
        build.feeds = registry.feed_links([item for _, item in exports])
        work = partial(registry.write_exports, build.site, exports)
        build.background.append(("writing the exports", Background(work, parallel=not self.serving)))
        return files

    @staticmethod
    def _file(item: Planned, config: MkDocsConfig, token: str) -> File:
        """The MkDocs file of a page or file in the plan; a generated page's body is its
        ``token`` until it is built. Exports and pages written in a ``layout`` (the study
        pages) are written by graphbuild, not by MkDocs, which would hold every export in
        memory to the end of the build; they stay among the files so that links resolve."""
        page = item.output
        if item.asset is not None:
            return File.generated(config, item.src, abs_src_path=str(item.asset))
        if not isinstance(page, GeneratedPage) or page.layout:
            return File.generated(config, item.src, content="", inclusion=InclusionLevel.EXCLUDED)
        head = registry.page_front_matter(item, config.use_directory_urls)
        inclusion = InclusionLevel.UNDEFINED if page.nav else InclusionLevel.NOT_IN_NAV
        return File.generated(config, item.src, content=f"{head}{token}\n", inclusion=inclusion)

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if self.build is not None:
            self.build.nav = nav
        return nav

    # -- resolve, page by page ------------------------------------------------------------

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.build is not None
        build, src = self.build, page.file.src_uri
        collected = build.plan.kb.pages.get(src)
        if collected is None or src in build.generated:
            return markdown
        placed, problems = reconcile(collected, markdown, build.plan.kb.config)
        for problem in problems:
            log.error(str(problem))
        site, parts = build.site, build.parts
        numbering = site.studies.numbering(placed)  # a numeric style's numbers, and the list ending the page
        references = site.studies.reference_list(numbering, src)
        return rewrite_page(
            placed,
            build.plan.kb,
            lambda cited: site.studies.citation(cited, src, numbering),
            lambda claim: parts.hold(site.claims.card(claim, src)),
            self._broken if self.serving else None,
            tail=parts.hold(references) if references else "",
        )

    def _broken(self, claim: BrokenClaim) -> str:
        assert self.build is not None
        return self.build.parts.hold(self.build.site.claims.broken([str(d) for d in claim.diagnostics]))

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Editors' prose loses what would run script or fetch from another host (an error at
        its line when the plan was made); then the cards take their places."""
        assert self.build is not None
        src = page.file.src_uri
        if src not in self.build.generated:
            html, removed = sanitize_html(html, self.build.plan.kb.config.allowed_hosts)
            for removal in removed:
                log.warning(f"{self._where(page.file)}: removed from the published page: {removal.what}")
        return self.build.parts.in_content(src, html, page.present_anchor_ids)

    @event_priority(50)  # before the search plugin indexes the page
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        """A generated page's body, made as the page is built and let go once it is written:
        the bibliography of 6,000 studies is 4 MB, the matrix 3 MB."""
        build = self.build
        assert build is not None
        token = build.generated.get(page.file.src_uri)
        item = build.pending.pop(token, None) if token else None
        if item is None or page.content is None:
            return context
        with collector_paused():
            body = registry.page_body(build.site, item)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(anchors(body))
        assert isinstance(item.output, GeneratedPage) and token is not None
        if item.output.searched:
            page.content = page.content.replace(f"<p>{token}</p>", body)
        else:  # no search reads it: it goes in as the page is written, once the theme's page is trimmed
            build.parts.body_later(page.file.src_uri, token, body)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """A page is written: a generated page's content is let go rather than kept to the
        end of the build as MkDocs would; the theme's indentation goes (before graphbuild's
        parts go in, which have none); the parts go in; the head gets the feeds' links."""
        assert self.build is not None
        if page.file.src_uri in self.build.generated:
            page.content = None
        output = self.build.parts.in_output(page.file.src_uri, without_indentation(output))
        head = output.find("</head>")
        if not self.build.feeds or head < 0:
            return output
        return output[:head] + self._feed_links(page.url, config) + output[head:]

    def _feed_links(self, page_url: str, config: MkDocsConfig) -> str:
        """Absolute under ``site_url``, as the feeds' own links are."""
        assert self.build is not None
        base = config.site_url or ""
        return "".join(
            autodiscovery_link(base + src if base else relative_url(page_url, src), title) + "\n"
            for src, title in self.build.feeds
        )

    # -- pages written in a layout of their own ---------------------------------------------

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Write the pages in a ``layout`` (the study pages): the theme renders one of them
        with stand-ins, and each is that page filled in (``graphbuild.site.shell``), by a
        process of its own where one can be forked: nothing MkDocs renders next needs them."""
        build = self.build
        assert build is not None
        if build.laid_out:
            with collector_paused():
                shells: dict[str, Shell] = {}
                for _, item in build.laid_out:
                    page = item.output
                    assert isinstance(page, GeneratedPage)
                    if page.name not in shells:
                        shell = shells[page.name] = self._shell(page, env, config, files)
                        shell.write_icons(config.site_dir, Writer())
                work = partial(self._write_laid_out, shells, config)
                build.background.append(("writing the study pages", Background(work, parallel=not self.serving)))
        return env

    def _write_laid_out(self, shells: dict[str, Shell], config: MkDocsConfig) -> None:
        assert self.build is not None
        writer, site = Writer(), self.build.site
        for file, item in self.build.laid_out:
            page = item.output
            assert isinstance(page, GeneratedPage)
            body, head = registry.page_body(site, item), registry.page_head(site, item)
            head += self._feed_links(file.url, config)  # no page hook runs on these pages
            writer.write(file.abs_dest_path, shells[page.name].fill(item.title, item.subject.slug, body, head))

    def _shell(self, page: GeneratedPage, env: Any, config: MkDocsConfig, files: Files) -> Shell:
        """The theme's ``page.layout`` rendered for a page of the kind whose title, slug,
        head and body are stand-ins; no plugin's page hooks run on it."""
        assert self.build is not None
        stand_ins = StandIns()
        file = File.generated(config, page.src.format(slug=stand_ins["slug"]), content="")
        shell_page = Page(stand_ins["title"], file, config)
        shell_page.meta = {
            "title": stand_ins["title"],
            "template": page.layout,
            "graphbuild_nav": registry.short_nav(config.use_directory_urls),
            "graphbuild_head": stand_ins["head"],
        }
        shell_page.content = stand_ins["body"]
        context = get_context(self.build.nav, files.documentation_pages(), config, shell_page)  # type: ignore[arg-type]
        return Shell(env.get_template(page.layout).render(context), stand_ins, file.dest_uri)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The sitemap lists the pages written in a layout too, as MkDocs lists its own."""
        if template_name != "sitemap.xml" or not config.site_url or self.build is None or not self.build.laid_out:
            return output_content
        base = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
        entry = "    <url>\n         <loc>{}</loc>\n         <lastmod>" + get_build_date() + "</lastmod>\n    </url>\n"
        urls = "".join(entry.format(escape(base + file.url)) for file, _ in self.build.laid_out)
        head, end, tail = output_content.rpartition("</urlset>")
        return f"{head.rstrip()}\n{urls}{end}{tail}" if end else output_content

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves no process of its own behind."""
        if self.build is not None:
            for _, work in self.build.background:
                work.cancel()
            self.build.background = []

    @event_priority(-50)  # after the search plugin has written its index (0), before offline (-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The exports and the study pages are written by now, or the build fails. The
        entries a ``.csl`` style could not format are reported, and what it formatted is
        kept for the next build. Then a search entry for each claim and each cited study,
        added to the index MkDocs' or Material's search plugin wrote."""
        build = self.build
        assert build is not None
        background, build.background = build.background, []
        for number, (what, work) in enumerate(background):
            try:
                work.wait()
            except BackgroundError as exc:
                for _, other in background[number + 1 :]:
                    other.cancel()
                raise PluginError(f"graphbuild: {what} failed:\n{exc}") from None
        kb, style = build.plan.kb, build.plan.style
        _log(style_problems(style, kb.bibliography.studies))
        style.save()
        index_file = Path(config.site_dir) / "search" / "search_index.json"
        if index_file.is_file():
            urls = build.site.links.urls
            # as the search plugin writes a page's location: the home page's "./" is ""
            add_to_index_file(
                index_file, each_search_entry(kb, lambda src: "" if urls[src] in ("", "./") else urls[src])
            )


def _display(path: str, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _in_docs(file: File, config: MkDocsConfig) -> bool:
    return file.abs_src_path is not None and Path(file.abs_src_path).is_relative_to(config.docs_dir)
