"""Links as plain strings: where MkDocs serves a source, a link from one page to another,
and the only outside links graphbuild writes (http, https and DOIs)."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit


@lru_cache(maxsize=65536)
def safe_href(url: str) -> str | None:
    """Only http(s) URLs become links; ``javascript:``, ``data:`` and the rest stay text."""
    url = url.strip()
    if not url or any(c in url for c in '"<>\\ \t\n'):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


@lru_cache(maxsize=65536)
def doi_href(doi: str) -> str | None:
    doi = doi.strip()
    if not re.match(r"^10\.\d{4,9}/\S+$", doi):
        return None
    return "https://doi.org/" + quote(doi, safe="/:;()._-")


_DOI_RESOLVER = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)


def is_doi_link(url: str, doi: str) -> bool:
    """Whether ``url`` is the address of ``doi`` at a DOI resolver (reference managers often
    export both): the page then links it once, not twice side by side."""
    href, own = safe_href(url), doi_href(doi)
    if not href or not own:
        return False
    target = _DOI_RESOLVER.sub("", href)
    return target != href and unquote(target).lower() == doi.strip().lower()


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page served at ``from_url`` to ``to_url`` (both site-relative).

    Pure string work: ``posixpath.relpath`` consults the working directory on every call,
    which showed up when 6,000 study pages each made a few dozen links.
    """
    to_path, _, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
    base_parts = [p for p in base.split("/") if p and p != "."]
    target_parts = [p for p in to_path.split("/") if p and p != "."]
    common = 0
    while common < min(len(base_parts), len(target_parts)) and base_parts[common] == target_parts[common]:
        common += 1
    rel = "/".join([".."] * (len(base_parts) - common) + target_parts[common:]) or "."
    if to_path.endswith("/") or not to_path:
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


def page_url(src_path: str, use_directory_urls: bool = True) -> str:
    """Where MkDocs (and engines like it) serve a Markdown source."""
    stem, _ = posixpath.splitext(src_path)
    if not use_directory_urls:
        folder, name = posixpath.split(stem)
        return posixpath.join(folder, "index.html" if name == "README" else f"{name}.html")
    if posixpath.basename(stem) in ("index", "README"):
        parent = posixpath.dirname(stem)
        return f"{parent}/" if parent else ""
    return f"{stem}/"
