"""The MkDocs adapter: a thin shell that feeds pages to the core and places what it returns.

Collect, then resolve: every page's source is read in ``on_files`` (generated pages must
exist before the navigation is built), the knowledge base is built once, and each page's
claim blocks and citations are replaced as MkDocs renders it, at the offsets found when it
was read (``on_page_markdown`` receives the same string). What the site gains is listed
once, in ``graphbuild.site``.
"""

from __future__ import annotations

import gc
import itertools
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel, get_files
from mkdocs.structure.pages import Page

from .bibliography import BibliographyCache, Study, decode_utf8
from .claims import Claim
from .config import OPTION_NAMES, Config, ConfigError, config_from_mapping
from .diagnostics import Diagnostic, Severity, error, failing
from .escaping import front_matter
from .feed import autodiscovery_link
from .formatting import relative_url
from .history import CACHE_FILE, HistoryCache
from .knowledge import BrokenClaim, KnowledgeBase, build_knowledge_base
from .living import date_claims
from .metatags import citation_meta, meta_tags_html
from .project import DocsScan, font_diagnostics, scan_docs
from .prose import sanitize_html
from .render import Renderer
from .rewrite import reconcile, rewrite_page
from .site import (
    SiteSettings,
    clash_diagnostics,
    clash_message,
    evidence_nav,
    feed_links,
    plan,
    scripts,
    stylesheets,
)
from .styles import CitationStyle, site_style, style_problems

log = get_plugin_logger(__name__)
_ANCHOR = re.compile(r'\sid="([^"]+)"')
_TOKEN = re.compile(r"GBPLACEHOLDER[0-9a-f]{16}N\d{6}X")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the knowledge base and the generated
    pages are built: some 140,000 long-lived objects, in no reference cycle, whose creation
    set off repeated full collections of the whole process (8 per synthetic build; 3 with
    the pause, and a third less time collecting). Restored on the way out, errors included."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _log(diagnostics: list[Diagnostic]) -> None:
    """Errors and warnings as warnings (``--strict`` fails on them); notes as information."""
    for diagnostic in sorted(set(diagnostics)):
        (log.info if diagnostic.severity is Severity.NOTE else log.warning)(str(diagnostic))


# Each option is declared once, in graphbuild.config.OPTIONS; MkDocs only passes them on,
# and config_from_mapping reads and checks them, naming a bad one.
GraphbuildConfig = type("GraphbuildConfig", (base.Config,), {name: c.Optional(c.Type(object)) for name in OPTION_NAMES})


class GraphbuildPlugin(BasePlugin[GraphbuildConfig]):  # type: ignore[valid-type]
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.bib_cache = BibliographyCache()
        self.serving = False
        self.history_cache: HistoryCache | None = None
        self._reset()

    def _reset(self) -> None:
        self.options: Config | None = None
        self.kb: KnowledgeBase | None = None
        self.renderer: Renderer | None = None
        self.fragments: dict[str, str] = {}
        self.generated: dict[str, str] = {}
        self._tokens = itertools.count(1)
        # Placeholders carry a secret of this build: text from a .bib or a page that spells
        # a placeholder (to have a card or page body replace it inside an attribute) cannot
        # guess it. They never reach the site, so the output stays the same build to build.
        self._nonce = secrets.token_hex(8)
        self._analysed: tuple[list, KnowledgeBase, list[Diagnostic]] | None = None
        self._taken: dict[str, File] = {}
        self._scan = DocsScan()
        self._settings_problems: list[Diagnostic] = []
        self._feeds: list[tuple[str, str]] = []
        self.style: CitationStyle | None = None
        self.heads: dict[str, str] = {}  # a study page's source -> the citation tags for its <head>

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Declaring this hook makes MkDocs keep one plugin object across ``mkdocs serve``
        rebuilds, so the bibliography and history caches survive them. Under ``serve`` only, a
        claim that cannot be read shows its problems where its card would be."""
        self.serving = command == "serve"

    # -- configuration --------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._reset()
        try:
            given = {name: self.config.get(name) for name in OPTION_NAMES}  # type: ignore[attr-defined]
            self.options = config_from_mapping({k: v for k, v in given.items() if v is not None})
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {exc}") from exc
        self.root = Path(config.config_file_path or ".").resolve().parent
        bib = self.root / self.options.bibliography
        if not bib.exists():
            raise PluginError(f"graphbuild: bibliography '{self.options.bibliography}' not found at {bib}")
        try:
            self.style = site_style(self.options, self.root)
        except ConfigError as exc:
            raise PluginError(f"graphbuild: {exc}") from exc
        style_file = getattr(self.style, "path", None)  # a .csl style: mkdocs serve rebuilds when it changes
        if style_file is not None and str(style_file) not in config.watch:
            config.watch.append(str(style_file))
        # Idempotent: a config object may pass through on_config more than once.
        if str(bib) not in config.watch:
            config.watch.append(str(bib))
        if self.history_cache is None or self.history_cache.path != self.root / CACHE_FILE:
            self.history_cache = HistoryCache(self.root / CACHE_FILE)
        for sheet in stylesheets():
            if sheet not in config.extra_css:
                config.extra_css.append(sheet)
        present = {str(script) for script in config.extra_javascript}
        for script in scripts():
            if script not in present:
                config.extra_javascript.append(c.ExtraScriptValue(script))
        self._settings_problems = self._font_diagnostics(config)
        evidence = evidence_nav()
        if config.nav is not None and self.options.nav and evidence not in config.nav:
            config.nav.append(evidence)
        return config

    def _font_diagnostics(self, config: MkDocsConfig) -> list[Diagnostic]:
        if not config.config_file_path:
            return []
        enabled = [
            name
            for name, plugin in config.plugins.items()
            if getattr(plugin, "config", {}).get("enabled", True) is not False  # a hook module has no config
        ]
        text = Path(config.config_file_path).read_text(encoding="utf-8-sig")
        path = self.display(config.config_file_path)
        return font_diagnostics(path, text, config.theme.name, config.theme.get("font"), enabled)

    def display(self, path: str) -> str:
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    # -- collect and build once -----------------------------------------------------------

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Before MkDocs walks ``docs_dir``: a link back to a folder above it would keep that
        walk going for ever, so it stops every build here. With ``--strict``, check the
        editors' input before MkDocs empties ``site_dir``: a build that is bound to fail stops
        here and leaves the last good site in place."""
        self._scan = scan_docs(Path(config.docs_dir), self.root)
        if self._scan.loops:
            raise PluginError(
                "graphbuild: links in the docs folder loop back:\n" + "\n".join(map(str, self._scan.loops))
            )
        if not config.strict:
            return
        files = self._published(get_files(config))
        pages = self._pages(files)
        with _collector_paused():
            kb, diagnostics = self._analyse(pages)
        self._analysed = (pages, kb, diagnostics)
        sources = {
            f.src_uri: self.display(f.abs_src_path or f.src_uri)
            for f in files
            if f.generated_by is None and self._in_docs(f, config)
        }
        diagnostics = diagnostics + clash_diagnostics(kb, sources, config.use_directory_urls)
        diagnostics += self._scan.problems + self._settings_problems
        if failing(diagnostics, strict=True):
            _log(diagnostics)
            count = len(set(failing(diagnostics, strict=True)))
            site = Path(config.site_dir)
            kept = (
                f"'{self.display(config.site_dir)}' still holds the last build"
                if site.is_dir() and any(site.iterdir())
                else f"nothing was written to '{self.display(config.site_dir)}'"
            )
            raise PluginError(
                f"graphbuild: {count} problem{'s' if count != 1 else ''} in the sources (listed above); "
                f"strict mode stops before writing, so {kept}"
            )

    def _published(self, files: Files) -> Files:
        """``files`` less what the scan of ``docs_dir`` refused: links to files outside the
        project (a secret would be published) and files that are not plain files."""
        for file in [f for f in files if f.generated_by is None and self._scan.is_refused(f.src_uri)]:
            files.remove(file)
        return files

    def _pages(self, files: Files) -> list[tuple[str, str, str]]:
        return [
            (f.src_uri, self.display(f.abs_src_path) if f.abs_src_path else f.src_uri, self._read(f))
            for f in files.documentation_pages()
        ]

    def _read(self, file: File) -> str:
        """A page's text; one that is not UTF-8 stops the build with its path and line (MkDocs
        could not read it either, and would stop with a traceback)."""
        try:
            return file.content_string
        except UnicodeDecodeError:
            _, lines = decode_utf8(file.content_bytes)
            where = self.display(file.abs_src_path) if file.abs_src_path else file.src_uri
            raise PluginError(
                f"graphbuild: {where}:{lines[0] if lines else 1}: error: not valid UTF-8; save the file as UTF-8"
            ) from None

    def _analyse(self, pages: list[tuple[str, str, str]]) -> tuple[KnowledgeBase, list[Diagnostic]]:
        assert self.options is not None
        bib_file = self.root / self.options.bibliography
        bibliography, bib_problems = self.bib_cache.load(bib_file, self.display(str(bib_file)), self.options)
        done = self._analysed
        if done is not None and done[0] == pages and done[1].bibliography is bibliography:  # see on_pre_build
            return done[1], list(done[2])
        kb, problems = build_knowledge_base(pages, bibliography, self.options)
        return kb, bib_problems + problems

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        with _collector_paused():
            return self._collect_and_build(files, config)

    def _collect_and_build(self, files: Files, config: MkDocsConfig) -> Files:
        kb, diagnostics = self._analyse(self._pages(self._published(files)))
        diagnostics = diagnostics + self._scan.problems + self._settings_problems
        self._analysed = None
        self.kb = kb
        config_file = self.display(config.config_file_path or "mkdocs.yml")
        diagnostics += date_claims(kb, self.root, config_file, self.history_cache)
        template_dirs = [self.root / "overrides" / "graphbuild"]
        if config.theme.custom_dir:
            template_dirs.insert(0, Path(config.theme.custom_dir) / "graphbuild")
        settings = SiteSettings(
            config.site_name, config.site_url or "", config.theme.get("language") or "en", config.use_directory_urls
        )
        self.renderer = Renderer(kb, {}, template_dirs, site=settings, style=self.style)  # URLs: once files are
        self._taken = {f.dest_uri: f for f in files if f.generated_by is None and self._in_docs(f, config)}
        planned = plan(kb)
        pages = {}
        for item in planned:
            if item.is_page:
                token = self._token()
                inclusion = InclusionLevel.UNDEFINED if item.output.nav else InclusionLevel.NOT_IN_NAV  # type: ignore[union-attr]
                page = File.generated(
                    config, item.src, content=f"{front_matter(item.title, item.hide)}{token}\n", inclusion=inclusion
                )
                if self._add(files, page, diagnostics):
                    pages[token] = item
        self.renderer.urls.update({f.src_uri: f.url for f in files.documentation_pages()})
        for item in planned:
            if item.asset is not None:
                self._add(files, File.generated(config, item.src, abs_src_path=str(item.asset)), diagnostics)
            elif not item.is_page:
                file = File.generated(config, item.src, content="")
                added = self._add(files, file, diagnostics)
                if added:  # its URL is known now: linked data names it
                    file.content_string = self.renderer.file_content(item)
                self._feeds += feed_links([item]) if added else []
        self.renderer.urls.update({f.src_uri: f.url for f in files})
        _log(diagnostics)
        # Every generated page's body now, while the process is small: the same work done
        # page by page later ran into garbage collections of a heap grown by MkDocs' pages.
        for token, item in pages.items():
            self.generated[item.src] = token
            self.fragments[token] = self.renderer.page_body(item)
            if isinstance(item.subject, Study):  # made now, while the collector rests, not page by page later
                self.heads[item.src] = meta_tags_html(citation_meta(item.subject))
        self.renderer.release_exports()
        _log(style_problems(self.renderer.style, kb.bibliography.studies))
        return files

    @staticmethod
    def _in_docs(file: File, config: MkDocsConfig) -> bool:
        return file.abs_src_path is not None and Path(file.abs_src_path).is_relative_to(config.docs_dir)

    def _add(self, files: Files, file: File, diagnostics: list[Diagnostic]) -> bool:
        """Add a file graphbuild generates, unless an editor's file would be written to the
        same place (``docs/bibliography.md`` and the bibliography page both become
        ``bibliography/index.html``): then the editor's file stays and the clash is an error."""
        assert self.renderer is not None
        self.renderer.urls[file.src_uri] = file.url  # links still lead there, whoever's file it is
        mine = self._taken.get(file.dest_uri)
        if mine is not None:
            diagnostics.append(
                error(
                    self.display(mine.abs_src_path or mine.src_uri),
                    1,
                    clash_message(mine.src_uri, file.dest_uri, file.src_uri),
                )
            )
            return False
        files.append(file)
        return True

    def _token(self) -> str:
        return f"GBPLACEHOLDER{self._nonce}N{next(self._tokens):06d}X"

    # -- resolve, page by page ------------------------------------------------------------

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.kb is not None and self.renderer is not None and self.options is not None
        renderer = self.renderer
        src = page.file.src_uri
        collected = self.kb.pages.get(src)
        if collected is None or src in self.generated:
            return markdown
        placed, problems = reconcile(collected, markdown, self.options)
        for problem in problems:
            log.error(str(problem))

        def card(claim: Claim) -> str:
            token = self._token()
            self.fragments[token] = renderer.card(claim, src)
            return token

        def broken(claim: BrokenClaim) -> str:
            token = self._token()
            self.fragments[token] = renderer.broken_claim([str(d) for d in claim.diagnostics])
            return token

        numbering = renderer.numbering(placed)  # a numeric style's numbers, and the list ending the page
        references = renderer.reference_list(numbering, src)
        tail = ""
        if references:
            tail = self._token()
            self.fragments[tail] = references
        citation = lambda c: renderer.citation(c, src, numbering)  # noqa: E731
        return rewrite_page(placed, self.kb, citation, card, broken if self.serving else None, tail=tail)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        assert self.renderer is not None and self.options is not None
        src = page.file.src_uri
        if src not in self.generated:
            # Editors' prose: what would run script or fetch from another host was an error
            # at its line; a build that went on regardless publishes none of it.
            html, removed = sanitize_html(html, self.options.allowed_hosts)
            where = self.display(page.file.abs_src_path) if page.file.abs_src_path else src
            for removal in removed:
                log.warning(f"{where}: removed from the published page: {removal.what}")
        if src not in self.generated and "GBPLACEHOLDER" not in html:
            return html
        for token in dict.fromkeys(_TOKEN.findall(html)):
            fragment = self.fragments.pop(token, None)
            if fragment is None:
                continue
            html = html.replace(f"<p>{token}</p>", fragment).replace(token, fragment)
            if page.present_anchor_ids is not None:  # so MkDocs' anchor validation sees the cards
                page.present_anchor_ids.update(_ANCHOR.findall(fragment))
        return html

    # -- what feed readers and reference managers read in a page's head -----------------

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Every page's head gets the links by which browsers and feed readers find the feeds
        (absolute under ``site_url``, as the feed's own links are); a study page's also gets
        its Highwire ``citation_*`` meta tags, made with the page, where Zotero and Google
        Scholar read them. The theme's templates have a place for neither. One ``replace``:
        slicing an 80 kB page and joining it again cost ten times as much."""
        tags = self.heads.get(page.file.src_uri, "")
        if not self._feeds and not tags:
            return output
        base = config.site_url or ""
        links = "".join(
            autodiscovery_link(base + src if base else relative_url(page.url, src), title) + "\n"
            for src, title in self._feeds
        )
        return output.replace("</head>", links + tags + "</head>", 1)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Keep the references a ``.csl`` style formatted for the next build, once per build."""
        if self.style is not None:
            self.style.save()
