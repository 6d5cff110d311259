"""How the evidence map scales: layout time, download sizes, time until the map is interactive.

    python benchmarks/bench_map.py [--claims 2000] [--studies 6000] [--pages 200] [--runs 3]
                                   [--out benchmarks/out/map]

Writes a synthetic site with ``benchmarks/synthetic.py`` (the same generator as
``bench_site.py``; every reference cited, so the map holds claims + studies nodes), builds it
with MkDocs, then reports:

- the layout (``graphbuild.formats.positions``), cold and from its cache, and all of ``evidence_map_data``;
- the size of ``evidence/map.json`` (raw and gzipped, as a static host would serve it), of the
  map page's HTML and of the scripts it loads;
- in headless chromium, from a static server on 127.0.0.1: milliseconds from navigation start
  until the map says it is drawn (``data-gb-ready="1"``), and how long a filter change and a
  search take to show on the canvas.

Numbers, not assertions: the target (the map opens and responds within about 2 s) is judged
by reading them.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

import synthetic  # noqa: E402  (benchmarks/ is not a package)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def build_site(src: Path, site: Path) -> float:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(src / "mkdocs.yml"), site_dir=str(site))
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start


def layout_times(src: Path) -> dict:
    from graphbuild.common.escaping import script_json
    from graphbuild.formats import positions as layout
    from graphbuild.formats.graph import build_graph
    from graphbuild.formats.mapdata import evidence_map_data
    from graphbuild.model.project import load_project
    from graphbuild.publishing.pipeline import analyse

    kb, _ = analyse(load_project(src))
    graph = build_graph(kb)
    clusters = {n: kb.claim_page[n[len("claim:") :]] for n in graph if n.startswith("claim:")}
    edges = list(graph.edges)
    studies = [n for n in graph if n.startswith("study:")]
    layout._CACHE.clear()
    start = time.perf_counter()
    layout.evidence_layout(clusters, edges, studies)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    layout.evidence_layout(clusters, edges, studies)
    warm = time.perf_counter() - start
    layout._CACHE.clear()
    start = time.perf_counter()
    data = evidence_map_data(kb, lambda n: n)
    script_json(data)
    whole = time.perf_counter() - start
    return {
        "claims": len(clusters),
        "studies": len(studies),
        "edges": len(edges),
        "layout_cold_s": cold,
        "layout_cached_s": warm,
        "map_data_and_json_s": whole,
    }


def sizes(site: Path) -> dict:
    def size(name: str) -> int:
        return (site / name).stat().st_size

    map_json = (site / "evidence" / "map.json").read_bytes()
    return {
        "map_json": len(map_json),
        "map_json_gzip": len(gzip.compress(map_json, 6)),
        "map_page_html": size("evidence/index.html"),
        "vis_network_js": size("assets/graphbuild/vis-network.min.js"),
        "graphbuild_js": size("assets/graphbuild/graphbuild.js"),
        "graph_css": size("assets/graphbuild/graph.css"),
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def served(site: Path) -> Iterator[str]:
    """``site`` served on 127.0.0.1 while the block runs: its address, ending in a slash."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def browser_times(site: Path, runs: int, shot: Path) -> dict:
    chromium = shutil.which("chromium")
    if chromium is None:
        return {"error": "chromium not on PATH"}
    from playwright.sync_api import sync_playwright

    ready, filters, searches, external, errors = [], [], [], [], []
    with served(site) as base, sync_playwright() as p:
        url = base + "evidence/"
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for run in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on(
                "request",
                lambda r: (
                    external.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None
                ),
            )
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url, wait_until="commit")
            handle = page.wait_for_function(
                "() => document.querySelector('.gb-map[data-gb-ready=\"1\"]') ? performance.now() : false",
                timeout=120_000,
                polling="raf",
            )
            ready.append(handle.json_value() / 1000)
            if run == 0:
                page.locator(".gb-map").screenshot(path=str(shot))
            filters.append(
                page.evaluate(
                    "async () => { const t = performance.now();"
                    " document.querySelector('input[name=type]').click();"
                    f" await ({NEXT_FRAME})(); return (performance.now() - t) / 1000; }}"
                )
            )
            page.evaluate("document.querySelector('input[name=type]').click()")
            page.fill("#gb-map-query", "claim-01999")
            searches.append(
                page.evaluate(
                    "async () => { const t = performance.now();"
                    " document.querySelector('form.gb-map-search').requestSubmit();"
                    f" await ({NEXT_FRAME})(); return (performance.now() - t) / 1000; }}"
                )
            )
            if run == 0:
                nodes = page.get_attribute(".gb-map", "data-gb-nodes")
                edges = page.get_attribute(".gb-map", "data-gb-edges")
            context.close()
        browser.close()
    return {
        "interactive_s": ready,
        "interactive_median_s": statistics.median(ready),
        "filter_s": filters,
        "search_s": searches,
        "nodes_drawn": nodes,
        "edges_drawn": edges,
        "external_requests": external,
        "errors": errors,
    }


def paged_times(site: Path, runs: int) -> dict:
    """A map drawn by its pages first (a large one): seconds from navigation start to its
    first view, then from following a link to a claim's place on the map to that claim's
    page of the map drawn and the claim selected, and from a search to its match shown."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return {"error": "chromium not on PATH"}
    from playwright.sync_api import sync_playwright

    data = json.loads((site / "evidence" / "map.json").read_text(encoding="utf-8"))
    claim = next(n["id"] for n in reversed(data["nodes"]) if n["k"] == "c")
    study = next(n for n in data["nodes"] if n["k"] == "s")
    first, opened, found, external, errors = [], [], [], [], []
    local = ("http://127.0.0.1", "data:", "blob:")
    drawn = """n => { const m = document.querySelector('.gb-map');
      return m.dataset.gbSelected === n && m.dataset.gbReady === '1' ? performance.now() : false; }"""
    with served(site) as base, sync_playwright() as p:
        url = base + "evidence/"
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: external.append(r.url) if not r.url.startswith(local) else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url, wait_until="commit")
            ready = "() => document.querySelector('.gb-map[data-gb-ready=\"1\"]') ? performance.now() : false"
            first.append(page.wait_for_function(ready, timeout=120_000, polling="raf").json_value() / 1000)
            start = page.evaluate(
                f"() => {{ const t = performance.now(); location.hash = {json.dumps(claim)}; return t; }}"
            )
            done = page.wait_for_function(drawn, arg=claim, timeout=60_000, polling="raf").json_value()
            opened.append((done - start) / 1000)
            page.fill("#gb-map-query", study["l"])
            start = page.evaluate("() => performance.now()")
            page.evaluate("() => document.querySelector('form.gb-map-search').requestSubmit()")
            done = page.wait_for_function(drawn, arg=study["id"], timeout=60_000, polling="raf").json_value()
            found.append((done - start) / 1000)
            nodes = page.get_attribute(".gb-map", "data-gb-nodes")
            page.close()
        browser.close()
    return {
        "first_view_s": first,
        "first_view_median_s": statistics.median(first),
        "open_page_s": opened,
        "search_s": found,
        "pages": len(data.get("pages", [])),
        "nodes": len(data["nodes"]),
        "nodes_drawn_last": nodes,
        "external_requests": external,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=2_000)
    parser.add_argument("--studies", type=int, default=6_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "map")
    args = parser.parse_args(argv)

    src, site = args.out / "src", args.out / "site"
    shutil.rmtree(args.out, ignore_errors=True)
    synthetic.generate(src, references=args.studies, claims=args.claims, pages=args.pages, seed=args.seed)
    result = {"build_s": build_site(src, site), **layout_times(src), "sizes": sizes(site)}
    result["browser"] = browser_times(site, args.runs, args.out / "map.png")
    (args.out / "result.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(report(result))


def report(r: dict) -> str:
    s, b = r["sizes"], r["browser"]
    lines = [
        f"graph: {r['claims']} claims, {r['studies']} studies, {r['edges']} edges (mkdocs build {r['build_s']:.1f} s)",
        f"layout: {r['layout_cold_s'] * 1000:.0f} ms cold, {r['layout_cached_s'] * 1000:.0f} ms cached; "
        f"evidence_map_data + script_json: {r['map_data_and_json_s'] * 1000:.0f} ms",
        f"map.json: {s['map_json'] / 1024:.0f} KiB ({s['map_json_gzip'] / 1024:.0f} KiB gzipped); "
        f"map page HTML: {s['map_page_html'] / 1024:.1f} KiB; vis-network.min.js: "
        f"{s['vis_network_js'] / 1024:.0f} KiB; graphbuild.js: {s['graphbuild_js'] / 1024:.1f} KiB",
    ]
    if "error" in b:
        lines.append(f"browser: {b['error']}")
    else:
        lines += [
            "interactive (navigation start -> data-gb-ready): "
            + ", ".join(f"{t:.2f} s" for t in b["interactive_s"])
            + f" (median {b['interactive_median_s']:.2f} s)"
            f"; drew {b['nodes_drawn']} nodes, {b['edges_drawn']} edges",
            "filter change to next frame: " + ", ".join(f"{t * 1000:.0f} ms" for t in b["filter_s"]),
            "search to next frame: " + ", ".join(f"{t * 1000:.0f} ms" for t in b["search_s"]),
            f"requests off 127.0.0.1: {len(b['external_requests'])}; errors: {len(b['errors'])}",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
