"""The certainty meter and the summary of findings as a clinician sees them on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const linear = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = rgbs => rgbs.map(linear).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  let bg = el, colour = 'rgba(0, 0, 0, 0)';
  while (bg && (colour = getComputedStyle(bg).backgroundColor).endsWith(', 0)')) bg = bg.parentElement;
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(colour));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_meter_is_legible_on_a_phone(browser, site_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    meter = page.locator("#fewer-readmissions .gb-verdict .gb-meter")
    meter.scroll_into_view_if_needed()
    assert meter.is_visible() and meter.inner_text() == "⊕⊕◯◯"
    box = meter.bounding_box()
    assert box is not None and box["height"] >= 16 and box["width"] >= 60, box
    assert float(meter.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 18
    assert meter.evaluate(CONTRAST) >= 4.5
    word = page.locator("#fewer-readmissions .gb-verdict .gb-certainty-word")
    assert word.is_visible() and word.inner_text() == "Low" and word.evaluate(CONTRAST) >= 4.5
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_summary_of_findings_fits_a_phone(browser, site_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + "evidence/summary/", wait_until="load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    row = page.locator("#sof-fewer-readmissions")
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    message = row.locator("th a")
    assert message.is_visible() and "may reduce readmissions" in message.inner_text()
    meter = row.locator(".gb-meter")
    assert meter.is_visible() and meter.bounding_box()["x"] + meter.bounding_box()["width"] <= 390
    context.close()
