"""The navigation of a site whose ``mkdocs.yml`` gives none.

An engine left to itself nests pages by folder, and graphbuild's pages live in folders of
their own (``evidence/matrix/index.md``): each became a section of one page (Evidence ›
Matrix › Evidence matrix). So where the site has no ``nav``, graphbuild writes the one the
engine would have made from the editors' pages, as MkDocs makes it, and adds the *Evidence*
section after it, as it does to a site's own ``nav``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from graphbuild.site.registry import evidence_nav


def folder_title(name: str) -> str:
    """A section's title from its folder's name, as MkDocs makes it (``dirname_to_title``)."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def page_order(src: str) -> tuple[tuple[str, ...], bool, str]:
    """MkDocs' order of pages (``file_sort_key``): by folder, a folder's index first."""
    parts = PurePosixPath(src).parts
    stem = PurePosixPath(src).stem
    return parts[:-1], ("index" if stem == "README" else stem) != "index", parts[-1]


def nested(pages: Iterable[str]) -> list[Any]:
    """``pages`` (in order) as a ``nav``: a section per folder (MkDocs' ``nest_paths``)."""
    nav: list[Any] = []
    for src in pages:
        branch = nav
        for part in PurePosixPath(src).parent.parts:
            title = folder_title(part)
            section = next((n for n in branch if isinstance(n, dict) and title in n), None)
            if section is None:
                section = {title: []}
                branch.append(section)
            branch = section[title]
        branch.append(src)
    return nav


def site_nav(pages: Iterable[str]) -> list[Any]:
    """The ``nav`` of a site without one: its ``pages`` (the editors' pages the navigation
    lists), then the *Evidence* section."""
    return [*nested(sorted(pages, key=page_order)), evidence_nav()]
