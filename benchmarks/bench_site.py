"""How graphbuild scales: one run reports every number the scale targets are checked against.

    python benchmarks/bench_site.py [--references N --claims N --pages N] [--runs N]
                                    [--builds N] [--shapes sections,flat] [--against DIR]
                                    [--profile] [--skip-browser] [--skip-zensical] [--out DIR]

For each shape of navigation (``sections``: the ten folder sections MkDocs makes of the
synthetic pages; ``flat``: one explicit ``nav`` listing all 200), every kind of build in a
fresh process, alternated (``--builds N`` of each; medians reported):

- ``mkdocs build`` with graphbuild, and with it disabled (``plugins: [search]`` on the same
  pages), and with ``--against``'s graphbuild (another checkout: the before of a change);
- the Markdown tree: ``graphbuild render``, ``zensical build --clean`` of it (when the
  ``zensical`` extra is installed) and ``graphbuild finish`` of what Zensical built, and
  Zensical on the plain pages;
- for each: wall time, peak memory of the process (maximum resident set size), time in
  graphbuild's hooks, site size, a study page's and a content page's bytes and how many of
  them are the navigation, and the search index (bytes, entries, claims' own entries);
- once: cold and warm (``BibliographyCache``) loads of ``../shared/corpus/bibliotex-all.bib``
  and of the synthetic bibliography, and the time until the evidence map is interactive in
  headless Chromium (``data-gb-ready="1"``), and the Zensical tree's map, drawn offline.

Targets (issue 17): the build with graphbuild at most 4x the build without it, Zensical's
too; a study page at most 20 kB; the site at most 150 MB; the search index at most 5 MB;
peak memory at most 200 MB; the warm bibliography load under 0.1 s; the map interactive
within 2 s. Results go to ``benchmarks/out/`` (``results.json``, ``results.md``).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is not a package

import bench_map  # noqa: E402

REPO = HERE.parent
CORPUS_BIB = REPO.parent / "shared" / "corpus" / "bibliotex-all.bib"
TARGETS = {"warm_bib_s": 0.1, "map_interactive_s": 2.0}


# -- the child process: one timed build -----------------------------------------------------


def child_build(config_file: str, site_dir: str, profile: str | None) -> None:
    """Build once with every plugin hook timed; print a JSON line with the facts."""
    import resource
    from collections import defaultdict

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import PluginCollection

    hook_time: dict[str, float] = defaultdict(float)
    register = PluginCollection._register_event

    def timed_register(self, event_name, method, plugin_name=None):
        owner = plugin_name or type(getattr(method, "__self__", method)).__module__

        @functools.wraps(method)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                hook_time[f"{owner}.{event_name}"] += time.perf_counter() - start

        timed.mkdocs_priority = getattr(method, "mkdocs_priority", 0)  # type: ignore[attr-defined]
        return register(self, event_name, timed, plugin_name)

    PluginCollection._register_event = timed_register  # type: ignore[method-assign]
    start = time.perf_counter()
    config = load_config(config_file=config_file, site_dir=site_dir)
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(build, config)
        profiler.dump_stats(profile)
    else:
        build(config)
    elapsed = time.perf_counter() - start
    print(
        "BENCH "
        + json.dumps(
            {
                "in_process_s": elapsed,
                "hooks": dict(hook_time),
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                # processor time, steadier than the wall clock on a shared machine: the build's
                # own process, and the processes it forked (the exports, the study pages)
                "cpu_s": _cpu(resource.RUSAGE_SELF),
                "children_cpu_s": _cpu(resource.RUSAGE_CHILDREN),
                "children_max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def _cpu(who: int) -> float:
    import resource

    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child_bib(path: str) -> None:
    """Cold, then warm, load of one bibliography through the cache the plugin uses."""
    from graphbuild.model.bibliography import BibliographyCache
    from graphbuild.model.config import Config

    cache = BibliographyCache()
    config = Config()
    start = time.perf_counter()
    bibliography, diagnostics = cache.load(Path(path), Path(path).name, config)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(5):
        start = time.perf_counter()
        cache.load(Path(path), Path(path).name, config)
        warm.append(time.perf_counter() - start)
    print(
        "BENCH "
        + json.dumps(
            {
                "entries": len(bibliography),
                "diagnostics": len(diagnostics),
                "cold_s": cold,
                "warm_s": statistics.median(warm),
                "parses": cache.parses,
                "bytes": Path(path).stat().st_size,
            }
        )
    )


# -- the parent ---------------------------------------------------------------------------


def run_child(*args: str, package_from: Path | None = None) -> tuple[dict, float]:
    """One child process; ``package_from``: a checkout whose ``graphbuild`` it imports."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
    if package_from is not None:
        env["PYTHONPATH"] = str(package_from)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env, cwd=REPO
    )
    wall = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"child {args} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    result = json.loads(lines[-1][len("BENCH ") :])
    result["warnings"] = len(warnings)
    return result, wall


def site_size(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    largest = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:5]
    named = [
        "evidence/map.json",
        "evidence/index.html",
        "evidence/graph.json",
        "search/search_index.json",
        "claims/index.html",
        "evidence/matrix/index.html",
        "bibliography/index.html",
    ]
    return {
        "files": len(files),
        "html_pages": sum(1 for p in files if p.suffix == ".html"),
        "bytes": sum(p.stat().st_size for p in files),
        "named": {n: (site / n).stat().st_size for n in named if (site / n).exists()},
        "largest": {p.relative_to(site).as_posix(): p.stat().st_size for p in largest},
    }


def map_interactive(site: Path, runs: int) -> dict:
    """Seconds from navigation start until the map says it is drawn (bench_map's timing)."""
    measured = bench_map.browser_times(site, runs, HERE / "out" / "map.png")
    if "error" in measured:
        return measured
    return {
        "runs_s": measured["interactive_s"],
        "first_s": measured["interactive_s"][0],
        "median_s": measured["interactive_median_s"],
        "nodes_drawn": measured["nodes_drawn"],
        "external_requests": measured["external_requests"],
        "page_errors": measured["errors"],
    }


def tree_in_browser(site: Path) -> dict:
    """The finished Zensical site in headless Chromium: a study page themed as the rest of
    the site (the theme's sticky header, its short navigation, the study's heading), and
    Zensical's own search finding a study and a claim by their own entries; every request
    to another host and every page error counted."""
    import html
    import http.server
    import threading

    chromium = shutil.which("chromium")
    if chromium is None:
        return {"error": "chromium not on PATH"}
    from playwright.sync_api import sync_playwright

    study = sorted((site / "studies").glob("*/index.html"))[0].parent.name
    items = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
    claim = next(i for i in items if _CLAIM_ANCHOR.search(i["location"]))
    study_entry = next(i for i in items if i["location"] == f"studies/{study}/")
    # queries that only these entries answer (Zensical finds entries holding every word):
    # the study's authors and year; the claim's statement and its first study's author
    queries = {
        "study": (html.unescape(study_entry["text"]).split(")")[0], f"studies/{study}/", ""),
        "claim": (
            html.unescape(claim["title"]) + " " + html.unescape(claim["text"]).split("Studies: ")[-1].split()[0],
            claim["location"].split("#")[0],
            claim["location"].split("#")[1],
        ),
    }
    handler = functools.partial(bench_map._Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    external: list[str] = []
    errors: list[str] = []
    result: dict = {"study": study, "claim": claim["location"], "queries": {k: q for k, (q, _, _) in queries.items()}}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=bench_map.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            local = (base, "data:", "blob:")
            page.on("request", lambda r: external.append(r.url) if not r.url.startswith(local) else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{base}studies/{study}/", wait_until="networkidle")
            result["page"] = page.evaluate(
                """() => ({
                  header: getComputedStyle(document.querySelector('.md-header')).position,
                  h1: document.querySelector('article h1')?.textContent,
                  nav_links: document.querySelectorAll('.md-nav--primary a.md-nav__link, .gb-study-nav a').length,
                  study: !!document.querySelector('.gb-study'),
                  title: document.querySelector('.gb-ref-title')?.textContent,
                })"""
            )
            found = {}
            for name, (query, location, anchor) in queries.items():
                page.goto(f"{base}studies/{study}/", wait_until="networkidle")  # a fresh search box
                page.keyboard.press("/")
                page.wait_for_timeout(300)  # the search dialog takes the focus; keys typed before are lost
                page.keyboard.type(query)
                start = time.perf_counter()
                # results (in the search's shadow root) link to the page with ?h=<query>
                target = f"[id$=-results] a[href^='{base}{location}']" + (f"[href$='#{anchor}']" if anchor else "")
                try:
                    page.locator(target).first.wait_for(state="attached", timeout=30_000)
                    found[name] = time.perf_counter() - start
                except Exception as exc:  # noqa: BLE001  (a result not shown is the finding)
                    found[name] = f"not found ({query!r}): {str(exc).splitlines()[0]}"
            result["search"] = found
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    result["external_requests"] = external
    result["page_errors"] = errors
    page_facts = result["page"]
    result["themed"] = page_facts["header"] == "sticky" and page_facts["study"] and bool(page_facts["h1"])
    return result


def graphbuild_share(result: dict, wall: float) -> dict:
    ours = {k: v for k, v in result["hooks"].items() if k.startswith("graphbuild")}
    total = sum(ours.values())
    return {"seconds": total, "share_of_wall": total / wall, "by_hook": dict(sorted(ours.items()))}


def top_profile(path: Path, limit: int = 25) -> list[str]:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("cumulative").print_stats("graphbuild", limit)
    return out.getvalue().splitlines()


def run_process(argv: list[str], cwd: Path, package_from: Path | None = None) -> dict:
    """Any other process (``graphbuild render``, ``zensical build``): wall time, peak memory
    of that process alone (``wait4``), exit code and the end of its output."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
    if package_from is not None:
        env["PYTHONPATH"] = str(package_from)
    start = time.perf_counter()
    with subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        assert proc.stdout is not None
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": time.perf_counter() - start,
        "max_rss_mb": usage.ru_maxrss / 1024,
        "returncode": proc.returncode,
        "tail": output.decode("utf-8", "replace")[-600:],
    }


def _zensical() -> str | None:
    return shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")


ZENSICAL_STEPS = ("render", "zensical", "finish")


def build_zensical_tree(source: Path, tree: Path, package_from: Path | None = None) -> dict:
    """``graphbuild render`` of the site, ``zensical build`` of the tree, then ``graphbuild
    finish`` of what Zensical built (cards, study pages, search entries), from a cold cache;
    a step that fails ends the run."""
    if tree.exists():
        shutil.rmtree(tree)
    graphbuild = [sys.executable, "-m", "graphbuild.cli"]
    steps = {
        "render": (graphbuild + ["--root", str(source), "render", "--output", str(tree)], REPO),
        "zensical": ([str(_zensical()), "build", "--clean"], tree),
        "finish": (graphbuild + ["finish", str(tree)], REPO),
    }
    result: dict = {}
    for name in ZENSICAL_STEPS:
        argv, cwd = steps[name]
        result[name] = run_process(argv, cwd, package_from)
        if result[name]["returncode"] != 0:
            break
    return result


def build_zensical_plain(source: Path, tree: Path) -> dict:
    """The same pages without graphbuild, built by Zensical: its own cost of the site."""
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    shutil.copytree(source / "docs", tree / "docs")
    shutil.copyfile(source / "mkdocs-plain.yml", tree / "mkdocs.yml")
    return run_process([str(_zensical()), "build", "--clean"], tree)


def page_weights(site: Path) -> dict:
    """A study page's bytes (mean and largest), how many of them are the navigation (the
    primary sidebar) and the article; the same for the content pages; the search index."""

    def parts(path: Path) -> tuple[int, int, int]:
        html = path.read_bytes()
        nav_start = html.find(b'<div class="md-sidebar md-sidebar--primary"')
        nav_end = html.find(b'<div class="md-sidebar md-sidebar--secondary"', nav_start)
        if nav_end < 0:
            nav_end = html.find(b'<div class="md-content"', nav_start)
        if nav_start < 0:  # a study page: its line of links instead of the sidebars
            nav_start = html.find(b'<nav class="gb-study-nav"')
            nav_end = html.find(b"</nav>", nav_start) + len(b"</nav>")
        article = html.find(b"<article")
        article_end = html.find(b"</article>", article)
        nav = nav_end - nav_start if nav_start >= 0 and nav_end > nav_start else 0
        return len(html), nav, (article_end - article if article >= 0 else 0)

    def mean(paths: list[Path]) -> dict:
        if not paths:
            return {}
        found = [parts(p) for p in paths]
        return {
            "pages": len(found),
            "mean_bytes": statistics.mean(f[0] for f in found),
            "max_bytes": max(f[0] for f in found),
            "mean_nav_bytes": statistics.mean(f[1] for f in found),
            "mean_article_bytes": statistics.mean(f[2] for f in found),
        }

    studies = sorted((site / "studies").glob("*/index.html"))
    content = sorted(site.glob("section-*/*/index.html"))
    index_file = next((p for p in (site / "search/search_index.json", site / "search.json") if p.is_file()), None)
    search: dict = {}
    if index_file is not None:
        data = json.loads(index_file.read_text(encoding="utf-8"))
        entries = data.get("docs") or data.get("items") or []
        search = {
            "file": index_file.relative_to(site).as_posix(),
            "bytes": index_file.stat().st_size,
            "entries": len(entries),
            "claim_entries": sum(1 for e in entries if _CLAIM_ANCHOR.search(e.get("location") or "")),
            "study_entries": sum(1 for e in entries if (e.get("location") or "").startswith("studies/")),
        }
    return {"study": mean(studies), "content": mean(content), "search": search}


_CLAIM_ANCHOR = re.compile(r"#claim-\d{5}$")  # a synthetic claim's card, not a heading "Claim 12"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_shape(args: argparse.Namespace, shape: str, out: Path) -> dict:
    """Every build of one navigation shape, alternated: MkDocs with graphbuild, without, with
    another checkout's graphbuild; the Zensical tree; Zensical on the plain pages."""
    from synthetic import generate

    source = out / f"synthetic-{shape}"
    if source.exists():
        shutil.rmtree(source)
    generate(source, args.references, args.claims, args.pages, args.seed, nav=shape)
    sites = {kind: out / f"site-{shape}-{kind}" for kind in ("on", "off", "against")}
    runs: dict[str, list] = {"on": [], "off": [], "against": [], "zensical": [], "zensical_plain": []}
    zensical = _zensical() if not args.skip_zensical else None
    for n in range(max(1, args.builds)):  # alternated, so that a noisy spell hits every kind
        print(f"[{shape}] build {n + 1} of {args.builds} ...", flush=True)
        on, wall = run_child("build", str(source / "mkdocs.yml"), str(sites["on"]))
        runs["on"].append({**on, "wall_s": wall, "own": graphbuild_share(on, wall)})
        off, wall = run_child("build", str(source / "mkdocs-plain.yml"), str(sites["off"]))
        runs["off"].append({**off, "wall_s": wall})
        if args.against:
            other, wall = run_child(
                "build", str(source / "mkdocs.yml"), str(sites["against"]), package_from=args.against.resolve()
            )
            runs["against"].append({**other, "wall_s": wall, "own": graphbuild_share(other, wall)})
        if zensical:
            runs["zensical"].append(build_zensical_tree(source, out / f"tree-{shape}"))
            runs["zensical_plain"].append(build_zensical_plain(source, out / f"tree-{shape}-plain"))
    result: dict = {"shape": shape, "builds": len(runs["on"])}
    for kind in ("on", "off", "against"):
        if not runs[kind]:
            continue
        result[kind] = {
            "wall_s": [r["wall_s"] for r in runs[kind]],
            "median_wall_s": _median([r["wall_s"] for r in runs[kind]]),
            "max_rss_mb": _median([r["max_rss_mb"] for r in runs[kind]]),
            "children_max_rss_mb": _median([r.get("children_max_rss_mb", 0.0) for r in runs[kind]]),
            "cpu_s": _median([r.get("cpu_s", float("nan")) for r in runs[kind]]),
            "children_cpu_s": _median([r.get("children_cpu_s", float("nan")) for r in runs[kind]]),
            "size": site_size(sites[kind]),
            "weights": page_weights(sites[kind]),
        }
        if kind != "off":
            result[kind]["own_s"] = _median([r["own"]["seconds"] for r in runs[kind]])
            result[kind]["hooks"] = runs[kind][-1]["own"]["by_hook"]
    if runs["zensical"]:
        done = [r for r in runs["zensical"] if all(r.get(s, {}).get("returncode") == 0 for s in ZENSICAL_STEPS)]
        tree_site = out / f"tree-{shape}" / "site"
        result["zensical"] = {
            "ok": len(done) == len(runs["zensical"]),
            "render_s": _median([r["render"]["wall_s"] for r in runs["zensical"]]),
            "build_s": _median([r["zensical"]["wall_s"] for r in done]),
            "finish_s": _median([r["finish"]["wall_s"] for r in done]),
            "total_s": _median([sum(r[s]["wall_s"] for s in ZENSICAL_STEPS) for r in done]),
            "max_rss_mb": _median([max(r[s]["max_rss_mb"] for s in ZENSICAL_STEPS) for r in done]),
            "failure": next(
                (list(r.values())[-1]["tail"] for r in runs["zensical"] if r not in done),
                "",
            ),
            "size": site_size(tree_site) if tree_site.is_dir() else {},
            "weights": page_weights(tree_site) if tree_site.is_dir() else {},
        }
        plain = [r for r in runs["zensical_plain"] if r["returncode"] == 0]
        result["zensical_plain"] = {"build_s": _median([r["wall_s"] for r in plain]), "ok": bool(plain)}
        if tree_site.is_dir() and not args.skip_browser:
            result["zensical"]["map"] = map_interactive(tree_site, 1)
            result["zensical"]["browser"] = tree_in_browser(tree_site)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--references", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=2_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="map loads in chromium")
    parser.add_argument("--builds", type=int, default=1, help="builds of each kind, alternated; medians are reported")
    parser.add_argument("--shapes", default="sections,flat", help="navigation shapes, of: sections, flat")
    parser.add_argument("--profile", action="store_true", help="also profile the graphbuild build")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-zensical", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (a git worktree of an earlier commit): its graphbuild builds the same sites "
        "with MkDocs, alternated with this one's, and every MkDocs row is reported for both",
    )
    args = parser.parse_args(argv)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "site": {"references": args.references, "claims": args.claims, "pages": args.pages, "seed": args.seed},
        "python": sys.version.split()[0],
        "zensical": None
        if args.skip_zensical or not _zensical()
        else run_process([str(_zensical()), "--version"], REPO)["tail"].strip(),
        "against": str(args.against) if args.against else None,
    }
    print(f"{args.claims} claims over {args.pages} pages, {args.references} references ...", flush=True)
    results["shapes"] = [bench_shape(args, shape, out) for shape in args.shapes.split(",")]
    first = results["shapes"][0]
    results["bibliography"] = {}
    source = out / f"synthetic-{first['shape']}"
    for name, path in (("bibliotex-all.bib", CORPUS_BIB), ("synthetic", source / "references.bib")):
        if path.exists():
            results["bibliography"][name] = run_child("bib", str(path))[0]
    if not args.skip_browser:
        results["map"] = map_interactive(out / f"site-{first['shape']}-on", args.runs)
    if args.profile:
        prof = out / "build.prof"
        run_child("build", str(source / "mkdocs.yml"), str(out / "site-profiled"), "--profile", str(prof))
        results["profile_top"] = top_profile(prof)

    interactive = results.get("map", {}).get("median_s")
    zmaps = [s["zensical"]["map"] for s in results["shapes"] if "map" in s.get("zensical", {})]
    zbrowsers = [s["zensical"]["browser"] for s in results["shapes"] if "browser" in s.get("zensical", {})]
    warm = results["bibliography"].get("bibliotex-all.bib", {}).get("warm_s")
    results["targets"] = {
        "build<=4x": all(s["on"]["median_wall_s"] <= 4 * s["off"]["median_wall_s"] for s in results["shapes"]),
        "study_page<=20kB": all(s["on"]["weights"]["study"]["mean_bytes"] <= 20_000 for s in results["shapes"]),
        "site<=150MB": all(s["on"]["size"]["bytes"] <= 150e6 for s in results["shapes"]),
        "search_index<=5MB": all(s["on"]["weights"]["search"]["bytes"] <= 5e6 for s in results["shapes"]),
        "peak_memory<=200MB": all(s["on"]["max_rss_mb"] <= 200 for s in results["shapes"]),
        "zensical_builds": all(s.get("zensical", {}).get("ok", False) for s in results["shapes"]),
        "zensical<=4x": all(
            s.get("zensical", {}).get("total_s", float("inf")) <= 4 * s["off"]["median_wall_s"]
            for s in results["shapes"]
        ),
        "zensical_map_offline": None
        if not zmaps
        else all("median_s" in m and not m["external_requests"] for m in zmaps),
        "zensical_study_pages_themed_and_found": None
        if not zbrowsers
        else all(
            b.get("themed")
            and not b["external_requests"]
            and not b["page_errors"]
            and all(isinstance(v, float) for v in b["search"].values())
            for b in zbrowsers
        ),
        "warm_bib<0.1s": None if warm is None else warm < TARGETS["warm_bib_s"],
        "map_interactive<=2s": None if interactive is None else interactive <= TARGETS["map_interactive_s"],
    }
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    report = summary(results)
    (out / "results.md").write_text(report + "\n", encoding="utf-8")
    print(report)


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def _kb(n: float) -> str:
    return f"{n / 1e3:.1f} kB"


def _shape_table(r: dict, shape: dict) -> list[str]:
    """One navigation shape's table: every row of the issue, per kind of build."""
    lines: list[str] = []
    lines += ["", f"Navigation: {shape['shape']}", ""]
    columns = [("plugin off", shape["off"])]
    if "against" in shape:
        columns.append((f"before (`{Path(r['against']).name}`)", shape["against"]))
    columns.append(("plugin on", shape["on"]))
    z = shape.get("zensical")
    header = "| | " + " | ".join(name for name, _ in columns) + (" | Zensical tree |" if z else " |")
    lines += [header, "|" + " --- |" * (len(columns) + 1 + (1 if z else 0))]
    off = shape["off"]["median_wall_s"]

    def row(label: str, cells: list[str], zcell: str = "") -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + (f" | {zcell} |" if z else " |"))

    row(
        "build",
        [
            f"{c['median_wall_s']:.1f} s" + (f" ({c['median_wall_s'] / off:.1f}×)" if c is not shape["off"] else "")
            for _, c in columns
        ],
        (
            f"{z['total_s']:.1f} s ({z['total_s'] / off:.1f}× MkDocs off; render {z['render_s']:.1f} s, "
            f"zensical {z['build_s']:.1f} s, finish {z['finish_s']:.1f} s; Zensical alone on the plain pages "
            f"{shape['zensical_plain']['build_s']:.1f} s)"
        )
        if z and z["ok"]
        else f"fails: {z and z['failure'][-200:]}",
    )
    row(
        "processor time",
        [
            f"{c['cpu_s']:.1f} s"
            + (f" + {c['children_cpu_s']:.1f} s in forked processes" if c.get("children_cpu_s") else "")
            for _, c in columns
        ],
    )
    row(
        "graphbuild's own hooks",
        [f"{c['own_s']:.1f} s" if "own_s" in c else "" for _, c in columns],
    )
    row(
        "site size",
        [f"{_mb(c['size']['bytes'])} in {c['size']['files']:,} files" for _, c in columns],
        f"{_mb(z['size']['bytes'])} in {z['size']['files']:,} files" if z and z.get("size") else "",
    )

    def study(c: dict) -> str:
        s = c["weights"].get("study")
        if not s:
            return ""
        return (
            f"{_kb(s['mean_bytes'])} (largest {_kb(s['max_bytes'])}), of which navigation "
            f"{_kb(s['mean_nav_bytes'])}, article {_kb(s['mean_article_bytes'])}"
        )

    row("a study page", [study(c) for _, c in columns], study(z) if z and z.get("weights") else "")

    def content(c: dict) -> str:
        s = c["weights"].get("content")
        return f"{_kb(s['mean_bytes'])}, navigation {_kb(s['mean_nav_bytes'])}" if s else ""

    row("a content page", [content(c) for _, c in columns], content(z) if z and z.get("weights") else "")

    def search(c: dict) -> str:
        s = c["weights"].get("search")
        if not s:
            return ""
        return (
            f"{_mb(s['bytes'])}, {s['entries']:,} entries ({s['claim_entries']:,} claims' own, "
            f"{s['study_entries']:,} at study pages)"
        )

    row("search index", [search(c) for _, c in columns], search(z) if z and z.get("weights") else "")
    row(
        "peak memory",
        [
            f"{c['max_rss_mb']:.0f} MB"
            + (f" (forked processes: {c['children_max_rss_mb']:.0f} MB)" if c.get("children_max_rss_mb") else "")
            for _, c in columns
        ],
        f"{z['max_rss_mb']:.0f} MB (the largest of render, zensical and finish)" if z and z["ok"] else "",
    )
    if z and z.get("map") and "median_s" in z["map"]:
        m = z["map"]
        lines.append(
            f"\nZensical tree in Chromium: map drawn ({m['nodes_drawn']} nodes) in {m['median_s']:.2f} s, "
            f"requests to other hosts: {len(m['external_requests'])}, page errors: {len(m['page_errors'])}"
        )
    b = z.get("browser") if z else None
    if b and "page" in b:
        found = ", ".join(
            f"{name} in {value:.2f} s" if isinstance(value, float) else f"{name} {value}"
            for name, value in b["search"].items()
        )
        lines.append(
            f"\nA study page (`studies/{b['study']}/`) in Chromium: themed {b['themed']} (header "
            f"{b['page']['header']}, {b['page']['nav_links']} navigation links, heading {b['page']['h1']!r}); "
            f"Zensical's search finds the study and a claim (`{b['claim']}`): {found}; requests to other hosts: "
            f"{len(b['external_requests'])}, page errors: {len(b['page_errors'])}"
        )
    return lines


def summary(r: dict) -> str:
    """The issue's table for each navigation shape: MkDocs before (``--against``) and after,
    and the Zensical tree."""
    site = r["site"]
    lines = [
        f"Synthetic site: {site['references']:,} references, {site['claims']:,} claims, {site['pages']} pages "
        f"(seed {site['seed']}); medians of {r['shapes'][0]['builds']} builds of each kind, alternated"
        + (f"; Zensical {r['zensical']}" if r.get("zensical") else ""),
    ]
    for shape in r["shapes"]:
        lines += _shape_table(r, shape)
    lines += [""]
    for name, bib in r["bibliography"].items():
        lines.append(
            f"- bibliography load, {name} ({bib['entries']:,} entries, {bib['bytes'] / 1e6:.1f} MB): "
            f"cold {bib['cold_s']:.2f} s, warm {bib['warm_s'] * 1000:.1f} ms"
        )
    if "map" in r and "median_s" in r["map"]:
        m = r["map"]
        lines.append(
            f"- evidence map interactive in Chromium ({m['nodes_drawn']} nodes), median of {len(m['runs_s'])}: "
            f"{m['median_s']:.2f} s (first {m['first_s']:.2f} s); "
            f"requests to other hosts: {len(m['external_requests'])}"
        )
    lines += ["", "Targets met: " + ", ".join(f"{k}: {v}" for k, v in r["targets"].items())]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        if sys.argv[2] == "build":
            profile = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else None
            child_build(sys.argv[3], sys.argv[4], profile)
        else:
            child_bib(sys.argv[3])
    else:
        main()
