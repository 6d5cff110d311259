"""Hostile input, round 2: sources built to exhaust memory or time, to collide in the file
system or in a page's ids, to loop, or to reach outside the project. Each is a ``path:line``
diagnostic, never a traceback, a hang or a silently different site."""

from __future__ import annotations

import textwrap
import time

import pytest

from graphbuild.claims import ClaimBlock, parse_claim
from graphbuild.config import Config


def alias_bomb(levels: int) -> str:
    """Complex keys each holding nine aliases of the one before: tiny YAML, 9**levels leaves."""
    lines = ["? &a0 [l, l, l, l, l, l, l, l, l]", ": x"]
    for n in range(1, levels + 1):
        lines += [f"? &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]", ": x"]
    return "\n".join(["id: bomb", "statement: A claim.", "type: benefit", "evidence: [k]", *lines])


@pytest.mark.parametrize("levels", [pytest.param(2, id="small"), pytest.param(8, id="the-587-byte-bomb")])
def test_a_yaml_alias_bomb_in_a_key_is_an_error_not_an_expansion(levels: int) -> None:
    """``str()`` of the key node expanded every alias (9**9 leaves: a MemoryError); a field
    name that is not text is an error at its line, and the key is never stringified."""
    text = alias_bomb(levels)
    started = time.perf_counter()
    claim, diagnostics = parse_claim(ClaimBlock(text, 10, 9, 20, ""), "docs/a.md", Config())
    assert time.perf_counter() - started < 1
    assert claim is None
    assert [str(d) for d in diagnostics] == [
        f"docs/a.md:{15 + 2 * n}: error: a field name must be text, not a list" for n in range(levels + 1)
    ]
