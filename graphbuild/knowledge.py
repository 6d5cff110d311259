"""Collect every page's claims and citations, then resolve them once against the bibliography."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from .bibliography import Bibliography, Study
from .claims import Citation, Claim, ClaimBlock, Stance, collect_page, mask_code
from .config import Config
from .diagnostics import Diagnostic, error, warning
from .evidence import EvidenceProfile, profile
from .suggestions import KeyIndex


@dataclass
class PageFacts:
    """What one Markdown page declares; ``path`` is how editors see it (``docs/x.md``)."""

    src_path: str
    path: str
    title: str = ""
    claims: list[Claim] = field(default_factory=list)
    blocks: list[ClaimBlock] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class KnowledgeBase:
    config: Config
    bibliography: Bibliography
    pages: dict[str, PageFacts]
    claims: dict[str, Claim]
    profiles: dict[str, EvidenceProfile]
    claim_page: dict[str, str]

    @cached_property
    def cited(self) -> dict[str, Study]:
        """Studies cited by a claim or inline, in key order; only these get pages."""
        keys = {e.key for c in self.claims.values() for e in c.evidence}
        keys |= {k.key for p in self.pages.values() for c in p.citations for k in c.keys}
        return {k: self.bibliography[k] for k in sorted(keys) if k in self.bibliography}

    @cached_property
    def citing(self) -> dict[str, dict[str, Stance]]:
        """Study key -> claim id -> stance, claims in page order. As in the graph, a claim that
        lists a study twice keeps the last stance."""
        citing: dict[str, dict[str, Stance]] = {}
        for claim in self.claims.values():
            for item in claim.evidence:
                if item.key in self.bibliography:
                    citing.setdefault(item.key, {})[claim.id] = item.stance
        return citing

    @property
    def design_order(self) -> list[str]:
        return [d for level in sorted(self.config.levels) for d in self.config.levels[level]]


def page_title(markdown: str, src_path: str) -> str:
    """The first level-one heading, as MkDocs would title the page, else the file name."""
    match = re.search(r"^#\s+(.+?)\s*#*\s*$", mask_code(markdown), re.M)
    if match:
        return match.group(1).strip()
    stem = src_path.rsplit("/", 1)[-1].removesuffix(".md")
    if stem in ("index", "README"):
        stem = src_path.rsplit("/", 2)[-2] if "/" in src_path else "Home"
    return stem.replace("-", " ").replace("_", " ").capitalize()


def suggest(key: str, known: KeyIndex) -> str:
    close = known.suggestions(key)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{k}'" for k in close) + "?)"


def build_knowledge_base(
    pages: Iterable[tuple[str, str, str]],
    bibliography: Bibliography,
    config: Config,
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """``pages`` holds (src_path, display path, markdown); returns the model and every problem."""
    diagnostics: list[Diagnostic] = []
    facts: dict[str, PageFacts] = {}
    claims: dict[str, Claim] = {}
    claim_page: dict[str, str] = {}
    for src_path, path, markdown in sorted(pages):
        page_claims, blocks, citations, problems = collect_page(markdown, path, config)
        diagnostics.extend(problems)
        facts[src_path] = PageFacts(src_path, path, page_title(markdown, src_path), page_claims, blocks, citations)
        for claim in page_claims:
            twin = claims.get(claim.id)
            if twin is not None:
                diagnostics.append(
                    error(path, claim.line, f"duplicate claim id '{claim.id}' (also at {twin.page}:{twin.line})")
                )
                diagnostics.append(
                    error(twin.page, twin.line, f"duplicate claim id '{claim.id}' (also at {path}:{claim.line})")
                )
                continue
            claims[claim.id] = claim
            claim_page[claim.id] = src_path
    diagnostics.extend(_check_references(facts.values(), bibliography))
    kb = KnowledgeBase(config, bibliography, facts, claims, {}, claim_page)
    kb.profiles = {cid: profile(c, bibliography.studies, kb.design_order) for cid, c in claims.items()}
    for study in kb.cited.values():
        if study.design is None:
            diagnostics.append(
                warning(
                    study.path, study.line, f"entry '{study.key}' is cited but has no design: it is shown as unrated"
                )
            )
    return kb, sorted(set(diagnostics))


def _check_references(pages: Iterable[PageFacts], bibliography: Bibliography) -> list[Diagnostic]:
    """Every cited key must be in the bibliography; a claim should list a study once."""
    uses: list[tuple[str, int, str]] = []
    diagnostics = []
    for page in pages:
        for claim in page.claims:
            seen: set[str] = set()
            for item in claim.evidence:
                uses.append((page.path, item.line, item.key))
                if item.key in seen:
                    diagnostics.append(warning(page.path, item.line, f"claim '{claim.id}' lists '{item.key}' twice"))
                seen.add(item.key)
        uses.extend((page.path, c.line, cited.key) for c in page.citations for cited in c.keys)
    for path, line, key in uses:
        if key not in bibliography:
            diagnostics.append(error(path, line, f"unknown reference '{key}'{suggest(key, bibliography.key_index)}"))
    return diagnostics
