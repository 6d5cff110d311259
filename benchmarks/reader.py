"""What a clinician meets on the repository's site, measured in Debian's chromium (issue 25):
taps on the evidence map that resolve to the wrong node, studies in view after "Show in the
evidence map", printed A4 pages per page type (and how full each is, and the smallest text),
Tab stops to the claims index's first filter, and axe-core's serious findings at 390 px.

    .venv/bin/python benchmarks/reader.py [--only taps,landing,print,tabs,axe] [--site DIR]

Builds the site with ``mkdocs build`` into a temporary folder (or reads ``--site``), serves it
from 127.0.0.1 and prints one table per measure. The tests in ``tests/browser/`` hold the
site to the issue's limits; this prints the figures behind them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM_ARGS, serve  # noqa: E402
from tests.browser.printing import PRINT_PAGES, printed  # noqa: E402
from tests.browser.reading import (  # noqa: E402
    claim_studies_in_view,
    tab_stops_to,
    tap_every_node,
)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
AXE_TYPES = ["content", "study", "summary", "bibliography", "claims", "matrix", "map", "changes", "search"]


def build_site(out: Path) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(out)))
    return out


def taps(browser, base: str) -> None:
    print("\nTaps on the whole map, at each node's centre (the node the tap resolved to, or a chooser)")
    for name, viewport in (("390 px", PHONE), ("1366 px", DESKTOP)):
        context = browser.new_context(viewport=viewport, has_touch=True, service_workers="block")
        result = tap_every_node(context.new_page(), base)
        context.close()
        print(
            f"  {name}: {result.missed} of {result.nodes} nodes missed ({100 * result.missed / result.nodes:.1f}%),"
            f" {result.chooser} through a chooser"
        )


def landing(browser, base: str, claims: list[str]) -> None:
    print('\n"Show in the evidence map": the claim\'s studies on screen, and its description')
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, service_workers="block")
        page = context.new_page()
        worst, total, seen, panels = None, 0, 0, 0
        for claim in claims:
            result = claim_studies_in_view(page, base, claim)
            total += result.studies
            seen += result.in_view
            panels += result.description_visible
            if worst is None or result.in_view / result.studies < worst[1] / worst[2]:
                worst = (claim, result.in_view, result.studies)
            if claim == "fewer-readmissions":
                print(
                    f"  {name}, fewer-readmissions: {result.in_view} of {result.studies} studies in view,"
                    f" description {'visible' if result.description_visible else 'below the screen'}"
                )
        context.close()
        assert worst is not None
        print(
            f"  {name}, all {len(claims)} claims: {seen} of {total} studies in view; worst {worst[0]}"
            f" {worst[1]} of {worst[2]}; description visible for {panels}"
        )


def printing(browser, base: str) -> None:
    print("\nPrinted on A4 by chromium (page.pdf): pages, pages over a third empty (not the last), smallest text")
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=DESKTOP, color_scheme=scheme, service_workers="block")
        page = context.new_page()
        for path in PRINT_PAGES:
            result = printed(page, base + path)
            print(
                f"  {scheme:5} {path or '(home)':32} {result.pages:3} pages, {len(result.emptier):2} too empty"
                f" {result.emptier[:4]}, text from {result.smallest_pt:.1f} pt, darkest light text"
                f" {result.lightest_text}"
            )
        context.close()


def tabs(browser, base: str) -> None:
    print("\nTab stops from the top of the claims index to its first filter")
    for name, viewport in (("390 px", PHONE), ("1366 px", DESKTOP)):
        context = browser.new_context(viewport=viewport, service_workers="block")
        page = context.new_page()
        page.goto(base + "claims/", wait_until="load")
        result = tab_stops_to(page, ".gb-index-filters select")
        context.close()
        print(f"  {name}: {result.stops} Tab stops, {result.unseen} of them on something not on screen")


def axe(browser, base: str, site: Path) -> None:
    from tests.browser.test_axe import VIEWPORTS, describe, open_page, serious_violations, settle

    print("\naxe-core at 390 px, light scheme: serious or critical findings per page type")
    for kind in AXE_TYPES:
        context = browser.new_context(viewport=VIEWPORTS["phone"], service_workers="block")
        page = context.new_page()
        open_page(page, base, site, kind, "phone")
        settle(page)
        found = serious_violations(page)
        context.close()
        print(f"  {kind:14} {len(found)}" + (f"\n{describe(found)}" if found else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="taps,landing,print,tabs,axe")
    parser.add_argument("--site", type=Path)
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build_site(Path(tmp) / "site")
        import json

        graph = json.loads((site / "evidence" / "graph.json").read_text(encoding="utf-8"))
        claims = sorted(n["id"].removeprefix("claim:") for n in graph["nodes"] if n["kind"] == "claim")
        server = serve(site)
        base = next(server)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            if "taps" in wanted:
                taps(browser, base)
            if "landing" in wanted:
                landing(browser, base, claims)
            if "print" in wanted:
                printing(browser, base)
            if "tabs" in wanted:
                tabs(browser, base)
            if "axe" in wanted:
                axe(browser, base, site)
            browser.close()
        server.close()


if __name__ == "__main__":
    main()
