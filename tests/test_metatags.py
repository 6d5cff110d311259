"""Highwire ``citation_*`` meta tags: present where the entry has the fact, and escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from graphbuild.formats.metatags import citation_meta, meta_tags_html
from graphbuild.model.bibliography import Bibliography, load_bibliography, parse_bibliography
from graphbuild.model.config import Config

FIXTURE = Path(__file__).parent / "fixtures" / "bib" / "citations.bib"


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    bibliography, _ = load_bibliography(FIXTURE, "citations.bib", Config())
    return bibliography


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(markup: str) -> Elements:
    parser = Elements()
    parser.feed(markup)
    parser.close()
    return parser


def test_journal_article_has_every_tag(bib: Bibliography) -> None:
    assert citation_meta(bib["min2007"]) == [
        (
            "citation_title",
            "Peer Support for Persons with Co-Occurring Disorders and Community Tenure: a survival analysis",
        ),
        ("citation_author", "Min, Sae-Young"),
        ("citation_author", "Whitecraft, Jeanie"),
        ("citation_author", "Rothbard, Aileen B."),
        ("citation_author", "Salzer, Mark S."),
        ("citation_publication_date", "2007/01"),
        ("citation_journal_title", "Psychiatric Rehabilitation Journal"),
        ("citation_volume", "30"),
        ("citation_issue", "3"),
        ("citation_firstpage", "207"),
        ("citation_lastpage", "213"),
        ("citation_doi", "10.2975/30.3.2007.207.213"),
    ]


@pytest.mark.parametrize(
    ("key", "expected", "absent"),
    [
        pytest.param(
            "repper2013",
            [
                ("citation_editor", "Repper, Julie"),
                ("citation_publisher", "ImROC"),
                ("citation_isbn", "978-0-00-000000-2"),
            ],
            ["citation_author", "citation_journal_title", "citation_issue"],
            id="book",
        ),
        pytest.param(
            "davidson2006",
            [
                ("citation_inbook_title", "Recovery in Practice"),
                ("citation_firstpage", "93"),
                ("citation_lastpage", "113"),
            ],
            ["citation_journal_title"],
            id="chapter",
        ),
        pytest.param(
            "holley2015",
            [("citation_dissertation_institution", "St George's, University of London")],
            ["citation_publisher"],
            id="thesis",
        ),
        pytest.param(
            "dh2011",
            [
                ("citation_author", "Department of Health"),
                ("citation_technical_report_institution", "Department of Health"),
                ("citation_technical_report_number", "DH-123"),
            ],
            ["citation_issue"],
            id="report",
        ),
        pytest.param(
            "vangogh2001",
            [("citation_author", "van Gogh, Vincent"), ("citation_author", "Müller, József")],
            ["citation_issue", "citation_doi"],
            id="von-and-accents",
        ),
        pytest.param("hostile2020", [], ["citation_publication_date"], id="year-in-press"),
    ],
)
def test_tags_where_the_entry_has_them(bib: Bibliography, key: str, expected: list, absent: list[str]) -> None:
    tags = citation_meta(bib[key])
    assert all(tag in tags for tag in expected), tags
    assert not {name for name, _ in tags} & set(absent)
    assert all(content and content == " ".join(content.split()) for _, content in tags)


def test_conference_paper() -> None:
    bibliography, _ = parse_bibliography(
        "@inproceedings{k, title = {T}, booktitle = {Proc. of X}, year = 2001, month = {3}}", "r.bib", Config()
    )
    tags = citation_meta(bibliography["k"])
    assert ("citation_conference_title", "Proc. of X") in tags
    assert ("citation_publication_date", "2001/03") in tags


HOSTILE = r"""
@article{evil,
  author = {"><script>alert(1)</script> and O'Brien, Flann},
  title = {A "quoted" </script><script>alert(1)</script> title' onmouseover='alert(1)},
  journal = {javascript:alert(1)},
  doi = {10.1/x"><img src=x onerror=alert(1)>},
  year = 2020,
}
"""


def test_hostile_values_stay_inert() -> None:
    bibliography, _ = parse_bibliography(HOSTILE, "r.bib", Config())
    tags = citation_meta(bibliography["evil"])
    markup = meta_tags_html(tags)
    parsed = _parsed(markup)
    assert [tag for tag, _ in parsed.elements] == ["meta"] * len(tags)
    assert [(attrs["name"], attrs["content"]) for _, attrs in parsed.elements] == tags
    assert all(set(attrs) == {"name", "content"} for _, attrs in parsed.elements)
    assert "".join(parsed.text).strip() == ""
    assert "<script" not in markup and "<img" not in markup


def test_meta_tags_html_shape() -> None:
    assert (
        meta_tags_html([("citation_title", 'A & "B"')])
        == '<meta name="citation_title" content="A &amp; &quot;B&quot;">\n'
    )
    assert meta_tags_html([]) == ""
