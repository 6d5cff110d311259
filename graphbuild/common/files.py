"""Editors' files read without hanging or reaching outside the project.

``references.bib`` may be a named pipe (reading it waits for a writer for ever) or a link to
``/dev/zero`` (reading it never ends); ``docs/`` may hold a link back to a folder above it (a
walk that follows links never ends) or a link to a file elsewhere on the machine, which would
be published. Each is found by looking before reading.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path
from threading import Event

from graphbuild.common.background import WorkStopped

ZIP_SUFFIX = ".zip"  # a download published zipped (``zip_downloads``), named after the file it holds

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a plain file")


def read_regular(path: Path) -> bytes | str:
    """The bytes of a regular file, or why it is not one. Opened without blocking, so that a
    named pipe is seen for what it is instead of waited on."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        return kind(mode)
    with os.fdopen(descriptor, "rb") as file:
        return file.read()


def is_inside(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


class Writer:
    """Writes a build's many small files (a site of 6,000 studies writes 26,000): each
    folder made once, each file through one descriptor. ``pathlib``'s ``write_bytes`` and a
    ``mkdir`` before each file cost about twice the system calls, which at that count is a
    visible part of the build."""

    def __init__(self, stop: Event | None = None) -> None:
        """``stop``: once set, ``write`` raises ``WorkStopped`` (a newer build replaces the
        files a preview's deferred work is writing)."""
        self._folders: set[str] = set()
        self.stop = stop

    def write(self, path: str | os.PathLike[str], text: str | Iterable[str]) -> None:
        """``text`` as UTF-8 (a lone surrogate as a character reference), replacing the file;
        given pieces, each is written as it comes (a large export is never held whole)."""
        descriptor = self._open(path)
        try:
            if isinstance(text, str):
                _write_all(descriptor, text)
            else:
                pending: list[str] = []
                size = 0
                for piece in text:
                    pending.append(piece)
                    size += len(piece)
                    if size >= 1 << 16:  # a write a piece would be a system call a record
                        _write_all(descriptor, "".join(pending))
                        pending, size = [], 0
                _write_all(descriptor, "".join(pending))
        finally:
            os.close(descriptor)

    def write_zip(self, path: str | os.PathLike[str], member: str, text: str | Iterable[str]) -> None:
        """A ``.zip`` holding ``text`` as the one file ``member``, compressed as it is made.
        Its date is fixed (the earliest a zip can hold), so a rebuild writes the same bytes."""
        info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with os.fdopen(self._open(path), "wb") as file, zipfile.ZipFile(file, "w") as archive:
            with archive.open(info, "w") as entry:
                for piece in [text] if isinstance(text, str) else text:
                    entry.write(piece.encode("utf-8", errors="xmlcharrefreplace"))

    def _open(self, path: str | os.PathLike[str]) -> int:
        """The file at ``path``, emptied, for writing; its folder made the first time."""
        if self.stop is not None and self.stop.is_set():
            raise WorkStopped(path)
        name = os.fspath(path)
        folder = os.path.dirname(name)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)


def _write_all(descriptor: int, text: str) -> None:
    data = memoryview(text.encode("utf-8", errors="xmlcharrefreplace"))
    while data:
        data = data[os.write(descriptor, data) :]
