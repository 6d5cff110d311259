"""The MkDocs adapter: MkDocs' objects in, one build plan (``graphbuild.publishing.pipeline``)
made before MkDocs empties the site folder, and what the plan's site makes placed hook by
hook: generated pages join MkDocs' files, each page's claims and citations are replaced as
MkDocs renders it, study pages and exports are written beside the pages."""

from __future__ import annotations

import os
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

from graphbuild.common.background import BackgroundError, collector_paused
from graphbuild.common.diagnostics import Diagnostic, Severity, printable
from graphbuild.common.files import Writer
from graphbuild.model.config import OPTIONS, ConfigError, Option
from graphbuild.model.project import DocsScan, Project, decode_page, project_from_settings, scan_docs
from graphbuild.publishing import sitemap
from graphbuild.publishing.gating import MarkdownRenderer
from graphbuild.publishing.pipeline import Caches, gate_refusal, plan_build, refusal, settings_check
from graphbuild.publishing.session import Session
from graphbuild.site import registry
from graphbuild.site.navigation import site_nav
from graphbuild.site.registry import THEME_DIR, GeneratedPage, Planned
from graphbuild.site.shell import Shell, StandIns

log = get_plugin_logger(__name__)


def _log(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    """Errors and warnings as warnings (``--strict`` fails on them); notes as information."""
    for diagnostic in sorted(set(diagnostics)):
        (log.info if diagnostic.severity is Severity.NOTE else log.warning)(str(diagnostic))


class _Checked(c.BaseConfigOption[Any]):
    """An option of ``graphbuild.model.config.OPTIONS``, checked by its own reader."""

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
        """An unknown option is the plan's problem (at its line, with what it may have meant)."""
        failed, warnings = super().validate()
        return failed, [(key, text) for key, text in warnings if not text.startswith("Unrecognised configuration")]


GraphbuildConfig: type[_Options] = type("GraphbuildConfig", (_Options,), {o.name: _Checked(o) for o in OPTIONS})


class GraphbuildPlugin(BasePlugin[_Options]):
    config_class = GraphbuildConfig  # one option a line, each read by graphbuild's own reader
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.caches = Caches()
        self.serving = False
        self.project: Project | None = None
        self.build: Session | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Declaring this hook makes MkDocs keep one plugin object across ``mkdocs serve``
        rebuilds, so the caches survive them. Only ``serve`` goes on past errors."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.build is not None:  # a preview's deferred work: this build replaces what it writes
            self.build.works.cancel()
        self.build = None
        self.project = project = self._project(config)
        try:
            config.watch.extend(str(f) for f in settings_check(project) if str(f) not in config.watch)
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {printable(str(exc))}") from exc
        if str(THEME_DIR) not in config.theme.dirs:  # last: a site's custom_dir overrides its templates
            config.theme.dirs.append(str(THEME_DIR))
        config.extra_css.extend(s for s in registry.stylesheets() if s not in config.extra_css)
        present = {str(script) for script in config.extra_javascript}
        config.extra_javascript.extend(c.ExtraScriptValue(s) for s in registry.scripts() if s not in present)
        if config.nav is not None and project.config.nav and registry.evidence_nav() not in config.nav:
            config.nav.append(registry.evidence_nav())
        return config

    def _project(self, config: MkDocsConfig) -> Project:
        """The site as MkDocs read it, read as ``graphbuild check`` reads it from a folder."""
        root, theme = Path(config.config_file_path or ".").resolve().parent, config.theme
        enabled = [n for n, p in config.plugins.items() if getattr(p, "config", {}).get("enabled", True) is not False]
        settings = {
            "docs_dir": config.docs_dir,
            "site_name": config.site_name,
            "site_url": config.site_url,
            "use_directory_urls": config.use_directory_urls,
            "theme": {k: theme.get(k) for k in ("name", "font", "language")} | {"custom_dir": theme.custom_dir},
            "plugins": [{"graphbuild": {k: v for k, v in self.config.items() if v is not None}}]
            + [name for name in enabled if name != "graphbuild"],
        }
        try:
            return project_from_settings(root, settings, _display(config.config_file_path or "mkdocs.yml", root))
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {printable(str(exc))}") from exc

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Before MkDocs walks ``docs_dir`` (a link back to a folder above it would keep that
        walk going for ever) and empties ``site_dir``: a build bound to fail stops here."""
        assert self.project is not None
        scan = scan_docs(Path(config.docs_dir), self.project.root)
        if scan.loops:
            raise PluginError("graphbuild: links in the docs folder loop back:\n" + "\n".join(map(str, scan.loops)))
        with collector_paused():
            self.build = self._plan(get_files(config), config, scan)
        stop = None if self.serving else refusal(self.build.plan, config.strict, Path(config.site_dir))
        if stop:
            _log(self.build.plan.diagnostics)
            raise PluginError(f"graphbuild: {stop}")

    def _plan(self, files: Files, config: MkDocsConfig, scan: DocsScan) -> Session:
        """From MkDocs' files less what the scan refused (links out of the project, not files)."""
        assert self.project is not None
        for file in [f for f in files if f.generated_by is None and scan.is_refused(f.src_uri)]:
            files.remove(file)
        if self.build is not None:  # an SVG that would run script is not published, even by serve
            for file in [f for f in files if f.src_uri in self.build.plan.refused]:
                files.remove(file)
        pages = [(f.src_uri, self._where(f), self._read(f)) for f in files.documentation_pages()]
        mine = [f.src_uri for f in files if f.generated_by is None and _in_docs(f, config)]
        if self.build is not None and self.build.planned_for(mine, pages):
            return self.build  # on_pre_build's plan, for the same files
        try:
            plan = plan_build(self.project, pages=pages, sources=mine, caches=self.caches, found=scan.problems)
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {printable(str(exc))}") from exc
        render = MarkdownRenderer(list(config.markdown_extensions), dict(config.mdx_configs))
        memos = self.caches.memos_for(plan) if self.serving else None
        return Session(
            plan, pages, scan, render, parallel=not self.serving, preview=self.serving, report=log.error, memos=memos
        )

    def _where(self, file: File) -> str:
        assert self.project is not None
        return _display(file.abs_src_path, self.project.root) if file.abs_src_path else file.src_uri

    def _read(self, file: File) -> str:
        """A page's text; one that is not UTF-8 stops the build at its line."""
        text = decode_page(file.content_bytes, self._where(file))
        if isinstance(text, Diagnostic):
            raise PluginError(f"graphbuild: {text}")
        return text

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.build is not None
        with collector_paused():
            build = self.build = self._plan(files, config, self.build.scan)
            _log(build.plan.diagnostics)
            taken = {f.dest_uri for f in files if f.generated_by is None and _in_docs(f, config)}
            for item in build.place(config.site_dir, config.use_directory_urls, taken):
                in_layout = isinstance(item.output, GeneratedPage) and bool(item.output.layout)
                files.append(_file(item, config, build.bodies.token(item) if item.is_page and not in_layout else ""))
        if config.nav is None and build.plan.project.config.nav:  # else each of our pages nests as a section
            in_nav = [f.src_uri for f in files.documentation_pages() if not f.generated_by and f.inclusion.is_in_nav()]
            config.nav = site_nav(in_nav)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        if self.build is not None:
            self.build.nav = nav
        return nav

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.build is not None
        markdown, problems = self.build.markdown(page.file.src_uri, markdown, previewing=self.serving)
        for problem in problems:
            log.error(str(problem))
        page.meta = self.build.meta(page.file.src_uri, page.meta)
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.build is not None
        html, removed = self.build.content(page.file.src_uri, html, page.present_anchor_ids)
        _log(removed)
        return html

    @event_priority(50)  # before the search plugin indexes the page
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        assert self.build is not None
        if page.content is not None:
            with collector_paused():
                page.content = self.build.body(page.file.src_uri, page.content, page.present_anchor_ids)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        assert self.build is not None
        if page.file.src_uri in self.build.bodies:
            page.content = None  # a generated page's content is let go, not kept to the end
        return self.build.output(page.file.src_uri, output, page.url)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """The pages in a ``layout`` (the study pages): the theme's page for one of a kind,
        rendered once with stand-ins and filled in for each, by a process of their own."""
        build = self.build
        assert build is not None
        if build.gated and not self.serving:  # every page is rendered, none written yet
            raise PluginError(f"graphbuild: {gate_refusal(build.gated)}")
        shells: dict[str, Shell] = {}
        with collector_paused():
            for _, _, item in build.laid_out:
                page = item.output
                if isinstance(page, GeneratedPage) and page.name not in shells:
                    shells[page.name] = self._shell(page, env, config, files)
                    shells[page.name].write_icons(config.site_dir, Writer())
            build.write_laid_out(shells)
        return env

    def _shell(self, page: GeneratedPage, env: Any, config: MkDocsConfig, files: Files) -> Shell:
        """The theme's ``page.layout`` for a page whose title, slug, head and body are stand-ins."""
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
        assert self.build is not None
        context = get_context(self.build.nav, files.documentation_pages(), config, shell_page)
        return Shell(env.get_template(page.layout).render(context), stand_ins, file.dest_uri)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name != "sitemap.xml" or not config.site_url or self.build is None:
            return output_content
        paths = [url for _, url, _ in self.build.laid_out]
        return sitemap.with_pages(output_content, config.site_url, paths, get_build_date())

    def on_build_error(self, *, error: Exception) -> None:
        if self.build is not None:
            self.build.works.cancel()  # a failed build leaves no process of its own behind

    @event_priority(-50)  # after the search plugin has written its index (0), before offline (-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.build is not None
        try:
            _log(self.build.finish(Path(config.site_dir)))
        except BackgroundError as exc:
            raise PluginError(f"graphbuild: {printable(str(exc))}") from None


def _file(item: Planned, config: MkDocsConfig, token: str) -> File:
    """The MkDocs file of a planned page (its body a ``token`` until built) or file. graphbuild
    writes the exports and study pages itself (MkDocs would hold them all to the end)."""
    page = item.output
    if item.asset is not None:
        return File.generated(config, item.src, abs_src_path=str(item.asset))
    if not isinstance(page, GeneratedPage) or page.layout:
        return File.generated(config, item.src, content="", inclusion=InclusionLevel.EXCLUDED)
    head = registry.page_front_matter(item, config.use_directory_urls)
    inclusion = InclusionLevel.UNDEFINED if page.nav else InclusionLevel.NOT_IN_NAV
    return File.generated(config, item.src, content=f"{head}{token}\n", inclusion=inclusion)


def _display(path: str, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _in_docs(file: File, config: MkDocsConfig) -> bool:
    return file.abs_src_path is not None and Path(file.abs_src_path).is_relative_to(config.docs_dir)
