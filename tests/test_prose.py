"""Editors' prose: what would run script or fetch from another host is an error at its
line, and none of it reaches the published page even when a build goes on regardless."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphbuild.model.config import config_from_mapping
from graphbuild.model.prose import sanitize_html
from graphbuild.site.shell import without_indentation

from .conftest import BIB, MKDOCS_YML, build, write_site
from .helpers import collect_page

HOSTILE_PROSE = {
    "js-link": ("[x](javascript:alert(1))", "a javascript: URL in link"),
    "reference-definition": ("[r][r]\n\n[r]: javascript:alert(3)", "a javascript: URL in link definition"),
    "attr-list-handler": ('*t*{: onmouseover="alert(2)" }', "event-handler attribute 'onmouseover' in an attribute"),
    "off-site-image": ("![](https://tracker.example/p.png)", "an image from another host (tracker.example)"),
    "raw-script": ("<script>alert(4)</script>", "raw <script> is not allowed"),
    "img-onerror": ("<img src=picture.png onerror=alert(5)>", "the event-handler attribute 'onerror' on <img>"),
    "entity-scheme": ('<a href="java&#x09;script:alert(6)">x</a>', "a javascript: URL in <a href>"),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', "raw <iframe> is not allowed"),
    "image-reference": (
        "![logo][logo]\n\n[logo]: https://cdn.example/x.png",
        "an image from another host (cdn.example)",
    ),
    "data-link": ("[x](data:text/html,<script>alert(7)</script>)", "a data: URL in link"),
    "vbscript-autolink": ("<vbscript:msgbox(8)>", "a vbscript: URL in link"),
    "svg-handler": ('<svg onload="alert(9)"></svg>', "the event-handler attribute 'onload' on <svg>"),
}
HARMLESS_PROSE = {
    "off-site-link": "[a site](https://example.org/page)",
    "local-image": "![a picture](img/a.png)",
    "code-span": "`<script>alert(1)</script>` and `[x](javascript:y)`",
    "fenced-code": "```html\n<img src=x onerror=alert(1)>\n```",
    "comment": "<!-- <script>alert(1)</script> -->",
    "citation-locator": "[@mead2006, p. <img src=x onerror=alert(1)>]",
    "attr-list": "A paragraph.\n{: .note #here }",
    "md-in-html": '<div class="box" markdown>\n\nText.\n\n</div>',
    "mailto": "[write](mailto:peers@example.org)",
}


@pytest.mark.parametrize(("markdown", "fragment"), [pytest.param(*v, id=k) for k, v in HOSTILE_PROSE.items()])
def test_script_and_off_site_fetches_are_errors_at_their_line(markdown: str, fragment: str) -> None:
    text = f"# Page\n\nSome words.\n\n{markdown}\n"
    _, _, _, diagnostics = collect_page(text, "docs/p.md", config_from_mapping({}))
    found = [d for d in diagnostics if d.severity.value == "error"]
    assert len(found) >= 1, diagnostics
    line = 5 + markdown.count("\n") if "]: " in markdown and "![" not in markdown else 5  # a definition's own line
    assert found[0].line == line and fragment in found[0].message, [str(d) for d in found]


@pytest.mark.parametrize("markdown", [pytest.param(v, id=k) for k, v in HARMLESS_PROSE.items()])
def test_harmless_prose_is_no_problem(markdown: str) -> None:
    _, _, _, diagnostics = collect_page(f"# Page\n\n{markdown}\n", "docs/p.md", config_from_mapping({}))
    assert [str(d) for d in diagnostics if "unknown reference" not in d.message] == []


def test_a_site_may_allow_a_host_for_images() -> None:
    text = "# Page\n\n![](https://images.example.org/a.png)\n"
    config = config_from_mapping({"allowed_hosts": ["images.example.org"]})
    assert collect_page(text, "docs/p.md", config)[3] == []


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
    ],
)
def test_the_published_html_keeps_none_of_it(html: str, cleaned: str) -> None:
    assert sanitize_html(html)[0] == cleaned


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

Text with a footnote.[^1]

[^1]: The footnote.
"""
EXTENSIONS = (
    "  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n  - footnotes\n  - pymdownx.details\n"
    "  - pymdownx.superfences\n  - pymdownx.tabbed:\n      alternate_style: true\n"
)


def _article(site: Path, page: str) -> str:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


def test_legitimate_material_markup_is_published_untouched(tmp_path: Path) -> None:
    yml = MKDOCS_YML.replace("markdown_extensions:\n", "markdown_extensions:\n" + EXTENSIONS)
    files = {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": "# Home\n", "docs/material.md": MATERIAL}
    source = write_site(tmp_path / "with", files)
    (source / "docs" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    plain = write_site(tmp_path / "without", {**files, "mkdocs.yml": yml.replace("  - graphbuild\n", "")})
    (plain / "docs" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    ours, theirs = _article(build(source), "material"), _article(build(plain, strict=False), "material")
    assert ours == without_indentation(theirs)  # the theme's indentation goes from every page, nothing else
    assert 'class="admonition note"' in ours and "tabbed-set" in ours and 'id="special"' in ours


def test_a_build_that_goes_on_regardless_publishes_none_of_it(tmp_path: Path, caplog) -> None:
    page = "# Page\n\n" + "\n\n".join(markdown for markdown, _ in HOSTILE_PROSE.values()) + "\n"
    yml = MKDOCS_YML.replace("markdown_extensions:\n", "markdown_extensions:\n  - attr_list\n  - md_in_html\n")
    root = write_site(tmp_path / "site", {"mkdocs.yml": yml, "references.bib": BIB, "docs/index.md": page})
    site = build(root, strict=False, serving=True)  # the one build that goes on past errors
    html = (site / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    live = r"(?i)(href|src)=\"?\s*(javascript|vbscript|data):|<[^>]*\son[a-z]+=|<script|<iframe"
    live += r"|tracker\.example|cdn\.example"
    assert not re.search(live, article), re.search(live, article)
    assert "removed from the published page" in caplog.text
