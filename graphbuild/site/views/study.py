"""A study's own page: its reference to read and copy, its downloads, what it is, and every
claim that cites it with the stance, linked back."""

from __future__ import annotations

from typing import Any

from graphbuild.formats.graph import study_node
from graphbuild.formats.linkeddata import study_jsonld
from graphbuild.model.bibliography import Study
from graphbuild.site.context import Site


def context(site: Site, current: str, study: Study) -> dict[str, Any]:
    kb, links = site.kb, site.links
    citing = [
        {
            "claim": kb.claims[claim_id],
            "stance": stance,
            "href": links.claim_href(current, claim_id),
            "profile": kb.profiles[claim_id],
            "assessment": kb.assessments[claim_id],
        }
        for claim_id, stance in kb.citing.get(study.key, {}).items()
    ]
    inline = [
        {"title": site.page_title(p), "href": links.href(current, p)} for p in kb.cited_in_text.get(study.key, ())
    ]
    label = kb.label(study.key)
    # A graph of one line says nothing the table above it does not.
    many = len(citing) > 1
    graph = site.claims.local_graph(current, study_node(study.key), f"{label} and the claims citing it") if many else ""
    view = site.studies.view(study, current)
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
        "bibliography_href": links.page_href(current, "bibliography"),
        "downloads": beside(site, current, study),
        "jsonld": site.claims.jsonld(study_jsonld(study, links.iri(current))),
        "copy_tail": _copy_tail(view),
    }


def head(site: Site, current: str, study: Study) -> dict[str, Any]:
    """What a study page's head needs (its ``citation_*`` tags): its parts, not its graph."""
    return {"s": site.studies.view(study, current), "study": study}


def beside(site: Site, current: str, study: Study) -> list[dict[str, str]]:
    """The study's own citation files, linked from its page: they share a folder, so one
    relative link is worked out and the others differ only in their names."""
    offers = site.offers.get("study", ())
    if not offers:
        return []
    first = offers[0].src.format(slug=study.slug)
    folder = site.links.href(current, first).removesuffix(first.rpartition("/")[2])
    return [
        {"label": o.label, "href": folder + o.src.format(slug=study.slug).rpartition("/")[2], "each": ""}
        for o in offers
    ]


def _copy_tail(view: dict[str, Any]) -> str | None:
    """What the citation to copy adds to the reference a study page shows (its DOI or URL as
    the style writes it): the page then shows the reference once. None where the style puts
    the link inside the reference: the page then shows the whole citation to copy too."""
    whole, shown = " ".join(view["cite_text"].split()), " ".join(view["ref_text"].split())
    return whole[len(shown) :] if whole.startswith(shown) else None
