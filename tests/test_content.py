"""The peer-worker knowledge base itself: coverage, contested evidence, own words."""

from __future__ import annotations

import re

import pytest

from graphbuild.graph import build_graph
from graphbuild.project import analyse, load_project

from .conftest import REPO

SEED = REPO.parent / "shared" / "seed" / "000_95b1eaeed3aba2be.txt"


@pytest.fixture(scope="module")
def kb():
    kb, diagnostics = analyse(load_project(REPO))
    assert [str(d) for d in diagnostics] == []
    return kb


def test_coverage(kb) -> None:
    graph = build_graph(kb)
    claims = [d for _, d in graph.nodes(data=True) if d["kind"] == "claim"]
    studies = [d for _, d in graph.nodes(data=True) if d["kind"] == "study"]
    assert len(claims) >= 40 and len(studies) >= 45
    assert {c["type"] for c in claims} == {"benefit", "barrier", "facilitator", "outcome"}
    assert {c["group"] for c in claims} == {"patients", "peer-workers", "services", "organisations"}
    assert all(s["design"] != "unrated" for s in studies)
    assert any(c["status"] == "contested" for c in claims)
    assert set(kb.bibliography.studies) == set(kb.cited), "every reference is cited"


def test_readmissions_evidence_is_contested_by_the_cochrane_review(kb) -> None:
    contested = [c for c in kb.claims.values() if kb.profiles[c.id].contested]
    assert any(
        kb.bibliography[e.key].design == "systematic-review" and e.stance == "no-effect"
        for c in contested
        for e in c.evidence
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.skipif(not SEED.exists(), reason="the seed article lives in ../shared, outside the repository")
def test_no_run_of_twelve_words_copied_outside_quotations() -> None:
    article = _words(SEED.read_text(encoding="utf-8"))
    grams = {tuple(article[i : i + 12]) for i in range(len(article) - 11)}
    for path in sorted((REPO / "docs").rglob("*.md")) + [REPO / "references.bib"]:
        text = re.sub(r'"[^"]+"\s*\[@[^\]]+\]', " ", path.read_text(encoding="utf-8"))  # cited quotations
        words = _words(text)
        copied = [" ".join(words[i : i + 12]) for i in range(len(words) - 11) if tuple(words[i : i + 12]) in grams]
        assert not copied, f"{path.name}: {copied[:2]}"
