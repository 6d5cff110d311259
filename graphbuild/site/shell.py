"""Thousands of pages of one kind from one render of the theme.

Every study page sits at the same depth (``studies/<slug>/``), so the theme's page around it
(header, search, navigation, footer, and every relative link in them) is the same for all of
them but for the title, the address and the body. The adapter renders the theme's template
once with stand-ins for those; ``Shell`` splits that page at the stand-ins and fills them
per study. A study page then costs a string join, where a page through the theme's whole
pipeline (Markdown, template, search, plugins' page hooks) cost some 2 ms, 13 s for 6,000.

The theme's icons (logo, search, clear, back: some 1.8 kB of inline SVG on every page) move
to one file of symbols that each page's icons use by reference (``icons``), written once
beside the theme's assets: at 6,000 study pages, 11 MB less to publish.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import secrets
from dataclasses import dataclass, field

from graphbuild.common.files import Writer
from graphbuild.site.assets import FOLDER

SLOTS = ("title", "slug", "head", "body")
_INDENTATION = re.compile(r"\n[ \t\n]+")
_SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg>", re.S)
_XMLNS = re.compile(r'\s+xmlns="http://www\.w3\.org/2000/svg"')
_VIEWBOX = re.compile(r'\sviewBox="([^"<>]*)"')
# An icon keeps its place where its content could depend on the page (an id another element
# points at, a style, a link, a script): moved into a file of its own it could break.
_KEPT = re.compile(r"\bid=|<style|<script|<a\b|href|url\(|<foreignObject|<image", re.I)


def without_indentation(page: str) -> str:
    """``page`` without the theme's indentation: 1.7 kB of a Material study page, and some
    40 kB of a page under a navigation of sections (30 to 22 MB over the synthetic site's
    200 pages). A line break stays where there was one, so that no two words join; a page
    with a ``<pre>`` or ``<textarea>``, where white space is content, keeps all of it."""
    if "<pre" in page or "<textarea" in page:
        return page
    return _INDENTATION.sub("\n", page)


@dataclass(frozen=True)
class StandIns:
    """Words that stand for each slot while the theme renders: letters only, so that neither
    escaping nor a URL changes them, with a secret of this build, so that no page text can
    spell one."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(6))

    def __getitem__(self, slot: str) -> str:
        return f"gbshell{slot}{self.nonce}x"


class ShellError(ValueError):
    """The theme's page did not print a slot it must (its body), so no page can be filled."""


class Shell:
    """A rendered page split at its stand-ins; ``fill`` writes one page of the kind.

    With ``dest`` (where in the site the page is written: ``studies/<slug>/index.html``;
    every page of the kind is as deep) the theme's icons are referenced from ``icons``, a
    file of symbols that ``write_icons`` puts beside graphbuild's assets (both empty where
    the page has no icon to move)."""

    def __init__(self, rendered: str, stand_ins: StandIns, dest: str | None = None) -> None:
        names = {stand_ins[slot]: slot for slot in SLOTS}
        rendered = without_indentation(rendered)
        self.icons = self.icons_name = ""
        if dest is not None:
            root = "../" * dest.count("/")
            rendered, self.icons, self.icons_name = _move_icons(rendered, root, names)
        parts = re.split("(" + "|".join(map(re.escape, names)) + ")", rendered)
        self._texts = parts[0::2]
        self._slots = [names[part] for part in parts[1::2]]
        if "body" not in self._slots:
            raise ShellError("the theme's template printed no page content")

    def fill(self, title: str, slug: str, body: str, head: str = "") -> str:
        """The page of one study: ``title`` as plain text (escaped here, for text and
        attributes alike), ``slug`` as in its URL, ``head`` and ``body`` as HTML."""
        values = {"title": html.escape(title), "slug": slug, "head": head, "body": body}
        out = [self._texts[0]]
        for slot, text in zip(self._slots, self._texts[1:], strict=True):
            out.append(values[slot])
            out.append(text)
        return "".join(out)

    def write_icons(self, site: str | os.PathLike[str], writer: Writer) -> None:
        """The file of the theme's icons, in the built ``site``, if the page had any."""
        if self.icons:
            writer.write(os.path.join(site, FOLDER, self.icons_name), self.icons)


def _move_icons(rendered: str, root: str, stand_ins: dict[str, str]) -> tuple[str, str, str]:
    """``rendered`` with each inline icon a reference to a symbol, the file of those symbols
    (named by its content, so that a changed theme is never read from a stale cache), and
    that name. An icon with a stand-in in it, or with content that could depend on the page,
    stays as it is."""
    symbols: dict[tuple[str, str], str] = {}

    def movable(match: re.Match[str]) -> tuple[str, str] | None:
        attributes, content = match.group(1), match.group(2)
        box = _VIEWBOX.search(attributes)
        if box is None or _KEPT.search(content) or any(s in match.group(0) for s in stand_ins):
            return None
        return box.group(1), content.strip()

    for match in _SVG.finditer(rendered):
        icon = movable(match)
        if icon is not None and icon not in symbols:
            symbols[icon] = f"i{len(symbols)}"
    if not symbols:
        return rendered, "", ""
    sprite = '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(
        f'<symbol id="{name}" viewBox="{box}">{content}</symbol>' for (box, content), name in symbols.items()
    )
    sprite += "</svg>\n"
    file_name = f"icons-{hashlib.sha256(sprite.encode('utf-8')).hexdigest()[:8]}.svg"
    url = f"{root}{FOLDER}/{file_name}"

    def reference(match: re.Match[str]) -> str:
        icon = movable(match)
        if icon is None:
            return match.group(0)
        attributes = _XMLNS.sub("", match.group(1))
        return f'<svg{attributes}><use href="{url}#{symbols[icon]}"/></svg>'

    return _SVG.sub(reference, rendered), sprite, file_name
