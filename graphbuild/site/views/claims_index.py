"""The claims index: every claim as a row a script can filter and sort by its data
attributes (the whole table stands without it), counts that link to the filters, and the
references behind the claims shown. Each row leads with the claim's key message; the
kinds of evidence behind it count each study with the design it contributes to the claim."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphbuild.common.escaping import script_json
from graphbuild.common.urls import relative_url
from graphbuild.model.evidence import evidence_kind_counts, evidence_kinds
from graphbuild.model.vocabulary import CERTAINTIES, NOT_ASSESSED, STATUSES, UNRATED
from graphbuild.site.context import Site


def certainty_filter_value(state: str) -> str:
    """A row's value for the certainty filter: its rating, why it has none, or ``none``
    (not yet assessed, as addresses bookmarked before other reasons existed say)."""
    return "none" if state == NOT_ASSESSED else state


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    kb, links = site.kb, site.links
    rows = [
        site.claims.view(c, current)
        | {
            "page_title": site.page_title(kb.claim_page[c.id]),
            "page_src": kb.claim_page[c.id],
            "certainty_value": certainty_filter_value(kb.assessments[c.id].state),
            "kinds": evidence_kinds(c, kb.bibliography.studies),
        }
        for c in kb.ordered_claims
    ]
    statuses = Counter(r["profile"].status for r in rows)
    ratings = Counter(r["certainty_value"] for r in rows)
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
    counts += [
        {"query": f"certainty={value}", "count": ratings[value], "label": term.label.lower()}
        for term in UNRATED
        for value in [certainty_filter_value(term.value)]
        if ratings[value]
    ]
    pages = sorted({kb.claim_page[c.id] for c in kb.claims.values()}, key=lambda src: kb.pages[src].path)
    filters = [
        {"name": "direction", "label": "Direction", "options": [(s.value, s.word) for s in STATUSES]},
        {
            "name": "certainty",
            "label": "Certainty",
            "options": [(c.value, c.word) for c in CERTAINTIES]
            + [(certainty_filter_value(t.value), t.label.lower()) for t in UNRATED],
        },
        {
            "name": "evidence",
            "label": "Evidence from",
            "many": True,  # a claim matches any kind of evidence behind it
            "options": [
                (value, f"{word} ({count})")
                for value, word, count in evidence_kind_counts(kb.ordered_claims, kb.bibliography.studies)
            ],
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
        "searched": kb.config.evidence_searched,
    }


def exports(site: Site, current: str) -> dict[str, Any]:
    """The claims index's downloads, and what its script needs to offer the references
    behind only the rows shown: each claim's studies (by slug, in the exports' order) and
    where each study's own file of each format is (``{slug}`` to fill in)."""
    each = {offer.citation_format: offer for offer in site.offers.get("study", ())}
    here = site.links.urls[current]
    links = [
        d | {"each": relative_url(here, each[d["format"]].src)} if d["format"] in each else d
        for d in site.downloads(current, "claims")
    ]
    studies = {c.id: [s.slug for s in site.claims_studies([c])] for c in site.kb.ordered_claims}
    return {"links": links, "studies_json": script_json(studies, site.templates.markdown_safe)}
