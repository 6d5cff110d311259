"""Property tests: whatever an editor types, the parsers return diagnostics, never raise."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graphbuild.common.diagnostics import Diagnostic
from graphbuild.model.claims import parse_claim
from graphbuild.model.config import Config
from graphbuild.model.scan import Fence

from .helpers import collect_page, find_citations, find_claim_blocks, find_headings, mask_code, read_citations

CONFIG = Config()
PATH = "docs/page.md"
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of claim blocks and citations, so that random text often looks almost right.
SNIPPETS = [
    "```claim\n",
    "```\n",
    "~~~claim\n",
    "~~~\n",
    "````claim\n",
    "```{.claim}\n",
    "> ```claim\n",
    "    ```claim\n",
    "`",
    "``",
    "\n",
    "  ",
    "\t",
    "id: a-claim\n",
    "id: Bad Id\n",
    "statement: ",
    "type: benefit\n",
    "type: wish\n",
    "group: services\n",
    "tags: [x, y]\n",
    "tags: {a: b}\n",
    "evidence:\n",
    "  - key: mead2006\n",
    "    stance: supports\n",
    "    stance: maybe\n",
    "  - pitt2013: no-effect\n",
    "  - davidson2006\n",
    "  - [nested]\n",
    "evidence: []\n",
    "note: |\n  text\n",
    "&anchor ",
    "*anchor",
    "!!python/object:os.system ",
    "---\n",
    "...\n",
    "? ",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "[@",
    "@",
    "; @",
    ", p. 4",
    "-@",
    "\\[",
    "![",
    "](x)",
    "[^1]",
    "mail@example.org",
    "\ufeff",
    "\r\n",
    "\x00",
    "é",
    "𝒳",
]
snippet_text = st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=12)), max_size=40).map("".join)
any_text = st.one_of(st.text(), snippet_text)


def check_diagnostics(diagnostics: list[Diagnostic], text: str) -> None:
    n_lines = len(re.split(r"\r\n|\r|\n", text))  # a lone CR ends a line, as MkDocs reads the file
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.path == PATH
        assert 1 <= diagnostic.line <= n_lines, str(diagnostic)


@FAST
@given(any_text)
def test_find_claim_blocks_never_raises(text: str) -> None:
    blocks, diagnostics = find_claim_blocks(text, PATH)
    check_diagnostics(diagnostics, text)
    for block in blocks:
        assert 0 <= block.start < block.end <= len(text)
        assert block.line == text.count("\n", 0, block.start) + 1
        assert text[block.start : block.end].lstrip(" \t>").startswith(("```", "~~~"))


@FAST
@given(any_text)
def test_collect_page_never_raises(text: str) -> None:
    claims, blocks, citations, diagnostics = collect_page(text, PATH, CONFIG)
    assert len(claims) == len(blocks)
    check_diagnostics(diagnostics, text)
    for claim in claims:
        assert claim.page == PATH and claim.statement and claim.evidence is not None


@FAST
@given(any_text)
def test_parse_claim_on_any_block_text_never_raises(body: str) -> None:
    block = Fence(0, len(body), 3, "claim", "", body, True)
    claim, diagnostics = parse_claim(block, PATH, CONFIG)
    assert claim is not None or diagnostics
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["supports", "mixed", "benefit", "mead2006"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(
                st.text(max_size=8),
                st.sampled_from(["id", "statement", "type", "group", "tags", "evidence", "key", "stance", "note"]),
            ),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=20,
)
claim_like = st.fixed_dictionaries(
    {},
    optional={
        "id": yaml_values,
        "statement": yaml_values,
        "type": yaml_values,
        "group": yaml_values,
        "tags": yaml_values,
        "evidence": yaml_values,
    },
)


@FAST
@given(st.one_of(yaml_values, claim_like))
@example({"id": {"\x85": None}, "tags": None})
def test_parse_claim_on_any_yaml_value_never_raises(value: object) -> None:
    body = yaml.safe_dump(value, allow_unicode=True)
    markdown = f"# Page\n\n```claim\n{body}```\n"
    claims, _, _, diagnostics = collect_page(markdown, PATH, CONFIG)
    assert claims or diagnostics
    check_diagnostics(diagnostics, markdown)


@FAST
@given(any_text)
def test_citations_lie_inside_the_text(text: str) -> None:
    for citation in find_citations(text):
        assert 0 <= citation.start < citation.end <= len(text)
        assert text[citation.start] == "[" and text[citation.end - 1] == "]"
        assert citation.line == text.count("\n", 0, citation.start) + 1
        assert citation.keys and all(k.key for k in citation.keys)


word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
local_part = st.builds(lambda a, sep, b: a + sep + b, word, st.sampled_from(["", ".", "_", "+", "-"]), word)
emails = st.builds(lambda local, domain: f"{local}@{domain}.org", local_part, word)
no_at = st.text(alphabet=st.characters(blacklist_characters="@"), max_size=30)


@FAST
@given(no_at, emails, no_at, st.sampled_from(["[{}]", "[write to {}]", "[{}, p. 4]", "({})", "{}", "[see {}; {}]"]))
def test_an_email_address_is_never_a_citation(before: str, email: str, after: str, shape: str) -> None:
    text = before + shape.format(email, email) + after
    assert find_citations(text) == []


plain = st.text(alphabet=st.characters(blacklist_characters="@`~[]\\"), max_size=30)


@FAST
@given(plain, st.from_regex(re.compile(r"[a-z][a-z0-9]{0,8}[0-9]{4}"), fullmatch=True), plain)
def test_a_bracketed_key_is_a_citation(before: str, key: str, after: str) -> None:
    text = f"{before}\n\n[@{key}]\n\n{after}"
    keys = [k.key for c in find_citations(text) for k in c.keys]
    assert key in keys


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["LS", "PS", "NEL"])
def test_a_unicode_line_break_in_a_value_does_not_shift_line_numbers(separator: str) -> None:
    """YAML counts U+2028, U+2029 and U+0085 as line breaks, Markdown (and editors) do not;
    text pasted from a word processor carries them."""
    markdown = f'# Page\n\n```claim\nid: a\nstatement: "one{separator}two"\ntype: wish\nevidence: [k]\n```\n'
    _, _, _, diagnostics = collect_page(markdown, PATH, CONFIG)
    assert [(d.line, d.message.split(";")[0]) for d in diagnostics] == [(6, "unknown type 'wish'")]


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@FAST
@given(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20),
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
)
@example("a\r\nb\rc\td\x01", "k\"<&>'", 7)
def test_graphml_round_trips_any_text_through_networkx(text: str, name: str, number: int) -> None:
    """Our GraphML writer is read back by networkx as the graph it wrote; characters XML
    cannot carry at all (control codes) come back as U+FFFD, never as an unreadable file."""
    import networkx as nx

    from graphbuild.formats.graph import to_graphml

    graph = nx.DiGraph()
    graph.add_node(f"claim:{name}", kind="claim", statement=text, level=number)
    graph.add_node(f"study:{name}", kind="study", title=name)
    graph.add_edge(f"claim:{name}", f"study:{name}", stance=text)
    back = nx.parse_graphml(to_graphml(graph))
    clean = _XML_INVALID.sub("\ufffd", text)
    key = _XML_INVALID.sub("\ufffd", name)
    assert back.nodes[f"claim:{key}"] == {"kind": "claim", "statement": clean, "level": number}
    assert back.nodes[f"study:{key}"] == {"kind": "study", "title": key}
    assert back.edges[f"claim:{key}", f"study:{key}"] == {"stance": clean}


def _scan_top_level(text: str, separator: str) -> list[str]:
    """The obvious character-by-character split on a word outside braces: the oracle."""
    parts, depth, start, i, n = [], 0, 0, 0, len(separator)
    while i < len(text):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif (
            depth == 0
            and text[i : i + n].lower() == separator
            and (i == 0 or text[i - 1].isspace())
            and (i + n >= len(text) or text[i + n].isspace())
        ):
            parts.append(text[start:i])
            start = i = i + n
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _scan_outside_braces(text: str, is_break) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and is_break(char):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


NAME_PIECES = [
    "and",
    "AND",
    "And",
    " ",
    "a",
    "n",
    "d",
    "x",
    ",",
    "~",
    "é",
    "\u00a0",
    "İ",
    "\t",
    "{",
    "}",
    "{and}",
    "\\'",
]


@FAST
@given(st.lists(st.sampled_from(NAME_PIECES)).map("".join))
@example(" and and ")
@example("andand and")
@example("İlhan and Smith")
@example("{Barnes and Noble} and {and} and } and {")
def test_name_splitting_agrees_with_a_character_scan(text: str) -> None:
    """Names are split by regular expressions that find the candidates; the result must be
    exactly that of reading the text a character at a time and minding braces."""
    from graphbuild.model.names import _split_commas, _words, split_top_level

    normalised = " ".join(text.split())
    assert split_top_level(normalised, "and") == _scan_top_level(normalised, "and")
    assert _words(text) == [w for w in _scan_outside_braces(text, lambda c: c.isspace() or c == "~") if w]
    assert _split_commas(text) == [p.strip() for p in _scan_outside_braces(text, lambda c: c == ",")]


@FAST
@given(any_text)
def test_masking_code_keeps_offsets_and_lines(text: str) -> None:
    masked = mask_code(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
    assert all(m == t or m == " " for m, t in zip(masked, text, strict=True))


@FAST
@given(any_text)
def test_unreadable_citations_are_reported_on_one_line_of_their_page(text: str) -> None:
    citations, diagnostics = read_citations(text, PATH)
    check_diagnostics(diagnostics, text)
    for diagnostic in diagnostics:
        assert "\n" not in diagnostic.message and "\r" not in diagnostic.message
        assert len(diagnostic.message) < 200
    assert all(text[c.start] == "[" for c in citations)


@FAST
@given(no_at, emails, no_at, st.sampled_from(["[{}]", "[write to {}]", "[{}, p. 4]", "[see {}; {}]", "[{}\n{}]"]))
def test_an_email_address_is_never_reported(before: str, email: str, after: str, shape: str) -> None:
    text = before + shape.format(email, email) + after
    assert read_citations(text, PATH) == ([], [])


keys = st.from_regex(re.compile(r"[a-z][a-z0-9]{0,8}[0-9]{4}"), fullmatch=True)
wraps = st.sampled_from([" ", "\n", " \n  ", "\r\n", "\n> "])


@FAST
@given(plain, keys, keys, wraps, wraps)
def test_a_wrapped_group_is_one_citation(before: str, first: str, second: str, wrap: str, wrap2: str) -> None:
    """Editors wrap prose: a group broken over lines is still one citation, where it stood."""
    bracket = f"[see{wrap}@{first},{wrap2}p. 4;{wrap}@{second}]"
    text = f"{before}\n\n{bracket}\n\n"
    (citation,) = find_citations(text)
    assert [(k.key, k.locator) for k in citation.keys] == [(first, "p. 4"), (second, "")]
    assert text[citation.start : citation.end] == bracket
    assert citation.line == text.count("\n", 0, citation.start) + 1


def _seconds(text: str) -> float:
    """The processor time of reading ``text``, the least of five: processor time, not the
    clock's, so that other work on a busy machine does not count."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        collect_page(text, PATH, CONFIG)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda n: "[" + "@" * n, id="open-bracket-then-ats"),
        pytest.param(lambda n: "[" + "`" * n, id="run-of-backticks"),
        pytest.param(lambda n: "[@a\n" * (n // 4), id="unclosed-bracket-on-every-line"),
        pytest.param(lambda n: "[@a] " * (n // 5), id="many-citations"),
        pytest.param(lambda n: "# " + "[" * n, id="long-heading"),
        pytest.param(lambda n: "# " + "{ " * (n // 2) + "}", id="heading-of-braces"),
        pytest.param(lambda n: "# " + "#" * n + "a", id="heading-of-hashes"),
        pytest.param(lambda n: "`a" * (n // 2), id="unclosed-code-spans"),
        pytest.param(lambda n: "# a\n" * (n // 4), id="repeated-headings"),
        pytest.param(lambda n: "\n    x" * (n // 6), id="indented-lines"),
    ],
)
def test_reading_a_page_takes_time_in_proportion_to_its_length(shape: Callable[[int], str]) -> None:
    """Twice the text may take about twice as long, not four times: a page is read on every
    build and every save under ``mkdocs serve``. The slack absorbs timer noise on fast runs."""
    small, large = _seconds(shape(10_000)), _seconds(shape(20_000))
    assert large < 3 * small + 0.05, (small, large)


@FAST
@given(st.text(alphabet="aZbé üßÖ19-–,.!?()'/%:;", min_size=1, max_size=30))
def test_heading_ids_agree_with_python_markdown(text: str) -> None:
    html = markdown.markdown(f"## {text}", extensions=["toc"])
    expected = re.findall(r'<h2 id="([^"]*)"', html)
    assert [h.id for h in find_headings(f"## {text}")] == expected
