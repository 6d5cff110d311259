"""``graphbuild finish``: the Markdown tree holds slots for cards and one shell for the study
pages; the site an engine built from it (MkDocs or Zensical) is completed from the parts file,
with every study at its stable address and the claims' and studies' own search entries."""

from __future__ import annotations

import errno
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from graphbuild.cli import main
from graphbuild.model.project import load_project
from graphbuild.publishing.finish import EXPORTS_DIR, LAID_OUT_FILE, PARTS_FILE, PartsWriter
from graphbuild.publishing.pipeline import analyse
from graphbuild.site import registry
from graphbuild.site.shell import StandIns

from .conftest import BIB, INDEX_MD, MKDOCS_YML, REPO, build, write_site

SITE_URL = "https://example.org/kb/"
CITED = ("mead2006", "pitt2013", "min2007", "gillard2014", "dh2011")


def _zensical() -> str | None:
    return shutil.which("zensical", path=str(Path(sys.executable).parent))


NO_ZENSICAL = pytest.mark.skipif(_zensical() is None, reason="zensical is not installed (pip install -e '.[zensical]')")
ENGINES = ["mkdocs", pytest.param("zensical", marks=NO_ZENSICAL)]


def render(root: Path, out: Path) -> Path:
    assert main(["--root", str(root), "render", "--output", str(out)]) == 0
    return out


def build_tree(tree: Path, engine: str) -> Path:
    """The tree built by ``engine`` into ``tree/site``, strict, as a user would build it."""
    if engine == "mkdocs":
        return build(tree, site_dir=tree / "site")
    run = subprocess.run([_zensical(), "build", "--strict"], cwd=tree, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return tree / "site"


def finish(tree: Path, capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, str]:
    code = main(["finish", str(tree), *more])
    return code, capsys.readouterr().err


def exports(root: Path) -> list[str]:
    """What the plan of the site at ``root`` writes that is neither a page nor an asset."""
    kb, _ = analyse(load_project(root), dated=True)
    return sorted(p.src for p in registry.plan(kb) if p.asset is None and not p.is_page)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def search_entries(site: Path) -> list[dict]:
    """The built index's entries, whichever engine wrote it."""
    zensical = site / "search.json"
    if zensical.is_file():
        return json.loads(zensical.read_text(encoding="utf-8"))["items"]
    return json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    yml = MKDOCS_YML.replace("site_name: Test site", f"site_name: Test site\nsite_url: {SITE_URL}")
    return write_site(tmp_path / "src", {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": INDEX_MD})


# -- the tree -------------------------------------------------------------------------------


def test_the_tree_holds_slots_and_one_study_page_and_the_parts_beside_it(small: Path, tmp_path: Path) -> None:
    tree = render(small, tmp_path / "tree")
    index = (tree / "docs/index.md").read_text(encoding="utf-8")
    assert '<div id="fewer-readmissions" data-gb-part="1"></div>' in index and "gb-card" not in index
    assert 'class="gb-cite"' in index  # citations stay in the Markdown: headings and search read them
    (shell,) = (tree / "docs/studies").iterdir()  # the studies' citation files are staged
    _, meta = get_data(shell.read_text(encoding="utf-8"))
    assert meta["template"] == registry.STUDY_LAYOUT and meta["search"] == {"exclude": True}
    assert meta["title"].startswith("gbshelltitle") and shell.stem.startswith("gbshellslug")
    claims_index = (tree / "docs/claims/index.md").read_text(encoding="utf-8")
    assert re.search(r'<div class="gb-generated">\n<div data-gb-part="\d+"></div>\n</div>\n$', claims_index)
    assert 'class="gb-map' in (tree / "docs/evidence/index.md").read_text(encoding="utf-8")  # searched: in place
    records = [json.loads(line) for line in (tree / PARTS_FILE).read_text(encoding="utf-8").splitlines()]
    assert records[0]["shells"] == {"study": f"studies/{shell.stem}/index.html"}
    assert not [
        r for r in records if "laid_out" in r
    ]  # the study pages' parts are written beside, by their own process
    pages = [json.loads(line) for line in (tree / LAID_OUT_FILE).read_text(encoding="utf-8").splitlines()]
    assert sorted(r["slug"] for r in pages if r["laid_out"] == "study") == sorted(CITED)


def test_the_tree_stages_the_exports_outside_the_docs(small: Path, tmp_path: Path) -> None:
    """The engine copies the docs folder into the site file by file: the exports, 20,000
    files at 6,000 studies, wait where it does not look."""
    tree = render(small, tmp_path / "tree")
    planned = exports(small)
    assert {"evidence/graph.json", "studies/pitt2013.bib", "claims/fewer-readmissions/index.html"} < set(planned)
    assert sorted(files(tree / EXPORTS_DIR)) == planned
    assert not set(files(tree / "docs")) & set(planned)
    assert not (tree / "docs/evidence/graph.json").exists() and not list((tree / "docs").rglob("*.bib"))


PIECES = ['<p class="a">Quotes " and \\ back</p>', "\n<p>Émile \u2028 \t tab", " 🙂</p>", "", "\n</div>"]


def test_a_streamed_body_is_the_record_slot_and_page_write(tmp_path: Path) -> None:
    """The index pages' bodies stream into the parts file a piece at a time: what finish
    reads is what ``slot`` and ``page`` write for the whole body."""
    stand_ins, lines = StandIns(), []
    for streamed in (False, True):
        with PartsWriter(tmp_path / f"parts-{streamed}.jsonl", {}, stand_ins) as parts:
            if streamed:
                markup = parts.streamed_page("bibliography/index.html", iter(PIECES))
            else:
                markup = parts.slot("".join(PIECES))
                parts.page("bibliography/index.html")
        # a record a line, as finish reads them (U+2028 in a body is no line break there)
        lines.append((tmp_path / f"parts-{streamed}.jsonl").read_text(encoding="utf-8").split("\n"))
        assert json.loads(lines[-1][1]) == {
            "page": "bibliography/index.html",
            "slots": {markup: "".join(PIECES)},
            "gated": False,
        }
    assert lines[0] == lines[1]


def test_a_streamed_body_waits_for_the_page_before_it(tmp_path: Path) -> None:
    with PartsWriter(tmp_path / "parts.jsonl", {}, StandIns()) as parts:
        parts.slot("<p>a card</p>")
        with pytest.raises(ValueError, match="slots of another page are still open"):
            parts.streamed_page("claims/index.html", iter(["<p>x</p>"]))


# -- finishing what each engine built -------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_finish_completes_the_site(small: Path, tmp_path: Path, engine: str, capsys) -> None:
    tree = render(small, tmp_path / "tree")
    staged = files(tree / EXPORTS_DIR)
    site = build_tree(tree, engine)
    assert not (site / "studies/pitt2013").exists() and not list(site.rglob(PARTS_FILE))
    assert not (site / "evidence/graph.json").exists()  # the engine never saw the exports
    code, err = finish(tree, capsys)
    assert code == 0, err
    assert not (tree / EXPORTS_DIR).exists()  # moved, not copied
    finished = files(site)
    assert {src: finished.get(src) for src in staged} == staged  # each export at its address
    assert f"{len(CITED)} pages written in a layout" in err
    for key in CITED:  # every cited study at its stable address, themed, in the sitemap
        page = (site / f"studies/{key}/index.html").read_text(encoding="utf-8")
        assert '<header class="md-header' in page and f'<div class="gb-study" id="study-{key}">' in page
        assert f'<link rel="canonical" href="{SITE_URL}studies/{key}/">' in page
        assert f"<loc>{SITE_URL}studies/{key}/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert not (site / "studies/uncited2020").exists()
    assert sorted(p.name for p in (site / "studies").iterdir() if p.is_dir()) == sorted(CITED)  # the shell is gone
    assert (site / "studies/pitt2013.ris").is_file()  # each study's citation files beside its page
    study = (site / "studies/pitt2013/index.html").read_text(encoding="utf-8")
    assert "<title>Pitt et al. (2013) - Test site</title>" in study
    assert "Consumer-providers of care" in unescape(study)
    assert 'href="../../evidence/summary/"' in study and "../../index.md" not in study
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<section class="gb-card' in home and 'id="fewer-readmissions"' in home
    assert 'href="../studies/min2007/"' in home or 'href="studies/min2007/"' in home
    assert "Consumer-providers of care" in unescape((site / "bibliography/index.html").read_text(encoding="utf-8"))
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        assert "gbshell" not in text and "data-gb-part" not in text, path
    entries = search_entries(site)
    claim = next(e for e in entries if e["location"] == "#fewer-readmissions")
    assert claim["title"] == "Peer support may reduce readmissions; trials have not confirmed it."  # the key message
    assert "Contested; low certainty (GRADE)." in claim["text"] and claim["tags"] == ["service-use"]
    assert [e["title"] for e in entries if e["location"] == "studies/min2007/"] == ["Min et al. (2007)"]
    assert not [e for e in entries if "gbshell" in e["location"]]
    assert "Show in the evidence map" not in json.dumps(entries)  # cards stay out of their pages' entries


def test_finish_follows_pages_as_files(small: Path, tmp_path: Path, capsys) -> None:
    """``use_directory_urls: false``: a study's page is ``studies/<key>.html``."""
    yml = (small / "mkdocs.yml").read_text(encoding="utf-8") + "use_directory_urls: false\n"
    (small / "mkdocs.yml").write_text(yml, encoding="utf-8")
    tree = render(small, tmp_path / "tree")
    site = build_tree(tree, "mkdocs")
    assert finish(tree, capsys)[0] == 0
    assert sorted(p.name for p in (site / "studies").glob("*.html")) == sorted(f"{k}.html" for k in CITED)
    assert 'href="studies/min2007.html"' in (site / "index.html").read_text(encoding="utf-8")
    study = (site / "studies/min2007.html").read_text(encoding="utf-8")
    assert 'href="../evidence/summary/index.html"' in study and f'href="{SITE_URL}studies/min2007.html"' in study
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()) == (site / "sitemap.xml").read_bytes()


def test_finish_says_what_it_cannot_do(small: Path, tmp_path: Path, capsys) -> None:
    code, err = finish(tmp_path / "nowhere", capsys)
    assert code == 2 and "graphbuild render first" in err
    tree = render(small, tmp_path / "tree")
    code, err = finish(tree, capsys)
    assert code == 2 and "no built site there" in err
    site = build_tree(tree, "mkdocs")
    (site / "index.html").write_text(
        (site / "index.html").read_text(encoding="utf-8").replace('data-gb-part="1"', 'data-other="1"'),
        encoding="utf-8",
    )
    code, err = finish(tree, capsys)
    assert code == 1 and "index.html: no place for part" in err  # the rest is done
    assert (site / "studies/pitt2013/index.html").is_file()
    code, err = finish(tree, capsys)
    assert code == 2 and "finish each build once" in err


def test_finish_moves_the_large_folders_at_once(small: Path, tmp_path: Path, capsys) -> None:
    """The site's ``studies/`` holds only the shell, which finish removes, and its
    ``claims/`` only the claims index: the staged folders (each study's citation files and
    now its page; the claims' permanent addresses) take their places, one rename each."""
    tree = render(small, tmp_path / "tree")
    staged = {name: (tree / EXPORTS_DIR / name).stat().st_ino for name in ("studies", "claims")}
    site = build_tree(tree, "mkdocs")
    assets = (site / "assets/graphbuild").stat().st_ino  # the engine's, holding more than the staged
    assert finish(tree, capsys)[0] == 0
    assert {name: (site / name).stat().st_ino for name in staged} == staged
    assert (site / "studies/pitt2013/index.html").is_file() and (site / "studies/pitt2013.json").is_file()
    claims_index = (site / "claims/index.html").read_text(encoding="utf-8")  # the site's, filled
    assert "data-gb-part" not in claims_index and "fewer-readmissions" in claims_index
    assert (site / "assets/graphbuild").stat().st_ino == assets
    assert all((site / "assets/graphbuild" / name).is_file() for name in ("graphbuild.css", "graphbuild.js"))
    assert list((site / "assets/graphbuild").glob("icons-*.svg"))  # the theme's icons, from the shell


def test_finish_joins_staged_folders_to_the_sites_own(small: Path, tmp_path: Path, capsys) -> None:
    """An editor's page under ``studies/``, and one under ``claims/`` named as a staged
    file's folder would be: each folder keeps the site's files and gains the staged ones."""
    write_site(small, {"docs/studies/about.md": "# About the studies\n\nHow they were chosen.\n"})
    tree = render(small, tmp_path / "tree")
    staged = files(tree / EXPORTS_DIR)
    site = build_tree(tree, "mkdocs")
    (site / "claims/fewer-readmissions").mkdir()  # the staged folder of that name joins it
    (site / "claims/fewer-readmissions/note.txt").write_text("the site's", encoding="utf-8")
    assert finish(tree, capsys)[0] == 0
    assert "How they were chosen." in (site / "studies/about/index.html").read_text(encoding="utf-8")
    assert (site / "claims/fewer-readmissions/note.txt").read_text(encoding="utf-8") == "the site's"
    finished = files(site)
    assert {src: finished.get(src) for src in staged} == staged and not (tree / EXPORTS_DIR).exists()


def test_a_tree_is_finished_once(small: Path, tmp_path: Path, capsys) -> None:
    """Its exports left the tree for the site finished first: a second build of the same
    tree cannot be finished, and finish says to render again."""
    tree = render(small, tmp_path / "tree")
    build_tree(tree, "mkdocs")
    assert finish(tree, capsys)[0] == 0
    site = build_tree(tree, "mkdocs")
    code, err = finish(tree, capsys)
    assert code == 2 and f"{EXPORTS_DIR}: no such folder" in err and "graphbuild render" in err
    assert not (site / "studies/pitt2013/index.html").exists()  # refused before writing anything


def test_a_staged_file_that_cannot_be_moved_is_a_clear_error(small: Path, tmp_path: Path, capsys) -> None:
    tree = render(small, tmp_path / "tree")
    site = build_tree(tree, "mkdocs")
    (site / "evidence/graph.json").mkdir()
    (site / "evidence/graph.json/x").write_text("in the way", encoding="utf-8")
    code, err = finish(tree, capsys)
    assert code == 2 and "graph.json: could not move it to" in err and "graphbuild render" in err, err
    assert "Traceback" not in err


def test_finish_copies_to_a_site_on_another_file_system(small: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """A rename cannot cross file systems (``EXDEV``): the staged files are copied there."""
    tree = render(small, tmp_path / "tree")
    staged = files(tree / EXPORTS_DIR)
    site = build(tree, site_dir=tmp_path / "elsewhere")

    refused = []

    def no_rename(source: object, target: object) -> None:
        refused.append(source)
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), source, None, target)

    monkeypatch.setattr(os, "replace", no_rename)
    assert finish(tree, capsys, "--site-dir", str(site))[0] == 0
    assert refused
    finished = files(site)
    assert {src: finished.get(src) for src in staged} == staged and not (tree / EXPORTS_DIR).exists()


def test_finish_builds_elsewhere(small: Path, tmp_path: Path, capsys) -> None:
    tree = render(small, tmp_path / "tree")
    site = build(tree, site_dir=tmp_path / "elsewhere")
    assert finish(tree, capsys, "--site-dir", str(site))[0] == 0
    assert (site / "studies/pitt2013/index.html").is_file()


def test_a_finished_site_is_the_same_from_render_to_render(small: Path, tmp_path: Path, capsys) -> None:
    """The stand-ins carry a secret of each render; none of it reaches the finished site."""
    sites = []
    for n in (1, 2):
        tree = render(small, tmp_path / f"tree{n}")
        sites.append(build_tree(tree, "mkdocs"))
        assert finish(tree, capsys)[0] == 0
    first, second = ({p.relative_to(s).as_posix(): p.read_bytes() for p in html_files(s)} for s in sites)
    assert first == second


# -- the repository's own site ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_repository_tree_builds_and_finishes(tmp_path: Path, engine: str, capsys) -> None:
    tree = render(REPO, tmp_path / "tree")
    site = build_tree(tree, engine)
    code, err = finish(tree, capsys)
    assert code == 0, err
    study = (site / "studies/pitt2013/index.html").read_text(encoding="utf-8")
    assert "Consumer-providers of care" in unescape(study) and "md-header" in study
    assert 'href="../../for-editors/"' not in study  # the site's own pages are not in a study's navigation
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "studies/pitt2013/" not in home.split('class="md-content"')[0]  # nor are studies in the site's
    outcomes = (site / "outcomes/index.html").read_text(encoding="utf-8")
    assert outcomes.count('<section class="gb-card') >= 5 and 'id="fewer-readmissions"' in outcomes
    entries = search_entries(site)
    locations = [e["location"] for e in entries]
    assert "studies/pitt2013/" in locations and "outcomes/#fewer-readmissions" in locations
    assert not [loc for loc in locations if loc.startswith(("claims/", "bibliography/", "evidence/matrix/"))]
    assert "Round nodes are claims" not in json.dumps(entries)
    studies = json.dumps([e for e in entries if e["location"].startswith("studies/")])
    assert "Peer support reduces psychiatric hospital readmissions" not in studies  # a claims table's rows
    assert not [p for p in html_files(site) if "data-gb-part" in p.read_text(encoding="utf-8")]
