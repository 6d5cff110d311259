"""The summary of findings: per page, each claim's key message, its studies by design, its
certainty with the reasons, and its direction."""

from __future__ import annotations

from typing import Any

from graphbuild.model.evidence import count_phrase, join_words
from graphbuild.site.context import Site


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    sections = []
    for src, claims in site.claims_by_page():
        rows = []
        for claim in claims:
            view = site.claims.view(claim, current)
            designs: dict[str | None, int] = {}
            for e in view["evidence"]:
                designs[e["design"]] = designs.get(e["design"], 0) + 1
            phrase = join_words([count_phrase(n, d) for d, n in designs.items()])
            rows.append(view | {"studies": phrase[:1].upper() + phrase[1:]})
        sections.append({"title": site.page_title(src), "href": site.links.href(current, src), "rows": rows})
    return {"sections": sections, "claims_href": site.links.page_href(current, "claims")}
