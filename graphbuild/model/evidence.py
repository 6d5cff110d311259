"""The evidence profile of a claim: direction (stance) and strength (level), kept apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graphbuild.model.bibliography import Study
from graphbuild.model.certainty import Assessment, link_design
from graphbuild.model.claims import Claim
from graphbuild.model.config import Config
from graphbuild.model.vocabulary import APPROACH, CERTAINTY, STANCE, STANCES, design_noun

NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count_phrase(count: int, design: str | None) -> str:
    number = NUMBERS[count] if count < len(NUMBERS) else str(count)
    return f"{number} {design_noun(design, count)}"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class EvidenceProfile:
    """``counts`` by stance value; ``strongest_*`` as (level, design), each study counted
    with the design it contributes to this claim. ``direction``: what the evidence says, in
    a sentence; ``sentence``: that, and how far to trust it."""

    counts: dict[str, int]
    strongest_support: tuple[int, str] | None
    strongest_overall: tuple[int, str] | None
    contested: bool
    unrated: int
    direction: str
    certainty: str

    @property
    def sentence(self) -> str:
        return f"{self.direction} {self.certainty}"

    @property
    def supported(self) -> bool:
        return any(self.counts[term.value] for term in STANCES if term.supports)

    @property
    def status(self) -> str:
        """A value of ``vocabulary.STATUSES``."""
        if self.contested:
            return "contested"
        return "supported" if self.supported else "not-supported"


@dataclass(frozen=True)
class _Link:
    """One study as it bears on one claim: its stance, and the design it contributes."""

    stance: str
    design: str | None
    level: int | None


def profile(claim: Claim, studies: dict[str, Study], config: Config, assessment: Assessment) -> EvidenceProfile:
    """Summarise a claim's evidence; studies missing from the bibliography are skipped."""
    rank = {design: i for i, design in enumerate(config.design_order)}
    items = []
    for e in claim.evidence:
        if e.key in studies:
            design = link_design(e.design, studies[e.key])
            items.append((e, _Link(e.stance, design, config.level_of(design))))
    counts = Counter(e.stance for e, _ in items)
    rated = [
        (link.level, rank.get(link.design, 0), link.design, STANCE[e.stance].supports)
        for e, link in items
        if link.level is not None and link.design is not None
    ]
    best_all = min(rated, default=None)
    best_support = min((r for r in rated if r[3]), default=None)
    top = [r for r in rated if best_all and r[0] == best_all[0]]
    supported = any(STANCE[e.stance].supports for e, _ in items)
    contested = supported and any(not r[3] for r in top)
    return EvidenceProfile(
        counts={term.value: counts.get(term.value, 0) for term in STANCES},
        strongest_support=(best_support[0], best_support[2]) if best_support else None,
        strongest_overall=(best_all[0], best_all[2]) if best_all else None,
        contested=contested,
        unrated=sum(1 for _, link in items if link.level is None),
        direction=_sentence(items, rank, contested, supported),
        certainty=certainty_clause(assessment),
    )


def certainty_clause(assessment: Assessment) -> str:
    """The certainty in words: "Certainty: low (GRADE)." or "Certainty not assessed (starts
    at low under GRADE)."."""
    name = APPROACH[assessment.approach].name
    if assessment.rating:
        return f"Certainty: {CERTAINTY[assessment.rating].word} ({name})."
    if assessment.starting_point:
        return f"Certainty not assessed (starts at {CERTAINTY[assessment.starting_point].word} under {name})."
    return "Certainty not assessed."


def _sentence(items: list, rank: dict[str, int], contested: bool, supported: bool) -> str:
    def order(design: str | None) -> tuple[bool, int]:
        return design is None, rank.get(design, len(rank)) if design else 0

    def designs_for(stances: set[str]) -> list[str]:
        by_design = Counter(study.design for e, study in items if e.stance in stances)
        return [count_phrase(by_design[d], d) for d in sorted(by_design, key=order)]

    clauses = []
    support = designs_for({term.value for term in STANCES if term.supports})
    if support:
        clauses.append("Supported by " + join_words(support))
    against = [term for term in STANCES if not term.supports and any(e.stance == term.value for e, _ in items)]
    # Strongest evidence first, whatever it found.
    against.sort(key=lambda t: min(order(study.design) for e, study in items if e.stance == t.value))
    clauses += [f"{join_words(designs_for({term.value}))} {term.found}" for term in against]
    if not clauses:
        return "No evidence from the bibliography."
    sentence = "; ".join(clauses)
    sentence = sentence[0].upper() + sentence[1:] + "."
    if contested:
        sentence += " The strongest evidence does not support it: contested."
    elif not supported:
        sentence += " No study supports it."
    return sentence
