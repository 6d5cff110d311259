"""The parsed bibliography kept between builds (``.cache/graphbuild/bibliography.json``):
a warm build parses nothing, and the file is never trusted (graphbuild.common.cachefiles)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from graphbuild.common.cachefiles import FOLDER
from graphbuild.model import bibliography as module
from graphbuild.model.bibliography import BibliographyCache
from graphbuild.model.project import BIBLIOGRAPHY_STORE, load_project, read_knowledge_base
from graphbuild.publishing.pipeline import plan_build

from .conftest import BIB

STORE = FOLDER / BIBLIOGRAPHY_STORE
BROKEN = BIB + "\n@article{broken2001, title = {No end}\n@misc{after2002, title = {{\\O}stergaard}, month = jul}\n"


def _read(root: Path) -> tuple[BibliographyCache, list, list[str]]:
    cache = BibliographyCache()
    kb, diagnostics = read_knowledge_base(load_project(root), cache)
    studies = [
        (s.key, s.entry_type, s.fields, s.as_written, s.line, s.design, s.level, s.slug)
        for s in kb.bibliography.studies.values()
    ]
    return cache, studies, [str(d) for d in diagnostics]


@pytest.fixture
def broken_site(site: Path) -> Path:
    (site / "references.bib").write_text(BROKEN, encoding="utf-8")
    return site


def test_a_warm_build_reads_the_parse_and_parses_nothing(broken_site: Path) -> None:
    cold, studies, diagnostics = _read(broken_site)
    assert (cold.parses, cold.stored) == (1, 0) and (broken_site / STORE).is_file()
    warm, again, warm_diagnostics = _read(broken_site)
    assert (warm.parses, warm.stored) == (0, 1)
    assert again == studies and warm_diagnostics == diagnostics
    assert any("malformed entry" in d for d in diagnostics)


def test_a_changed_bib_is_parsed_again(broken_site: Path) -> None:
    _read(broken_site)
    (broken_site / "references.bib").write_text(BROKEN.replace("No end", "Still no end"), encoding="utf-8")
    cache, _, _ = _read(broken_site)
    assert (cache.parses, cache.stored) == (1, 0)
    assert _read(broken_site)[0].stored == 1  # kept for the file as it now is


def test_the_key_is_recomputed_from_the_bib_not_read_from_the_file(broken_site: Path) -> None:
    """A store made for another .bib is not used, whatever it says of itself."""
    _read(broken_site)
    stored = (broken_site / STORE).read_text(encoding="utf-8")
    (broken_site / "references.bib").write_text(BIB, encoding="utf-8")
    (broken_site / STORE).write_text(stored, encoding="utf-8")
    cache, studies, _ = _read(broken_site)
    assert cache.parses == 1 and "after2002" not in {s[0] for s in studies}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: "{not json\n", id="not-json"),
        pytest.param(lambda text: text.split("\n", 1)[0] + "\n", id="cut-short"),
        pytest.param(lambda text: text.replace('"design"', '["design"]', 1), id="a-field-name-not-text"),
        pytest.param(lambda text: text.replace(',"theory",', ',{"no":1},', 1), id="a-design-not-text"),
        pytest.param(lambda text: text + "[1,2]\n", id="a-line-not-a-study"),
        pytest.param(lambda text: text.replace('"error"', '"fatal"', 1), id="an-unknown-severity"),
    ],
)
def test_a_damaged_store_is_parsed_again_with_a_note(broken_site: Path, damage) -> None:
    _, studies, diagnostics = _read(broken_site)
    path = broken_site / STORE
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    cache, again, notes = _read(broken_site)
    assert cache.parses == 1 and again == studies
    (added,) = [d for d in notes if d not in diagnostics]
    assert added.startswith(f"{STORE.as_posix()}:1: note: {STORE.as_posix()} could not be read (")
    assert _read(broken_site)[0].stored == 1  # written again, whole


def test_a_store_git_tracks_is_not_read(broken_site: Path) -> None:
    subprocess.run(["git", "init", "-q", str(broken_site)], check=True)
    _read(broken_site)
    subprocess.run(["git", "add", "-f", str(STORE)], cwd=broken_site, check=True)
    cache, _, diagnostics = _read(broken_site)
    assert cache.parses == 1 and cache.stored == 0
    assert any("tracked by git" in d and ": note: " in d for d in diagnostics)


def test_a_store_that_is_a_link_is_neither_read_nor_written_through(broken_site: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    _read(broken_site)
    (broken_site / STORE).rename(elsewhere)
    before = elsewhere.read_bytes()
    (broken_site / STORE).symlink_to(elsewhere)
    cache, _, diagnostics = _read(broken_site)
    assert cache.parses == 1 and any("is a link" in d for d in diagnostics)
    assert elsewhere.read_bytes() == before and (broken_site / STORE).is_symlink()


def test_a_cache_folder_that_is_a_link_is_an_error(broken_site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (broken_site / ".cache").symlink_to(outside, target_is_directory=True)
    _, _, diagnostics = _read(broken_site)
    assert any(": error: " in d and "a link, where graphbuild keeps its caches" in d for d in diagnostics)
    assert list(outside.iterdir()) == []


def test_the_store_is_one_study_a_line_of_json(broken_site: Path) -> None:
    _read(broken_site)
    head, *lines = (broken_site / STORE).read_text(encoding="utf-8").splitlines()
    assert json.loads(head)["studies"] == len(lines) and all(isinstance(json.loads(line), list) for line in lines)


def test_a_plan_made_warm_is_the_plan_made_cold(broken_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = plan_build(load_project(broken_site), dated=False)
    monkeypatch.setattr(module, "parse_bibliography_bytes", lambda *a, **k: pytest.fail("parsed when warm"))
    warm = plan_build(load_project(broken_site), dated=False)
    assert warm.diagnostics == cold.diagnostics and [p.src for p in warm.planned] == [p.src for p in cold.planned]
