"""graphbuild as a user gets it: the sdist and wheel built by PyPA ``build`` from the files a
commit would hold, and the wheel installed into a clean virtual environment.

No network: ``build`` runs without isolation (the backend is in the test environment), and
the clean environment finds graphbuild's dependencies in the test environment's
site-packages through a ``.pth`` line, which puts that folder on ``sys.path`` without
running its own ``.pth`` files (so the development install of graphbuild stays out of it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from .conftest import REPO

EPOCH = "1767225600"  # SOURCE_DATE_EPOCH for the builds compared byte for byte


@dataclass(frozen=True)
class Installed:
    """A clean environment with the wheel installed: its Python, and what was built."""

    venv: Path
    sdist: Path
    wheel: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def run(self, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """A command of the clean environment (``graphbuild``, or ``-m mkdocs`` through its Python)."""
        command = [str(self.venv / "bin" / args[0]), *args[1:]]
        environment = {**clean_environment(), **(env or {})}
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment, timeout=600)


def clean_environment() -> dict[str, str]:
    """The environment less what would point Python at the test environment."""
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    return {**environment, "NO_MKDOCS_2_WARNING": "1"}


_NOT_SOURCES = (".git", ".venv", "site", "build", "dist", ".cache", "__pycache__", "*.egg-info", ".*_cache")


def source_tree(target: Path) -> Path:
    """The files a commit of this checkout would hold (tracked, and new files git does not
    ignore), links kept as links: a file left out of git fails here as on a clean clone.
    Outside a git checkout (an unpacked sdist), the folder less what builds leave in it."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, capture_output=True
    )
    if listing.returncode != 0 or not (REPO / ".git").exists():
        shutil.copytree(REPO, target, symlinks=True, ignore=shutil.ignore_patterns(*_NOT_SOURCES))
        return target
    listed = listing.stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = REPO / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet in a commit
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name, follow_symlinks=False)
    return target


def build_and_install(work: Path) -> Installed:
    """Build the sdist and the wheel (the wheel from the sdist, as ``build`` does) and
    install the wheel, alone, into a new virtual environment."""
    tree, dist, venv = source_tree(work / "source"), work / "dist", work / "venv"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(tree)],
        check=True,
        capture_output=True,
        env=clean_environment(),
        timeout=600,
    )
    (sdist,), (wheel,) = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    (Path(purelib) / "graphbuild-test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    installed = Installed(venv, sdist, wheel)
    done = installed.run("python", "-m", "pip", "install", "--no-index", "--no-deps", str(wheel), cwd=work)
    assert done.returncode == 0, done.stdout + done.stderr
    return installed
