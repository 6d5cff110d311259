"""Collect every page's claims and citations, then resolve them once against the bibliography."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from graphbuild.common.diagnostics import Diagnostic, error, warning
from graphbuild.common.suggestions import KeyIndex
from graphbuild.model.bibliography import Bibliography, Study
from graphbuild.model.certainty import Assessment, assess
from graphbuild.model.citations import Citation, read_citations
from graphbuild.model.claims import Claim, read_claim
from graphbuild.model.config import Config
from graphbuild.model.evidence import EvidenceProfile, profile
from graphbuild.model.formatting import Label, citation_labels
from graphbuild.model.front import front_matter_problems
from graphbuild.model.headings import find_headings, html_id_clashes, page_title
from graphbuild.model.scan import Fence, Source, read_source, scan
from graphbuild.model.timeline import History


@dataclass(frozen=True)
class BrokenClaim:
    """A claim block that could not be read: where it is, its problems, and the keys it
    lists with their lines (still checked against the bibliography)."""

    block: Fence
    diagnostics: list[Diagnostic]
    keys: list[tuple[str, int]]


@dataclass
class SourcePage:
    """What one Markdown page declares. ``path`` is the file as editors name it
    (``docs/x.md``); ``body`` the Markdown MkDocs renders, which every offset in ``blocks``
    and ``citations`` is into; ``prefix`` what MkDocs strips before it (front matter)."""

    src_path: str
    path: str
    title: str = ""
    body: str = ""
    prefix: str = ""
    claims: list[Claim] = field(default_factory=list)
    blocks: list[Fence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    broken: list[BrokenClaim] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # the front matter, as written

    @property
    def first_line(self) -> int:
        return self.prefix.count("\n") + 1


def read_page(src_path: str, path: str, text: str, config: Config) -> tuple[SourcePage, list[Diagnostic]]:
    """Everything one page declares, from the file's text, with every problem in it."""
    return read_body(src_path, path, read_source(text), config)


def read_body(src_path: str, path: str, source: Source, config: Config) -> tuple[SourcePage, list[Diagnostic]]:
    page_scan = scan(source.body, path, source.first_line)
    diagnostics = list(page_scan.diagnostics)
    claims: list[Claim] = []
    blocks: list[Fence] = []
    broken: list[BrokenClaim] = []
    for block in page_scan.claim_blocks:
        reading = read_claim(block, path, config)
        diagnostics.extend(reading.diagnostics)
        if reading.claim is not None:
            claims.append(reading.claim)
            blocks.append(block)
        else:
            broken.append(BrokenClaim(block, reading.diagnostics, reading.keys))
    citations, problems = read_citations(page_scan, path)
    diagnostics.extend(problems)
    diagnostics.extend(html_id_clashes(claims, find_headings(page_scan), path))
    diagnostics.extend(front_matter_problems(source.meta, source.prefix, path))
    title = page_title(page_scan, source.meta, src_path)
    page = SourcePage(
        src_path, path, title, source.body, source.prefix, claims, blocks, citations, broken, dict(source.meta)
    )
    return page, diagnostics


@dataclass(frozen=True)
class KnowledgeBase:
    """Every page's claims and citations, resolved against the bibliography, with each
    claim's certainty (``assessments``) and evidence profile; made whole by
    ``build_knowledge_base`` and never changed after. ``history``: when each claim was added
    and its evidence last changed, from the site's git history; None where the build does
    not date claims (``with_history`` gives the dated copy)."""

    config: Config
    bibliography: Bibliography
    pages: dict[str, SourcePage]
    claims: dict[str, Claim]
    profiles: dict[str, EvidenceProfile]
    claim_page: dict[str, str]
    assessments: dict[str, Assessment] = field(default_factory=dict)
    history: History | None = None

    def with_history(self, history: History | None) -> KnowledgeBase:
        return replace(self, history=history)

    @cached_property
    def cited(self) -> dict[str, Study]:
        """Studies cited by a claim or inline, in key order; only these get pages."""
        keys = {e.key for c in self.claims.values() for e in c.evidence}
        keys |= {k.key for p in self.pages.values() for c in p.citations for k in c.keys}
        return {k: self.bibliography[k] for k in sorted(keys) if k in self.bibliography}

    @cached_property
    def citing(self) -> dict[str, dict[str, str]]:
        """Study key -> claim id -> stance, claims in page order. As in the graph, a claim that
        lists a study twice keeps the last stance."""
        citing: dict[str, dict[str, str]] = {}
        for claim in self.claims.values():
            for item in claim.evidence:
                if item.key in self.bibliography:
                    citing.setdefault(item.key, {})[claim.id] = item.stance
        return citing

    @cached_property
    def cited_in_text(self) -> dict[str, list[str]]:
        """Study key -> the pages whose prose cites it, in source order."""
        pages: dict[str, set[str]] = {}
        for page in self.pages.values():
            for citation in page.citations:
                for cited in citation.keys:
                    pages.setdefault(cited.key, set()).add(page.src_path)
        return {key: sorted(found) for key, found in pages.items()}

    @cached_property
    def labels(self) -> dict[str, Label]:
        """Author-year labels of the cited studies, told apart with a, b, ... where two
        would read the same."""
        return citation_labels(list(self.cited.values()))

    def label(self, key: str) -> str:
        """ "Mead & MacNeil, 2006", as citations read; the key for a study never cited."""
        found = self.labels.get(key)
        return found.inline if found else key

    @cached_property
    def ordered_claims(self) -> list[Claim]:
        """Claims in the order editors read them: by page, then down the page."""
        return sorted(self.claims.values(), key=lambda c: (c.page, c.line))


def suggest(key: str, known: KeyIndex) -> str:
    close = known.suggestions(key)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{k}'" for k in close) + "?)"


PageReader = Callable[[str, str, str, Config], tuple[SourcePage, list[Diagnostic]]]


class PageMemo:
    """``read_page`` remembered from one build to the next (``mkdocs serve`` rebuilds the
    whole site on every save, and one page changed): a page whose text and options are the
    same is not read again. What the last build did not read is forgotten."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, str, str, str], tuple[SourcePage, list[Diagnostic]]] = {}
        self._kept: dict[tuple[str, str, str, str], tuple[SourcePage, list[Diagnostic]]] = {}
        self.reads = 0

    def read(self, src: str, path: str, text: str, config: Config) -> tuple[SourcePage, list[Diagnostic]]:
        key = (src, path, text, repr(config))
        found = self._kept.get(key) or self._read.get(key)
        if found is None:
            found = read_page(src, path, text, config)
            self.reads += 1
        self._kept[key] = found
        return found

    def next_build(self) -> None:
        """Keep what this build read, for the next; forget the rest."""
        self._read, self._kept = self._kept, {}


def build_knowledge_base(
    pages: Iterable[tuple[str, str, str]],
    bibliography: Bibliography,
    config: Config,
    read: PageReader = read_page,
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """``pages`` holds (src_path, display path, file text); returns the model and every problem.

    ``read`` reads one page; a site's history passes a memo of ``read_page``, so that a page
    that is the same in many commits is read once."""
    diagnostics: list[Diagnostic] = []
    pages_read: dict[str, SourcePage] = {}
    claims: dict[str, Claim] = {}
    claim_page: dict[str, str] = {}
    for src_path, path, text in sorted(pages):
        page, problems = read(src_path, path, text, config)
        diagnostics.extend(problems)
        pages_read[src_path] = page
        for claim in page.claims:
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
    diagnostics.extend(_check_references(pages_read.values(), bibliography))
    assessments: dict[str, Assessment] = {}
    for claim_id, claim in claims.items():
        assessments[claim_id], problems = assess(claim, bibliography.studies, config)
        diagnostics.extend(problems)
    profiles = {
        claim_id: profile(claim, bibliography.studies, config, assessments[claim_id])
        for claim_id, claim in claims.items()
    }
    kb = KnowledgeBase(config, bibliography, pages_read, claims, profiles, claim_page, assessments)
    for study in kb.cited.values():
        if study.design is None:
            diagnostics.append(
                warning(
                    study.path, study.line, f"entry '{study.key}' is cited but has no design: it is shown as unrated"
                )
            )
    return kb, sorted(set(diagnostics))


def _check_references(pages: Iterable[SourcePage], bibliography: Bibliography) -> list[Diagnostic]:
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
        uses.extend((page.path, line, key) for broken in page.broken for key, line in broken.keys)
        uses.extend((page.path, c.line, cited.key) for c in page.citations for cited in c.keys)
    for path, line, key in uses:
        if key not in bibliography:
            diagnostics.append(error(path, line, f"unknown reference '{key}'{suggest(key, bibliography.key_index)}"))
    return diagnostics
