"""Work done beside the build, in a process of its own: the exports, the study pages, and
on the Markdown tree's path the gate's report (what a child returns comes back as JSON).

A site of 6,000 studies writes some 20,000 export files (each study's reference in three
formats, the whole lists, the graph in four formats, the map's data), which need nothing the
pages make and nothing the pages need. Forked once the knowledge base and every file's
address are known, a child process writes them while MkDocs renders the pages on the other
processor, and the build waits for it before it ends. The child shares the parent's memory
as it was at the fork, and what it makes (the graph, the citation records, the linked data)
never enters the parent's heap.

Where there is no ``fork`` (Windows), or where forking is unsafe because another thread is
running (``mkdocs serve``'s server and file watcher; a lock another thread holds would stay
held in the child), the work is done at once, in the same process; or, for a preview
(``deferred``), once the build is done, in a thread of its own, so that the page an editor
saved is shown without waiting for it, and stopped when a newer build starts.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class BackgroundError(RuntimeError):
    """The work beside the build failed: its traceback, or how its process ended."""


class WorkStopped(Exception):
    """Deferred work was stopped: a newer build replaces what it was writing."""


class Background:
    """``work`` running in a forked child (``parallel``), or already done. What it returns
    (a value JSON can write, or None) is what ``wait`` returns: a child's answer comes back
    through the pipe its failure would."""

    def __init__(self, work: Callable[[], object], parallel: bool = True) -> None:
        self._pid: int | None = None
        self._pipe = -1
        self._result: object = None
        if not (parallel and hasattr(os, "fork") and threading.active_count() == 1):
            self._result = work()
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, say what went wrong, and never return
            os.close(read)
            status = 0
            try:
                result = work()
                if result is not None:
                    with os.fdopen(write, "wb", closefd=False) as pipe:  # writes all of it
                        pipe.write(json.dumps(result).encode("utf-8"))
            except BaseException:  # noqa: BLE001  (every failure is the parent's to report)
                os.write(write, traceback.format_exc().encode("utf-8", errors="replace")[-8192:])
                status = 1
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
        os.close(write)
        self._pid, self._pipe = pid, read

    def wait(self) -> Any:
        """Wait for the work and return what it returned; raise ``BackgroundError`` if it
        failed."""
        if self._pid is None:
            return self._result
        chunks = []
        while chunk := os.read(self._pipe, 65536):
            chunks.append(chunk)
        message = b"".join(chunks)
        os.close(self._pipe)
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            how = f"ended by signal {-code}" if code < 0 else f"exited with status {code}"
            raise BackgroundError(message.decode("utf-8", errors="replace").strip() or how)
        return json.loads(message) if message else None

    def cancel(self) -> None:
        """Stop the work (the build failed): nothing is left running or unreaped."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self._pipe)
        os.waitpid(self._pid, 0)
        self._pid = None


class Works:
    """Named work beside one build, waited for in the order it was started: the first that
    failed is named in the ``BackgroundError``, and the rest are stopped.

    ``deferred``: the work is only queued as the build goes; ``wait`` starts it, in the
    order of each work's ``order``, in a thread that ``cancel`` (or the next build) stops:
    between files, as the writers check ``stopped``. A failure there is ``report``ed."""

    def __init__(
        self, parallel: bool = True, deferred: bool = False, report: Callable[[str], None] | None = None
    ) -> None:
        self.parallel = parallel
        self.deferred = deferred
        self.report = report
        self.stopped = threading.Event()
        self._works: list[tuple[str, Background]] = []
        self._queued: list[tuple[int, str, Callable[[], None]]] = []
        self._thread: threading.Thread | None = None

    def start(self, name: str, work: Callable[[], None], order: int = 0) -> None:
        if self.deferred:
            self._queued.append((order, name, work))
        else:
            self._works.append((name, Background(work, self.parallel)))

    def wait(self) -> None:
        works, self._works = self._works, []
        for number, (name, work) in enumerate(works):
            try:
                work.wait()
            except BackgroundError as exc:
                for _, other in works[number + 1 :]:
                    other.cancel()
                raise BackgroundError(f"{name} failed:\n{exc}") from None
        queued, self._queued = sorted(self._queued, key=lambda q: q[0]), []
        if queued:
            self._thread = threading.Thread(target=self._run, args=(queued,), name="graphbuild-deferred", daemon=True)
            self._thread.start()

    def _run(self, queued: list[tuple[int, str, Callable[[], None]]]) -> None:
        for _, name, work in queued:
            if self.stopped.is_set():
                return
            try:
                work()
            except WorkStopped:
                return
            except Exception:  # noqa: BLE001  (the build is over: the failure can only be told)
                if self.report is not None:
                    self.report(f"{name} failed:\n{traceback.format_exc()}")
                return

    def join(self) -> None:
        """Wait for the deferred work's thread, if one runs (tests, and a preview's last build)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def cancel(self) -> None:
        works, self._works, self._queued = self._works, [], []
        for _, work in works:
            work.cancel()
        self.stopped.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a build makes its knowledge base and
    what is rendered from it: some 140,000 long-lived objects, in no reference cycle, whose
    creation set off repeated full collections of the whole heap (8 in a synthetic build of
    6,000 studies, 3 with the pause; seven in a render, a sixth of its processor time). A
    process forked inside inherits the pause. Restored on the way out, errors included."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
