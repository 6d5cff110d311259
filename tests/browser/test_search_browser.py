"""Search as a clinician uses it, on the repository's site: a claim is found by its words and
leads to its card; a study by its author; card boilerplate is not what is found."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def _claim_ids(site: Path) -> set[str]:
    graph = json.loads((site / "evidence/graph.json").read_text(encoding="utf-8"))
    return {node["id"].removeprefix("claim:") for node in graph["nodes"] if node.get("kind") == "claim"}


def _search(watched, base: str, words: str) -> list[str]:
    page = watched.page
    watched.goto(base + "outcomes/")
    page.locator(".md-search__input").click()
    page.keyboard.type(words)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.eval_on_selector_all(".md-search-result__list a", "links => links.map(a => a.href)")


def test_readmission_finds_the_claim_first_and_leads_to_its_card(watched, repo_url: str, repo_site: Path) -> None:
    claims = _claim_ids(repo_site)
    found = _search(watched, repo_url, "readmission")
    first_claim = next(href for href in found if urlsplit(href).fragment in claims)
    assert urlsplit(first_claim).fragment == "fewer-readmissions", "\n".join(found)
    watched.page.goto(first_claim, wait_until="load")
    card = watched.page.locator("section.gb-card#fewer-readmissions")
    assert card.is_visible() and card.bounding_box()["y"] < 900


def test_a_study_is_found_by_its_author(watched, repo_url: str) -> None:
    found = _search(watched, repo_url, "Whitecraft")
    assert urlsplit(found[0]).path.endswith("/studies/min2007/"), found
