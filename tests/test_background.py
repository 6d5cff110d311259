"""The exports are written in a process of their own: its work must reach the disk, its
failure must fail the build with its traceback, and a failed build must leave it reaped."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from graphbuild import site as registry
from graphbuild.background import Background, BackgroundError

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site

FORK = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system: the work is done at once")


@pytest.mark.parametrize("parallel", [pytest.param(True, marks=FORK), False])
def test_the_work_is_done_by_the_time_it_is_waited_for(tmp_path: Path, parallel: bool) -> None:
    target = tmp_path / "out.txt"
    work = Background(lambda: target.write_text("written", encoding="utf-8"), parallel=parallel)
    work.wait()
    assert target.read_text(encoding="utf-8") == "written"


@FORK
def test_the_work_runs_in_another_process(tmp_path: Path) -> None:
    target = tmp_path / "pid.txt"
    Background(lambda: target.write_text(str(os.getpid()), encoding="utf-8")).wait()
    assert int(target.read_text(encoding="utf-8")) != os.getpid()


def _fail() -> None:
    raise ValueError("an export could not be made")


@pytest.mark.parametrize("parallel", [pytest.param(True, marks=FORK), False])
def test_a_failure_is_reported_with_its_traceback(parallel: bool) -> None:
    if not parallel:
        with pytest.raises(ValueError, match="could not be made"):
            Background(_fail, parallel=False)
        return
    work = Background(_fail)
    with pytest.raises(BackgroundError, match=r"(?s)Traceback.*ValueError: an export could not be made"):
        work.wait()


def test_the_work_is_done_at_once_while_another_thread_runs(tmp_path: Path) -> None:
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        target = tmp_path / "pid.txt"
        work = Background(lambda: target.write_text(str(os.getpid()), encoding="utf-8"))
        assert work._pid is None and int(target.read_text(encoding="utf-8")) == os.getpid()
    finally:
        stop.set()
        thread.join()


@FORK
def test_cancel_leaves_nothing_running(tmp_path: Path) -> None:
    work = Background(lambda: time.sleep(60))
    pid = work._pid
    assert pid is not None
    work.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more


@FORK
def test_a_failing_export_fails_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The export process's failure reaches MkDocs as a plugin error, so that a strict CI
    build stops and nothing is published."""
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD})
    broken = [f if f.name != "graph-json" else _replace_build(f) for f in registry.FILES]
    monkeypatch.setattr(registry, "FILES", tuple(broken))
    with pytest.raises(Abort):
        build(root)
    assert re.search(r"(?s)writing the exports failed.*ValueError: an export could not be made", caplog.text)


def _replace_build(file: registry.GeneratedFile) -> registry.GeneratedFile:
    import dataclasses

    return dataclasses.replace(file, build=lambda renderer: _fail())


@FORK
def test_a_failing_export_fails_the_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from graphbuild.cli import main

    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD})
    monkeypatch.setattr(
        registry, "FILES", tuple(_replace_build(f) if f.name == "graph-json" else f for f in registry.FILES)
    )
    assert main(["--root", str(root), "render", "--output", str(tmp_path / "tree")]) == 2
    assert "ValueError: an export could not be made" in capsys.readouterr().err
