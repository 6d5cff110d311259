"""The hostile site in chromium: on every page, with tooltips, local graphs, the evidence map
and both searches exercised, no dialog fires, no request leaves 127.0.0.1, and the live DOM
(after every script has run) holds no element made from the input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..test_hostile import IMG, JINJA, SCRIPT, build_site, write_hostile_site
from .conftest import Watched, open_local_graphs, serve

pytestmark = pytest.mark.browser

LIVE_DOM_PROBLEMS = """() => {
  const problems = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (attr.name.startsWith("on")) problems.push(`${el.tagName} ${attr.name}`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(attr.name)
          && /^(javascript|data|vbscript):/.test(value)) problems.push(`${el.tagName} ${attr.name}=${value}`);
    }
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") problems.push("img src=x");
    if (el.tagName === "SCRIPT" && !el.src && /alert\\(/.test(el.textContent)
        && !/json/.test(el.type)) problems.push("inline script with alert(");
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_hostile_site(tmp_path_factory.mktemp("hostile-browser"))
    return build_site(root, root.parent / "site")


@pytest.fixture(scope="module")
def hostile_base(hostile_site: Path) -> Iterator[str]:
    yield from serve(hostile_site)


def all_pages(site: Path) -> list[str]:
    """Every page, less the claims' permanent addresses that send the reader straight on to
    a card (a page visited here too; test_living.py parses the addresses themselves)."""
    paths = []
    for page in sorted(site.rglob("*.html")):
        if 'http-equiv="refresh"' in page.read_text(encoding="utf-8"):
            continue
        rel = page.relative_to(site).as_posix()
        paths.append(rel.removesuffix("index.html"))
    return paths


def sweep_canvas(watched: Watched, selector: str) -> None:
    """Move the mouse over a grid of points on a drawn graph, so that tooltips open."""
    for container in watched.page.locator(selector).all():
        container.scroll_into_view_if_needed()
        box = container.bounding_box()
        if not box:
            continue
        for i in range(1, 8):
            for j in range(1, 5):
                watched.page.mouse.move(box["x"] + box["width"] * i / 8, box["y"] + box["height"] * j / 5)
                watched.page.wait_for_timeout(15)


def exercise(watched: Watched, base: str, path: str) -> None:
    watched.goto(base + path)
    page = watched.page
    if page.locator(".gb-map").count():
        watched.wait_ready()
        sweep_canvas(watched, ".gb-map")
        search = page.get_by_role("searchbox", name="Find a claim or study")
        if search.count():
            search.fill("alert")
            search.press("Enter")
    if open_local_graphs(page):
        sweep_canvas(watched, ".gb-graph[data-gb-state='drawn']")
    for cite in page.locator("a.gb-cite").all():
        cite.hover()
        cite.focus()
    for button in page.locator("button.gb-copy").all():  # copies the hostile reference as text
        button.click()
    assert page.evaluate(LIVE_DOM_PROBLEMS) == [], path


def test_no_page_runs_hostile_input(watched: Watched, hostile_site: Path, hostile_base: str) -> None:
    paths = all_pages(hostile_site)
    assert "studies/evil2020/" in paths and "evidence/" in paths
    for path in paths:
        exercise(watched, hostile_base, path)
        assert watched.dialogs == [], f"{path}: {watched.dialogs}"
    watched.assert_clean()


def test_study_page_shows_hostile_text_literally(watched: Watched, hostile_base: str) -> None:
    watched.goto(hostile_base + "studies/evil2020/")
    text = watched.page.locator("article").inner_text()
    for hostile_text in (SCRIPT, IMG, JINJA):
        assert hostile_text in text
    assert SCRIPT in watched.page.title()
    assert watched.page.evaluate(LIVE_DOM_PROBLEMS) == []


@pytest.mark.parametrize("query", ["onerror", "javascript", "jinja", "attribute"])
def test_search_results_show_hostile_text_inertly(watched: Watched, hostile_base: str, query: str) -> None:
    """Material renders search results from the index as HTML: titles and texts must be inert."""
    watched.goto(hostile_base)
    watched.page.locator(".md-search__input").click()
    watched.page.keyboard.type(query)
    watched.page.wait_for_selector(".md-search-result__item", timeout=15_000)
    watched.page.wait_for_timeout(300)
    results = watched.page.locator(".md-search-result__list").inner_text()
    assert "alert(1)" in results or JINJA in results, results[:500]
    assert watched.page.evaluate(LIVE_DOM_PROBLEMS) == []
    more = watched.page.locator(".md-search-result__more > summary").all()
    for summary in more:
        summary.click()
    assert watched.page.evaluate(LIVE_DOM_PROBLEMS) == []
    watched.assert_clean()


def test_a_key_named_like_a_theme_element_leaves_the_theme_working(watched: Watched, tmp_path: Path) -> None:
    """A key ``__config`` once gave the bibliography an element ``id="__config"`` ahead of
    Material's own ``<script id="__config">``: Material's JavaScript died on that page."""
    from ..conftest import MKDOCS_YML, build, write_site

    bib = "@misc{__config,\n  title = {Config},\n  year = {2020},\n  design = {rct},\n}\n"
    files = {"mkdocs.yml": MKDOCS_YML, "references.bib": bib, "docs/index.md": "# Home\n\nSee [@__config].\n"}
    site = build(write_site(tmp_path / "src", files))
    for base in serve(site):
        watched.goto(base + "bibliography/")
        watched.page.locator(".md-search__input").click()
        watched.page.keyboard.type("Config")
        watched.page.wait_for_selector(".md-search-result__item", timeout=15_000)
    watched.assert_clean()


@pytest.fixture(scope="module")
def prose_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Editors' prose that would run script or fetch from another host, built as ``mkdocs
    serve`` builds it (errors stop every other build, before anything is written): the
    page is published with its problems shown, and must still be inert."""
    from ..conftest import BIB, MKDOCS_YML, build, write_site
    from ..test_prose import HOSTILE_PROSE

    page = "# Prose\n\n" + "\n\n".join(markdown for markdown, _ in HOSTILE_PROSE.values()) + "\n"
    yml = MKDOCS_YML.replace("markdown_extensions:\n", "markdown_extensions:\n  - attr_list\n  - md_in_html\n")
    root = write_site(
        tmp_path_factory.mktemp("prose"), {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": page}
    )
    (root / "docs" / "picture.png").write_bytes(PNG)
    yield from serve(build(root, strict=False, serving=True))


# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_hostile_prose_runs_and_fetches_nothing(watched: Watched, prose_url: str) -> None:
    watched.goto(prose_url)
    for element in watched.page.locator("article a, article em, article svg").all():
        element.hover()
    assert watched.page.evaluate(LIVE_DOM_PROBLEMS) == []
    watched.assert_clean()


def test_citation_tags_and_linked_data_stay_text_in_the_live_page(watched: Watched, hostile_base: str) -> None:
    """What Zotero reads from the live head, and what a crawler reads from the JSON-LD, is the
    entry's text: no element was made of it, and the script's JSON reads back."""
    from graphbuild.formats.metatags import citation_meta
    from graphbuild.model.bibliography import parse_bibliography
    from graphbuild.model.config import Config

    from ..test_hostile import BIB

    bibliography, _ = parse_bibliography(BIB, "references.bib", Config())
    watched.goto(hostile_base + "studies/evil2020/")
    tags = watched.page.evaluate(
        "[...document.head.querySelectorAll('meta[name^=\"citation_\"]')].map(m => [m.name, m.content])"
    )
    assert [tuple(tag) for tag in tags] == citation_meta(bibliography["evil2020"])
    nodes = watched.page.evaluate(
        "[...document.querySelectorAll('script[type=\"application/ld+json\"]')].map(s => JSON.parse(s.textContent))"
    )
    assert any(SCRIPT in node.get("name", "") for node in nodes)
    assert watched.page.evaluate(LIVE_DOM_PROBLEMS) == []
