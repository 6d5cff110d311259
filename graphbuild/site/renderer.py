"""HTML for claim cards, citations and the generated pages, from overridable templates.

Every string from a ``.bib`` file or a claim passes through Jinja's autoescaping; text that
Markdown will still see (inline citations, and everything in the Markdown tree) is also
entity-encoded so that Markdown syntax in a hostile title stays text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from graphbuild.model.bibliography import Study
from graphbuild.model.certainty import link_design
from graphbuild.model.citations import Citation
from graphbuild.model.claims import Claim
from graphbuild.common.escaping import entity_text, markdown_inert, script_json
from graphbuild.model.evidence import EvidenceProfile, count_phrase, join_words
from graphbuild.formats.records import CitationFormat, excluded_fields
from graphbuild.common.files import Writer
from graphbuild.model.formatting import doi_href, relative_url, safe_href
from graphbuild.formats.graph import build_graph, claim_node, study_node
from graphbuild.model.knowledge import KnowledgeBase, SourcePage
from graphbuild.formats.linkeddata import claim_jsonld, graph_jsonld, jsonld_script, jsonld_text, study_jsonld
from graphbuild.formats.linkeddata import document as jsonld_document
from graphbuild.formats.metatags import citation_meta
from graphbuild.site.registry import (
    FILES,
    PAGE,
    GeneratedFile,
    GeneratedPage,
    Planned,
    SiteSettings,
    claim_stub_src,
    offered_on,
    study_file_src,
    study_src,
)
from graphbuild.formats.styles import CitationStyle, InlineForm, PageReferences, Reference, load_style, number_citations
from graphbuild.model.vocabulary import (
    APPROACH,
    CERTAINTIES,
    CERTAINTY,
    DOMAIN,
    STANCE,
    STANCES,
    STATUS,
    STATUSES,
    design_noun,
    level_mark,
)


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
        self,
        kb: KnowledgeBase,
        urls: dict[str, str],
        template_dirs: Sequence[Path] = (),
        markdown_safe: bool = False,
        site: SiteSettings | None = None,
        search_entries: bool = False,
        style: CitationStyle | None = None,
    ):
        """``markdown_safe``: the HTML will be read by Markdown again (``graphbuild render``),
        so every value is also entity-encoded against Markdown, not only HTML-escaped.
        ``site``: what ``mkdocs.yml`` says of the whole site (its ``url`` is ``graph.jsonld``'s
        ``@base``). ``search_entries``: each claim has a search entry of its own
        (``graphbuild.formats.search``), so its card stays out of its page's search text. ``style``:
        the site's citation style (the default if not given)."""
        self.kb = kb
        self.site = site or SiteSettings()
        self.style = style or load_style(None, Path("."))
        self.markdown_safe = markdown_safe
        self.urls = urls
        self._study_cache: dict[str, dict] = {}
        self._hrefs: dict[tuple[str, str], str] = {}
        self._hrefs_from = ""
        self._templates: dict[str, jinja2.Template] = {}
        self._fragments: dict[tuple, Markup] = {}
        self._references: dict[str, Reference] = {}
        self._records: dict[tuple[str, str], str] = {}
        self._study_nodes: dict[str, dict[str, Any]] = {}
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(d) for d in template_dirs if d.is_dir()])]
        loaders.append(jinja2.PackageLoader("graphbuild.site", "templates"))
        self.env = _Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,  # one renderer per build: no need to stat templates on every use
            finalize=markdown_inert if markdown_safe else None,
        )
        self.env.globals.update(
            stance_terms=STANCES,
            stance_term=STANCE,
            status_terms=STATUSES,
            status_term=STATUS,
            certainty_terms=CERTAINTIES,
            certainty_term=CERTAINTY,
            domain_term=DOMAIN,
            approach_term=APPROACH,
            certainty_html=self.certainty_html,
            design_noun=design_noun,
            level_mark=level_mark,
            level_label=self.level_label,
            stance_html=self.stance_html,
            status_html=self.status_html,
            search_entries=search_entries,
            cite_form=_form(self.style.inline),
            citation_meta=citation_meta,
        )

    # -- links ----------------------------------------------------------------------------

    def href(self, current: str, target_src: str, fragment: str = "") -> str:
        """A link from one source's page to another's. Pages are made one at a time, so the
        links of the page being made are kept, for the many times a page links to the same
        place, and let go with the next page: kept for the whole site, they were 84,000 at
        6,000 studies, nearly all used once."""
        if current != self._hrefs_from:
            self._hrefs, self._hrefs_from = {}, current
        key = (target_src, fragment)
        link = self._hrefs.get(key)
        if link is None:
            target = self.urls[target_src] + (f"#{fragment}" if fragment else "")
            link = self._hrefs[key] = relative_url(self.urls[current], target)
        return link

    def page_href(self, current: str, name: str, fragment: str = "") -> str:
        """A link to one of the generated pages of ``site.PAGES``, by its name."""
        return self.href(current, PAGE[name].src, fragment)

    def study_href(self, current: str, key: str) -> str:
        return self.href(current, study_src(self.kb.bibliography[key]))

    def claim_href(self, current: str, claim_id: str) -> str:
        return self.href(current, self.kb.claim_page[claim_id], claim_id)

    def claim_permalink(self, current: str, claim_id: str) -> str:
        """A link to the claim's permanent address, ``claims/<id>/``, which leads to its card."""
        link = self.href(current, claim_stub_src(claim_id))
        return link.removesuffix("index.html") if self.site.directory_urls else link

    def node_href(self, current: str, node_id: str) -> str:
        kind, _, ident = node_id.partition(":")
        return self.claim_href(current, ident) if kind == "claim" else self.study_href(current, ident)

    def node_label(self, node_id: str) -> str:
        from graphbuild.formats.mapdata import short_label

        kind, _, ident = node_id.partition(":")
        return short_label(self.kb.claims[ident].statement) if kind == "claim" else self.kb.label(ident)

    def level_label(self, level: int | None) -> str:
        return "unrated" if level is None else f"level {level}"

    # -- pieces ---------------------------------------------------------------------------

    def _render(self, template: str, **context: Any) -> str:
        text = self._template(template).render(**context)
        return "\n".join(line for line in text.splitlines() if line.strip())

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
    def _macros(self) -> Any:
        """``macros.html`` (a site may override it), whose small pieces are rendered once
        per study or value and reused: a Jinja macro call per table cell is most of the
        cost of 6,000 study pages."""
        return self._template("macros.html").make_module()

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

    def certainty_html(self, rating: str | None) -> Markup:
        return self._macro("certainty", rating)

    def study_view(self, study: Study, current: str) -> dict:
        """What a page says of a study, with a link to its page from ``current``."""
        return {**self._study_parts(study), "href": self.study_href(current, study.key)}

    def _study_parts(self, study: Study) -> dict:
        """What every page says of a study, worked out once: a landmark study appears thousands of times."""
        parts = self._study_cache.get(study.key)
        if parts is None:
            parts = self._study_cache[study.key] = self._study_fields(study)
            parts["reference_html"] = self._macros.reference(parts)
            parts["links_html"] = self._macros.links(parts)
            parts["badge_html"] = self._badge(parts["level"], parts["design"])
            if not self.style.numeric:  # only a numbered list links a title from its parts
                del parts["segments"]
        return parts

    def _study_fields(self, study: Study) -> dict:
        """``segments``: the reference as the site's style writes it, less the DOI and URL
        (the page links them beside it); ``cite_text``: the whole of it, to copy."""
        # The formatted reference is kept only until the study's parts are made from it
        # (a numeric style's numbering may have asked for it first): 6,000 are megabytes.
        reference = self._references.pop(study.key, None) or self.style.reference(study)
        shown = reference.without_links()
        return {
            "key": study.key,
            "label": self.kb.label(study.key),
            "design": study.design,
            "design_name": design_noun(study.design, 1) if study.design else "unrated",
            "level": study.level,
            "segments": shown.segments,
            "ref_text": shown.text,
            "cite_text": reference.text,
            "doi": study.doi,
            "doi_href": doi_href(study.doi),
            "url": study.url,
            "url_href": safe_href(study.url),
            "entry_type": study.entry_type,
        }

    def claim_view(self, claim: Claim, current: str) -> dict:
        """What a page says of a claim; each study with the design it contributes to it."""
        evidence: list[dict] = []
        for item in claim.evidence:
            study = self.kb.bibliography.studies.get(item.key)
            if study is None:
                continue
            view = self.study_view(study, current)
            design = link_design(item.design, study)
            level = self.kb.config.level_of(design)
            badge = view["badge_html"] if design == study.design else self._badge(level, design)
            evidence.append(
                {
                    "stance": item.stance,
                    "note": item.note,
                    "study": view,
                    "design": design,
                    "level": level,
                    "badge_html": badge,
                }
            )
        evidence.sort(key=lambda e: (e["level"] or 99, e["study"]["label"]))
        assessment = self.kb.assessments[claim.id]
        return {
            "claim": claim,
            "profile": self.kb.profiles[claim.id],
            "assessment": assessment,
            "approach": APPROACH[assessment.approach],
            "evidence": evidence,
            "map_href": self.page_href(current, "map", f"claim:{claim.id}"),
            "summary_href": self.page_href(current, "summary", f"sof-{claim.id}"),
            "page_href": self.claim_href(current, claim.id),
            "permalink": self.claim_permalink(current, claim.id),
            "dates_html": self.claim_dates_html(claim.id),
        }

    def claim_dates_html(self, claim_id: str) -> Markup:
        """When the claim's evidence last changed and when it was added, from the site's
        history; empty where the history cannot say."""
        if self.kb.history is None:
            return Markup("")
        dates = self.kb.history.dates(claim_id)
        changed, added = dates.evidence_changed, dates.added
        return self._macro(
            "claim_dates",
            changed.day if changed else None,
            changed.date[:10] if changed else None,
            added.day if added else None,
            added.date[:10] if added else None,
        )

    def _badge(self, level: int | None, design: str | None) -> Markup:
        return self._macro("level_badge", level, design_noun(design, 1) if design else "unrated")

    def local_graph(self, current: str, node_id: str, label: str) -> str:
        """The disclosure a claim card or a study page draws its neighbourhood in: the
        script draws it from the evidence map's data, which holds every node."""
        kind, _, ident = node_id.partition(":")
        slug = ident if kind == "claim" else self.kb.bibliography[ident].slug
        return self._render(
            "local_graph.html",
            data_id=f"gb-graph-{kind}-{slug}",
            node=node_id,
            label=label,
            map_src=self.href(current, next(f.src for f in FILES if f.name == "map-data")),
        )

    def card(self, claim: Claim, current: str) -> str:
        view = self.claim_view(claim, current)
        # A graph of one line says nothing the table above it does not.
        many = len(view["evidence"]) > 1
        graph = self.local_graph(current, claim_node(claim.id), f"claim {claim.id} and its studies") if many else ""
        jsonld = self.jsonld(claim_jsonld(claim, self.iri(current), self.kb.bibliography.studies, self._status(claim)))
        return self._render("claim_card.html", graph=graph, jsonld=jsonld, **view)

    def broken_claim(self, problems: list[str]) -> str:
        """What a claim block that could not be read shows while an editor previews the site
        (``mkdocs serve``): its problems, where the card would be."""
        return self._render("broken_claim.html", problems=problems)

    def citation(self, citation: Citation, current: str, numbering: PageReferences | None = None) -> str:
        """``(Mead & MacNeil, 2006, p. 4; Pitt et al., 2013)``, or in a numeric style ``(1, p.
        4; 3)`` with the page's ``numbering``, from the ``citation`` macro.

        The citation stays in the Markdown (a heading's table-of-contents entry must read
        it), so every value is encoded against Markdown as well as HTML."""
        items = []
        for cited in citation.keys:
            study = self.kb.bibliography.studies.get(cited.key)
            item = {
                "key": _inert(cited.key),
                "prefix": _inert(cited.prefix),
                "locator": _inert(cited.locator),
                "found": study is not None,
                "number": None,
            }
            if study is not None:
                number = numbering.numbers.get(study.key) if numbering is not None else None
                item.update(
                    href=self.study_href(current, study.key),
                    label=_inert(str(number) if number is not None else self.kb.label(study.key)),
                    ref=_inert(self._study_parts(study)["ref_text"]),
                    number=number,
                )
            items.append(item)
        return str(self._macros.citation(items)).strip()

    # -- numeric styles: each page's own reference list ----------------------------------

    def numbering(self, page: SourcePage) -> PageReferences | None:
        """In a numeric style, the page's numbers, in order of first citation in its prose;
        in an author-year style, None."""
        if not self.style.numeric:
            return None
        keys = (cited.key for citation in page.citations for cited in citation.keys)
        return number_citations(keys, self.kb.bibliography.studies, _Formatted(self))

    def _reference(self, study: Study) -> Reference:
        """A study's reference in the site's style, formatted once for every page."""
        reference = self._references.get(study.key)
        if reference is None:
            reference = self._references[study.key] = self.style.reference(study)
        return reference

    def reference_list(self, numbering: PageReferences | None, current: str) -> str:
        """The numbered list that ends a page of a numeric style; nothing when it cites nothing."""
        if numbering is None or not numbering.entries:
            return ""
        entries = []
        for entry in numbering.entries:
            view = self.study_view(self.kb.bibliography[entry.key], current)
            titled = any(role == "title" for role, _ in view["segments"])
            linked = self._macros.reference(view, view["href"]) if titled else ""
            entries.append({"number": entry.number, "study": view, "linked": linked})
        return self._render("references.html", entries=entries)

    # -- generated pages and files ---------------------------------------------------------

    def page_body(self, planned: Planned) -> str:
        """The HTML body of a generated page of ``site.plan``."""
        page = planned.output
        assert isinstance(page, GeneratedPage)
        context = page.context(self, planned.src, planned.subject) if page.context else self.plain_context(planned.src)
        return self._render(page.template, **context)

    def plain_context(self, current: str) -> dict[str, Any]:
        """What a generated page without a context of its own gets: enough for a new list."""
        kb = self.kb
        return {
            "claims": [
                self.claim_view(c, current) | {"page_title": self.page_title(kb.claim_page[c.id])}
                for c in kb.ordered_claims
            ],
            "studies": [self.study_view(s, current) for s in sorted(kb.cited.values(), key=lambda s: kb.label(s.key))],
        }

    def page_head(self, planned: Planned) -> str:
        """What a generated page in a ``layout`` adds to its ``<head>`` (its ``head`` template)."""
        page = planned.output
        assert isinstance(page, GeneratedPage)
        if not page.head:
            return ""
        subject = planned.subject
        if isinstance(subject, Study):  # what a study's head needs: its parts, not its page's graph
            return self._render(page.head, s=self.study_view(subject, planned.src), study=subject)
        context = page.context(self, planned.src, subject) if page.context else self.plain_context(planned.src)
        return self._render(page.head, **context)

    def file_content(self, planned: Planned) -> str:
        """The text of a generated file of ``site.plan``."""
        file = planned.output
        assert isinstance(file, GeneratedFile)
        return file.build(self) if file.each is None else file.build(self, planned.subject)

    def page_title(self, src: str) -> str:
        page = self.kb.pages.get(src)
        if page is not None:
            return page.title
        return next((p.title for p in PAGE.values() if p.src == src), src)

    def study_context_page(self, study: Study, current: str) -> dict[str, Any]:
        citing = [
            {
                "claim": self.kb.claims[claim_id],
                "stance": stance,
                "href": self.claim_href(current, claim_id),
                "profile": self.kb.profiles[claim_id],
                "assessment": self.kb.assessments[claim_id],
            }
            for claim_id, stance in self.kb.citing.get(study.key, {}).items()
        ]
        inline = [
            {"title": self.page_title(p), "href": self.href(current, p)}
            for p in self.kb.cited_in_text.get(study.key, ())
        ]
        label = self.kb.label(study.key)
        # A graph of one line says nothing the table above it does not.
        many = len(citing) > 1
        graph = self.local_graph(current, study_node(study.key), f"{label} and the claims citing it") if many else ""
        view = self.study_view(study, current)
        return {
            "s": view,
            "study": study,
            "about": {
                "summary": study.text("summary"),
                "population": study.text("population"),
                "setting": ", ".join(p for p in (study.text("setting"), study.text("country")) if p),
                "sample": study.text("sample"),
            },
            "abstract": study.abstract,
            "citing": citing,
            "inline": inline,
            "graph": graph,
            "bibliography_href": self.page_href(current, "bibliography"),
            "downloads": self._beside(current, study),
            "jsonld": self.jsonld(self.study_node(study, self.iri(current), last=True)),
            "copy_tail": _copy_tail(view),
        }

    def _beside(self, current: str, study: Study) -> list[dict[str, str]]:
        """The study's own citation files, linked from its page: they share a folder, so one
        relative link is worked out and the others differ only in their names."""
        files = offered_on("study")
        if not files:
            return []
        first = study_file_src(files[0], study.slug)
        folder = self.href(current, first).removesuffix(first.rpartition("/")[2])
        return [
            {"label": f.label, "href": folder + study_file_src(f, study.slug).rpartition("/")[2], "each": ""}
            for f in files
        ]

    def bibliography_order(self) -> list[Study]:
        """Every cited study, in author-year order: the bibliography's and its exports'."""
        return sorted(self.kb.cited.values(), key=lambda s: (self.kb.label(s.key).lower(), s.title.lower()))

    def bibliography_context(self, current: str) -> dict[str, Any]:
        return {
            "studies": [self.study_view(s, current) for s in self.bibliography_order()],
            "downloads": self._downloads(current, "bibliography"),
        }

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

    def claims_context(self, current: str) -> dict[str, Any]:
        """The claims index: every claim as a row a script can filter and sort by its data
        attributes (the whole table stands without it), and counts that link to the filters."""
        kb = self.kb
        rows = [
            self.claim_view(c, current)
            | {"page_title": self.page_title(kb.claim_page[c.id]), "page_src": kb.claim_page[c.id]}
            for c in kb.ordered_claims
        ]
        statuses = Counter(r["profile"].status for r in rows)
        ratings = Counter(r["assessment"].rating or "none" for r in rows)
        counts = [
            {"query": f"direction={s.value}", "count": statuses[s.value], "label": s.word}
            for s in STATUSES
            if statuses[s.value]
        ]
        counts += [
            {"query": f"certainty={c.value}", "count": ratings[c.value], "label": f"{c.word} certainty"}
            for c in CERTAINTIES
            if ratings[c.value]
        ]
        if ratings["none"]:
            counts.append({"query": "certainty=none", "count": ratings["none"], "label": "not assessed"})
        pages = sorted({kb.claim_page[c.id] for c in kb.claims.values()}, key=lambda src: kb.pages[src].path)
        filters = [
            {"name": "direction", "label": "Direction", "options": [(s.value, s.word) for s in STATUSES]},
            {
                "name": "certainty",
                "label": "Certainty",
                "options": [(c.value, c.word) for c in CERTAINTIES] + [("none", "not assessed")],
            },
            {"name": "type", "label": "Type", "options": [(t, t.replace("-", " ")) for t in kb.config.claim_types]},
            {
                "name": "group",
                "label": "Who",
                "options": [(g, g.replace("-", " ")) for g in kb.config.groups] + [("none", "not stated")],
            },
            {"name": "page", "label": "Page", "options": [(src, self.page_title(src)) for src in pages]},
        ]
        return {
            "rows": rows,
            "counts": counts,
            "filters": filters,
            "summary_href": self.page_href(current, "summary"),
            "matrix_href": self.page_href(current, "matrix"),
            "map_href": self.page_href(current, "map"),
            "exports": self.claims_exports(current),
        }

    def claims_exports(self, current: str) -> dict[str, Any]:
        """The claims index's downloads, and what its script needs to offer the references
        behind only the rows shown: each claim's studies (by slug, in the exports' order)
        and where each study's own file of each format is (``{slug}`` to fill in)."""
        each = {f.label: f for f in offered_on("study")}
        links = [
            d | {"each": relative_url(self.urls[current], study_file_src(each[d["label"]], "{slug}"))}
            if d["label"] in each
            else d
            for d in self._downloads(current, "claims")
        ]
        studies = {c.id: [s.slug for s in self.claims_studies([c])] for c in self.kb.ordered_claims}
        return {"links": links, "studies_json": script_json(studies, self.markdown_safe)}

    def _downloads(self, current: str, page: str) -> list[dict[str, str]]:
        return [{"label": f.label, "href": self.href(current, f.src), "each": ""} for f in offered_on(page, self.kb)]

    def matrix_context(self, current: str) -> dict[str, Any]:
        levels = sorted(self.kb.config.levels)
        sections = []
        for src, claims in self._claims_by_page():
            rows = []
            for claim in claims:
                view = self.claim_view(claim, current)
                cells: dict[int | None, list[dict]] = {level: [] for level in [*levels, None]}
                for e in view["evidence"]:  # in the card's order: strongest first, then by label
                    cells.setdefault(e["level"], []).append(e)
                rows.append(view | {"cells": cells})
            sections.append({"title": self.page_title(src), "href": self.href(current, src), "rows": rows})
        return {
            "sections": sections,
            "levels": levels,
            "scheme": self.kb.config.levels,
            "claims_href": self.page_href(current, "claims"),
            "gap": self.gap_map(current),
        }

    def gap_map(self, current: str) -> dict[str, Any]:
        """Claim types against who the claims concern: in each cell the number of claims and
        of the studies behind them, their certainty and how many are contested, and a link
        to those claims in the index. An empty cell is a gap in the evidence."""
        kb = self.kb
        groups: list[str | None] = list(kb.config.groups)
        if any(c.group is None for c in kb.claims.values()):
            groups.append(None)
        index = self.page_href(current, "claims")
        rows: list[dict[str, Any]] = []
        for claim_type in kb.config.claim_types:
            cells: list[dict[str, Any]] = []
            for group in groups:
                claims = [c for c in kb.ordered_claims if c.type == claim_type and c.group == group]
                ratings = Counter(kb.assessments[c.id].rating or "none" for c in claims)
                studies = {e.key for c in claims for e in c.evidence if e.key in kb.bibliography}
                # the certainty most of them have (on a tie, the lower): a cell of one
                # moderate and eight very low claims is not moderate evidence
                rated = [t.value for t in reversed(CERTAINTIES) if ratings[t.value]]
                typical = max(rated, key=lambda value: ratings[value]) if rated else None
                cells.append(
                    {
                        "group": group,
                        "claims": len(claims),
                        "studies": len(studies),
                        "contested": sum(kb.profiles[c.id].contested for c in claims),
                        "ratings": [(t.value, ratings[t.value]) for t in CERTAINTIES if ratings[t.value]],
                        "unrated": ratings["none"],
                        "typical": typical,
                        "href": f"{index}?type={claim_type}&group={group or 'none'}",
                    }
                )
            rows.append({"type": claim_type, "cells": cells})
        most = max((cell["claims"] for row in rows for cell in row["cells"]), default=0) or 1
        for row in rows:
            for cell in row["cells"]:
                cell["size"] = round(1.2 + 2.3 * (cell["claims"] / most) ** 0.5, 2)  # bubble diameter, rem
        return {"groups": groups, "rows": rows}

    def summary_context(self, current: str) -> dict[str, Any]:
        """The summary of findings: per page, each claim's key message, its studies by design,
        its certainty with the reasons, and its direction."""
        sections = []
        for src, claims in self._claims_by_page():
            rows = []
            for claim in claims:
                view = self.claim_view(claim, current)
                designs: dict[str | None, int] = {}
                for e in view["evidence"]:
                    designs[e["design"]] = designs.get(e["design"], 0) + 1
                phrase = join_words([count_phrase(n, d) for d, n in designs.items()])
                rows.append(view | {"studies": phrase[:1].upper() + phrase[1:]})
            sections.append({"title": self.page_title(src), "href": self.href(current, src), "rows": rows})
        return {"sections": sections, "claims_href": self.page_href(current, "claims")}

    def _claims_by_page(self) -> list[tuple[str, list[Claim]]]:
        """Each page with claims, in the order of its path, and its claims down the page."""
        pages = sorted({self.kb.claim_page[c] for c in self.kb.claims}, key=lambda s: self.kb.pages[s].path)
        return [(src, [c for c in self.kb.pages[src].claims if self.kb.claims.get(c.id) is c]) for src in pages]

    def map_context(self, current: str) -> dict[str, Any]:
        exports = [(f.label, self.href(current, f.src)) for f in offered_on("map")]
        return {
            "data_src": self.href(current, next(f.src for f in FILES if f.name == "map-data")),
            "claims_url": self.page_href(current, "claims"),
            "matrix_url": self.page_href(current, "matrix"),
            "exports": exports,
            "types": self.kb.config.claim_types,
            "groups": self.kb.config.groups,
            "levels": sorted(self.kb.config.levels.items()),
            "stats": {
                "claims": len(self.kb.claims),
                "studies": sum(1 for key in self.kb.cited if key in self.kb.citing),
                "edges": len(
                    {
                        (c.id, e.key)
                        for c in self.kb.claims.values()
                        for e in c.evidence
                        if e.key in self.kb.bibliography
                    }
                ),
                "unlinked": sum(1 for key in self.kb.cited if key not in self.kb.citing),
            },
            "bibliography_href": self.page_href(current, "bibliography"),
        }

    def map_data(self) -> str:
        from graphbuild.formats.mapdata import evidence_map_data

        href = lambda n: self.node_href(PAGE["map"].src, n)  # noqa: E731
        return script_json(evidence_map_data(self.kb, href, graph=self.graph, summary=self.node_summary))

    def node_summary(self, node_id: str) -> dict[str, Any]:
        """A graph node's label, kind and tooltip on the map."""
        from graphbuild.formats.mapdata import node_summary

        return node_summary(self.kb, node_id, self.node_label)

    def release_graph(self) -> None:
        """Let the graph go once the exports and the map's data are made (20 MB at 6,000
        studies)."""
        self.__dict__.pop("graph", None)

    # -- citation exports ------------------------------------------------------------------

    def citation_file(self, fmt: CitationFormat, studies: Iterable[Study]) -> str:
        """``studies`` in a citation format: each study's record is written once per build,
        for its own file and for every list it is in."""
        omit = excluded_fields(self.kb.config.bibtex_omit_fields)
        records = []
        for study in studies:
            key = (fmt.name, study.key)
            record = self._records.get(key)
            if record is None:
                record = self._records[key] = fmt.record(study, omit)
            records.append(record)
        return fmt.join(records)

    def release_records(self) -> None:
        """Forget the citation records, once every file that lists them is written: a large
        site keeps tens of megabytes in them, and the study pages only link to them."""
        self._records.clear()

    def release_exports(self) -> None:
        """Forget the citation records and linked-data nodes kept for the generated files,
        once they are written: a large site keeps tens of megabytes in them."""
        self.release_records()
        self._study_nodes.clear()

    # -- linked data -----------------------------------------------------------------------

    def iri(self, current: str | None) -> Callable[[str], str]:
        """A graph node's identifier as a link from the page ``current``, whose JSON-LD
        resolves it against the page's own URL, or from the site's root if ``current`` is
        None (``graph.jsonld``, whose ``@base`` is the site's URL)."""

        def iri(node_id: str) -> str:
            kind, _, ident = node_id.partition(":")
            if kind == "claim":
                src, fragment = self.kb.claim_page[ident], ident
            else:
                src, fragment = study_src(self.kb.bibliography[ident]), ""
            if current is None:
                return relative_url("", self.urls[src] + (f"#{fragment}" if fragment else ""))
            return self.href(current, src, fragment)

        return iri

    def jsonld(self, node: dict[str, Any]) -> Markup:
        """A node as a page's ``<script type="application/ld+json">``, inert in HTML (and in
        Markdown, for the Markdown tree)."""
        return Markup(jsonld_script(jsonld_document(node), self.markdown_safe))

    def study_node(self, study: Study, iri: Callable[[str], str], last: bool = False) -> dict[str, Any]:
        """A study's linked-data node, made once for its page and ``graph.jsonld``; only its
        identifier depends on where it is written. ``last``: the study's page, which needs
        it last (``graph.jsonld`` is written first, or in another process), so it is not
        kept: 6,000 nodes are megabytes."""
        node = self._study_nodes.pop(study.key, None) if last else self._study_nodes.get(study.key)
        if node is None:
            node = study_jsonld(study, lambda _: "")
            if not last:
                self._study_nodes[study.key] = node
        return {**node, "@id": iri(f"study:{study.key}")}

    def _status(self, claim: Claim) -> str:
        return self.kb.profiles[claim.id].status

    def graph_jsonld(self, current: str) -> str:
        """``evidence/graph.jsonld``: every claim and every cited study."""
        statuses = {c.id: self._status(c) for c in self.kb.ordered_claims}
        base = self.site.url.rstrip("/") + "/" if self.site.url else None
        claims, studies, iri = self.kb.ordered_claims, self.kb.cited, self.iri(None if base else current)
        return jsonld_text(graph_jsonld(claims, studies, iri, statuses, study_node=self.study_node, base=base))

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The evidence graph, built once per site for the exports, the map and its counts."""
        return build_graph(self.kb)


def _inert(text: str) -> Markup:
    return Markup(entity_text(text))


class _Formatted:
    """The site's style, through the renderer's memo of formatted references."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    def references(self, studies: Iterable[Study]) -> dict[str, Reference]:
        return {study.key: self.renderer._reference(study) for study in studies}


_PLAIN_PUNCTUATION = frozenset("(),;. ")


def _form(form: InlineForm) -> dict[str, Markup]:
    """A style's brackets and separators: the built-in styles' parentheses, commas and
    semicolons as they are, anything else (a ``.csl`` style's ``[``, say) encoded against
    Markdown as citations' values are."""
    parts = ("open", "close", "separator", "locator_separator", "separator_with_locators")
    return {
        part: Markup(value) if set(value) <= _PLAIN_PUNCTUATION else _inert(value)
        for part in parts
        for value in [getattr(form, part)]
    }


def write_exports(renderer: Renderer, exports: list[tuple[str, Planned]]) -> None:
    """Each export (its path, its plan) to its file; then the graph and the citation
    records, which only the exports read, are let go (in a forked child, they never reach
    the parent: graphbuild.common.background)."""
    writer = Writer()
    for dest, item in exports:
        writer.write(dest, renderer.file_content(item))
    renderer.release_graph()
    renderer.release_records()


def _copy_tail(view: dict[str, Any]) -> str | None:
    """What the citation to copy adds to the reference a study page shows (its DOI or URL as
    the style writes it): the page then shows the reference once. None where the style puts
    the link inside the reference: the page then shows the whole citation to copy too."""
    whole, shown = " ".join(view["cite_text"].split()), " ".join(view["ref_text"].split())
    return whole[len(shown) :] if whole.startswith(shown) else None
