"""A site's own CSL file through citeproc-py: the style's own forms, numbering left to the
page, and the content-addressed cache that makes a warm build cheap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphbuild.formats.site_style import load_style
from graphbuild.formats.styles import ApaStyle, CiteItem, number_citations
from graphbuild.model.bibliography import Bibliography, load_bibliography, parse_bibliography
from graphbuild.model.config import Config, ConfigError

FIXTURES = Path(__file__).parent / "fixtures"
CSL = FIXTURES / "csl"


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    bibliography, diagnostics = load_bibliography(FIXTURES / "bib" / "citations.bib", "citations.bib", Config())
    assert diagnostics == []
    return bibliography


# -- choosing a CSL file ---------------------------------------------------------------------


def test_load_style_from_a_csl_file() -> None:
    style = load_style("tiny-author-date.csl", CSL)
    assert (style.name, style.numeric) == ("tiny-author-date", False)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param("missing.csl", "cannot read", id="missing-file"),
        pytest.param("not-xml.csl", "is not a CSL style", id="not-xml"),
        pytest.param("dependent.csl", "is a dependent style", id="dependent"),
        pytest.param("citation-only.csl", "has no <bibliography>", id="no-bibliography"),
    ],
)
def test_bad_csl_file_names_the_option(tmp_path: Path, value: str, fragment: str) -> None:
    tiny = (CSL / "tiny-numeric.csl").read_text(encoding="utf-8")
    (tmp_path / "not-xml.csl").write_text("this is not <xml", encoding="utf-8")
    parent = '<info>\n    <link href="http://www.zotero.org/styles/apa" rel="independent-parent"/>'
    (tmp_path / "dependent.csl").write_text(tiny.replace("<info>", parent), encoding="utf-8")
    (tmp_path / "citation-only.csl").write_text(tiny[: tiny.index("  <bibliography>")] + "</style>\n", "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_style(value, tmp_path)
    assert str(raised.value).startswith("option 'citation_style': ") and fragment in str(raised.value)


def test_csl_author_date(bib: Bibliography) -> None:
    style = load_style("tiny-author-date.csl", CSL)
    assert not style.numeric
    assert style.inline.text([CiteItem("Mead, 2006"), CiteItem("Pitt, 2013")]) == "{Mead, 2006 | Pitt, 2013}"
    reference = style.reference(bib["min2007"])
    assert reference.text == (
        "Min S-Y, Whitecraft J, Rothbard AB, Salzer MS. 2007. PEER SUPPORT FOR PERSONS WITH CO-OCCURRING "
        "DISORDERS AND COMMUNITY TENURE: A SURVIVAL ANALYSIS. Psychiatric Rehabilitation Journal. "
        "doi:10.2975/30.3.2007.207.213."
    )
    assert ("doi", "doi:10.2975/30.3.2007.207.213") in reference.segments
    assert reference.without_links().text == reference.text.removesuffix(" doi:10.2975/30.3.2007.207.213.")


def test_csl_numeric_leaves_numbering_to_the_page(bib: Bibliography) -> None:
    style = load_style("tiny-numeric.csl", CSL)
    assert style.numeric and style.inline.text([CiteItem("1"), CiteItem("2")]) == "[1,2]"
    assert style.reference(bib["dh2011"]).text == "No Health Without Mental Health. 2011."
    page = number_citations(["dh2011", "min2007"], bib.studies, style)
    assert [e.reference.text for e in page.entries] == [
        "No Health Without Mental Health. 2011.",
        "Peer Support for Persons with Co-Occurring Disorders and Community Tenure: a survival analysis. 2007.",
    ]


def test_csl_cache_cold_then_warm(bib: Bibliography, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_style("tiny-author-date.csl", CSL, cache_dir=tmp_path)
    first = cold.references(bib.studies.values())
    assert (cold.hits, cold.misses) == (0, len(bib))
    cold.save()
    (cache_file,) = tmp_path.glob("csl-*.json")
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    assert len(stored["references"]) == len(bib)

    from graphbuild.formats.csl import CslStyle

    def no_processor(self, item):
        raise AssertionError("a warm build must not run citeproc")

    monkeypatch.setattr(CslStyle, "_format", no_processor)
    warm = load_style("tiny-author-date.csl", CSL, cache_dir=tmp_path)
    assert warm.references(bib.studies.values()) == first
    assert (warm.hits, warm.misses) == (len(bib), 0)
    before = cache_file.stat().st_mtime_ns
    warm.save()
    assert cache_file.stat().st_mtime_ns == before  # nothing changed, nothing written


def test_csl_cache_is_keyed_by_style_and_study(bib: Bibliography, tmp_path: Path) -> None:
    style_file = tmp_path / "mine.csl"
    style_file.write_bytes((CSL / "tiny-numeric.csl").read_bytes())
    cache = tmp_path / "cache"
    first = load_style("mine.csl", tmp_path, cache_dir=cache)
    first.references([bib["dh2011"], bib["min2007"]])
    first.save()

    changed, _ = parse_bibliography(
        "@techreport{dh2011, author = {{Department of Health}}, title = {A New Title}, year = 2011}", "r.bib", Config()
    )
    again = load_style("mine.csl", tmp_path, cache_dir=cache)
    assert again.reference(changed["dh2011"]).text == "A New Title. 2011."
    assert (again.hits, again.misses) == (0, 1)
    again.save()
    stored = json.loads(next(cache.glob("csl-*.json")).read_text(encoding="utf-8"))
    assert list(stored["references"].values()) == ["A New Title. 2011."]  # unused entries pruned

    style_file.write_text(style_file.read_text(encoding="utf-8").replace('suffix=". "', 'suffix=" "'), "utf-8")
    load_style("mine.csl", tmp_path, cache_dir=cache).save()
    assert len(list(cache.glob("csl-*.json"))) == 1  # nothing formatted, nothing written
    edited = load_style("mine.csl", tmp_path, cache_dir=cache)
    edited.reference(bib["dh2011"])
    edited.save()
    assert len(list(cache.glob("csl-*.json"))) == 2  # another style, another file


def test_csl_damaged_cache_is_rebuilt(bib: Bibliography, tmp_path: Path) -> None:
    style = load_style("tiny-numeric.csl", CSL, cache_dir=tmp_path)
    style.reference(bib["dh2011"])
    style.save()
    (cache_file,) = tmp_path.glob("csl-*.json")
    cache_file.write_text("{not json", encoding="utf-8")
    again = load_style("tiny-numeric.csl", CSL, cache_dir=tmp_path)
    assert again.reference(bib["dh2011"]).text == "No Health Without Mental Health. 2011."
    assert again.misses == 1


def test_csl_processor_failure_is_reported_not_raised(
    bib: Bibliography, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import citeproc

    def broken(*args, **kwargs):
        raise KeyError("boom")

    style = load_style("tiny-numeric.csl", CSL)
    monkeypatch.setattr(citeproc, "CitationStylesBibliography", broken)
    assert style.reference(bib["dh2011"]) == ApaStyle().reference(bib["dh2011"])
    assert style.failures == [("dh2011", "KeyError: 'boom'")]
    assert style.reference(bib["dh2011"]) == ApaStyle().reference(bib["dh2011"])
    assert style.misses == 2  # not cached: tried again


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        pytest.param(
            "A. (2000). T. https://doi.org/10.1/AB",
            (("", "A. (2000). T. "), ("doi", "https://doi.org/10.1/AB")),
            id="doi-url",
        ),
        pytest.param(
            "A. T. doi:10.1/ab.", (("", "A. T. "), ("doi", "doi:10.1/ab"), ("", ".")), id="doi-prefix-any-case"
        ),
        pytest.param(
            "A. T. Available from: https://x.org/t [cited]. 10.1/ab",
            (("", "A. T. Available from: "), ("url", "https://x.org/t"), ("", " [cited]. "), ("doi", "10.1/ab")),
            id="url-and-bare-doi",
        ),
        pytest.param("A. T.", (("", "A. T."),), id="no-links-written"),
    ],
)
def test_links_the_processor_wrote_are_marked(text: str, segments: tuple) -> None:
    from graphbuild.formats.csl import _segments

    assert _segments(text, {"DOI": "10.1/ab", "URL": "https://x.org/t"}).segments == segments
