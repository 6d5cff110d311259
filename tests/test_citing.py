"""Issue 16 on the site: the citation style a site chooses, its citation exports, the tags
reference managers read and the linked data, from real builds of small sites in tmp_path."""

from __future__ import annotations

import json
import re
import textwrap
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from mkdocs.config import load_config
from pyld import jsonld

from graphbuild.formats.metatags import citation_meta
from graphbuild.formats.records import bibtex_entry, csl_item, ris_record
from graphbuild.model.bibliography import load_bibliography
from graphbuild.model.config import Config

from .conftest import BIB, INDEX_MD, MKDOCS_YML, build, config_error, write_site
from .test_linkeddata import load_document

CSL = Path(__file__).parent / "fixtures" / "csl"
SCHEMA = "http://schema.org/"
CITO = "http://purl.org/spar/cito/"

NUMBERED_MD = """\
# Numbered

Peer support began with lived experience [@gillard2014]; its values [@mead2006, p. 4]
are set out in policy [@dh2011; @gillard2014].

## Evidence from a review [@pitt2013]

Again [@mead2006].
"""
PLAIN_MD = "# Without citations\n\nNothing is cited here.\n"


def with_options(options: str) -> str:
    """``mkdocs.yml`` with these plugin options (YAML, one per line)."""
    indented = textwrap.indent(textwrap.dedent(options).strip(), " " * 6)
    return MKDOCS_YML.replace("  - graphbuild\n", f"  - graphbuild:\n{indented}\n")


def make_site(root: Path, options: str = "", settings: str = "", **pages: str) -> Path:
    """A site with these plugin options and top-level ``settings`` (YAML), and more pages."""
    files = {"mkdocs.yml": settings + (with_options(options) if options else MKDOCS_YML), "references.bib": BIB}
    files["docs/index.md"] = INDEX_MD
    files.update({f"docs/{name}.md": text for name, text in pages.items()})
    return write_site(root, files)


def html(built: Path, page: str) -> str:
    return (built / page).read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", markup)).split())


def article(markup: str) -> str:
    return markup[markup.index("<article") : markup.index("</article>")]


class Head(HTMLParser):
    """The ``<meta>`` elements of a page's head, in order, and every JSON-LD script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.jsonld: list[str] = []
        self.in_head = False
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and self.in_head and (attributes.get("name") or "").startswith("citation_"):
            self.meta.append((attributes["name"] or "", attributes.get("content") or ""))
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        elif tag == "script" and self._script is not None:
            self.jsonld.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)


def head(markup: str) -> Head:
    parsed = Head()
    parsed.feed(markup)
    return parsed


@pytest.fixture(scope="module")
def bib(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("bib") / "references.bib"
    path.write_text(BIB, encoding="utf-8")
    bibliography, _ = load_bibliography(path, "references.bib", Config())
    return bibliography


@pytest.fixture(scope="module")
def apa_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default style, with the site's URL known (absolute identifiers in linked data)."""
    root = make_site(
        tmp_path_factory.mktemp("apa") / "site", settings="site_url: https://kb.example/\n", numbered=NUMBERED_MD
    )
    return build(root)


@pytest.fixture(scope="module")
def vancouver_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(
        tmp_path_factory.mktemp("vancouver") / "site", "citation_style: vancouver", numbered=NUMBERED_MD, plain=PLAIN_MD
    )
    return build(root)


# -- the option -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("chicago", "option 'citation_style': unknown style 'chicago'", id="unknown-name"),
        pytest.param("3", "option 'citation_style': expected a style's name or a .csl file, not 3", id="a-number"),
        pytest.param("'3'", "option 'citation_style': unknown style '3'", id="a-string"),
        pytest.param("[apa]", "option 'citation_style': expected a style's name or a .csl file", id="a-list"),
        pytest.param("missing.csl", "option 'citation_style': cannot read", id="missing-csl"),
    ],
)
def test_a_bad_citation_style_names_the_option(tmp_path: Path, value: str, message: str) -> None:
    root = make_site(tmp_path / "site", f"citation_style: {value}")
    assert message in config_error(root / "mkdocs.yml")


@pytest.mark.parametrize("value", ["keywords", "[1, 2]", "[' ']"])
def test_bibtex_omit_fields_wants_field_names(tmp_path: Path, value: str) -> None:
    root = make_site(tmp_path / "site", f"bibtex_omit_fields: {value}")
    assert "option 'bibtex_omit_fields': expected a list of BibTeX field names" in config_error(root / "mkdocs.yml")


def test_check_names_a_bad_style(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graphbuild.cli import main

    root = make_site(tmp_path / "site", "citation_style: nowhere.csl")
    assert main(["--root", str(root), "check"]) == 2
    assert "option 'citation_style': cannot read" in capsys.readouterr().err


# -- apa, the default -----------------------------------------------------------------------


def test_apa_pages_read_in_apa_7(apa_site: Path) -> None:
    study = article(html(apa_site, "studies/mead2006/index.html"))
    assert '<span class="gb-ref-authors">Mead, S., &amp; MacNeil, C.</span>' in study
    assert "<cite>International Journal of Psychosocial Rehabilitation</cite>, 10(2), 29–37." in study
    bibliography = text_of(article(html(apa_site, "bibliography/index.html")))
    assert "Pitt, V., Lowe, D., Hill, S., et al. (2013). Consumer-providers of care" in bibliography
    assert "Department of Health. (2011). No Health Without Mental Health." in bibliography
    page = html(apa_site, "numbered/index.html")
    assert ">Mead &amp; MacNeil, 2006</a>, p. 4)" in page and "gb-references" not in page
    tooltip = re.search(r'<a class="gb-cite" href="../studies/mead2006/" title="([^"]+)"', page)
    assert tooltip and unescape(tooltip.group(1)).startswith("Mead, S., & MacNeil, C. (2006). Peer Support")


def test_the_repository_site_builds_in_both_styles(tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build

    from .conftest import REPO

    for style in ("apa", "vancouver"):
        config = load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / style), strict=True)
        config.plugins["graphbuild"].config["citation_style"] = style  # as if mkdocs.yml said so
        mkdocs_build(config)
        outcomes = html(tmp_path / style, "outcomes/index.html")
        assert ('class="gb-references"' in outcomes) == (style == "vancouver")


# -- vancouver: numbers on the page, author-year elsewhere ----------------------------------


def test_numbers_follow_the_first_citation_on_each_page(vancouver_site: Path) -> None:
    page = html(vancouver_site, "numbered/index.html")
    cites = re.findall(r'<a class="gb-cite" href="../studies/([a-z0-9]+)/"[^>]*>([^<]+)</a>', page)
    assert cites == [
        ("gillard2014", "1"),
        ("mead2006", "2"),
        ("dh2011", "3"),
        ("gillard2014", "1"),
        ("pitt2013", "4"),  # in the heading, and so in the table of contents
        ("mead2006", "2"),
    ]
    assert ">2</a>, p. 4)" in page and ">3</a>,<a class" in page
    listed = re.findall(r'<li value="(\d+)" id="gb-ref-\d+">.*?<a class="gb-ref-title" href="../studies/(\w+)/">', page)
    assert listed == [("1", "gillard2014"), ("2", "mead2006"), ("3", "dh2011"), ("4", "pitt2013")]
    references = text_of(page[page.index('<section class="gb-references"') :])
    assert "Mead S, MacNeil C. Peer Support: What Makes It Unique? International Journal of Psychosocial " in references
    assert "Rehabilitation. 2006;10(2):29-37." in references
    assert page.index('class="gb-references"') > page.rindex("Again")


def test_each_page_numbers_on_its_own(vancouver_site: Path) -> None:
    home = html(vancouver_site, "index.html")
    assert re.findall(r'class="gb-cite" href="studies/(\w+)/"[^>]*>(\d+)<', home) == [
        ("mead2006", "1"),
        ("gillard2014", "2"),
        ("dh2011", "3"),
    ]
    assert 'id="gb-ref-3"' in home and 'id="gb-ref-4"' not in home
    assert "gb-references" not in html(vancouver_site, "plain/index.html")


def test_cards_titles_and_map_keep_author_year_labels(vancouver_site: Path) -> None:
    card = html(vancouver_site, "index.html").split('id="fewer-readmissions"', 1)[1]
    assert '<a href="studies/min2007/">Min et al., 2007</a>' in card
    assert "<title>Mead &amp; MacNeil (2006)" in html(vancouver_site, "studies/mead2006/index.html")
    nodes = {n["id"]: n for n in json.loads(html(vancouver_site, "evidence/map.json"))["nodes"]}
    assert nodes["study:mead2006"]["l"] == "Mead & MacNeil, 2006"
    bibliography = text_of(article(html(vancouver_site, "bibliography/index.html")))
    assert "Mead & MacNeil, 2006 Mead S, MacNeil C. Peer Support" in bibliography


def test_numbered_list_in_the_markdown_tree(tmp_path: Path) -> None:
    from graphbuild.cli import main

    root = make_site(tmp_path / "site", "citation_style: vancouver", numbered=NUMBERED_MD)
    out = tmp_path / "tree"
    assert main(["--root", str(root), "render", "--output", str(out)]) == 0
    built = build(out)
    page = html(built, "numbered/index.html")
    assert re.findall(r'<li value="(\d+)" id="gb-ref-\d+">', page) == ["1", "2", "3", "4"]
    assert re.findall(r'class="gb-cite" href="../studies/\w+/"[^>]*>(\d+)<', page) == ["1", "2", "3", "1", "4", "2"]


# -- a site's own .csl file -----------------------------------------------------------------


def test_a_third_style_from_a_csl_file(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", "citation_style: styles/tiny-numeric.csl", numbered=NUMBERED_MD)
    (root / "styles").mkdir()
    (root / "styles/tiny-numeric.csl").write_bytes((CSL / "tiny-numeric.csl").read_bytes())
    built = build(root)
    page = html(built, "numbered/index.html")
    assert 'see [<a class="gb-cite" href="studies/gillard2014/"' in html(built, "index.html")  # as the gate writes it
    assert "&#91;<a" not in page  # the style's brackets: entities in the Markdown, as the gate serialises them
    assert "lived experience [1]; its values [2, p. 4] are set out in policy [3,1]" in text_of(article(page))
    assert "Peer workers in mental health services: literature overview. 2014." in text_of(page)
    title = '<a class="gb-ref-title" href="../studies/gillard2014/">Peer workers in mental health services: literature'
    assert title in page  # found in the processor's text, so linked to the study's page
    config = load_config(config_file=str(root / "mkdocs.yml"))
    config.plugins.on_config(config)
    assert str(root / "styles/tiny-numeric.csl") in config.watch  # mkdocs serve rebuilds on an edit
    caches = list((root / ".cache" / "graphbuild").glob("csl-*.json"))
    assert len(caches) == 1 and not list((root / "docs").rglob("*.json"))
    stored = json.loads(caches[0].read_text(encoding="utf-8"))["references"]
    assert len(stored) == 5  # every cited study, each formatted once

    from graphbuild.formats.csl import CslStyle

    def no_processor(self, item):
        raise AssertionError("a warm build must not run citeproc")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CslStyle, "_format", no_processor)
        again = build(root, site_dir=tmp_path / "again")
    assert html(again, "numbered/index.html") == page


def test_an_author_date_csl_style(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", f"citation_style: {CSL / 'tiny-author-date.csl'}")
    built = build(root)
    home = html(built, "index.html")
    assert "{<a class" in home  # the style's braces, entities in the Markdown, as the gate serialises them
    assert "gb-references" not in home
    assert "see {Gillard & Holley, 2014 | Department of Health, 2011}" in text_of(home)
    assert "Mead S, MacNeil C. 2006. PEER SUPPORT" in text_of(html(built, "studies/mead2006/index.html"))


def test_a_study_the_processor_cannot_format_is_a_warning_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from graphbuild.formats.csl import CslStyle

    real = CslStyle._format

    def fails_on_pitt(self, item):
        if item["id"] == "pitt2013":
            self.failures.append(("pitt2013", "KeyError: 'boom'"))
            return None
        return real(self, item)

    monkeypatch.setattr(CslStyle, "_format", fails_on_pitt)
    root = make_site(tmp_path / "site", f"citation_style: {CSL / 'tiny-numeric.csl'}")
    built = build(root, strict=False)
    line = BIB[: BIB.index("@article{pitt2013")].count("\n") + 1
    assert (
        f"references.bib:{line}: warning: entry 'pitt2013': citation style 'tiny-numeric' could not format it "
        "(KeyError: 'boom'); it reads in the apa style" in caplog.text
    )
    assert "Pitt, V., Lowe, D., Hill, S., et al. (2013)." in text_of(html(built, "studies/pitt2013/index.html"))

    from graphbuild.cli import main

    assert main(["--root", str(root), "check", "--strict"]) == 1


# -- citation exports -----------------------------------------------------------------------


def test_each_study_page_offers_its_reference_in_three_formats(apa_site: Path, bib: Any) -> None:
    page = html(apa_site, "studies/pitt2013/index.html")
    links = re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', page)
    assert links == [("../pitt2013.bib", "BibTeX"), ("../pitt2013.ris", "RIS"), ("../pitt2013.json", "CSL-JSON")]
    for href, _ in links:
        assert (apa_site / "studies" / href.removeprefix("../")).is_file()
    study = bib["pitt2013"]
    assert html(apa_site, "studies/pitt2013.bib") == bibtex_entry(study)
    assert (apa_site / "studies/pitt2013.ris").read_bytes().decode() == ris_record(study)  # CR LF kept
    assert json.loads(html(apa_site, "studies/pitt2013.json")) == [csl_item(study)]
    # the reference is shown once; the button copies it with its link as the style writes it
    assert 'class="gb-cite-text"' not in page and '<p class="gb-study-ref" id="gb-study-ref">' in page
    assert (
        '<button type="button" class="gb-copy" data-gb-copy="gb-study-ref" '
        'data-gb-copy-tail=" https://doi.org/10.1002/14651858.CD004807.pub2" hidden>Copy citation</button>'
    ) in page


def _other_styles(page: str) -> dict[str, str]:
    """The study page's reference in other styles: each copy button's style and its text."""
    found = re.findall(r'<p class="gb-cite-other" id="gb-cite-([a-z]+)">([^<]*)</p>', page)
    return {name: unescape(text) for name, text in found}


@pytest.mark.parametrize(
    ("fixture", "offered", "above"),
    [
        pytest.param("apa_site", ["vancouver"], "Above in APA style; in other citation styles", id="apa"),
        pytest.param("vancouver_site", ["apa"], "Above in Vancouver style; in other citation styles", id="vancouver"),
    ],
)
def test_each_study_page_offers_its_reference_in_every_builtin_style(
    request: pytest.FixtureRequest, bib: Any, fixture: str, offered: list[str], above: str
) -> None:
    """A reader whose journal wants Vancouver (or APA) reads and copies the study in it, beside
    the downloads: each built-in style but the one the page already shows, link included."""
    from graphbuild.formats.styles import BUILTIN_STYLES

    built = request.getfixturevalue(fixture)
    page = html(built, "studies/pitt2013/index.html")
    others = _other_styles(page)
    assert list(others) == offered
    for name, text in others.items():
        assert text == BUILTIN_STYLES[name]().reference(bib["pitt2013"]).text
        button = f'data-gb-copy="gb-cite-{name}" hidden>Copy in {BUILTIN_STYLES[name].title.split(" (")[0]} style<'
        assert button in page
    assert f'<p class="gb-label">{above}</p>' in page
    assert page.index("Download the reference") < page.index("gb-cite-styles") < page.index('class="gb-facts"')
    if fixture == "apa_site":
        assert others["vancouver"].startswith("Pitt V, Lowe D, Hill S, et al. Consumer-providers of care")
        assert others["vancouver"].endswith(" doi:10.1002/14651858.CD004807.pub2")


def test_a_csl_site_offers_every_builtin_style(tmp_path: Path) -> None:
    built = build(make_site(tmp_path / "site", f"citation_style: {CSL / 'tiny-author-date.csl'}"))
    page = html(built, "studies/mead2006/index.html")
    assert list(_other_styles(page)) == ["apa", "vancouver"]
    assert '<p class="gb-label">In other citation styles</p>' in page


def test_a_hostile_title_in_another_style_is_text(tmp_path: Path) -> None:
    hostile = BIB + (
        "@misc{evil2020, author = {Evil, Eve}, title = {<img src=x onerror=alert(1)>},"
        " year = {2020}, design = {opinion}}\n"
    )
    root = make_site(tmp_path / "site", hostile_md="# H\n\nSee [@evil2020].\n")
    (root / "references.bib").write_text(hostile, encoding="utf-8")
    page = html(build(root), "studies/evil2020/index.html")
    assert "<img src=x" not in page
    assert _other_styles(page)["vancouver"] == "Evil E. <img src=x onerror=alert(1)>. 2020."


def test_links_to_the_files_without_directory_urls(tmp_path: Path) -> None:
    built = build(make_site(tmp_path / "site", settings="use_directory_urls: false\n"))
    page = html(built, "studies/mead2006.html")
    links = re.findall(r'<a href="([^"]+)" download>', page)
    assert links == ["mead2006.bib", "mead2006.ris", "mead2006.json"]
    assert all((built / "studies" / link).is_file() for link in links)
    claims = html(built, "claims/index.html")
    assert 'data-gb-each="../studies/{slug}.bib"' in claims


def test_the_registry_decides_which_files_there_are(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the per-study family in site.FILES, no study file is written or linked, and
    the claims index offers its lists without the script's per-row joining."""
    from graphbuild.site import registry

    monkeypatch.setattr(registry, "FILES", tuple(f for f in registry.FILES if f.each != "study"))
    built = build(site)
    assert not list((built / "studies").glob("*.bib")) and (built / "claims/references.bib").is_file()
    assert "Download the reference" not in html(built, "studies/mead2006/index.html")
    claims = html(built, "claims/index.html")
    assert '<a href="references.bib" download>BibTeX</a>' in claims and "data-gb-each" not in claims


def test_exports_read_back_with_real_parsers(apa_site: Path, bib: Any) -> None:
    cited = ["dh2011", "gillard2014", "mead2006", "min2007", "pitt2013"]
    for key in cited:
        library = bibtexparser.parse_string(html(apa_site, f"studies/{key}.bib"))
        assert not library.failed_blocks and [e.key for e in library.entries] == [key]
        assert "design" not in library.entries[0].fields_dict
        (record,) = rispy.loads(html(apa_site, f"studies/{key}.ris"))
        assert record["title"] == bib[key].title
    whole = bibtexparser.parse_string(html(apa_site, "bibliography/references.bib"))
    assert [e.key for e in whole.entries] == cited  # author-year order: Department, Gillard, Mead, Min, Pitt
    assert [r["title"] for r in rispy.loads(html(apa_site, "bibliography/references.ris"))] == [
        bib[k].title for k in cited
    ]
    assert [item["id"] for item in json.loads(html(apa_site, "bibliography/references.json"))] == cited
    behind_claims = json.loads(html(apa_site, "claims/references.json"))
    assert [item["id"] for item in behind_claims] == ["min2007", "pitt2013", "gillard2014", "mead2006"]
    assert "dh2011" not in html(apa_site, "claims/references.bib")  # cited in prose only


def test_the_claims_index_offers_the_bibliographys_files_when_they_hold_the_same_studies(tmp_path: Path) -> None:
    """With every cited study behind a claim, the claims index's lists would be the
    bibliography's reordered: it links to those, and no copy is written."""
    root = make_site(tmp_path / "site")
    index = root / "docs/index.md"
    every = index.read_text(encoding="utf-8").replace("  - mead2006: supports", "  - mead2006: supports\n  - dh2011")
    index.write_text(every, encoding="utf-8")
    built = build(root)
    assert not list((built / "claims").glob("references.*"))
    links = re.findall(r'<a href="([^"]+)" download', html(built, "claims/index.html"))
    assert links[:3] == [f"../bibliography/references.{ext}" for ext in ("bib", "ris", "json")]
    assert all((built / "claims" / link).resolve().is_file() for link in links[:3])


def test_pages_link_the_lists(apa_site: Path) -> None:
    bibliography = html(apa_site, "bibliography/index.html")
    # under the intro, not after thousands of entries
    assert bibliography.index('class="gb-downloads"') < bibliography.index('<ol class="gb-bibliography">')
    assert re.findall(r'<a href="([^"]+)" download>', bibliography) == [
        "references.bib",
        "references.ris",
        "references.json",
    ]
    claims = html(apa_site, "claims/index.html")
    assert '<a href="references.bib" download data-gb-each="../studies/{slug}.bib">BibTeX</a>' in claims
    data = re.search(r'<script type="application/json" class="gb-claim-studies">(.*?)</script>', claims)
    assert data and json.loads(data.group(1)) == {
        "fewer-readmissions": ["min2007", "pitt2013"],
        "hope": ["gillard2014", "mead2006"],
    }
    assert re.findall(r'<a href="([^"]+)">Graph \(', html(apa_site, "evidence/index.html")) == [
        "graph.json",
        "graph.graphml",
        "graph.jsonld",
    ]


def test_more_fields_can_be_left_out_of_bibtex(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", "bibtex_omit_fields: [Pages, volume]")
    built = build(root)
    entry = html(built, "studies/mead2006.bib")
    assert "pages" not in entry and "volume" not in entry and "number = {2}" in entry
    assert "pages" not in html(built, "bibliography/references.bib")


def test_an_editors_file_where_an_export_goes_is_reported(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    (site / "docs" / "studies").mkdir()
    (site / "docs" / "studies" / "mead2006.bib").write_text("@misc{x, title = {mine}}\n", encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - strict mode: MkDocs' Abort or the plugin's error
        build(site)
    assert "'studies/mead2006.bib' would be written to 'studies/mead2006.bib', where graphbuild writes" in caplog.text

    from graphbuild.cli import main

    assert main(["--root", str(site), "check"]) == 1


# -- Zotero and Google Scholar: citation_* tags in the head ---------------------------------


def test_study_pages_carry_citation_tags_in_their_head(apa_site: Path, bib: Any) -> None:
    for key in ("mead2006", "pitt2013", "dh2011"):
        parsed = head(html(apa_site, f"studies/{key}/index.html"))
        assert parsed.meta == citation_meta(bib[key]), key
    mead = dict(head(html(apa_site, "studies/mead2006/index.html")).meta)
    assert mead["citation_title"] == "Peer Support: What Makes It Unique?"
    assert (mead["citation_volume"], mead["citation_issue"], mead["citation_firstpage"]) == ("10", "2", "29")
    assert head(html(apa_site, "index.html")).meta == []
    assert head(html(apa_site, "bibliography/index.html")).meta == []


def test_the_markdown_tree_reaches_the_head_through_the_study_layout(tmp_path: Path, bib: Any) -> None:
    from graphbuild.cli import main

    root = make_site(tmp_path / "site")
    out = tmp_path / "tree"
    assert main(["--root", str(root), "render", "--output", str(out)]) == 0
    (shell,) = (out / "docs/studies").glob("*.md")  # the one page in the study layout
    assert "graphbuild_head" in shell.read_text(encoding="utf-8")
    built = build(out)
    assert main(["finish", str(out), "--site-dir", str(built)]) == 0  # each study's head from its parts
    assert head(html(built, "studies/mead2006/index.html")).meta == citation_meta(bib["mead2006"])
    assert head(html(built, "index.html")).meta == []


# -- linked data ----------------------------------------------------------------------------


def expand(text: str, url: str) -> list[dict[str, Any]]:
    """The JSON-LD as read from ``url``, against which its relative identifiers resolve."""
    return jsonld.expand(json.loads(text), {"documentLoader": load_document, "base": url})


def test_cards_and_study_pages_carry_json_ld(apa_site: Path) -> None:
    (card,) = [d for d in head(html(apa_site, "index.html")).jsonld if '"Claim"' in d][:1]
    (claim,) = expand(card, "https://kb.example/")
    assert claim["@id"] == "https://kb.example/#fewer-readmissions"
    assert claim[CITO + "obtainsSupportFrom"] == [{"@id": "https://kb.example/studies/min2007/"}]
    assert claim[CITO + "citesAsEvidence"] == [
        {"@id": "https://kb.example/studies/min2007/"},
        {"@id": "https://kb.example/studies/pitt2013/"},
    ]
    scripts = head(html(apa_site, "studies/pitt2013/index.html")).jsonld
    nodes = [node for text in scripts for node in expand(text, "https://kb.example/studies/pitt2013/")]
    (study,) = [node for node in nodes if SCHEMA + "ScholarlyArticle" in node["@type"]]
    assert study["@id"] == "https://kb.example/studies/pitt2013/"
    assert study[SCHEMA + "sameAs"] == [{"@id": "https://doi.org/10.1002/14651858.CD004807.pub2"}]


def test_graph_jsonld_expands_to_every_claim_and_cited_study(apa_site: Path) -> None:
    text = html(apa_site, "evidence/graph.jsonld")
    nodes = expand(text, "https://kb.example/evidence/graph.jsonld")
    assert expand(text, "file:///elsewhere/graph.jsonld") == nodes  # the site's URL is its @base
    ids = {node["@id"] for node in nodes}
    assert {"https://kb.example/#fewer-readmissions", "https://kb.example/#hope"} <= ids
    assert {f"https://kb.example/studies/{k}/" for k in ("dh2011", "gillard2014", "mead2006")} <= ids
    assert len(nodes) == 2 + 5


def test_graph_jsonld_says_what_the_pages_say(apa_site: Path) -> None:
    """Each node of ``graph.jsonld`` (ids relative to its ``@base``, relations to studies as
    plain strings) expands to what the same node on its page (ids relative to the page)
    does."""
    graph = expand(html(apa_site, "evidence/graph.jsonld"), "https://kb.example/evidence/graph.jsonld")
    pages = ["index.html"] + [f"studies/{p.name}/index.html" for p in (apa_site / "studies").iterdir() if p.is_dir()]
    on_pages = [
        node
        for page in pages
        for text in head(html(apa_site, page)).jsonld
        for node in expand(text, "https://kb.example/" + page.removesuffix("index.html"))
    ]
    assert sorted(graph, key=lambda n: n["@id"]) == sorted(on_pages, key=lambda n: n["@id"])


def test_without_a_site_url_identifiers_are_relative_to_the_document(site: Path) -> None:
    built = build(site)
    nodes = json.loads(html(built, "evidence/graph.jsonld"))["@graph"]
    assert nodes[0]["@id"] == "../#fewer-readmissions"
    (card,) = [d for d in head(html(built, "index.html")).jsonld if '"Claim"' in d][:1]
    assert json.loads(card)["citation"][0] == {"@id": "studies/min2007/"}


def test_the_reference_maps_each_stance_as_the_vocabulary_does() -> None:
    from graphbuild.model.vocabulary import STANCES

    from .conftest import REPO

    reference = (REPO / "docs" / "reference" / "citations.md").read_text(encoding="utf-8")
    table = reference[reference.index("| stance | properties of the claim |") :]
    table = table[: table.index("\n\n")]
    rows = re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", table, re.M)
    assert {stance: tuple(re.findall(r"`([^`]+)`", props)) for stance, props in rows} == {
        t.value: t.linked_data for t in STANCES
    }


def test_the_citation_to_copy_is_the_reference_shown_and_its_link_or_the_whole_text() -> None:
    from graphbuild.site.views.study import _copy_tail

    shown = "Pitt, V. (2013). Consumer-providers of care. Cochrane Database, (3)."
    assert _copy_tail({"ref_text": shown, "cite_text": shown + " https://doi.org/10.1/x"}) == " https://doi.org/10.1/x"
    assert _copy_tail({"ref_text": shown, "cite_text": shown}) == ""
    # a style that puts the link inside the reference: the page shows the whole text to copy
    assert _copy_tail({"ref_text": "Pitt V. Care. (3).", "cite_text": "Pitt V. Care. doi:10.1/x (3)."}) is None
