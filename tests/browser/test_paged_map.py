"""A map too large to draw whole is drawn by its pages first; opening one draws its claims
and their studies as a small map is drawn (issue 27: 40,000 nodes took Chromium 11 to 14 s)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import BIB, INDEX_MD, MKDOCS_YML
from .conftest import SECOND_MD, Watched, _build_site, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def paged_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small browser site, with every map drawn by pages (the threshold lowered)."""
    from graphbuild.formats import mapdata

    threshold = mapdata.CLUSTER_ABOVE
    mapdata.CLUSTER_ABOVE = 1
    try:
        return _build_site(
            tmp_path_factory.mktemp("paged-site"),
            {
                "mkdocs.yml": MKDOCS_YML,
                "references.bib": BIB,
                "docs/index.md": INDEX_MD,
                "docs/organisations.md": SECOND_MD,
            },
        )
    finally:
        mapdata.CLUSTER_ABOVE = threshold


@pytest.fixture(scope="module")
def paged_url(paged_dir: Path) -> Iterator[str]:
    yield from serve(paged_dir)


def _state(watched: Watched) -> dict:
    return watched.page.evaluate(
        "() => { const m = document.querySelector('#gb-map'); return {page: m.dataset.gbPage ?? null,"
        " nodes: window.graphbuild.datasets['gb-map'].nodes.getIds().sort(), selected: m.dataset.gbSelected ?? null,"
        " status: document.querySelector('.gb-map-status').textContent}; }"
    )


def _open(watched: Watched, url: str) -> None:
    watched.goto(url)
    watched.wait_ready()


def _page_drawn(watched: Watched, number: int) -> None:
    watched.page.wait_for_function(
        "n => { const m = document.querySelector('#gb-map');"
        " return m.dataset.gbPage === n && m.dataset.gbReady === '1'; }",
        arg=str(number),
    )


def test_the_map_data_names_each_claims_page(paged_dir: Path) -> None:
    data = json.loads((paged_dir / "evidence" / "map.json").read_text(encoding="utf-8"))
    assert data["pages"] == ["Peer support", "Organisations"]
    assert {n["id"]: n["pg"] for n in data["nodes"] if n["k"] == "c"} == {
        "claim:fewer-readmissions": 0,
        "claim:hope": 0,
        "claim:unclear-role": 1,
        "claim:training-helps": 1,
    }
    assert all("pg" not in n for n in data["nodes"] if n["k"] == "s")


def test_the_first_view_is_the_pages_and_a_click_opens_one(watched: Watched, paged_url: str) -> None:
    _open(watched, paged_url + "evidence/")
    state = _state(watched)
    assert state["page"] is None and state["nodes"] == ["page:0", "page:1"]
    assert "2 pages hold claims" in state["status"]
    point = watched.page.evaluate(
        "() => { const n = window.graphbuild.networks['gb-map']; return n.canvasToDOM(n.getPosition('page:1')); }"
    )
    watched.page.locator("#gb-map").scroll_into_view_if_needed()
    box = watched.page.locator("#gb-map").bounding_box()
    watched.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    _page_drawn(watched, 1)
    assert _state(watched)["nodes"] == sorted(
        ["claim:unclear-role", "claim:training-helps", "study:gillard2014", "study:dh2011", "study:min2007"]
    )
    watched.page.get_by_role("button", name="Show all pages").click()
    watched.page.wait_for_function("() => document.querySelector('#gb-map').dataset.gbPage === undefined")
    assert _state(watched)["nodes"] == ["page:0", "page:1"]
    watched.assert_clean()


def test_search_opens_the_page_of_a_claim_or_a_study(watched: Watched, paged_url: str) -> None:
    _open(watched, paged_url + "evidence/")
    watched.page.fill("#gb-map-query", "unclear job description")
    watched.page.get_by_role("button", name="Find").click()
    _page_drawn(watched, 1)
    assert _state(watched)["selected"] == "claim:unclear-role"
    watched.page.fill("#gb-map-query", "pitt2013")
    watched.page.get_by_role("button", name="Find").click()
    _page_drawn(watched, 0)
    state = _state(watched)
    assert state["selected"] == "study:pitt2013" and "Match 1 of 1" in state["status"]
    watched.assert_clean()


def test_a_link_to_a_claims_place_on_the_map_opens_its_page(watched: Watched, paged_url: str) -> None:
    _open(watched, paged_url + "evidence/#claim:training-helps")
    _page_drawn(watched, 1)
    assert _state(watched)["selected"] == "claim:training-helps"
    watched.assert_clean()


def test_filters_work_on_an_open_page(watched: Watched, paged_url: str) -> None:
    _open(watched, paged_url + "evidence/#claim:training-helps")
    _page_drawn(watched, 1)
    watched.page.get_by_role("checkbox", name="facilitator").uncheck()
    hidden = watched.page.evaluate(
        "() => window.graphbuild.datasets['gb-map'].nodes.get().filter(n => n.hidden).map(n => n.id).sort()"
    )
    assert hidden == ["claim:training-helps", "study:min2007"]  # dh2011 stays: unclear-role cites it too
    watched.assert_clean()
