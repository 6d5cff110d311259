"""One view per generated page: what its template is given (``context(site, current,
subject)``), read from the site's knowledge base. The registry names each page's view."""

from __future__ import annotations

from typing import Any

from graphbuild.site.context import Site


def plain(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    """What a generated page without a view of its own gets: enough for a new list."""
    kb = site.kb
    return {
        "claims": [
            site.claims.view(c, current) | {"page_title": site.page_title(kb.claim_page[c.id])}
            for c in kb.ordered_claims
        ],
        "studies": [site.studies.view(s, current) for s in sorted(kb.cited.values(), key=lambda s: kb.label(s.key))],
    }
