"""One site's knowledge base with what its pages are made with: templates, links, and the
views of studies and claims. Every view of a generated page reads it; the registry makes it
from a build's plan, so nothing here knows which pages and files there are."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphbuild.formats.styles import CitationStyle
from graphbuild.model.bibliography import Study
from graphbuild.model.claims import Claim
from graphbuild.model.events import Event, in_words
from graphbuild.model.knowledge import KnowledgeBase
from graphbuild.model.project import SiteSettings
from graphbuild.site.cards import ClaimViews
from graphbuild.site.links import Links
from graphbuild.site.memo import Memos
from graphbuild.site.studies import StudyViews
from graphbuild.site.templates import Templates


@dataclass(frozen=True)
class Offer:
    """A file a generated page offers for download: its label and source (for the family of
    each study's files, a pattern with ``{slug}``)."""

    label: str
    src: str
    citation_format: str = ""  # a citation file's format (``bibtex``): the same list in another file


@dataclass(frozen=True)
class PageName:
    """A generated page's source and title, by the registry's name for it."""

    src: str
    title: str


class Site:
    """``urls``: where every source is served; ``pages``: the generated pages by name;
    ``offers``: what each generated page offers for download (``"study"``: every study
    page); ``markdown_safe``: the pages' HTML will be read by Markdown again (the Markdown
    tree), so every value is encoded against Markdown too."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        urls: Mapping[str, str],
        pages: Mapping[str, PageName],
        offers: Mapping[str, Sequence[Offer]],
        settings: SiteSettings,
        style: CitationStyle,
        template_dirs: Sequence[Path] = (),
        markdown_safe: bool = False,
        search_entries: bool = False,
        memos: Memos | None = None,
    ) -> None:
        """``memos``: views' outputs kept from the builds before (``mkdocs serve``)."""
        self.kb = kb
        self.settings = settings
        self.style = style
        self.pages = pages
        self.offers = offers
        self.templates = Templates(
            template_dirs, inline=style.inline, markdown_safe=markdown_safe, search_entries=search_entries
        )
        self.links = Links(kb, urls, {name: page.src for name, page in pages.items()}, settings.directory_urls)
        self.studies = StudyViews(kb, self.templates, self.links, style, memos.parts if memos else None)
        self.claims = ClaimViews(kb, self.templates, self.links, self.studies, memos.cards if memos else None)

    def page_title(self, src: str) -> str:
        page = self.kb.pages.get(src)
        if page is not None:
            return page.title
        return next((p.title for p in self.pages.values() if p.src == src), src)

    def page_words(self, src: str) -> str:
        """A page as a reader names it: its title; a page no longer in the site (a removed
        claim's), its file's name in words."""
        if src in self.kb.pages:
            return self.page_title(src)
        stem = src.rsplit("/", 1)[-1].removesuffix(".md").replace("-", " ").replace("_", " ")
        return stem[:1].upper() + stem[1:] if stem else "a page no longer on the site"

    def event_words(self, event: Event) -> str:
        """What an evidence event changed, in the vocabulary's words, its studies by their
        labels and its pages by their titles."""
        return in_words(event, self.kb.label, self.page_words)

    def downloads(self, current: str, page: str) -> list[dict[str, str]]:
        """The files a generated page offers, each linked from ``current``."""
        return [
            {"label": o.label, "href": self.links.href(current, o.src), "each": "", "format": o.citation_format}
            for o in self.offers.get(page, ())
        ]

    def claims_by_page(self) -> list[tuple[str, list[Claim]]]:
        """Each page with claims, in the order of its path, and its claims down the page."""
        kb = self.kb
        pages = sorted({kb.claim_page[c] for c in kb.claims}, key=lambda s: kb.pages[s].path)
        return [(src, [c for c in kb.pages[src].claims if kb.claims.get(c.id) is c]) for src in pages]

    def bibliography_order(self) -> list[Study]:
        """Every cited study, in author-year order: the bibliography's and its exports'."""
        kb = self.kb
        return sorted(kb.cited.values(), key=lambda s: (kb.label(s.key).lower(), s.title.lower()))

    def claims_studies(self, claims: Iterable[Claim] | None = None) -> list[Study]:
        """The studies behind the claims (all of them by default), in the claims index's
        order and each claim's, each once: the claims index's exports."""
        found: dict[str, Study] = {}
        for claim in self.kb.ordered_claims if claims is None else claims:
            for item in claim.evidence:
                study = self.kb.bibliography.studies.get(item.key)
                if study is not None:
                    found.setdefault(study.key, study)
        return list(found.values())
