"""Where graphbuild's parts go while an engine renders a page around them.

A claim card, a numeric style's reference list or a generated page's body is HTML that
Markdown must not read: its place in the page's Markdown is a token, and the part takes the
token's place once the engine has rendered the page. A card that stands as a paragraph of
its own (nearly all) goes in only as the page is written: search engines that read a page's
content then read it without the cards (each claim has a search entry of its own), and an
engine that keeps every page's content to the end of the build keeps it without them.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from threading import Event

from graphbuild.site.context import Site
from graphbuild.site.registry import GeneratedPage, Planned, page_body, page_body_stream, written_to

_ANCHOR = re.compile(r'\sid="([^"]+)"')
_LATER = "data-search-exclude data-graphbuild-card"  # a card's paragraph, filled as the page is written


def anchors(html: str) -> list[str]:
    """The ids a part adds to its page, for an engine's check of links to anchors."""
    return _ANCHOR.findall(html)


class Placeholders:
    """Tokens carry a secret of this build: text from a ``.bib`` file or a page that spells a
    token (to have a card replace it inside an attribute) cannot guess it. Tokens never
    reach the site, so the output stays the same build to build."""

    def __init__(self) -> None:
        nonce = secrets.token_hex(8)
        self._prefix = f"GBPLACEHOLDER{nonce}N"
        self._pattern = re.compile(f"GBPLACEHOLDER{nonce}N\\d{{6}}X")
        self._placed = re.compile(f"<p {_LATER}>({self._pattern.pattern})</p>")
        self._numbers = itertools.count(1)
        # A part's HTML, from when its page's Markdown is read to when the page is written;
        # compressed in between (see ``in_content``).
        self._parts: dict[str, str | bytes] = {}
        self._later: dict[str, list[str]] = {}  # a page -> its parts' tokens, until it is written

    def hold(self, html: str) -> str:
        """A token for ``html``, to stand in the page's Markdown."""
        token = self.token()
        self._parts[token] = html
        return token

    def token(self) -> str:
        return f"{self._prefix}{next(self._numbers):06d}X"

    def in_content(self, page: str, html: str, found_anchors: set[str] | None = None) -> str:
        """A page's rendered content with its parts in place, but for those standing as a
        paragraph of their own: those are marked, kept compressed (MkDocs reads every page
        before it writes any; 2,000 cards held as text were 28 MB, the largest part of the
        build's peak) and go in with ``in_output``. ``found_anchors`` learns the parts' ids."""
        if "GBPLACEHOLDER" not in html:
            return html
        for token in dict.fromkeys(self._pattern.findall(html)):
            part = self._parts.get(token)
            if not isinstance(part, str):
                continue
            if found_anchors is not None:
                found_anchors.update(anchors(part))
            alone = f"<p>{token}</p>"
            if alone in html:
                html = html.replace(alone, f"<p {_LATER}>{token}</p>")
                self._later.setdefault(page, []).append(token)
                self._parts[token] = zlib.compress(part.encode("utf-8", errors="surrogatepass"), 1)
            else:
                html = html.replace(token, part)
                del self._parts[token]
        return html

    def in_output(self, page: str, output: str) -> str:
        """The written page with the parts ``in_content`` kept back."""
        placed = self._later.pop(page, ())
        if placed:
            output = self._placed.sub(lambda m: _text(self._parts.get(m.group(1), m.group(0))), output)
            for token in placed:
                del self._parts[token]
        return output


def _text(part: str | bytes) -> str:
    return part if isinstance(part, str) else zlib.decompress(part).decode("utf-8", errors="surrogatepass")


class GeneratedBodies:
    """The bodies of the generated pages an engine builds (the claims index, the matrix,
    ...): a token stands for each in its page's Markdown until the engine builds the page.
    A page that search reads gets its body then. A page that search leaves out (the
    summary, the claims index, the matrix, the bibliography: a line per claim or study,
    25 MB for the bibliography of 30,000 studies) gets it once the engine has written the
    page (``splice``), copied in a piece at a time, so that it is never held whole, with or
    without the theme's page around it. It is made when the engine builds the page, into a
    spool file, so that the page's anchors are known for the engine's check of links; or,
    ``later`` (a preview, where the anchors are not checked), as it is spliced."""

    def __init__(self, site: Site, parts: Placeholders, later: bool = False) -> None:
        self.site = site
        self.parts = parts
        self.later = later
        self._tokens: dict[str, str] = {}  # a page's source -> its body's token
        self._pending: dict[str, Planned] = {}  # a body's token -> its page, until built
        self._spliced: dict[str, tuple[str, str | Planned]] = {}  # a page -> (token's paragraph, spool or plan)
        self._spool: tempfile.TemporaryDirectory[str] | None = None

    def __contains__(self, src: str) -> bool:
        return src in self._tokens

    def token(self, item: Planned) -> str:
        token = self._tokens[item.src] = self.parts.token()
        self._pending[token] = item
        return token

    def fill(self, src: str, content: str, found_anchors: set[str] | None = None) -> str:
        """The page's content with its body, or with its token, for ``splice``."""
        token = self._tokens.get(src)
        item = self._pending.pop(token, None) if token else None
        if token is None or item is None:
            return content
        if isinstance(item.output, GeneratedPage) and item.output.searched:
            body = page_body(self.site, item)
            if found_anchors is not None:
                found_anchors.update(anchors(body))
            return content.replace(f"<p>{token}</p>", body)
        if self.later:
            self._spliced[src] = (f"<p>{token}</p>", item)
            return content
        if self._spool is None:
            self._spool = tempfile.TemporaryDirectory(prefix="graphbuild-bodies-")
        path = os.path.join(self._spool.name, f"{len(self._spliced)}.html")
        with open(path, "w", encoding="utf-8", errors="xmlcharrefreplace") as out:
            for line in page_body_stream(self.site, item):
                if found_anchors is not None:
                    found_anchors.update(anchors(line))
                out.write(line)
        self._spliced[src] = (f"<p>{token}</p>", path)
        return content

    def splice(self, site_dir: Path, directory_urls: bool, stop: Event | None = None) -> None:
        """Each body into its page as the engine wrote it, in place of its token; ``stop``:
        when set, the pages not yet done are left (a newer build replaces them)."""
        spliced, self._spliced = self._spliced, {}
        for src, (paragraph, body) in spliced.items():
            if stop is not None and stop.is_set():
                break
            pieces = _file_pieces(body) if isinstance(body, str) else _encoded(page_body_stream(self.site, body))
            splice_file(site_dir / written_to(src, directory_urls), paragraph, pieces)
        if self._spool is not None:
            self._spool.cleanup()
            self._spool = None


def _file_pieces(path: str) -> Iterator[bytes]:
    with open(path, "rb") as source:
        while piece := source.read(1 << 20):
            yield piece


def _encoded(lines: Iterator[str]) -> Iterator[bytes]:
    for line in lines:
        yield line.encode("utf-8", errors="xmlcharrefreplace")


def splice_file(page: Path, paragraph: str, body: Iterable[bytes]) -> None:
    """``page`` with ``body`` (its pieces) in place of ``paragraph``; a page the engine did
    not write (or wrote without the paragraph) is left as it is."""
    try:
        written = page.read_bytes()
    except FileNotFoundError:
        return
    mark = paragraph.encode("utf-8")
    at = written.find(mark)
    if at < 0:
        return
    temporary = page.with_name(f".{page.name}.graphbuild")
    with open(temporary, "wb") as out:
        out.write(written[:at])
        for piece in body:
            out.write(piece)
        out.write(written[at + len(mark) :])
    os.replace(temporary, page)
