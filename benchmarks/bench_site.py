"""How graphbuild scales: one run reports every number issue 27's goals are checked against,
and writes ``benchmarks/README.md`` from them (``--readme``).

    python benchmarks/bench_site.py [--builds N] [--entries plain,manager] [--shapes sections,flat]
                                    [--large-builds N] [--against DIR] [--readme FILE]
                                    [--skip-large] [--skip-history] [--skip-serve]
                                    [--skip-browser] [--skip-zensical] [--out DIR]

1. **Entries as reference managers write them** (10,000 references, about 6,000 cited, 2,000
   claims, 200 pages; ``synthetic.py``): for each kind of entry (``plain``; ``manager``,
   1.5 kB each with abstracts, keywords, URLs, notes) and each shape of navigation
   (``sections``: the ten folder sections MkDocs makes; ``flat``: one explicit ``nav``),
   ``--builds`` builds of each kind, alternated, each in a fresh process from a cold cache:
   ``mkdocs build`` with graphbuild, without it (``plugins: [search]`` on the same pages),
   with ``--against``'s graphbuild (another checkout: the before); the Markdown tree
   (``graphbuild render``, ``zensical build``, ``graphbuild finish``) and Zensical on the
   plain pages. Each: wall time, processor time, peak memory (the process's own
   high-water mark, and its forked processes'), graphbuild's hooks, site size, a study
   page's and a content page's bytes, the search index. Targets: site <= 150 MB, peak
   <= 200 MB, build <= 4x plugin off, the Zensical path <= 4x, a study page <= 20 kB, the
   search index <= 5 MB; and peak memory not growing with field length beyond the parsed
   bibliography (manager against plain, less the parsed bibliographies' difference).
2. **50,000 references** (about 30,000 cited), 10,000 claims, 1,000 pages, manager entries,
   sectioned navigation, ``--large-builds`` builds of each kind: site <= 800 MB, build <= 4x
   plugin off, peak <= 600 MB, the Zensical path <= 4x; the evidence map in Chromium:
   interactive (``data-gb-ready``) within 3 s, or its clustered first view, with the time a
   cluster takes to open.
3. **History in bounded memory** (``bench_history.py``): 100 versions of a 1 MB ``.bib``,
   cold, unchanged and after one more commit: <= 30 s cold, <= 300 MB.
4. **Warm builds**: a build with ``.cache/graphbuild/`` kept from the one before (the parse
   skipped) against a cold one; and ``mkdocs serve`` (``bench_serve.py``): from saving an
   edited claim to the reloaded page showing it, with graphbuild and without: <= 1.5x.

Sites are written under ``--out`` (a RAM disk, ``/dev/shm``, keeps the disk's own noise out);
results go to ``results.json`` and ``results.md`` there. The machine's load is recorded
before every build: the report says how noisy the run was.
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
TARGETS = {"warm_bib_s": 0.1, "map_interactive_s": 3.0}
# What a very large site can set to fit its host (docs/reference/publishing.md): built once more
# for the manager-style sites, and reported beside the default build, never instead of it.
LARGE_SITE_OPTIONS = "study_downloads: []\nzip_downloads: true"
SIZES = {  # the two sizes of site the goals are set at: references, claims, pages
    "10k": (10_000, 2_000, 200),
    "50k": (50_000, 10_000, 1_000),
}


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
                "max_rss_mb": high_water_mb(),
                # processor time, steadier than the wall clock on a shared machine: the build's
                # own process, and the processes it forked (the exports, the study pages)
                "cpu_s": _cpu(resource.RUSAGE_SELF),
                "children_cpu_s": _cpu(resource.RUSAGE_CHILDREN),
                "children_max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def high_water_mb() -> float:
    """This process's peak resident memory since it started (``VmHWM``). ``ru_maxrss``
    starts a new process at the size of the one that started it (Linux keeps the old
    high-water mark across ``exec``): here, the benchmark's own, which holds a large site's
    facts."""
    with open("/proc/self/status", encoding="ascii") as status:
        fields = dict(line.split(":", 1) for line in status)
    return int(fields["VmHWM"].split()[0]) / 1024


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
    before = _resident_mb()
    start = time.perf_counter()
    bibliography, diagnostics = cache.load(Path(path), Path(path).name, config)
    cold = time.perf_counter() - start
    resident = _resident_mb() - before
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
                "resident_mb": resident,  # the parsed bibliography, as memory holds it
                "peak_mb": high_water_mb(),
            }
        )
    )


def _resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        fields = dict(line.split(":", 1) for line in status)
    return int(fields["VmRSS"].split()[0]) / 1024


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
    # What the build says of the site's size (graphbuild.publishing.sizing): a warning past
    # site_size_limit, a note near it.
    weighed = [line for line in done.stderr.splitlines() if "site_size_limit" in line]
    result["size_said"] = "warning" if any(" warning: " in x for x in weighed) else "note" if weighed else ""
    return result, wall


def site_size(site: Path) -> dict:
    """The site's bytes and files as the build weighs them against ``site_size_limit``
    (graphbuild.publishing.sizing), with its largest files."""
    from graphbuild.publishing.sizing import site_size as weighed

    total, count = weighed(site)
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
        "files": count,
        "html_pages": sum(1 for p in files if p.suffix == ".html"),
        "bytes": total,
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
    external: list[str] = []
    errors: list[str] = []
    result: dict = {"study": study, "claim": claim["location"], "queries": {k: q for k, (q, _, _) in queries.items()}}
    with bench_map.served(site) as base, sync_playwright() as p:
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


# Runs a command in a child of a small process of its own, so that the peak memory reported
# for it is its own: Linux starts a process's ``ru_maxrss`` at the size of its parent.
_MEASURED = """
import json, os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print("GBPEAK " + json.dumps({"max_rss_mb": usage.ru_maxrss / 1024, "code": os.waitstatus_to_exitcode(status),
                              "cpu_s": usage.ru_utime + usage.ru_stime}), flush=True)
"""


def run_process(argv: list[str], cwd: Path, package_from: Path | None = None) -> dict:
    """Any other process (``graphbuild render``, ``zensical build``): wall time, peak memory
    of that process alone (its own, as ``_MEASURED`` reports it), exit code and the end of
    its output."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
    if package_from is not None:
        env["PYTHONPATH"] = str(package_from)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *argv], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    wall = time.perf_counter() - start
    output = done.stdout.decode("utf-8", "replace")
    head, _, measured = output.rpartition("GBPEAK ")
    facts = json.loads(measured) if measured else {"max_rss_mb": float("nan"), "code": done.returncode, "cpu_s": 0}
    return {
        "wall_s": wall,
        "max_rss_mb": facts["max_rss_mb"],
        "cpu_s": facts["cpu_s"],
        "returncode": facts["code"],
        "tail": head[-600:],
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


_CLAIM_ANCHOR = re.compile(r"#claim-\d{5}$")  # a synthetic claim's card


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _load() -> float:
    return os.getloadavg()[0]


def _fresh(source: Path) -> None:
    """A cold build: no parse or history kept from the build before."""
    shutil.rmtree(source / ".cache", ignore_errors=True)


def bench_site(args: argparse.Namespace, size: str, entries: str, shape: str, builds: int, out: Path) -> dict:
    """Every build of one site, alternated, each from a cold cache: MkDocs with graphbuild,
    without, with another checkout's graphbuild; the Zensical tree; Zensical on the plain
    pages."""
    from synthetic import generate

    references, claims, pages = (max(1, round(n * args.scale)) for n in SIZES[size])
    name = f"{size}-{entries}-{shape}"
    source = out / f"synthetic-{name}"
    if source.exists():
        shutil.rmtree(source)
    generate(source, references, claims, pages, args.seed, nav=shape, entries=entries)
    sites = {kind: out / f"site-{name}-{kind}" for kind in ("on", "off", "against")}
    runs: dict[str, list] = {"on": [], "off": [], "against": [], "zensical": [], "zensical_plain": []}
    loads: list[float] = []
    zensical = _zensical() if not args.skip_zensical else None
    for n in range(max(1, builds)):  # alternated, so that a noisy spell hits every kind
        print(f"[{name}] build {n + 1} of {builds} ...", flush=True)
        loads.append(_load())
        _fresh(source)
        on, wall = run_child("build", str(source / "mkdocs.yml"), str(sites["on"]))
        runs["on"].append({**on, "wall_s": wall, "own": graphbuild_share(on, wall)})
        loads.append(_load())
        off, wall = run_child("build", str(source / "mkdocs-plain.yml"), str(sites["off"]))
        runs["off"].append({**off, "wall_s": wall})
        if args.against:
            loads.append(_load())
            _fresh(source)
            other, wall = run_child(
                "build", str(source / "mkdocs.yml"), str(sites["against"]), package_from=args.against.resolve()
            )
            runs["against"].append({**other, "wall_s": wall, "own": graphbuild_share(other, wall)})
        if zensical:
            loads.append(_load())
            _fresh(source)
            runs["zensical"].append(build_zensical_tree(source, out / f"tree-{name}"))
            runs["zensical_plain"].append(build_zensical_plain(source, out / f"tree-{name}-plain"))
    options = None
    if entries == "manager":
        print(f"[{name}] build with the large-site options ...", flush=True)
        config = (source / "mkdocs.yml").read_text(encoding="utf-8")
        lean = config.replace("  - graphbuild\n", "  - graphbuild:\n" + _indent(LARGE_SITE_OPTIONS, 6) + "\n")
        assert lean != config
        (source / "mkdocs-large.yml").write_text(lean, encoding="utf-8")
        _fresh(source)
        built, wall = run_child("build", str(source / "mkdocs-large.yml"), str(out / f"site-{name}-options"))
        options = {
            "wall_s": wall,
            "max_rss_mb": built["max_rss_mb"],
            "size": site_size(out / f"site-{name}-options"),
            "size_said": built["size_said"],
        }
    result: dict = {
        "size": size,
        "entries": entries,
        "shape": shape,
        "builds": len(runs["on"]),
        "counts": (references, claims, pages),
        "bib_bytes": (source / "references.bib").stat().st_size,
        "load": loads,
    }
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
            "size_said": runs[kind][-1].get("size_said", ""),
            "weights": page_weights(sites[kind]),
        }
        if kind != "off":
            result[kind]["own_s"] = _median([r["own"]["seconds"] for r in runs[kind]])
            result[kind]["hooks"] = runs[kind][-1]["own"]["by_hook"]
    if runs["zensical"]:
        done = [r for r in runs["zensical"] if all(r.get(s, {}).get("returncode") == 0 for s in ZENSICAL_STEPS)]
        tree_site = out / f"tree-{name}" / "site"
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
        if tree_site.is_dir() and not args.skip_browser and size == "10k":
            result["zensical"]["map"] = map_interactive(tree_site, 1)
            result["zensical"]["browser"] = tree_in_browser(tree_site)
    if options:
        result["options"] = options
    if size == "10k":
        result["bibliography"] = run_child("bib", str(source / "references.bib"))[0]
    return result


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


def bench_warm(args: argparse.Namespace, source: Path, out: Path) -> dict:
    """A build with the cache the build before left (``.cache/graphbuild/``: the parsed
    ``.bib``), alternated with a cold one."""
    cold: list[dict] = []
    warm: list[dict] = []
    site = out / "site-warm"
    for n in range(max(1, args.builds)):
        print(f"[warm] build {n + 1} of {args.builds} ...", flush=True)
        _fresh(source)
        result, wall = run_child("build", str(source / "mkdocs.yml"), str(site))
        cold.append({**result, "wall_s": wall})
        result, wall = run_child("build", str(source / "mkdocs.yml"), str(site))
        warm.append({**result, "wall_s": wall})
    loaded = run_child("load", str(source))[0]
    return {
        "source": source.name,
        "cold": {k: _median([r[k] for r in cold]) for k in ("wall_s", "cpu_s", "max_rss_mb")},
        "warm": {k: _median([r[k] for r in warm]) for k in ("wall_s", "cpu_s", "max_rss_mb")},
        "cold_pre_build_s": _median([r["hooks"].get("graphbuild.pre_build", 0.0) for r in cold]),
        "warm_pre_build_s": _median([r["hooks"].get("graphbuild.pre_build", 0.0) for r in warm]),
        "load": loaded,
    }


def child_load(root: str) -> None:
    """The site's bibliography loaded as a build loads it, with the store the last build
    left: whether it was parsed, and how long it took."""
    from graphbuild.model.bibliography import BibliographyCache
    from graphbuild.model.project import bibliography_store, load_project

    project = load_project(Path(root))
    store, _ = bibliography_store(project)
    cache = BibliographyCache()
    start = time.perf_counter()
    bibliography, _ = cache.load(project.bibliography_file, "references.bib", project.config, store)
    elapsed = time.perf_counter() - start
    stored = {"entries": len(bibliography), "load_s": elapsed, "parses": cache.parses, "stored": cache.stored}
    print("BENCH " + json.dumps(stored))


def bench_history(args: argparse.Namespace, out: Path) -> dict:
    """``bench_history.py``'s history of 100 versions of a 1 MB ``.bib``, before and after."""
    argv = [sys.executable, str(HERE / "bench_history.py"), "--commits", "100", "--bib-bytes", "1000000"]
    argv += ["--bib-versions", "100"]
    if args.against:
        argv += ["--against", str(args.against.resolve())]
    print("[history] 100 versions of a 1 MB .bib ...", flush=True)
    done = subprocess.run(argv, capture_output=True, text=True, cwd=out)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout)


def bench_large_map(site: Path, runs: int) -> dict:
    """The evidence map of the large site in Chromium: drawn by its pages first (its first
    view interactive), a page of it opened from a link to a claim's place, a study found."""
    measured = bench_map.paged_times(site, runs)
    if "error" in measured:
        return measured
    return {
        "runs_s": measured["first_view_s"],
        "first_s": measured["first_view_s"][0],
        "median_s": measured["first_view_median_s"],
        "open_page_median_s": statistics.median(measured["open_page_s"]),
        "search_median_s": statistics.median(measured["search_s"]),
        "nodes_drawn": f"{measured['pages']} pages of {measured['nodes']}",
        "external_requests": measured["external_requests"],
        "page_errors": measured["errors"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="map loads in chromium")
    parser.add_argument("--builds", type=int, default=3, help="builds of each kind, alternated; medians are reported")
    parser.add_argument("--large-builds", type=int, default=1, help="builds of each kind of the 50,000-reference site")
    parser.add_argument("--entries", default="plain,manager", help="kinds of entry, of: plain, manager")
    parser.add_argument("--shapes", default="sections,flat", help="navigation shapes, of: sections, flat")
    parser.add_argument("--edits", type=int, default=3, help="edits timed in each round of mkdocs serve")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of mkdocs serve, alternated")
    parser.add_argument("--profile", action="store_true", help="also profile the graphbuild build")
    parser.add_argument("--scale", type=float, default=1.0, help="sites this much the size of the goals' (a trial)")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-zensical", action="store_true")
    parser.add_argument("--skip-large", action="store_true", help="leave out goal 2 (50,000 references)")
    parser.add_argument("--skip-history", action="store_true", help="leave out goal 3")
    parser.add_argument("--skip-serve", action="store_true", help="leave out mkdocs serve (goal 4)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--readme", type=Path, help="write the benchmarks' README from this run")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (a git worktree of an earlier commit): its graphbuild builds the same sites "
        "with MkDocs, alternated with this one's, and every MkDocs row is reported for both",
    )
    args = parser.parse_args(argv)

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results: dict = {
        "seed": args.seed,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "zensical": None
        if args.skip_zensical or not _zensical()
        else run_process([str(_zensical()), "--version"], REPO)["tail"].strip(),
        "against": str(args.against) if args.against else None,
        "builds": args.builds,
    }
    results["sites"] = [
        bench_site(args, "10k", entries, shape, args.builds, out)
        for entries in args.entries.split(",")
        for shape in args.shapes.split(",")
    ]
    if not args.skip_large:
        large = bench_site(args, "50k", "manager", "sections", args.large_builds, out)
        results["sites"].append(large)
        if not args.skip_browser:
            large["map"] = bench_large_map(out / "site-50k-manager-sections-on", args.runs)
    manager = next((s for s in results["sites"] if s["size"] == "10k" and s["entries"] == "manager"), None)
    first = manager or results["sites"][0]
    source = out / f"synthetic-{first['size']}-{first['entries']}-{first['shape']}"
    results["warm"] = bench_warm(args, source, out)
    if not args.skip_serve:
        import bench_serve

        results["serve"] = bench_serve.measure(source, args.edits, args.rounds, args.against)
    if not args.skip_history:
        results["history"] = bench_history(args, out)
    results["bibliography"] = {}
    if CORPUS_BIB.exists():
        results["bibliography"]["bibliotex-all.bib"] = run_child("bib", str(CORPUS_BIB))[0]
    if not args.skip_browser:
        results["map"] = map_interactive(out / f"site-10k-{first['entries']}-{first['shape']}-on", args.runs)
    if args.profile:
        prof = out / "build.prof"
        run_child("build", str(source / "mkdocs.yml"), str(out / "site-profiled"), "--profile", str(prof))
        results["profile_top"] = top_profile(prof)
    results["minutes"] = (time.time() - started) / 60
    results["targets"] = targets(results)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    report = summary(results)
    (out / "results.md").write_text(report + "\n", encoding="utf-8")
    if args.readme:
        args.readme.write_text(readme(results, report), encoding="utf-8")
    print(report)


def targets(r: dict) -> dict:
    """Each goal's targets: True, False, or None where this run did not measure it."""
    small = [s for s in r["sites"] if s["size"] == "10k"]
    large = [s for s in r["sites"] if s["size"] == "50k"]

    def all_of(sites: list[dict], test) -> bool | None:
        return all(test(s) for s in sites) if sites else None

    def zensical_ratio(s: dict) -> float:
        return s.get("zensical", {}).get("total_s", float("inf")) / s["off"]["median_wall_s"]

    growth = field_growth(r)
    found: dict = {
        "1: site <= 150 MB": all_of(small, lambda s: s["on"]["size"]["bytes"] <= 150e6),
        "1: peak <= 200 MB": all_of(small, lambda s: s["on"]["max_rss_mb"] <= 200),
        "1: build <= 4x plugin off": all_of(small, lambda s: s["on"]["median_wall_s"] <= 4 * s["off"]["median_wall_s"]),
        "1: Zensical path <= 4x": None if r["zensical"] is None else all_of(small, lambda s: zensical_ratio(s) <= 4),
        "1: study page <= 20 kB": all_of(small, lambda s: s["on"]["weights"]["study"]["mean_bytes"] <= 20_000),
        "1: search index <= 5 MB": all_of(small, lambda s: s["on"]["weights"]["search"]["bytes"] <= 5e6),
        "1: peak not growing with field length beyond the parsed .bib": None
        if growth is None
        else all(g["beyond_mb"] <= 10 for g in growth),
        "2: site <= 800 MB": all_of(large, lambda s: s["on"]["size"]["bytes"] <= 800e6),
        "2: build <= 4x plugin off": all_of(large, lambda s: s["on"]["median_wall_s"] <= 4 * s["off"]["median_wall_s"]),
        "2: peak <= 600 MB": all_of(large, lambda s: s["on"]["max_rss_mb"] <= 600),
        "2: Zensical path <= 4x": None if r["zensical"] is None else all_of(large, lambda s: zensical_ratio(s) <= 4),
        "2: map usable (interactive or first view <= 3 s)": None
        if not large or "map" not in large[0] or "median_s" not in large[0]["map"]
        else large[0]["map"]["median_s"] <= TARGETS["map_interactive_s"],
    }
    with_options = [s for s in r["sites"] if "options" in s]
    for size, budget in (("10k", 150e6), ("50k", 800e6)):
        sites = [s for s in with_options if s["size"] == size]
        if sites:
            goal = "1" if size == "10k" else "2"
            key = f"{goal}, with the large-site options (not the defaults): site <= {budget / 1e6:.0f} MB"
            found[key] = all(s["options"]["size"]["bytes"] <= budget for s in sites)
    history = r.get("history", {}).get("after")
    if history:
        found["3: history cold <= 30 s"] = history["cold"]["history_s"] <= 30
        found["3: history peak <= 300 MB"] = max(history[k]["max_rss_mb"] for k in HISTORY_STEPS) <= 300
    if "warm" in r:
        found["4: a warm build skips parsing"] = r["warm"]["load"]["parses"] == 0 and r["warm"]["load"]["stored"] == 1
    if "serve" in r and "ratio" in r["serve"]:
        found["4: serve, save to reloaded page <= 1.5x"] = r["serve"]["ratio"] <= 1.5
    return found


HISTORY_STEPS = ("cold", "unchanged", "warm_one_more_commit")


def field_growth(r: dict) -> list[dict] | None:
    """For each shape: how much more the build's peak is with manager entries than with plain
    ones, and how much of that is the parsed bibliography itself (the difference of the two
    bibliographies' loads, each measured alone)."""
    found = []
    for shape in {s["shape"] for s in r["sites"] if s["size"] == "10k"}:
        pair = {s["entries"]: s for s in r["sites"] if s["size"] == "10k" and s["shape"] == shape}
        if set(pair) != {"plain", "manager"}:
            continue
        peak = pair["manager"]["on"]["max_rss_mb"] - pair["plain"]["on"]["max_rss_mb"]
        parsed = pair["manager"]["bibliography"]["resident_mb"] - pair["plain"]["bibliography"]["resident_mb"]
        found.append({"shape": shape, "peak_mb": peak, "parsed_mb": parsed, "beyond_mb": peak - parsed})
    return found or None


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def _kb(n: float) -> str:
    return f"{n / 1e3:.1f} kB"


def _shape_table(r: dict, shape: dict) -> list[str]:
    """One site's table: every row of the issue, per kind of build."""
    lines: list[str] = [""]
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
    said = {"warning": " (the build warns: more than `site_size_limit`)", "note": " (the build notes: near it)"}
    row(
        "site size",
        [
            f"{_mb(c['size']['bytes'])} in {c['size']['files']:,} files{said.get(c.get('size_said', ''), '')}"
            for _, c in columns
        ],
        f"{_mb(z['size']['bytes'])} in {z['size']['files']:,} files" if z and z.get("size") else "",
    )
    o = shape.get("options")
    if o:
        row(
            "site size with " + ", ".join(f"`{line}`" for line in LARGE_SITE_OPTIONS.splitlines()),
            [
                f"{_mb(o['size']['bytes'])} in {o['size']['files']:,} files (one build: {o['wall_s']:.1f} s, "
                f"peak {o['max_rss_mb']:.0f} MB){said.get(o.get('size_said', ''), '')}"
                if c is shape["on"]
                else ""
                for _, c in columns
            ],
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


def _noise(r: dict) -> str:
    loads = [load for s in r["sites"] for load in s.get("load", [])]
    spread = []
    for s in r["sites"]:
        for kind in ("on", "off"):
            walls = s.get(kind, {}).get("wall_s", [])
            if len(walls) > 1:
                spread.append(max(walls) / min(walls))
    text = f"load average (1 min) before the builds {min(loads):.1f} to {max(loads):.1f} on {r['cpus']} processors"
    if spread:
        text += f"; the slowest of a kind's builds took up to {max(spread):.1f}x its fastest"
    return text


def _site_name(s: dict) -> str:
    references, claims, pages = s["counts"]
    return (
        f"{references:,} references ({s['entries']} entries, a {s['bib_bytes'] / 1e6:.1f} MB .bib), "
        f"{claims:,} claims, {pages:,} pages, navigation: {s['shape']}"
    )


def summary(r: dict) -> str:
    """Every goal's numbers, as tables: MkDocs before (``--against``) and after, and the
    Zensical tree, for each site; then history, warm builds and ``mkdocs serve``."""
    lines = [
        f"Medians of {r['builds']} builds of each kind at 10,000 references, alternated, each from a cold cache; "
        f"{_noise(r)}; Python {r['python']}" + (f"; Zensical {r['zensical']}" if r.get("zensical") else "") + ".",
    ]
    for s in r["sites"]:
        lines += ["", f"### {_site_name(s)}"]
        lines += _shape_table(r, s)
        if "map" in s:
            lines.append("")
            lines.append(_map_line(s["map"]))
    growth = field_growth(r)
    if growth:
        lines += ["", "### Peak memory against field length", ""]
        for g in growth:
            lines.append(
                f"- {g['shape']}: manager entries peak {g['peak_mb']:+.0f} MB over plain ones; their parsed "
                f"bibliography alone holds {g['parsed_mb']:+.0f} MB more: {g['beyond_mb']:+.0f} MB beyond it"
            )
    history = r.get("history")
    if history and "error" not in history:
        site = history["site"]
        lines += [
            "",
            f"### History: {site['bib_versions']} versions of a {site['bib_bytes'] / 1e6:.1f} MB .bib "
            f"({site['commits']} commits)",
            "",
            "| | " + " | ".join(k for k in ("before", "after") if k in history) + " |",
            "| --- |" + " --- |" * sum(1 for k in ("before", "after") if k in history),
        ]
        for step in HISTORY_STEPS:
            cells = [
                f"{history[k][step]['history_s']:.1f} s, {history[k][step]['max_rss_mb']:.0f} MB "
                f"({history[k][step]['states_built']} states built)"
                for k in ("before", "after")
                if k in history
            ]
            lines.append(f"| {step.replace('_', ' ')} | " + " | ".join(cells) + " |")
    elif history:
        lines += ["", f"History benchmark failed: {history['error'][-300:]}"]
    warm = r.get("warm")
    if warm:
        lines += [
            "",
            f"### Warm builds ({warm['source'].removeprefix('synthetic-')})",
            "",
            f"- `mkdocs build` from a cold cache {warm['cold']['wall_s']:.1f} s (graphbuild's `on_pre_build` "
            f"{warm['cold_pre_build_s']:.1f} s), with the cache the build before left {warm['warm']['wall_s']:.1f} s "
            f"(`on_pre_build` {warm['warm_pre_build_s']:.1f} s); peak {warm['cold']['max_rss_mb']:.0f} and "
            f"{warm['warm']['max_rss_mb']:.0f} MB",
            f"- the bibliography with the stored parse: {warm['load']['load_s']:.2f} s for "
            f"{warm['load']['entries']:,} entries, parsed {warm['load']['parses']} times",
        ]
    serve = r.get("serve")
    if serve and "ratio" in serve:
        medians = serve["median_s"]
        edits = len(serve["edits"]["on"])
        lines.append(
            f"- `mkdocs serve`, from saving an edited claim to the reloaded page showing it (median of {edits}): "
            f"with graphbuild {medians['on']:.1f} s, without {medians['off']:.1f} s ({serve['ratio']:.2f}x)"
            + (f"; before {medians['against']:.1f} s ({serve['ratio_against']:.2f}x)" if "against" in medians else "")
        )
    lines += [""]
    for name, bib in r["bibliography"].items():
        lines.append(
            f"- bibliography load, {name} ({bib['entries']:,} entries, {bib['bytes'] / 1e6:.1f} MB): "
            f"cold {bib['cold_s']:.2f} s, warm {bib['warm_s'] * 1000:.1f} ms"
        )
    if "map" in r and "median_s" in r["map"]:
        lines.append("- " + _map_line(r["map"]))
    lines += ["", "### Targets", ""]
    lines += [
        f"- {k}: {'met' if v else 'not met' if v is not None else 'not measured'}" for k, v in r["targets"].items()
    ]
    lines.append(f"\nThe run took {r['minutes']:.0f} minutes.")
    return "\n".join(lines)


def _map_line(m: dict) -> str:
    if "median_s" not in m:
        return f"Evidence map in Chromium: {m.get('error', 'not measured')}"
    line = (
        f"Evidence map in Chromium ({m['nodes_drawn']} nodes drawn), median of {len(m['runs_s'])}: "
        f"{m['median_s']:.2f} s to interactive (first {m['first_s']:.2f} s)"
    )
    if "open_page_median_s" in m:
        line += (
            f"; a link to a claim's place opens its page of the map in {m['open_page_median_s']:.2f} s, "
            f"a search finds a study in {m['search_median_s']:.2f} s"
        )
    return line + f"; requests to other hosts: {len(m['external_requests'])}"


README_HEAD = """# Benchmarks

Written by `python benchmarks/bench_site.py --readme benchmarks/README.md` from one run; each
number below comes from that run. The goals are issue 27's (entries as reference managers
write them, 50,000 references, history in bounded memory, warm builds), over issue 17's
budgets. Reproduce on a 2-processor machine with sites on a RAM disk (`--out /dev/shm/bench`);
`--against <checkout>` builds the same sites with another checkout's graphbuild, alternated
with this one's (the *before* columns). The machine is shared: wall times are medians of
alternated runs, and processor time is given beside them.

- `synthetic.py` writes the sites (`--entries plain|manager`, `--nav sections|flat`);
- `bench_site.py` builds them every way and writes this file;
- `bench_history.py`, `bench_serve.py` and `bench_map.py` time the history step, `mkdocs
  serve`'s rebuild and the evidence map on their own; `bench_styles.py` the citation styles.

"""

EARLIER_ROUNDS = """## Earlier rounds, in short

- **Issue 17** (scale, first round; 10,000 plain entries, 2,000 claims, 200 pages, sectioned
  navigation): 40.9 s (17.1x plugin off), a study page of 93.5 kB, a 634 MB site, a 14.3 MB
  search index and a 368 MB peak, and a Zensical tree of 44.9 s (18.8x), brought to 2.9x,
  11.0 kB, 149.3 MB, 3.5 MB and 191 MB, and 3.2x for the Zensical tree: study pages from one
  render of the theme in a slim layout, written beside the pages by a forked process, as the
  exports are; local graphs drawn from the map's data; search entries of their own for claims
  and studies; cards, index pages' bodies and exports held compressed, streamed or written as
  made; the theme's indentation dropped; the Zensical tree holding only what the engine reads.
- **Issue 16** (citation styles, exports, linked data): graphbuild's own hook time +0.6 s with
  the default style, the exports in their own process; a `.csl` style's references cached.
- **Issue 15** (dating claims from git history): 500 commits cold in 4.0 s, warm 0.3 s.
"""


def readme(r: dict, report: str) -> str:
    """``benchmarks/README.md``: how to run, this run's numbers by goal, the earlier rounds."""
    return README_HEAD + "## This run\n\n" + report + "\n\n" + EARLIER_ROUNDS


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        if sys.argv[2] == "build":
            profile = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else None
            child_build(sys.argv[3], sys.argv[4], profile)
        elif sys.argv[2] == "load":
            child_load(sys.argv[3])
        else:
            child_bib(sys.argv[3])
    else:
        main()
