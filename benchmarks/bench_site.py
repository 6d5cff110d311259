"""How graphbuild scales: one run reports every number the scale targets are checked against.

    python benchmarks/bench_site.py [--references N --claims N --pages N] [--runs N]
                                    [--builds N] [--profile] [--skip-browser] [--out DIR]

- ``mkdocs build`` wall time of the synthetic site with graphbuild and with it disabled
  (``plugins: [search]`` on the same pages), each in a fresh process (``--builds N``: N of
  each, alternated, and the build with the median share is reported with all the shares);
- graphbuild's own share: the time spent inside graphbuild's hooks (every plugin hook is
  timed, per plugin), against the build's wall time;
- peak memory (maximum resident set size) of each build process;
- cold and warm (``BibliographyCache``) load of ``../shared/corpus/bibliotex-all.bib`` and of
  the synthetic bibliography;
- size of the built site, and of its largest pieces;
- time until the evidence map is interactive in headless chromium (the map container gets
  ``data-gb-ready="1"`` once drawn), measured from navigation start;
- with ``--against DIR``, graphbuild's own time of another checkout on the same site; with
  ``--study-exports``, the same build without the per-study citation exports
  (``studies/<key>.bib``, ``.ris``, ``.json``), so that their cost is measured, not guessed.

Targets: graphbuild's own work at most 10% of the build's wall time; the warm bibliography
load under 0.1 s; the map interactive within 2 s. Results go to ``benchmarks/out/``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
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
TARGETS = {"own_share": 0.10, "warm_bib_s": 0.1, "map_interactive_s": 2.0}


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
    if os.environ.get("BENCH_WITHOUT_STUDY_EXPORTS"):  # --study-exports: the registry less that family
        from graphbuild import site

        site.FILES = tuple(f for f in site.FILES if getattr(f, "each", None) != "study")
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
            }
        )
    )


def child_bib(path: str) -> None:
    """Cold, then warm, load of one bibliography through the cache the plugin uses."""
    from graphbuild.bibliography import BibliographyCache
    from graphbuild.config import Config

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


def run_child(*args: str, package_from: Path | None = None, **extra_env: str) -> tuple[dict, float]:
    """One child process; ``package_from``: a checkout whose ``graphbuild`` it imports."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000", **extra_env)
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
        "evidence/graph.jsonld",
        "bibliography/references.json",
        "search/search_index.json",
        "claims/index.html",
        "evidence/matrix/index.html",
        "bibliography/index.html",
    ]
    study_exports = [p for p in files if p.parent == site / "studies" and p.suffix in (".bib", ".ris", ".json")]
    return {
        "files": len(files),
        "html_pages": sum(1 for p in files if p.suffix == ".html"),
        "bytes": sum(p.stat().st_size for p in files),
        "study_exports": {"files": len(study_exports), "bytes": sum(p.stat().st_size for p in study_exports)},
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--references", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=2_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="map loads in chromium")
    parser.add_argument("--builds", type=int, default=1, help="builds of each kind, alternated; the median is reported")
    parser.add_argument("--profile", action="store_true", help="also profile the graphbuild build")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (a git worktree of an earlier commit): its graphbuild builds the same site, "
        "alternated with this one's, and both hook times are reported",
    )
    parser.add_argument(
        "--study-exports",
        action="store_true",
        help="also build without the per-study citation exports, alternated, to report what they cost",
    )
    args = parser.parse_args(argv)

    from synthetic import generate

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    source = out / "synthetic"
    if source.exists():
        shutil.rmtree(source)
    generate(source, args.references, args.claims, args.pages, args.seed)
    results: dict = {
        "site": {"references": args.references, "claims": args.claims, "pages": args.pages, "seed": args.seed},
        "python": sys.version.split()[0],
    }

    print(f"building {args.claims} claims over {args.pages} pages, {args.references} references ...", flush=True)
    runs = []
    against = []
    without_exports = []
    for _ in range(max(1, args.builds)):  # alternated, so that a noisy spell hits both kinds
        with_gb, wall_gb = run_child("build", str(source / "mkdocs.yml"), str(out / "site"))
        plain, wall_plain = run_child("build", str(source / "mkdocs-plain.yml"), str(out / "site-plain"))
        runs.append((graphbuild_share(with_gb, wall_gb)["share_of_wall"], with_gb, wall_gb, plain, wall_plain))
        if args.against:
            other, wall_other = run_child(
                "build", str(source / "mkdocs.yml"), str(out / "site-against"), package_from=args.against.resolve()
            )
            against.append((graphbuild_share(other, wall_other)["seconds"], wall_other))
        if args.study_exports:
            lean, wall_lean = run_child(
                "build", str(source / "mkdocs.yml"), str(out / "site-lean"), BENCH_WITHOUT_STUDY_EXPORTS="1"
            )
            without_exports.append((graphbuild_share(lean, wall_lean)["seconds"], wall_lean))
    if against:
        ours = sorted(graphbuild_share(run[1], run[2])["seconds"] for run in runs)
        theirs = sorted(seconds for seconds, _ in against)
        results["against"] = {
            "checkout": str(args.against),
            "hook_seconds": theirs,
            "this_hook_seconds": ours,
            "median_ratio": statistics.median(ours) / statistics.median(theirs),
        }
        print(json.dumps(results["against"], indent=1), flush=True)
    if without_exports:
        ours = sorted(graphbuild_share(run[1], run[2])["seconds"] for run in runs)
        results["study_exports"] = {
            "hook_seconds_without": sorted(seconds for seconds, _ in without_exports),
            "hook_seconds_with": ours,
            "wall_seconds_without": sorted(wall for _, wall in without_exports),
            "wall_seconds_with": sorted(run[2] for run in runs),
            "site_without": site_size(out / "site-lean"),
        }
        print(json.dumps({k: v for k, v in results["study_exports"].items() if k != "site_without"}), flush=True)
    runs.sort(key=lambda run: run[0])
    _, with_gb, wall_gb, plain, wall_plain = runs[len(runs) // 2]  # the median build by share
    results["build"] = {
        "builds": len(runs),
        "shares": [run[0] for run in runs],
        "with_graphbuild_s": wall_gb,
        "without_graphbuild_s": wall_plain,
        "with_graphbuild_in_process_s": with_gb["in_process_s"],
        "added_by_graphbuild_s": wall_gb - wall_plain,
        "peak_rss_mb": {"with_graphbuild": with_gb["max_rss_mb"], "without_graphbuild": plain["max_rss_mb"]},
        "warnings": with_gb["warnings"],
        "graphbuild_own": graphbuild_share(with_gb, wall_gb),
        "hooks_by_plugin": {k: v for k, v in sorted(with_gb["hooks"].items(), key=lambda kv: -kv[1]) if v > 0.05},
    }
    print(json.dumps(results["build"], indent=1), flush=True)

    results["bibliography"] = {}
    for name, path in (("bibliotex-all.bib", CORPUS_BIB), ("synthetic", source / "references.bib")):
        if path.exists():
            results["bibliography"][name] = run_child("bib", str(path))[0]
    results["size"] = {"with_graphbuild": site_size(out / "site"), "without_graphbuild": site_size(out / "site-plain")}
    if not args.skip_browser:
        results["map"] = map_interactive(out / "site", args.runs)

    if args.profile:
        prof = out / "build.prof"
        run_child("build", str(source / "mkdocs.yml"), str(out / "site-profiled"), "--profile", str(prof))
        results["profile_top"] = top_profile(prof)

    own = results["build"]["graphbuild_own"]["share_of_wall"]
    warm = results["bibliography"].get("bibliotex-all.bib", {}).get("warm_s")
    interactive = results.get("map", {}).get("median_s")
    results["targets"] = {
        "graphbuild_own_share<=10%": own <= TARGETS["own_share"],
        "warm_bib<0.1s": None if warm is None else warm < TARGETS["warm_bib_s"],
        "map_interactive<=2s": None if interactive is None else interactive <= TARGETS["map_interactive_s"],
    }
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    report = summary(results)
    (out / "results.md").write_text(report + "\n", encoding="utf-8")
    print(report)


def summary(r: dict) -> str:
    b = r["build"]
    own = b["graphbuild_own"]
    lines = [
        f"Synthetic site: {r['site']['references']:,} references, {r['site']['claims']:,} claims, "
        f"{r['site']['pages']} pages (seed {r['site']['seed']})",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| `mkdocs build`, graphbuild enabled | {b['with_graphbuild_s']:.1f} s | |",
        f"| `mkdocs build`, graphbuild disabled (`plugins: [search]`) | {b['without_graphbuild_s']:.1f} s | |",
        f"| graphbuild's own work (its hooks) | {own['seconds']:.1f} s = {own['share_of_wall']:.1%} of the build"
        + (
            f" (median of {b['builds']} builds: {', '.join(f'{x:.1%}' for x in b['shares'])})"
            if b.get("builds", 1) > 1
            else ""
        )
        + " | ≤ 10% |",
        f"| peak memory (max RSS), enabled / disabled | {b['peak_rss_mb']['with_graphbuild']:.0f} MB / "
        f"{b['peak_rss_mb']['without_graphbuild']:.0f} MB | |",
    ]
    for name, bib in r["bibliography"].items():
        lines.append(
            f"| bibliography load, {name} ({bib['entries']:,} entries, {bib['bytes'] / 1e6:.1f} MB): "
            f"cold / warm | {bib['cold_s']:.2f} s / {bib['warm_s'] * 1000:.1f} ms | warm < 0.1 s |"
        )
    size = r["size"]["with_graphbuild"]
    plain = r["size"]["without_graphbuild"]
    lines.append(
        f"| site size, enabled / disabled | {size['bytes'] / 1e6:.1f} MB in {size['files']:,} files / "
        f"{plain['bytes'] / 1e6:.1f} MB in {plain['files']:,} files | |"
    )
    exports = size.get("study_exports")
    if exports and exports["files"]:
        lines.append(
            f"| per-study citation exports (`studies/<key>.bib`, `.ris`, `.json`) | {exports['files']:,} files, "
            f"{exports['bytes'] / 1e6:.1f} MB | |"
        )
    for name, n in size["named"].items():
        lines.append(f"| `{name}` | {n / 1e3:,.0f} kB | |")
    if "map" in r and "median_s" in r["map"]:
        m = r["map"]
        lines.append(
            f"| evidence map interactive in chromium ({m['nodes_drawn']} nodes), median of "
            f"{len(m['runs_s'])} | {m['median_s']:.2f} s (first {m['first_s']:.2f} s) | ≤ 2 s |"
        )
    if "against" in r:
        a = r["against"]
        lines.append(
            f"| graphbuild's own work, this checkout / `{a['checkout']}` (medians of {len(a['hook_seconds'])}) | "
            f"{statistics.median(a['this_hook_seconds']):.2f} s / {statistics.median(a['hook_seconds']):.2f} s "
            f"(ratio {a['median_ratio']:.2f}) | |"
        )
    if "study_exports" in r:
        e = r["study_exports"]
        with_s, without_s = (statistics.median(e[f"hook_seconds_{k}"]) for k in ("with", "without"))
        wall_with, wall_without = (statistics.median(e[f"wall_seconds_{k}"]) for k in ("with", "without"))
        lines.append(
            f"| graphbuild's own work with / without the per-study citation exports (medians of "
            f"{len(e['hook_seconds_with'])}) | {with_s:.2f} s / {without_s:.2f} s ({with_s - without_s:+.2f} s); "
            f"`mkdocs build` {wall_with:.1f} s / {wall_without:.1f} s | |"
        )
    lines += ["", "Targets met: " + ", ".join(f"{k}: {v}" for k, v in r["targets"].items())]
    lines += ["", "Time in graphbuild's hooks:"]
    lines += [f"- {k}: {v:.2f} s" for k, v in own["by_hook"].items() if v >= 0.01]
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
