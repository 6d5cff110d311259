"""The bibliography: values, names, LaTeX, and a diagnostic with its line for each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphbuild.model.bibliography import BibliographyCache, parse_bibliography, parse_bibliography_bytes, resolve_value
from graphbuild.model.config import Config
from graphbuild.model.latex import decode
from graphbuild.model.names import parse_names


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        pytest.param("Mead, Shery and MacNeil, Cheryl", [("Mead", "Shery"), ("MacNeil", "Cheryl")], id="last-first"),
        pytest.param("Shery Mead", [("Mead", "Shery")], id="first-last"),
        pytest.param("{World Health Organization}", [("World Health Organization", "")], id="corporate"),
        pytest.param(
            "{Department of Health} and others", [("Department of Health", ""), ("others", "")], id="corporate-others"
        ),
        pytest.param("Ludwig van Beethoven", [("Beethoven", "Ludwig")], id="von-first-last"),
        pytest.param("de la Fontaine, Jean", [("Fontaine", "Jean")], id="von-last-first"),
        pytest.param(r"M{\"u}ller, J{\'o}zsef", [("Müller", "József")], id="accents"),
        pytest.param("Smith, Jr., John", [("Smith", "John")], id="suffix"),
        pytest.param("Anderson AND Sandy", [("Anderson", ""), ("Sandy", "")], id="capital-and"),
        pytest.param("{Barnes and Noble}", [("Barnes and Noble", "")], id="and-inside-braces"),
    ],
)
def test_names(field: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.family, p.given) for p in parse_names(field)] == expected


def test_von_particle_kept_for_citations() -> None:
    (person,) = parse_names("de la Fontaine, Jean")
    assert person.von == "de la" and person.surname == "de la Fontaine"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        pytest.param(r"Peer {Support}", "Peer Support", id="protective-braces"),
        pytest.param(r"{\'E}cole", "École", id="accent"),
        pytest.param(r"Research \& practice", "Research & practice", id="ampersand"),
        pytest.param("29--37", "29–37", id="en-dash"),
        pytest.param("yes---no", "yes—no", id="em-dash"),
        pytest.param(r"\textit{Peer} work", "Peer work", id="font-command"),
        pytest.param(r"50\% of", "50% of", id="percent"),
        pytest.param(r"50\% of {\'e} 7% more", "50% of é 7% more", id="bare-percent-with-commands"),
        pytest.param("plain title", "plain title", id="fast-path"),
        pytest.param(r"\ss{}", "ß", id="sharp-s"),
    ],
)
def test_decode(latex: str, text: str) -> None:
    assert decode(latex) == text


@pytest.mark.parametrize(
    ("raw", "value", "undefined"),
    [
        pytest.param("{Braced}", "Braced", [], id="braces"),
        pytest.param('"Quoted"', "Quoted", [], id="quotes"),
        pytest.param("2006", "2006", [], id="number"),
        pytest.param("apt", "Advances", [], id="string-macro"),
        pytest.param("APT", "Advances", [], id="macro-case-insensitive"),
        pytest.param('apt # " in Psychiatry"', "Advances in Psychiatry", [], id="concatenation"),
        pytest.param("jul", "July", [], id="month"),
        pytest.param("nosuch", "nosuch", ["nosuch"], id="undefined"),
    ],
)
def test_resolve_value(raw: str, value: str, undefined: list[str]) -> None:
    assert resolve_value(raw, {"apt": "Advances"}) == (value, undefined, "")


def _problems(text: str) -> list[tuple[int, str]]:
    _, diagnostics = parse_bibliography(text, "refs.bib", Config())
    return [(d.line, d.message) for d in diagnostics]


GOOD = "@article{good2001,\n  title = {Fine},\n  year = 2001,\n  design = {rct},\n}\n"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param(
            GOOD + "@article{bad2002,\n  title = {unclosed,\n}\n@book{ok, title={x}}\n",
            6,
            "malformed entry",
            id="malformed",
        ),
        pytest.param(GOOD + "@article{bad2002 title = {x}}\n", 6, "malformed entry", id="missing-comma"),
        pytest.param(GOOD + GOOD, 6, "duplicate key 'good2001' (first defined at line 1)", id="duplicate-key"),
        pytest.param(GOOD + GOOD.replace("good2001", "Good2001"), 6, "differs only in case", id="case-duplicate"),
        pytest.param(
            GOOD + "@article{m2003,\n  journal = nosuch,\n}\n",
            7,
            "undefined @string macro 'nosuch'",
            id="undefined-macro",
        ),
        pytest.param(
            GOOD + "@article{d2004,\n  title = {x},\n  design = {anecdote},\n}\n",
            8,
            "unknown design 'anecdote'",
            id="unknown-design",
        ),
        pytest.param(
            GOOD + "@article{f2005,\n  title = {x},\n  title = {y},\n}\n",
            6,
            "repeats field(s) title",
            id="duplicate-field",
        ),
        pytest.param(
            GOOD + "@misc{c2006,\n  title = {Mojibake\x92s and a DEL\x7f},\n  year = 2006,\n}\n",
            7,
            "field 'title' holds control characters, removed",
            id="control-characters",
        ),
        pytest.param(GOOD + "@misc{,\n  title = {No key},\n}\n", 6, "entry without a key", id="empty-key"),
        pytest.param(
            GOOD + "@incollection{x2007,\n  crossref = {good2001},\n}\n",
            7,
            "crossref is not followed",
            id="crossref",
        ),
    ],
)
def test_bad_entries_are_diagnostics_with_lines(text: str, line: int, fragment: str) -> None:
    problems = _problems(text)
    assert any(found == line and fragment in message for found, message in problems), problems


def test_good_entries_parse_without_problems() -> None:
    bibliography, diagnostics = parse_bibliography(GOOD, "refs.bib", Config())
    assert diagnostics == []
    study = bibliography["good2001"]
    assert (study.design, study.level, study.line, study.title) == ("rct", 2, 1, "Fine")


def test_parse_errors_stay_off_bibtexparsers_logger(caplog: pytest.LogCaptureFixture) -> None:
    _problems(GOOD + "@article{bad2002,\n  title = {unclosed,\n}\n")
    assert not [r for r in caplog.records if r.name.startswith("bibtexparser")]


def test_custom_scheme_changes_levels() -> None:
    config = Config(levels={1: ["rct"], 2: ["anecdote"]})
    bibliography, diagnostics = parse_bibliography(GOOD.replace("rct", "anecdote"), "r.bib", config)
    assert diagnostics == [] and bibliography["good2001"].level == 2


def test_cache_parses_unchanged_file_once(tmp_path: Path) -> None:
    file = tmp_path / "refs.bib"
    file.write_text(GOOD, encoding="utf-8")
    cache = BibliographyCache()
    first, _ = cache.load(file, "refs.bib", Config())
    second, _ = cache.load(file, "refs.bib", Config())
    assert cache.parses == 1 and first is second
    file.write_text(GOOD.replace("Fine", "Changed"), encoding="utf-8")
    third, _ = cache.load(file, "refs.bib", Config())
    assert cache.parses == 2 and third["good2001"].title == "Changed"


def test_bom_and_slugs_are_stable() -> None:
    bibliography, diagnostics = parse_bibliography("\ufeff" + GOOD + "@misc{Good:2001,title={y}}\n", "r.bib", Config())
    assert [s.slug for s in bibliography.studies.values()] == ["good2001", "good-2001"]


def test_fields_commented_out_with_percent_are_skipped_even_when_repeated() -> None:
    text = "@article{c2001,\n  title = {Kept},\n  % url = {a},\n  % url = {b},\n  design = {rct},\n}\n"
    bibliography, diagnostics = parse_bibliography(text, "refs.bib", Config())
    assert diagnostics == [] and bibliography["c2001"].title == "Kept" and "% url" not in bibliography["c2001"].fields


def test_control_characters_are_removed_from_values() -> None:
    bibliography, _ = parse_bibliography("@misc{c1,\n  title = {A\x00B\x9fC\tD},\n}\n", "r.bib", Config())
    assert bibliography["c1"].title == "ABC D"


def test_bytes_that_are_not_utf8_are_warnings_on_their_lines(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    bib.write_bytes(GOOD.encode() + b"@misc{latin2002,\n  title = {Caf\xe9},\n  note = {na\xefve},\n}\n")
    bibliography, diagnostics = BibliographyCache().load(bib, "references.bib", Config())
    assert [(d.line, d.severity.value) for d in diagnostics] == [(7, "warning"), (8, "warning")]
    assert "not valid UTF-8" in diagnostics[0].message
    assert bibliography["latin2002"].title == "Caf\ufffd"


def test_a_whole_file_in_another_encoding_is_reported_briefly(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    bib.write_bytes(b"".join(b"@misc{k%d,\n  title = {Caf\xe9},\n}\n" % i for i in range(40)))
    _, diagnostics = BibliographyCache().load(bib, "references.bib", Config())
    assert len(diagnostics) == 11 and "... and 30 more such lines" in diagnostics[-1].message


# -- a bibliography read a piece at a time reads as the whole -------------------------------

FIXTURE_BIBS = sorted((Path(__file__).parent / "fixtures" / "bib").glob("*.bib"))
CORPUS_BIBS = sorted((Path(__file__).resolve().parents[2] / "shared" / "corpus").rglob("*.bib"))
PIECES = """@string{jmh = {Journal of Mental Health}}
@article{a2001, title = {First}, journal = jmh, month = oct, design = {rct}}
@article{b2002, title = {Second {with} braces}, year = 2002}

@article{a2001, title = {A repeat of a key from an earlier piece}}
@article{broken2003, title = {Never closed,
@article{c2004, title = {After the broken one}, note = {a \\{ brace}}
} @article{d2005, title = {Starts on the line the one before ends on}}
@misc{A2001, title = {Differs only in case}}
@article{e2006, title = {Repeats}, title = {a field}}
@string{late = {A macro defined after entries}}
@misc{f2007, title = late}
@article{g2008, title = {No end}
"""


def _facts(result: tuple) -> tuple[list, list[str]]:
    bibliography, diagnostics = result
    studies = [
        (s.key, s.entry_type, s.fields, s.as_written, s.line, s.design, s.level, s.slug)
        for s in bibliography.studies.values()
    ]
    return studies, [str(d) for d in diagnostics]


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=p.name) for p in FIXTURE_BIBS] + [pytest.param(p, id=f"corpus-{p.name}") for p in CORPUS_BIBS],
)
@pytest.mark.parametrize("piece", [1, 40, 2000])
def test_a_file_read_in_pieces_reads_as_the_whole(path: Path, piece: int) -> None:
    """Pieces of one line, of a few and of many entries, against one piece of the whole:
    every study, value, line, slug and diagnostic the same (malformed entries, duplicate
    keys and fields, BOMs and @string macros in the fixtures and the corpus)."""
    data = path.read_bytes()
    whole = _facts(parse_bibliography_bytes(data, "r.bib", Config(), piece=1 << 40))
    assert _facts(parse_bibliography_bytes(data, "r.bib", Config(), piece=piece)) == whole


@pytest.mark.parametrize("piece", [1, 30, 90, 200, 1 << 20])
def test_pieces_end_anywhere_in_a_hostile_file(piece: int) -> None:
    """A piece ending inside an unclosed entry, a key repeated across pieces, an entry
    starting on the line the one before ends on, a macro defined after the entries that
    use it, bytes that are not UTF-8 in a later piece: as the whole reads them."""
    data = ("\ufeff" + PIECES).encode() + b"@misc{h2009, title = {Caf\xe9}}\n"
    whole = _facts(parse_bibliography_bytes(data, "r.bib", Config(), piece=1 << 40))
    assert _facts(parse_bibliography_bytes(data, "r.bib", Config(), piece=piece)) == whole
    studies, diagnostics = whole
    assert {s[0] for s in studies} >= {"a2001", "b2002", "c2004", "e2006", "f2007", "h2009"}
    assert any("duplicate key 'a2001' (first defined at line 2)" in d for d in diagnostics)
    assert any(":14: warning: not valid UTF-8" in d for d in diagnostics)
    assert (
        parse_bibliography(PIECES, "r.bib", Config(), piece=piece)[1]
        == parse_bibliography(PIECES, "r.bib", Config())[1]
    )


def test_bibtexparser_is_given_a_piece_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """What keeps the parse's memory to a piece's worth: bibtexparser never holds the whole
    text's blocks at once (a 15 MB export took 185 MB to parse whole)."""
    import bibtexparser

    from graphbuild.model import bibliography as module

    given: list[int] = []
    parse = bibtexparser.parse_string

    def recorded(text: str, *args: object, **kwargs: object) -> object:
        given.append(len(text))
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(module.bibtexparser, "parse_string", recorded)
    entry = "@article{k%05d, title = {A title}, abstract = {%s}, design = {rct}}\n"
    data = "".join(entry % (i, "word " * 100) for i in range(400)).encode()
    bibliography, diagnostics = parse_bibliography_bytes(data, "r.bib", Config(), piece=10_000)
    assert len(bibliography) == 400 and not diagnostics
    assert len(given) > 10 and max(given) < 10_000 + len(entry) + 600


def test_a_packed_study_reads_as_before() -> None:
    """Studies no page cites are held compressed; asked for, their fields are as parsed."""
    text = "@string{jmh = {J. Ment. Health}}\n@article{k1, title = {Caf{\\'e} \\& more}, journal = jmh, month = oct}\n"
    bibliography, _ = parse_bibliography(text, "r.bib", Config())
    study = bibliography["k1"]
    fields, written = dict(study.fields), dict(study.as_written)
    study.pack()
    assert "fields" not in vars(study) and "as_written" not in vars(study)
    assert study.fields == fields and study.as_written == written and study.title == "Café & more"
    study.pack()
    assert study == parse_bibliography(text, "r.bib", Config())[0]["k1"]


def test_uncited_studies_are_packed_and_a_later_citation_unpacks_them(site: Path) -> None:
    from graphbuild.model.project import load_project, read_knowledge_base

    cache = BibliographyCache()
    kb, _ = read_knowledge_base(load_project(site), cache)
    uncited = [s for k, s in kb.bibliography.studies.items() if k not in kb.cited]
    assert uncited and all("_packed" in vars(s) for s in uncited)
    assert all("fields" in vars(s) for s in kb.cited.values())
    page = site / "docs" / "index.md"
    key = uncited[0].key
    page.write_text(page.read_text() + f"\nNow cited [@{key}].\n")
    again, _ = read_knowledge_base(load_project(site), cache)
    assert again.bibliography is kb.bibliography and key in again.cited
    assert again.cited[key].title and "fields" in vars(again.cited[key])
