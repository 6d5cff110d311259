"""Citation exports in chromium: "copy citation" by keyboard with its announcement, nothing to
press without a script, the claims index's downloads of the rows shown, and a numeric
style's reference list, all checked with axe-core too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import BIB, INDEX_MD, MKDOCS_YML
from ..test_citing import NUMBERED_MD
from .conftest import SECOND_MD, Watched, _build_site, serve
from .test_axe import RULES

pytestmark = pytest.mark.browser


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings in the page's article (the whole page of the
    repository's site, theme included, is test_axe's)."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, context="article", options=RULES).response["violations"]
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="module")
def numbered_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test site in the Vancouver style."""
    options = MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      citation_style: vancouver\n")
    files = {"mkdocs.yml": options, "references.bib": BIB, "docs/index.md": INDEX_MD, "docs/numbered.md": NUMBERED_MD}
    yield from serve(_build_site(tmp_path_factory.mktemp("numbered"), files))


def test_copy_citation_by_keyboard_and_announced(browser, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(site_url + "studies/pitt2013/", wait_until="load")
        button = page.get_by_role("button", name="Copy citation")
        assert button.is_visible()
        status = page.locator(".gb-cite-this > .gb-copy-row .gb-copy-status")
        assert status.get_attribute("role") == "status" and status.inner_text() == ""  # there before it speaks
        for _ in range(40):  # to the button by keyboard, as someone without a mouse would
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('gb-copy')"):
                break
        else:
            pytest.fail("the copy button cannot be reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.querySelector('.gb-cite-this > .gb-copy-row .gb-copy-status').textContent"
            " === 'Citation copied.'"
        )
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.locator("#gb-study-ref").inner_text() + " https://doi.org/10.1002/14651858.CD004807.pub2"
        assert copied.startswith("Pitt, V., Lowe, D., Hill, S., et al. (2013).")
        assert copied.endswith("https://doi.org/10.1002/14651858.CD004807.pub2")
        # the same study in Vancouver, the next stop but one, copied whole, link and all
        page.keyboard.press("Tab")
        while not page.evaluate("document.activeElement.dataset.gbCopy === 'gb-cite-vancouver'"):
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('dl.gb-cite-styles .gb-copy-status').textContent !== ''")
        vancouver = page.evaluate("navigator.clipboard.readText()")
        assert vancouver == page.locator("#gb-cite-vancouver").inner_text()
        assert vancouver.startswith("Pitt V, Lowe D, Hill S")
        assert vancouver.endswith("doi:10.1002/14651858.CD004807.pub2")
        assert serious_violations(page) == []
    finally:
        context.close()


def test_without_a_script_there_is_no_button_to_press(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "studies/pitt2013/", wait_until="load")
        assert page.get_by_role("button", name="Copy citation").count() == 0
        buttons = page.locator("button.gb-copy")
        assert buttons.count() == 2 and all(button.is_hidden() for button in buttons.all())
        assert page.get_by_role("link", name="BibTeX").get_attribute("href") == "../pitt2013.bib"
    finally:
        context.close()


HIDDEN = ["fewer-readmissions", "training-helps"]


def _download(page, name: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    return Path(info.value.path()).read_bytes().decode("utf-8")


def test_claims_index_downloads_the_references_of_the_rows_shown(
    watched: Watched, site_url: str, site_dir: Path
) -> None:
    page = watched.page
    watched.goto(site_url + "claims/")
    # Every cited study is behind a claim here: the claims index offers the bibliography's list.
    assert not (site_dir / "claims/references.bib").exists()
    assert _download(page, "BibTeX") == (site_dir / "bibliography/references.bib").read_text(encoding="utf-8")
    # A filter of the claims index hides rows; the links then give the references behind the rest.
    page.evaluate("ids => ids.forEach(id => { document.getElementById(id).hidden = true; })", HIDDEN)
    studies = ["gillard2014", "mead2006", "dh2011"]  # hope's, then unclear-role's, each once
    bibtex = _download(page, "BibTeX")
    assert bibtex == "\n".join((site_dir / f"studies/{key}.bib").read_text(encoding="utf-8") for key in studies)
    ris = _download(page, "RIS")
    assert ris.split("\r\n\r\n")[0].startswith("TY  - JOUR\r\nAU  - Gillard, Steve")
    assert ris.count("ER  - ") == 3
    assert [item["id"] for item in json.loads(_download(page, "CSL-JSON"))] == studies


@pytest.fixture(scope="module")
def zipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The test site with its whole lists zipped (``zip_downloads``)."""
    options = MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      zip_downloads: true\n")
    files = {"mkdocs.yml": options, "references.bib": BIB, "docs/index.md": INDEX_MD}
    files["docs/organisations.md"] = SECOND_MD
    built = _build_site(tmp_path_factory.mktemp("zipped"), files)
    for url in serve(built):
        yield url, built


def test_a_zipped_sites_claims_index_still_gives_the_rows_shown_as_a_plain_file(
    watched: Watched, zipped: tuple[str, Path]
) -> None:
    url, built = zipped
    page = watched.page
    watched.goto(url + "claims/")
    page.evaluate("ids => ids.forEach(id => { document.getElementById(id).hidden = true; })", HIDDEN)
    with page.expect_download() as info:
        page.get_by_role("link", name="BibTeX, zipped").click()
    assert info.value.suggested_filename == "references.bib"  # made in the browser: not a zip
    studies = ["gillard2014", "mead2006", "dh2011"]
    expected = "\n".join((built / f"studies/{key}.bib").read_text(encoding="utf-8") for key in studies)
    assert Path(info.value.path()).read_bytes().decode("utf-8") == expected


def test_a_numbered_page_ends_with_its_references(watched: Watched, numbered_url: str) -> None:
    page = watched.page
    watched.goto(numbered_url + "numbered/")
    cites = page.locator("article a.gb-cite").all_inner_texts()
    assert cites == ["1", "2", "3", "1", "4", "2"]
    items = page.locator("ol.gb-reference-list > li")
    assert items.count() == 4
    assert items.first.inner_text().startswith("Gillard S, Holley J. Peer workers in mental health services")
    page.locator("article a.gb-cite").first.click()
    page.wait_for_url("**/studies/gillard2014/")
    watched.goto(numbered_url + "numbered/")
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", ["claims/", "bibliography/"])
def test_download_links_pass_axe(watched: Watched, site_url: str, path: str) -> None:
    watched.goto(site_url + path)
    assert watched.page.get_by_role("link", name="CSL-JSON").is_visible()
    assert serious_violations(watched.page) == []
