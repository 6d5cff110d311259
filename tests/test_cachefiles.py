"""The rules every cache file follows (graphbuild.common.cachefiles)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from graphbuild.common.cachefiles import FOLDER, CacheFolderError, cache_folder, distrust


def test_a_plain_cache_file_may_be_read(tmp_path: Path) -> None:
    (tmp_path / FOLDER).mkdir(parents=True)
    (tmp_path / FOLDER / "x.json").write_text("{}")
    assert cache_folder(tmp_path) == tmp_path / FOLDER
    assert distrust(tmp_path / FOLDER / "x.json", tmp_path) is None
    assert distrust(tmp_path / FOLDER / "absent.json", tmp_path) is None


def test_a_cache_file_git_tracks_is_not_read(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / FOLDER).mkdir(parents=True)
    cache = tmp_path / FOLDER / "history.json"
    cache.write_text("{}")
    assert distrust(cache, tmp_path) is None
    subprocess.run(["git", "add", "-f", str(cache)], cwd=tmp_path, check=True)
    assert "tracked by git" in (distrust(cache, tmp_path) or "")


def test_a_cache_file_that_is_a_link_is_not_read(tmp_path: Path) -> None:
    (tmp_path / FOLDER).mkdir(parents=True)
    (tmp_path / "elsewhere.json").write_text("{}")
    (tmp_path / FOLDER / "history.json").symlink_to(tmp_path / "elsewhere.json")
    assert "is a link" in (distrust(tmp_path / FOLDER / "history.json", tmp_path) or "")


@pytest.mark.parametrize("linked", [".cache", ".cache/graphbuild"])
def test_a_cache_folder_that_is_a_link_stops_the_build(tmp_path: Path, linked: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "site"
    (root / linked).parent.mkdir(parents=True, exist_ok=True)
    (root / linked).symlink_to(outside, target_is_directory=True)
    with pytest.raises(CacheFolderError, match="a link, where graphbuild keeps its caches"):
        cache_folder(root)
