"""Hostile input, round 2: sources built to exhaust memory or time, to collide in the file
system or in a page's ids, to loop, or to reach outside the project. Each is a ``path:line``
diagnostic, never a traceback, a hang or a silently different site."""

from __future__ import annotations

import time

import pytest

from graphbuild.model.claims import parse_claim
from graphbuild.model.config import Config
from graphbuild.model.scan import Fence


def alias_bomb(levels: int) -> str:
    """Complex keys each holding nine aliases of the one before: tiny YAML, 9**levels leaves."""
    lines = ["? &a0 [l, l, l, l, l, l, l, l, l]", ": x"]
    for n in range(1, levels + 1):
        lines += [f"? &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]", ": x"]
    return "\n".join(["id: bomb", "statement: A claim.", "type: benefit", "evidence: [k]", *lines])


@pytest.mark.parametrize("levels", [pytest.param(2, id="small"), pytest.param(8, id="the-587-byte-bomb")])
def test_a_yaml_alias_bomb_in_a_key_is_an_error_not_an_expansion(levels: int) -> None:
    """``str()`` of the key node expanded every alias (9**9 leaves: a MemoryError); a field
    name that is not text is an error at its line, and the key is never stringified."""
    text = alias_bomb(levels)
    started = time.perf_counter()
    claim, diagnostics = parse_claim(Fence(0, len(text), 10, "claim", "", text, True), "docs/a.md", Config())
    assert time.perf_counter() - started < 1
    assert claim is None
    assert [str(d) for d in diagnostics] == [
        f"docs/a.md:{15 + 2 * n}: error: a field name must be text, not a list" for n in range(levels + 1)
    ]


# -- the .bib --------------------------------------------------------------------------------


def _bib(text: str):
    from graphbuild.model.bibliography import parse_bibliography

    return parse_bibliography(text, "references.bib", Config())


def doubling_bomb(levels: int) -> str:
    strings = ["@string{s0 = {Peer support and hope}}"]
    strings += [f"@string{{s{n} = s{n - 1} # s{n - 1}}}" for n in range(1, levels + 1)]
    return "\n".join(strings) + f"\n@misc{{bomb2020,\n  title = s{levels},\n  year = {{2020}},\n}}\n"


@pytest.mark.parametrize("levels", [pytest.param(19, id="55-MB-site"), pytest.param(32, id="MemoryError")])
def test_a_string_doubling_bomb_is_capped_while_expanding(levels: int) -> None:
    """``@string{s1 = s0 # s0}`` 32 levels deep in 1 kB: 2**32 copies. Each macro and each
    field stops growing at the cap, with an error at its line; nothing huge is built."""
    from graphbuild.model.bibliography import MAX_FIELD_LENGTH

    text = doubling_bomb(levels)
    assert len(text) < 1100
    started = time.perf_counter()
    bibliography, diagnostics = _bib(text)
    assert time.perf_counter() - started < 1
    too_long = [d for d in diagnostics if "longer than" in d.message]
    first = next(n for n in range(levels + 1) if 21 * 2**n > MAX_FIELD_LENGTH)
    assert [d.line for d in too_long] == [*range(first + 1, levels + 2), levels + 3]
    assert str(too_long[0]) == (
        f"references.bib:{first + 1}: error: @string 's{first}' is longer than {MAX_FIELD_LENGTH:,} characters "
        "once expanded"
    )
    assert str(too_long[-1]) == (
        f"references.bib:{levels + 3}: error: entry 'bomb2020': field 'title' is longer than "
        f"{MAX_FIELD_LENGTH:,} characters once expanded"
    )
    assert all(len(value) <= MAX_FIELD_LENGTH for value in bibliography["bomb2020"].fields.values())


def test_a_long_field_within_the_cap_is_kept() -> None:
    abstract = "word " * 3000
    bibliography, diagnostics = _bib(f"@misc{{long2020,\n  abstract = {{{abstract}}},\n}}\n")
    assert diagnostics == [] and bibliography["long2020"].fields["abstract"] == abstract


@pytest.mark.parametrize(
    ("fields", "line", "message"),
    [
        pytest.param(
            "  title = {x} year = {2020},\n",
            2,
            "field 'title' has text after its value: 'year = {2020}' (a missing comma?)",
            id="braces",
        ),
        pytest.param(
            '  title = "x" year = {2020},\n',
            2,
            "field 'title' has text after its value: 'year = {2020}' (a missing comma?)",
            id="quotes",
        ),
        pytest.param(
            "  title = {x},\n  journal = apt year = {2020},\n",
            3,
            "field 'journal' has text after its value: 'year = {2020}' (a missing comma?)",
            id="macro",
        ),
        pytest.param(
            "  title = {x} # {y} {z},\n",
            2,
            "field 'title' has text after its value: '{z}' (a missing comma?)",
            id="after-a-concatenation",
        ),
    ],
)
def test_a_missing_comma_is_an_error(fields: str, line: int, message: str) -> None:
    """BibTeX stops there; bibtexparser reads on, and the title was "x} year={2020". What
    was read before the stray text is kept."""
    bibliography, diagnostics = _bib("@string{apt = {APT}}\n@misc{m2020,\n" + fields + "}\n")
    assert [str(d) for d in diagnostics] == [f"references.bib:{line + 1}: error: entry 'm2020': {message}"]
    assert bibliography["m2020"].title == ("xy" if "#" in fields else "x")


def test_a_field_repeated_in_another_case_is_an_error_like_an_exact_repeat() -> None:
    """``title={a}, TITLE={b}`` kept b without a word, while ``title`` twice was an error."""
    text = "@misc{d2020,\n  title = {a},\n  TITLE = {b},\n  year = {2020},\n}\n"
    text += "@misc{e2020,\n  title={a}, title={b}\n}\n"
    _, diagnostics = _bib(text)
    assert [str(d) for d in diagnostics] == [
        "references.bib:3: error: entry 'd2020' repeats field(s) title",
        "references.bib:6: error: entry 'e2020' repeats field(s) title",
    ]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param("@misc{u2020,\n  title = {x},\n}\n".encode("utf-16"), "UTF-16", id="utf-16-bom"),
        pytest.param("@misc{u2020,\n  title = {x},\n}\n".encode("utf-16-le"), "UTF-16", id="utf-16-le"),
        pytest.param("@misc{u2020,\n  title = {x},\n}\n".encode("utf-16-be"), "UTF-16", id="utf-16-be"),
        pytest.param("@misc{u2020,\n  title = {x},\n}\n".encode("utf-32"), "UTF-32", id="utf-32-bom"),
    ],
)
def test_a_utf16_bib_is_an_error_at_line_1(tmp_path, data: bytes, encoding: str) -> None:
    """One warning (or none) and every entry vanished; now it says what the file is."""
    from graphbuild.model.bibliography import load_bibliography

    bib = tmp_path / "references.bib"
    bib.write_bytes(data)
    bibliography, diagnostics = load_bibliography(bib, "references.bib", Config())
    assert [str(d) for d in diagnostics] == [
        f"references.bib:1: error: the file is encoded as {encoding}, not UTF-8: save it as UTF-8"
    ]
    assert len(bibliography) == 0


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        pytest.param("  title = {A set \\{}},\n  journal = {J},\n  design = {rct},\n", 4, id="escaped-open-drops-rest"),
        pytest.param("  title = {x},\n  note = {a \\}},\n  design = {rct},\n", 5, id="escaped-close"),
    ],
)
def test_an_escaped_brace_that_ends_an_entry_early_is_detected(fields: str, line: int) -> None:
    """BibTeX counts ``\\{`` as a brace and bibtexparser does not: after ``{A set \\{}}``
    bibtexparser closes the entry and drops the rest (journal, DOI, design)."""
    text = "@misc{ok2019, title = {fine \\{x\\}}}\n\n@misc{b2020,\n" + fields + "}\n"
    _, diagnostics = _bib(text)
    assert [str(d) for d in diagnostics] == [
        f"references.bib:{line}: error: entry 'b2020': BibTeX counts '\\{{' and '\\}}' as braces and "
        "graphbuild does not, so they end this entry in different places (fields may be lost); "
        "balance each '\\{' with a '\\}' in the same field"
    ]


# -- study pages: bounded names that no other entry can take ---------------------------------


def test_a_long_key_gets_a_bounded_slug(tmp_path) -> None:
    """A key of 300 bytes was ``OSError: File name too long`` while ``check`` said 0 problems."""
    from graphbuild.model.bibliography import MAX_SLUG_LENGTH, slugify

    from .conftest import MKDOCS_YML, build, write_site

    long_key = "k" * 300
    twin = "k" * 299 + "j"
    assert len(slugify(long_key)) <= MAX_SLUG_LENGTH < 100
    assert slugify(long_key) != slugify(twin) and slugify(long_key) == slugify(long_key)
    assert slugify("mead2006") == "mead2006"
    bib = f"@misc{{{long_key},\n  title = {{Long}},\n  year = {{2020}},\n  design = {{rct}},\n}}\n"
    bib += f"@misc{{{twin},\n  title = {{Twin}},\n  year = {{2020}},\n  design = {{rct}},\n}}\n"
    root = write_site(
        tmp_path / "site",
        {"mkdocs.yml": MKDOCS_YML, "references.bib": bib, "docs/index.md": f"# Home\n\n[@{long_key}; @{twin}]\n"},
    )
    site = build(root)
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "studies").rglob("index.html"))
    assert pages == sorted(f"studies/{slugify(k)}/index.html" for k in (long_key, twin))


def test_a_new_entry_cannot_take_a_studys_page() -> None:
    """``@misc{_good2020}`` sorted first and took ``studies/good2020/``, moving good2020 to
    ``good2020-2``. A study's page now depends on its own key only, and two keys that would
    share a page are an error naming both."""
    good = "@misc{good2020,\n  title = {Good},\n  year = {2020},\n}\n"
    alone, _ = _bib(good)
    for newcomer in ("_good2020", "-good2020", "good2020_", "_good2020_"):
        bibliography, diagnostics = _bib(f"@misc{{{newcomer},\n  title = {{New}},\n  year = {{2020}},\n}}\n" + good)
        assert bibliography["good2020"].slug == alone["good2020"].slug == "good2020"
        assert bibliography[newcomer].slug.startswith("good2020-")
        assert [str(d) for d in diagnostics] == [
            f"references.bib:1: error: entry '{newcomer}' would get the study page 'good2020' of entry 'good2020' "
            f"(line 5); rename one of them (until then this entry's page is '{bibliography[newcomer].slug}')"
        ]


def test_slugs_for_forty_thousand_colliding_keys_are_assigned_in_linear_time() -> None:
    """40,000 keys that all slugify to ``k`` took 98 s (each counted up past all before it)."""
    from itertools import product

    from graphbuild.model.bibliography import Bibliography, Study, assign_slugs

    keys = ["k" + "".join(p) for n in range(1, 7) for p in product("_:.+/", repeat=n)][:40_000]
    keys = keys + ["k" + "".join(p) for p in product("_:.+/", repeat=7)][: 40_000 - len(keys)]
    bibliography = Bibliography("references.bib")
    bibliography.studies = {k: Study(k, "misc", {}, "references.bib", n + 1) for n, k in enumerate(keys)}
    started = time.perf_counter()
    diagnostics = assign_slugs(bibliography)
    assert time.perf_counter() - started < 2
    slugs = [s.slug for s in bibliography.studies.values()]
    assert len(set(slugs)) == 40_000 and len(diagnostics) == 39_999


def _many_keys(n: int) -> list[str]:
    """Author-year keys as a large review's bibliography has them."""
    import random

    rng = random.Random(11)
    syllables = ["ma", "ri", "ko", "ten", "sal", "ber", "gil", "lard", "son", "wal", "sh", "pit", "low", "zer"]
    keys: set[str] = set()
    while len(keys) < n:
        name = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))
        keys.add(f"{name}{rng.randint(1980, 2024)}{rng.choice(['', '', 'a', 'b'])}")
    return sorted(keys)


@pytest.fixture(scope="module")
def big_bibliography():
    from graphbuild.model.bibliography import Bibliography, Study

    keys = [*_many_keys(10_000 - 5), "mead2006", "gillard2014", "min2007", "pitt2013", "repper2011"]
    bibliography = Bibliography("references.bib")
    bibliography.studies = {k: Study(k, "misc", {}, "references.bib", n + 1) for n, k in enumerate(keys)}
    return bibliography


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        pytest.param("mead2060", "mead2006", id="transposed"),
        pytest.param("Mead2006", "mead2006", id="case-folded"),
        pytest.param("gilard2014", "gillard2014", id="letter-dropped"),
        pytest.param("min2070", "min2007", id="short-key"),
        pytest.param("pitt2031", "pitt2013", id="year-digits"),
        pytest.param("reper2011", "repper2011", id="double-letter"),
    ],
)
def test_suggestions_against_ten_thousand_keys_find_the_intended_key(
    big_bibliography, typo: str, expected: str
) -> None:
    from graphbuild.model.knowledge import suggest

    assert suggest(typo, big_bibliography.key_index).startswith(f" (did you mean '{expected}'")


def test_three_hundred_unknown_keys_against_ten_thousand_entries_take_well_under_a_second(big_bibliography) -> None:
    """Each unknown key was compared with every entry by difflib: 300 typos took 10.8 s."""
    import random

    from graphbuild.model.knowledge import build_knowledge_base

    rng = random.Random(5)
    typos = []
    for key in rng.sample(sorted(big_bibliography.studies), 300):
        i = rng.randrange(len(key))
        typos.append(key[:i] + key[i + 1 :] + "x")
    page = "# Typos\n\n" + "\n".join(f"See [@{t}]." for t in typos) + "\n"
    big_bibliography.__dict__.pop("key_index", None)
    started = time.perf_counter()
    _, diagnostics = build_knowledge_base([("a.md", "docs/a.md", page)], big_bibliography, Config())
    # 10.8 s when each typo was compared with every entry; a bound that catches that
    # without failing on a busy machine.
    assert time.perf_counter() - started < 5
    assert len(diagnostics) == 300 and all("unknown reference" in d.message for d in diagnostics)
    assert sum("did you mean" in d.message for d in diagnostics) > 250


# -- ids, labels and terminal output ---------------------------------------------------------


def _ids(markup: str) -> list[str]:
    from .test_hostile import parse

    return [attrs["id"] or "" for _, attrs in parse(markup).elements if "id" in attrs]


def _site(tmp_path, bib: str, pages: dict[str, str], strict: bool = False):
    """The site as a build publishes it; not strict: as ``mkdocs serve`` shows it, errors and all."""
    from .conftest import MKDOCS_YML, build, write_site

    files = {"mkdocs.yml": MKDOCS_YML, "references.bib": bib, **{f"docs/{k}": v for k, v in pages.items()}}
    return build(write_site(tmp_path / "site", files), strict=strict, serving=not strict)


def test_a_key_cannot_take_an_id_of_the_theme(tmp_path) -> None:
    """A key ``__config`` gave the bibliography ``<li id="__config">`` before Material's own
    ``<script id="__config">``, and Material's JavaScript died on that page."""
    bib = "@misc{__config,\n  title = {Config},\n  year = {2020},\n  design = {rct},\n}\n"
    bib += "@misc{__search,\n  title = {Search},\n  year = {2021},\n  design = {rct},\n}\n"
    site = _site(tmp_path, bib, {"index.md": "# Home\n\n[@__config; @__search]\n"}, strict=True)
    for page in ("bibliography/index.html", "studies/config/index.html", "index.html"):
        ids = _ids((site / page).read_text(encoding="utf-8"))
        assert ids.count("__config") == 1 and len(ids) == len(set(ids)), (page, ids)


def test_a_claim_id_cannot_take_one_of_graphbuilds_own_ids(tmp_path) -> None:
    """A claim ``gb-graph-claim-foo`` beside a claim ``foo`` once took the id of foo's graph
    data, and foo's local graph never drew. graphbuild's ``gb-`` ids are its own: such a claim
    is refused, and every id in the page stays unique."""
    from .helpers import find_claim_blocks

    page = "# Home\n\n```claim\nid: foo\nstatement: Foo.\ntype: benefit\nevidence: [k2020]\n```\n\n"
    page += "```claim\nid: gb-graph-claim-foo\nstatement: Bar.\ntype: benefit\nevidence: [k2020]\n```\n"
    blocks, _ = find_claim_blocks(page, "docs/index.md")
    claim, diagnostics = parse_claim(blocks[1], "docs/index.md", Config())
    assert claim is None
    assert [str(d) for d in diagnostics] == [
        "docs/index.md:11: error: claim id 'gb-graph-claim-foo' starts with 'gb-', which graphbuild keeps "
        "for the ids of its own elements; rename the claim"
    ]
    site = _site(tmp_path, "@misc{k2020,\n  title = {K},\n  year = {2020},\n  design = {rct},\n}\n", {"index.md": page})
    ids = _ids((site / "index.html").read_text(encoding="utf-8"))
    assert "foo" in ids and "gb-graph-claim-foo" not in ids and len(ids) == len(set(ids)), ids


def test_more_than_twenty_six_studies_by_one_author_in_one_year_keep_distinct_labels() -> None:
    """After ``z`` the 27th and later studies all read "Smith, 2020", like an unsuffixed label."""
    from graphbuild.model.formatting import citation_labels

    bib = "".join(
        f"@misc{{s{n:02d},\n  author = {{Smith, A.}},\n  title = {{T{n:02d}}},\n  year = {{2020}},\n}}\n"
        for n in range(55)
    )
    bibliography, _ = _bib(bib)
    labels = citation_labels(list(bibliography.studies.values()))
    assert len({label.inline for label in labels.values()}) == 55
    assert [labels[k].inline for k in ("s00", "s25", "s26", "s27", "s51", "s52", "s54")] == [
        "Smith, 2020a",
        "Smith, 2020z",
        "Smith, 2020aa",
        "Smith, 2020ab",
        "Smith, 2020az",
        "Smith, 2020ba",
        "Smith, 2020bc",
    ]


def test_stats_prints_keys_with_control_characters_escaped(tmp_path, capsys) -> None:
    """A key holding a newline and ``::error::`` forged a GitHub workflow command, and ANSI
    escapes reached the terminal."""
    from graphbuild.cli import main

    from .conftest import MKDOCS_YML, write_site

    evil = "evil\x1b[2J\u202e\r::error::forged"
    bib = f"@misc{{{evil},\n  title = {{T}},\n  year = {{2020}},\n}}\n@misc{{unrated,\n  title = {{U}},\n}}\n"
    root = write_site(
        tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": bib, "docs/index.md": "# H\n\n[@unrated]\n"}
    )
    assert main(["--root", str(root), "stats"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "evil\\u001b[2J\\u202e\\r::error::forged" in out


# -- files that are not files, links that loop or leave the project ---------------------------


def _cli(root, *args: str, timeout: float = 60):
    """graphbuild in a child process, so that a hang fails the test instead of stalling it."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "graphbuild.cli", "--root", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def small_site(tmp_path):
    from .conftest import BIB, INDEX_MD, MKDOCS_YML, write_site

    return write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD})


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_a_bibliography_that_is_not_a_file_is_an_error_not_a_hang(small_site, kind: str) -> None:
    """A FIFO made ``check`` wait for ever; a link to /dev/zero ran it out of memory."""
    import os

    bib = small_site / "references.bib"
    bib.unlink()
    what = {"fifo": "a named pipe (FIFO)", "dev-zero": "a link to /dev/zero, a character device", "folder": "a folder"}
    if kind == "fifo":
        os.mkfifo(bib)
    elif kind == "dev-zero":
        bib.symlink_to("/dev/zero")
    else:
        bib.mkdir()
    result = _cli(small_site, "check", timeout=30)
    assert result.returncode == 1
    expected = f"references.bib:1: error: cannot be read: it is {what[kind]}, not a plain file"
    assert expected in result.stdout.splitlines(), result.stdout + result.stderr


def test_links_that_loop_in_docs_are_an_error_not_a_hang(small_site) -> None:
    """``docs/a -> .`` and ``docs/b -> .``: check and build walked for ever."""
    (small_site / "docs" / "a").symlink_to(".")
    (small_site / "docs" / "b").symlink_to(".")
    result = _cli(small_site, "check", timeout=30)
    assert result.returncode == 1
    loops = [line for line in result.stdout.splitlines() if "a folder that holds it" in line]
    assert [line.split(": ", 1)[0] for line in loops] == ["docs/a:1", "docs/b:1"], result.stdout
    assert loops[0].startswith(
        f"docs/a:1: error: a link to '{(small_site / 'docs').resolve()}', a folder that holds it"
    )


@pytest.mark.parametrize("strict", [False, True])
def test_a_build_stops_on_links_that_loop(small_site, strict: bool) -> None:
    import subprocess
    import sys

    (small_site / "docs" / "a").symlink_to(".")
    (small_site / "docs" / "b").symlink_to(".")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(small_site / "mkdocs.yml")]
    result = subprocess.run(command + (["--strict"] if strict else []), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "graphbuild: links in the docs folder loop back:\ndocs/a:1: error: a link to" in result.stderr
    assert "\ndocs/b:1: error: a link to" in result.stderr


@pytest.fixture
def leaking_site(small_site):
    outside = small_site.parent / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nSECRET=hunter2\n", encoding="utf-8")
    (small_site / "docs" / "leak.md").symlink_to(outside / "secret.md")
    (small_site / "docs" / "leaks").symlink_to(outside)
    (small_site / "README.md").write_text("# Read me\n\nInside the project.\n", encoding="utf-8")
    (small_site / "docs" / "readme.md").symlink_to(small_site / "README.md")
    return small_site


def test_check_warns_of_links_to_files_outside_the_project(leaking_site) -> None:
    """A link in docs/ to a file elsewhere published it (a ``SECRET=`` line)."""
    result = _cli(leaking_site, "check")
    outside = (leaking_site.parent / "outside").resolve()
    assert result.returncode == 0
    assert [line for line in result.stdout.splitlines() if "claims are not dated" not in line] == [
        f"docs/leak.md:1: warning: a link to '{outside / 'secret.md'}', outside the project: it is not published",
        f"docs/leaks:1: warning: a link to '{outside}', outside the project: it is not published",
    ]
    assert _cli(leaking_site, "check", "--strict").returncode == 1


def test_the_build_keeps_links_outside_the_project_out_of_the_site(leaking_site, caplog) -> None:
    from .conftest import build

    site = build(leaking_site, strict=False)
    published = [
        p for p in site.rglob("*") if p.is_file() and "SECRET=" in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert published == [] and not (site / "leak").exists() and not (site / "leaks").exists()
    assert (site / "readme" / "index.html").exists(), "a link inside the project is still published"
    assert "docs/leak.md:1: warning: a link to" in caplog.text
    caplog.clear()
    with pytest.raises(Exception, match="BuildError"):
        build(leaking_site, strict=True)
    assert "graphbuild: 2 problems in the sources" in caplog.text


# -- graphbuild render ------------------------------------------------------------------------


def _digests(root) -> dict[str, str]:
    from .test_hostile import tree_digest

    return tree_digest(root)


@pytest.mark.parametrize("link", ["mkdocs.yml", "docs", "graphbuild-exports"])
def test_render_does_not_write_through_links_in_out(small_site, tmp_path, link: str) -> None:
    """An existing ``OUT/mkdocs.yml`` linked to the source config: render overwrote the
    source with the plugin-less config. ``OUT/docs`` as a link stopped render with an
    OSError. The staged exports' folder is replaced as ``OUT/docs`` is."""
    out = tmp_path / "tree"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("kept", encoding="utf-8")
    (out / link).symlink_to(small_site / "mkdocs.yml" if link == "mkdocs.yml" else elsewhere)
    before = _digests(small_site)
    assert _cli(small_site, "render", "--output", str(out)).returncode == 0
    assert _digests(small_site) == before and [p.name for p in elsewhere.iterdir()] == ["keep.txt"]
    assert not any((out / name).is_symlink() for name in ("mkdocs.yml", "docs", "graphbuild-exports"))
    assert (out / "graphbuild-exports/evidence/graph.json").is_file()
    assert "- graphbuild" not in (out / "mkdocs.yml").read_text(encoding="utf-8")


def test_render_copies_a_custom_dir_into_out_only(tmp_path) -> None:
    """``theme.custom_dir: ../x`` was copied to ``OUT/../x``."""
    from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site

    yml = MKDOCS_YML.replace("  font: false\n", "  font: false\n  custom_dir: ../theme-x\n")
    root = write_site(tmp_path / "src", {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": INDEX_MD})
    (tmp_path / "theme-x" / "partials").mkdir(parents=True)
    (tmp_path / "theme-x" / "partials" / "copyright.html").write_text("<p>CUSTOM-FOOTER</p>", encoding="utf-8")
    out = tmp_path / "a" / "tree"
    assert _cli(root, "render", "--output", str(out)).returncode == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["tree"], "written beside OUT"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "src", "theme-x"]
    site = build(out, strict=True)
    assert "CUSTOM-FOOTER" in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["docs", "graphbuild-exports", "graphbuild-parts.jsonl"])
def test_a_custom_dir_named_as_what_the_tree_holds_is_copied_elsewhere(tmp_path, name: str) -> None:
    """A ``custom_dir`` copied to where the tree keeps its pages, exports or parts would
    replace them (the staged exports: the site was finished without them)."""
    import yaml

    from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site

    yml = MKDOCS_YML.replace("  font: false\n", f"  font: false\n  custom_dir: {name}\n")
    if name == "docs":
        yml += "docs_dir: pages\n"
    pages = "pages" if name == "docs" else "docs"
    files = {"mkdocs.yml": yml, "references.bib": BIB, f"{pages}/index.md": INDEX_MD}
    root = write_site(tmp_path / "src", {**files, f"{name}/partials/copyright.html": "<p>CUSTOM-FOOTER</p>"})
    out = tmp_path / "tree"
    assert _cli(root, "render", "--output", str(out)).returncode == 0
    assert yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))["theme"]["custom_dir"] == "overrides"
    site = build(out, strict=True, site_dir=out / "site")
    assert _cli(root, "finish", str(out)).returncode == 0
    assert "CUSTOM-FOOTER" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "evidence/graph.json").is_file() and (site / "studies/pitt2013.bib").is_file()
    assert not (site / "partials").exists()


EMOJI_YML = """\
site_name: !ENV [GB_NO_SUCH_VARIABLE, "Emoji site"]
theme:
  name: material
  font: false
plugins:
  - search
  - graphbuild
markdown_extensions:
  - attr_list
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences
"""


def test_the_rendered_tree_keeps_yaml_tags_and_builds_as_the_source_does(tmp_path) -> None:
    """``!!python/name:`` and ``!ENV`` became ``null`` in the rendered mkdocs.yml, and
    Material's standard emoji setup failed: ``'NoneType' object is not callable``."""
    from .conftest import BIB, INDEX_MD, build, write_site

    page = INDEX_MD + "\nPeer support :material-account: helps.\n"  # an icon, drawn inline
    root = write_site(tmp_path / "src", {"mkdocs.yml": EMOJI_YML, "references.bib": BIB, "docs/index.md": page})
    source_site = build(root, strict=True, site_dir=tmp_path / "source-site")
    assert 'class="twemoji"' in (source_site / "index.html").read_text(encoding="utf-8")
    out = tmp_path / "tree"
    assert _cli(root, "render", "--output", str(out)).returncode == 0
    rendered = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "!!python/name:material.extensions.emoji.twemoji" in rendered
    assert "!ENV" in rendered and "GB_NO_SUCH_VARIABLE" in rendered
    site = build(out, strict=True)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="twemoji"' in html and "<title>Emoji site</title>" in html


def test_check_reads_env_tags_as_mkdocs_does(small_site, monkeypatch) -> None:
    from graphbuild.model.project import load_project

    yml = (small_site / "mkdocs.yml").read_text(encoding="utf-8")
    (small_site / "mkdocs.yml").write_text(yml + "docs_dir: !ENV [GB_DOCS, docs]\n", encoding="utf-8")
    assert load_project(small_site).docs_dir == small_site / "docs"
    (small_site / "pages").mkdir()
    monkeypatch.setenv("GB_DOCS", "pages")
    assert load_project(small_site).docs_dir == small_site / "pages"


# -- fonts from another host ------------------------------------------------------------------

FONT_WARNING = (
    "warning: option 'theme.font': Material loads its fonts from Google Fonts (fonts.googleapis.com) on every "
    "page; set 'font: false' to use the reader's own fonts, or enable Material's privacy plugin"
)


@pytest.mark.parametrize(
    ("theme", "line"),
    [
        pytest.param("theme:\n  name: material\n", 2, id="font-not-set"),
        pytest.param("theme:\n  name: material\n  font:\n    text: Inter\n", 4, id="font-chosen"),
        pytest.param("theme: material\n", 2, id="theme-as-a-name"),
        pytest.param("theme:\n  name: material\n  font: false\n", None, id="font-false"),
        pytest.param("theme:\n  name: mkdocs\n", None, id="another-theme"),
    ],
)
def test_check_warns_when_the_theme_fetches_fonts_from_another_host(small_site, theme: str, line: int | None) -> None:
    """Stock Material requests Google Fonts on every page; graphbuild promised nothing from
    other hosts and said nothing."""
    from .conftest import MKDOCS_YML

    yml = MKDOCS_YML.replace("theme:\n  name: material\n  font: false\n", theme)
    (small_site / "mkdocs.yml").write_text(yml, encoding="utf-8")
    result = _cli(small_site, "check")
    fonts = [out for out in result.stdout.splitlines() if "theme.font" in out]
    assert fonts == ([] if line is None else [f"mkdocs.yml:{line}: {FONT_WARNING}"])
    assert _cli(small_site, "check", "--strict").returncode == (0 if line is None else 1)


def test_check_knows_the_privacy_plugin_keeps_fonts_on_the_site(small_site) -> None:
    from .conftest import MKDOCS_YML

    yml = MKDOCS_YML.replace("  font: false\n", "").replace("  - search\n", "  - search\n  - privacy\n")
    (small_site / "mkdocs.yml").write_text(yml, encoding="utf-8")
    assert "theme.font" not in _cli(small_site, "check").stdout


def test_the_build_warns_when_the_theme_fetches_fonts_from_another_host(small_site, caplog) -> None:
    from .conftest import MKDOCS_YML, build

    (small_site / "mkdocs.yml").write_text(MKDOCS_YML.replace("  font: false\n", ""), encoding="utf-8")
    build(small_site, strict=False)
    assert f"graphbuild: mkdocs.yml:2: {FONT_WARNING}" in caplog.text
    with pytest.raises(Exception, match="BuildError"):
        build(small_site, strict=True)
