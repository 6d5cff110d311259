"""A knowledge base made by ``graphbuild new`` from the built wheel, in a clean virtual
environment, and built strictly in its folder: in Chromium, its map is drawn, its example
claim's card and study pages work, and nothing is fetched from another host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Watched, serve
from .test_graph import PAINTED

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def kb_url(wheel_kb: Path) -> Iterator[str]:
    yield from serve(wheel_kb / "site")


def test_the_new_knowledge_base_draws_its_map(watched: Watched, kb_url: str) -> None:
    watched.goto(kb_url + "evidence/")
    watched.wait_ready()
    container = watched.page.locator("#gb-map")
    assert container.get_attribute("data-gb-nodes") == "2"  # the example claim and the review behind it
    assert watched.page.eval_on_selector("#gb-map canvas", PAINTED) > 1000
    types = watched.page.eval_on_selector_all('input[name="type"]', "inputs => inputs.map(i => i.value)")
    assert types == ["effect", "harm"]  # the vocabulary given to graphbuild new


def test_the_example_claim_and_its_study_open(watched: Watched, kb_url: str) -> None:
    watched.goto(kb_url + "example/")
    card = watched.page.locator("#exercise-reduces-depressive-symptoms")
    assert card.is_visible() and "Exercise may reduce symptoms of depression" in card.inner_text()
    watched.page.locator('a[href$="studies/cooney2013/"]').first.click()
    watched.page.wait_for_url("**/studies/cooney2013/")
    assert watched.page.locator("h1").inner_text() == "Cooney et al. (2013)"
    assert "Exercise for depression" in watched.page.locator("article").inner_text()
