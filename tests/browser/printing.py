"""A page as chromium prints it on A4 (``page.pdf``), read back with pypdf: how many pages,
which are more than a third empty, the smallest text; and, on the printed layout, the
faintest text against the paper. Shared by the print tests and ``benchmarks/reader.py``."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from .reading import SETTLED

# The summary of findings, every topic page, and one page of each other type.
TOPIC_PAGES = ["peer-workers/", "benefits/", "outcomes/", "introducing-the-role/", "implications/"]
PRINT_PAGES = [
    "evidence/summary/",
    *TOPIC_PAGES,
    "",
    "claims/",
    "evidence/matrix/",
    "bibliography/",
    "studies/pitt2013/",
    "evidence/",
    "evidence/changes/",
]

# The faintest text on the printed page, composited on white paper: its contrast ratio.
FAINTEST_TEXT = """() => {
  const luminance = c => {
    const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = text => {
    const m = text.match(/[\\d.]+/g).map(Number);
    return [m.slice(0, 3), m.length > 3 ? m[3] : 1];
  };
  let worst = {ratio: 21, text: "", colour: ""};
  const root = document.querySelector('.md-content') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const [rgb, alpha] = parse(style.color);
    const onWhite = rgb.map(v => v * alpha + 255 * (1 - alpha));
    const ratio = 1.05 / (luminance(onWhite) + 0.05);
    if (ratio < worst.ratio) worst = {ratio: ratio, text: node.textContent.trim().slice(0, 40), colour: style.color};
  }
  return worst;
}"""


@dataclass
class Printed:
    """``emptier``: the pages (from 1), last excluded, whose text ends above the lower third;
    ``smallest_pt``: the smallest text printed, in points; ``faintest``: the lowest contrast
    of any text against white paper, with its words."""

    pages: int
    emptier: list[int]
    smallest_pt: float
    faintest: float = 21.0
    faintest_text: str = ""
    texts: list[str] = field(default_factory=list)

    @property
    def lightest_text(self) -> str:
        return f"{self.faintest:.2f}:1 ({self.faintest_text!r})"


def pdf_facts(pdf: bytes) -> Printed:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    emptier: list[int] = []
    smallest = 99.0
    texts: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.mediabox.height)
        drawn = _texts(page)
        texts.append("".join(text for text, _, _ in drawn))
        smallest = min([smallest, *(size for _, _, size in drawn)])
        lowest = min((y for _, y, _ in drawn), default=height)
        if number < len(reader.pages) and lowest > height / 3:
            emptier.append(number)
    return Printed(len(reader.pages), emptier, smallest, texts=texts)


def _texts(page: object) -> list[tuple[str, float, float]]:
    """Each piece of text a PDF page draws: its words, its baseline's height above the
    page's foot and its size, both in points."""
    drawn: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            drawn.append((text, y, size * abs(cm[3] * tm[3] + cm[1] * tm[2]) or size))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return drawn


def printed(page, url: str) -> Printed:
    """``url`` printed on A4 as a reader's chromium would (no background graphics), and the
    faintest text of its printed layout."""
    page.goto(url, wait_until="load")
    facts = pdf_facts(page.pdf(format="A4"))
    page.emulate_media(media="print")
    page.wait_for_function(SETTLED, timeout=5_000)  # the theme fades colours between schemes
    faintest = page.evaluate(FAINTEST_TEXT)
    page.emulate_media(media="null")  # not "screen": page.pdf would then print the screen's layout
    facts.faintest, facts.faintest_text = faintest["ratio"], faintest["text"]
    return facts
