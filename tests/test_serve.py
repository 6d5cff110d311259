"""``mkdocs serve``: a rebuild writes what the saved page shows, defers the rest to a thread
that the next rebuild stops, and keeps the cards and studies' parts that did not change."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from graphbuild.common.background import Works, WorkStopped
from graphbuild.common.files import Writer
from graphbuild.site.cards import ClaimViews

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site

OUTCOMES = """\
# Outcomes

```claim
id: trust
statement: Patients trust peer workers.
type: benefit
evidence:
  - gillard2014
  - min2007: mixed
```
"""


@pytest.fixture
def two_pages(tmp_path: Path) -> Path:
    files = {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD, "docs/outcomes.md": OUTCOMES}
    return write_site(tmp_path / "site", files)


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _serve(root: Path, out: Path) -> tuple[object, object]:
    """One rebuild as ``mkdocs serve`` makes it: the plugin object kept across rebuilds,
    the deferred work left running; returns the plugin and its session."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(out), strict=False)
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config)
    plugin = config.plugins["graphbuild"]
    return plugin, plugin.build


# -- the work a preview defers ---------------------------------------------------------------


def test_deferred_work_waits_for_the_build_and_runs_in_order() -> None:
    done: list[str] = []
    works = Works(parallel=False, deferred=True)
    works.start("exports", lambda: done.append("exports"), order=2)
    works.start("study pages", lambda: done.append("study pages"), order=0)
    works.start("index pages", lambda: done.append("index pages"), order=1)
    assert done == []
    works.wait()
    works.join()
    assert done == ["study pages", "index pages", "exports"]


def test_a_newer_build_stops_the_deferred_work_between_files(tmp_path: Path) -> None:
    works = Works(parallel=False, deferred=True)
    writer = Writer(works.stopped)
    started = threading.Event()

    def write_many() -> None:
        for n in range(1000):
            writer.write(tmp_path / f"{n}.txt", "x")
            started.set()
            time.sleep(0.01)

    works.start("many files", write_many)
    works.wait()
    assert started.wait(10)
    works.cancel()
    written = len(list(tmp_path.iterdir()))
    time.sleep(0.05)
    assert 0 < written < 1000 and len(list(tmp_path.iterdir())) == written
    with pytest.raises(WorkStopped):
        writer.write(tmp_path / "late.txt", "x")


def test_a_failure_in_deferred_work_is_reported_and_ends_it() -> None:
    reported: list[str] = []
    works = Works(parallel=False, deferred=True, report=reported.append)
    works.start("broken", lambda: 1 / 0)
    works.start("after", lambda: reported.append("ran"), order=1)
    works.wait()
    works.join()
    assert len(reported) == 1 and reported[0].startswith("broken failed:") and "ZeroDivisionError" in reported[0]


def test_a_preview_writes_the_same_site_once_its_deferred_work_is_done(two_pages: Path, tmp_path: Path) -> None:
    """Study pages, index pages' bodies, exports and search entries come after the build,
    and the site is then what ``mkdocs build`` writes."""
    built = _files(build(two_pages, site_dir=tmp_path / "built"))
    plugin, session = _serve(two_pages, tmp_path / "served")
    session.works.join()
    assert _files(tmp_path / "served") == built


def test_a_preview_shows_the_saved_page_before_the_rest(
    two_pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the deferred work waits, the saved page is there with its cards; the study
    pages and exports are not yet."""
    gate = threading.Event()
    from graphbuild.publishing import session as module

    writing = module.write_pages
    monkeypatch.setattr(module, "write_pages", lambda *a, **k: (gate.wait(30), writing(*a, **k)))
    _, session = _serve(two_pages, tmp_path / "served")
    try:
        page = (tmp_path / "served" / "index.html").read_text(encoding="utf-8")
        assert 'id="fewer-readmissions"' in page and "gb-card" in page
        assert not (tmp_path / "served" / "studies" / "mead2006" / "index.html").exists()
    finally:
        gate.set()
        session.works.join()
    assert (tmp_path / "served" / "studies" / "mead2006" / "index.html").is_file()


# -- what a preview keeps from one rebuild to the next -----------------------------------------


def _count_cards(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    card = ClaimViews._card

    def counted(self, claim, current):
        made.append(claim.id)
        return card(self, claim, current)

    monkeypatch.setattr(ClaimViews, "_card", counted)
    return made


def test_a_rebuild_makes_only_the_cards_that_changed(
    two_pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _count_cards(monkeypatch)
    _, session = _serve(two_pages, tmp_path / "served")
    session.works.join()
    page = two_pages / "docs" / "outcomes.md"
    page.write_text(page.read_text().replace("trust peer workers", "trust peer workers more"))
    made.clear()
    _, session = _serve(two_pages, tmp_path / "served")
    session.works.join()
    assert made == ["trust"]  # the other page was not read again: its claims' cards are kept
    served = _files(tmp_path / "served")
    assert served == _files(build(two_pages, site_dir=tmp_path / "built"))
    assert b"trust peer workers more" in served["outcomes/index.html"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda root: write_site(root, {"overrides/graphbuild/claim_card.html": "<div>{{ claim.id }}</div>\n"}),
            id="a-template",
        ),
        pytest.param(
            lambda root: (root / "references.bib").write_text(
                BIB.replace("Peer Support: What Makes It {Unique}?", "Peer support, retitled"), encoding="utf-8"
            ),
            id="the-bib",
        ),
        pytest.param(
            lambda root: (root / "mkdocs.yml").write_text(MKDOCS_YML + "site_url: https://x.example/kb/\n"),
            id="the-site-url",
        ),
    ],
)
def test_a_change_every_card_depends_on_makes_them_all_again(
    two_pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change
) -> None:
    made = _count_cards(monkeypatch)
    _, session = _serve(two_pages, tmp_path / "served")
    session.works.join()
    change(two_pages)
    made.clear()
    _, session = _serve(two_pages, tmp_path / "served")
    session.works.join()
    assert sorted(made) == ["fewer-readmissions", "hope", "trust"]
    assert _files(tmp_path / "served") == _files(build(two_pages, site_dir=tmp_path / "built"))
