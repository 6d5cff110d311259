"""Issue 25 in chromium on the repository's site, at 390 and 1366 px: the evidence map
answers a tap with the node under the finger and lands on a claim with all its studies (3),
pages print short, light and whole, a card alone (6), and the keyboard skips the theme and
never lands on the closed drawer (7). The figures behind them: ``benchmarks/reader.py``."""

from __future__ import annotations

import pytest

from .printing import TOPIC_PAGES, pdf_facts, printed
from .reading import SETTLED, tab_stops_to

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(390, 844, id="phone"), pytest.param(1366, 900, id="desktop")]
GENERATED = [
    "evidence/summary/",
    "claims/",
    "evidence/",
    "evidence/matrix/",
    "bibliography/",
    "evidence/changes/",
    "studies/pitt2013/",
]


def _page(browser, width: int, height: int, scheme: str = "light", touch: bool = False):
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, has_touch=touch, service_workers="block"
    )
    return context, context.new_page()


# -- 7. keyboard -----------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_every_generated_page_starts_with_a_skip_link(browser, repo_url: str, width: int, height: int) -> None:
    """The theme writes its skip link only where a page's table of contents has an entry,
    which generated pages, filled in after the theme, never have: the first Tab reaches a
    visible "Skip to content", and Enter takes the focus to the page's title."""
    context, page = _page(browser, width, height)
    for path in GENERATED:
        page.goto(repo_url + path, wait_until="load")
        page.keyboard.press("Tab")
        page.wait_for_function(SETTLED, timeout=5_000)
        focused = page.evaluate(
            "() => { const el = document.activeElement; const r = el.getBoundingClientRect();"
            " return {text: el.textContent.trim(), seen: r.width > 0 && r.top >= 0 && r.bottom <= innerHeight"
            " && getComputedStyle(el).opacity > 0.5}; }"
        )
        assert focused == {"text": "Skip to content", "seen": True}, path
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement.tagName === 'H1'", timeout=2_000)
        assert page.locator("h1").first.is_visible(), path
    context.close()


@pytest.mark.parametrize(("width", "height", "most"), [(390, 844, 15), (1366, 900, 30)])
def test_tab_reaches_the_claims_filters_without_landing_off_screen(
    browser, repo_url: str, width: int, height: int, most: int
) -> None:
    """On a phone the navigation is a closed drawer: its links are out of the Tab order (they
    were fifteen stops with the focus off the screen); on a desktop they are on screen."""
    context, page = _page(browser, width, height)
    page.goto(repo_url + "claims/", wait_until="load")
    stops = tab_stops_to(page, ".gb-index-filters select")
    context.close()
    assert stops.reached and stops.unseen == 0, stops
    assert stops.stops <= most, stops


def test_the_opened_drawer_is_reached_by_keyboard(browser, repo_url: str) -> None:
    """Out of the Tab order only while it is closed: opened, its links take the focus."""
    context, page = _page(browser, 390, 844)
    page.goto(repo_url + "claims/", wait_until="load")
    drawer = page.locator(".md-sidebar--primary")
    assert drawer.evaluate("el => getComputedStyle(el).visibility") == "hidden"
    page.locator("label.md-header__button[for='__drawer']").click()
    page.wait_for_timeout(400)
    link = page.locator(".md-sidebar--primary a.md-nav__link", has_text="Outcomes").first
    assert link.is_visible()
    link.focus()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Outcomes"
    page.locator("label.md-overlay").click(position={"x": 370, "y": 400})
    page.wait_for_timeout(400)
    assert drawer.evaluate("el => getComputedStyle(el).visibility") == "hidden"
    context.close()


# -- 6. print --------------------------------------------------------------------------------

# Light on a desktop, dark on a phone: paper is white, and the screen's scheme must not reach it.
PRINTS = [pytest.param(390, 844, "dark", id="phone-dark"), pytest.param(1366, 900, "light", id="desktop-light")]
BROKEN_WORDS = """() => {
  const broken = [];
  for (const link of document.querySelectorAll('article a[href*="studies/"]')) {
    const text = link.firstChild;
    if (!text || text.nodeType !== 3) continue;
    for (const match of text.textContent.matchAll(/[^\\s-]+-?/g)) {  // a line may end at a space or a hyphen
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize(("width", "height", "scheme"), PRINTS)
@pytest.mark.parametrize("path", ["evidence/summary/", *TOPIC_PAGES])
def test_a_printout_is_short_full_legible_and_light(
    browser, repo_url: str, width: int, height: int, scheme: str, path: str
) -> None:
    """The summary of findings and each topic page: at most 8 A4 pages (15 and 18 before), no
    page but the last more than a third empty, no text under 9 pt, and dark text on white
    paper whatever the screen's scheme (the certainty marks printed at 1.21:1 from the dark
    one)."""
    context, page = _page(browser, width, height, scheme)
    result = printed(page, repo_url + path)
    context.close()
    assert result.pages <= 8, (path, result.pages)
    assert result.emptier == [], (path, result.emptier)
    assert result.smallest_pt >= 8.95, (path, result.smallest_pt)
    assert result.faintest >= 4.5, (path, result.lightest_text)


@pytest.mark.parametrize(
    "path", ["outcomes/", "introducing-the-role/", "benefits/", "evidence/matrix/", "bibliography/"]
)
def test_no_study_name_is_broken_inside_a_word_on_paper(browser, repo_url: str, path: str) -> None:
    """Names wrap at their spaces and hyphens only (the theme's word-break cut them anywhere)."""
    context, page = _page(browser, 710, 1000)  # an A4 page's width inside its margins
    page.goto(repo_url + path, wait_until="load")
    page.emulate_media(media="print")
    assert page.locator('article a[href*="studies/"]').count() > 5
    broken = page.evaluate(BROKEN_WORDS)
    context.close()
    assert broken == []


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_card_prints_alone_from_its_control(browser, repo_url: str, width: int, height: int) -> None:
    """A topic page opened at a claim's fragment prints that card alone, on one page, whole:
    statement, key message, certainty with its reasons, studies with stance and design."""
    context, page = _page(browser, width, height)
    page.goto(repo_url + "outcomes/#fewer-readmissions", wait_until="load")
    page.evaluate("() => { window.print = () => { window.gbPrinted = (window.gbPrinted || 0) + 1; }; }")
    card = page.locator("#fewer-readmissions")
    card.get_by_role("button", name="Print this claim").click()
    assert page.evaluate("window.gbPrinted") == 1
    facts = pdf_facts(page.pdf(format="A4"))  # chromium prints, then fires afterprint
    text = "".join("".join(facts.texts).split())  # chromium's PDF draws no spaces, only words
    assert facts.pages == 1, facts.texts
    for part in ("Peer support reduces psychiatric hospital readmissions", "The evidence is very uncertain",
                 "Very low", "Risk of bias", "Inconsistency", "Pitt et al., 2013", "no significant effect",
                 "systematic review", "Min et al., 2007", "comparison-group study"):  # fmt: skip
        assert "".join(part.split()) in text, part
    assert "Outcomes:serviceuse" not in text
    others = page.locator(".gb-card:not(#fewer-readmissions) .gb-statement").all_inner_texts()
    assert len(others) > 5 and not any("".join(o.split("¶")[-1].split()) in text for o in others)
    # The marks go once printed: the next printout is the whole page again.
    assert page.evaluate("document.documentElement.classList.contains('gb-print-one')") is False
    assert pdf_facts(page.pdf(format="A4")).pages > 3
    context.close()


def test_without_a_script_there_is_no_print_control(browser, repo_url: str, repo_site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(repo_url + "outcomes/", wait_until="load")
    assert page.get_by_role("button", name="Print this claim").count() == 0
    context.close()
    # the permanent addresses stay the small pages that send a reader on to the card
    permalink = (repo_site / "claims" / "fewer-readmissions" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in permalink and "gb-card" not in permalink and len(permalink) < 1500
