"""The evidence matrix: claims, by page, against evidence levels, each cell the studies and
their stances; and the gap map of claim types against whom the claims concern."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphbuild.model.vocabulary import CERTAINTIES
from graphbuild.site.context import Site


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    levels = sorted(site.kb.config.levels)
    sections = []
    for src, claims in site.claims_by_page():
        rows = []
        for claim in claims:
            view = site.claims.view(claim, current)
            cells: dict[int | None, list[dict]] = {level: [] for level in [*levels, None]}
            for e in view["evidence"]:  # in the card's order: strongest first, then by label
                cells.setdefault(e["level"], []).append(e)
            rows.append(view | {"cells": cells})
        sections.append({"title": site.page_title(src), "href": site.links.href(current, src), "rows": rows})
    return {
        "sections": sections,
        "levels": levels,
        "scheme": site.kb.config.levels,
        "claims_href": site.links.page_href(current, "claims"),
        "gap": gap_map(site, current),
    }


def gap_map(site: Site, current: str) -> dict[str, Any]:
    """Claim types against who the claims concern: in each cell the number of claims and
    of the studies behind them, their certainty and how many are contested, and a link
    to those claims in the index. An empty cell is a gap in the evidence."""
    kb = site.kb
    groups: list[str | None] = list(kb.config.groups)
    if any(c.group is None for c in kb.claims.values()):
        groups.append(None)
    index = site.links.page_href(current, "claims")
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
