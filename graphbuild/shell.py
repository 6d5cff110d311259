"""Thousands of pages of one kind from one render of the theme.

Every study page sits at the same depth (``studies/<slug>/``), so the theme's page around it
(header, search, navigation, footer, and every relative link in them) is the same for all of
them but for the title, the address and the body. The adapter renders the theme's template
once with stand-ins for those; ``Shell`` splits that page at the stand-ins and fills them
per study. A study page then costs a string join, where a page through the theme's whole
pipeline (Markdown, template, search, plugins' page hooks) cost some 2 ms, 13 s for 6,000.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass, field

SLOTS = ("title", "slug", "head", "body")
_INDENTATION = re.compile(r"\n[ \t\n]+")


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
    """A rendered page split at its stand-ins; ``fill`` writes one page of the kind."""

    def __init__(self, rendered: str, stand_ins: StandIns) -> None:
        names = {stand_ins[slot]: slot for slot in SLOTS}
        if "<pre" not in rendered and "<textarea" not in rendered:
            # the theme's indentation, 1.7 kB of a Material page: a line break stays, so
            # that no two words join
            rendered = _INDENTATION.sub("\n", rendered)
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
