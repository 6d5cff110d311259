"""The rules for graphbuild's cache files (``.cache/graphbuild/`` beside ``mkdocs.yml``).

A cache may come from anyone (a pull request can commit one, or a link in its place), so it
is never trusted as input: what it holds is keyed by hashes of the inputs it was made from
and checked against them on every read, and a cache file is not read at all when git tracks
it, when it or a folder on its way is a link, or when it does not parse; the build then
makes it again and says so in a note. The cache folder itself must be a plain folder of the
site's: a link there would have the build write outside the project, which stops it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

FOLDER = Path(".cache") / "graphbuild"


class CacheFolderError(ValueError):
    """The cache folder is a link, or inside one: writing there would write elsewhere."""


def cache_folder(root: Path) -> Path:
    """``root``'s cache folder, refused when it or ``.cache`` is a link."""
    for part in (root / FOLDER.parts[0], root / FOLDER):
        if part.is_symlink():
            raise CacheFolderError(
                f"{part}: a link, where graphbuild keeps its caches; remove it (the build would write "
                f"through it to {part.resolve()})"
            )
    return root / FOLDER


def tracked(path: Path, root: Path) -> bool:
    """Whether git tracks ``path`` (in the repository holding ``root``); False without git."""
    try:
        relative = os.path.relpath(path, root)
        done = subprocess.run(["git", "ls-files", "--error-unmatch", "--", relative], cwd=root, capture_output=True)
    except (OSError, ValueError):
        return False
    return done.returncode == 0


def tracked_link(path: Path, root: Path) -> bool:
    """Whether ``path`` is a symbolic link that git tracks: a pull request's, never the user's own."""
    return path.is_symlink() and tracked(path, root)


def distrust(path: Path, root: Path) -> str | None:
    """Why the cache file at ``path`` must not be read, if it must not: a link, or a file git
    tracks (committed caches are anyone's). None for a file that may be read (or is absent)."""
    if path.is_symlink():
        return f"{path.relative_to(root)} is a link; it is not read, and is made again"
    if not path.exists():
        return None
    if tracked(path, root):
        return f"{path.relative_to(root)} is tracked by git; a committed cache is not read, and is made again"
    return None
