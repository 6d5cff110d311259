"""Claim blocks and inline citations: table-driven, one id per malformed case."""

from __future__ import annotations

import pytest

from graphbuild.claims import Stance, collect_page, find_citations
from graphbuild.config import Config

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
        ("min2007", Stance.SUPPORTS, 10),
        ("pitt2013", Stance.NO_EFFECT, 13),
        ("davidson2006", Stance.SUPPORTS, 15),
        ("lawn2008", Stance.CONTRADICTS, 16),
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
