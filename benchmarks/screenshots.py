"""The README's screenshots, made from the repository's own site so that they stay current.

    python benchmarks/screenshots.py [--out .github/screenshots]

Builds the site, serves it on 127.0.0.1 and photographs, in Debian's chromium: a claim card
(desktop), the summary of findings (on a phone) and the evidence map (desktop). Not a
benchmark; it lives here with the other scripts that drive a browser.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))  # benchmarks/ is not a package

import bench_map  # noqa: E402  (the site served as the benchmarks serve it)


def build_site(out: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(out)))


def shoot(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    made = []
    with bench_map.served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=bench_map.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(base + "outcomes/", wait_until="load")
        page.add_style_tag(content=".md-header { position: static; }")  # not drawn over the card
        card = page.locator("#fewer-readmissions")
        card.screenshot(path=str(out / "card.png"))
        made.append(out / "card.png")
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        phone.goto(base + "evidence/summary/", wait_until="load")
        phone.wait_for_timeout(500)
        phone.screenshot(path=str(out / "summary.png"))
        made.append(out / "summary.png")
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(base + "evidence/", wait_until="load")
        page.wait_for_selector('#gb-map[data-gb-ready="1"]', state="attached", timeout=20_000)
        page.locator("#gb-map").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.locator("#gb-map").screenshot(path=str(out / "map.png"))
        made.append(out / "map.png")
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / ".github" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        build_site(Path(folder))
        for path in shoot(Path(folder), args.out):
            print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


if __name__ == "__main__":
    main()
