"""The bibliography: every cited work, in author-year order, with its downloads."""

from __future__ import annotations

from typing import Any

from graphbuild.site.context import Site


def context(site: Site, current: str, subject: Any = None) -> dict[str, Any]:
    return {
        "studies": [site.studies.view(s, current) for s in site.bibliography_order()],
        "downloads": site.downloads(current, "bibliography"),
    }
