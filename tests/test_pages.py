"""Markdown in, HTML out: every kind of page an editor may write keeps its text.

One site holds a page per row; it is built with graphbuild and again without it. Outside
cards and citations the two must render the same HTML: a page whose front matter, wrapped
citations or line endings confused the offsets would lose a paragraph, put a card inside
code or turn a code example into live HTML, and the comparison shows it.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from graphbuild.common.diagnostics import failing
from graphbuild.model.config import Config
from graphbuild.model.knowledge import read_page
from graphbuild.model.project import load_project
from graphbuild.publishing.markdown_tree import write_markdown_tree
from graphbuild.publishing.pipeline import analyse

from .conftest import BIB, MKDOCS_YML, build, write_site


def claim(claim_id: str, prefix: str = "") -> str:
    lines = [
        "```claim",
        f"id: {claim_id}",
        f"statement: Statement of {claim_id}.",
        "type: benefit",
        "evidence:",
        "  - mead2006",
        "```",
    ]
    return "\n".join(prefix + line for line in lines) + "\n"


ALERT = "<img src=x onerror=alert(document.domain)>"
CODE_EXAMPLE = f"```html\n{ALERT}\n```\n"

# name, page text, ids of the claims the page shows as cards
PAGES = [
    pytest.param(
        "front-matter",
        f"---\ntitle: Front matter\n---\n\n# Page\n\nText [@mead2006].\n\n{claim('fm')}\nClosing paragraph.\n\n"
        f"{CODE_EXAMPLE}",
        ["fm"],
        id="front-matter",
    ),
    pytest.param(
        "meta-lines",
        f"Title: Meta lines\nSummary: two lines\n\n# Page\n\nText [@pitt2013].\n\n{claim('meta')}\nClosing.\n\n"
        f"{CODE_EXAMPLE}",
        ["meta"],
        id="meta-lines",
    ),
    pytest.param(
        "leading-blanks",
        f"\n\n\n# Page\n\nText [@mead2006].\n\n{claim('blanks')}\nClosing.\n\n{CODE_EXAMPLE}",
        ["blanks"],
        id="leading-blank-lines",
    ),
    pytest.param(
        "wrapped-above",
        f"# Page\n\nSee [@mead2006;\n@pitt2013;\n@min2007] here.\n\n{claim('above')}\nThe paragraph after.\n",
        ["above"],
        id="wrapped-group-above",
    ),
    pytest.param(
        "wrapped-below",
        f"# Page\n\n{claim('below')}\nSee [@mead2006;\n@pitt2013] below.\n\nLast words.\n",
        ["below"],
        id="wrapped-group-below",
    ),
    pytest.param(
        "crlf",
        f"# Page\r\n\r\nText [@mead2006] and [@pitt2013].\r\n\r\n{claim('crlf')}".replace("\n", "\r\n")
        + "\r\nClosing.\r\n",
        ["crlf"],
        id="crlf",
    ),
    pytest.param(
        "cr-only",
        f"# Page\r\rText [@mead2006].\r\r{claim('cr-only')}".replace("\n", "\r") + "\rClosing.\r",
        ["cr-only"],
        id="cr-only",
    ),
    pytest.param(
        "in-comment",
        f"# Page\n\nBefore.\n\n<!--\n{claim('hidden')}-->\n\nAfter [@mead2006].\n",
        [],
        id="claim-in-html-comment",
    ),
    pytest.param(
        "in-indented-code",
        f"# Page\n\nThe syntax:\n\n{claim('example', '    ')}\nAfter.\n",
        [],
        id="claim-in-indented-code",
    ),
    pytest.param(
        "in-list",
        f"# Page\n\n- An item\n\n{claim('listed', '    ')}\n- Another item\n",
        ["listed"],
        id="claim-in-list",
    ),
    pytest.param(
        "in-admonition",
        f"# Page\n\n!!! note\n\n{claim('noted', '    ')}\nAfter.\n",
        ["noted"],
        id="claim-in-admonition",
    ),
    pytest.param(
        "in-blockquote",
        f"# Page\n\n{claim('quoted', '> ')}>\n> Still in the quote.\n\nAfter.\n",
        ["quoted"],
        id="claim-in-blockquote",
    ),
    pytest.param(
        "fenced-example",
        f"# Page\n\n````markdown\n{claim('shown')}````\n\nAfter.\n",
        [],
        id="claim-fence-inside-fenced-code",
    ),
]
NAMES = [p.values[0] for p in PAGES]
EXTENSIONS = "  - admonition\n  - attr_list\n  - md_in_html\n  - pymdownx.details\n  - pymdownx.superfences\n"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The same pages built with graphbuild, without it, and the source folder."""
    root = tmp_path_factory.mktemp("pages")
    files = {"mkdocs.yml": MKDOCS_YML.replace("markdown_extensions:\n", "markdown_extensions:\n" + EXTENSIONS)}
    files |= {"references.bib": BIB, "docs/index.md": "# Home\n"}
    source = write_site(root / "with", files)
    for param in PAGES:
        name, text, _ = param.values
        (source / "docs" / f"{name}.md").write_bytes(text.encode("utf-8"))
    plain = root / "without"
    plain.mkdir()
    (plain / "docs").symlink_to(source / "docs")
    (plain / "mkdocs.yml").write_text(files["mkdocs.yml"].replace("  - graphbuild\n", ""), encoding="utf-8")
    return build(source), build(plain, strict=False), source


def _article(site: Path, name: str) -> str:
    html = (site / name / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


CARD = re.compile(r'<section class="gb-card.*?</section>', re.S)
CITATION = re.compile(r'\((?:<a class="gb-cite"[^>]*>[^<]*</a>(?:; )?)+\)')
CLAIM_CODE = re.compile(r'<div class="highlight"><pre><span></span><code>id: [a-z-]+ .*?</code></pre></div>')
PLAIN_CITATION = re.compile(r"\[@[^\]]*\]")


def _normal(html: str) -> str:
    """Whitespace between tags collapsed; comments, which no reader sees, left out."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(("name", "text", "cards"), PAGES)
def test_text_outside_cards_and_citations_survives(sites, name: str, text: str, cards: list[str]) -> None:
    with_plugin, without, _ = sites
    shown = _article(with_plugin, name)
    assert re.findall(r'<section class="gb-card[^"]*" id="([^"]+)"', shown) == cards
    ours = CITATION.sub("[CITATION]", CARD.sub("[CARD]", _normal(shown)))
    theirs = PLAIN_CITATION.sub("[CITATION]", CLAIM_CODE.sub("[CARD]", _normal(_article(without, name))))
    assert "[@" not in ours and "GBPLACEHOLDER" not in ours
    assert ours == theirs


@pytest.mark.parametrize(("name", "text", "cards"), PAGES)
def test_code_examples_stay_code(sites, name: str, text: str, cards: list[str]) -> None:
    shown = _article(sites[0], name)
    assert ALERT not in shown
    if ALERT in text:  # shown as code: its text is on the page, highlighted
        assert ALERT in unescape(re.sub(r"<[^>]*>", "", shown))


def test_claims_in_comments_and_code_are_not_published(sites) -> None:
    kb, diagnostics = analyse(load_project(sites[2]))
    assert failing(diagnostics, strict=True) == []
    assert set(kb.claims) == {c for p in PAGES for c in p.values[2]}
    index = (sites[0] / "claims" / "index.html").read_text(encoding="utf-8")
    assert "hidden" not in re.findall(r'<tr id="([^"]+)"', index) and 'id="example"' not in index


@pytest.mark.parametrize(("name", "text", "cards"), PAGES)
def test_check_render_and_build_see_the_same_claims(sites, name: str, text: str, cards: list[str]) -> None:
    page, _ = read_page(f"{name}.md", f"docs/{name}.md", text, Config())
    assert [c.id for c in page.claims] == cards


def test_line_numbers_are_the_files_even_after_front_matter() -> None:
    text = "---\ntitle: T\n---\n\n\n# Page\n\n[@nope]\n\n"
    text += "```claim\nid: x\nstatement: S.\ntype: rumour\nevidence: [a]\n```\n"
    page, diagnostics = read_page("p.md", "docs/p.md", text, Config())
    assert [(d.line, d.message.split(";")[0]) for d in diagnostics] == [(13, "unknown type 'rumour'")]
    assert [c.line for c in page.citations] == [8]


def test_markdown_tree_keeps_front_matter_and_line_endings_apart(sites, tmp_path: Path) -> None:
    write_markdown_tree(load_project(sites[2]), tmp_path / "tree")
    crlf = (tmp_path / "tree" / "docs" / "crlf.md").read_text(encoding="utf-8")
    assert "[@" not in crlf and crlf.count('<a class="gb-cite"') == 2 and "\r" not in crlf
    front = (tmp_path / "tree" / "docs" / "front-matter.md").read_text(encoding="utf-8")
    # The front matter as the tree writes it (each value escaped), the page's opening heading
    # (engines title a page from it), then the body between the marks of the region finish
    # passes through the gate.
    assert re.match(r'---\ntitle: "Front matter"\n---\n\n# Page\n\n<!--gbgatestart\w+-->\n', front), front[:120]
    assert "Closing paragraph." in front


HOOK = """
def on_page_read_source(page, config):
    if page.file.src_uri != "index.md":
        return None
    text = open(page.file.abs_src_path, encoding="utf-8").read()
    return {change}
"""


@pytest.mark.parametrize(
    ("change", "error"),
    [
        pytest.param('"Added by a hook [@pitt2013].\\n\\n" + text', None, id="text-added-before"),
        pytest.param('text.replace("id: hope", "id: hoped")', "claim 'hope' is no longer", id="claim-changed"),
    ],
)
def test_markdown_changed_by_another_plugin_is_read_again(tmp_path: Path, change: str, error: str | None) -> None:
    from mkdocs.exceptions import Abort

    from .conftest import INDEX_MD

    yml = MKDOCS_YML + "hooks:\n  - hook.py\n"
    root = write_site(tmp_path / "site", {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": INDEX_MD})
    (root / "hook.py").write_text(HOOK.format(change=change), encoding="utf-8")
    if error:
        with pytest.raises(Abort):
            build(root)
        return
    html = (build(root) / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<section class="gb-card[^"]*" id="([^"]+)"', html) == ["fewer-readmissions", "hope"]
    assert 'Added by a hook (<a class="gb-cite"' in html


def test_the_writer_makes_folders_once_and_replaces_files(tmp_path: Path) -> None:
    from graphbuild.common.files import Writer

    writer = Writer()
    target = tmp_path / "a" / "b" / "c.txt"
    writer.write(target, "first, longer text")
    writer.write(target, "é \ud800")  # replaced, not appended; a lone surrogate as a reference
    assert target.read_bytes() == "é &#55296;".encode()
    writer.write(tmp_path / "a" / "b" / "d.txt", "")
    assert (tmp_path / "a" / "b" / "d.txt").read_bytes() == b""
