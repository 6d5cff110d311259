"""Citation exports, read back with real parsers: bibtexparser for BibTeX, rispy for RIS and
a strict line check, ``json`` for CSL-JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest
import rispy

from graphbuild.formats.records import (
    CSL_TYPES,
    RIS_TYPES,
    bibtex,
    bibtex_entry,
    csl_item,
    csl_json,
    excluded_fields,
    page_range,
    publication_date,
    ris,
    ris_fields,
    ris_record,
)
from graphbuild.model.bibliography import Bibliography, load_bibliography, parse_bibliography, written_value
from graphbuild.model.config import Config

FIXTURE = Path(__file__).parent / "fixtures" / "bib" / "citations.bib"
RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - (\S.*)?$")


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    bibliography, diagnostics = load_bibliography(FIXTURE, "citations.bib", Config())
    assert diagnostics == []
    return bibliography


def _one(text: str) -> Bibliography:
    bibliography, _ = parse_bibliography(text, "refs.bib", Config())
    return bibliography


# -- values as written -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "resolved", "written"),
    [
        pytest.param("{Peer {Support}}", "Peer {Support}", "{Peer {Support}}", id="braces-kept"),
        pytest.param('"Quoted"', "Quoted", '"Quoted"', id="quotes-kept"),
        pytest.param("2006", "2006", "2006", id="bare-number"),
        pytest.param("jul", "July", "jul", id="month-macro-is-bibtex-own"),
        pytest.param("psr", "Psychiatric", "{Psychiatric}", id="string-macro-expanded"),
        pytest.param('psr # " Journal"', "Psychiatric Journal", "{Psychiatric Journal}", id="concatenation-expanded"),
        pytest.param(r"{M{\"u}ller}", r"M{\"u}ller", r"{M{\"u}ller}", id="latex-kept"),
    ],
)
def test_written_value(raw: str, resolved: str, written: str) -> None:
    assert written_value(raw, resolved) == written


# -- BibTeX ----------------------------------------------------------------------------------


def test_bibtex_entry_keeps_values_as_written(bib: Bibliography) -> None:
    text = bibtex_entry(bib["vangogh2001"])
    assert r"M{\"u}ller, J{\'o}zsef" in text and r"Seven Authors \& an Ampersand" in text
    assert "pages = {1021--1025}" in text


def test_bibtex_drops_graphbuild_and_reference_manager_fields(bib: Bibliography) -> None:
    (entry,) = bibtexparser.parse_string(bibtex_entry(bib["min2007"])).entries
    names = {f.key for f in entry.fields}
    assert not names & {"design", "file", "owner", "timestamp"}
    assert {"author", "title", "journal", "month", "keywords"} <= names


def test_bibtex_extra_excluded_fields_any_case(bib: Bibliography) -> None:
    (entry,) = bibtexparser.parse_string(bibtex_entry(bib["min2007"], exclude=["Keywords", " DOI "])).entries
    assert not {f.key for f in entry.fields} & {"keywords", "doi", "design"}
    assert excluded_fields(["X"]) == {"design", "file", "owner", "timestamp", "x"}


def test_bibtex_export_reparses_to_the_same_studies(bib: Bibliography) -> None:
    """The whole list parses with bibtexparser, and with graphbuild itself to the same values:
    the @string macro was expanded, so each entry stands alone."""
    text = bibtex(bib.studies.values())
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and library.strings == []
    assert [e.key for e in library.entries] == list(bib.studies)
    again, diagnostics = parse_bibliography(text, "export.bib", Config())
    assert diagnostics == []
    for key, study in bib.studies.items():
        dropped = excluded_fields()
        assert again[key].fields == {k: v for k, v in study.fields.items() if k not in dropped}
        assert again[key].entry_type == study.entry_type


def test_bibtex_of_a_study_built_by_hand_braces_its_values() -> None:
    study = _one("@misc{x,\n title = {T},\n}\n")["x"]
    study.as_written.clear()
    assert bibtex_entry(study) == "@misc{x,\n  title = {T}\n}\n"


# -- RIS -------------------------------------------------------------------------------------


def test_ris_lines_are_strict(bib: Bibliography) -> None:
    text = ris(bib.studies.values())
    records = [r for r in text.split("\r\n\r\n")]
    assert len(records) == len(bib)
    for record in records:
        lines = record.rstrip("\r\n").split("\r\n")
        assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
        assert all(RIS_LINE.match(line) for line in lines), lines
    assert "\n" not in text.replace("\r\n", "")


def test_ris_reads_back_with_rispy(bib: Bibliography) -> None:
    records = rispy.loads(ris(bib.studies.values()))
    by_title = {r["title"]: r for r in records}
    article = by_title["Peer Support for Persons with Co-Occurring Disorders and Community Tenure: a survival analysis"]
    assert article["type_of_reference"] == "JOUR"
    assert article["authors"] == ["Min, Sae-Young", "Whitecraft, Jeanie", "Rothbard, Aileen B.", "Salzer, Mark S."]
    assert (article["year"], article["volume"], article["number"]) == ("2007", "30", "3")
    assert (article["start_page"], article["end_page"]) == ("207", "213")
    assert article["journal_name"] == "Psychiatric Rehabilitation Journal"
    assert article["doi"] == "10.2975/30.3.2007.207.213"
    book = by_title["Peer Support Workers: Theory and Practice"]
    assert book["type_of_reference"] == "BOOK"
    assert book["publisher"] == "ImROC" and book["issn"] == "978-0-00-000000-2"
    assert by_title["Seven Authors & an Ampersand"]["authors"][0] == "van Gogh, Vincent"
    assert by_title["Seven Authors & an Ampersand"]["authors"][1] == "Smith, John, Jr."


@pytest.mark.parametrize(
    ("entry_type", "ris_type", "csl_type"),
    [
        pytest.param("article", "JOUR", "article-journal", id="article"),
        pytest.param("book", "BOOK", "book", id="book"),
        pytest.param("incollection", "CHAP", "chapter", id="incollection"),
        pytest.param("inbook", "CHAP", "chapter", id="inbook"),
        pytest.param("inproceedings", "CPAPER", "paper-conference", id="inproceedings"),
        pytest.param("phdthesis", "THES", "thesis", id="phdthesis"),
        pytest.param("mastersthesis", "THES", "thesis", id="mastersthesis"),
        pytest.param("techreport", "RPRT", "report", id="techreport"),
        pytest.param("report", "RPRT", "report", id="report"),
        pytest.param("online", "ELEC", "webpage", id="online"),
        pytest.param("unpublished", "UNPB", "manuscript", id="unpublished"),
        pytest.param("misc", "GEN", "document", id="misc"),
        pytest.param("nosuchtype", "GEN", "document", id="unknown-type"),
    ],
)
def test_entry_types(entry_type: str, ris_type: str, csl_type: str) -> None:
    study = _one(f"@{entry_type}{{k,\n title = {{T}},\n}}\n")["k"]
    assert ris_fields(study)[0] == ("TY", ris_type)
    assert csl_item(study)["type"] == csl_type
    assert set(RIS_TYPES) == set(CSL_TYPES)


def test_ris_values_stay_on_one_line() -> None:
    study = _one("@misc{k,\n title = {Two\n\nlines ER  - \nTY  - JOUR},\n abstract = {A\nB},\n}\n")["k"]
    record = ris_record(study)
    assert record.count("\r\n") == len(ris_fields(study))
    assert ("TI", "Two lines ER - TY - JOUR") in ris_fields(study)


def test_ris_and_csl_link_only_http_urls(bib: Bibliography) -> None:
    hostile = bib["hostile2020"]
    assert not any(tag == "UR" for tag, _ in ris_fields(hostile))
    assert "URL" not in csl_item(hostile)
    assert ("UR", "https://www.pillarsofpeersupport.org") in ris_fields(bib["daniels2010"])


# -- CSL-JSON --------------------------------------------------------------------------------


def test_csl_json_reads_back(bib: Bibliography) -> None:
    items = json.loads(csl_json(bib.studies.values()))
    assert [i["id"] for i in items] == list(bib.studies)
    by_id = {i["id"]: i for i in items}
    assert by_id["min2007"]["issued"] == {"date-parts": [[2007, 1]]}
    assert by_id["min2007"]["container-title"] == "Psychiatric Rehabilitation Journal"
    assert by_id["min2007"]["page"] == "207-213"
    assert by_id["vangogh2001"]["author"][:3] == [
        {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
        {"family": "Müller", "given": "József"},
    ]
    assert by_id["vangogh2001"]["title"] == "Seven Authors & an Ampersand"
    assert by_id["dh2011"]["author"] == [{"literal": "Department of Health"}]
    assert by_id["dh2011"]["number"] == "DH-123" and "issue" not in by_id["dh2011"]
    assert by_id["repper2013"]["editor"][0] == {"family": "Repper", "given": "Julie"}
    assert by_id["holley2015"]["genre"] == "PhD thesis"
    assert by_id["hostile2020"]["issued"] == {"literal": "in press"}
    assert "design" not in json.dumps(items)


def test_csl_json_leaves_out_others(bib: Bibliography) -> None:
    assert csl_item(bib["davidson2006"])["author"] == [{"family": "Davidson", "given": "Larry"}]


@pytest.mark.parametrize(
    ("fields", "date"),
    [
        pytest.param("year = 2006", (2006,), id="year"),
        pytest.param("year = 2006, month = jul", (2006, 7), id="month-macro"),
        pytest.param("year = 2006, month = {7}", (2006, 7), id="month-number"),
        pytest.param("year = 2006, month = {Sept.}", (2006, 9), id="month-abbreviation"),
        pytest.param("year = 2006, month = {13}", (2006,), id="month-out-of-range"),
        pytest.param("date = {2006-03-01}", (2006, 3, 1), id="biblatex-date"),
        pytest.param("date = {2006/2007}", (2006,), id="date-range"),
        pytest.param("year = {in press}", (), id="not-a-year"),
        pytest.param("title = {no date}", (), id="none"),
    ],
)
def test_publication_date(fields: str, date: tuple[int, ...]) -> None:
    assert publication_date(_one(f"@misc{{k, {fields}}}\n")["k"]) == date


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        pytest.param("29--37", ("29", "37"), id="double-dash"),
        pytest.param("29-37", ("29", "37"), id="hyphen"),
        pytest.param("29 – 37", ("29", "37"), id="en-dash-spaced"),
        pytest.param("e1002", ("e1002", ""), id="one-page"),
        pytest.param("S1--S10", ("S1", "S10"), id="letters"),
    ],
)
def test_page_range(pages: str, expected: tuple[str, str]) -> None:
    assert page_range(_one(f"@misc{{k, pages = {{{pages}}}}}\n")["k"]) == expected


def test_bibtex_leaves_out_control_characters_removed_at_load() -> None:
    study = _one("@misc{k,\n title = {Bell\x07 and DEL\x7f},\n}\n")["k"]
    assert "title = {Bell and DEL}" in bibtex_entry(study)
