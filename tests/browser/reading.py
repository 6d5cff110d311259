"""Measures of the site as a clinician reads it, shared by the browser tests and
``benchmarks/reader.py``: taps on the evidence map, what "Show in the evidence map" leaves on
screen, and Tab stops. Each takes a Playwright page and the site's base URL."""

from __future__ import annotations

from dataclasses import dataclass, field

MAP_READY = '#gb-map[data-gb-ready="1"]'
# No transition running (the theme fades its skip link in): what is measured is what stays.
SETTLED = (
    "() => document.getAnimations().every(a => a.playState !== 'running'"
    " || a.effect.getComputedTiming().endTime === Infinity)"
)


@dataclass
class Taps:
    """``missed``: nodes whose tap neither picked them nor offered them in the chooser;
    ``chooser``: taps answered with a chooser (the node among its choices)."""

    nodes: int
    missed: int
    chooser: int
    wrong: list[tuple[str, str]] = field(default_factory=list)


def open_map(page, base: str, fragment: str = "") -> None:
    page.goto(base + "evidence/" + fragment, wait_until="load")
    page.wait_for_selector(MAP_READY, state="attached", timeout=20_000)


def node_points(page) -> list[dict]:
    """Every shown node of the map, at its centre on screen (page coordinates)."""
    return page.evaluate(
        """() => {
          const network = window.graphbuild.networks['gb-map'];
          const box = document.querySelector('#gb-map').getBoundingClientRect();
          const shown = window.graphbuild.datasets['gb-map'].nodes.get({filter: n => !n.hidden}).map(n => n.id);
          const at = network.getPositions(shown);
          return shown.map(id => {
            const p = network.canvasToDOM(at[id]);
            return {id: id, x: box.x + p.x, y: box.y + p.y,
                    inside: p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height};
          });
        }"""
    )


def tap_every_node(page, base: str) -> Taps:
    """Tap each node of the whole map, as first drawn, at its centre: a first tap, so that it
    previews (or offers a choice) rather than opens."""
    open_map(page, base)
    page.evaluate("document.querySelector('#gb-map').scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    points = node_points(page)
    result = Taps(len(points), 0, 0)
    for point in points:
        page.evaluate(
            "() => { const map = document.querySelector('#gb-map'); delete map.dataset.gbSelected;"
            " const chooser = document.querySelector('.gb-map-choices'); if (chooser) chooser.hidden = true; }"
        )
        if not point["inside"]:
            result.missed += 1
            result.wrong.append((point["id"], "off the map"))
            continue
        page.touchscreen.tap(point["x"], point["y"])
        page.wait_for_timeout(30)
        picked = page.evaluate(
            "() => { const map = document.querySelector('#gb-map');"
            " const chooser = document.querySelector('.gb-map-choices');"
            " const open = chooser && !chooser.hidden;"
            " return {selected: map.dataset.gbSelected || '', choices: open ? (map.dataset.gbChoices || '') : ''}; }"
        )
        choices = picked["choices"].split()
        if choices and point["id"] in choices:
            result.chooser += 1
        elif picked["selected"] != point["id"]:
            result.missed += 1
            result.wrong.append((point["id"], picked["selected"] or "nothing"))
        page.wait_for_timeout(320)  # apart enough that no two taps make a double tap
    return result


@dataclass
class Landing:
    studies: int
    in_view: int
    description_visible: bool
    claim_in_view: bool


def claim_studies_in_view(page, base: str, claim: str) -> Landing:
    """Open the map at a claim, as its card's "Show in the evidence map" does, and count its
    studies drawn within the part of the map on screen (below the theme's header)."""
    open_map(page, base, f"#claim:{claim}")
    page.wait_for_selector(f'#gb-map[data-gb-selected="claim:{claim}"]', state="attached", timeout=20_000)
    page.wait_for_timeout(250)
    found = page.evaluate(
        """claim => {
          const network = window.graphbuild.networks['gb-map'];
          const box = document.querySelector('#gb-map').getBoundingClientRect();
          const header = document.querySelector('.md-header');
          const top = Math.max(box.top, header ? header.getBoundingClientRect().bottom : 0);
          const bottom = Math.min(box.bottom, window.innerHeight);
          const left = Math.max(box.left, 0), right = Math.min(box.right, window.innerWidth);
          const seen = id => {
            const p = network.canvasToDOM(network.getPosition(id));
            const x = box.left + p.x, y = box.top + p.y;
            return x >= left && x <= right && y >= top && y <= bottom;
          };
          const studies = network.getConnectedNodes(claim);
          const panel = document.querySelector('.gb-map-selection');
          const rect = panel.getBoundingClientRect();
          return {
            studies: studies.length, inView: studies.filter(seen).length, claim: seen(claim),
            panel: !panel.hidden && rect.height > 0 && rect.top >= (header ? header.getBoundingClientRect().bottom : 0)
              && rect.bottom <= window.innerHeight,
          };
        }""",
        f"claim:{claim}",
    )
    return Landing(found["studies"], found["inView"], found["panel"], found["claim"])


@dataclass
class TabStops:
    stops: int
    unseen: int
    reached: bool
    where: list[str] = field(default_factory=list)


def tab_stops_to(page, selector: str, limit: int = 120) -> TabStops:
    """Press Tab from the top of the page until the first element ``selector`` matches has
    the focus; counts the stops, and those on an element not visible on screen."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops = unseen = 0
    where: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops += 1
        page.wait_for_function(SETTLED, timeout=5_000)
        state = page.evaluate(
            """selector => {
              const el = document.activeElement;
              // a theme's radio buttons show their focus on their label
              const shown = el.matches('input.md-option') && el.nextElementSibling ? el.nextElementSibling : el;
              const rect = shown.getBoundingClientRect();
              const style = getComputedStyle(shown);
              const onScreen = rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0
                && rect.left < window.innerWidth && rect.top < window.innerHeight
                && style.visibility !== 'hidden' && Number(style.opacity) > 0;
              const name = el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0] + ' '
                + (el.textContent || '').trim().slice(0, 30);
              return {target: el === document.querySelector(selector), onScreen: onScreen, name: name};
            }""",
            selector,
        )
        if not state["onScreen"]:
            unseen += 1
            where.append(state["name"])
        if state["target"]:
            return TabStops(stops, unseen, True, where)
    return TabStops(stops, unseen, False, where)
