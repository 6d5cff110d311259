"""What a clinician reads first, in Chromium at 390 and 1366 px (issue 25, items 2 and 5):
the key message leading the claims index and the summary of findings, legible direction
badges, the filter by the evidence behind a claim, and the changes page by day and claim."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..conftest import MKDOCS_YML, build
from ..living_repo import make_repo
from ..test_changes import COMMITS, WHY
from .conftest import VIEWS, serve

pytestmark = pytest.mark.browser


def _page(browser, width: int, height: int, scheme: str):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    return context, context.new_page()


def _px(locator) -> float:
    return float(locator.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))


@pytest.mark.parametrize(("width", "height", "scheme"), VIEWS)
def test_rows_lead_with_the_key_message_and_badges_are_legible(browser, repo_url, width, height, scheme) -> None:
    context, page = _page(browser, width, height, scheme)
    for path, row in (("claims/", "table.gb-claims tbody tr"), ("evidence/summary/", "table.gb-sof tbody tr")):
        page.goto(repo_url + path, wait_until="load")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, path
        first = page.locator(row).first
        lead, rest = first.locator("th[scope=row] > a"), first.locator("th[scope=row] > p").first
        lead.scroll_into_view_if_needed()
        assert lead.is_visible() and rest.is_visible()
        # the key message is read first: above the claim as stated, at the top of the row
        assert lead.bounding_box()["y"] < rest.bounding_box()["y"]
        assert lead.bounding_box()["y"] <= first.locator(".gb-status").bounding_box()["y"] + 1
        statement = first.locator(".gb-claim-as-stated")
        if statement.count():
            assert _px(statement) >= 12
        badges = page.locator(f"{row} .gb-status")
        sizes = badges.evaluate_all("els => els.map(el => parseFloat(getComputedStyle(el).fontSize))")
        assert sizes and min(sizes) >= 12, (path, min(sizes))
    context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_the_claims_index_filters_by_the_evidence_behind_a_claim(browser, repo_url, width, height) -> None:
    context, page = _page(browser, width, height, "light")
    page.goto(repo_url + "claims/", wait_until="load")
    rows = page.locator("table.gb-claims tbody tr")
    total = rows.count()
    select = page.get_by_label("Evidence from")
    option = select.locator("option[value='trials']").inner_text()
    counted = int(option.rsplit("(", 1)[1].rstrip(")"))
    select.select_option("trials")
    shown = page.locator("table.gb-claims tbody tr:not([hidden])")
    assert shown.count() == counted and 0 < counted < total
    kinds = shown.evaluate_all("rows => rows.map(r => r.dataset.evidence.split(' '))")
    assert all("trials" in k for k in kinds)
    assert "evidence=trials" in page.url
    assert page.locator(".gb-index-status").inner_text() == f"Showing {counted} of {total} claims."
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.goto(repo_url + "claims/?evidence=qualitative&direction=contested", wait_until="load")
    both = page.locator("table.gb-claims tbody tr:not([hidden])")
    assert (
        both.count()
        == page.locator("table.gb-claims tbody tr[data-direction='contested'][data-evidence~='qualitative']").count()
    )
    context.close()


@pytest.fixture(scope="module")
def changes_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site whose history has two commits on one day (one a merge-like subject with an
    Evidence-note trailer) and a study regraded the next."""
    root = tmp_path_factory.mktemp("reader-changes") / "site"
    make_repo(root, COMMITS)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    yield from serve(build(root, site_dir=tmp_path_factory.mktemp("reader-changes-site")))


@pytest.mark.parametrize(("width", "height", "scheme"), VIEWS)
def test_the_changes_page_reads_by_day_and_claim(browser, changes_url, width, height, scheme) -> None:
    context, page = _page(browser, width, height, scheme)
    page.goto(changes_url + "evidence/changes/", wait_until="load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    days = page.locator("article h2").all_inner_texts()
    assert days[:3] == ["4 March 2026", "3 March 2026", "2 March 2026"]
    day = page.locator("section.gb-change-group", has=page.locator("a", has_text="Peer support helps A."))
    first = day.first
    first.scroll_into_view_if_needed()
    subject, change, why = first.locator("h3"), first.locator("li").first, first.locator(".gb-change-note")
    assert subject.is_visible() and change.is_visible() and why.is_visible()
    assert change.inner_text() == "Certainty changed: now moderate certainty (was not assessed)"
    assert why.inner_text().lower() == f"why: {WHY}".lower()  # the label is drawn in capitals
    # what matters most first within the day: the certainty before the studies and wording
    groups = page.locator("section.gb-change-group h3").all_inner_texts()
    assert groups.index("Peer support helps A.") < groups.index("B helps patients.")
    text = page.locator("article").inner_text()
    assert "Merge main into cite2" not in text and "wip" not in text and "no-effect" not in text
    assert _px(change) >= 12
    context.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_a_printout_says_when_the_evidence_was_searched(browser, repo_url, width, height) -> None:
    """Item 1: a card or a summary of findings on paper keeps the date beside its certainty,
    and the git date says it is the entry's."""
    context, page = _page(browser, width, height, "light")
    page.emulate_media(media="print")
    page.goto(repo_url + "outcomes/", wait_until="load")
    card = page.locator("section.gb-card").first
    searched = card.locator(".gb-verdict .gb-searched")
    assert searched.is_visible() and searched.inner_text().startswith("Evidence searched: ")
    assert card.locator(".gb-dates").inner_text().startswith("Entry on this site updated ")
    page.goto(repo_url + "evidence/summary/", wait_until="load")
    heads = page.locator("table.gb-sof .gb-searched-head")
    assert heads.count() >= 1 and heads.first.is_visible()
    context.close()
