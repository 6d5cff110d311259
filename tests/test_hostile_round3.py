"""Hostile input, round 3 (issue 23): front matter, mkdocs.yml, files in docs/, caches and
links, ``diff``'s names, inputs that amplify, and the build log. Each class on both
publishing paths where it has one: the plugin's build, and ``graphbuild render`` + an engine
+ ``graphbuild finish``."""

from __future__ import annotations

import html
import json
import os
import re
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from graphbuild.cli import main
from graphbuild.model.project import load_project
from graphbuild.publishing.finish import FinishError, finish_site
from graphbuild.publishing.markdown_tree import write_markdown_tree
from graphbuild.publishing.pipeline import check_build, plan_build

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, failed_build_log, mkdocs_log, write_site
from .living_repo import COMMITS, commit, git, make_repo

SCRIPT = "<script>alert(1)</script>"


def site_with(tmp_path: Path, files: dict[str, str], yml: str = MKDOCS_YML) -> Path:
    return write_site(tmp_path / "site", {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": INDEX_MD} | files)


def checked(root: Path) -> list[str]:
    return [str(d) for d in check_build(plan_build(load_project(root), dated=False))]


def rendered(root: Path, out: Path) -> list[str]:
    return [str(d) for d in write_markdown_tree(load_project(root), out)]


def failed_build(root: Path, strict: bool = True) -> str:
    """The log of a build that stops."""
    return "\n".join(failed_build_log(root, strict))


def finished_tree(root: Path, tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    write_markdown_tree(load_project(root), tree)
    site = build(tree, strict=False, site_dir=tree / "site")
    finish_site(tree, site)
    return site


# -- 1. front matter --------------------------------------------------------------------------

FRONT = {
    "yaml-title": (f'---\ntitle: "Peer {SCRIPT}"\n---\n\n# Page\n\nText.\n', 2, "title"),
    "yaml-subtitle": ("---\nsubtitle: <img src=x onerror=alert(1)>\n---\n\n# Page\n\nText.\n", 2, "subtitle"),
    "yaml-description": ('---\ndescription: x" onmouseover="alert(1)\n---\n\n# P\n', None, "description"),
    "multimarkdown-title": (f"Title: Peer {SCRIPT}\nAuthor: me\n\n# Page\n\nText.\n", 1, "title"),
    "entity-title": ("---\ntitle: Peer &lt;b&gt;\n---\n\n# Page\n", 2, "title"),
}


@pytest.mark.parametrize(("page", "line", "key"), [pytest.param(*v, id=k) for k, v in FRONT.items()])
def test_front_matter_markup_is_an_error_at_its_line(tmp_path: Path, page: str, line: int | None, key: str) -> None:
    root = site_with(tmp_path, {"docs/front.md": page})
    found = [d for d in checked(root) if d.startswith("docs/front.md:") and "front matter" in d]
    if line is None:  # a quote, no markup: not an error, but escaped below
        assert found == []
        return
    assert found == [
        f"docs/front.md:{line}: error: front matter '{key}' holds markup, which every page's navigation and title "
        "would carry; write it as plain text (it is published escaped)"
    ]
    assert [d for d in rendered(root, tmp_path / "tree") if d.startswith("docs/front.md:")] == found
    assert "front matter" in failed_build(root, strict=False)


@pytest.mark.parametrize("path", ["plugin", "tree"])
def test_front_matter_is_published_escaped(tmp_path: Path, path: str) -> None:
    page = (
        f'---\ntitle: "Peer {SCRIPT}"\nsubtitle: "<img src=x onerror=alert(2)>"\n'
        "description: 'x\" onmouseover=\"alert(3)'\n---\n\n# P\n"
    )
    yml = MKDOCS_YML + "nav:\n  - index.md\n  - front.md\n"
    root = site_with(tmp_path, {"docs/front.md": page}, yml)
    if path == "plugin":
        site = build(root, strict=False, serving=True, site_dir=tmp_path / "served")
    else:
        site = finished_tree(root, tmp_path)
    for name in ("index.html", "front/index.html"):
        markup = (site / name).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in markup and "<img src=x" not in markup and '" onmouseover=' not in markup
    front = (site / "front/index.html").read_text(encoding="utf-8")
    assert f"<title>Peer {html.escape(SCRIPT)}" in front
    assert 'content="x&quot; onmouseover=&quot;alert(3)"' in front


@pytest.mark.parametrize("path", ["check", "plugin", "tree"])
def test_an_unknown_template_is_an_error_at_its_line(tmp_path: Path, path: str) -> None:
    root = site_with(tmp_path, {"docs/t.md": "---\ntitle: T\ntemplate: nowhere.html\n---\n\n# T\n"})
    expected = "docs/t.md:3: error: front matter 'template': no template 'nowhere.html' in the theme or its custom_dir"
    if path == "check":
        assert expected in checked(root)
    elif path == "plugin":
        assert expected in failed_build(root, strict=False)  # stopped at its line, not a traceback
    else:
        assert expected in rendered(root, tmp_path / "tree")
    assert checked(site_with(tmp_path / "ok", {"docs/t.md": "---\ntemplate: main.html\n---\n\n# T\n"})) == [
        d for d in checked(site_with(tmp_path / "ok", {})) if "t.md" in d
    ]


# -- 6. mkdocs.yml assets from another host ---------------------------------------------------

ASSETS = """\
extra_javascript:
  - local.js
  - path: https://cdn.example/evil.js
extra_css:
  - //fonts.example/x.css
theme_logo_placeholder
"""


def test_assets_from_another_host_are_warnings_at_their_line(tmp_path: Path) -> None:
    yml = MKDOCS_YML.replace("  font: false\n", "  font: false\n  logo: https:\\\\img.example/logo.png\n")
    yml += ASSETS.replace("theme_logo_placeholder\n", "")
    root = site_with(tmp_path, {}, yml)
    found = [d for d in checked(root) if d.startswith("mkdocs.yml:")]
    lines = {int(d.split(":")[1]): d for d in found}
    assert set(lines) == {5, 15, 17}, found
    assert "cdn.example" in lines[15] and "fonts.example" in lines[17] and "img.example" in lines[5]
    assert all(": warning: option '" in d for d in found)
    (root / "mkdocs.yml").write_text(yml.replace("\\\\", "//"), encoding="utf-8")  # MkDocs' own warning first
    assert "mkdocs.yml:15: warning: option 'extra_javascript'" in failed_build(root, strict=True)
    allowed = yml.replace("  - graphbuild\n", "  - graphbuild:\n      allowed_hosts: [cdn.example, fonts.example]\n")
    (root / "mkdocs.yml").write_text(allowed, encoding="utf-8")
    assert [d for d in checked(root) if d.startswith("mkdocs.yml:")] == [lines[5]]


# -- 4. files in docs/ -------------------------------------------------------------------------

SVGS = {
    "script": ('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n</svg>\n', 2, "<script>"),
    "handler": ('<svg xmlns="http://www.w3.org/2000/svg"\n onload="alert(1)"/>\n', 1, "event handler"),
    "foreign": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', 1, "<foreignobject>"),
    "js-animate": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a>\n'
        '<set attributeName="xlink:href" to="java\tscript:alert(1)"/></a></svg>',
        2,
        "an address that runs code",
    ),
    "off-site": (
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://t.example/p.png"/></svg>',
        1,
        "another host",
    ),
    "style-import": (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://t.example/a.css";</style></svg>',
        1,
        "another host",
    ),
    "entities": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n<svg/>', 2, "document type"),
    "not-xml": ("<svg><p></svg>", 1, "not an SVG that parses"),
}
CLEAN_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path d="M0 0h1v1z" fill="red"/></svg>'


@pytest.mark.parametrize(("svg", "line", "fragment"), [pytest.param(*v, id=k) for k, v in SVGS.items()])
def test_an_svg_that_would_run_script_or_fetch_is_an_error(tmp_path: Path, svg: str, line: int, fragment: str) -> None:
    root = site_with(tmp_path, {"docs/img/x.svg": svg, "docs/img/clean.svg": CLEAN_SVG})
    found = [d for d in checked(root) if "img/" in d]
    assert len(found) == 1 and found[0].startswith(f"docs/img/x.svg:{line}: error: ") and fragment in found[0], found
    tree = tmp_path / "tree"
    assert found == [d for d in rendered(root, tree) if "img/" in d]
    assert not (tree / "docs/img/x.svg").exists() and (tree / "docs/img/clean.svg").exists()
    assert found[0] in failed_build(root, strict=False)


def test_html_files_are_a_warning_unless_listed(tmp_path: Path) -> None:
    files = {"docs/page.html": f"<p>{SCRIPT}</p>", "docs/google1234.html": "google-site-verification: 1234"}
    root = site_with(tmp_path, files)
    found = [d for d in checked(root) if ".html" in d]
    assert [d.split(":")[0] for d in found] == ["docs/google1234.html", "docs/page.html"]
    assert all(": warning: an HTML file is published as it is" in d for d in found)
    assert [d for d in rendered(root, tmp_path / "tree") if ".html" in d] == found
    assert "docs/page.html:1: warning" in failed_build(root, strict=True)
    yml = MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      static_html: ['google*.html', '*.htm']\n")
    (root / "mkdocs.yml").write_text(yml, encoding="utf-8")
    assert [d.split(":")[0] for d in checked(root) if ".html" in d] == ["docs/page.html"]


# -- 8, 10. caches and links ------------------------------------------------------------------


def _history_site(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    make_repo(root)
    return root


def _forge(cache: Path) -> None:
    """A statement with markup in every record of a history cache, as a pull request could commit."""
    data = json.loads(cache.read_text(encoding="utf-8"))
    for record in data["records"].values():
        if isinstance(record[1], dict) and "statement" in record[1]:
            record[1]["statement"] = f"FORGED {SCRIPT}"
    cache.write_text(json.dumps(data), encoding="utf-8")


def test_a_committed_history_cache_is_not_read(tmp_path: Path) -> None:
    root = _history_site(tmp_path)
    build(root, strict=False)
    cache = root / ".cache/graphbuild/history.json"
    _forge(cache)
    (root / ".gitignore").write_text("", encoding="utf-8")
    commit(root, "Commit the cache", {}, 20)
    plan = plan_build(load_project(root))
    assert any(
        "history cache not read: .cache/graphbuild/history.json is tracked by git" in str(d) for d in plan.diagnostics
    )
    site = build(root, strict=False, site_dir=tmp_path / "out")
    for name in ("evidence/changes/index.html", "evidence/changes.xml"):
        assert "FORGED" not in (site / name).read_text(encoding="utf-8"), name


def test_text_read_from_a_cache_is_escaped(tmp_path: Path) -> None:
    """A cache the build may read (untracked, a file) is still only data: its text is escaped."""
    root = _history_site(tmp_path)
    build(root, strict=False)
    _forge(root / ".cache/graphbuild/history.json")
    site = build(root, strict=False, site_dir=tmp_path / "out")
    changes = (site / "evidence/changes/index.html").read_text(encoding="utf-8")
    assert SCRIPT not in changes
    assert "FORGED" not in changes or html.escape(SCRIPT) in changes


@pytest.mark.parametrize("kind", ["link", "garbage"])
def test_a_linked_or_damaged_history_cache_is_rebuilt_with_a_note(tmp_path: Path, kind: str) -> None:
    root = _history_site(tmp_path)
    build(root, strict=False)
    cache = root / ".cache/graphbuild/history.json"
    elsewhere = tmp_path / "elsewhere.json"
    if kind == "link":
        elsewhere.write_text(cache.read_text(encoding="utf-8"), encoding="utf-8")
        cache.unlink()
        cache.symlink_to(elsewhere)
    else:
        cache.write_text("{not json", encoding="utf-8")
    notes = [str(d) for d in plan_build(load_project(root)).diagnostics if "history cache not read" in str(d)]
    assert len(notes) == 1 and ": note: " in notes[0]
    assert not cache.is_symlink() and json.loads(cache.read_text(encoding="utf-8"))["states"]
    if kind == "link":
        assert json.loads(elsewhere.read_text(encoding="utf-8")) == json.loads(cache.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["check", "plugin", "tree"])
def test_a_cache_folder_that_is_a_link_stops_the_build(tmp_path: Path, path: str) -> None:
    root = _history_site(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".cache").symlink_to(outside)
    if path == "check":
        assert main(["--root", str(root), "check"]) == 2
    elif path == "plugin":
        assert ".cache: a link, where graphbuild keeps its caches" in failed_build(root, strict=False)
    else:
        assert main(["--root", str(root), "render", "--output", str(tmp_path / "tree")]) == 2
    assert list(outside.iterdir()) == []


def test_a_committed_csl_cache_is_not_read(tmp_path: Path) -> None:
    from graphbuild.formats.site_style import site_style

    csl = (Path(__file__).parent / "fixtures/csl/tiny-author-date.csl").read_text(encoding="utf-8")
    root = _history_site(tmp_path)
    yml = MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      citation_style: style.csl\n")
    commit(root, "A style", {"mkdocs.yml": yml, "style.csl": csl}, 21)
    plan = plan_build(load_project(root))
    check_build(plan)
    cache = next((root / ".cache/graphbuild").glob("csl-*.json"))
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["references"] = {key: f"FORGED {SCRIPT}" for key in data["references"]}
    cache.write_text(json.dumps(data), encoding="utf-8")
    (root / ".gitignore").write_text("", encoding="utf-8")
    commit(root, "Commit the cache", {}, 22)
    style = site_style(load_project(root).config, root)
    studies = plan.kb.cited
    assert all("FORGED" not in str(r) for r in style.references(studies.values()).values())
    assert any("is tracked by git" in n for n in getattr(style, "notes", []))


def test_a_site_dir_link_that_git_tracks_stops_the_build(tmp_path: Path) -> None:
    root = _history_site(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep", encoding="utf-8")
    os.symlink(precious, root / "site")
    commit(root, "A site link", {}, 23)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    with mkdocs_log() as records, pytest.raises(Abort):
        mkdocs_build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    assert (precious / "keep.txt").is_file()
    assert any("is a link that git tracks" in m for m in records)


def test_finish_will_not_write_through_a_link_in_the_site(tmp_path: Path) -> None:
    root = site_with(tmp_path, {})
    tree = tmp_path / "tree"
    write_markdown_tree(load_project(root), tree)
    site = build(tree, strict=False, site_dir=tree / "site")
    outside = tmp_path / "outside.html"
    outside.write_text("outside", encoding="utf-8")
    (site / "index.html").unlink()
    (site / "index.html").symlink_to(outside)
    with pytest.raises(FinishError, match="a link inside the built site"):
        finish_site(tree, site)
    assert outside.read_text(encoding="utf-8") == "outside"


# -- 9. diff -----------------------------------------------------------------------------------


def test_a_name_that_is_both_a_path_and_a_revision_is_ambiguous(tmp_path: Path, capsys, monkeypatch) -> None:
    root = _history_site(tmp_path)
    base = git(root, "rev-parse", "HEAD~1")
    commit(root, "Remove a claim", {"docs/outcomes.md": "# Outcomes\n\nNothing yet.\n"}, 24)
    (root / "HEAD").write_text("{}", encoding="utf-8")  # a pull request's file named HEAD
    monkeypatch.chdir(root)
    assert main(["diff", "--fail-on", "claim-removed", base, "HEAD"]) == 2
    assert "HEAD: ambiguous: both a file or folder and a git revision; use --rev" in capsys.readouterr().err
    assert main(["diff", "--rev", "--fail-on", "claim-removed", base, "HEAD"]) == 1
    assert "claim-removed" in capsys.readouterr().out
    assert main(["diff", "--site", base, "HEAD"]) == 2  # the base is no path


def test_the_workflow_calls_diff_the_unambiguous_way() -> None:
    workflow = (Path(__file__).parent.parent / ".github/workflows/site.yml").read_text(encoding="utf-8")
    calls = re.findall(r"graphbuild diff [^\n]*", workflow)
    assert calls and all("--rev" in call for call in calls)


# -- 11. small inputs, large outputs -----------------------------------------------------------


def test_the_comment_scanner_is_linear() -> None:
    from graphbuild.model.scan import scan

    body = "x <!-- " * 90_000 + "\n\n-->"  # 630 kB: a search from each opening to the end took a minute
    started = time.perf_counter()
    found = scan(body, "p")
    assert time.perf_counter() - started < 5
    assert found.hidden == []  # inside a paragraph, a comment may not run over a blank line


def test_a_commit_subject_is_cut_to_a_line(tmp_path: Path) -> None:
    from graphbuild.model.timeline import MAX_SUBJECT

    root = _history_site(tmp_path)
    subject = "A" * 50_000
    write_site(root, {"docs/outcomes.md": COMMITS[0][1]["docs/outcomes.md"] + "\nMore.\n"})
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", subject + "\n\nbody " + SCRIPT, day=25)
    plan = plan_build(load_project(root))
    assert any(f"longer than a line or {MAX_SUBJECT} characters" in str(d) for d in plan.diagnostics)
    site = build(root, strict=False, site_dir=tmp_path / "out")
    for name in ("evidence/changes/index.html", "search/search_index.json"):
        text = (site / name).read_text(encoding="utf-8")
        assert "A" * MAX_SUBJECT not in text and SCRIPT not in text, name


def test_the_feeds_carry_the_newest_events(tmp_path: Path, monkeypatch) -> None:
    from graphbuild.model import timeline
    from graphbuild.site import living

    monkeypatch.setattr(timeline, "MAX_FEED_ENTRIES", 2)
    monkeypatch.setattr(living, "MAX_FEED_ENTRIES", 2)
    from graphbuild.history import dating

    monkeypatch.setattr(dating, "MAX_FEED_ENTRIES", 2)
    root = _history_site(tmp_path)
    plan = plan_build(load_project(root))
    assert any("the feeds carry the newest 2 of the" in str(d) for d in plan.diagnostics)
    site = build(root, strict=False, site_dir=tmp_path / "out")
    feed = (site / "evidence/changes.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 2
    assert (site / "evidence/changes/index.html").read_text(encoding="utf-8").count("gb-change-") > 2


def fan_out_style(levels: int) -> str:
    macros = "".join(
        f'<macro name="m{i}"><text macro="m{i + 1}"/><text macro="m{i + 1}"/></macro>' for i in range(levels)
    )
    macros += f'<macro name="m{levels}"><text variable="title"/></macro>'
    return (
        '<?xml version="1.0" encoding="utf-8"?><style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" '
        'version="1.0"><info><title>Fan</title><id>fan</id><updated>2026-01-01T00:00:00+00:00</updated></info>'
        f'{macros}<citation><layout><text variable="title"/></layout></citation>'
        '<bibliography><layout><text macro="m0"/></layout></bibliography></style>'
    )


def test_a_style_whose_macros_fan_out_is_refused(tmp_path: Path) -> None:
    yml = MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      citation_style: fan.csl\n")
    root = site_with(tmp_path, {"fan.csl": fan_out_style(20)}, yml)
    assert len(fan_out_style(20)) < 2_400
    assert main(["--root", str(root), "check"]) == 2


def test_a_long_csl_reference_is_cut_with_a_warning(tmp_path: Path) -> None:
    yml = MKDOCS_YML.replace("  - graphbuild\n", "  - graphbuild:\n      citation_style: fan.csl\n")
    root = site_with(tmp_path, {"fan.csl": fan_out_style(9)}, yml)  # 512 titles: over 4,000 characters
    found = [d for d in checked(root) if "over 4,000" in d]
    assert found and all(": warning: entry '" in d for d in found)


def amplifying_site(root: Path, n: int) -> Path:
    """Inputs that made outputs grow faster than themselves: one claim citing n studies with a
    long statement, a page of comment openings, long tags."""
    entries = "".join(
        f"@misc{{s{i},\n  title = {{Study {i}}},\n  year = {{2020}},\n  design = {{rct}},\n}}\n" for i in range(n)
    )
    keys = "\n".join(f"  - s{i}" for i in range(n))
    statement = "A long statement. " * (200 * n)
    tags = json.dumps([f"tag-{i}" for i in range(10 * n)])
    claim = (
        f"```claim\nid: many\nstatement: {json.dumps(statement)}\ntype: benefit\ntags: {tags}\nevidence:\n{keys}\n```\n"
    )
    page = "# Many\n\n" + claim + "\nx <!-- " * (1000 * n) + "\n"
    return write_site(root, {"mkdocs.yml": MKDOCS_YML, "references.bib": entries, "docs/index.md": page})


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_no_output_grows_faster_than_its_input(tmp_path: Path) -> None:
    sizes = {}
    for n in (20, 80):
        root = amplifying_site(tmp_path / f"n{n}", n)
        inputs = _size(root / "docs") + (root / "references.bib").stat().st_size
        site = build(root, strict=False, site_dir=tmp_path / f"out{n}")
        outputs = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*") if p.is_file()}
        sizes[n] = (inputs, outputs)
    (small_in, small_out), (large_in, large_out) = sizes[20], sizes[80]
    growth = large_in / small_in
    for name, size in large_out.items():
        if name in small_out and small_out[name] > 2_000:
            assert size / small_out[name] <= growth * 1.5, (name, small_out[name], size, growth)
    assert sum(large_out.values()) / sum(small_out.values()) <= growth * 1.5


# -- 12. the build log -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["check", "plugin", "tree"])
def test_a_file_name_cannot_forge_a_line_of_the_log(tmp_path: Path, path: str, capsys) -> None:
    root = site_with(tmp_path, {"docs/x\n::error file=a::forged.md": "# Forged\n"})
    if path == "check":
        assert main(["--root", str(root), "check"]) == 1
        output = capsys.readouterr().out
    elif path == "plugin":
        output = failed_build(root, strict=False)
    else:
        output = "\n".join(rendered(root, tmp_path / "tree"))
        assert not list((tmp_path / "tree" / "docs").glob("x*"))
    assert "::error" in output
    assert not any(line.startswith("::") for line in output.splitlines()), output
    assert "x\\n::error file=a::forged.md:1: error: its name holds a line break" in output
