"""Citation styles: the built-in APA and Vancouver forms, a site's own CSL file (with its
cache), in-text forms and the numbering of a numeric style's reference list."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphbuild.formats.site_style import load_style
from graphbuild.formats.styles import (
    AUTHOR_YEAR,
    NUMERIC,
    ApaStyle,
    CiteItem,
    Reference,
    VancouverStyle,
    apa_authors,
    apa_person,
    edition_words,
    nlm_pages,
    number_citations,
    vancouver_names,
    vancouver_person,
)
from graphbuild.model.bibliography import Bibliography, load_bibliography, parse_bibliography
from graphbuild.model.config import Config, ConfigError
from graphbuild.model.formatting import reference_parts
from graphbuild.model.names import parse_names, parse_person

FIXTURES = Path(__file__).parent / "fixtures"
CSL = FIXTURES / "csl"


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    bibliography, diagnostics = load_bibliography(FIXTURES / "bib" / "citations.bib", "citations.bib", Config())
    assert diagnostics == []
    return bibliography


def _study(text: str):
    bibliography, _ = parse_bibliography(text, "refs.bib", Config())
    return next(iter(bibliography.studies.values()))


# -- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "apa", "vancouver"),
    [
        pytest.param("Mead, Shery", "Mead, S.", "Mead S", id="plain"),
        pytest.param("Rothbard, Aileen B.", "Rothbard, A. B.", "Rothbard AB", id="middle-initial"),
        pytest.param("Sartre, Jean-Paul", "Sartre, J.-P.", "Sartre JP", id="hyphenated"),
        pytest.param("van Gogh, Vincent", "van Gogh, V.", "van Gogh V", id="von"),
        pytest.param("Smith, Jr., John", "Smith, J., Jr.", "Smith J Jr", id="suffix"),
        pytest.param(r"M{\"u}ller, J{\'o}zsef", "Müller, J.", "Müller J", id="latex"),
        pytest.param("{Department of Health}", "Department of Health", "Department of Health", id="organisation"),
        pytest.param("Plato", "Plato", "Plato", id="one-name"),
    ],
)
def test_person(name: str, apa: str, vancouver: str) -> None:
    person = parse_person(name)
    assert (apa_person(person), vancouver_person(person)) == (apa, vancouver)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        pytest.param("Mead, S.", "Mead, S.", id="one"),
        pytest.param("Mead, S. and MacNeil, C.", "Mead, S., & MacNeil, C.", id="two"),
        pytest.param("A, A. and B, B. and C, C.", "A, A., B, B., & C, C.", id="three"),
        pytest.param("Mead and MacNeil", "Mead & MacNeil", id="two-without-initials"),
        pytest.param("Pitt, V. and Lowe, D. and others", "Pitt, V., Lowe, D., et al.", id="others"),
        pytest.param(
            " and ".join(f"N{i}, A." for i in range(1, 23)),
            ", ".join(f"N{i}, A." for i in range(1, 20)) + ", . . . N22, A.",
            id="twenty-two",
        ),
    ],
)
def test_apa_authors(field: str, expected: str) -> None:
    assert apa_authors(parse_names(field)) == expected


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        pytest.param("Mead, S. and MacNeil, C.", "Mead S, MacNeil C", id="two"),
        pytest.param(
            " and ".join(f"N{i}, A." for i in range(1, 7)), ", ".join(f"N{i} A" for i in range(1, 7)), id="six"
        ),
        pytest.param(
            " and ".join(f"N{i}, A." for i in range(1, 8)),
            ", ".join(f"N{i} A" for i in range(1, 7)) + ", et al.",
            id="seven",
        ),
        pytest.param("Pitt, V. and others", "Pitt V, et al.", id="others"),
    ],
)
def test_vancouver_names(field: str, expected: str) -> None:
    assert vancouver_names(parse_names(field)) == expected


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        pytest.param(("284", "287"), "284-7", id="elided"),
        pytest.param(("29", "37"), "29-37", id="differ-at-first-digit"),
        pytest.param(("1021", "1025"), "1021-5", id="four-digits"),
        pytest.param(("98", "102"), "98-102", id="lengths-differ"),
        pytest.param(("S1", "S10"), "S1-S10", id="letters"),
        pytest.param(("e1002", ""), "e1002", id="one-page"),
    ],
)
def test_nlm_pages(pages: tuple[str, str], expected: str) -> None:
    assert nlm_pages(pages) == expected


@pytest.mark.parametrize(
    ("edition", "expected"),
    [
        pytest.param("2", "2nd ed.", id="number"),
        pytest.param("11", "11th ed.", id="eleventh"),
        pytest.param("21", "21st ed.", id="twenty-first"),
        pytest.param("Second", "Second ed.", id="word"),
        pytest.param("3rd rev. ed.", "3rd rev. ed.", id="already-says-ed"),
        pytest.param("", "", id="none"),
    ],
)
def test_edition_words(edition: str, expected: str) -> None:
    assert edition_words(edition) == expected


# -- whole references ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "apa", "vancouver"),
    [
        pytest.param(
            "min2007",
            "Min, S.-Y., Whitecraft, J., Rothbard, A. B., & Salzer, M. S. (2007). Peer Support for Persons with "
            "Co-Occurring Disorders and Community Tenure: a survival analysis. Psychiatric Rehabilitation Journal, "
            "30(3), 207–213. https://doi.org/10.2975/30.3.2007.207.213",
            "Min SY, Whitecraft J, Rothbard AB, Salzer MS. Peer Support for Persons with Co-Occurring Disorders and "
            "Community Tenure: a survival analysis. Psychiatric Rehabilitation Journal. 2007;30(3):207-13. "
            "doi:10.2975/30.3.2007.207.213",
            id="article",
        ),
        pytest.param(
            "vangogh2001",
            "van Gogh, V., Smith, J., Jr., Müller, J., Sartre, J.-P., Doe, J., Roe, R., & Poe, E. A. (2001). "
            "Seven Authors & an Ampersand. Journal of Tests, 12, 1021–1025.",
            "van Gogh V, Smith J Jr, Müller J, Sartre JP, Doe J, Roe R, et al. Seven Authors & an Ampersand. "
            "Journal of Tests. 2001;12:1021-5.",
            id="article-seven-authors",
        ),
        pytest.param(
            "repper2013",
            "Repper, J., & Carter, T. (Eds.). (2013). Peer Support Workers: Theory and Practice (2nd ed.). ImROC.",
            "Repper J, Carter T, editors. Peer Support Workers: Theory and Practice. 2nd ed. London: ImROC; 2013.",
            id="edited-book",
        ),
        pytest.param(
            "davidson2006",
            "Davidson, L., et al. (2006). Peer support among adults. In M. Chinman (Ed.), Recovery in Practice "
            "(pp. 93–113). Oxford University Press.",
            "Davidson L, et al. Peer support among adults. In: Chinman M, editor. Recovery in Practice. "
            "Oxford: Oxford University Press; 2006. p. 93-113.",
            id="chapter",
        ),
        pytest.param(
            "holley2015",
            "Holley, J. (2015). Peer workers and organisational change [Doctoral dissertation, St George's, "
            "University of London].",
            "Holley J. Peer workers and organisational change [dissertation]. St George's, University of London; 2015.",
            id="thesis",
        ),
        pytest.param(
            "dh2011",
            "Department of Health. (2011). No Health Without Mental Health (Report No. DH-123).",
            "Department of Health. No Health Without Mental Health. Department of Health; 2011. Report No.: DH-123.",
            id="report-author-is-publisher",
        ),
        pytest.param(
            "daniels2010",
            # its note ("Summit report") is the editors' caveat, shown beside the reference, not in it
            "Daniels, A., & Grant, E. (2010). Pillars of Peer Support. https://www.pillarsofpeersupport.org",
            "Daniels A, Grant E. Pillars of Peer Support [Internet]. 2010. "
            "Available from: https://www.pillarsofpeersupport.org",
            id="web-document",
        ),
        pytest.param(
            "hostile2020",
            'Evil, E. (in press). A "quoted" </script><script>alert(1)</script> title.',
            'Evil E. A "quoted" </script><script>alert(1)</script> title. in press.',
            id="javascript-url-left-out",
        ),
    ],
)
def test_references(bib: Bibliography, key: str, apa: str, vancouver: str) -> None:
    assert ApaStyle().reference(bib[key]).text == apa
    assert VancouverStyle().reference(bib[key]).text == vancouver


def test_apa_keeps_the_reference_parts_the_pages_show(bib: Bibliography) -> None:
    """The default style is today's reference, from the same parts; only the author list
    (APA's commas and ampersand) and the link at the end are new."""
    study = bib["min2007"]
    parts = reference_parts(study)
    segments = dict((role, text) for role, text in ApaStyle().reference(study).segments if role)
    assert segments == {
        "authors": "Min, S.-Y., Whitecraft, J., Rothbard, A. B., & Salzer, M. S.",
        "year": parts["year"],
        "title": parts["title"],
        "container": parts["container"],
        "doi": "https://doi.org/10.2975/30.3.2007.207.213",
    }


@pytest.mark.parametrize("style", [ApaStyle(), VancouverStyle()], ids=["apa", "vancouver"])
def test_without_links_drops_the_doi_and_url_only(bib: Bibliography, style) -> None:
    for study in bib.studies.values():
        full = style.reference(study)
        bare = full.without_links()
        assert not {role for role, _ in bare.segments} & {"doi", "url"}
        assert full.text.startswith(bare.text) and bare.text == bare.text.rstrip()
    assert "doi" not in ApaStyle().reference(bib["min2007"]).without_links().text


def test_title_punctuation_is_not_doubled() -> None:
    study = _study("@article{k, author = {A, B.}, title = {Why?}, journal = {J}, year = 2000}")
    assert ApaStyle().reference(study).text == "A, B. (2000). Why? J."
    assert VancouverStyle().reference(study).text == "A B. Why? J. 2000."


def test_entry_without_author_or_year() -> None:
    study = _study("@misc{k, title = {Untitled work}}")
    assert ApaStyle().reference(study).text == "(n.d.). Untitled work."
    assert VancouverStyle().reference(study).text == "Untitled work. [date unknown]."


def test_invalid_doi_is_not_a_link() -> None:
    study = _study("@article{k, title = {T}, journal = {J}, year = 2000, doi = {javascript:alert(1)}}")
    for style in (ApaStyle(), VancouverStyle()):
        assert "javascript" not in style.reference(study).text


# -- in the text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "items", "expected"),
    [
        pytest.param(AUTHOR_YEAR, [CiteItem("Mead & MacNeil, 2006")], "(Mead & MacNeil, 2006)", id="apa-one"),
        pytest.param(
            AUTHOR_YEAR,
            [CiteItem("Mead & MacNeil, 2006", "p. 4"), CiteItem("Pitt et al., 2013", prefix="see")],
            "(Mead & MacNeil, 2006, p. 4; see Pitt et al., 2013)",
            id="apa-locator-prefix",
        ),
        pytest.param(NUMERIC, [CiteItem("1"), CiteItem("3")], "(1,3)", id="vancouver"),
        pytest.param(NUMERIC, [CiteItem("1", "p. 4"), CiteItem("3")], "(1, p. 4; 3)", id="vancouver-locator"),
    ],
)
def test_inline_text(form, items: list[CiteItem], expected: str) -> None:
    assert form.text(items) == expected


def test_inline_form_wraps_markup_alike() -> None:
    links = [NUMERIC.item('<a href="#ref-1">1</a>'), NUMERIC.item('<a href="#ref-2">2</a>', "p. 4")]
    assert NUMERIC.wrap(links, any_locator=True) == '(<a href="#ref-1">1</a>; <a href="#ref-2">2</a>, p. 4)'


def test_styles_say_whether_they_number() -> None:
    assert not ApaStyle().numeric and VancouverStyle().numeric


# -- numbering a page ------------------------------------------------------------------------


def test_number_citations_in_order_of_first_citation(bib: Bibliography) -> None:
    cited = ["min2007", "dh2011", "nosuch", "min2007", "repper2013", "dh2011", "nosuch", "other"]
    page = number_citations(cited, bib.studies, VancouverStyle())
    assert page.numbers == {"min2007": 1, "dh2011": 2, "repper2013": 3}
    assert [(e.number, e.key) for e in page.entries] == [(1, "min2007"), (2, "dh2011"), (3, "repper2013")]
    assert page.entries[0].reference == VancouverStyle().reference(bib["min2007"])
    assert page.unknown == ("nosuch", "other")


def test_number_citations_of_a_page_without_citations(bib: Bibliography) -> None:
    page = number_citations([], bib.studies, VancouverStyle())
    assert (page.numbers, page.entries, page.unknown) == ({}, (), ())


# -- choosing a style ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"),
    [
        pytest.param(None, "apa", id="default"),
        pytest.param("", "apa", id="empty"),
        pytest.param("apa", "apa", id="apa"),
        pytest.param("Vancouver", "vancouver", id="any-case"),
    ],
)
def test_load_style(value: str | None, name: str) -> None:
    assert load_style(value, Path(".")).name == name


def test_unknown_style_names_the_option() -> None:
    with pytest.raises(ConfigError) as raised:
        load_style("chicago", Path("."))
    assert str(raised.value) == (
        "option 'citation_style': unknown style 'chicago' (known: apa, vancouver, or a .csl file)"
    )


def test_issue_without_volume() -> None:
    study = _study("@article{k, author = {A, B.}, title = {T}, journal = {J}, number = 3, pages = {CD1}, year = 2013}")
    assert ApaStyle().reference(study).text == "A, B. (2013). T. J, (3), CD1."
    assert VancouverStyle().reference(study).text == "A B. T. J. 2013;(3):CD1."


def test_vancouver_web_address_of_a_report_without_doi() -> None:
    study = _study(
        "@techreport{k, author = {A, B.}, title = {T}, institution = {I}, url = {https://x.org/t}, year = 2013}"
    )
    assert VancouverStyle().reference(study).text == "A B. T [Internet]. I; 2013. Available from: https://x.org/t"


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        pytest.param((("", "J. "), ("doi", "doi:10.1/x"), ("", ".")), "J.", id="closing-stop-dropped"),
        pytest.param((("", "J"), ("doi", "doi:10.1/x"), ("", ".")), "J.", id="stop-kept-when-needed"),
        pytest.param((("", "J. "), ("url", "https://x.org"), ("", " [cited]")), "J. [cited]", id="text-after"),
        pytest.param((("title", "T"), ("", " "), ("doi", "https://doi.org/10.1/x")), "T", id="trailing-space"),
        pytest.param((("", "Nothing to drop."),), "Nothing to drop.", id="no-links"),
    ],
)
def test_without_links(segments: tuple, expected: str) -> None:
    assert Reference(segments).without_links().text == expected
