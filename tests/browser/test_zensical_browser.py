"""The repository's site as Zensical builds it from the Markdown tree, finished by ``graphbuild
finish``, in Chromium: cards in their pages, the map drawn, a study page themed as the rest of
the site, Zensical's own search finding a claim and a study, nothing fetched from another host."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import REPO, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which("zensical", path=str(Path(sys.executable).parent)) is None,
        reason="zensical is not installed (pip install -e '.[zensical]')",
    ),
]


@pytest.fixture(scope="module")
def zensical_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from graphbuild.cli import main

    tree = tmp_path_factory.mktemp("zensical") / "tree"
    assert main(["--root", str(REPO), "render", "--output", str(tree)]) == 0
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent))
    run = subprocess.run([str(zensical), "build", "--strict"], cwd=tree, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert main(["finish", str(tree)]) == 0
    yield from serve(tree / "site")


def test_cards_and_the_map_work(watched, zensical_url: str) -> None:
    watched.goto(zensical_url + "outcomes/")
    card = watched.page.locator("section.gb-card#fewer-readmissions")
    assert card.is_visible()
    assert card.locator(".gb-certainty").count() >= 1  # the certainty, at a glance, as under the plugin
    watched.goto(zensical_url + "evidence/")
    watched.wait_ready()
    drawn = watched.page.evaluate("() => document.querySelectorAll('.gb-map canvas').length")
    assert drawn >= 1


@pytest.mark.parametrize("path", ["outcomes/", "studies/pitt2013/"])
def test_the_header_search_is_zensicals_own(watched, zensical_url: str, path: str) -> None:
    """The site's override of Material's search partial (an accessible name for its dialog)
    must not put Material's search form into Zensical's header, where it shows unstyled."""
    watched.page.set_viewport_size({"width": 1366, "height": 900})
    watched.goto(zensical_url + path)
    page = watched.page
    assert page.locator(".md-search__form").count() == 0
    assert page.locator(".md-search__button").count() == 1
    assert page.locator(".md-search[role=dialog]").get_attribute("aria-label")


def test_a_study_page_is_themed_and_leads_back(watched, zensical_url: str) -> None:
    watched.goto(zensical_url + "studies/pitt2013/")
    page = watched.page
    assert page.locator("header.md-header").is_visible()
    assert "Consumer-providers of care" in page.locator("article").inner_text()
    assert page.title().startswith("Pitt et al. (2013)")
    back = page.locator("a[href$='evidence/summary/']").first
    assert back.count() == 1


RESULTS = """() => {
  const found = [];
  const walk = (root) => {
    root.querySelectorAll("[id$=-results] a[href]").forEach((a) => found.push(a.href));
    root.querySelectorAll("*").forEach((e) => e.shadowRoot && walk(e.shadowRoot));
  };
  walk(document);
  return found;
}"""


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("reduces psychiatric hospital readmissions", "/outcomes/#fewer-readmissions"),
        ("Whitecraft", "/studies/min2007/"),
    ],
)
def test_zensical_search_finds_claims_and_studies(watched, zensical_url: str, words: str, expected: str) -> None:
    """Zensical's search (its results in a shadow root) leads first to the claim's own entry
    and to the study's page, which ``finish`` added to its index."""
    page = watched.page
    watched.goto(zensical_url + "outcomes/")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.wait_for_timeout(300)  # the dialog takes the focus
    page.keyboard.type(words)
    # results come as the query is typed, a partial query's first: wait until the entry
    # ranks among the first three, or say what ranked there instead
    top = (
        f"expected => ({RESULTS})().slice(0, 3)"
        ".some((href) => { const u = new URL(href); return u.pathname + u.hash === expected; })"
    )
    try:
        page.wait_for_function(top, arg=expected, timeout=15_000)
    except Exception:  # noqa: BLE001  (the ranking is the finding)
        found = [urlsplit(href) for href in page.evaluate(RESULTS)]
        pytest.fail(f"{expected} not among the first three: {[u.path + '#' + u.fragment for u in found][:5]}")


def test_the_keyboard_skips_the_theme_and_never_lands_off_screen(browser, zensical_url: str) -> None:
    """Issue 25 on the other engine: Zensical writes its own skip link; its closed drawer's
    nested menus, which its theme shows whatever the drawer's visibility, are out of the Tab
    order too (graphbuild.js makes the closed drawer inert)."""
    from .reading import tab_stops_to

    context = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="block")
    page = context.new_page()
    page.goto(zensical_url + "claims/", wait_until="load")
    assert page.locator(".md-skip").count() == 1  # the theme's, not a second one
    stops = tab_stops_to(page, ".gb-index-filters select")
    context.close()
    assert stops.reached and stops.unseen == 0 and stops.stops <= 15, stops
