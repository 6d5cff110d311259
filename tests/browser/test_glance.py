"""The repository's site as a clinician meets it on a phone and on a desktop: every generated
page fits the screen, the claims index filters, the map is legible and answers a tap, and
a printed page holds no empty graph box."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import VIEWS

pytestmark = pytest.mark.browser

GENERATED = ["evidence/summary/", "claims/", "evidence/", "evidence/matrix/", "bibliography/", "studies/pitt2013/"]


def _page(browser, width: int, height: int, scheme: str, touch: bool = False):
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, has_touch=touch, service_workers="block"
    )
    return context, context.new_page()


@pytest.mark.parametrize(("width", "height", "scheme"), VIEWS)
def test_no_generated_page_overflows_the_screen(browser, repo_url: str, width: int, height: int, scheme: str) -> None:
    context, page = _page(browser, width, height, scheme)
    wide = {}
    for path in GENERATED:
        page.goto(repo_url + path, wait_until="load")
        scroll = page.evaluate("document.scrollingElement.scrollWidth")
        if scroll > width:
            wide[path] = scroll
    context.close()
    assert wide == {}


def test_the_claims_index_stacks_on_a_phone_and_filters(browser, repo_url: str, repo_site: Path) -> None:
    context, page = _page(browser, 390, 844, "light")
    page.goto(repo_url + "claims/", wait_until="load")
    rows = page.locator("table.gb-claims tbody tr")
    total = rows.count()
    assert total >= 40
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('table.gb-claims tbody th[scope=row]'))"
        ".map(e => e.getBoundingClientRect().width)"
    )
    assert min(widths) >= 0.4 * 390, min(widths)
    contested = page.locator("table.gb-claims tbody tr[data-direction='contested']").count()
    page.get_by_role("link", name=f"{contested} contested").click()
    assert page.locator("table.gb-claims tbody tr:not([hidden])").count() == contested
    assert "direction=contested" in page.url
    assert page.locator(".gb-index-status").inner_text() == f"Showing {contested} of {total} claims."
    page.goto(repo_url + "claims/?certainty=moderate&sort=-certainty", wait_until="load")
    shown = page.locator("table.gb-claims tbody tr:not([hidden])")
    assert shown.count() == page.locator("tr[data-certainty='moderate']").count() > 0
    page.get_by_role("button", name="Show all").click()
    page.wait_for_function("document.querySelectorAll('table.gb-claims tbody tr:not([hidden])').length > 40")
    page.get_by_label("Order").select_option("certainty")
    ranks = page.evaluate(
        "Array.from(document.querySelectorAll('table.gb-claims tbody tr')).map(r => Number(r.dataset.certaintyRank))"
    )
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[-1]
    context.close()


def test_the_gap_map_links_each_cell_to_its_claims(browser, repo_url: str) -> None:
    context, page = _page(browser, 1366, 900, "light")
    page.goto(repo_url + "evidence/matrix/", wait_until="load")
    assert page.locator("td.gb-gap-empty .gb-gap-none").count() > 0  # the gaps show
    cells = page.locator("td.gb-gap-cell a")
    assert cells.count() > 0
    first = cells.first
    count = int(first.locator(".gb-gap-count").inner_text().split()[0])
    first.click()
    page.wait_for_load_state("load")
    assert "type=" in page.url and "group=" in page.url
    assert page.locator("table.gb-claims tbody tr:not([hidden])").count() == count
    context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_the_map_is_labelled_legibly_at_its_first_zoom(browser, repo_url: str, width: int, height: int) -> None:
    context, page = _page(browser, width, height, "light")
    page.goto(repo_url + "evidence/", wait_until="load")
    page.wait_for_selector('#gb-map[data-gb-ready="1"]', state="attached", timeout=20_000)
    page.wait_for_function("Number(document.querySelector('#gb-map').dataset.gbLabels || 0) > 0", timeout=10_000)
    data = page.evaluate("({...document.querySelector('#gb-map').dataset})")
    assert int(data["gbLabelPx"]) >= 12 and int(data["gbLabels"]) >= (3 if width < 500 else 15), data
    context.close()


def test_a_tap_previews_and_a_second_tap_opens(browser, repo_url: str) -> None:
    context, page = _page(browser, 390, 844, "light", touch=True)
    page.goto(repo_url + "evidence/", wait_until="load")
    page.wait_for_selector('#gb-map[data-gb-ready="1"]', state="attached", timeout=20_000)
    page.evaluate("document.querySelector('#gb-map').scrollIntoView({block: 'center'})")
    node = page.evaluate(
        """() => { const n = window.graphbuild.networks['gb-map']; const id = 'claim:fewer-readmissions';
           n.focus(id, {scale: 2.5, animation: false});
           const p = n.canvasToDOM(n.getPositions([id])[id]); return {id: id, x: p.x, y: p.y}; }"""
    )
    page.wait_for_timeout(300)
    box = page.locator("#gb-map").bounding_box()
    page.touchscreen.tap(box["x"] + node["x"], box["y"] + node["y"])
    panel = page.locator(".gb-map-selection")
    panel.wait_for(state="visible", timeout=5_000)
    assert "Peer support reduces psychiatric hospital readmissions" in panel.inner_text()
    assert page.url.endswith("/evidence/")
    page.touchscreen.tap(box["x"] + node["x"], box["y"] + node["y"])
    page.wait_for_url("**/outcomes/#fewer-readmissions", timeout=5_000)
    context.close()


def test_show_in_the_map_lands_on_the_claim(browser, repo_url: str) -> None:
    context, page = _page(browser, 390, 844, "light")
    page.goto(repo_url + "outcomes/", wait_until="load")
    page.locator("#fewer-readmissions a", has_text="Show in the evidence map").click()
    page.wait_for_selector('#gb-map[data-gb-selected="claim:fewer-readmissions"]', state="attached", timeout=20_000)
    page.wait_for_timeout(200)
    box = page.locator("#gb-map").bounding_box()
    assert box["y"] < 844 and box["y"] + box["height"] > 0, box  # the map is on screen
    assert page.locator(".gb-map-selection").is_visible()
    context.close()


def test_a_local_graph_can_show_neighbours_of_neighbours(browser, repo_url: str) -> None:
    context, page = _page(browser, 1366, 900, "light")
    page.goto(repo_url + "outcomes/", wait_until="load")
    card = page.locator("#fewer-readmissions")
    card.locator("details.gb-local-graph > summary").click()
    graph = card.locator(".gb-graph")
    page.wait_for_function("el => el.dataset.gbState === 'drawn'", arg=graph.element_handle(), timeout=20_000)
    before = int(graph.get_attribute("data-gb-nodes"))
    card.get_by_label("Also show what these are linked to").check()
    page.wait_for_function(
        "([el, n]) => Number(el.dataset.gbNodes) > n", arg=[graph.element_handle(), before], timeout=20_000
    )
    context.close()


def test_a_printed_page_has_no_empty_graph_box(browser, repo_url: str) -> None:
    context, page = _page(browser, 1366, 900, "light")
    page.goto(repo_url + "outcomes/", wait_until="load")
    page.locator("details.gb-local-graph > summary").first.click()
    page.emulate_media(media="print")
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('.gb-local-graph, .gb-graph, .gb-card-links'))"
        ".map(e => e.getBoundingClientRect().height)"
    )
    assert heights and max(heights) == 0
    # A long card may run on to the next page between its parts; each part stays whole.
    breaks = page.evaluate(
        "['.gb-verdict', 'table.gb-evidence tr', '.gb-statement']"
        ".map(s => getComputedStyle(document.querySelector('.gb-card ' + s)).breakInside)"
    )
    assert breaks == ["avoid", "avoid", "avoid"]
    context.close()


def test_a_study_page_leads_on_from_its_line_of_links_on_a_phone_and_not_on_paper(browser, repo_url: str) -> None:
    """Study pages have no sidebars: the theme's drawer button, which would open an empty
    drawer, is hidden, the logo leads home instead, and the line of links above the title
    is on screen; on paper that line goes."""
    context, page = _page(browser, 390, 844, "light")
    page.goto(repo_url + "studies/pitt2013/", wait_until="load")
    assert page.locator(".md-header label[for='__drawer']").is_hidden()
    logo = page.locator(".md-header a.md-logo")
    assert logo.is_visible() and logo.bounding_box()["width"] > 0
    links = page.locator("nav.gb-study-nav a")
    assert links.count() == 7 and links.first.is_visible()
    assert links.nth(5).inner_text() == "Bibliography"
    assert page.locator(".md-sidebar").count() == 0
    page.emulate_media(media="print")
    assert page.locator("nav.gb-study-nav").is_hidden()
    context.close()
