"""Where the site's own outputs are, for every module that links to one or names one.

The registry of generated pages and files (``graphbuild.site.registry``) writes them here;
the graph's exports, the feeds, search entries and the site's pages link to them from here,
so that no path is restated. Paths are sources relative to the docs folder, as MkDocs names
files; ``address`` functions give the URL a reader follows, from the site's root.
"""

from __future__ import annotations

ASSETS = "assets/graphbuild"  # the shipped assets, and what graphbuild writes beside them
STUDY_PAGE = "studies/{slug}.md"
CLAIM_ADDRESS = "claims/{id}/index.html"  # a claim's permanent address, which leads to its card
MAP_DATA = "evidence/map.json"
CHANGES_PAGE = "evidence/changes/index.md"
CHANGES_FEED = "evidence/changes.xml"
CHANGES_FEED_OF_TYPE = "evidence/changes/{type}.xml"


def study_src(slug: str) -> str:
    return STUDY_PAGE.format(slug=slug)


def claim_address_src(claim_id: str) -> str:
    """The file at a claim's permanent address, ``claims/<id>/``."""
    return CLAIM_ADDRESS.format(id=claim_id)


def claim_address(claim_id: str) -> str:
    """A claim's permanent address, from the site's root (``claims/<id>/``)."""
    return claim_address_src(claim_id).removesuffix("index.html")


def study_address(slug: str) -> str:
    """A study page's address, from the site's root (``studies/<slug>/``)."""
    return STUDY_PAGE.format(slug=slug).removesuffix(".md") + "/"


def changes_address() -> str:
    return CHANGES_PAGE.removesuffix("index.md")
