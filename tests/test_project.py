"""Reading a site without MkDocs: the same pages and options MkDocs and the plugin see."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphbuild.model.config import ConfigError, config_from_mapping
from graphbuild.model.project import load_project, plugin_options, read_pages

from .conftest import MKDOCS_YML, write_site


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param({"plugins": ["search", "graphbuild"]}, {}, id="list-bare"),
        pytest.param({"plugins": [{"graphbuild": {"nav": False, "enabled": True}}]}, {"nav": False}, id="list-options"),
        pytest.param({"plugins": [{"graphbuild": None}]}, {}, id="list-null-options"),
        pytest.param({"plugins": {"search": {}, "graphbuild": {"groups": ["g"]}}}, {"groups": ["g"]}, id="mapping"),
        pytest.param({"plugins": {"graphbuild": None}}, {}, id="mapping-null-options"),
        pytest.param({"plugins": {"search": {}}}, None, id="mapping-without"),
        pytest.param({"plugins": ["search"]}, None, id="list-without"),
        pytest.param({}, None, id="no-plugins"),
    ],
)
def test_plugin_options(settings: dict, expected: dict | None) -> None:
    assert plugin_options(settings) == expected


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param({"plugins": [{"graphbuild": ["a"]}]}, "options of plugin 'graphbuild'", id="list-item"),
        pytest.param({"plugins": {"graphbuild": "a"}}, "options of plugin 'graphbuild'", id="mapping-value"),
        pytest.param({"plugins": "graphbuild"}, "option 'plugins'", id="plugins-string"),
    ],
)
def test_plugin_options_rejects_what_mkdocs_rejects(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        plugin_options(settings)


# A page for every case MkDocs decides on: extensions, exclude_docs, draft_docs, its default
# exclusions (dot names, a top-level templates/) and README.md beside index.md.
PAGES = [
    "index.md",
    "README.md",
    "a.markdown",
    "b.mdown",
    "c.mkdn",
    "d.mkd",
    "e.MD",
    "notes.txt",
    "same.md",
    "same.markdown",
    ".hidden.md",
    ".dot/x.md",
    "templates/t.md",
    "sub/templates/t.md",
    "sub/README.md",
    "sub/.x.md",
    "other/README.md",
    "other/index.markdown",
    "drafts/x.md",
    "wip/x.md",
    "keep/x.tmp.md",
    "keep/y.md",
]


def test_read_pages_matches_mkdocs(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    yml = MKDOCS_YML + "exclude_docs: |\n  drafts/\n  *.tmp.md\n  !keep/x.tmp.md\ndraft_docs: |\n  wip/\n"
    site = write_site(tmp_path, {"mkdocs.yml": yml, **{f"docs/{p}": f"# {p}\n" for p in PAGES}})
    config = load_config(config_file=str(site / "mkdocs.yml"))
    expected = sorted(f.src_uri for f in get_files(config).documentation_pages())
    pages, problems = read_pages(load_project(site))
    assert (sorted(src for src, _, _ in pages), problems) == (expected, [])
    assert "sub/templates/t.md" in expected and "README.md" not in expected and "keep/x.tmp.md" in expected


def test_read_pages_keeps_a_bom_out_of_the_text(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"mkdocs.yml": MKDOCS_YML})
    (site / "docs").mkdir()
    (site / "docs/index.md").write_bytes(b"\xef\xbb\xbf# Title\n")
    assert read_pages(load_project(site)) == ([("index.md", "docs/index.md", "# Title\n")], [])


@pytest.mark.parametrize(
    ("data", "line", "byte"),
    [
        pytest.param(b"\xff", 1, "0xff", id="first-byte"),
        pytest.param(b"a\nb\nc \xc3(\n", 3, "0xc3", id="broken-sequence"),
        pytest.param(b"\xef\xbb\xbfa\n\xe9t\xe9\n", 2, "0xe9", id="after-a-bom"),
        pytest.param(b"a\r\nb\r\n\x80", 3, "0x80", id="crlf"),
    ],
)
def test_read_pages_reports_invalid_utf8(tmp_path: Path, data: bytes, line: int, byte: str) -> None:
    site = write_site(tmp_path, {"mkdocs.yml": MKDOCS_YML, "docs/ok.md": "# Ok\n"})
    (site / "docs/bad.md").write_bytes(data)
    pages, problems = read_pages(load_project(site))
    assert [src for src, _, _ in pages] == ["ok.md"]
    assert [str(p) for p in problems] == [
        f"docs/bad.md:{line}: error: not valid UTF-8 (byte {byte}); save the file as UTF-8"
    ]


@pytest.mark.parametrize("name", ["claim_types", "groups"])
@pytest.mark.parametrize("value", ["benefit", {"benefit": 1}, 3])
def test_vocabulary_must_be_a_list(name: str, value: object) -> None:
    with pytest.raises(ConfigError, match=rf"^option '{name}': expected a list of slugs"):
        config_from_mapping({name: value})


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        pytest.param({1: ["rct"], "1": ["cohort"]}, r"level 1 is given twice", id="int-and-string"),
        pytest.param(
            {"01": ["rct"], 1.0: ["cohort"]}, r"level 1 is given twice \('01' and 1\.0\)", id="padded-and-float"
        ),
        pytest.param({1: ["rct"], 1.5: ["qualitative"]}, r"level 1\.5 is not a positive integer", id="fraction"),
        pytest.param({"one": ["rct"]}, r"level 'one' is not a positive integer", id="word"),
        pytest.param({"1.5": ["rct"]}, r"level '1\.5' is not a positive integer", id="fraction-string"),
        pytest.param({0: ["rct"]}, r"level 0 is not a positive integer", id="zero"),
        pytest.param({True: ["rct"]}, r"level True is not a positive integer", id="bool"),
    ],
)
def test_levels_keys_must_name_distinct_whole_levels(levels: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=rf"^option 'levels': {message}"):
        config_from_mapping({"levels": levels})


def test_levels_accept_numeric_strings_and_whole_floats() -> None:
    config = config_from_mapping({"levels": {"1": ["rct"], 2.0: ["cohort"], " 3 ": ["opinion"]}})
    assert config.levels == {1: ["rct"], 2: ["cohort"], 3: ["opinion"]}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"nav": "no"}, r"^option 'nav': expected true or false, not 'no'", id="nav-string"),
        pytest.param({"nav": 0}, r"^option 'nav': expected true or false", id="nav-number"),
        pytest.param({"bibliography": ["a.bib"]}, r"^option 'bibliography': expected a file path", id="bib-list"),
    ],
)
def test_options_of_the_wrong_type_are_named(options: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_mapping(options)
