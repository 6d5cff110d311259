"""The sitemap lists the pages graphbuild writes outside the engine (the study pages), as
the engine lists its own."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

_ENTRY = "    <url>\n         <loc>{}</loc>\n         <lastmod>{}</lastmod>\n    </url>\n"


def with_pages(sitemap: str, site_url: str, paths: Iterable[str], lastmod: str) -> str:
    """``sitemap`` (as MkDocs writes it) with an entry for each path under ``site_url``."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    entries = "".join(_ENTRY.format(escape(base + path), lastmod) for path in paths)
    head, end, tail = sitemap.rpartition("</urlset>")
    return f"{head.rstrip()}\n{entries}{end}{tail}" if end else sitemap
