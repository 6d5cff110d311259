"""How long an editor waits in ``mkdocs serve``: from saving an edited claim to the page
showing it, with graphbuild and without.

    python benchmarks/bench_serve.py SITE [--edits N] [--rounds N] [--against DIR]

``SITE``: a synthetic site (``benchmarks/synthetic.py``), served twice over: with graphbuild
(``mkdocs.yml``) and without (``mkdocs-plain.yml``, where the claim is a code block). In each
round each server is started, its first build waited for, a page opened in headless Chromium,
and the page's first claim edited ``--edits`` times (its statement changed, the file saved);
each edit is timed from just before the file is written to the moment the reloaded page
shows the new statement (MkDocs' live reload fetches the page again once its rebuild is done).
Rounds alternate the two servers, so that a noisy spell hits both; medians are reported.

Target (issue 27): with graphbuild at most 1.5 times the time without.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # benchmarks/ is not a package

import bench_map  # noqa: E402

PAGE = "section-01/page-001.md"
TARGET_RATIO = 1.5
_STATEMENT = re.compile(r"^statement: (.*)$", re.M)
_SERVING = re.compile(r"Serving on (http://\S+/)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(site: Path, config: str, package_from: Path | None) -> tuple[subprocess.Popen, str, Path]:
    """``mkdocs serve`` of ``config`` in ``site``, once its first build is done; its log file."""
    port = _free_port()
    log = site / f"serve-{config}.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if package_from is not None:
        env["PYTHONPATH"] = str(package_from)
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    with log.open("w") as out:
        server = subprocess.Popen(
            [mkdocs, "serve", "-f", config, "-a", f"127.0.0.1:{port}"],
            cwd=site,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 1800
    while not (serving := _SERVING.search(log.read_text(errors="replace"))):
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"mkdocs serve of {config} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    return server, serving.group(1), log  # under site_url's path


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, 15)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)
        server.wait()


def _edits(page, url: str, source: Path, edits: int, mark: str) -> list[float]:
    """Edit the page's first claim ``edits`` times; seconds from each save to the page showing it."""
    page.goto(url + PAGE.removesuffix(".md") + "/", wait_until="load")
    original = source.read_text(encoding="utf-8")
    times = []
    try:
        for n in range(edits):
            statement = f"Edited claim {mark} {n} {time.monotonic_ns()}."
            text = _STATEMENT.sub(f"statement: '{statement}'", original, count=1)
            time.sleep(1.0)  # the server's watcher settles after the last edit's rebuild
            start = time.perf_counter()
            source.write_text(text, encoding="utf-8")
            page.wait_for_function(
                "s => document.body && document.body.innerText.includes(s)", arg=statement, timeout=600_000
            )
            times.append(time.perf_counter() - start)
    finally:
        source.write_text(original, encoding="utf-8")
    return times


def measure(site: Path, edits: int = 3, rounds: int = 2, against: Path | None = None) -> dict:
    """Each round: with graphbuild (and ``against``'s, if given), then without."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return {"error": "chromium not on PATH"}
    from playwright.sync_api import sync_playwright

    kinds = [("on", "mkdocs.yml", None)]
    if against is not None:
        kinds.append(("against", "mkdocs.yml", against.resolve()))
    kinds.append(("off", "mkdocs-plain.yml", None))
    times: dict[str, list[float]] = {name: [] for name, _, _ in kinds}
    source = site / "docs" / PAGE
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=bench_map.CHROMIUM_ARGS)
        for round_number in range(rounds):
            for name, config, package in kinds:
                server, url, _ = _start(site, config, package)
                try:
                    page = browser.new_page()
                    times[name] += _edits(page, url, source, edits, f"{name}{round_number}")
                    page.close()
                finally:
                    _stop(server)
        browser.close()
    medians = {name: statistics.median(values) for name, values in times.items()}
    result: dict = {"edits": times, "median_s": medians, "ratio": medians["on"] / medians["off"]}
    if "against" in medians:
        result["ratio_against"] = medians["against"] / medians["off"]
    result["target_met"] = result["ratio"] <= TARGET_RATIO
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--against", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.site, args.edits, args.rounds, args.against), indent=1))


if __name__ == "__main__":
    main()
