"""Short forms of the page pipeline for tests that look at one piece of it."""

from __future__ import annotations

from graphbuild.common.diagnostics import Diagnostic
from graphbuild.model.citations import Citation
from graphbuild.model.citations import read_citations as _read_citations
from graphbuild.model.claims import Claim
from graphbuild.model.config import Config
from graphbuild.model.headings import Heading
from graphbuild.model.headings import find_headings as _find_headings
from graphbuild.model.knowledge import read_page
from graphbuild.model.scan import Fence, scan


def collect_page(
    markdown: str, path: str, config: Config
) -> tuple[list[Claim], list[Fence], list[Citation], list[Diagnostic]]:
    """One page read as the build reads it: its claims, their blocks, its citations and problems."""
    page, diagnostics = read_page("page.md", path, markdown, config)
    return page.claims, page.blocks, page.citations, diagnostics


def find_citations(markdown: str) -> list[Citation]:
    return _read_citations(scan(markdown, ""), "")[0]


def read_citations(markdown: str, path: str) -> tuple[list[Citation], list[Diagnostic]]:
    return _read_citations(scan(markdown, path), path)


def mask_code(markdown: str) -> str:
    return scan(markdown, "").masked


def find_claim_blocks(markdown: str, path: str) -> tuple[list[Fence], list[Diagnostic]]:
    found = scan(markdown, path)
    return found.claim_blocks, found.diagnostics


def find_headings(markdown: str) -> list[Heading]:
    return _find_headings(scan(markdown, ""))
