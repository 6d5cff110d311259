"""The claims index: every claim as a row a script can filter and sort by its data
attributes (the whole table stands without it), counts that link to the filters, and the
references behind the claims shown."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphbuild.common.escaping import script_json
from graphbuild.common.urls import relative_url
from graphbuild.model.vocabulary import CERTAINTIES, STATUSES
from graphbuild.site.context import Site


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    kb, links = site.kb, site.links
    rows = [
        site.claims.view(c, current)
        | {"page_title": site.page_title(kb.claim_page[c.id]), "page_src": kb.claim_page[c.id]}
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
        {"name": "page", "label": "Page", "options": [(src, site.page_title(src)) for src in pages]},
    ]
    return {
        "rows": rows,
        "counts": counts,
        "filters": filters,
        "summary_href": links.page_href(current, "summary"),
        "matrix_href": links.page_href(current, "matrix"),
        "map_href": links.page_href(current, "map"),
        "exports": exports(site, current),
    }


def exports(site: Site, current: str) -> dict[str, Any]:
    """The claims index's downloads, and what its script needs to offer the references
    behind only the rows shown: each claim's studies (by slug, in the exports' order) and
    where each study's own file of each format is (``{slug}`` to fill in)."""
    each = {offer.label: offer for offer in site.offers.get("study", ())}
    here = site.links.urls[current]
    links = [
        d | {"each": relative_url(here, each[d["label"]].src)} if d["label"] in each else d
        for d in site.downloads(current, "claims")
    ]
    studies = {c.id: [s.slug for s in site.claims_studies([c])] for c in site.kb.ordered_claims}
    return {"links": links, "studies_json": script_json(studies, site.templates.markdown_safe)}
