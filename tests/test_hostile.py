"""Hostile input: script, event handlers, dangerous URLs, Markdown links and Jinja in every
field an editor or a ``.bib`` controls come out of the build as inert text.

"Inert" is checked structurally, not by substring: each HTML page is parsed and no element
may carry an event-handler attribute, a ``javascript:``/``data:`` link, or a script whose
body came from the input; exports are parsed and must round-trip the hostile text exactly.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import networkx as nx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graphbuild.common.escaping import front_matter
from graphbuild.model.bibliography import load_bibliography
from graphbuild.model.config import Config

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg onload=alert(1)>"
JS_URL = "javascript:alert(1)"
DATA_URL = "data:text/html,<script>alert(1)</script>"
MD_LINK = "[x](javascript:alert(1))"
JINJA = "{{ 7*7 }}"
RAW = "{% raw %}"

MKDOCS_YML = """\
site_name: Hostile input
site_url: https://example.org/
theme:
  name: material
  font: false
plugins:
  - search
  - graphbuild
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.superfences
"""

# In BibTeX, braces protect case and vanish; \{ \} \% give the literal characters.
BIB = r"""
@article{evil2020,
  author = {<script>alert(1)</script> and {<img src=x onerror=alert(1)>} and Jinja, \{\{ 7*7 \}\}},
  title = {<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) \{\{ 7*7 \}\} \{\% raw \%\}},
  journal = {<img src=x onerror=alert(1)> \{\{ 7*7 \}\}},
  year = {2020},
  url = {javascript:alert(1)},
  doi = {javascript:alert(1)},
  abstract = {<script>alert(1)</script> [x](javascript:alert(1)) \{\{ 7*7 \}\} \{\% raw \%\}
              <a href="javascript:alert(1)">link</a>},
  design = {rct},
}

@misc{evil2021,
  author = {{<img src=x onerror=alert(1)>}},
  title = {Data {URLs}: data:text/html,<script>alert(1)</script>},
  note = {<script>alert(1)</script> \{\{ 7*7 \}\} \{\% raw \%\} [x](javascript:alert(1))},
  howpublished = {<svg onload=alert(1)>},
  year = {2021},
  url = {data:text/html,<script>alert(1)</script>},
  doi = {data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==},
  design = {qualitative},
}

@book{evil2022,
  author = {Quote, "Double" and O'Brien, Single},
  title = {Attribute breakers " onmouseover=alert(1) x=" and ' onfocus=alert(1) '},
  publisher = {{<svg onload=alert(1)>}},
  year = {2022},
  url = {https://example.org/"><script>alert(1)</script>},
  doi = {10.1234/"onmouseover=alert(1)},
  design = {cohort},
}

@article{evil<b>2023,
  author = { JaVaScRiPt:alert(1) and Tab, Url},
  title = {Mixed-case and padded schemes},
  url = { JaVaScRiPt:alert(1)},
  doi = {vbscript:msgbox(1)},
  year = {2023},
  design = {policy},
}

@misc{evil2024,
  author = {=cmd|' /C calc'!A0},
  title = {=HYPERLINK("https://example.org/","click me")},
  year = {@SUM(1+1)},
  design = {opinion},
}
"""

STATEMENT = f"{SCRIPT} {IMG} {MD_LINK} {JINJA} {RAW} {DATA_URL}"
NOTE = f"{IMG} {MD_LINK} {JINJA} {RAW} {DATA_URL}"
TAGS = [SCRIPT, JINJA, MD_LINK, IMG, RAW]

INDEX_MD = textwrap.dedent(f"""\
    # Hostile input

    Cited with a hostile locator [@evil2020, p. {IMG} {JINJA}] and [@evil2021; @evil2022; @evil<b>2023].

    ```claim
    id: hostile-claim
    statement: {json.dumps(STATEMENT)}
    type: benefit
    group: patients
    tags: {json.dumps(TAGS)}
    evidence:
      - key: evil2020
        stance: supports
        note: {json.dumps(NOTE)}
      - evil2021: mixed
      - evil2022
      - key: evil<b>2023
        stance: no-effect
    ```
    """)

SECOND_MD = textwrap.dedent(f"""\
    # Second page

    ```claim
    id: second-claim
    statement: "{SVG} statement with a quote \\" and an apostrophe '"
    type: barrier
    group: services
    tags: ["{RAW}"]
    evidence:
      - key: evil2022
        stance: contradicts
        note: "{SCRIPT}"
      - evil2024
    ```

    ```claim
    id: formula-claim
    statement: "=1+1 and a spreadsheet formula @SUM(A1)"
    type: barrier
    evidence:
      - evil2024
    ```
    """)

EXPORTS = [
    "search/search_index.json",
    "evidence/graph.json",
    "evidence/graph.graphml",
    "evidence/claims.csv",
    "evidence/map.json",
]
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "srcdoc",
    "xlink:href",
    "poster",
    "background",
    "ping",
    "srcset",
}
JSON_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def write_hostile_site(root: Path) -> Path:
    """The hostile site's sources, under ``root``; shared with the browser test."""
    files = {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD, "docs/second.md": SECOND_MD}
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def build_site(root: Path, site_dir: Path, strict: bool = True) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=strict)
    build(config)
    return site_dir


def tree_digest(root: Path) -> dict[str, str]:
    """Every source file's hash; the caches a build keeps in ``.cache/`` are not sources."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != ".cache"
    }


class Page(HTMLParser):
    """Elements, attributes, script bodies and visible text of one HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_body: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script, self._script_body = attributes, []
        elif tag == "style":
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_body)))
            self._script = None
        elif tag == "style" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_body.append(data)
        elif not self._stack:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    page.close()
    return page


def scheme_of(url: str) -> str:
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url)).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned.split("/", 1)[0] else ""


def assert_inert(page: Page, where: str) -> None:
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{where}: <{tag} {name}=...> is an event handler"
            if name in URL_ATTRIBUTES and value:
                assert scheme_of(value) not in ("javascript", "data", "vbscript"), f"{where}: <{tag} {name}={value!r}>"
        assert not (tag == "img" and attrs.get("src") == "x"), f"{where}: a hostile <img> became an element"
        assert tag not in ("iframe", "object", "embed", "base"), f"{where}: <{tag}> element"
    for attrs, body in page.scripts:
        if (attrs.get("type") or "").lower() in JSON_SCRIPT_TYPES:
            json.loads(body)  # a body that closed its element early would not parse
        else:
            assert "alert(" not in body, f"{where}: a script runs hostile code: {body[:200]!r}"
    assert "49" not in page.visible_text.replace("2049", ""), f"{where}: a template expression was evaluated"


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)] + [k for k in value if isinstance(k, str)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


# -- the build ------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["plugin", "tree"])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The hostile site built by MkDocs with the plugin, and as the Markdown tree, built by
    MkDocs without it and finished by ``graphbuild finish`` (cards and study pages put in
    after Markdown and the theme, from the parts file)."""
    root = write_hostile_site(tmp_path_factory.mktemp("hostile"))
    before = tree_digest(root)
    if request.param == "plugin":
        site = build_site(root, root.parent / "site")
    else:
        site = build_finished_tree(root, root.parent / "tree")
    assert tree_digest(root) == before, "the build wrote into the site's sources"
    return root, site


def build_finished_tree(root: Path, tree: Path, engine: str = "mkdocs") -> Path:
    from graphbuild.model.project import load_project
    from graphbuild.publishing.finish import finish_site
    from graphbuild.publishing.markdown_tree import write_markdown_tree

    write_markdown_tree(load_project(root), tree)
    if engine == "mkdocs":
        site = build_site(tree, tree / "site")
    else:
        zensical = shutil.which("zensical", path=str(Path(sys.executable).parent))
        run = subprocess.run([str(zensical), "build", "--strict"], cwd=tree, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        site = tree / "site"
    assert finish_site(tree, site).problems == []
    return site


@pytest.fixture(scope="module")
def titles(hostile: tuple[Path, Path]) -> dict[str, str]:
    root, _ = hostile
    bibliography, diagnostics = load_bibliography(root / "references.bib", "references.bib", Config())
    assert diagnostics == []
    return {key: study.title for key, study in bibliography.studies.items()}


def test_bib_carries_the_hostile_strings(titles: dict[str, str]) -> None:
    assert SCRIPT in titles["evil2020"] and IMG in titles["evil2020"] and MD_LINK in titles["evil2020"]
    assert JINJA in titles["evil2020"] and RAW in titles["evil2020"]
    assert DATA_URL in titles["evil2021"]


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_html_page_is_inert(hostile: tuple[Path, Path]) -> None:
    _, site = hostile
    pages = html_pages(site)
    assert len(pages) >= 10
    for path in pages:
        assert_inert(parse(path.read_text(encoding="utf-8")), path.relative_to(site).as_posix())


def test_study_page_shows_the_hostile_text(hostile: tuple[Path, Path], titles: dict[str, str]) -> None:
    _, site = hostile
    page = parse((site / "studies" / "evil2020" / "index.html").read_text(encoding="utf-8"))
    text = page.visible_text
    assert " ".join(titles["evil2020"].split()) in text
    for hostile_text in (SCRIPT, IMG, MD_LINK, JINJA, RAW, JS_URL):
        assert hostile_text in text, hostile_text
    title = next(attrs for tag, attrs in page.elements if tag == "title")
    assert title is not None
    misc = parse((site / "studies" / "evil2021" / "index.html").read_text(encoding="utf-8")).visible_text
    assert DATA_URL in misc and SCRIPT in misc and JINJA in misc


def test_claim_card_shows_the_hostile_text(hostile: tuple[Path, Path]) -> None:
    _, site = hostile
    page = parse((site / "index.html").read_text(encoding="utf-8"))
    text = page.visible_text
    assert STATEMENT in text
    assert NOTE in text
    for tag in TAGS:
        assert tag in text
    assert f"p. {IMG} {JINJA}" in text


def test_tooltips_are_plain_text(hostile: tuple[Path, Path]) -> None:
    """A tooltip shows the characters of the reference, not entity or Markdown residue."""
    _, site = hostile
    seen = 0
    for path in html_pages(site):
        for _, attrs in parse(path.read_text(encoding="utf-8")).elements:
            for name in ("title", "aria-label"):
                value = attrs.get(name) or ""
                if "alert" in value or "O'Brien" in value or "Brien" in value:
                    seen += 1
                    assert not re.search(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", value, re.I), f"{path}: {value!r}"
    assert seen


def test_no_dangerous_link_is_made(hostile: tuple[Path, Path]) -> None:
    _, site = hostile
    external: set[str] = set()
    for path in html_pages(site):
        for tag, attrs in parse(path.read_text(encoding="utf-8")).elements:
            href = attrs.get("href") or ""
            if tag == "a" and "://" in href:
                external.add(href)
    doi_links = {h for h in external if h.startswith("https://doi.org/")}
    assert doi_links == {"https://doi.org/10.1234/%22onmouseover%3Dalert(1)"}, doi_links
    for href in external:
        assert href.startswith(("https://", "http://")), href
        assert '"' not in href and "<" not in href and " " not in href, href


def test_search_index_is_inert(hostile: tuple[Path, Path], titles: dict[str, str]) -> None:
    """Material inserts search titles and texts as HTML: they must hold no live markup."""
    _, site = hostile
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = ""
    for doc in index["docs"]:
        for name in ("title", "text"):
            fragment = parse(doc.get(name, ""))
            assert_inert(fragment, f"search_index.json {doc['location']} {name}")
            assert not [t for t, _ in fragment.elements if t in ("script", "img", "svg", "style")], (
                f"{doc['location']} {name}: {doc[name][:200]!r}"
            )
            found += " " + fragment.visible_text
    assert STATEMENT in found
    assert " ".join(titles["evil2020"].split()) in found


def test_graph_json_round_trips_the_text(hostile: tuple[Path, Path], titles: dict[str, str]) -> None:
    _, site = hostile
    data = json.loads((site / "evidence" / "graph.json").read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["claim:hostile-claim"]["statement"] == STATEMENT
    for key, title in titles.items():
        assert nodes[f"study:{key}"]["title"] == title
    assert all("49" not in s for s in strings_in(data))


def test_graphml_round_trips_the_text(hostile: tuple[Path, Path], titles: dict[str, str]) -> None:
    _, site = hostile
    graph = nx.read_graphml(site / "evidence" / "graph.graphml")
    assert graph.nodes["claim:hostile-claim"]["statement"] == STATEMENT
    for key, title in titles.items():
        assert graph.nodes[f"study:{key}"]["title"] == title


def test_csv_cells_never_start_a_formula(hostile: tuple[Path, Path]) -> None:
    """Spreadsheets run a cell starting with = + - @ (CSV injection); such text is kept but
    prefixed with an apostrophe, so it reads as text and nothing else changes."""
    _, site = hostile
    with (site / "evidence" / "claims.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    header = rows[0]
    formula = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:] if r[header.index("study")] == "evil2024"}
    assert formula["formula-claim"]["statement"] == "'=1+1 and a spreadsheet formula @SUM(A1)"
    assert formula["formula-claim"]["title"] == '\'=HYPERLINK("https://example.org/","click me")'
    assert formula["formula-claim"]["year"] == "'@SUM(1+1)"
    assert formula["second-claim"]["statement"].startswith("<svg")


def test_csv_round_trips_the_text(hostile: tuple[Path, Path], titles: dict[str, str]) -> None:
    _, site = hostile
    with (site / "evidence" / "claims.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    hostile_rows = [r for r in rows if r["claim"] == "hostile-claim"]
    assert {r["statement"] for r in hostile_rows} == {STATEMENT}
    assert {r["study"]: r["title"] for r in hostile_rows} == {
        k: titles[k] for k in ("evil2020", "evil2021", "evil2022", "evil<b>2023")
    }


def test_map_data_cannot_close_a_script(hostile: tuple[Path, Path]) -> None:
    _, site = hostile
    raw = (site / "evidence" / "map.json").read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw, "map data must escape < and > so it can be inlined safely"
    data = json.loads(raw)
    strings = strings_in(data)
    assert any(STATEMENT in s for s in strings)
    assert all("49" not in s for s in strings)


def test_inline_graph_data_cannot_close_a_script(hostile: tuple[Path, Path]) -> None:
    _, site = hostile
    for name in ("index.html", "studies/evil2020/index.html"):
        page = parse((site / name).read_text(encoding="utf-8"))
        for attrs, body in page.scripts:
            if (attrs.get("type") or "").lower() in JSON_SCRIPT_TYPES:
                assert "<" not in body, f"{name}: JSON in a script element holds a raw '<'"


# -- what other tools read: citation tags, linked data, citation exports ------------------


class Head(HTMLParser):
    """The ``citation_*`` meta elements of a page's ``<head>``, and every other element there."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.elements: list[str] = []
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif self._in_head:
            self.elements.append(tag)
            if tag == "meta" and (attributes.get("name") or "").startswith("citation_"):
                self.meta.append((attributes.get("name") or "", attributes.get("content") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False


def head_of(markup: str) -> Head:
    parsed = Head()
    parsed.feed(markup)
    return parsed


def json_ld(markup: str) -> list[dict]:
    return [json.loads(body) for attrs, body in parse(markup).scripts if attrs.get("type") == "application/ld+json"]


STUDY_PAGES = ["evil2020", "evil2021", "evil2022", "evil2024"]


@pytest.fixture(scope="module")
def studies(hostile: tuple[Path, Path]) -> dict:
    root, _ = hostile
    bibliography, _ = load_bibliography(root / "references.bib", "references.bib", Config())
    return bibliography.studies


def test_citation_tags_keep_the_hostile_text_and_make_nothing(hostile: tuple[Path, Path], studies: dict) -> None:
    """Each tag's content is the entry's text exactly, and the head holds no element the
    input made: a title that closes the attribute or the element stays inside ``content``."""
    from graphbuild.formats.metatags import citation_meta

    _, site = hostile
    plain = head_of((site / "index.html").read_text(encoding="utf-8"))
    for key in STUDY_PAGES:
        markup = (site / "studies" / key / "index.html").read_text(encoding="utf-8")
        found = head_of(markup)
        assert found.meta == citation_meta(studies[key]), key
        assert sorted(set(found.elements)) == sorted(set(plain.elements)), key  # meta, link, script, title
        assert found.elements.count("meta") == plain.elements.count("meta") + len(found.meta)
    titles = dict(head_of((site / "studies/evil2020/index.html").read_text(encoding="utf-8")).meta)
    assert SCRIPT in titles["citation_title"] and IMG in titles["citation_journal_title"]
    book = head_of((site / "studies/evil2022/index.html").read_text(encoding="utf-8"))
    authors = [value for name, value in book.meta if name == "citation_author"]
    assert authors == ['Quote, "Double"', "O'Brien, Single"]


def test_json_ld_keeps_the_hostile_text_inside_its_script(hostile: tuple[Path, Path], studies: dict) -> None:
    from graphbuild.formats.records import one_line

    _, site = hostile
    for key in STUDY_PAGES:
        markup = (site / "studies" / key / "index.html").read_text(encoding="utf-8")
        page = f"https://example.org/studies/{key}/"
        (node,) = [n for n in json_ld(markup) if urljoin(page, n.get("@id", "")) == page]
        assert node["name"] == one_line(studies[key].title)
        for attrs, body in parse(markup).scripts:
            if attrs.get("type") == "application/ld+json":
                assert "<" not in body and ">" not in body and "&" not in body
    (claim,) = [n for n in json_ld((site / "index.html").read_text(encoding="utf-8")) if n["@type"] == "Claim"]
    assert claim["text"] == STATEMENT and claim["keywords"] == TAGS
    linked = json.loads((site / "evidence" / "graph.jsonld").read_text(encoding="utf-8"))
    graph, base = linked["@graph"], linked["@context"][1]["@base"]
    nodes = {urljoin(base, node["@id"]): node for node in graph}
    assert nodes["https://example.org/#hostile-claim"]["text"] == STATEMENT
    assert nodes["https://example.org/studies/evil2020/"]["name"] == one_line(studies["evil2020"].title)
    assert "sameAs" not in nodes["https://example.org/studies/evil2021/"]  # a data: URL and a data: DOI
    assert all("49" not in s for s in strings_in(graph))


def test_citation_exports_carry_the_hostile_text_as_data(hostile: tuple[Path, Path], studies: dict) -> None:
    import bibtexparser
    import rispy

    from graphbuild.formats.records import csl_item

    _, site = hostile
    for key in STUDY_PAGES:
        library = bibtexparser.parse_string((site / "studies" / f"{key}.bib").read_text(encoding="utf-8"))
        assert not library.failed_blocks and [e.key for e in library.entries] == [key]
        ris = (site / "studies" / f"{key}.ris").read_bytes().decode("utf-8")
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in ris.split("\r\n")[:-1]), ris
        (record,) = rispy.loads(ris)
        assert record["title"] == " ".join(studies[key].title.split())
        assert json.loads((site / "studies" / f"{key}.json").read_text(encoding="utf-8")) == [csl_item(studies[key])]
    evil = bibtexparser.parse_string((site / "studies" / "evil2020.bib").read_text(encoding="utf-8")).entries[0]
    assert "<script>alert(1)</script>" in evil["title"] and "design" not in evil.fields_dict
    ris = (site / "studies" / "evil2020.ris").read_text(encoding="utf-8")
    assert "\nUR  - " not in ris and "\nDO  - javascript:alert(1)\n" in ris  # a DOI is data, never a URL
    everything = (site / "bibliography" / "references.json").read_text(encoding="utf-8")
    assert {item["id"] for item in json.loads(everything)} == set(studies) - {"uncited"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("[x](javascript:alert(1))\x92")
@example("{: autofocus onfocus=alert(1) }\x7f")
@example('O\'Brien "q" \\ \ud83d\ude00 \u2028 \ufffe')
def test_generated_front_matter_always_reads_as_yaml(title: str) -> None:
    """MkDocs drops front matter PyYAML rejects and renders it as Markdown, so a study label
    with a DEL or C1 control once became a live link in the page heading. Whatever the
    label, MkDocs' own reader must get the title back (escaped, controls removed)."""
    from mkdocs.utils.meta import get_data

    body, meta = get_data(front_matter(title) + "GBTOKEN\n")
    clean = re.sub("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", "", title)
    assert meta == {"title": html.escape(clean, quote=False)}
    assert body.strip() == "GBTOKEN"


def test_a_diagnostic_cannot_be_forged_by_the_value_it_quotes() -> None:
    """Messages quote the editor's values; a value with line breaks must not print lines of
    its own (a fake ``path:line:`` or a CI ``::error`` command) or reorder the text."""
    from graphbuild.model.bibliography import parse_bibliography
    from graphbuild.model.knowledge import build_knowledge_base

    page = textwrap.dedent("""\
        # Forged

        ```claim
        id: forged
        statement: A claim.
        type: benefit
        evidence:
          - key: "nokey\\n::error file=x::forged\\nreferences.bib:1: error: forged\\u202e"
        ```
        """)
    bibliography, _ = parse_bibliography("", "references.bib", Config())
    _, diagnostics = build_knowledge_base([("index.md", "docs/index.md", page)], bibliography, Config())
    lines = "\n".join(str(d) for d in diagnostics).splitlines()
    assert lines and all(line.startswith("docs/index.md:") for line in lines), lines
    assert any("nokey\\n::error file=x::forged\\nreferences.bib:1: error: forged\\u202e" in line for line in lines)


def test_control_characters_in_a_label_cannot_turn_the_heading_into_markup(tmp_path: Path, caplog) -> None:
    """The red-team case: a DEL or C1 control in a .bib field once made MkDocs drop a study
    page's front matter and render it as Markdown (a javascript: link; with attr_list, an
    autofocus onfocus handler and an off-site image). Now: a warning, and inert pages."""
    bib = (
        "@misc{fm2022,\n  title = {[x](javascript:alert(1))\x92},\n  year = {2022},\n  design = {rct},\n}\n"
        "@misc{af2023,\n  author = {{[x](https://example.org/)\\{: autofocus onfocus=alert(document.domain) "
        "tabindex=1 \\}![p](https://tracker.example/pixel.png)\x7f}},\n  year = {2023},\n  design = {rct},\n}\n"
    )
    mkdocs_yml = MKDOCS_YML.replace("  - md_in_html\n", "  - md_in_html\n  - attr_list\n")
    files = {"mkdocs.yml": mkdocs_yml, "references.bib": bib, "docs/index.md": "# Home\n\nSee [@fm2022; @af2023].\n"}
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    site = build_site(tmp_path, tmp_path / "site", strict=False)
    for page in html_pages(site):
        markup = page.read_text(encoding="utf-8")
        assert_inert(parse(markup), str(page))
        assert 'src="https://tracker.example' not in markup, f"{page}: an off-site image"
        assert "title:" not in parse(markup).visible_text, f"{page}: front matter rendered as text"
    assert "references.bib:2: warning: entry 'fm2022': field 'title' holds control characters" in caplog.text


RENDER_MD = textwrap.dedent("""\
    # Nested claims

    > ```claim
    > id: quoted
    > statement: "Quoted *hover*{ onmouseover=alert(1) } ![t](https://evil.example/t.png) _x_"
    > type: benefit
    > evidence:
    >   - key: evil2022
    >     note: "[x](javascript:alert(10)) <b>bold</b>"
    > ```

    !!! note

        ```claim
        id: admonished
        statement: "In a note [x](javascript:alert(11)) *y*{ onclick=alert(2) }"
        type: barrier
        evidence: [evil2022]
        ```

    - A list item

        ```claim
        id: listed
        statement: "In a list ![i](https://evil.example/i.png) `code`"
        type: outcome
        evidence: [evil2022]
        ```
    """)


def test_the_rendered_tree_stays_inert_when_markdown_reads_it_again(tmp_path: Path) -> None:
    """``graphbuild render`` writes a card's slot into the Markdown, in a blockquote, an
    admonition or a list, where it is not a raw HTML block; ``finish`` puts the card there. A
    statement must still not become a link, an attribute or an image, and the graph data must
    parse."""
    from graphbuild.model.project import load_project
    from graphbuild.publishing.finish import finish_site
    from graphbuild.publishing.markdown_tree import write_markdown_tree

    root = write_hostile_site(tmp_path / "src")
    (root / "docs/nested.md").write_text(RENDER_MD, encoding="utf-8")
    write_markdown_tree(load_project(root), tmp_path / "tree")
    site = build_site(tmp_path / "tree", tmp_path / "site", strict=False)
    assert finish_site(tmp_path / "tree", site).problems == []
    markup = (site / "nested/index.html").read_text(encoding="utf-8")
    page = parse(markup)
    assert_inert(page, "nested/index.html")
    assert "evil.example" not in "".join(str(attrs) for _, attrs in page.elements)
    for statement in ("Quoted *hover*{ onmouseover=alert(1) }", "In a note [x](javascript:alert(11))"):
        assert statement in page.visible_text
    graphs = [attrs for tag, attrs in page.elements if tag == "div" and "gb-graph" in (attrs.get("class") or "")]
    assert graphs == []  # each of these claims has one study: its table says all a graph would
    cards = [json.loads(body) for attrs, body in page.scripts if attrs.get("type") == "application/ld+json"]
    ids = [f"https://example.org/nested/#{claim}" for claim in ("quoted", "admonished", "listed")]
    assert [urljoin("https://example.org/nested/", card["@id"]) for card in cards] == ids
    assert cards[0]["text"].startswith("Quoted *hover*{ onmouseover=alert(1) }")


def test_the_rendered_trees_study_pages_carry_inert_citation_tags(tmp_path: Path) -> None:
    """In the Markdown tree the tags travel with each study page's parts, and ``finish``
    writes them into the head of the page it fills from the engine's shell."""
    from graphbuild.formats.metatags import citation_meta
    from graphbuild.model.project import load_project
    from graphbuild.publishing.finish import finish_site
    from graphbuild.publishing.markdown_tree import write_markdown_tree

    root = write_hostile_site(tmp_path / "src")
    write_markdown_tree(load_project(root), tmp_path / "tree")
    site = build_site(tmp_path / "tree", tmp_path / "site", strict=False)
    assert finish_site(tmp_path / "tree", site).problems == []
    bibliography, _ = load_bibliography(root / "references.bib", "references.bib", Config())
    for key in STUDY_PAGES:
        markup = (site / "studies" / key / "index.html").read_text(encoding="utf-8")
        assert_inert(parse(markup), key)
        assert head_of(markup).meta == citation_meta(bibliography.studies[key]), key


@pytest.mark.skipif(
    shutil.which("zensical", path=str(Path(sys.executable).parent)) is None,
    reason="zensical is not installed (pip install -e '.[zensical]')",
)
def test_the_tree_finished_after_zensical_is_inert(tmp_path: Path) -> None:
    """Zensical builds the tree's shell of a study page with its own theme; ``finish`` fills
    each study's page from it and adds the search entries to Zensical's own index."""
    root = write_hostile_site(tmp_path / "src")
    site = build_finished_tree(root, tmp_path / "tree", engine="zensical")
    for path in html_pages(site):
        assert_inert(parse(path.read_text(encoding="utf-8")), path.relative_to(site).as_posix())
    study = parse((site / "studies/evil2020/index.html").read_text(encoding="utf-8")).visible_text
    for hostile_text in (SCRIPT, IMG, MD_LINK, JINJA, RAW, JS_URL):
        assert hostile_text in study, hostile_text
    assert STATEMENT in parse((site / "index.html").read_text(encoding="utf-8")).visible_text
    found = ""
    for item in json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]:
        for name in ("title", "text"):
            fragment = parse(item[name])
            assert_inert(fragment, f"search.json {item['location']} {name}")
            assert not [t for t, _ in fragment.elements if t in ("script", "img", "svg", "style")], item[name]
            found += " " + fragment.visible_text
    assert STATEMENT in found and SCRIPT in found
