"""Dated claims and dated events from git history: full, shallow, merged, absent; the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graphbuild.history.dating import CACHE_FILE, HistoryCache, site_history
from graphbuild.model.events import Snapshot

from .living_repo import COMMITS, FLIPPED, INDEX, OUTCOMES, commit, git, make_repo

DAYS = {sha_index: f"{day} March 2026" for sha_index, (_, _, day) in enumerate(COMMITS)}


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tmp_path / "site"
    return root, make_repo(root)


def days(history, claim: str) -> tuple[str | None, str | None]:
    dates = history.dates(claim)
    return (
        dates.added.day if dates.added else None,
        dates.evidence_changed.day if dates.evidence_changed else None,
    )


def test_dates_of_each_claim(repo) -> None:
    root, shas = repo
    history = site_history(root)
    assert history.notes == []
    assert history.head is not None and history.head.sha == shas[3]
    assert days(history, "peer-hope") == ("2 March 2026", "2 March 2026")
    # added on the 5th, its stance flipped on the 9th; the move on the 12th is not an evidence change
    assert days(history, "fewer-readmissions") == ("5 March 2026", "9 March 2026")
    assert history.dates("fewer-readmissions").evidence_changed.sha == shas[2]
    assert history.dates("fewer-readmissions").evidence_changed.date == "2026-03-09T12:00:00+00:00"
    assert history.removed == {}
    assert set(history.snapshot.claims) == {"peer-hope", "fewer-readmissions"}


def test_dated_events_newest_first(repo) -> None:
    root, shas = repo
    history = site_history(root)
    assert [(c.sha, e.kind, e.claim) for c, e in history.dated_events()] == [
        (shas[3], "claim-moved", "fewer-readmissions"),
        (shas[2], "stance-changed", "fewer-readmissions"),
        (shas[1], "claim-added", "fewer-readmissions"),
        (shas[0], "claim-added", "peer-hope"),
    ]
    assert [c.commit.subject for c in history.changes] == [
        "Move the claim",
        "Flip a stance",
        "Add a claim",
        "Base: one claim",
    ]


def test_the_same_commit_gives_the_same_history(repo, tmp_path) -> None:
    root, _ = repo
    first = site_history(root, cache=HistoryCache(None))
    second = site_history(root, cache=HistoryCache(tmp_path / "other-cache.json"))
    assert (first.claims, first.changes) == (second.claims, second.changes)


def test_history_up_to_another_revision(repo) -> None:
    root, shas = repo
    history = site_history(root, revision=shas[1])
    assert days(history, "fewer-readmissions") == ("5 March 2026", "5 March 2026")
    assert len(history.changes) == 2


def test_a_removed_claim_keeps_its_statement_and_the_day_it_went(repo) -> None:
    root, shas = repo
    commit(root, "Drop the claim", {"docs/outcomes.md": OUTCOMES}, 20)
    history = site_history(root)
    removed = history.removed
    assert list(removed) == ["fewer-readmissions"]
    gone = removed["fewer-readmissions"]
    assert (gone.removed.day, gone.page) == ("20 March 2026", "outcomes.md")
    assert gone.statement == "Peer support is associated with fewer psychiatric readmissions."
    assert history.dates("peer-hope").removed is None


def test_a_claim_back_with_the_same_evidence_keeps_its_dates(repo) -> None:
    root, _ = repo
    commit(root, "Drop the claim", {"docs/outcomes.md": OUTCOMES}, 20)
    commit(root, "Restore it", {"docs/outcomes.md": OUTCOMES + FLIPPED}, 22)
    history = site_history(root)
    assert days(history, "fewer-readmissions") == ("5 March 2026", "9 March 2026")
    assert history.removed == {}


def test_a_design_change_dates_every_claim_citing_the_study(repo) -> None:
    root, _ = repo
    bib = (root / "references.bib").read_text().replace("design = {comparison-group}", "design = {cohort}")
    commit(root, "min2007 is a cohort study", {"references.bib": bib}, 25)
    history = site_history(root)
    assert days(history, "peer-hope")[1] == days(history, "fewer-readmissions")[1] == "25 March 2026"
    (event,) = history.changes[0].events
    assert (event.kind, event.claims) == ("design-changed", ("fewer-readmissions", "peer-hope"))


def test_commits_that_touch_nothing_the_site_reads_are_skipped(repo) -> None:
    root, _ = repo
    commit(root, "Tooling", {"tools/lint.py": "print('hi')\n", "docs/notes.txt": "not a page\n"}, 26)
    history = site_history(root)
    assert history.changes[0].commit.subject == "Move the claim"
    assert history.states_built == 4


def test_a_merged_branch_dates_its_claims_on_the_day_it_was_merged(repo) -> None:
    root, _ = repo
    git(root, "checkout", "-q", "-b", "topic")
    extra = FLIPPED.replace("fewer-readmissions", "topic-claim")
    commit(root, "Topic claim", {"docs/outcomes.md": OUTCOMES + FLIPPED + "\n" + extra}, 14)
    git(root, "checkout", "-q", "main")
    commit(root, "Main moves on", {"docs/index.md": INDEX + "\nMore prose.\n"}, 15)
    git(root, "merge", "-q", "--no-ff", "-m", "Merge topic", "topic", day=18)
    history = site_history(root)
    assert days(history, "topic-claim") == ("18 March 2026", "18 March 2026")
    assert history.changes[0].commit.subject == "Merge topic"


# (clone depth, dates of peer-hope, dates of fewer-readmissions): a shallow clone never guesses
SHALLOW = [
    pytest.param(1, (None, None), (None, None), id="depth-1"),
    pytest.param(2, (None, None), (None, None), id="depth-2-flip-at-the-boundary"),
    pytest.param(3, (None, None), (None, "9 March 2026"), id="depth-3-flip-seen"),
    pytest.param(4, ("2 March 2026", "2 March 2026"), ("5 March 2026", "9 March 2026"), id="whole-history"),
]


@pytest.mark.parametrize(("depth", "hope", "fewer"), SHALLOW)
def test_a_shallow_clone_omits_what_it_cannot_know(repo, tmp_path, depth, hope, fewer) -> None:
    root, _ = repo
    clone = tmp_path / f"clone-{depth}"
    git(tmp_path, "clone", "-q", "--depth", str(depth), f"file://{root}", str(clone))
    history = site_history(clone)
    assert days(history, "peer-hope") == hope
    assert days(history, "fewer-readmissions") == fewer
    if depth < 4:
        (note,) = history.notes
        assert note.startswith("the clone is shallow: 2 claim(s) already in its earliest commit have no added date")
        assert len(history.changes) == depth - 1  # no events are invented for the earliest commit
    else:
        assert history.notes == []


def test_a_folder_outside_any_repository_has_no_dates_and_a_note(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    site = tmp_path / "site"
    site.mkdir()
    history = site_history(site)
    assert (history.head, history.claims, history.changes) == (None, {}, [])
    (note,) = history.notes
    assert note.startswith(f"claims are not dated: {site} is not in a git repository")
    assert not (site / ".cache").exists()


def test_a_repository_without_commits_has_a_note(tmp_path) -> None:
    git(tmp_path, "init", "-q")
    assert site_history(tmp_path).notes == ["claims are not dated: the repository has no commits yet"]


def test_without_git_there_is_a_note(repo, monkeypatch) -> None:
    root, _ = repo
    monkeypatch.setenv("PATH", "")
    (note,) = site_history(root).notes
    assert note.startswith("claims are not dated:") and "cannot run git" in note


def test_uncommitted_evidence_changes_have_no_date(repo) -> None:
    root, _ = repo
    head = site_history(root).snapshot
    current = Snapshot(
        head.claims,
        {**head.evidence, "peer-hope": {"pitt2013": "supports", "min2007": "mixed"}},
        head.studies,
    )
    history = site_history(root, current=current)
    assert days(history, "peer-hope") == ("2 March 2026", None)
    assert days(history, "fewer-readmissions") == ("5 March 2026", "9 March 2026")
    assert history.notes == [
        "1 claim(s) with uncommitted changes to their evidence have no evidence date until committed: peer-hope"
    ]


def test_a_site_in_a_subfolder_of_the_repository(tmp_path) -> None:
    top = tmp_path / "repo"
    make_repo(top / "site")
    shutil.move(top / "site" / ".git", top / ".git")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "Move the site into a folder", day=28)
    history = site_history(top / "site")
    # the move re-adds every file under a new path: a new state, but the same claims and evidence
    assert days(history, "fewer-readmissions") == ("28 March 2026", "28 March 2026")
    history = site_history(top / "site", revision="HEAD")
    assert history.notes == []


def test_a_broken_mkdocs_yml_skips_the_commit(repo) -> None:
    root, _ = repo
    good = (root / "mkdocs.yml").read_text()
    commit(root, "Break the config", {"mkdocs.yml": "plugins: [\n"}, 20)
    commit(root, "Mend it", {"mkdocs.yml": good}, 21)
    history = site_history(root)
    assert days(history, "fewer-readmissions") == ("5 March 2026", "9 March 2026")
    assert history.changes[0].commit.subject == "Move the claim"


# -- the cache -------------------------------------------------------------------------------


def test_the_cache_builds_only_new_states(repo) -> None:
    root, _ = repo
    cold = site_history(root)
    assert (cold.states_built, cold.states_cached) == (4, 0)
    assert (root / CACHE_FILE).exists()
    again = site_history(root)
    assert (again.states_built, again.states_cached, again.pages_read) == (0, 4, 0)
    commit(root, "Reword", {"docs/index.md": INDEX.replace("gives patients hope", "gives hope") + "\n" + FLIPPED}, 30)
    warm = site_history(root)
    assert (warm.states_built, warm.states_cached) == (1, 4)
    assert warm.changes[0].events[0].kind == "claim-moved"  # back to index.md
    assert [e.kind for e in warm.changes[0].events] == ["claim-moved", "claim-reworded"]
    assert (warm.claims, warm.changes) == (site_history(root, cache=HistoryCache(None)).claims, warm.changes)


def test_one_cache_object_serves_repeated_builds_without_reading_pages(repo) -> None:
    root, _ = repo
    cache = HistoryCache(None)
    site_history(root, cache=cache)
    again = site_history(root, cache=cache)
    assert (again.states_built, again.pages_read) == (0, 0)


def test_each_page_blob_is_read_once(repo) -> None:
    root, _ = repo
    history = site_history(root, cache=HistoryCache(None))
    # index.md in three versions (base, with the claim, flipped, then base again) and
    # outcomes.md in two: five distinct page blobs over four states
    assert (history.states_built, history.pages_read) == (4, 5)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param('{"version": 1, "code": "other", "records": {}, "states": {}}', id="other-code"),
        pytest.param('{"version": 99}', id="other-version"),
        pytest.param("[]", id="not-an-object"),
    ],
)
def test_a_damaged_or_stale_cache_is_rebuilt(repo, damage) -> None:
    root, _ = repo
    expected = site_history(root)
    (root / CACHE_FILE).write_text(damage)
    rebuilt = site_history(root)
    assert rebuilt.states_built == 4 and (rebuilt.claims, rebuilt.changes) == (expected.claims, expected.changes)


def test_an_unwritable_cache_is_a_note(repo, tmp_path) -> None:
    root, _ = repo
    blocker = tmp_path / "file"
    blocker.write_text("")
    history = site_history(root, cache=HistoryCache(blocker / "history.json"))
    assert days(history, "peer-hope") == ("2 March 2026", "2 March 2026")
    (note,) = history.notes
    assert note.startswith("history cache not written")


def test_pages_that_are_symbolic_links_are_noted(repo) -> None:
    root, _ = repo
    (root / "docs" / "linked.md").symlink_to("index.md")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "A linked page", day=27)
    history = site_history(root)
    assert history.notes == ["linked.md: symbolic link(s) in the docs folder are not read from history"]
    assert days(history, "peer-hope") == ("2 March 2026", "2 March 2026")


def test_the_users_git_settings_do_not_change_the_dates(repo) -> None:
    root, _ = repo
    expected = site_history(root, cache=HistoryCache(None))
    for name, value in (("log.showRoot", "false"), ("color.ui", "always"), ("log.decorate", "full")):
        git(root, "config", name, value)
    history = site_history(root, cache=HistoryCache(None))
    assert (history.claims, history.changes) == (expected.claims, expected.changes)


def test_the_working_tree_compared_through_its_graph(repo) -> None:
    from graphbuild.formats.graph import build_graph
    from graphbuild.model.project import load_project
    from graphbuild.publishing.pipeline import analyse

    root, _ = repo
    page = root / "docs" / "index.md"
    page.write_text(page.read_text().replace("key: min2007\n    stance: supports", "key: min2007\n    stance: mixed"))
    kb, _ = analyse(load_project(root))
    history = site_history(root, current=Snapshot.from_graph(build_graph(kb)))
    assert days(history, "peer-hope") == ("2 March 2026", None)
    assert days(history, "fewer-readmissions") == ("5 March 2026", "9 March 2026")


def test_a_long_history_of_the_bib_holds_one_parsed_version(tmp_path, monkeypatch) -> None:
    """Every version of the ``.bib`` in the history is parsed, and let go before the next:
    a hundred versions of a large file held at once were 855 MB (issue 27)."""
    import gc
    import weakref

    from graphbuild.history import git as history_git
    from graphbuild.model.bibliography import Bibliography

    from .conftest import BIB

    root = tmp_path / "site"
    versions = [
        (f"Edit {n}", {"references.bib": BIB + f"@misc{{extra{n}, title = {{Version {n}}}}}\n"}, n + 1)
        for n in range(6)
    ]
    make_repo(root, COMMITS[:1] + versions)
    parsed: list[weakref.ref[Bibliography]] = []
    most = 0
    parse = history_git.parse_bibliography_bytes

    def counted(*args, **kwargs):
        nonlocal most
        gc.collect()
        most = max(most, sum(1 for ref in parsed if ref() is not None))
        found = parse(*args, **kwargs)
        parsed.append(weakref.ref(found[0]))
        return found

    monkeypatch.setattr(history_git, "parse_bibliography_bytes", counted)
    history = site_history(root, cache=HistoryCache(None))
    assert history.states_built == 7  # the base and six versions of the .bib
    assert most <= 1  # while one version is parsed, at most the one before it is alive


def test_the_cache_holds_records_not_states(repo) -> None:
    """States share their records in memory as in the file: a state's snapshot is made when
    asked for, not kept, so memory grows with what changed, not with the commits."""
    root, _ = repo
    cache = HistoryCache(None)
    site_history(root, cache=cache)
    assert not any(isinstance(v, Snapshot) for v in vars(cache).values())
    keys = list(cache._stored)
    found, snapshot = cache.get(keys[-1])
    assert found and isinstance(snapshot, Snapshot) and cache.get(keys[-1])[1] is not snapshot
