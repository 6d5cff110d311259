"""WCAG 2.2 AA on every page: axe-core in headless chromium over the repository's site.

Every page of the site (content pages with their code blocks, generated pages, every study
page) is checked as it loads, in the light and the dark scheme. Each page type is also checked
in its opened states (local graphs drawn, the search dialog showing results) in both schemes
at a desktop width and in the light scheme at a phone width. Pages are checked whole
(Material's header, navigation, footer and search included), with the rules tagged WCAG
2.0/2.1/2.2 A and AA plus axe's best practices. No serious or critical violation may remain;
fixes go in ``graphbuild/site/assets/a11y.css`` and ``overrides/``, never in the check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import open_local_graphs

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
}
PAGE_TYPES = [
    "content", "study", "summary", "bibliography", "claims", "matrix", "map", "changes", "self-assessment", "search"
]  # fmt: skip
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# Colours are the same at every width; the phone layout (drawer navigation, full-screen search)
# is checked in the light scheme only, to keep the suite quick.
VARIANTS = [("light", "desktop"), ("dark", "desktop"), ("light", "phone")]
FIXED = {
    "summary": "evidence/summary/",
    "bibliography": "bibliography/",
    "claims": "claims/",
    "matrix": "evidence/matrix/",
    "map": "evidence/",
    "changes": "evidence/changes/",
    "self-assessment": "self-assessment/",
}


def page_path(site: Path, kind: str) -> str:
    if kind in FIXED:
        assert (site / FIXED[kind] / "index.html").exists(), f"the site has no {kind} page at {FIXED[kind]}"
        return FIXED[kind]
    if kind == "study":
        studies = sorted(p.parent for p in (site / "studies").glob("*/index.html"))
        assert studies, "the site has no study pages"
        return studies[0].relative_to(site).as_posix() + "/"
    with_cards = sorted(p for p in site.glob("*/index.html") if 'class="gb-card' in p.read_text(encoding="utf-8"))
    assert with_cards, "no content page holds a claim card"
    return with_cards[0].parent.relative_to(site).as_posix() + "/"


def open_page(page, base: str, site: Path, kind: str, viewport: str) -> None:
    if kind == "search":
        page.goto(base + page_path(site, "content"), wait_until="load")
        opener = ".md-search__input" if viewport == "desktop" else "label.md-header__button[for='__search']"
        page.locator(opener).first.click()
        page.keyboard.type("peer")
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert page.locator("#__search").is_checked() and page.locator(".md-search__inner").is_visible()
        return
    page.goto(base + page_path(site, kind), wait_until="load")
    if kind == "map":
        page.wait_for_selector('[data-gb-ready="1"]', state="attached", timeout=20_000)
    open_local_graphs(page, limit=2)


def settle(page) -> None:
    """Wait for CSS transitions to end: colours measured mid-fade are neither state's colours."""
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getComputedTiming().endTime === Infinity)",
        timeout=10_000,
    )


def serious_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=RULES).response["violations"]
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def describe(serious: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']}: {(n.get('failureSummary') or '').splitlines()[-1:]}" for n in v["nodes"][:5])
        for v in serious
    )


def site_pages(site: Path) -> list[str]:
    """Every page, less the claims' permanent addresses that send the reader straight on to
    the claim's card (whose page is checked); a removed claim's address is checked."""
    return sorted(
        p.relative_to(site).as_posix().removesuffix("index.html")
        for p in site.rglob("*.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_as_it_loads(browser, repo_url: str, repo_site: Path, scheme: str) -> None:
    """The page types below are checked in their opened states; this checks every page of the
    site, so that no page's own content (the editors' page's highlighted YAML was 4.47:1)
    goes unchecked."""
    paths = site_pages(repo_site)
    docs = sorted(p.stem for p in (REPO / "docs").glob("*.md") if p.stem != "index")
    assert {f"{name}/" for name in docs} | {"", "bibliography/", "evidence/", "studies/"} <= {
        path if path.count("/") < 2 else path.split("/")[0] + "/" for path in paths
    }
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORTS["desktop"], service_workers="block")
    found, code_blocks = {}, 0
    try:
        page = context.new_page()
        for path in paths:
            page.goto(repo_url + path, wait_until="load")
            settle(page)
            code_blocks += page.locator(".md-typeset .highlight code").count()
            serious = serious_violations(page)
            if serious:
                found[path] = describe(serious)
    finally:
        context.close()
    assert code_blocks, "no page with a highlighted code block was checked"
    assert not found, f"{scheme} scheme:\n" + "\n".join(f"{path}:\n{report}" for path, report in found.items())


@pytest.mark.parametrize(("scheme", "viewport"), VARIANTS, ids=[f"{s}-{v}" for s, v in VARIANTS])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_serious_accessibility_violation(
    browser, repo_url: str, repo_site: Path, kind: str, scheme: str, viewport: str
) -> None:
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORTS[viewport], service_workers="block")
    try:
        page = context.new_page()
        open_page(page, repo_url, repo_site, kind, viewport)
        if scheme == "dark":
            assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        settle(page)
        serious = serious_violations(page)
    finally:
        context.close()
    assert not serious, f"{kind} page, {scheme} scheme, {viewport}:\n{describe(serious)}"


def test_the_search_dialog_has_a_name(browser, repo_url: str, repo_site: Path) -> None:
    """Stock Material's search dialog has no accessible name; the theme override gives it one."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(repo_url + page_path(repo_site, "content"), wait_until="load")
        assert page.get_by_role("dialog", name="Search", include_hidden=True).count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("query", ["readmission", "Pitt"])
def test_search_results_that_quote_code_pass_on_a_phone(browser, repo_url: str, repo_site: Path, query: str) -> None:
    """These queries find the editors' page, whose code blocks the results quote: on a phone
    each quote was a sideways scroll the keyboard could not reach (scrollable-region-focusable)."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], service_workers="block")
    try:
        page = context.new_page()
        page.goto(repo_url + page_path(repo_site, "content"), wait_until="load")
        page.locator("label.md-header__button[for='__search']").first.click()
        page.keyboard.type(query)
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert page.locator(".md-search-result code").count() > 0  # a result quotes code
        settle(page)
        serious = serious_violations(page)
    finally:
        context.close()
    assert not serious, f"search for {query!r} at 390 px:\n{describe(serious)}"
