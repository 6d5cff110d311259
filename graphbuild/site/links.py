"""Links between the pages of one site, from where each source is served."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from graphbuild.common.urls import relative_url
from graphbuild.model import routes
from graphbuild.model.knowledge import KnowledgeBase


class Links:
    """Links from one page to another. ``urls`` maps every source (pages, generated pages
    and files) to where it is served; ``pages`` names the generated pages' sources
    (``"summary"`` → ``evidence/summary/index.md``), which the registry lists."""

    def __init__(
        self, kb: KnowledgeBase, urls: Mapping[str, str], pages: Mapping[str, str], directory_urls: bool = True
    ) -> None:
        self.kb = kb
        self.urls = urls
        self.pages = pages
        self.directory_urls = directory_urls
        self._from = ""
        self._made: dict[tuple[str, str], str] = {}

    def href(self, current: str, target_src: str, fragment: str = "") -> str:
        """A link from one source's page to another's. Pages are made one at a time, so the
        links of the page being made are kept, for the many times a page links to the same
        place, and let go with the next page: kept for the whole site, they were 84,000 at
        6,000 studies, nearly all used once. The same arguments give the same link,
        whatever came before."""
        if current != self._from:
            self._made, self._from = {}, current
        key = (target_src, fragment)
        link = self._made.get(key)
        if link is None:
            target = self.urls[target_src] + (f"#{fragment}" if fragment else "")
            link = self._made[key] = relative_url(self.urls[current], target)
        return link

    def page_href(self, current: str, name: str, fragment: str = "") -> str:
        """A link to one of the registry's generated pages, by its name."""
        return self.href(current, self.pages[name], fragment)

    def study_href(self, current: str, key: str) -> str:
        return self.href(current, routes.study_src(self.kb.bibliography[key].slug))

    def claim_href(self, current: str, claim_id: str) -> str:
        return self.href(current, self.kb.claim_page[claim_id], claim_id)

    def claim_permalink(self, current: str, claim_id: str) -> str:
        """A link to the claim's permanent address, ``claims/<id>/``, which leads to its card."""
        link = self.href(current, routes.claim_address_src(claim_id))
        return link.removesuffix("index.html") if self.directory_urls else link

    def node_href(self, current: str, node_id: str) -> str:
        kind, _, ident = node_id.partition(":")
        return self.claim_href(current, ident) if kind == "claim" else self.study_href(current, ident)

    def site_url(self, src: str) -> str:
        """Where a source is served, from the site's root, folders ending in ``/``."""
        url = self.urls.get(src, src)
        return url.removesuffix("index.html") if self.directory_urls and url.endswith("/index.html") else url

    def iri(self, current: str | None) -> Callable[[str], str]:
        """A graph node's identifier as a link from the page ``current``, whose JSON-LD
        resolves it against the page's own URL, or from the site's root if ``current`` is
        None (``graph.jsonld``, whose ``@base`` is the site's URL)."""

        def iri(node_id: str) -> str:
            kind, _, ident = node_id.partition(":")
            if kind == "claim":
                src, fragment = self.kb.claim_page[ident], ident
            else:
                src, fragment = routes.study_src(self.kb.bibliography[ident].slug), ""
            if current is None:
                return relative_url("", self.urls[src] + (f"#{fragment}" if fragment else ""))
            return self.href(current, src, fragment)

        return iri
