"""The one gate: what editors' prose would run as script or fetch from another host is taken
out of every published page, on both publishing paths, and each removal is an error at its
line from ``graphbuild check``, from ``graphbuild render`` and from a build, which agree.

The corpus holds the classes of issue 23 (markup a regular expression or Python's
``html.parser`` reads otherwise than a browser; SVG animation; loads from another host and
clicks laid over the page) with variants of each."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.model.gate import sanitize_html
from graphbuild.model.project import load_project
from graphbuild.publishing.finish import finish_site
from graphbuild.publishing.markdown_tree import write_markdown_tree
from graphbuild.publishing.pipeline import check_build, plan_build
from graphbuild.site.shell import without_indentation

from .conftest import BIB, MKDOCS_YML, build, failed_build_log, write_site

# id: (Markdown after a heading and a paragraph, the line of the removal, a fragment of its message)
VECTORS: dict[str, tuple[str, int, str]] = {
    "js-link": ("[x](javascript:alert(1))", 5, "a javascript: address"),
    "js-link-entity": ('<a href="java&#x09;script:alert(6)">x</a>', 5, "a javascript: address"),
    "data-link": ("[x](data:text/html,<script>alert(7)</script>)", 5, "a data: address"),
    "reference-definition": ("[r][r]\n\n[r]: javascript:alert(3)", 7, "a javascript: address"),
    "attr-list-handler": ('*t*{: onmouseover="alert(2)" }', 5, "an event handler"),
    "img-onerror": ("<img src=picture.png onerror=alert(5)>", 5, "an event handler"),
    "raw-script": ("<script>alert(4)</script>", 5, "<script> removed"),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', 5, "<iframe> removed"),
    "svg-onload": ('<svg onload="alert(9)"></svg>', 5, "an event handler"),
    "abrupt-comment": ("<!--> <img src=x onerror=alert(11)> -->", 5, "an event handler"),
    "abrupt-comment-dash": ("<!---> <img src=x onerror=alert(12)> -->", 5, "an event handler"),
    "noscript": ('<noscript><p title="</noscript><img src=x onerror=alert(13)>"></noscript>', 5, "event handler"),
    "xmp": ('<xmp><p title="</xmp><img src=x onerror=alert(14)>"></xmp>', 5, "event handler"),
    "noembed": ('<noembed><p title="</noembed><img src=x onerror=alert(15)>"></noembed>', 5, "event handler"),
    "noframes": ('<noframes><p title="</noframes><img src=x onerror=alert(16)>">', 5, "event handler"),
    "textarea": ('<textarea><p title="</textarea><img src=x onerror=alert(17)>"></textarea>', 5, "event handler"),
    "gt-in-quoted-value": ('<p title=">"><img src=x onerror=alert(18)></p>', 5, "an event handler"),
    "svg-animate": (
        '<svg><a><animate attributeName="href" values="javascript:alert(19)"/><text y="20">x</text></a></svg>',
        5,
        "SVG animation",
    ),
    "svg-set": ('<svg><a><set attributeName="href" to="javascript:alert(20)"/></a></svg>', 5, "SVG animation"),
    "svg-image": ('<svg><image href="https://evil.example/i.png"/></svg>', 5, "<image> removed"),
    "svg-feimage": ('<svg><filter><feImage href="https://evil.example/f.png"/></filter></svg>', 5, "removed"),
    "svg-use": ('<svg><use href="https://evil.example/s.svg#a"/></svg>', 5, "may only point into the page"),
    "off-site-image": ("![](https://tracker.example/p.png)", 5, "another host (tracker.example)"),
    "image-reference": ("![logo][logo]\n\n[logo]: https://cdn.example/x.png", 7, "another host (cdn.example)"),
    "backslash-host": ('<img src="/\\tracker.example/p.png">', 5, "a backslash"),
    "backslash-scheme": ('<img src="https:\\\\tracker.example/p.png">', 5, "a backslash"),
    "srcset": ('<img src="a.png" srcset="a.png 1x, https://tracker.example/b.png 2x">', 5, "another host"),
    "style-image-set": ("<p style=\"background-image: image-set('https://t.example/a.png' 1x)\">s</p>", 5, "style"),
    "style-escaped-url": ('<p style="b\\61 ckground: u\\72l(https://t.example/a.png)">s</p>', 5, "style"),
    "style-import": ('<p style="@import url(https://t.example/a.css); color: red">s</p>', 5, "style"),
    "attr-list-style": ('Covered.\n{: style="position: fixed; inset: 0" }', 6, "position"),
    "ping": ('<a href="https://example.org/" ping="https://t.example/">x</a>', 5, "may not carry 'ping'"),
    "fixed-overlay": ('<a href="https://evil.example/" style="position:fixed;top:0;left:0">x</a>', 5, "position"),
    "theme-overlay-class": ('<a href="https://evil.example/" class="md-overlay">x</a>', 5, "layout classes"),
    "theme-config-id": ('<div id="__config">{"base": "https://evil.example"}</div>', 5, "theme's own machinery"),
    "form": ('<form action="https://evil.example/"><button>Go</button></form>', 5, "removed"),
    "meta-refresh": ('<meta http-equiv="refresh" content="0; url=https://evil.example/">', 5, "<meta> removed"),
    "base": ('<base href="https://evil.example/">', 5, "<base> removed"),
    "text-input": ('<input type="password" name="pw">', 5, "only check boxes"),
}
HARMLESS = {
    "off-site-link": "[a site](https://example.org/page)",
    "local-image": "![a picture](img/a.png)",
    "code-span": "`<script>alert(1)</script>` and `[x](javascript:y)`",
    "fenced-code": "```html\n<img src=x onerror=alert(1)>\n```",
    "comment": "<!-- <script>alert(1)</script> -->",
    "citation-locator": "[@mead2006, p. <img src=x onerror=alert(1)>]",
    "attr-list": "A paragraph.\n{: .note #here }",
    "md-in-html": '<div class="box" markdown>\n\nText.\n\n</div>',
    "mailto": "[write](mailto:peers@example.org)",
    "cdata-outside-svg": "<p><![CDATA[<img src=x onerror=alert(1)>]]></p>",
    "style-allowed": '<span style="color: red; text-align: center">red</span>',
    "button-class": "[Go](https://example.org/){: .md-button .md-button--primary }",
}
EXTENSIONS = "  - attr_list\n  - md_in_html\n"


def page_of(markdown: str) -> str:
    return f"# Page\n\nSome words.\n\n{markdown}\n"


def corpus_site(root: Path, vectors: dict[str, str]) -> Path:
    yml = MKDOCS_YML.replace("markdown_extensions:\n", "markdown_extensions:\n" + EXTENSIONS)
    files = {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": "# Home\n"}
    files |= {f"docs/{name}.md": page_of(markdown) for name, markdown in vectors.items()}
    return write_site(root, files)


def check_errors(root: Path) -> set[str]:
    plan = plan_build(load_project(root), dated=False)
    return {str(d) for d in check_build(plan) if d.severity.value == "error"}


def build_errors(root: Path, strict: bool) -> tuple[set[str], str]:
    """The errors a build logs, and why it stopped."""
    messages = {m.removeprefix("graphbuild: ") for m in failed_build_log(root, strict)}
    why = "\n".join(m for m in messages if "stopped" in m)
    return {m for m in messages if re.match(r"docs/[\w-]+\.md:\d+: error: ", m)}, why


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_site(tmp_path_factory.mktemp("corpus"), {k: v[0] for k, v in VECTORS.items()})


@pytest.fixture(scope="module")
def checked(corpus: Path) -> set[str]:
    return check_errors(corpus)


@pytest.mark.parametrize(("name", "line", "fragment"), [pytest.param(k, v[1], v[2], id=k) for k, v in VECTORS.items()])
def test_check_names_each_removal_at_its_line(checked: set[str], name: str, line: int, fragment: str) -> None:
    found = [e for e in checked if e.startswith(f"docs/{name}.md:")]
    assert found, checked
    assert any(e.startswith(f"docs/{name}.md:{line}: error: ") and fragment in e for e in found), found


@pytest.mark.parametrize("strict", [True, False])
def test_the_build_reports_what_check_reports_and_stops(corpus: Path, checked: set[str], strict: bool) -> None:
    """Every removal is an error, so a build stops with or without --strict, before writing a page."""
    logged, why = build_errors(corpus, strict)
    assert logged == checked
    assert "the build stopped before writing any page" in why
    assert not list((corpus / "site_out").rglob("*.html"))


def test_render_reports_what_check_reports(corpus: Path, checked: set[str], tmp_path: Path) -> None:
    diagnostics = write_markdown_tree(load_project(corpus), tmp_path / "tree")
    assert {str(d) for d in diagnostics if d.severity.value == "error"} == checked


LIVE = re.compile(
    r"(?i)<[^>]*\son[a-z]+\s*=|<(script|iframe|noscript|xmp|noembed|noframes|textarea|animate|set|image|feimage"
    r"|form|meta|base)\b|(href|src)=\"?\s*(javascript|vbscript|data):|tracker\.example|t\.example|evil\.example/[is]"
    r"|position:\s*fixed|md-overlay|id=\"__config\"|ping="
)


def _article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def test_mkdocs_serve_publishes_none_of_it(corpus: Path, tmp_path: Path) -> None:
    """``mkdocs serve`` goes on past errors: what it shows has passed the gate."""
    site = build(corpus, strict=False, serving=True, site_dir=tmp_path / "served")
    for name in VECTORS:
        article = _article((site / name / "index.html").read_text(encoding="utf-8"))
        assert not LIVE.search(article), (name, LIVE.search(article))


def _engine_build(tree: Path, engine: str) -> Path:
    if engine == "zensical":
        zensical = shutil.which("zensical", path=str(Path(sys.executable).parent))
        run = subprocess.run([str(zensical), "build"], cwd=tree, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        return tree / "site"
    return build(tree, strict=False, site_dir=tree / "site")


NO_ZENSICAL = pytest.mark.skipif(
    shutil.which("zensical", path=str(Path(sys.executable).parent)) is None, reason="zensical is not installed"
)


@pytest.mark.parametrize("engine", ["mkdocs", pytest.param("zensical", marks=NO_ZENSICAL)])
def test_finish_passes_each_page_through_the_gate(corpus: Path, checked: set[str], tmp_path: Path, engine: str) -> None:
    """The Markdown tree, built by an engine that runs no plugin, publishes none of it once
    ``finish`` has run, and ``finish`` names each page it changed."""
    tree = tmp_path / "tree"
    write_markdown_tree(load_project(corpus), tree)
    site = _engine_build(tree, engine)
    done = finish_site(tree, site)
    for name in VECTORS:
        markup = (site / name / "index.html").read_text(encoding="utf-8")
        assert not LIVE.search(_article(markup)), (name, LIVE.search(_article(markup)))
        assert "gbgate" not in markup
    changed = {problem.split(":", 1)[0] for problem in done.problems}
    assert changed == {f"{name}/index.html" for name in VECTORS}


@pytest.mark.parametrize("markdown", [pytest.param(v, id=k) for k, v in HARMLESS.items()])
def test_harmless_prose_passes(markdown: str, tmp_path: Path) -> None:
    assert check_errors(corpus_site(tmp_path, {"harmless": markdown})) == set()


def test_a_site_may_allow_a_host_for_images(tmp_path: Path) -> None:
    root = corpus_site(tmp_path, {"pictures": "![](https://images.example.org/a.png)"})
    assert check_errors(root)
    yml = (
        (root / "mkdocs.yml")
        .read_text()
        .replace("  - graphbuild\n", "  - graphbuild:\n      allowed_hosts: [images.example.org]\n")
    )
    (root / "mkdocs.yml").write_text(yml)
    assert check_errors(root) == set()


@pytest.mark.parametrize(
    ("html", "cleaned"),
    [
        pytest.param('<a href="javascript:alert(1)">x</a>', "<a>x</a>", id="scheme"),
        pytest.param('<a href=" JaVa\tScRiPt:alert(1)">x</a>', "<a>x</a>", id="scheme-hidden"),
        pytest.param('<img src="x" onerror="alert(1)">', '<img src="x">', id="handler"),
        pytest.param("<p>a</p><script>alert(1)</script><p>b</p>", "<p>a</p><p>b</p>", id="script"),
        pytest.param("<p>a</p><script>alert(1)", "<p>a</p>", id="script-never-closed"),
        pytest.param('<img src="https://t.example/p.png" alt="t">', '<img alt="t">', id="off-site-image"),
        pytest.param('<img srcset="//t.example/p.png 2x">', "<img>", id="srcset"),
        pytest.param('<p style="background:url(https://t.example/a.png)">s</p>', "<p>s</p>", id="style-url"),
        pytest.param("<svg><script>alert(1)</script></svg>", "<svg></svg>", id="svg-script"),
        pytest.param('<base href="https://evil.example/"><p>x</p>', "<p>x</p>", id="base"),
        pytest.param("<!--><img src=x onerror=alert(1)>", '<!----><img src="x">', id="abrupt-comment"),
        pytest.param('<p style="color: red; position: fixed">x</p>', '<p style="color:red">x</p>', id="position"),
        pytest.param("<p>a<br />b</p>", "<p>a<br>b</p>", id="serialisation"),
    ],
)
def test_the_gate_keeps_none_of_it(html: str, cleaned: str) -> None:
    assert sanitize_html(html)[0] == cleaned


def test_the_gate_passes_what_it_made_unchanged() -> None:
    """Its output goes through it again as it is: a browser reads it as the gate did."""
    for markdown, _, _ in VECTORS.values():
        once = sanitize_html(markdown)[0]
        assert sanitize_html(once) == (once, [])


MATERIAL = """\
# Material markup

!!! note "A note"
    With **bold** text and a [link](https://example.org/).

??? tip "Details"
    Hidden until opened.

=== "First"
    One.

=== "Second"
    Two.

| A | B |
| --- | --- |
| 1 | 2 |

A paragraph with an id and a class.
{: #special .lead }

<div class="grid" markdown>

**Inside** an HTML block.

</div>

![A local picture](picture.png){: width="200" }

- [x] a task done
- [ ] a task to do

Text with a footnote.[^1]

```python linenums="1"
print("code")
```

:material-check: an icon

[^1]: The footnote.
"""
MATERIAL_EXTENSIONS = (
    "  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n  - footnotes\n  - pymdownx.details\n"
    "  - pymdownx.superfences\n  - pymdownx.tabbed:\n      alternate_style: true\n  - pymdownx.tasklist\n"
    "  - pymdownx.highlight:\n      anchor_linenums: true\n"
    "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
)


def test_legitimate_material_markup_is_published_as_its_engine_wrote_it(tmp_path: Path) -> None:
    """Everything Python-Markdown, pymdownx and Material emit passes: the published page is
    the page built without graphbuild as the gate serialises it, and check finds nothing."""
    yml = MKDOCS_YML.replace("markdown_extensions:\n", "markdown_extensions:\n" + MATERIAL_EXTENSIONS)
    files = {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": "# Home\n", "docs/material.md": MATERIAL}
    source = write_site(tmp_path / "with", files)
    (source / "docs" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    plain = write_site(tmp_path / "without", {**files, "mkdocs.yml": yml.replace("  - graphbuild\n", "")})
    (plain / "docs" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert check_errors(source) == set()
    ours = _article((build(source) / "material" / "index.html").read_text(encoding="utf-8"))
    theirs = _article((build(plain, strict=False) / "material" / "index.html").read_text(encoding="utf-8"))
    content = re.compile(r"(?s)(<h1 id=\"material-markup\">.*)$")
    expected, removed = sanitize_html(content.search(theirs).group(1))  # type: ignore[union-attr]
    assert removed == []
    assert content.search(ours).group(1) == without_indentation(expected)  # type: ignore[union-attr]
    for made in ('class="admonition note"', "tabbed-set", 'id="special"', "twemoji", "__codelineno-", "footnote"):
        assert made in ours, made


@pytest.mark.parametrize("engine", ["mkdocs", pytest.param("zensical", marks=NO_ZENSICAL)])
def test_finish_gates_the_heading_that_opens_a_page(tmp_path: Path, engine: str) -> None:
    """A page's first heading stays its first element (engines take the page's title from
    it) and passes the gate with the rest of the page."""
    hostile = '# Title <img src="x" onerror="alert(1)">\n\nWords.\n'
    root = corpus_site(tmp_path / "site", {})
    (root / "docs" / "titled.md").write_text(hostile, encoding="utf-8")
    (root / "docs" / "plain.md").write_text("# A plain title\n\nWords.\n", encoding="utf-8")
    tree = tmp_path / "tree"
    write_markdown_tree(load_project(root), tree)
    site = _engine_build(tree, engine)
    done = finish_site(tree, site)
    titled = (site / "titled" / "index.html").read_text(encoding="utf-8")
    assert "onerror" not in titled and "<h1" in _article(titled)
    assert any(p.startswith("titled/index.html: ") for p in done.problems)
    plain = (site / "plain" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>A plain title\b", plain), re.findall(r"<title>.*?</title>", plain)
