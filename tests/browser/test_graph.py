"""The evidence map and the local graphs in headless chromium, served from 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import HOSTILE_TITLE, Watched

pytestmark = pytest.mark.browser

MAP = "gb-map"
PAINTED = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted += 1;
  return painted;
}"""


def _open_map(watched: Watched, url: str) -> None:
    watched.goto(url + "evidence/")
    watched.wait_ready()


def _dataset(watched: Watched, kind: str, key: str = MAP) -> list[dict]:
    return watched.page.evaluate(
        f"key => window.graphbuild.datasets[key].{kind}.get()"
        ".map(item => ({id: item.id, from: item.from, to: item.to, stance: item.stance,"
        " hidden: !!item.hidden, label: item.label, title: item.title}))",
        key,
    )


def _visible_nodes(watched: Watched) -> set[str]:
    return {n["id"] for n in _dataset(watched, "nodes") if not n["hidden"]}


def _click_node(watched: Watched, node: str, key: str = MAP) -> None:
    """A real mouse click where the node is drawn on the canvas."""
    point = watched.page.evaluate(
        "([key, node]) => { const n = window.graphbuild.networks[key]; return n.canvasToDOM(n.getPosition(node)); }",
        [key, node],
    )
    container = watched.page.locator(f'[data-gb-ready="1"]:is(#{key}, [data-graph="{key}"])')
    container.scroll_into_view_if_needed()
    box = container.bounding_box()
    watched.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_map_draws_a_non_empty_canvas(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    container = watched.page.locator("#gb-map")
    assert container.get_attribute("data-gb-nodes") == "9"
    assert watched.page.eval_on_selector("#gb-map canvas", PAINTED) > 1000
    assert watched.page.evaluate("typeof window.vis.Network") == "function"
    scripts = watched.page.evaluate("[...document.scripts].map(s => s.src).filter(src => src.includes('vis-network'))")
    assert scripts == [site_url + "assets/graphbuild/vis-network.min.js"]


def test_map_holds_the_nodes_and_edges_of_graph_json(watched: Watched, site_url: str, site_dir: Path) -> None:
    _open_map(watched, site_url)
    graph = json.loads((site_dir / "evidence" / "graph.json").read_text(encoding="utf-8"))
    nodes = {n["id"] for n in graph["nodes"]}
    edges = {(e["source"], e["target"], e["stance"]) for e in graph["edges"]}
    assert {n["id"] for n in _dataset(watched, "nodes")} == nodes
    assert {(e["from"], e["to"], e["stance"]) for e in _dataset(watched, "edges")} == edges
    container = watched.page.locator("#gb-map")
    assert (container.get_attribute("data-gb-nodes"), container.get_attribute("data-gb-edges")) == (
        str(len(nodes)),
        str(len(edges)),
    )


def test_type_filter_hides_its_claims_and_their_own_studies(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    everything = _visible_nodes(watched)
    watched.page.get_by_role("checkbox", name="outcome").uncheck()
    hidden = everything - _visible_nodes(watched)
    assert hidden == {"claim:fewer-readmissions", "study:pitt2013"}  # min2007 is also cited elsewhere
    assert "Showing 3 of 4 claims and 4 of 5 studies" in watched.page.locator(".gb-map-status").inner_text()
    watched.page.get_by_role("button", name="Show everything").click()
    watched.page.wait_for_function("document.querySelector('#gb-map').dataset.gbVisibleNodes === '9'")
    assert _visible_nodes(watched) == everything


def test_filters_work_from_the_keyboard(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    watched.page.get_by_role("checkbox", name="mixed results").focus()
    watched.page.keyboard.press("Space")
    edges = {e["stance"]: e["hidden"] for e in _dataset(watched, "edges") if e["stance"] == "mixed"}
    assert edges == {"mixed": True}
    watched.page.get_by_role("checkbox", name="Level 6").focus()
    watched.page.keyboard.press("Space")
    hidden = everything_hidden = {n["id"] for n in _dataset(watched, "nodes") if n["hidden"]}
    assert {"study:gillard2014", "study:dh2011", "study:mead2006"} <= everything_hidden
    assert not any(node.startswith("claim:") for node in hidden)


def test_group_filter_includes_claims_without_a_group(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    watched.page.get_by_role("checkbox", name="not stated").uncheck()
    assert "claim:training-helps" not in _visible_nodes(watched)


def test_clicking_a_study_opens_its_page(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    with watched.page.expect_navigation():
        _click_node(watched, "study:pitt2013")
    assert watched.page.url == site_url + "studies/pitt2013/"


def test_clicking_a_claim_opens_its_card(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    with watched.page.expect_navigation():
        _click_node(watched, "claim:unclear-role")
    assert watched.page.url == site_url + "organisations/#unclear-role"


def test_search_selects_and_focuses_a_node(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    search = watched.page.get_by_role("searchbox", name="Find a claim or study")
    search.fill("pitt")
    search.press("Enter")
    selected = watched.page.evaluate(f"window.graphbuild.networks['{MAP}'].getSelectedNodes()")
    assert selected == ["study:pitt2013"]
    assert "Pitt et al., 2013" in watched.page.locator(".gb-map-status").inner_text()
    panel = watched.page.locator(".gb-map-selection")
    assert panel.is_visible() and "Systematic review, evidence level 1" in panel.inner_text()
    assert panel.get_by_role("link").get_attribute("href").endswith("studies/pitt2013/")


def test_search_by_words_cycles_through_matches(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    search = watched.page.get_by_role("searchbox", name="Find a claim or study")
    search.fill("peer")
    seen = set()
    for _ in range(3):
        watched.page.get_by_role("button", name="Find", exact=True).click()
        seen.update(watched.page.evaluate(f"window.graphbuild.networks['{MAP}'].getSelectedNodes()"))
    assert len(seen) == 3
    search.fill("no such thing anywhere")
    search.press("Enter")
    assert "Nothing on the map matches" in watched.page.locator(".gb-map-status").inner_text()


def test_hash_selects_a_node_on_load(watched: Watched, site_url: str) -> None:
    watched.goto(site_url + "evidence/#claim:hope")
    watched.wait_ready()
    assert watched.page.evaluate(f"window.graphbuild.networks['{MAP}'].getSelectedNodes()") == ["claim:hope"]


def test_claim_card_links_to_its_place_on_the_map(watched: Watched, site_url: str) -> None:
    watched.goto(site_url)
    watched.page.get_by_role("link", name="Show in the evidence map").first.click()
    watched.wait_ready()
    assert watched.page.evaluate(f"window.graphbuild.networks['{MAP}'].getSelectedNodes()") == [
        "claim:fewer-readmissions"
    ]


def test_local_graph_on_a_study_page_draws_when_opened(watched: Watched, site_url: str) -> None:
    watched.goto(site_url + "studies/min2007/")
    graph = watched.page.locator(".gb-graph")
    assert graph.get_attribute("data-gb-ready") is None
    assert watched.page.evaluate("window.vis === undefined")
    watched.page.get_by_text("Show as a graph").click()
    watched.wait_ready(".gb-graph")
    assert (graph.get_attribute("data-gb-nodes"), graph.get_attribute("data-gb-edges")) == ("3", "2")
    assert watched.page.eval_on_selector(".gb-graph canvas", PAINTED) > 500
    key = graph.get_attribute("data-graph")
    with watched.page.expect_navigation():
        _click_node(watched, "claim:training-helps", key)
    assert watched.page.url == site_url + "organisations/#training-helps"


def test_local_graph_is_drawn_from_the_maps_data_fetched_once_when_opened(watched: Watched, site_url: str) -> None:
    """No page carries a graph of its own: the evidence map's data is fetched when a reader
    first opens a graph, once for every graph on the page, and only then."""
    fetched: list[str] = []
    watched.page.on("request", lambda r: fetched.append(r.url) if r.url.endswith("/map.json") else None)
    watched.goto(site_url + "organisations/")
    assert watched.page.locator("script[type='application/json'][id^='gb-graph-']").count() == 0
    watched.page.wait_for_timeout(300)
    assert fetched == []
    for card in ("#unclear-role", "#training-helps"):
        watched.page.locator(card).get_by_text("Show as a graph").click()
        watched.page.locator(f'{card} .gb-graph[data-gb-ready="1"]').wait_for(state="attached")
    assert fetched == [site_url + "evidence/map.json"]
    hint = watched.page.locator("#unclear-role .gb-graph-hint")
    assert hint.is_visible() and hint.inner_text().startswith("Circles are claims")


def test_local_graph_of_a_node_the_map_lacks_says_so(watched: Watched, site_url: str) -> None:
    """A map older than the page (a cached copy) has no node for it: the page says so, and
    points to the table, instead of drawing an empty box."""

    def without_the_study(route) -> None:
        data = json.loads(route.fetch().text())
        data["nodes"] = [n for n in data["nodes"] if n["id"] != "study:min2007"]
        data["edges"] = []
        route.fulfill(body=json.dumps(data), content_type="application/json")

    watched.page.route("**/evidence/map.json", without_the_study)
    watched.goto(site_url + "studies/min2007/")
    watched.page.get_by_text("Show as a graph").click()
    graph = watched.page.locator(".gb-graph")
    watched.page.wait_for_function("el => el.dataset.gbState === 'failed'", arg=graph.element_handle())
    note = watched.page.locator(".gb-local-graph .gb-map-failed")
    assert note.inner_text() == "The graph could not be drawn here. The table above lists the same links in words."
    watched.assert_clean()


def test_local_graph_of_a_claim_card(watched: Watched, site_url: str) -> None:
    watched.goto(site_url + "organisations/")
    card = watched.page.locator("#unclear-role")
    card.get_by_text("Show as a graph").click()
    card.locator('.gb-graph[data-gb-ready="1"]').wait_for(state="attached")
    key = card.locator(".gb-graph").get_attribute("data-graph")
    nodes = {n["id"] for n in _dataset(watched, "nodes", key)}
    assert nodes == {"claim:unclear-role", "study:gillard2014", "study:dh2011"}


def test_local_graph_toggle_is_not_drawn_as_a_note(watched: Watched, site_url: str) -> None:
    """Material styles every <details> as a "note" callout (blue bar, pencil icon) when
    pymdownx.details is on; the local graph's toggle is a plain disclosure instead."""
    watched.goto(site_url + "organisations/")
    style = watched.page.evaluate(
        """() => {
            const details = document.querySelector('#unclear-role details.gb-local-graph');
            const summary = details.querySelector('summary');
            const note = document.createElement('details');  // a stock one, for comparison
            note.innerHTML = '<summary>Note</summary>';
            details.parentNode.appendChild(note);
            const result = {
                icon: getComputedStyle(summary, '::before').display,
                stockIcon: getComputedStyle(note.querySelector('summary'), '::before').display,
                border: getComputedStyle(details).borderLeftColor,
                stockBorder: getComputedStyle(note).borderLeftColor,
            };
            note.remove();
            return result;
        }"""
    )
    assert style["stockIcon"] != "none", "the test site no longer draws details as notes: check the test"
    assert style["icon"] == "none"
    assert style["border"] != style["stockBorder"]


def test_pages_without_graphs_load_nothing(watched: Watched, site_url: str) -> None:
    requested: list[str] = []
    watched.page.on("request", lambda request: requested.append(request.url))
    watched.goto(site_url + "bibliography/")
    watched.page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "vis-network" in url or url.endswith("map.json")]


def test_no_request_leaves_the_server_and_no_console_error(watched: Watched, site_url: str) -> None:
    for path in ["", "organisations/", "claims/", "evidence/matrix/", "bibliography/", "studies/dh2011/"]:
        watched.goto(site_url + path)
        for summary in watched.page.locator("details.gb-local-graph > summary").all():
            summary.click()
        watched.page.wait_for_load_state("networkidle")
    _open_map(watched, site_url)
    watched.page.wait_for_load_state("networkidle")
    watched.assert_clean()


def test_hostile_bibliography_runs_nothing(watched: Watched, hostile_url: str) -> None:
    _open_map(watched, hostile_url)
    nodes = {n["id"]: n for n in _dataset(watched, "nodes")}
    assert HOSTILE_TITLE in nodes["study:evil2020"]["title"]
    search = watched.page.get_by_role("searchbox", name="Find a claim or study")
    search.fill("onerror")
    search.press("Enter")
    panel = watched.page.locator(".gb-map-selection")
    assert HOSTILE_TITLE in panel.inner_text()
    assert panel.locator("img, script").count() == 0
    watched.page.mouse.move(0, 0)
    point = watched.page.evaluate(
        "() => { const n = window.graphbuild.networks['gb-map'];"
        " return n.canvasToDOM(n.getPosition('study:evil2020')); }"
    )
    watched.page.locator("#gb-map").scroll_into_view_if_needed()
    box = watched.page.locator("#gb-map").bounding_box()
    watched.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = watched.page.locator("#gb-map div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert HOSTILE_TITLE in tooltip.inner_text()
    assert tooltip.locator("*").count() <= tooltip.locator("br").count()
    for path in ["studies/evil2020/", "", "bibliography/", "claims/"]:
        watched.goto(hostile_url + path)
        for summary in watched.page.locator("details.gb-local-graph > summary").all():
            summary.click()
        watched.page.wait_for_load_state("networkidle")
    assert watched.page.locator("img[src=x]").count() == 0
    watched.assert_clean()


@pytest.mark.parametrize("path", ["evidence/", "studies/min2007/"])
def test_graph_pages_have_no_serious_accessibility_violation(watched: Watched, site_url: str, path: str) -> None:
    """axe-core on the page content (the theme's own header and footer are checked elsewhere)."""
    from axe_playwright_python.sync_playwright import Axe

    watched.goto(site_url + path)
    for summary in watched.page.locator("details.gb-local-graph > summary").all():
        summary.click()
    watched.page.wait_for_load_state("networkidle")
    results = Axe().run(watched.page, context={"include": [[".md-content"]]})
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious


def test_switching_to_the_dark_scheme_restyles_the_drawing(watched: Watched, site_url: str) -> None:
    _open_map(watched, site_url)
    colours = """() => { const body = window.graphbuild.networks['gb-map'].body;
      return [body.nodes['claim:hope'].options.color.border, body.nodes['claim:hope'].options.color.background,
              body.edges[0].options.color.color]; }"""
    # hope is supported (its outline) and rated very low (its fill)
    assert watched.page.evaluate(colours) == ["#202020", "#c6dbef", "#0072b2"]
    watched.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    watched.page.wait_for_function(f"({colours})()[0] === '#e0e0e0'")
    assert watched.page.evaluate(colours) == ["#e0e0e0", "#1f4e79", "#56b4e9"]


def test_on_a_phone_the_map_comes_before_the_filters(watched: Watched, site_url: str) -> None:
    watched.page.set_viewport_size({"width": 390, "height": 844})
    _open_map(watched, site_url)
    assert watched.page.eval_on_selector("details.gb-map-filter-box", "box => box.open") is False
    assert watched.page.eval_on_selector("#gb-map canvas", PAINTED) > 500
    watched.page.get_by_text("Filters: claim type").click()
    watched.page.get_by_role("checkbox", name="barrier").uncheck()
    assert "claim:unclear-role" not in _visible_nodes(watched)
