"""Issue 25 in chromium on the repository's site, at 390 and 1366 px: the evidence map
answers a tap with the node under the finger and lands on a claim with all its studies (3),
pages print short, light and whole, a card alone (6), and the keyboard skips the theme and
never lands on the closed drawer (7). The figures behind them: ``benchmarks/reader.py``."""

from __future__ import annotations

import pytest

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
