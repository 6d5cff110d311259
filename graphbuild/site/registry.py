"""What a graphbuild site writes, listed once: every generated page, export, asset and the
*Evidence* navigation section.

Every publishing path (the MkDocs plugin, ``graphbuild render`` and ``finish``) and the
clash check of ``graphbuild check`` read ``plan``; adding a generated page is one entry in
``PAGES`` (its view and template) and adding an export one entry in ``FILES``. The registry
sits above what it lists: views and exports know nothing of it, and are told the pages'
sources and downloads through the ``Site`` it makes (``make_site``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphbuild.common.diagnostics import Diagnostic, error
from graphbuild.common.escaping import front_matter
from graphbuild.common.files import ZIP_SUFFIX, Writer
from graphbuild.common.urls import page_url
from graphbuild.formats.records import CITATION_FORMATS, CitationFormat
from graphbuild.formats.styles import CitationStyle
from graphbuild.model import routes
from graphbuild.model.bibliography import Study
from graphbuild.model.knowledge import KnowledgeBase
from graphbuild.model.project import SiteSettings
from graphbuild.site import assets, living, views
from graphbuild.site.context import Offer, PageName, Site
from graphbuild.site.exporting import ExportWriter
from graphbuild.site.memo import Memos
from graphbuild.site.views import bibliography, changes, claims_index, evidence_map, matrix, study, summary

View = Callable[[Site, str, Any], dict[str, Any]]
ASSET_DIR = assets.FOLDER
THEME_DIR = Path(__file__).parent / "theme"  # templates a theme finds by name, added to its search path
STUDY_LAYOUT = "graphbuild-study.html"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


@dataclass(frozen=True)
class GeneratedPage:
    """A page of the site that graphbuild writes. ``each``: one page per cited study, its
    path made from the study's slug; else one page. ``nav``: listed, in this order, in the
    *Evidence* section. ``context``: what its template needs besides the renderer's globals;
    without one, the template gets ``claims`` (every claim as cards see it, with its page's
    ``page_title``, in reading order) and ``studies`` (every cited study, by label).

    ``layout``: the theme template the page is written in, when not the theme's own page
    (study pages: the site's whole navigation, repeated on thousands of them, was most of
    their weight). ``searched``: left to the search engine; off for pages whose every line is
    in the index already as a claim's or a study's own entry (an index of all claims would
    otherwise be one run-together entry, past Zensical's limit on a large site). ``head``: a
    template whose output a page in a ``layout`` adds to its ``<head>``. ``wide``: a page of
    wide tables, which the theme's table of contents column would squeeze."""

    name: str
    src: str
    title: str
    template: str
    context: View | None = None
    nav: bool = False
    each: str | None = None
    wide: bool = False  # a page of wide tables: the theme's table of contents column is left out
    layout: str = ""
    head: str = ""
    searched: bool = True
    head_context: View | None = None  # what the ``head`` template gets, if not ``context``'s


@dataclass(frozen=True)
class GeneratedFile:
    """A file graphbuild writes: an export (offered for download when it has a ``label``, on
    the generated page named ``offered_on``), the map's data, a stylesheet made from the
    vocabulary tables, or a feed (``feed``: the title of the link in every page's head that
    lets browsers and readers find it).

    ``each``: a family of files, one per subject (``"claim"``: every claim, ``{id}`` in
    ``src``; ``"removed-claim"``: every claim the site's history saw that is gone;
    ``"claim-type"``: every claim type, ``{type}``; ``"study"``: every cited study,
    ``{slug}``), whose ``build`` is called with the subject too. ``dated``: written only
    when the site's git history is known (a feed must carry a date, and there is none to
    give it otherwise)."""

    name: str
    src: str
    build: Callable[..., str | Iterable[str]]  # (export writer) or, for a family, (export writer, subject)
    label: str = ""
    stylesheet: bool = False
    feed: str = ""
    each: str | None = None
    dated: bool = False
    offered_on: str = ""
    # Written only when ``needed`` says so; else the file named ``instead`` is offered in
    # its place (the claims index's references, when they are the bibliography's).
    needed: Callable[[KnowledgeBase], bool] | None = None
    instead: str = ""
    export: str = ""  # its name for ``graphbuild export --format``, for a file the site publishes
    # A whole list or a graph export, published as a ``.zip`` holding it under the site's
    # ``zip_downloads`` (what the site itself reads, such as the map's data, never is).
    bulk: bool = False
    citation_format: str = ""  # for a citation file, its format's name (``bibtex``)

    def published(self, kb: KnowledgeBase) -> bool:
        """Whether this site writes the file (else, with ``instead``, offers that one)."""
        return self.needed is None or self.needed(kb)

    def zipped(self, kb: KnowledgeBase) -> bool:
        return self.bulk and kb.config.zip_downloads

    def src_in(self, kb: KnowledgeBase) -> str:
        """Where this site publishes the file: its ``src``, zipped where the site says so."""
        return self.src + ZIP_SUFFIX if self.zipped(kb) else self.src

    def label_in(self, kb: KnowledgeBase) -> str:
        return f"{self.label}, zipped" if self.zipped(kb) else self.label


@dataclass(frozen=True)
class Planned:
    """One file of a particular site: where it goes and what makes it."""

    src: str
    output: GeneratedPage | GeneratedFile | None  # None: a static asset, copied from ``asset``
    title: str = ""
    subject: Any = None
    asset: Path | None = None

    @property
    def is_page(self) -> bool:
        return isinstance(self.output, GeneratedPage)


def _changes_feed(w: ExportWriter) -> str:
    return living.changes_feed(w.site, routes.CHANGES_FEED)


def _changes_feed_of_type(w: ExportWriter, claim_type: str) -> str:
    return living.changes_feed(w.site, routes.CHANGES_FEED_OF_TYPE.format(type=claim_type), claim_type)


EMPTY_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)


# -- citation exports: each study, the bibliography, the studies behind the claims -------------


def _each_study(fmt: CitationFormat) -> GeneratedFile:
    """One study's reference in ``fmt``, beside its page: ``studies/<slug>.bib``."""
    return GeneratedFile(
        f"study-{fmt.name}",
        f"studies/{{slug}}.{fmt.extension}",
        lambda w, study: w.citation_file(fmt, [study]),
        fmt.label,
        offered_on="study",
        each="study",
        needed=lambda kb: fmt.name in kb.config.study_downloads,
        citation_format=fmt.name,
    )


def _citation_files(
    page: str,
    folder: str,
    studies: Callable[[Site], list[Study]],
    needed: Callable[[KnowledgeBase], bool] | None = None,
    instead: str = "",
    prefix: str = "",
) -> list[GeneratedFile]:
    """``studies`` in every format, offered on the generated page ``page``; where ``needed``
    says they are not, the page ``instead`` offers its files of the same formats. ``prefix``
    goes before each format's name as ``graphbuild export`` knows it."""
    return [
        GeneratedFile(
            f"{page}-{fmt.name}",
            f"{folder}/references.{fmt.extension}",
            lambda w, fmt=fmt: w.citation_file(fmt, studies(w.site)),
            fmt.label,
            offered_on=page,
            needed=needed,
            instead=f"{instead}-{fmt.name}" if instead else "",
            export=f"{prefix}{fmt.name}",
            bulk=True,
            citation_format=fmt.name,
        )
        for fmt in CITATION_FORMATS
    ]


def _claims_cite_other_studies(kb: KnowledgeBase) -> bool:
    """Whether the studies behind the claims are not the bibliography's (a study cited only
    in prose): else the claims index offers the bibliography's files, the same references
    (a reference manager orders them itself), and the site is not 11 MB heavier at 6,000
    studies for a copy."""
    behind = {item.key for claim in kb.claims.values() for item in claim.evidence}
    return behind & kb.bibliography.studies.keys() != kb.cited.keys()


PAGES: tuple[GeneratedPage, ...] = (
    GeneratedPage(
        "summary",
        "evidence/summary/index.md",
        "Summary of findings",
        "summary.html",
        summary.context,
        nav=True,
        wide=True,
        searched=False,
    ),
    GeneratedPage(
        "claims",
        "claims/index.md",
        "Claims index",
        "claims.html",
        claims_index.context,
        nav=True,
        wide=True,
        searched=False,
    ),
    GeneratedPage(
        "map", "evidence/index.md", "Evidence map", "evidence_map.html", evidence_map.context, nav=True, wide=True
    ),
    GeneratedPage(
        "matrix",
        "evidence/matrix/index.md",
        "Evidence matrix",
        "matrix.html",
        matrix.context,
        nav=True,
        wide=True,
        searched=False,
    ),
    GeneratedPage(
        "bibliography",
        "bibliography/index.md",
        "Bibliography",
        "bibliography.html",
        bibliography.context,
        nav=True,
        searched=False,
    ),
    GeneratedPage("changes", routes.CHANGES_PAGE, "Changes to the evidence", "changes.html", changes.context, nav=True),
    GeneratedPage(
        "study",
        routes.STUDY_PAGE,
        "",
        "study.html",
        study.context,
        each="study",
        layout=STUDY_LAYOUT,
        head="study_head.html",  # its citation_* tags, which Zotero and Google Scholar read
        head_context=study.head,
    ),
)
FILES: tuple[GeneratedFile, ...] = (
    GeneratedFile(
        "graph-json",
        "evidence/graph.json",
        ExportWriter.graph_json,
        "Graph (node-link JSON)",
        offered_on="map",
        export="json",
        bulk=True,
    ),
    GeneratedFile(
        "graphml",
        "evidence/graph.graphml",
        ExportWriter.graphml,
        "Graph (GraphML)",
        offered_on="map",
        export="graphml",
        bulk=True,
    ),
    GeneratedFile(
        "csv",
        "evidence/claims.csv",
        ExportWriter.csv,
        "Claims and evidence (CSV)",
        offered_on="map",
        export="csv",
        bulk=True,
    ),
    GeneratedFile("map-data", routes.MAP_DATA, ExportWriter.map_data),
    GeneratedFile("stylesheet", f"{routes.ASSETS}/graphbuild.css", ExportWriter.stylesheet, stylesheet=True),
    GeneratedFile(
        "changes-feed", routes.CHANGES_FEED, _changes_feed, feed="Changes to the evidence", dated=True, export="atom"
    ),
    # Material reads every <link rel="alternate"> in a page's head as another language of
    # the site and fetches the sitemap.xml beside it: an empty one there answers it, where
    # every page would otherwise ask for a file that is not there.
    GeneratedFile("feed-sitemap", "evidence/sitemap.xml", lambda w: EMPTY_SITEMAP, dated=True),
    GeneratedFile(
        "changes-feed-of-type", routes.CHANGES_FEED_OF_TYPE, _changes_feed_of_type, each="claim-type", dated=True
    ),
    # A claim's permanent address, outside the theme, out of the navigation and of search.
    GeneratedFile("claim-stub", routes.CLAIM_ADDRESS, lambda w, claim: living.claim_stub(w.site, claim), each="claim"),
    GeneratedFile(
        "removed-claim-stub",
        routes.CLAIM_ADDRESS,
        lambda w, claim: living.removed_claim_stub(w.site, claim),
        each="removed-claim",
    ),
    # Citation exports: linked data, each study, the bibliography, the claims' studies.
    GeneratedFile(
        "graph-jsonld",
        "evidence/graph.jsonld",
        lambda w: w.graph_jsonld(FILE["graph-jsonld"].src_in(w.site.kb)),  # its links start where it is
        "Graph (JSON-LD: schema.org, CiTO)",
        offered_on="map",
        export="jsonld",
        bulk=True,
    ),
    *(_each_study(fmt) for fmt in CITATION_FORMATS),
    *_citation_files("bibliography", "bibliography", Site.bibliography_order),
    *_citation_files(
        "claims",
        "claims",
        lambda s: s.claims_studies(),
        needed=_claims_cite_other_studies,
        instead="bibliography",
        prefix="claims-",
    ),
)
PAGE: dict[str, GeneratedPage] = {page.name: page for page in PAGES}
FILE: dict[str, GeneratedFile] = {file.name: file for file in FILES}


def offered_on(page: str, kb: KnowledgeBase | None = None) -> list[GeneratedFile]:
    """The files a generated page offers for download, in the registry's order; given the
    knowledge base, a file it does not need stands for the file written in its place."""
    files = [f for f in FILES if f.label and f.offered_on == page]
    if kb is None:
        return files
    return [f if f.published(kb) else FILE[f.instead] for f in files if f.published(kb) or f.instead]


def export_formats() -> list[str]:
    """Every export the site can publish, by its name for ``graphbuild export --format``."""
    return [f.export for f in FILES if f.export]


def export_text(site: Site, planned: list[Planned], name: str) -> str | None:
    """The text of the export ``name`` as this site publishes it; None if it does not (a
    feed without a history, the claims' references when they are the bibliography's)."""
    item = next((p for p in planned if isinstance(p.output, GeneratedFile) and p.output.export == name), None)
    if item is None:
        file = next(f for f in FILES if f.export == name)
        if file.published(site.kb) or not file.instead:
            return None
        item = next(p for p in planned if isinstance(p.output, GeneratedFile) and p.output.name == file.instead)
    content = file_content(ExportWriter(site, PAGE["map"].src), item)
    return content if isinstance(content, str) else "".join(content)


def make_site(
    kb: KnowledgeBase,
    urls: Mapping[str, str],
    settings: SiteSettings,
    style: CitationStyle,
    template_dirs: Sequence[Path] = (),
    *,
    markdown_safe: bool = False,
    search_entries: bool = False,
    memos: Memos | None = None,
) -> Site:
    """The views of this site, told the registry's pages and what each offers."""
    offers = {
        name: tuple(Offer(f.label_in(kb), f.src_in(kb), f.citation_format) for f in offered_on(name, kb))
        for name in {f.offered_on for f in FILES if f.offered_on}
    }
    return Site(
        kb,
        urls=urls,
        pages={page.name: PageName(page.src, page.title) for page in PAGES},
        offers=offers,
        settings=settings,
        style=style,
        template_dirs=template_dirs,
        markdown_safe=markdown_safe,
        search_entries=search_entries,
        memos=memos,
    )


def page_body(site: Site, planned: Planned) -> str:
    """The HTML body of a generated page of ``plan``."""
    page = planned.output
    assert isinstance(page, GeneratedPage)
    context = (page.context or views.plain)(site, planned.src, planned.subject)
    return site.templates.render(page.template, **context)


def page_body_stream(site: Site, planned: Planned) -> Iterator[str]:
    """``page_body`` a line at a time, made as it is read (``Templates.stream``)."""
    page = planned.output
    assert isinstance(page, GeneratedPage)
    context = (page.context or views.plain)(site, planned.src, planned.subject)
    return site.templates.stream(page.template, **context)


def page_head(site: Site, planned: Planned) -> str:
    """What a generated page in a ``layout`` adds to its ``<head>`` (its ``head`` template)."""
    page = planned.output
    assert isinstance(page, GeneratedPage)
    if not page.head:
        return ""
    context = (page.head_context or page.context or views.plain)(site, planned.src, planned.subject)
    return site.templates.render(page.head, **context)


def file_content(writer: ExportWriter, planned: Planned) -> str | Iterable[str]:
    """The text of a generated file of ``plan``, or its pieces (a large file is made as it
    is written)."""
    file = planned.output
    assert isinstance(file, GeneratedFile)
    return file.build(writer) if file.each is None else file.build(writer, planned.subject)


def write_exports(site: Site, exports: list[tuple[str, Planned]], files: Writer | None = None) -> None:
    """Each export (its path, its plan) to its file; what only the exports read lives as
    long as this call (in a forked child, it never reaches the parent)."""
    writer, files = ExportWriter(site, PAGE["map"].src), files or Writer()
    for dest, item in exports:
        content = file_content(writer, item)
        if isinstance(item.output, GeneratedFile) and item.output.zipped(site.kb):
            files.write_zip(dest, item.output.src.rsplit("/", 1)[-1], content)
        else:
            files.write(dest, content)


def stylesheets() -> list[str]:
    """Every stylesheet a page loads, in cascade order."""
    return [f.src for f in FILES if f.stylesheet]


def scripts() -> list[str]:
    return [f"{ASSET_DIR}/{name}" for name in assets.SCRIPTS]


def evidence_nav() -> dict[str, list[dict[str, str]]]:
    """The *Evidence* section appended to a site's explicit ``nav``."""
    return {"Evidence": [{page.title: page.src} for page in PAGES if page.nav]}


def short_nav(use_directory_urls: bool = True) -> list[dict[str, str]]:
    """The navigation of a page written in a ``layout``: the *Evidence* pages, by site URL
    (the theme adds the home page)."""
    return [{"title": page.title, "url": page_url(page.src, use_directory_urls)} for page in PAGES if page.nav]


def page_front_matter(item: Planned, use_directory_urls: bool = True, head: str = "") -> str:
    """A generated page's front matter: its title, and where it says so its theme template
    with that template's short navigation and ``head``, and that search leaves it to the
    entries of its parts."""
    page = item.output
    assert isinstance(page, GeneratedPage)
    fields: dict[str, Any] = {}
    if page.layout:
        fields["template"] = page.layout
        fields["graphbuild_nav"] = short_nav(use_directory_urls)
        if head:
            fields["graphbuild_head"] = head
    if not page.searched:
        fields["search"] = {"exclude": True}
    if page.wide:
        fields["hide"] = ["toc"]
    return front_matter(item.title, fields)


def plan(kb: KnowledgeBase) -> list[Planned]:
    """Every file graphbuild adds to this site: pages (one per cited study for ``each``),
    exports, generated stylesheets, the changes feed (when the history is known), the
    pages at claims' permanent addresses (of removed claims too) and the shipped assets."""
    planned: list[Planned] = []
    for page in PAGES:
        if page.each == "study":
            labels = kb.labels
            planned += [Planned(routes.study_src(s.slug), page, labels[s.key].heading, s) for s in kb.cited.values()]
        else:
            planned.append(Planned(page.src, page, page.title))
    for file in FILES:
        if file.dated and (kb.history is None or kb.history.head is None):
            continue
        if not file.published(kb):
            continue
        src = file.src_in(kb)
        if file.each is None:
            planned.append(Planned(src, file))
        else:
            key = FAMILY_KEYS[file.each]
            planned += [Planned(src.format(**{key: _member_name(s)}), file, subject=s) for s in _family(kb, file.each)]
    planned += [Planned(f"{ASSET_DIR}/{name}", None, asset=path) for name, path in assets.files().items()]
    return planned


# What names each member of a family of files in its path.
FAMILY_KEYS = {"claim": "id", "removed-claim": "id", "claim-type": "type", "study": "slug"}


def _family(kb: KnowledgeBase, each: str) -> list[Any]:
    if each == "study":
        return list(kb.cited.values())
    if each == "claim":
        return sorted(kb.claims)
    if each == "removed-claim":
        return removed_claims(kb)
    return list(kb.config.claim_types)


def _member_name(subject: Any) -> str:
    """What a family member's path is made from: a study's slug, else the subject itself."""
    return subject.slug if isinstance(subject, Study) else str(subject)


def removed_claims(kb: KnowledgeBase) -> list[str]:
    """Claims the site's history saw that it no longer has: their addresses say so."""
    if kb.history is None:
        return []
    return sorted(claim for claim in kb.history.removed if claim not in kb.claims)


def feed_links(planned: list[Planned]) -> list[tuple[str, str]]:
    """(source, title) of each feed this site has, for the link in every page's head."""
    return [(p.src, p.output.feed) for p in planned if isinstance(p.output, GeneratedFile) and p.output.feed]


def written_to(src: str, use_directory_urls: bool = True) -> str:
    """The file a source becomes in the built site (``bibliography.md`` and
    ``bibliography/index.md`` both become ``bibliography/index.html``)."""
    if not src.lower().endswith(MARKDOWN_SUFFIXES):
        return src
    url = page_url(src, use_directory_urls)
    return url + "index.html" if url.endswith("/") or not url else url


def _folders(dest: str) -> list[str]:
    parts = dest.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def clashes(sources: list[str], generated: list[str], use_directory_urls: bool = True) -> dict[str, str]:
    """Editors' files that would be written where graphbuild writes, or where graphbuild
    needs a folder (``docs/studies/x`` beside the page ``studies/x/index.html``), or inside
    a file of graphbuild's (``docs/evidence/map.json.md`` becomes ``evidence/map.json/...``):
    source -> graphbuild's source."""
    ours = {written_to(src, use_directory_urls): src for src in generated}
    folders = {folder: src for dest, src in ours.items() for folder in _folders(dest)}
    found = {}
    for src in sources:
        dest = written_to(src, use_directory_urls)
        mine = ours.get(dest) or folders.get(dest) or next((ours[f] for f in _folders(dest) if f in ours), None)
        if mine is not None:
            found[src] = mine
    return found


def clash_message(src: str, dest: str, ours: str) -> str:
    return f"'{src}' would be written to '{dest}', where graphbuild writes '{ours}'; rename or remove this file"


def clash_diagnostics(
    kb: KnowledgeBase, sources: dict[str, str], use_directory_urls: bool, planned: list[Planned] | None = None
) -> list[Diagnostic]:
    """An error for each editor's file (source -> the path to show) that the build would
    overwrite with, or that would collide with, a page, export or asset of graphbuild's;
    ``planned``: ``plan(kb)``, where the caller has made it already."""
    planned = plan(kb) if planned is None else planned
    found = clashes(list(sources), [p.src for p in planned], use_directory_urls)
    return [
        error(sources[src], 1, clash_message(src, written_to(src, use_directory_urls), ours))
        for src, ours in found.items()
    ]
