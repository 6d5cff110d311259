"""Reproducible builds: the same input gives the same site, byte for byte.

Builds run in separate processes with different hash seeds (so that iterating a set or a
dict of strings in an unstable order shows up), and twice in one process with the same plugin
object (so that the bibliography cache and the layout cache are hit): every generated file,
pages, exports, search index and sitemap, must be identical.

``SOURCE_DATE_EPOCH`` is set as the publishing workflow should set it (the last commit's
time): MkDocs takes the sitemap's ``lastmod`` dates and the gzip header of ``sitemap.xml.gz``
from it, which are otherwise the day of the build, so two builds either side of midnight
would differ there. Nothing else in a build may depend on the clock.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .test_hostile import write_hostile_site

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1700000000"


def synthetic():
    """``benchmarks/synthetic.py``, the generator of synthetic sites (not a package)."""
    name = "graphbuild_benchmarks_synthetic"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "synthetic.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def build_in_subprocess(config_file: Path, site_dir: Path, hash_seed: str) -> Path:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=EPOCH, PYTHONHASHSEED=hash_seed)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file), "-d", str(site_dir)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return site_dir


def build_in_process(config_file: Path, site_dir: Path, plugin=None):
    """Build with MkDocs' API; with ``plugin``, reuse that graphbuild instance as ``serve`` would."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import PluginCollection

    config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    if plugin is not None:
        collection = PluginCollection()
        for name, instance in config.plugins.items():
            collection[name] = plugin if name == "graphbuild" else instance
        config["plugins"] = collection
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does: not a preview
    build(config)
    return config.plugins["graphbuild"]


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_identical(first: Path, second: Path) -> None:
    a, b = snapshot(first), snapshot(second)
    assert sorted(a) == sorted(b), f"different files: {sorted(set(a) ^ set(b))[:20]}"
    differing = [name for name in a if a[name] != b[name]]
    if differing:
        name = differing[0]
        first, second = a[name], b[name]
        at = next(
            (i for i, (x, y) in enumerate(zip(first, second, strict=False)) if x != y), min(len(first), len(second))
        )
        pytest.fail(
            f"{len(differing)} file(s) differ between two builds: {differing[:20]}\n"
            f"first difference, in {name} at byte {at}:\n"
            f"  {first[max(0, at - 150) : at + 150]!r}\n  {second[max(0, at - 150) : at + 150]!r}"
        )


@pytest.fixture(scope="module")
def small_synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic().generate(
        tmp_path_factory.mktemp("synthetic") / "src", references=400, claims=80, pages=8, seed=7
    )


def test_synthetic_generator_is_deterministic(tmp_path: Path) -> None:
    gen = synthetic()
    first = gen.generate(tmp_path / "a", references=200, claims=30, pages=3, seed=3)
    second = gen.generate(tmp_path / "b", references=200, claims=30, pages=3, seed=3)
    assert snapshot(first) == snapshot(second)


def test_two_processes_build_the_same_site(small_synthetic: Path, tmp_path: Path) -> None:
    first = build_in_subprocess(small_synthetic / "mkdocs.yml", tmp_path / "one", hash_seed="1")
    second = build_in_subprocess(small_synthetic / "mkdocs.yml", tmp_path / "two", hash_seed="2")
    assert (first / "evidence" / "map.json").exists() and (first / "sitemap.xml.gz").exists()
    assert_identical(first, second)


def test_caches_never_change_the_output(small_synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    plugin = build_in_process(small_synthetic / "mkdocs.yml", tmp_path / "cold")
    parses = plugin.caches.bibliographies.parses  # MkDocs may share one plugin object across this process's builds
    again = build_in_process(small_synthetic / "mkdocs.yml", tmp_path / "warm", plugin=plugin)
    assert again is plugin
    assert plugin.caches.bibliographies.parses == parses, "the second build should have used the cached bibliography"
    assert_identical(tmp_path / "cold", tmp_path / "warm")
    fresh = build_in_subprocess(small_synthetic / "mkdocs.yml", tmp_path / "fresh", hash_seed="3")
    assert_identical(tmp_path / "cold", fresh)


def test_hostile_site_builds_reproducibly(tmp_path: Path) -> None:
    root = write_hostile_site(tmp_path / "src")
    first = build_in_subprocess(root / "mkdocs.yml", tmp_path / "one", hash_seed="11")
    second = build_in_subprocess(root / "mkdocs.yml", tmp_path / "two", hash_seed="12")
    assert_identical(first, second)


def test_a_dated_site_builds_reproducibly(tmp_path: Path) -> None:
    """Dates, the changes page, the feeds and the claims' addresses come from the commits:
    two builds of one commit, each with its own history cache, are the same."""
    from .living_repo import make_repo

    root = tmp_path / "src"
    make_repo(root)
    first = build_in_subprocess(root / "mkdocs.yml", tmp_path / "one", hash_seed="31")
    shutil.rmtree(root / ".cache")  # the second build reads the history afresh
    second = build_in_subprocess(root / "mkdocs.yml", tmp_path / "two", hash_seed="32")
    assert "Entry on this site updated" in (first / "outcomes" / "index.html").read_text(encoding="utf-8")
    assert (first / "evidence" / "changes.xml").exists() and (first / "claims" / "peer-hope" / "index.html").exists()
    assert_identical(first, second)


def test_repository_site_builds_reproducibly(tmp_path: Path) -> None:
    """Two builds of the repository's own site diff empty."""
    first = build_in_subprocess(REPO / "mkdocs.yml", tmp_path / "one", hash_seed="21")
    second = build_in_subprocess(REPO / "mkdocs.yml", tmp_path / "two", hash_seed="22")
    assert (first / "evidence" / "graph.json").exists()
    assert_identical(first, second)
