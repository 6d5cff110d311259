"""What keeps a site of thousands of studies small and searchable: study pages from one
render of the theme in a layout of their own, a search entry per claim and per study, tables
and card boilerplate out of the index, and the same in the Markdown tree for Zensical."""

from __future__ import annotations

import dataclasses
import json
from html import unescape
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.meta import get_data

from graphbuild.common.escaping import front_matter
from graphbuild.formats.search import add_to_index, add_to_index_file
from graphbuild.site import registry
from graphbuild.site.shell import Shell, ShellError, StandIns, without_indentation

from .conftest import MKDOCS_YML, build, write_site

HOSTILE_TITLE = '<img src=x onerror=alert(1)> "quoted" & more'


# -- the shell --------------------------------------------------------------------------------


def test_shell_fills_every_slot_and_escapes_the_title() -> None:
    stand = StandIns()
    rendered = (
        f"<title>{stand['title']} - Site</title><link href='https://x.org/studies/{stand['slug']}/'>"
        f"{stand['head']}<h1>{stand['title']}</h1><article>{stand['body']}</article>"
    )
    page = Shell(rendered, stand).fill(HOSTILE_TITLE, "mead2006", "<p>body</p>", '<meta name="a" content="b">')
    assert page == (
        "<title>&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more - Site</title>"
        '<link href=\'https://x.org/studies/mead2006/\'><meta name="a" content="b">'
        "<h1>&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more</h1><article><p>body</p></article>"
    )
    assert "gbshell" not in page


def test_a_theme_that_prints_no_body_cannot_make_pages() -> None:
    stand = StandIns()
    with pytest.raises(ShellError):
        Shell(f"<title>{stand['title']}</title>", stand)


def test_shell_moves_the_themes_icons_into_one_file_of_symbols() -> None:
    """Each icon the theme repeats on every study page is a reference to a symbol in one file
    (named by its content); an icon that could depend on the page stays where it is."""
    stand = StandIns()
    search = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M9 3z"/></svg>'
    logo = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M1 1h2z"/></svg>'
    own = '<svg viewBox="0 0 8 8"><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/></svg>'
    titled = f'<svg viewBox="0 0 8 8"><title>{stand["title"]}</title></svg>'
    rendered = f"<header>{logo}<label>{search}</label>{own}{titled}</header><form>{search}</form>{stand['body']}"
    shell = Shell(rendered, stand, dest="studies/s/index.html")
    page = shell.fill("T", "s", "<p>b</p>")
    url = f"../../assets/graphbuild/{shell.icons_name}"
    assert shell.icons_name.startswith("icons-") and shell.icons_name.endswith(".svg")
    assert page.count(f'<svg viewBox="0 0 16 16"><use href="{url}#i0"/></svg>') == 1
    assert page.count(f'<svg viewBox="0 0 24 24"><use href="{url}#i1"/></svg>') == 2
    assert own in page and '<svg viewBox="0 0 8 8"><title>T</title></svg>' in page
    assert shell.icons == (
        '<svg xmlns="http://www.w3.org/2000/svg"><symbol id="i0" viewBox="0 0 16 16"><path d="M1 1h2z"/></symbol>'
        '<symbol id="i1" viewBox="0 0 24 24"><path d="M9 3z"/></symbol></svg>\n'
    )
    assert Shell(rendered, stand).icons == "" and logo in Shell(rendered, stand).fill("T", "s", "")


def test_the_themes_indentation_goes_but_white_space_that_is_content_stays() -> None:
    page = "<nav>\n    <ul>\n      <li><a>One</a>\n\n      <a>two</a></li>\n    </ul>\n</nav>"
    assert without_indentation(page) == "<nav>\n<ul>\n<li><a>One</a>\n<a>two</a></li>\n</ul>\n</nav>"
    for kept in ("<pre>a\n    b</pre>", "<textarea>a\n    b</textarea>"):
        assert without_indentation(page + kept) == page + kept


def test_content_pages_are_written_without_the_themes_indentation(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    assert "gb-card" in html and "\n " not in html and "\n\t" not in html


def test_stand_ins_differ_build_to_build() -> None:
    assert StandIns()["body"] != StandIns()["body"]


# -- front matter and the search index ---------------------------------------------------------


def test_front_matter_fields_read_back_as_written() -> None:
    text = front_matter(
        HOSTILE_TITLE,
        {"template": "graphbuild-study.html", "search": {"exclude": True}, "nav": [{"title": "Map", "url": "x/"}]},
    )
    body, meta = get_data(text + "BODY\n")
    assert body.strip() == "BODY"
    assert meta == {
        "title": '&lt;img src=x onerror=alert(1)&gt; "quoted" &amp; more',
        "template": "graphbuild-study.html",
        "search": {"exclude": True},
        "nav": [{"title": "Map", "url": "x/"}],
    }


@pytest.mark.parametrize(
    "index",
    [
        pytest.param('{"config":{"lang":["en"]},"docs":[{"location":"","title":"Home","text":""}]}', id="material"),
        pytest.param('{"config":{"lang":["en"]},"docs":[]}', id="empty"),
        pytest.param('{"docs":[{"location":"","title":"Home","text":""}],"config":{"x":1}}', id="docs-first"),
    ],
)
def test_entries_join_the_index_whatever_its_shape(index: str, tmp_path: Path) -> None:
    entries = [{"location": "a/#b", "title": "T", "text": "x"}, {"location": "c/", "title": "Ü", "text": "y"}]
    data = json.loads(add_to_index(index, entries))
    assert data["docs"][-2:] == entries and data["config"] == json.loads(index)["config"]
    assert data["docs"][:-2] == json.loads(index)["docs"]
    on_disk = tmp_path / "search_index.json"  # the same, written in place one entry at a time
    on_disk.write_text(index, encoding="utf-8")
    add_to_index_file(on_disk, iter(entries))
    assert on_disk.read_text(encoding="utf-8") == add_to_index(index, entries)


def test_search_entries_escape_what_the_bib_and_claims_say() -> None:
    from graphbuild.formats.search import search_entries
    from graphbuild.model.bibliography import parse_bibliography
    from graphbuild.model.config import Config
    from graphbuild.model.knowledge import build_knowledge_base

    bib = "@misc{evil2020, author = {Evil, Eve}, title = {<img src=x onerror=alert(1)>}, year = {2020}}\n"
    page = "```claim\nid: c\nstatement: 'A <b>bold</b> claim'\ntype: benefit\ntags: [a<b]\nevidence: [evil2020]\n```\n"
    bibliography, _ = parse_bibliography(bib, "references.bib", Config())
    kb, _ = build_knowledge_base([("p.md", "docs/p.md", page)], bibliography, Config())
    claim, study = search_entries(kb, lambda src: src.removesuffix(".md") + "/")
    assert claim["location"] == "p/#c" and claim["title"] == "A &lt;b&gt;bold&lt;/b&gt; claim"
    assert claim["tags"] == ["a&lt;b"] and "Studies: Evil, 2020." in claim["text"]
    assert study["location"] == "studies/evil2020/" and "&lt;img src=x onerror=alert(1)&gt;" in study["text"]
    assert "<" not in json.dumps([claim, study]).replace("\\u003c", "")


# -- the MkDocs build ---------------------------------------------------------------------------


@pytest.fixture
def built(site: Path) -> Path:
    (site / "mkdocs.yml").write_text(
        MKDOCS_YML.replace("site_name: Test site", "site_name: Test site\nsite_url: https://example.org/kb/")
    )
    return build(site)


def _index(out: Path) -> list[dict[str, str]]:
    return json.loads((out / "search/search_index.json").read_text(encoding="utf-8"))["docs"]


def test_study_page_is_themed_with_a_short_navigation_and_no_sidebars(built: Path) -> None:
    html = (built / "studies/pitt2013/index.html").read_text(encoding="utf-8")
    assert '<header class="md-header' in html and 'data-md-component="search"' in html
    assert "<title>Pitt et al. (2013) - Test site</title>" in html
    assert '<link rel="canonical" href="https://example.org/kb/studies/pitt2013/">' in html
    links = [(unescape(a), b) for b, a in _links(_primary_nav(html))]
    assert links == [
        ("Peer support", "../.."),
        ("Summary of findings", "../../evidence/summary/"),
        ("Claims index", "../../claims/"),
        ("Evidence map", "../../evidence/"),
        ("Evidence matrix", "../../evidence/matrix/"),
        ("Bibliography", "../../bibliography/"),
        ("Changes to the evidence", "../../evidence/changes/"),
    ]
    assert '<div class="gb-study" id="study-pitt2013">' in html and "gbshell" not in html
    assert "md-sidebar" not in html  # the site's whole navigation is not repeated on every study
    (icons,) = (built / "assets/graphbuild").glob("icons-*.svg")  # the theme's icons, once
    assert f'<use href="../../assets/graphbuild/{icons.name}#i0"/>' in html and "<symbol" in icons.read_text()


def _primary_nav(html: str) -> str:
    start = html.index('<nav class="gb-study-nav"')
    return html[start : html.index("</nav>", start)]


def _links(html: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', html)


def test_every_cited_study_has_its_page_and_sitemap_entry(built: Path) -> None:
    for key in ("mead2006", "pitt2013", "min2007", "gillard2014", "dh2011"):
        assert (built / f"studies/{key}/index.html").is_file()
        assert f"<loc>https://example.org/kb/studies/{key}/</loc>" in (built / "sitemap.xml").read_text()
    assert not (built / "studies/uncited2020").exists()


def test_search_has_an_entry_per_claim_and_per_study(built: Path) -> None:
    docs = _index(built)
    claim = next(d for d in docs if d["location"] == "#fewer-readmissions")
    # the key message first, then the direction and certainty in words, then the claim as stated
    assert claim["title"] == "Peer support may reduce readmissions; trials have not confirmed it."
    assert claim["text"].startswith(
        "Contested; low certainty (GRADE). Claim: Peer support is associated with fewer psychiatric readmissions."
    )
    assert "Certainty: low (GRADE)." not in claim["text"] and "Min et al., 2007 and Pitt et al., 2013" in claim["text"]
    assert claim["tags"] == ["service-use"]
    study = next(d for d in docs if d["location"] == "studies/min2007/")
    assert study["title"] == "Min et al. (2007)"
    assert "Min S.-Y., Whitecraft J." in study["text"] or "Whitecraft" in study["text"]
    assert "Comparison-group study." in study["text"]


def test_claims_join_the_index_whichever_plugin_is_listed_first(site: Path) -> None:
    """The entries are added after the search plugin has written its index, wherever the
    site lists graphbuild among its plugins."""
    (site / "mkdocs.yml").write_text(MKDOCS_YML.replace("  - search\n  - graphbuild\n", "  - graphbuild\n  - search\n"))
    assert "  - graphbuild\n  - search\n" in (site / "mkdocs.yml").read_text()
    locations = [d["location"] for d in _index(build(site))]
    assert "#fewer-readmissions" in locations and "studies/min2007/" in locations


def test_cards_and_generated_tables_stay_out_of_the_index(built: Path) -> None:
    docs = _index(built)
    text = json.dumps(docs)
    assert "Show in the evidence map" not in text and "Round nodes are claims" not in text
    assert not [d for d in docs if d["location"].startswith(("claims/", "bibliography/", "evidence/matrix/"))]
    assert not [d for d in docs if d["location"].startswith("evidence/summary/")]
    page = [d for d in docs if d["location"] in ("", "#more-hope")]
    assert page and all("Fewer readmissions than a comparison group" not in d["text"] for d in page)


def test_a_head_template_lands_in_the_study_pages_head(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a study page's own <head> lines go (meta tags, linked data): a ``head`` template."""
    study = dataclasses.replace(registry.PAGE["study"], head="study_head.html")
    monkeypatch.setattr(registry, "PAGES", tuple(study if p.name == "study" else p for p in registry.PAGES))
    monkeypatch.setitem(registry.PAGE, "study", study)
    write_site(
        site, {"overrides/graphbuild/study_head.html": '<meta name="citation_title" content="{{ study.title }}">'}
    )
    html = (build(site) / "studies/mead2006/index.html").read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    assert '<meta name="citation_title" content="Peer Support: What Makes It Unique?">' in head


# -- the Markdown tree, and Zensical -------------------------------------------------------------


@pytest.fixture
def tree(site: Path, tmp_path: Path) -> Path:
    from graphbuild.cli import main

    out = tmp_path / "tree"
    assert main(["--root", str(site), "render", "--output", str(out)]) == 0
    return out


def test_tree_keeps_study_pages_out_of_the_navigation_and_tables_out_of_search(tree: Path) -> None:
    settings = yaml.safe_load((tree / "mkdocs.yml").read_text(encoding="utf-8"))
    assert settings["not_in_nav"] == "/studies/\n"
    assert (tree / settings["theme"]["custom_dir"] / registry.STUDY_LAYOUT).is_file()
    (shell,) = (tree / "docs/studies").glob("*.md")  # the one study page the engine builds
    _, meta = get_data(shell.read_text(encoding="utf-8"))
    assert meta["template"] == registry.STUDY_LAYOUT and meta["graphbuild_nav"][0]["url"] == "evidence/summary/"
    _, meta = get_data((tree / "docs/claims/index.md").read_text(encoding="utf-8"))
    assert meta["search"] == {"exclude": True}


def test_tree_builds_with_mkdocs_and_the_same_layout(tree: Path) -> None:
    from graphbuild.publishing.finish import finish_site

    site = build(tree)
    assert not finish_site(tree, site).problems
    html = (site / "studies/pitt2013/index.html").read_text(encoding="utf-8")
    assert [unescape(a) for _, a in _links(_primary_nav(html))][1:] == [p.title for p in registry.PAGES if p.nav]


# -- generated pages' bodies, a line at a time -------------------------------------------------

STREAMED = """{% from "m.html" import cell %}
<ul>

{% for v in values %}
  <li id="v-{{ loop.index }}">{{ cell(v) }}</li>\r\n{% if loop.index is even %}\r\n   \n{% endif %}
{% endfor %}\x0c<p>{{ last }}</p>\u2028tail
"""


@pytest.mark.parametrize("values", [[], ["<b>", "a & b"], [f"v{i}\r" for i in range(50)]])
def test_a_streamed_body_is_the_rendered_body(values: list[str]) -> None:
    """The bodies of the summary, claims index, matrix and bibliography are written a line
    at a time (30,000 lines at 50,000 references): the same text as rendering them whole,
    whatever the pieces Jinja yields (escaped values among them, line breaks split across
    pieces, every kind of line break)."""
    import jinja2

    from graphbuild.site.templates import Templates, without_blank_lines

    templates = Templates()
    templates.env.loader = jinja2.DictLoader(
        {"t.html": STREAMED, "m.html": "{% macro cell(v) %}[{{ v }}]{% endmacro %}"}
    )
    context = {"values": values, "last": "<i>last</i>"}
    whole = templates.render("t.html", **context)
    assert "".join(templates.stream("t.html", **context)) == whole
    assert "&lt;i&gt;last&lt;/i&gt;" in whole
    text = templates.template("t.html").render(**context)
    for size in (1, 2, 7):  # the same text cut into pieces of any size
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        assert "".join(without_blank_lines(pieces)) == whole


def test_spooled_bodies_go_into_their_pages(built: Path) -> None:
    """The pages whose bodies are written after the engine's page hold them in place of
    the token, whole, and no spool file is left in the site."""
    for page, marker in (
        ("bibliography/index.html", 'id="ref-'),
        ("claims/index.html", 'class="gb-claims-page"'),
        ("evidence/matrix/index.html", 'id="gap-map"'),
        ("evidence/summary/index.html", 'id="sof-'),
    ):
        html = (built / page).read_text(encoding="utf-8")
        assert marker in html and "GBPLACEHOLDER" not in html and html.count("</html>") == 1
    assert not [p for p in built.rglob("*") if p.name.endswith(".graphbuild") or p.suffix == ".gbbody"]
