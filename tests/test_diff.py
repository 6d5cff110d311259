"""``graphbuild diff``: evidence events between revisions, built sites, site folders and exports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from graphbuild.cli import main
from graphbuild.history.compare import markdown_text
from graphbuild.model.events import Event, Snapshot, breaches, describe, diff

from .conftest import REPO
from .living_repo import COMMITS, git, make_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("living") / "site"
    return root, make_repo(root)


def run(root: Path, *args: str, capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(["--root", str(root), "diff", *args])
    out, err = capsys.readouterr()
    return code, out, err


STATEMENT = "Peer support is associated with fewer psychiatric readmissions."
# (old commit, new commit, the text report's event lines, the JSON events' essentials, the Markdown rows)
PAIRS = [
    pytest.param(
        0,
        1,
        [f'claim-added fewer-readmissions: on index.md: "{STATEMENT}"'],
        [("claim-added", "fewer-readmissions", None, None, None)],
        [
            "| Claim added | **fewer\\-readmissions**: Peer support is associated with fewer psychiatric "
            "readmissions\\. | on index\\.md |"
        ],
        id="add-a-claim",
    ),
    pytest.param(
        1,
        2,
        ["stance-changed fewer-readmissions: gillard2014: supports -> no-effect"],
        [("stance-changed", "fewer-readmissions", "gillard2014", "supports", "no-effect")],
        [
            "| Stance changed | **fewer\\-readmissions**: Peer support is associated with fewer psychiatric "
            "readmissions\\. | gillard2014\\: supports → no\\-effect |"
        ],
        id="flip-a-stance",
    ),
    pytest.param(
        2,
        3,
        ["claim-moved fewer-readmissions: index.md -> outcomes.md"],
        [("claim-moved", "fewer-readmissions", None, "index.md", "outcomes.md")],
        [
            "| Claim moved | **fewer\\-readmissions**: Peer support is associated with fewer psychiatric "
            "readmissions\\. | index\\.md → outcomes\\.md |"
        ],
        id="move-the-claim",
    ),
    pytest.param(
        0,
        3,
        [f'claim-added fewer-readmissions: on outcomes.md: "{STATEMENT}"'],
        [("claim-added", "fewer-readmissions", None, None, None)],
        [
            "| Claim added | **fewer\\-readmissions**: Peer support is associated with fewer psychiatric "
            "readmissions\\. | on outcomes\\.md |"
        ],
        id="base-to-head",
    ),
    pytest.param(3, 3, [], [], [], id="no-change"),
]


@pytest.mark.parametrize(("old", "new", "text", "events", "rows"), PAIRS)
def test_diff_reports_exactly_the_events_in_every_format(repo, capsys, old, new, text, events, rows) -> None:
    root, shas = repo
    code, out, _ = run(root, shas[old], shas[new], capsys=capsys)
    assert code == 0
    header, *lines = out.splitlines()
    assert header == f"evidence changes from {shas[old][:7]} to {shas[new][:7]}: {len(text)} event(s)"
    assert lines == text

    code, out, _ = run(root, shas[old], shas[new], "--format", "json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["schema"] == "graphbuild-diff/2"
    assert [(e["kind"], e["claim"], e["study"], e["old"], e["new"]) for e in data["events"]] == events
    assert (data["old"]["commit"], data["new"]["commit"]) == (shas[old], shas[new])
    assert data["new"]["date"] == f"2026-03-{[2, 5, 9, 12][new]:02d}T12:00:00+00:00"
    assert data["counts"] == ({events[0][0]: 1} if events else {})
    assert all(set(e) == set(data["events"][0]) for e in data["events"])

    code, out, _ = run(root, shas[old], shas[new], "--format", "markdown", capsys=capsys)
    assert code == 0 and out.startswith("## Evidence changes\n")
    assert [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:] == rows
    if not events:
        assert f"No evidence changes between {shas[old][:7]} and {shas[new][:7]}." in out


def test_revision_names_and_head(repo, capsys) -> None:
    root, shas = repo
    code, out, _ = run(root, "HEAD~1", "HEAD", capsys=capsys)
    assert code == 0
    assert out.splitlines()[0] == f"evidence changes from HEAD~1 ({shas[2][:7]}) to HEAD ({shas[3][:7]}): 1 event(s)"


def test_graph_exports_built_sites_and_site_folders_compare_alike(repo, tmp_path, capsys) -> None:
    root, shas = repo
    old_tree, new_tree = tmp_path / "old", tmp_path / "new"
    for target, sha in ((old_tree, shas[1]), (new_tree, shas[3])):
        git(root, "worktree", "add", "-q", "--detach", str(target), sha)
    old_json, built = tmp_path / "old.json", tmp_path / "built"
    assert main(["--root", str(old_tree), "export", "--output", str(old_json)]) == 0
    (built / "evidence").mkdir(parents=True)
    assert main(["--root", str(new_tree), "export", "--output", str(built / "evidence/graph.json")]) == 0
    zipped = tmp_path / "zipped" / "evidence"  # a site built with zip_downloads
    zipped.mkdir(parents=True)
    with zipfile.ZipFile(zipped / "graph.json.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(built / "evidence/graph.json", "graph.json")
    capsys.readouterr()
    expected = run(root, shas[1], shas[3], "--format", "json", capsys=capsys)[1]
    for old, new, kinds in (
        (str(old_json), str(built), ("graph", "build")),
        (str(old_json), str(zipped.parent), ("graph", "build")),
        (str(old_json), str(zipped / "graph.json.zip"), ("graph", "graph")),
        (str(old_tree), str(new_tree), ("site", "site")),
        (shas[1], str(new_tree), ("revision", "site")),
    ):
        code, out, _ = run(root, old, new, "--format", "json", capsys=capsys)
        data = json.loads(out)
        assert code == 0 and data["events"] == json.loads(expected)["events"]
        assert (data["old"]["kind"], data["new"]["kind"]) == kinds


def test_a_revision_before_the_site_existed_adds_every_claim(tmp_path, capsys) -> None:
    root = tmp_path / "site"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README").write_text("soon\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Empty", day=1)
    shas = make_repo(root)
    code, out, _ = run(root, "HEAD~4", shas[0], capsys=capsys)
    assert code == 0 and out.splitlines()[1:] == [
        'claim-added peer-hope: on index.md: "Peer support gives patients hope."'
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param("no-such-branch", "no-such-branch: not a file, a folder or a revision", id="unknown-revision"),
        pytest.param(
            "docs",
            "neither a built site (evidence/graph.json or graph.json.zip) nor a site's folder",
            id="other-folder",
        ),
        pytest.param("mkdocs.yml", "not a graph export", id="not-json"),
        pytest.param("--output=x", "--output=x: not a file, a folder or a revision", id="an-option-to-git"),
    ],
)
def test_unreadable_states_are_errors(repo, capsys, monkeypatch, spec, message) -> None:
    root, _ = repo
    monkeypatch.chdir(root)
    code, _, err = run(root, "HEAD", "--", spec, capsys=capsys)
    assert code == 2 and message in err


@pytest.mark.parametrize(
    ("members", "message"),
    [
        pytest.param({"graph.json": "{}", "other.json": "{}"}, "expected one .json file in it", id="two-files"),
        pytest.param({"graph.json": " " * 5000}, "unzips to more than", id="past-the-limit"),
        pytest.param(None, "not a zipped graph export: File is not a zip file", id="not-a-zip"),
    ],
)
def test_a_zipped_graph_is_read_only_as_one_file_of_bounded_size(
    repo, tmp_path, capsys, monkeypatch, members, message
) -> None:
    """A built site may come from anyone: its zip is read as one graph, never unzipped whole
    past a limit, whatever sizes the zip declares."""
    from graphbuild.history import compare

    root, _ = repo
    monkeypatch.setattr(compare, "ZIPPED_GRAPH_LIMIT", 4096)
    path = tmp_path / "graph.json.zip"
    if members is None:
        path.write_bytes(b"not a zip")
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in members.items():
                archive.writestr(name, text)
    code, _, err = run(root, "HEAD", str(path), capsys=capsys)
    assert code == 2 and message in err


def test_outside_a_repository_a_revision_is_an_error(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, _, err = run(tmp_path, "HEAD~1", "HEAD", capsys=capsys)
    assert code == 2 and "HEAD~1: not a file, a folder or a revision" in err


# -- events between snapshots ----------------------------------------------------------------


def snapshot(claims: dict[str, dict], studies: dict[str, tuple[str, int]] | None = None) -> Snapshot:
    """``claims``: id -> attributes, with ``evidence`` as {study: stance} and ``inferred`` as
    the studies whose stance is inferred."""
    studies = studies or {"sr": ("systematic-review", 1), "q": ("qualitative", 5), "rct": ("rct", 2)}
    base = {"type": "benefit", "group": "patients", "statement": "S.", "page": "a.md", "status": "supported"}
    links = ("evidence", "inferred")
    return Snapshot(
        {cid: {**base, **{k: v for k, v in attrs.items() if k not in links}} for cid, attrs in claims.items()},
        {cid: dict(attrs.get("evidence", {})) for cid, attrs in claims.items()},
        {key: {"design": design, "level": level, "slug": key} for key, (design, level) in studies.items()},
        {cid: frozenset(attrs["inferred"]) for cid, attrs in claims.items() if "inferred" in attrs},
    )


def essentials(events: list[Event]) -> list[tuple]:
    return [(e.kind, e.claim or e.study, e.old, e.new) for e in events]


EVIDENCE = {"evidence": {"sr": "supports", "q": "supports"}}
EVENTS = [
    pytest.param({"c": EVIDENCE}, {"c": EVIDENCE}, [], id="nothing"),
    pytest.param({}, {"c": EVIDENCE}, [("claim-added", "c", None, None)], id="added"),
    pytest.param({"c": EVIDENCE}, {}, [("claim-removed", "c", None, None)], id="removed"),
    pytest.param(
        {"c": EVIDENCE},
        {"c": {**EVIDENCE, "statement": "T."}},
        [("claim-reworded", "c", "S.", "T.")],
        id="reworded",
    ),
    pytest.param(
        {"c": EVIDENCE},
        {"c": {"evidence": {"sr": "no-effect", "q": "supports"}, "status": "contested"}},
        [("direction-changed", "c", "supported", "contested"), ("stance-changed", "c", "supports", "no-effect")],
        id="stance-and-direction",
    ),
    pytest.param(
        {"c": EVIDENCE},
        {"c": {"evidence": {"sr": "supports", "q": "supports", "rct": "mixed"}}},
        [("study-added", "c", None, "mixed")],
        id="study-added",
    ),
    pytest.param(
        {"c": EVIDENCE},
        {"c": {"evidence": {"sr": "supports"}}},
        [("study-removed", "c", "supports", None)],
        id="study-removed",
    ),
    pytest.param(
        {"c": EVIDENCE}, {"c": {**EVIDENCE, "certainty": "low"}}, [("certainty-changed", "c", None, "low")], id="rated"
    ),
    pytest.param(
        {"c": {**EVIDENCE, "certainty": "low"}},
        {"c": {**EVIDENCE, "certainty": "moderate"}},
        [("certainty-changed", "c", "low", "moderate")],
        id="rerated",
    ),
    pytest.param(
        {"c": {**EVIDENCE, "certainty": "low"}},
        {"c": EVIDENCE},
        [("certainty-changed", "c", "low", None)],
        id="rating-withdrawn",
    ),
    pytest.param({"c": {**EVIDENCE, "certainty": ""}}, {"c": EVIDENCE}, [], id="not-assessed-either-way"),
    pytest.param(
        {"c": {**EVIDENCE, "approach": "grade", "summary": "May help."}},
        {"c": {**EVIDENCE, "approach": "cerqual", "summary": "Helps."}},
        [("summary-changed", "c", "May help.", "Helps.")],
        id="summary-and-the-approach-of-an-unrated-claim",
    ),
    pytest.param(
        {"c": {**EVIDENCE, "approach": "grade", "certainty": "very-low"}},
        {"c": {**EVIDENCE, "approach": "cerqual", "certainty": "very-low"}},
        [("approach-changed", "c", "grade", "cerqual")],
        id="approach-of-a-rated-claim",
    ),
    pytest.param(
        {"c": {**EVIDENCE, "summary": ""}},
        {"c": {**EVIDENCE, "summary": "It may help."}},
        [("summary-changed", "c", "", "It may help.")],
        id="summary-added",
    ),
    pytest.param({"c": EVIDENCE}, {"c": {**EVIDENCE, "summary": "Helps."}}, [], id="summary-not-recorded-before"),
    pytest.param(
        {"c": {**EVIDENCE, "approach": "cerqual", "certainty": "very-low", "not_rated": ""}},
        {"c": {**EVIDENCE, "approach": "grade", "certainty": "", "not_rated": "expert-opinion"}},
        [("certainty-changed", "c", "very-low", "expert-opinion")],
        id="rated-to-not-rated-opinion",
    ),
    pytest.param(
        {"c": {**EVIDENCE, "certainty": "high"}},
        {"c": {**EVIDENCE, "certainty": "", "not_rated": "about-evidence"}},
        [("certainty-changed", "c", "high", "about-evidence")],
        id="rated-to-about-the-evidence",
    ),
    pytest.param(
        {"c": {**EVIDENCE, "certainty": "", "not_rated": "not-assessed"}},
        {"c": {**EVIDENCE, "certainty": ""}},
        [],
        id="not-assessed-recorded-or-not",
    ),
    pytest.param(
        {"c": EVIDENCE},
        {"c": {**EVIDENCE, "inferred": {"sr"}}},
        [("inference-changed", "c", "reported", "inferred")],
        id="stance-now-inferred",
    ),
    pytest.param(
        {"c": {"evidence": {"sr": "no-effect"}, "inferred": {"sr"}}},
        {"c": {"evidence": {"sr": "supports"}}},
        [("stance-changed", "c", "no-effect", "supports"), ("inference-changed", "c", "inferred", "reported")],
        id="stance-now-reported",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), EVENTS)
def test_events_between_snapshots(old, new, expected) -> None:
    assert essentials(diff(snapshot(old), snapshot(new))) == expected


def test_a_link_added_or_removed_says_whether_it_is_inferred() -> None:
    old = snapshot({"c": {"evidence": {"sr": "no-effect"}, "inferred": {"sr"}}})
    new = snapshot({"c": {"evidence": {"q": "no-effect"}, "inferred": {"q"}}})
    added, removed = diff(old, new)
    assert (added.kind, added.inferred, removed.kind, removed.inferred) == ("study-added", True, "study-removed", True)
    assert describe(added) == "q (no-effect, inferred)"


def test_inferred_links_are_read_from_the_graph_export() -> None:
    data = {
        "nodes": [{"id": "claim:c", "kind": "claim"}, {"id": "study:a", "kind": "study"}, {"id": "study:b"}],
        "edges": [
            {"source": "claim:c", "target": "study:a", "stance": "no-effect", "inferred": True},
            {"source": "claim:c", "target": "study:b", "stance": "supports"},
        ],
    }
    found = Snapshot.from_node_link(data)
    assert (found.is_inferred("c", "a"), found.is_inferred("c", "b")) == (True, False)


def test_a_design_change_lists_every_claim_it_affects() -> None:
    claims = {
        "b": {"evidence": {"q": "supports"}},
        "a": {"evidence": {"q": "mixed", "sr": "supports"}},
        "z": {"evidence": {"sr": "supports"}},
    }
    old = snapshot(claims)
    new = snapshot(claims, {"sr": ("systematic-review", 1), "q": ("mixed-methods", 5), "rct": ("rct", 2)})
    (event,) = diff(old, new)
    assert (event.kind, event.study, event.old, event.new, event.claims) == (
        "design-changed",
        "q",
        "qualitative",
        "mixed-methods",
        ("a", "b"),
    )
    assert (event.old_level, event.new_level, event.claim) == (5, 5, None)


def test_events_come_in_a_fixed_order() -> None:
    old = snapshot({"b": EVIDENCE, "a": EVIDENCE, "gone": EVIDENCE})
    new = snapshot(
        {
            "b": {"evidence": {"rct": "supports", "q": "mixed", "sr": "no-effect"}, "page": "b.md"},
            "a": {**EVIDENCE, "statement": "New.", "status": "contested"},
            "new": EVIDENCE,
        },
        {"sr": ("systematic-review", 1), "q": ("qualitative", 5), "rct": ("cohort", 3)},
    )
    assert essentials(diff(old, new)) == [
        ("claim-reworded", "a", "S.", "New."),
        ("direction-changed", "a", "supported", "contested"),
        ("claim-moved", "b", "a.md", "b.md"),
        ("study-added", "b", None, "supports"),
        ("stance-changed", "b", "supports", "mixed"),
        ("stance-changed", "b", "supports", "no-effect"),
        ("claim-removed", "gone", None, None),
        ("claim-added", "new", None, None),
        ("design-changed", "rct", "rct", "cohort"),
    ]
    assert diff(old, new) == diff(old, new)


def test_snapshot_reads_networkx_older_links_key() -> None:
    data = {
        "nodes": [{"id": "claim:c", "kind": "claim", "statement": "S."}, {"id": "study:k", "kind": "study"}],
        "links": [{"source": "claim:c", "target": "study:k", "stance": "supports"}],
    }
    assert Snapshot.from_node_link(data).evidence == {"c": {"k": "supports"}}


# -- policies --------------------------------------------------------------------------------

CONTESTED = {"c": {**EVIDENCE, "status": "contested"}}
POLICY_CASES = [
    pytest.param({"c": EVIDENCE}, CONTESTED, ["contested-without-certainty-change"], 1, id="contested-unrated"),
    pytest.param(
        {"c": {**EVIDENCE, "certainty": "moderate"}},
        {"c": {**CONTESTED["c"], "certainty": "low"}},
        ["contested-without-certainty-change"],
        0,
        id="contested-and-rerated",
    ),
    pytest.param({}, CONTESTED, ["contested-without-certainty-change"], 0, id="added-contested"),
    pytest.param({"c": EVIDENCE}, CONTESTED, ["claim-added", "study-removed"], 0, id="other-kinds"),
    pytest.param({"c": EVIDENCE}, CONTESTED, ["direction-changed"], 1, id="a-kind"),
    pytest.param({"c": EVIDENCE}, {"c": EVIDENCE}, ["any"], 0, id="any-without-events"),
    pytest.param({"c": EVIDENCE}, CONTESTED, ["any"], 1, id="any"),
]


@pytest.mark.parametrize(("old", "new", "names", "count"), POLICY_CASES)
def test_fail_on_policies(old, new, names, count) -> None:
    assert len(breaches(diff(snapshot(old), snapshot(new)), names)) == count


def _graph_file(path: Path, snap: Snapshot) -> str:
    nodes = [{"id": f"claim:{c}", "kind": "claim", **attrs} for c, attrs in snap.claims.items()]
    nodes += [{"id": f"study:{k}", "kind": "study", **attrs} for k, attrs in snap.studies.items()]
    edges = [
        {"source": f"claim:{c}", "target": f"study:{k}", "stance": s}
        for c, e in snap.evidence.items()
        for k, s in e.items()
    ]
    path.write_text(json.dumps({"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}))
    return str(path)


def test_fail_on_exits_1_and_names_the_claim(tmp_path, capsys) -> None:
    old = _graph_file(tmp_path / "old.json", snapshot({"c": EVIDENCE}))
    new = _graph_file(tmp_path / "new.json", snapshot(CONTESTED))
    code, out, err = run(tmp_path, old, new, "--fail-on", "contested-without-certainty-change", capsys=capsys)
    assert code == 1 and "direction-changed c: supported -> contested" in out
    assert "--fail-on contested-without-certainty-change: direction-changed c" in err
    assert run(tmp_path, old, new, "--fail-on", "claim-added,study-added", capsys=capsys)[0] == 0
    assert run(tmp_path, old, new, capsys=capsys)[0] == 0


def test_fail_on_an_unknown_name_is_a_usage_error(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["diff", "a", "b", "--fail-on", "claim-added,contested"])
    assert exit.value.code == 2
    assert "unknown event or policy 'contested'" in capsys.readouterr().err


# -- hostile text ----------------------------------------------------------------------------

HOSTILE = (
    "Evil <script>alert(1)</script> | [x](javascript:alert(1)) ![i](http://evil/x.png)\n"
    "# heading `code` $x$ & <img src=x onerror=alert(1)>"
)


def test_hostile_statements_stay_text_in_markdown_and_text(tmp_path, capsys) -> None:
    old = _graph_file(tmp_path / "old.json", snapshot({}))
    new = _graph_file(tmp_path / "new.json", snapshot({"c": {**EVIDENCE, "statement": HOSTILE + "\x1b[31m"}}))
    _, out, _ = run(tmp_path, old, new, "--format", "markdown", capsys=capsys)
    row = [line for line in out.splitlines() if line.startswith("| Claim added")]
    assert len(row) == 1 and row[0].count(" | ") == 2  # one row, three cells: the | is escaped
    assert "<" not in out and "](" not in out and "\x1b" not in out
    assert "&lt;script\\>" in out  # an entity, not a tag
    _, out, _ = run(tmp_path, old, new, capsys=capsys)
    assert len(out.splitlines()) == 2 and "\x1b" not in out and "\\u001b" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a|b", "a\\|b", id="pipe"),
        pytest.param("x < y & z", "x &lt; y &amp; z", id="angle-and-ampersand"),
        pytest.param("[a](b)", "\\[a\\]\\(b\\)", id="link"),
        pytest.param("line\nbreak", "line break", id="newline"),
        pytest.param("https://x.org", "https\\://x\\.org", id="autolink"),
    ],
)
def test_markdown_text(text: str, expected: str) -> None:
    assert markdown_text(text) == expected


# -- the pull-request summary step ------------------------------------------------------------


def _summary_step() -> dict:
    workflow = yaml.safe_load((REPO / ".github/workflows/site.yml").read_text())
    steps = [s for s in workflow["jobs"]["test"]["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert len(steps) == 1
    return steps[0]


def test_the_workflow_summarises_pull_requests_only() -> None:
    step = _summary_step()
    assert step["if"] == "github.event_name == 'pull_request'"
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    assert "permissions" not in step and "GITHUB_TOKEN" not in json.dumps(step)


def test_the_summary_step_runs_on_a_repository_with_two_commits(tmp_path) -> None:
    root = tmp_path / "site"
    shas = make_repo(root, COMMITS[:2])
    summary = tmp_path / "summary.md"
    summary.write_text("## Tests\n\npassed\n\n")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "BASE_SHA": shas[0],
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": bin_dir + os.pathsep + os.environ["PATH"],
    }
    bash = shutil.which("bash")
    assert bash
    done = subprocess.run([bash, "-e", "-c", _summary_step()["run"]], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert text.startswith("## Tests\n\npassed\n\n## Evidence changes\n")  # appended, not overwritten
    assert f"1 event(s) between {shas[0][:7]} and HEAD \\({shas[1][:7]}\\): 1 claim added." in text
    assert "| Claim added | **fewer\\-readmissions**: Peer support is associated" in text


def test_the_claims_table_lists_per_claim_what_changed() -> None:
    """Issue 26's closing table: statement, stance, approach, rating, summary and inferred
    stances, a column each, a row per claim."""
    from graphbuild.history.compare import State, format_claims

    before = {
        "c": {"evidence": {"sr": "no-effect", "q": "supports"}, "certainty": "very-low", "approach": "cerqual"},
        "d": {"evidence": {"q": "supports"}, "summary": "It helps.", "certainty": "", "not_rated": "not-assessed"},
    }
    after = {
        "c": {
            "evidence": {"sr": "no-effect", "q": "supports", "rct": "mixed"},
            "inferred": {"sr"},
            "certainty": "low",
            "approach": "grade",
            "statement": "T.",
        },
        "d": {"evidence": {"q": "supports"}, "summary": "It may help.", "certainty": "", "not_rated": "expert-opinion"},
    }
    old, new = State("a", "graph", snapshot(before)), State("b", "graph", snapshot(after))
    table = format_claims(diff(old.snapshot, new.snapshot), old, new)
    lines = table.splitlines()
    assert lines[4] == "| Claim | Statement | Direction | Stances | Inferred stances | Approach | Rating | Summary |"
    assert (
        lines[6]
        == '| **c** | now "T\\." |  | rct \\(mixed\\) | sr now inferred | cerqual → grade | very\\-low → low |  |'
    )
    assert lines[7] == '| **d** |  |  |  |  |  | not assessed → expert\\-opinion | now "It may help\\." |'


def test_the_claims_table_is_a_format_of_diff(repo, capsys) -> None:
    root, shas = repo
    code, out, _ = run(root, shas[1], shas[2], "--format", "claims", capsys=capsys)
    assert code == 0 and "| **fewer\\-readmissions** |  |  | gillard2014\\: supports → no\\-effect |" in out
