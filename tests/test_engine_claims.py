"""Claim blocks and inline citations: table-driven, one id per malformed case."""

from __future__ import annotations

import pytest

from graphbuild.common.diagnostics import failing
from graphbuild.model.bibliography import parse_bibliography
from graphbuild.model.config import Config
from graphbuild.model.headings import toc_slug
from graphbuild.model.knowledge import build_knowledge_base

from .helpers import collect_page, find_citations, mask_code, read_citations

VALID = """\
# Page

```claim
id: reduced-readmissions
statement: Peer support programmes reduce psychiatric readmissions.
type: outcome
group: services
tags: [service-use]
evidence:
  - key: min2007
    stance: supports
    note: Fewer readmissions over three years.
  - key: pitt2013
    stance: no-effect
  - davidson2006
  - lawn2008: contradicts
```
"""


def test_valid_claim_with_all_forms() -> None:
    claims, _, _, diagnostics = collect_page(VALID, "docs/p.md", Config())
    assert diagnostics == []
    (claim,) = claims
    assert (claim.id, claim.type, claim.group, claim.tags, claim.line) == (
        "reduced-readmissions",
        "outcome",
        "services",
        ["service-use"],
        3,
    )
    assert [(e.key, e.stance, e.line) for e in claim.evidence] == [
        ("min2007", "supports", 10),
        ("pitt2013", "no-effect", 13),
        ("davidson2006", "supports", 15),
        ("lawn2008", "contradicts", 16),
    ]
    assert claim.evidence[0].note == "Fewer readmissions over three years."


def block(body: str) -> str:
    return f"# Title\n\n```claim\n{body}```\n"


BASE = "id: x\nstatement: S.\ntype: benefit\nevidence:\n  - a2000\n"


@pytest.mark.parametrize(
    ("markdown", "line", "fragment"),
    [
        pytest.param(
            block(BASE.replace("statement: S.\n", "")), 3, "missing required field 'statement'", id="missing-statement"
        ),
        pytest.param(block(BASE.replace("id: x\n", "")), 3, "missing required field 'id'", id="missing-id"),
        pytest.param(
            block(BASE.replace("evidence:\n  - a2000\n", "")),
            3,
            "missing required field 'evidence'",
            id="missing-evidence",
        ),
        pytest.param(block(BASE.replace("benefit", "rumour")), 6, "unknown type 'rumour'", id="bad-type"),
        pytest.param(block(BASE + "group: aliens\n"), 9, "unknown group 'aliens'", id="bad-group"),
        pytest.param(
            block(BASE.replace("  - a2000\n", "  - key: a2000\n    stance: refutes\n")),
            9,
            "unknown stance 'refutes'",
            id="bad-stance",
        ),
        pytest.param(
            block(BASE.replace("  - a2000\n", "  - a2000: refutes\n")),
            8,
            "unknown stance 'refutes'",
            id="bad-short-stance",
        ),
        pytest.param(block(BASE + "colour: red\n"), 9, "unknown field 'colour'", id="unknown-field"),
        pytest.param(
            block(BASE.replace("  - a2000\n", "  - key: a2000\n    weight: 2\n")),
            9,
            "unknown field 'weight'",
            id="unknown-evidence-field",
        ),
        pytest.param(block(BASE.replace("id: x", "id: Not A Slug")), 4, "must be a slug", id="bad-id"),
        pytest.param(
            block(BASE.replace("id: x", "id: index")),
            4,
            "claim id 'index' is reserved: a claim's permanent",
            id="index",
        ),
        pytest.param(block(BASE + "id: y\n"), 9, "field 'id' is given twice", id="duplicate-field"),
        pytest.param(block(BASE.replace("  - a2000\n", "  []\n")), 8, "at least one study", id="empty-evidence"),
        pytest.param(block("id: [unclosed\n"), 4, "malformed YAML", id="malformed-yaml"),
        pytest.param(block("just a sentence\n"), 3, "must be a YAML mapping", id="not-a-mapping"),
        pytest.param("# T\n\n```claim\nid: x\n", 3, "never closed", id="unclosed-fence"),
    ],
)
def test_malformed_claims(markdown: str, line: int, fragment: str) -> None:
    claims, _, _, diagnostics = collect_page(markdown, "docs/p.md", Config())
    assert claims == []
    assert any(d.line == line and fragment in d.message and d.path == "docs/p.md" for d in diagnostics), [
        str(d) for d in diagnostics
    ]


def test_claim_inside_outer_fence_is_an_example_not_a_claim() -> None:
    markdown = "# Editors\n\n````markdown\n" + VALID.split("\n", 2)[2] + "````\n"
    claims, _, citations, diagnostics = collect_page(markdown, "docs/e.md", Config())
    assert (claims, diagnostics) == ([], [])


def test_claim_nested_in_admonition() -> None:
    body = "".join("    " + line + "\n" for line in BASE.splitlines())
    markdown = f"# T\n\n!!! note\n\n    ```claim\n{body}    ```\n"
    claims, blocks, _, diagnostics = collect_page(markdown, "docs/a.md", Config())
    assert diagnostics == [] and [c.id for c in claims] == ["x"] and blocks[0].indent == "    "


def test_custom_vocabularies() -> None:
    config = Config(claim_types=["harm"], groups=["carers"])
    markdown = block(BASE.replace("benefit", "harm") + "group: carers\n")
    claims, _, _, diagnostics = collect_page(markdown, "docs/p.md", config)
    assert diagnostics == [] and claims[0].group == "carers"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("As shown [@mead2006].", [[("mead2006", "", "")]], id="single"),
        pytest.param("See [@mead2006, p. 4].", [[("mead2006", "p. 4", "")]], id="locator"),
        pytest.param("[@repper2011; @gillard2013]", [[("repper2011", "", ""), ("gillard2013", "", "")]], id="several"),
        pytest.param(
            "[see @mead2006; also @min2007, pp. 3-5]",
            [[("mead2006", "", "see"), ("min2007", "pp. 3-5", "also")]],
            id="prefixes",
        ),
        pytest.param("Write to peer@example.org [or peer@example.org]", [], id="email"),
        pytest.param("`[@mead2006]` in code", [], id="code-span"),
        pytest.param("```\n[@mead2006]\n```\n", [], id="fenced"),
        pytest.param("[@mead2006](https://x.org)", [], id="markdown-link"),
        pytest.param("[@mead2006]: https://x.org", [], id="link-definition"),
        pytest.param("As [@mead2006]: a colon after", [[("mead2006", "", "")]], id="colon-mid-line"),
        pytest.param("Two [@a] and [@b].", [[("a", "", "")], [("b", "", "")]], id="two-groups"),
        pytest.param(r"\[@mead2006]", [], id="escaped"),
    ],
)
def test_citations(text: str, expected: list[list[tuple[str, str, str]]]) -> None:
    found = [[(k.key, k.locator, k.prefix) for k in c.keys] for c in find_citations(text)]
    assert found == expected


def test_citation_positions() -> None:
    text = "line one\nand [@mead2006, p. 4] here"
    (citation,) = find_citations(text)
    assert citation.line == 2 and text[citation.start : citation.end] == "[@mead2006, p. 4]"


def keys_of(text: str) -> list[str]:
    return [k.key for c in find_citations(text) for k in c.keys]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        pytest.param("Text\n\n    code [@nokey10]\n", [], id="indented-code"),
        pytest.param("    code [@a]\n", [], id="indented-code-opens-the-page"),
        pytest.param("Text\n\n\tcode [@a]\n", [], id="tab-indented-code"),
        pytest.param("Text\n\n    code\n\n    more code [@a]\n", [], id="code-across-a-blank-line"),
        pytest.param("```\nx\n```\n\n    code [@a]\n", [], id="code-after-a-fence"),
        pytest.param("- item\n\nText\n\n    code [@a]\n", [], id="code-after-a-list-ends"),
        pytest.param("Text\n    still the paragraph [@a]\n", ["a"], id="paragraph-continuation"),
        pytest.param("Text\n\n    code\nafter the code [@a]\n", ["a"], id="text-after-code"),
        pytest.param("- item\n\n    the item's second paragraph [@a]\n", ["a"], id="list-item-paragraph"),
        pytest.param("1. item\n\n    more of the item [@a]\n", ["a"], id="ordered-list-item-paragraph"),
        pytest.param("- item\n\n    para\n\n    third [@a]\n", ["a"], id="list-item-third-paragraph"),
        pytest.param("- item\nlazy line\n\n    more [@a]\n", ["a"], id="after-a-lazy-continuation"),
        pytest.param("!!! note\n\n    inside the note [@a]\n", ["a"], id="admonition-body"),
        pytest.param("??? note\n    inside [@a]\n", ["a"], id="details-body"),
        pytest.param("<div markdown>\n\n    html block [@a]\n\n</div>\n", ["a"], id="html-block"),
    ],
)
def test_indented_code_blocks_hold_no_citations(text: str, keys: list[str]) -> None:
    """Python-Markdown shows a run of lines indented by four spaces after a blank line as
    code, unless the indent makes them a list item's (or an admonition's) content."""
    assert keys_of(text) == keys
    assert [d for d in collect_page(text, "docs/p.md", Config())[3] if "unknown" in d.message] == []
    assert len(mask_code(text)) == len(text) and mask_code(text).count("\n") == text.count("\n")


def test_claims_in_lists_are_still_found_beside_indented_code() -> None:
    body = "".join("    " + line + "\n" for line in BASE.splitlines())
    markdown = f"# T\n\n    code [@x]\n\n- item\n\n    ```claim\n{body}    ```\n"
    claims, _, citations, diagnostics = collect_page(markdown, "docs/p.md", Config())
    assert ([c.id for c in claims], citations, diagnostics) == (["x"], [], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[@a;\n@b]", [[("a", "", ""), ("b", "", "")]], id="group-wrapped"),
        pytest.param("[see\n@a, p. 4]", [[("a", "p. 4", "see")]], id="prefix-wrapped"),
        pytest.param("[@a, pp.\n  3-5]", [[("a", "pp. 3-5", "")]], id="locator-wrapped"),
        pytest.param("> As [@a;\n> @b] said", [[("a", "", ""), ("b", "", "")]], id="wrapped-in-a-blockquote"),
        pytest.param("- item [@a;\n  @b]", [[("a", "", ""), ("b", "", "")]], id="wrapped-in-a-list-item"),
        pytest.param("[@a;\r\n@b]", [[("a", "", ""), ("b", "", "")]], id="crlf"),
        pytest.param("[@a;\n\n@b]", [], id="blank-line-ends-the-paragraph"),
        pytest.param("[@a;\n   \n@b]", [], id="whitespace-line-ends-the-paragraph"),
        pytest.param("[@good2020 p. 4]", [[("good2020", "p. 4", "")]], id="locator-without-comma"),
        pytest.param("[@a, see @b]", [], id="second-key-in-a-locator"),
    ],
)
def test_wrapped_citations(text: str, expected: list[list[tuple[str, str, str]]]) -> None:
    found = [[(k.key, k.locator, k.prefix) for k in c.keys] for c in find_citations(text)]
    assert found == expected


def test_wrapped_citation_positions() -> None:
    text = "one\nsee [@a;\n  @b, p. 4] and\n[@c]"
    first, second = find_citations(text)
    assert (first.line, text[first.start : first.end]) == (2, "[@a;\n  @b, p. 4]")
    assert (second.line, text[second.start : second.end]) == (4, "[@c]")


UNREADABLE = "looks like a citation but cannot be read; write [@key], [@key, p. 4] or [@a; @b]"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("[see @good2020 and @nokey2]", 1, id="second-key-without-semicolon"),
        pytest.param("[@good2020; ]", 1, id="empty-part"),
        pytest.param("[@good2020; junk]", 1, id="part-without-key"),
        pytest.param('[@good2020; @nokey4"x]', 1, id="junk-after-key"),
        pytest.param("[@]", 1, id="no-key"),
        pytest.param("[@@good2020]", 1, id="double-at"),
        pytest.param("[-@]", 1, id="suppressed-author-without-key"),
        pytest.param("Text\nmore [@a;\n junk] text", 2, id="wrapped"),
        pytest.param("# T\n\n> quoted [@a; ]", 3, id="in-a-blockquote"),
    ],
)
def test_an_unreadable_citation_is_a_warning(text: str, line: int) -> None:
    _, _, citations, diagnostics = collect_page(text, "docs/p.md", Config())
    assert citations == []
    assert [(d.line, d.severity.value, d.message.split("' ", 1)[1]) for d in diagnostics] == [
        (line, "warning", UNREADABLE)
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[mail peers@example.org]", id="email"),
        pytest.param("[write to a.b+c@example.org; or us]", id="email-with-semicolon"),
        pytest.param("[text @x](https://x.org)", id="link"),
        pytest.param("[text](https://x.org/@me)", id="link-target"),
        pytest.param("[see @x][ref]\n\n[ref]: https://x.org", id="reference-link"),
        pytest.param("[text][@x y]\n\n[@x y]: https://x.org", id="reference-link-label"),
        pytest.param("[see @x y]\n\n[see @x y]: https://x.org", id="shortcut-reference-link"),
        pytest.param("[@x y]: https://x.org", id="link-definition"),
        pytest.param("Text[^1 @x]", id="footnote"),
        pytest.param("[text]{@click=go}", id="attr-list"),
        pytest.param("[text {@click=go}]", id="attr-list-inside"),
        pytest.param("[https://mastodon.social/@me]", id="url"),
        pytest.param("`[@x y]`", id="code-span"),
        pytest.param("```\n[@x y]\n```", id="fence"),
        pytest.param("Text\n\n    [@x y]", id="indented-code"),
        pytest.param("[one\n\ntwo @x y]", id="across-paragraphs"),
        pytest.param(r"\[@x y]", id="escaped"),
    ],
)
def test_brackets_that_are_not_citations_are_not_reported(text: str) -> None:
    _, _, citations, diagnostics = collect_page(text, "docs/p.md", Config())
    assert (citations, diagnostics) == ([], [])


def test_an_unreadable_citation_is_quoted_on_one_short_line() -> None:
    text = "[@a;\n junk " + "x" * 100 + "\r\n]"
    (diagnostic,) = read_citations(text, "docs/p.md")[1]
    quoted = diagnostic.message.split("' looks like")[0].removeprefix("'")
    assert quoted == "[@a; junk " + "x" * 47 + "..." and "\n" not in str(diagnostic) and "\r" not in str(diagnostic)


def test_an_unreadable_citation_reaches_the_knowledge_base() -> None:
    bibliography, _ = parse_bibliography("@misc{a, title = {A}, year = {2000}, design = {rct}}", "r.bib", Config())
    pages = [("p.md", "docs/p.md", "# P\n\nAs shown [@a; junk].\n")]
    _, diagnostics = build_knowledge_base(pages, bibliography, Config())
    assert [str(d) for d in diagnostics] == [f"docs/p.md:3: warning: '[@a; junk]' {UNREADABLE}"]


def claim_block(claim_id: str) -> str:
    return f"```claim\nid: {claim_id}\nstatement: S.\ntype: benefit\nevidence: [a2000]\n```\n"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        pytest.param(
            "# T\n\n" + claim_block("c1") + "\n" + claim_block("c1-statement"),
            [(10, "error", "claim id 'c1-statement' is also the HTML id of the statement of claim 'c1' at line 3")],
            id="claim-id-is-another-claims-statement",
        ),
        pytest.param(
            "# T\n\n" + claim_block("c1-statement") + "\n" + claim_block("c1"),
            [(3, "error", "claim id 'c1-statement' is also the HTML id of the statement of claim 'c1' at line 10")],
            id="statement-claim-first",
        ),
        pytest.param(
            "# T\n\n## Fewer readmissions\n\n" + claim_block("fewer-readmissions"),
            [(5, "warning", "HTML id 'fewer-readmissions' is used by claim 'fewer-readmissions' and by the heading")],
            id="heading-slug",
        ),
        pytest.param(
            "# T\n\n" + claim_block("hello-world") + "\n## Héllo,  wörld! ##\n",
            [(3, "warning", "HTML id 'hello-world' is used by claim 'hello-world' and by the heading 'Héllo,")],
            id="heading-slug-folded",
        ),
        pytest.param(
            "# T\n\n## Anything {#x}\n\n" + claim_block("x"),
            [(5, "warning", "HTML id 'x' is used by claim 'x' and by the heading 'Anything' at line 3")],
            id="explicit-heading-id",
        ),
        pytest.param(
            "# T\n\nC1 statement\n------------\n\n" + claim_block("c1"),
            [(6, "warning", "HTML id 'c1-statement' is used by the statement of claim 'c1' and by the heading")],
            id="setext-heading-and-statement",
        ),
        pytest.param("# T\n\n## X {#elsewhere}\n\n" + claim_block("x"), [], id="heading-id-set-elsewhere"),
        pytest.param("# T\n\n```\n## X\n```\n\n" + claim_block("x"), [], id="heading-in-a-fence"),
        pytest.param("# T\n\n    ## X\n\n" + claim_block("x"), [], id="heading-in-indented-code"),
        pytest.param("# T\n\n`## X`\n\n" + claim_block("x"), [], id="heading-in-a-code-span"),
        pytest.param("# T\n\n## Xy\n\n" + claim_block("x"), [], id="different-slug"),
    ],
)
def test_claim_ids_that_clash_with_other_html_ids(markdown: str, expected: list[tuple[int, str, str]]) -> None:
    """A card is ``<id>`` holding ``<id>-statement``; another element with either id on the
    page takes the claim's anchor."""
    diagnostics = collect_page(markdown, "docs/p.md", Config())[3]
    assert len(diagnostics) == len(expected), [str(d) for d in diagnostics]
    for diagnostic, (line, severity, start) in zip(diagnostics, expected, strict=True):
        assert (diagnostic.line, diagnostic.severity.value) == (line, severity)
        assert diagnostic.message.startswith(start), diagnostic.message


def test_statement_id_on_another_page_is_no_clash() -> None:
    bibliography, _ = parse_bibliography("@misc{a2000, title = {A}, year = {2000}, design = {rct}}", "r.bib", Config())
    pages = [("a.md", "docs/a.md", claim_block("c1")), ("b.md", "docs/b.md", claim_block("c1-statement"))]
    assert failing(build_knowledge_base(pages, bibliography, Config())[1], strict=True) == []


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        pytest.param("Fewer readmissions", "fewer-readmissions", id="plain"),
        pytest.param("Peer *support* & `code`", "peer-support-code", id="markup"),
        pytest.param("A [link](https://x.org) here", "a-link-here", id="link"),
        pytest.param("Über -- ‘quoted’   words", "uber-quoted-words", id="accents-and-runs"),
        pytest.param("__init__ and _emph_", "init-and-emph", id="underscores"),
        pytest.param("1. A distinct role", "1-a-distinct-role", id="number"),
    ],
)
def test_toc_slug(heading: str, slug: str) -> None:
    assert toc_slug(heading) == slug


def test_control_characters_in_claim_text_are_removed_with_a_warning() -> None:
    block = (
        '```claim\nid: ctl\nstatement: "a\\x01b\\x00c\\x1bd"\ntype: benefit\n'
        'evidence:\n  - key: k1\n    note: "n\\x7fo"\n```\n'
    )
    claims, _, _, diagnostics = collect_page(block, "docs/p.md", Config())
    assert claims[0].statement == "abcd" and claims[0].evidence[0].note == "no"
    assert [(d.line, d.severity.value) for d in diagnostics] == [(3, "warning"), (7, "warning")]
    assert "'statement' holds control characters, removed" in diagnostics[0].message
