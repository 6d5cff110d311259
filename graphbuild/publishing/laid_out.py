"""Pages written in a layout of their own (the study pages): each is the theme's page for
one of its kind, rendered once with stand-ins (``graphbuild.site.shell``), filled in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphbuild.common.files import Writer
from graphbuild.formats.feed import head_links
from graphbuild.site.context import Site
from graphbuild.site.registry import GeneratedPage, Planned, page_body, page_head
from graphbuild.site.shell import Shell


def write_pages(
    site: Site,
    shells: Mapping[str, Shell],
    pages: Sequence[tuple[str, str, Planned]],
    feeds: Sequence[tuple[str, str]] = (),
    writer: Writer | None = None,
) -> None:
    """Each page (where it is written, its URL, its plan) filled into its kind's shell; its
    head links the feeds, as the engine's pages do (no engine hook runs on these pages)."""
    writer = writer or Writer()
    for dest, url, item in pages:
        assert isinstance(item.output, GeneratedPage)
        head = page_head(site, item) + head_links(feeds, url, site.settings.url)
        page = shells[item.output.name].fill(item.title, item.subject.slug, page_body(site, item), head)
        writer.write(dest, page)
