"""The evidence map's page: its filters, legend, counts and downloads; the map itself is
drawn in the reader's browser from ``evidence/map.json``."""

from __future__ import annotations

from typing import Any

from graphbuild.model import routes
from graphbuild.site.context import Site


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    kb, links = site.kb, site.links
    return {
        "data_src": links.href(current, routes.MAP_DATA),
        "claims_url": links.page_href(current, "claims"),
        "matrix_url": links.page_href(current, "matrix"),
        "exports": [(d["label"], d["href"]) for d in site.downloads(current, "map")],
        "types": kb.config.claim_types,
        "groups": kb.config.groups,
        "levels": sorted(kb.config.levels.items()),
        "stats": {
            "claims": len(kb.claims),
            "studies": sum(1 for key in kb.cited if key in kb.citing),
            "edges": len({(c.id, e.key) for c in kb.claims.values() for e in c.evidence if e.key in kb.bibliography}),
            "unlinked": sum(1 for key in kb.cited if key not in kb.citing),
        },
        "bibliography_href": links.page_href(current, "bibliography"),
    }
