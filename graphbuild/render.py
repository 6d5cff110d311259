"""HTML for claim cards, citations and the generated pages, from overridable templates.

Every string from a ``.bib`` file or a claim passes through Jinja's autoescaping; text that
Markdown will still see (inline citations) is also entity-encoded so that Markdown syntax in
a hostile title stays text.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from .bibliography import Study
from .claims import Citation, Claim, Stance
from .diagnostics import Diagnostic, error
from .evidence import EvidenceProfile, design_noun
from .formatting import (
    citation_labels,
    doi_href,
    page_url,
    reference_parts,
    reference_text,
    relative_url,
    safe_href,
)
from .graph import build_graph, claim_node, study_node
from .knowledge import KnowledgeBase, PageFacts

BIBLIOGRAPHY = "bibliography/index.md"
CLAIMS = "claims/index.md"
EVIDENCE_MAP = "evidence/index.md"
MATRIX = "evidence/matrix/index.md"
EXPORT_FILES = {"json": "evidence/graph.json", "graphml": "evidence/graph.graphml", "csv": "evidence/claims.csv"}
MAP_DATA = "evidence/map.json"
ASSET_DIR = "assets/graphbuild"
PAGE_TITLES = {
    BIBLIOGRAPHY: "Bibliography",
    CLAIMS: "Claims index",
    EVIDENCE_MAP: "Evidence map",
    MATRIX: "Evidence matrix",
}
STANCE_SYMBOLS = {Stance.SUPPORTS: "✓", Stance.CONTRADICTS: "✗", Stance.MIXED: "±", Stance.NO_EFFECT: "∅"}
STANCE_WORDS = {
    Stance.SUPPORTS: "supports",
    Stance.CONTRADICTS: "contradicts",
    Stance.MIXED: "mixed",
    Stance.NO_EFFECT: "no effect",
}
_MARKDOWN_SPECIALS = {c: f"&#{ord(c)};" for c in "[]()*_`!{}#|~:\\$^+=-"}
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", **_MARKDOWN_SPECIALS})


def study_src(study: Study) -> str:
    return f"studies/{study.slug}.md"


def front_matter(title: str) -> str:
    """YAML front matter for a generated page. MkDocs themes print ``page.title`` unescaped
    (their Jinja has no autoescape), so a study's title is HTML-escaped here; and the YAML is
    printable ASCII only, with every other character escaped. MkDocs drops front matter that
    PyYAML rejects (a DEL or a C1 control in a .bib field would do) and renders it as
    Markdown instead, which would turn a hostile title into a link."""
    text = html.escape(_CONTROLS.sub("", title), quote=False)
    return f'---\ntitle: "{"".join(map(_yaml_char, text))}"\n---\n\n'


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _yaml_char(char: str) -> str:
    """One character inside a YAML double-quoted scalar."""
    if char in '"\\':
        return "\\" + char
    if " " <= char <= "~":
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def entity_text(text: str) -> str:
    """HTML-escape and encode everything Markdown or a template engine could act on, in one
    pass, so that no entity is encoded twice (``O'Brien`` must not show as ``O&#x27;Brien``)."""
    return text.translate(_ENTITIES)


def _markdown_inert(value: Any) -> Any:
    """Every plain value a template prints, HTML-escaped and Markdown-encoded at once; ids,
    class names and links (letters, digits and ``. / : # -`` only) hold nothing Markdown
    acts on and are left readable."""
    if isinstance(value, str) and not isinstance(value, Markup) and not _PLAIN_TOKEN.match(value):
        return Markup(entity_text(value))
    return value


_PLAIN_TOKEN = re.compile(r"^[A-Za-z0-9./:#-]*$")


class _Environment(jinja2.Environment):
    """Templates read their context as ``s.label``, and most values are dicts; Jinja tries an
    attribute first and a key second, so every such lookup raised and caught an exception
    (a tenth of the time of 6,000 study pages). Dicts get their key first here; anything
    else, and a key a dict lacks (``d.items``), is looked up as Jinja always does."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class Renderer:
    """Turns the knowledge base into HTML for one site; ``urls`` maps sources to site URLs."""

    def __init__(
        self, kb: KnowledgeBase, urls: dict[str, str], template_dirs: Sequence[Path] = (), markdown_safe: bool = False
    ):
        """``markdown_safe``: the HTML will be read by Markdown again (``graphbuild render``),
        so every value is also entity-encoded against Markdown, not only HTML-escaped."""
        self.kb = kb
        self.markdown_safe = markdown_safe
        self.urls = urls
        self.labels = citation_labels(list(kb.cited.values()))
        self._study_cache: dict[str, dict] = {}
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(d) for d in template_dirs if d.is_dir()])]
        loaders.append(jinja2.PackageLoader("graphbuild", "templates"))
        self.env = _Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,  # one renderer per build: no need to stat templates on every use
            finalize=_markdown_inert if markdown_safe else None,
        )
        self.env.globals.update(
            stance_symbol=lambda s: STANCE_SYMBOLS[Stance(s)],
            stance_word=lambda s: STANCE_WORDS[Stance(s)],
            design_noun=design_noun,
            level_label=self.level_label,
            stance_html=self.stance_html,
            status_html=self.status_html,
        )

    # -- links ----------------------------------------------------------------------------

    def href(self, current: str, target_src: str, fragment: str = "") -> str:
        key = (current, target_src, fragment)
        link = self._hrefs.get(key)
        if link is None:
            target = self.urls[target_src] + (f"#{fragment}" if fragment else "")
            link = self._hrefs[key] = relative_url(self.urls[current], target)
        return link

    @cached_property
    def _hrefs(self) -> dict[tuple[str, str, str], str]:
        """Links already made: a URL in ``urls`` may be added, never changed, once used."""
        return {}

    def study_href(self, current: str, key: str) -> str:
        return self.href(current, study_src(self.kb.bibliography[key]))

    def claim_href(self, current: str, claim_id: str) -> str:
        return self.href(current, self.kb.claim_page[claim_id], claim_id)

    def node_href(self, current: str, node_id: str) -> str:
        kind, _, ident = node_id.partition(":")
        return self.claim_href(current, ident) if kind == "claim" else self.study_href(current, ident)

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def node_label(self, node_id: str) -> str:
        kind, _, ident = node_id.partition(":")
        return ident if kind == "claim" else self.label(ident)

    def level_label(self, level: int | None) -> str:
        if level is None:
            return "unrated"
        return f"level {level}"

    # -- pieces ---------------------------------------------------------------------------

    def _render(self, template: str, **context) -> str:
        text = self._template(template).render(**context)
        return "\n".join(line for line in text.splitlines() if line.strip())

    def study_context(self, study: Study, current: str) -> dict:
        return {**self._study_facts(study), "href": self.study_href(current, study.key)}

    def _study_facts(self, study: Study) -> dict:
        """What every page says of a study, worked out once: a landmark study appears thousands of times."""
        facts = self._study_cache.get(study.key)
        if facts is None:
            facts = self._study_cache[study.key] = self._study_facts_uncached(study)
        return facts

    @cached_property
    def _macros(self) -> Any:
        """``macros.html`` (a site may override it), whose small pieces are rendered once
        per study or value and reused: a Jinja macro call per table cell is most of the
        cost of 6,000 study pages."""
        return self._template("macros.html").make_module()

    def _template(self, name: str) -> jinja2.Template:
        """A template whose globals are one plain dict: Jinja chains them onto the
        environment's, and copying the chain key by key on every render was a seventh of
        the time of a study page. The renderer's globals never change after it is made."""
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
            template.globals = dict(template.globals)
        return template

    @cached_property
    def _templates(self) -> dict[str, jinja2.Template]:
        return {}

    @cached_property
    def _fragments(self) -> dict[tuple, Markup]:
        return {}

    def _macro(self, name: str, *args: str | int | None) -> Markup:
        """A macro's output for some plain values, rendered once per distinct values."""
        key = (name, *args)
        fragment = self._fragments.get(key)
        if fragment is None:
            fragment = self._fragments[key] = getattr(self._macros, name)(*args)
        return fragment

    def stance_html(self, stance: str) -> Markup:
        return self._macro("stance", stance)

    def status_html(self, profile: EvidenceProfile) -> Markup:
        return self._macro("status", profile.status)

    def _study_facts_uncached(self, study: Study) -> dict:
        facts = self._study_fields(study)
        facts["reference_html"] = self._macros.reference(facts)
        facts["links_html"] = self._macros.links(facts)
        facts["badge_html"] = self._macro("level_badge", facts["level"], facts["design_name"])
        return facts

    def _study_fields(self, study: Study) -> dict:
        parts = reference_parts(study)
        return {
            "key": study.key,
            "label": self.label(study.key),
            "design": study.design,
            "design_name": design_noun(study.design, 1) if study.design else "unrated",
            "level": study.level,
            "ref": parts,
            "ref_text": reference_text(study, parts),
            "doi": study.doi,
            "doi_href": doi_href(study.doi),
            "url": study.url,
            "url_href": safe_href(study.url),
            "entry_type": study.entry_type,
        }

    def claim_context(self, claim: Claim, current: str) -> dict:
        evidence: list[dict] = []
        for item in claim.evidence:
            study = self.kb.bibliography.studies.get(item.key)
            if study is None:
                continue
            evidence.append(
                {"stance": item.stance.value, "note": item.note, "study": self.study_context(study, current)}
            )
        evidence.sort(key=lambda e: (e["study"]["level"] or 99, e["study"]["label"]))
        return {
            "claim": claim,
            "profile": self.kb.profiles[claim.id],
            "evidence": evidence,
            "map_href": self.href(current, EVIDENCE_MAP, f"claim:{claim.id}"),
            "page_href": self.claim_href(current, claim.id),
        }

    def local_graph(self, current: str, node_id: str, label: str) -> str:
        from .mapdata import local_graph_data, script_json

        data = local_graph_data(self.kb, node_id, lambda n: self.node_href(current, n), facts=self.node_facts)
        kind, _, ident = node_id.partition(":")
        slug = ident if kind == "claim" else self.kb.bibliography[ident].slug
        return self._render(
            "local_graph.html",
            data_id=f"gb-graph-{kind}-{slug}",
            data_json=script_json(data, self.markdown_safe),
            label=label,
        )

    def card(self, claim: Claim, current: str) -> str:
        graph = self.local_graph(current, claim_node(claim.id), f"claim {claim.id} and its studies")
        return self._render("claim_card.html", graph=graph, **self.claim_context(claim, current))

    def citation(self, citation: Citation, current: str) -> str:
        """``(Mead & MacNeil, 2006, p. 4; Pitt et al., 2013)``; unknown keys stay visible."""
        parts = []
        for cited in citation.keys:
            prefix = entity_text(cited.prefix) + " " if cited.prefix else ""
            locator = ", " + entity_text(cited.locator) if cited.locator else ""
            study = self.kb.bibliography.studies.get(cited.key)
            if study is None:
                parts.append(f'{prefix}<span class="gb-cite-missing">?{entity_text(cited.key)}</span>{locator}')
                continue
            ref = entity_text(self._study_facts(study)["ref_text"])
            parts.append(
                f'{prefix}<a class="gb-cite" href="{self.study_href(current, study.key)}" '
                f'data-ref="{ref}" title="{ref}">{entity_text(self.label(study.key))}</a>{locator}'
            )
        return "(" + "; ".join(parts) + ")"

    # -- pages ----------------------------------------------------------------------------

    def study_page(self, study: Study) -> str:
        current = study_src(study)
        citing = [
            {
                "claim": self.kb.claims[claim_id],
                "stance": stance.value,
                "href": self.claim_href(current, claim_id),
                "profile": self.kb.profiles[claim_id],
            }
            for claim_id, stance in self.kb.citing.get(study.key, {}).items()
        ]
        pages = sorted(self._cited_in_text.get(study.key, ()))
        inline = [{"title": self.page_title(p), "href": self.href(current, p)} for p in pages]
        graph = (
            self.local_graph(current, study_node(study.key), f"{self.label(study.key)} and the claims citing it")
            if citing
            else ""
        )
        return self._render(
            "study.html",
            s=self.study_context(study, current),
            study=study,
            abstract=study.abstract,
            citing=citing,
            inline=inline,
            graph=graph,
            bibliography_href=self.href(current, BIBLIOGRAPHY),
        )

    @cached_property
    def _cited_in_text(self) -> dict[str, set[str]]:
        """The pages whose prose cites each study."""
        pages: dict[str, set[str]] = defaultdict(set)
        for page in self.kb.pages.values():
            for citation in page.citations:
                for cited in citation.keys:
                    pages[cited.key].add(page.src_path)
        return pages

    def generated_pages(self) -> dict[str, str]:
        """Every page this renderer makes, by source path, with its title."""
        pages = {src: PAGE_TITLES[src] for src in (BIBLIOGRAPHY, CLAIMS, EVIDENCE_MAP, MATRIX)}
        for study in self.kb.cited.values():
            author, _, year = self.label(study.key).rpartition(", ")
            pages[study_src(study)] = f"{author} ({year})"
        return pages

    def generated_files(self) -> list[str]:
        """Every file graphbuild adds to a site: pages, exports, map data and assets."""
        from . import assets

        return [
            *self.generated_pages(),
            *EXPORT_FILES.values(),
            MAP_DATA,
            *(f"{ASSET_DIR}/{name}" for name in assets.files()),
        ]

    def generated_body(self, src: str) -> str:
        """The HTML body of one page from ``generated_pages``."""
        builders = {
            BIBLIOGRAPHY: self.bibliography,
            CLAIMS: self.claims_index,
            EVIDENCE_MAP: self.evidence_map,
            MATRIX: self.matrix,
        }
        if src in builders:
            return builders[src]()
        return self.study_page(self._studies_by_src[src])

    @cached_property
    def _studies_by_src(self) -> dict[str, Study]:
        return {study_src(s): s for s in self.kb.cited.values()}

    def page_title(self, src: str) -> str:
        page = self.kb.pages.get(src)
        return page.title if page else PAGE_TITLES.get(src, src)

    def bibliography(self) -> str:
        current = BIBLIOGRAPHY
        studies = sorted(self.kb.cited.values(), key=lambda s: (self.label(s.key).lower(), s.title.lower()))
        return self._render("bibliography.html", studies=[self.study_context(s, current) for s in studies])

    def claims_index(self) -> str:
        current = CLAIMS
        rows = [
            self.claim_context(c, current) | {"page_title": self.page_title(self.kb.claim_page[c.id])}
            for c in self.ordered_claims()
        ]
        return self._render(
            "claims.html",
            rows=rows,
            types=self.kb.config.claim_types,
            matrix_href=self.href(current, MATRIX),
            map_href=self.href(current, EVIDENCE_MAP),
        )

    def ordered_claims(self) -> list[Claim]:
        return sorted(self.kb.claims.values(), key=lambda c: (c.page, c.line))

    def matrix(self) -> str:
        current = MATRIX
        levels = sorted(self.kb.config.levels)
        sections = []
        for src in sorted({self.kb.claim_page[c] for c in self.kb.claims}, key=lambda s: self.kb.pages[s].path):
            rows = []
            for claim in self.kb.pages[src].claims:
                if self.kb.claims.get(claim.id) is not claim:
                    continue
                context = self.claim_context(claim, current)
                cells: dict[int | None, list[dict]] = {level: [] for level in [*levels, None]}
                for e in context["evidence"]:  # in the card's order: strongest first, then by label
                    cells.setdefault(e["study"]["level"], []).append(e)
                rows.append(context | {"cells": cells})
            sections.append({"title": self.page_title(src), "href": self.href(current, src), "rows": rows})
        return self._render(
            "matrix.html",
            sections=sections,
            levels=levels,
            scheme=self.kb.config.levels,
            claims_href=self.href(current, CLAIMS),
        )

    def evidence_map(self) -> str:
        current = EVIDENCE_MAP
        graph_edges = self.graph.number_of_edges()
        exports = [
            ("Graph (node-link JSON)", self.href(current, EXPORT_FILES["json"])),
            ("Graph (GraphML)", self.href(current, EXPORT_FILES["graphml"])),
            ("Claims and evidence (CSV)", self.href(current, EXPORT_FILES["csv"])),
        ]
        return self._render(
            "evidence_map.html",
            data_src=self.href(current, MAP_DATA),
            claims_url=self.href(current, CLAIMS),
            matrix_url=self.href(current, MATRIX),
            exports=exports,
            types=self.kb.config.claim_types,
            groups=self.kb.config.groups,
            levels=sorted(self.kb.config.levels.items()),
            stances=[s.value for s in Stance],
            stats={"claims": len(self.kb.claims), "studies": len(self.kb.cited), "edges": graph_edges},
        )

    def map_data(self) -> str:
        from .mapdata import evidence_map_data, script_json

        href = lambda n: self.node_href(EVIDENCE_MAP, n)  # noqa: E731
        return script_json(evidence_map_data(self.kb, href, graph=self.graph, facts=self.node_facts))

    def node_facts(self, node_id: str) -> dict[str, Any]:
        """A graph node's label, kind and tooltip, worked out once: a landmark study is drawn
        in the local graph of every claim citing it."""
        facts = self._node_facts.get(node_id)
        if facts is None:
            from .mapdata import node_facts

            facts = self._node_facts[node_id] = node_facts(self.kb, node_id, self.node_label)
        return facts

    @cached_property
    def _node_facts(self) -> dict[str, dict[str, Any]]:
        return {}

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The evidence graph, built once per site for the exports, the map and its counts."""
        return build_graph(self.kb)


MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


def written_to(src: str, use_directory_urls: bool = True) -> str:
    """The file a source becomes in the built site (``bibliography.md`` and
    ``bibliography/index.md`` both become ``bibliography/index.html``)."""
    if not src.lower().endswith(MARKDOWN_SUFFIXES):
        return src
    url = page_url(src, use_directory_urls)
    return url + "index.html" if url.endswith("/") or not url else url


def clashes(sources: Sequence[str], generated: Sequence[str], use_directory_urls: bool = True) -> dict[str, str]:
    """Editors' files that would be written where graphbuild writes: source -> generated."""
    ours = {written_to(src, use_directory_urls): src for src in generated}
    return {
        src: ours[written_to(src, use_directory_urls)] for src in sources if written_to(src, use_directory_urls) in ours
    }


def clash_message(src: str, dest: str, ours: str) -> str:
    return f"'{src}' would be written to '{dest}', where graphbuild writes '{ours}'; rename or remove this file"


def clash_diagnostics(kb: KnowledgeBase, sources: dict[str, str], use_directory_urls: bool) -> list[Diagnostic]:
    """An error for each editor's file (source -> the path to show) that the build would
    overwrite with a page, export or asset of graphbuild's."""
    found = clashes(list(sources), Renderer(kb, {}).generated_files(), use_directory_urls)
    return [
        error(sources[src], 1, clash_message(src, written_to(src, use_directory_urls), ours))
        for src, ours in found.items()
    ]


def process_markdown(markdown: str, facts: PageFacts, renderer: Renderer, card: Callable[[Claim], str]) -> str:
    """Replace citations and claim blocks in one page's Markdown; line count may change."""
    current = facts.src_path
    for citation in sorted(facts.citations, key=lambda c: c.start, reverse=True):
        markdown = markdown[: citation.start] + renderer.citation(citation, current) + markdown[citation.end :]
    lines = markdown.split("\n")
    for claim, block in sorted(zip(facts.claims, facts.blocks, strict=True), key=lambda p: p[1].start, reverse=True):
        if renderer.kb.claims.get(claim.id) is not claim:
            continue
        html_lines = [block.indent + line for line in card(claim).split("\n")]
        lines[block.start : block.end + 1] = ["", *html_lines, ""]
    return "\n".join(lines)
