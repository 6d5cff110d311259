"""The exports are written in a process of their own: its work must reach the disk, its
failure must fail the build with its traceback, and a failed build must leave it reaped.

A process forks only while no other thread runs, and the test process may have threads of
its own (the browser tests' driver): the forking cases run in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from graphbuild.common.background import Background

from .conftest import BIB, INDEX_MD, MKDOCS_YML, REPO, write_site

FORK = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system: the work is done at once")


def run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter (one thread), with this checkout's graphbuild."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_the_work_is_done_at_once_without_parallelism(tmp_path: Path) -> None:
    target = tmp_path / "pid.txt"
    work = Background(lambda: target.write_text(str(os.getpid()), encoding="utf-8"), parallel=False)
    work.wait()
    assert int(target.read_text(encoding="utf-8")) == os.getpid()


def test_a_failure_without_parallelism_is_raised_at_once() -> None:
    def fail() -> None:
        raise ValueError("an export could not be made")

    with pytest.raises(ValueError, match="could not be made"):
        Background(fail, parallel=False)


def test_the_work_is_done_at_once_while_another_thread_runs(tmp_path: Path) -> None:
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
def test_the_work_runs_in_another_process_and_is_done_when_waited_for(tmp_path: Path) -> None:
    done = run(
        """
        import os, sys
        from pathlib import Path
        from graphbuild.common.background import Background
        target = Path(sys.argv[1])
        work = Background(lambda: target.write_text(str(os.getpid()), encoding="utf-8"))
        assert work._pid is not None
        work.wait()
        print(os.getpid(), target.read_text(encoding="utf-8"))
        """,
        str(tmp_path / "pid.txt"),
    )
    assert done.returncode == 0, done.stderr
    parent, child = done.stdout.split()
    assert parent != child


def test_what_the_work_returns_is_what_wait_returns_without_parallelism() -> None:
    answer = [["docs/a.md", 3, "error", "x"]]
    assert Background(lambda: answer, parallel=False).wait() == answer
    assert Background(lambda: None, parallel=False).wait() is None


@FORK
def test_what_the_forked_work_returns_comes_back_whole() -> None:
    """An answer far larger than a pipe holds at once (64 kB) comes back whole: the child
    writes until the parent, waiting, has read it all."""
    done = run(
        """
        import os
        from graphbuild.common.background import Background
        work = Background(lambda: {"pid": os.getpid(), "lines": ["x" * 100] * 5000})
        assert work._pid is not None
        answer = work.wait()
        print(answer["pid"] != os.getpid(), len(answer["lines"]), Background(lambda: None).wait())
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "5000", "None"]


@FORK
def test_the_render_reports_what_its_forked_gate_removes_at_its_line(tmp_path: Path) -> None:
    """The render's gate runs in a process of its own: what it would remove still reaches
    the render's diagnostics, at the line of the page that holds it."""
    page = INDEX_MD + "\nMore.\n\n<script>alert(1)</script>\n"
    line = page.count("\n")
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": page})
    done = run(
        """
        import os, sys
        from pathlib import Path
        from graphbuild.model.project import load_project
        from graphbuild.publishing.markdown_tree import write_markdown_tree
        forks = []
        fork = os.fork
        def counted():
            forks.append(1)
            return fork()
        os.fork = counted
        found = write_markdown_tree(load_project(Path(sys.argv[1])), Path(sys.argv[2]))
        print(len(forks))
        print("\\n".join(str(d) for d in found if d.severity.value == "error"))
        """,
        str(root),
        str(tmp_path / "tree"),
    )
    assert done.returncode == 0, done.stderr
    forks, *errors = done.stdout.strip().split("\n")
    assert int(forks) == 3  # the exports, the study pages, the gate
    assert len(errors) == 1 and errors[0].startswith(f"docs/index.md:{line}: error: "), errors
    assert "script" in errors[0]


@FORK
def test_a_failure_is_reported_with_its_traceback() -> None:
    done = run(
        """
        from graphbuild.common.background import Background, BackgroundError
        def fail():
            raise ValueError("an export could not be made")
        try:
            Background(fail).wait()
        except BackgroundError as exc:
            print(exc)
        """
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" in done.stdout and "ValueError: an export could not be made" in done.stdout


@FORK
def test_cancel_leaves_nothing_running() -> None:
    done = run(
        """
        import os, time
        from graphbuild.common.background import Background
        work = Background(lambda: time.sleep(60))
        pid = work._pid
        assert pid is not None
        work.cancel()
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            print("reaped")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "reaped"


FAILING_EXPORT = """
    import dataclasses, sys
    from graphbuild.site import registry

    def fail(writer):
        raise ValueError("an export could not be made")

    registry.FILES = tuple(
        dataclasses.replace(f, build=fail) if f.name == "graph-json" else f for f in registry.FILES
    )
"""


BUILD = """
    from mkdocs.__main__ import cli
    sys.argv = ["mkdocs", "build", "-q", "-f", sys.argv[1], "-d", sys.argv[2]]
    cli()
"""


def _build_with(tmp_path: Path, failure: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` of a small site in a fresh interpreter, after ``failure`` (code that
    makes one part of the work beside the build fail)."""
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD})
    return run(failure + BUILD, str(root / "mkdocs.yml"), str(tmp_path / "out"))


@FORK
def test_a_failing_export_fails_the_build(tmp_path: Path) -> None:
    """The export process's failure reaches MkDocs as a plugin error, so that a strict CI
    build stops and nothing is published."""
    done = _build_with(tmp_path, FAILING_EXPORT)
    assert done.returncode == 1
    assert "writing the exports failed" in done.stderr
    assert "ValueError: an export could not be made" in done.stderr


@FORK
def test_a_failing_study_page_fails_the_build(tmp_path: Path) -> None:
    """The study pages are written beside the content pages too: their process's failure
    fails the build, named as such."""
    done = _build_with(
        tmp_path,
        """
    import dataclasses, sys
    from graphbuild.site import registry

    def fail(*args, **kwargs):
        raise ValueError("a study page could not be made")

    registry.PAGES = tuple(dataclasses.replace(p, context=fail) if p.name == "study" else p for p in registry.PAGES)
    registry.PAGE = {p.name: p for p in registry.PAGES}
""",
    )
    assert done.returncode == 1
    assert "writing the study pages failed" in done.stderr
    assert "ValueError: a study page could not be made" in done.stderr


@FORK
def test_a_failing_export_fails_the_render(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD})
    done = run(
        FAILING_EXPORT
        + """
    from graphbuild.cli import main
    sys.exit(main(["--root", sys.argv[1], "render", "--output", sys.argv[2]]))
    """,
        str(root),
        str(tmp_path / "tree"),
    )
    assert done.returncode == 2
    assert "ValueError: an export could not be made" in done.stderr


@FORK
def test_the_site_is_the_same_whether_the_exports_are_written_beside_or_at_once(tmp_path: Path) -> None:
    """A thread running in the builder keeps it from forking: the two builds must agree to
    the byte."""
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD})
    code = """
    import sys, threading
    from mkdocs.config import load_config
    from mkdocs.commands.build import build
    if sys.argv[3] == "at-once":
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    build(load_config(config_file=sys.argv[1], site_dir=sys.argv[2]))
    """
    sites = {}
    for how in ("beside", "at-once"):
        done = run(code, str(root / "mkdocs.yml"), str(tmp_path / how), how)
        assert done.returncode == 0, done.stderr
        sites[how] = {
            p.relative_to(tmp_path / how).as_posix(): p.read_bytes() for p in (tmp_path / how).rglob("*") if p.is_file()
        }
    assert sites["beside"].keys() == sites["at-once"].keys() and len(sites["beside"]) > 20
    assert [name for name in sites["beside"] if sites["beside"][name] != sites["at-once"][name]] == []
