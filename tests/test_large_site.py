"""What a very large site publishes: a DOI's address linked once, the citation files a site
chooses beside each study (``study_downloads``), and the whole lists and graph exports as
``.zip`` files (``zip_downloads``), on the plugin's path and on ``render`` + ``finish``."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from html import unescape
from pathlib import Path

import bibtexparser
import pytest

from graphbuild.common.urls import is_doi_link
from graphbuild.formats.records import CITATION_FORMATS
from graphbuild.model.config import DOWNLOAD_FORMATS
from graphbuild.site.registry import FILES

from .conftest import BIB, build
from .test_citing import html, make_site
from .test_finish import build_tree, finish, render

DOI = "10.1002/14651858.CD004807.pub2"
BULK = sorted(f.src for f in FILES if f.bulk and f.needed is None)  # the claims' lists are the bibliography's here


@pytest.mark.parametrize(
    ("url", "same"),
    [
        (f"https://doi.org/{DOI}", True),
        (f"http://dx.doi.org/{DOI.upper()}", True),  # a DOI is the same whatever its case
        ("https://doi.org/10.1002/%2814651858%29", False),
        (f"https://example.org/{DOI}", False),
        (f"https://doi.org/{DOI}/x", False),
        (f"javascript:https://doi.org/{DOI}", False),
        ("", False),
    ],
)
def test_an_address_is_the_dois_only_at_a_resolver(url: str, same: bool) -> None:
    assert is_doi_link(url, DOI) is same
    assert is_doi_link("https://doi.org/10.1002/%2814651858%29", "10.1002/(14651858)")  # escaped as a link writes it


def test_a_dois_address_is_linked_once(tmp_path: Path) -> None:
    """Reference managers export a DOI and its address at doi.org: the study page, the
    bibliography and the page's linked data give it once, and another address beside it."""
    root = make_site(tmp_path / "site")
    bib = root / "references.bib"
    text = BIB.replace(f"  doi = {{{DOI}}},\n", f"  doi = {{{DOI}}},\n  url = {{https://doi.org/{DOI.upper()}}},\n")
    assert text != BIB
    bib.write_text(text, encoding="utf-8")
    built = build(root)
    page = html(built, "studies/pitt2013/index.html")
    assert re.findall(r'<a class="gb-ext" href="([^"]+)"', page) == [f"https://doi.org/{DOI}"]
    ld = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)[-1])
    assert ld["sameAs"] == [f"https://doi.org/{DOI}"]
    listed = html(built, "bibliography/index.html")
    pitt = listed[listed.index('<li id="ref-pitt2013"') :]
    assert re.findall(r'<a class="gb-ext" href="([^"]+)"', pitt[: pitt.index("</li>")]) == [f"https://doi.org/{DOI}"]
    # an address that is not the DOI's is still linked (Gillard's is on example.org)
    assert 'href="https://example.org/gillard"' in html(built, "studies/gillard2014/index.html")
    assert "url = {https://doi.org/" in html(built, "studies/pitt2013.bib")  # the download keeps the field


def test_a_site_chooses_the_files_beside_each_study(tmp_path: Path) -> None:
    built = build(make_site(tmp_path / "site", "study_downloads: [bibtex]"))
    assert sorted(p.name for p in (built / "studies").glob("pitt2013.*")) == ["pitt2013.bib"]
    page = html(built, "studies/pitt2013/index.html")
    assert re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', page) == [("../pitt2013.bib", "BibTeX")]
    claims = html(built, "claims/index.html")
    # a filter's file of BibTeX is still made from the studies' own; RIS is the whole list
    assert '<a href="references.bib" download data-gb-each="../studies/{slug}.bib">BibTeX</a>' in claims
    assert '<a href="references.ris" download>RIS</a>' in claims


def test_the_option_knows_every_citation_format() -> None:
    """``study_downloads`` is checked in the model, below the formats that make the files."""
    assert DOWNLOAD_FORMATS == tuple(fmt.name for fmt in CITATION_FORMATS)


@pytest.mark.parametrize("value", ["[]", "false"])
def test_a_site_can_offer_no_files_beside_its_studies(tmp_path: Path, value: str) -> None:
    built = build(make_site(tmp_path / "site", f"study_downloads: {value}"))
    assert not [p for p in (built / "studies").iterdir() if p.is_file()]
    page = html(built, "studies/pitt2013/index.html")
    assert "Download the reference" not in page and "Copy citation" in page
    assert '<meta name="citation_doi"' in page  # Zotero still reads the page
    assert (built / "bibliography/references.ris").is_file()
    assert "data-gb-each" not in html(built, "claims/index.html")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[bibtx]", "option 'study_downloads': unknown format 'bibtx' (did you mean 'bibtex'?)"),
        ("bibtex", "option 'study_downloads': expected a list of formats"),
        ("[ris, ris]", "option 'study_downloads': duplicate format"),
    ],
)
def test_a_bad_study_downloads_names_the_option(tmp_path: Path, value: str, message: str) -> None:
    from .conftest import config_error

    root = make_site(tmp_path / "site", f"study_downloads: {value}")
    assert message in config_error(root / "mkdocs.yml")


def _zipped(built: Path, src: str) -> bytes:
    with zipfile.ZipFile(built / f"{src}.zip") as archive:
        (info,) = archive.infolist()
        assert info.filename == src.rsplit("/", 1)[-1] and info.date_time == (1980, 1, 1, 0, 0, 0)
        return archive.read(info)


def test_zipped_downloads_hold_the_same_files_on_both_paths(tmp_path: Path, capsys) -> None:
    plain = build(make_site(tmp_path / "plain"))
    root = make_site(tmp_path / "site", "zip_downloads: true")
    plugin = build(root)
    tree = render(root, tmp_path / "tree")
    finished = build_tree(tree, "mkdocs")
    assert finish(tree, capsys)[0] == 0
    assert len(BULK) == 7
    for built in (plugin, finished):
        for src in BULK:
            assert not (built / src).exists(), src
            assert _zipped(built, src) == (plain / src).read_bytes(), src
        assert (built / "evidence/map.json").read_bytes() == (plain / "evidence/map.json").read_bytes()
        assert (built / "studies/pitt2013.bib").is_file()  # one study's files are not zipped
        library = bibtexparser.parse_string(_zipped(built, "bibliography/references.bib").decode())
        assert not library.failed_blocks and len(library.entries) == 5
        bibliography = unescape(html(built, "bibliography/index.html"))  # the tree's is encoded against Markdown
        assert re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', bibliography) == [
            ("references.bib.zip", "BibTeX, zipped"),
            ("references.ris.zip", "RIS, zipped"),
            ("references.json.zip", "CSL-JSON, zipped"),
        ]
        assert re.findall(r'<a href="([^"]+)">Graph \(', unescape(html(built, "evidence/index.html"))) == [
            "graph.json.zip",
            "graph.graphml.zip",
            "graph.jsonld.zip",
        ]
        claims = unescape(html(built, "claims/index.html"))  # its own lists, or the bibliography's, zipped
        assert re.search(r'<a href="[^"]*references\.bib\.zip" download data-gb-each="[^"]*\{slug\}\.bib">', claims)
    again = build(root)
    digest = lambda built: {src: hashlib.sha256((built / f"{src}.zip").read_bytes()).hexdigest() for src in BULK}  # noqa: E731
    assert digest(again) == digest(plugin)  # a rebuild writes the same archives
