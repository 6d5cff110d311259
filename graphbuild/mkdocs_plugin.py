"""The MkDocs adapter: a thin shell that feeds pages to the core and places what it returns.

Collect, then resolve: every page's source is read in ``on_files`` (generated pages must
exist before the navigation is built), the knowledge base is built once, and each page's
claim blocks and citations are replaced as MkDocs renders it, at the offsets found when it
was read (``on_page_markdown`` receives the same string). What the site gains is listed
once, in ``graphbuild.site.registry``.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import zlib
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

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
from graphbuild.model.bibliography import BibliographyCache, decode_utf8
from graphbuild.model.claims import Claim
from graphbuild.model.config import OPTION_NAMES, Config, ConfigError, config_from_mapping
from graphbuild.common.diagnostics import Diagnostic, Severity, error, failing
from graphbuild.formats.feed import autodiscovery_link
from graphbuild.common.files import Writer
from graphbuild.model.formatting import relative_url
from graphbuild.history.dating import CACHE_FILE, HistoryCache
from graphbuild.model.knowledge import BrokenClaim, KnowledgeBase, build_knowledge_base
from graphbuild.site.living import date_claims
from graphbuild.model.project import DocsScan, font_diagnostics, scan_docs
from graphbuild.model.prose import sanitize_html
from graphbuild.site.renderer import Renderer, write_exports
from graphbuild.site.rewrite import reconcile, rewrite_page
from graphbuild.formats.search import add_to_index_file, each_search_entry
from graphbuild.site.shell import Shell, StandIns, without_indentation
from graphbuild.site.registry import (
    THEME_DIR,
    GeneratedPage,
    Planned,
    SiteSettings,
    clash_diagnostics,
    clash_message,
    evidence_nav,
    feed_links,
    page_front_matter,
    plan,
    scripts,
    short_nav,
    stylesheets,
)
from graphbuild.formats.styles import CitationStyle, site_style, style_problems

log = get_plugin_logger(__name__)
_ANCHOR = re.compile(r'\sid="([^"]+)"')
_TOKEN = re.compile(r"GBPLACEHOLDER[0-9a-f]{16}N\d{6}X")
_LATER = "data-search-exclude data-graphbuild-card"  # a card's paragraph, filled as the page is written
_PLACED = re.compile(f"<p {_LATER}>({_TOKEN.pattern})</p>")


def _text(fragment: str | bytes) -> str:
    return fragment if isinstance(fragment, str) else zlib.decompress(fragment).decode("utf-8", errors="surrogatepass")


def _log(diagnostics: list[Diagnostic]) -> None:
    """Errors and warnings as warnings (``--strict`` fails on them); notes as information."""
    for diagnostic in sorted(set(diagnostics)):
        (log.info if diagnostic.severity is Severity.NOTE else log.warning)(str(diagnostic))


# Each option is declared once, in graphbuild.model.config.OPTIONS; MkDocs only passes them on,
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
        # A card's HTML, from when its page's Markdown is read to when the page is written;
        # compressed in between (see on_page_content).
        self.fragments: dict[str, str | bytes] = {}
        # Work beside the build (graphbuild.common.background): the exports, then the study pages.
        self.background: list[tuple[str, Background]] = []
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
        self.laid_out: list[tuple[File, Planned]] = []
        self.pending: dict[str, Planned] = {}  # a generated page's token -> the page, until it is built
        self.placed: dict[str, list[str]] = {}  # a page -> its cards' tokens, until it is written
        self.late: dict[str, tuple[str, str]] = {}  # an unsearched page -> (its token, its body), until written
        self.nav: Navigation | None = None
        self.style: CitationStyle | None = None

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
        if str(THEME_DIR) not in config.theme.dirs:  # last: a site's custom_dir overrides its templates
            config.theme.dirs.append(str(THEME_DIR))
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
        with collector_paused():
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
        with collector_paused():
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
        # its URLs are known once files are
        self.renderer = Renderer(
            kb, {}, template_dirs, site=settings, search_entries=self._indexes_claims(config), style=self.style
        )
        self._taken = {f.dest_uri: f for f in files if f.generated_by is None and self._in_docs(f, config)}
        planned = plan(kb)
        pages = {}
        for item in planned:
            if not isinstance(item.output, GeneratedPage):
                continue
            if item.output.layout:
                # Written in on_env, outside MkDocs' pages, which neither read nor build it;
                # it stays among the files so that links to it resolve as before.
                page = File.generated(config, item.src, content="", inclusion=InclusionLevel.EXCLUDED)
                if self._add(files, page, diagnostics):
                    self.laid_out.append((page, item))
                continue
            head = page_front_matter(item, config.use_directory_urls)
            token = self._token()
            inclusion = InclusionLevel.UNDEFINED if item.output.nav else InclusionLevel.NOT_IN_NAV
            page = File.generated(config, item.src, content=f"{head}{token}\n", inclusion=inclusion)
            if self._add(files, page, diagnostics):
                pages[token] = item
        self.renderer.urls.update({f.src_uri: f.url for f in files.documentation_pages()})
        exports: list[tuple[str, Planned]] = []
        for item in planned:
            if item.asset is not None:
                self._add(files, File.generated(config, item.src, abs_src_path=str(item.asset)), diagnostics)
            elif not item.is_page:
                # Written by graphbuild and left to no copy: MkDocs would hold every export
                # in memory (15 MB at 6,000 studies) until the end of the build.
                export = File.generated(config, item.src, content="", inclusion=InclusionLevel.EXCLUDED)
                if self._add(files, export, diagnostics):
                    exports.append((export.abs_dest_path, item))
                    self._feeds += feed_links([item])
        self.renderer.urls.update({f.src_uri: f.url for f in files})
        # Every address is known: the exports are written beside the pages, in a process of
        # their own where one can be forked (graphbuild.common.background).
        work = partial(write_exports, self.renderer, exports)
        self.background.append(("writing the exports", Background(work, parallel=not self.serving)))
        _log(diagnostics)
        for token, item in pages.items():
            self.generated[item.src] = token
            self.pending[token] = item
        return files

    @staticmethod
    def _indexes_claims(config: MkDocsConfig) -> bool:
        """Whether a search plugin writes an index that on_post_build adds claims to."""
        return any(name in config.plugins for name in ("search", "material/search"))

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

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    # -- pages written in a layout of their own ---------------------------------------------

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Write the pages in a ``layout`` (the study pages): the theme renders one of them
        with stand-ins, and each is that page filled in (``graphbuild.site.shell``), by a process
        of its own where one can be forked: nothing MkDocs renders next needs them."""
        assert self.renderer is not None
        if self.laid_out:
            with collector_paused():
                shells: dict[str, Shell] = {}
                for _, item in self.laid_out:
                    page = item.output
                    assert isinstance(page, GeneratedPage)
                    if page.name not in shells:
                        shell = shells[page.name] = self._shell(page, env, config, files)
                        shell.write_icons(config.site_dir, Writer())
                work = partial(self._write_laid_out, shells, config)
                self.background.append(("writing the study pages", Background(work, parallel=not self.serving)))
        self.renderer.release_graph()  # the map's data and the exports are made
        self.renderer.release_exports()  # the study pages' linked data is made too
        return env

    def _write_laid_out(self, shells: dict[str, Shell], config: MkDocsConfig) -> None:
        assert self.renderer is not None
        writer = Writer()
        for file, item in self.laid_out:
            page = item.output
            assert isinstance(page, GeneratedPage)
            body, head = self.renderer.page_body(item), self.renderer.page_head(item)
            head += self._feed_links(file.url, config)  # no page hook runs on these pages
            writer.write(file.abs_dest_path, shells[page.name].fill(item.title, item.subject.slug, body, head))

    def _shell(self, page: GeneratedPage, env: Any, config: MkDocsConfig, files: Files) -> Shell:
        """The theme's ``page.layout`` rendered for a page of the kind whose title, slug,
        head and body are stand-ins; no plugin's page hooks run on it."""
        from mkdocs.commands.build import get_context

        stand_ins = StandIns()
        file = File.generated(config, page.src.format(slug=stand_ins["slug"]), content="")
        shell_page = Page(stand_ins["title"], file, config)
        shell_page.meta = {
            "title": stand_ins["title"],
            "template": page.layout,
            "graphbuild_nav": short_nav(config.use_directory_urls),
            "graphbuild_head": stand_ins["head"],
        }
        shell_page.content = stand_ins["body"]
        context = get_context(self.nav, files.documentation_pages(), config, shell_page)  # type: ignore[arg-type]
        return Shell(env.get_template(page.layout).render(context), stand_ins, file.dest_uri)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The sitemap lists the pages written in a layout too, as MkDocs lists its own."""
        if template_name != "sitemap.xml" or not config.site_url or not self.laid_out:
            return output_content
        base = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
        entry = "    <url>\n         <loc>{}</loc>\n         <lastmod>" + get_build_date() + "</lastmod>\n    </url>\n"
        urls = "".join(entry.format(escape(base + file.url)) for file, _ in self.laid_out)
        head, end, tail = output_content.rpartition("</urlset>")
        return f"{head.rstrip()}\n{urls}{end}{tail}" if end else output_content

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves no process of its own behind."""
        for _, work in self.background:
            work.cancel()
        self.background = []

    @event_priority(-50)  # after the search plugin has written its index (0), before offline (-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The exports and the study pages are written by now, or the build fails. Every
        study is formatted in the site's citation style: the entries a ``.csl`` style could
        not format are reported, and what it formatted is kept for the next build. Then a
        search entry for each claim and each cited study, added to the index MkDocs' or
        Material's search plugin wrote."""
        background, self.background = self.background, []
        for number, (what, work) in enumerate(background):
            try:
                work.wait()
            except BackgroundError as exc:
                for _, other in background[number + 1 :]:
                    other.cancel()
                raise PluginError(f"graphbuild: {what} failed:\n{exc}") from None
        if self.style is not None and self.kb is not None:
            _log(style_problems(self.style, self.kb.bibliography.studies))
            self.style.save()
        index_file = Path(config.site_dir) / "search" / "search_index.json"
        if self.kb is None or self.renderer is None or not index_file.is_file():
            return
        urls = self.renderer.urls
        # as the search plugin writes a page's location: the home page's "./" is ""
        add_to_index_file(index_file, each_search_entry(self.kb, lambda src: "" if urls[src] == "./" else urls[src]))

    @event_priority(50)  # before the search plugin indexes the page
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        """A generated page's body, made as the page is built and let go once it is written
        (on_post_page): the bibliography of 6,000 studies is 4 MB, the matrix 3 MB."""
        token = self.generated.get(page.file.src_uri)
        item = self.pending.pop(token, None) if token else None
        if item is None or page.content is None:
            return context
        assert self.renderer is not None
        with collector_paused():
            body = self.renderer.page_body(item)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(_ANCHOR.findall(body))
        assert isinstance(item.output, GeneratedPage)
        if item.output.searched:
            page.content = page.content.replace(f"<p>{token}</p>", body)
        else:  # no search reads it: it goes in as the page is written, once the theme's page is trimmed
            self.late[page.file.src_uri] = (f"<p>{token}</p>", body)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """A page is written: its cards go in (see on_page_content), a generated page's
        content is let go (the bibliography of 6,000 studies is 4 MB) rather than kept to the
        end of the build as MkDocs would, the theme's indentation goes, and the head gets the
        link by which browsers and feed readers find the feed, absolute under ``site_url`` as
        the feed's own links are."""
        if page.file.src_uri in self.generated:
            page.content = None
        # The theme's indentation goes first, from the page without graphbuild's parts (which
        # have none): the bibliography's body, 4 MB at 6,000 studies, is not copied once more.
        output = without_indentation(output)  # as on the study pages (graphbuild.site.shell)
        placed = self.placed.pop(page.file.src_uri, ())
        if placed:
            output = _PLACED.sub(lambda m: _text(self.fragments.get(m.group(1), m.group(0))), output)
            for token in placed:
                del self.fragments[token]
        late = self.late.pop(page.file.src_uri, None)
        if late is not None:
            output = output.replace(*late, 1)
        head = output.find("</head>")
        if not self._feeds or head < 0:
            return output
        return output[:head] + self._feed_links(page.url, config) + output[head:]

    def _feed_links(self, page_url: str, config: MkDocsConfig) -> str:
        base = config.site_url or ""
        return "".join(
            autodiscovery_link(base + src if base else relative_url(page_url, src), title) + "\n"
            for src, title in self._feeds
        )

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
        """Cards take their places. One that stands as a paragraph of its own (nearly all)
        goes into the page only as it is written (on_post_page): the search plugin then
        reads the page without the cards (1.6 s less of its HTML parsing at 2,000 claims),
        and MkDocs, which keeps every page's content to the end of the build, keeps the page
        without them (27 MB at 200 pages)."""
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
            fragment = self.fragments.get(token)
            if not isinstance(fragment, str):
                continue
            if page.present_anchor_ids is not None:  # so MkDocs' anchor validation sees the cards
                page.present_anchor_ids.update(_ANCHOR.findall(fragment))
            alone = f"<p>{token}</p>"
            if alone in html:
                html = html.replace(alone, f"<p {_LATER}>{token}</p>")
                self.placed.setdefault(src, []).append(token)
                # MkDocs reads every page before it writes any: 2,000 cards held as text
                # until then were 28 MB, the largest part of the build's peak; compressed
                # (fast, level 1) about a sixth of that.
                self.fragments[token] = zlib.compress(fragment.encode("utf-8", errors="surrogatepass"), 1)
            else:
                html = html.replace(token, fragment)
                del self.fragments[token]
        return html
