"""The site's exports, written in one phase of the build: the graph (JSON, GraphML, CSV,
JSON-LD), the map's data, the citation files, the stylesheet, the feeds and the claims'
permanent addresses.

An ``ExportWriter`` owns what only the exports read (the evidence graph), and lives only
while they are written: in a forked process where one can be forked
(``graphbuild.common.background``), so none of it reaches the build's own memory. The large
files (the whole lists of references, ``graph.jsonld``) are made a record or a node at a
time as they are written: at 30,000 studies, the lists' records held for reuse and the
documents held whole were hundreds of megabytes in that process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

import networkx as nx

from graphbuild.common.escaping import script_json_pieces
from graphbuild.formats.graph import build_graph, json_pieces, to_csv, to_graphml
from graphbuild.formats.linkeddata import graph_jsonld, jsonld_pieces
from graphbuild.formats.mapdata import evidence_map_data
from graphbuild.formats.records import CitationFormat, excluded_fields
from graphbuild.model.bibliography import Study
from graphbuild.model.vocabulary import vocabulary_css
from graphbuild.site import assets
from graphbuild.site.context import Site


class ExportWriter:
    """Makes the text of each export of one site."""

    def __init__(self, site: Site, map_page: str) -> None:
        """``map_page``: the source of the map's page, which the map's links start from."""
        self.site = site
        self.map_page = map_page

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The evidence graph, built once for the exports and the map's data."""
        return build_graph(self.site.kb)

    def graph_json(self) -> Iterator[str]:
        return json_pieces(self.graph)

    def graphml(self) -> str:
        return to_graphml(self.graph)

    def csv(self) -> str:
        return to_csv(self.site.kb)

    def map_data(self) -> Iterator[str]:
        href: Callable[[str], str] = lambda node: self.site.links.node_href(self.map_page, node)  # noqa: E731
        return script_json_pieces(evidence_map_data(self.site.kb, href, graph=self.graph))

    def graph_jsonld(self, current: str) -> Iterator[str]:
        """``evidence/graph.jsonld``: every claim and every cited study, a node at a time."""
        site = self.site
        kb = site.kb
        statuses = {c.id: kb.profiles[c.id].status for c in kb.ordered_claims}
        base = site.settings.url.rstrip("/") + "/" if site.settings.url else None
        iri = site.links.iri(None if base else current)
        return jsonld_pieces(graph_jsonld(kb.ordered_claims, kb.cited, iri, statuses, base=base, lazy=True))

    def stylesheet(self) -> str:
        """graphbuild's one stylesheet: the shipped ones in cascade order, then the colours and
        shapes of the site's vocabulary. One file, not four: every page links it, and at 6,000
        study pages three more links were 1.3 MB, and three more requests on every page."""
        shipped = [f"/* {name} */\n" + assets.stylesheet(name) for name in assets.STYLESHEETS]
        levels = sorted(self.site.kb.config.levels)
        return "\n".join([*shipped, "/* the site's vocabulary */\n" + vocabulary_css(levels)])

    def citation_file(self, fmt: CitationFormat, studies: Iterable[Study]) -> Iterator[str]:
        """``studies`` in a citation format, a record at a time (a study's record is made for
        its own file and again for each list: holding them all for the lists was the largest
        part of the exports' memory, for some 0.4 s at 6,000 studies)."""
        omit = excluded_fields(self.site.kb.config.bibtex_omit_fields)
        return fmt.pieces(fmt.record(study, omit) for study in studies)
