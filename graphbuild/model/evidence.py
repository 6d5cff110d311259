"""The evidence profile of a claim: direction (stance) and strength (level), kept apart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from graphbuild.model.bibliography import Study
from graphbuild.model.certainty import Assessment, link_design
from graphbuild.model.claims import Claim
from graphbuild.model.config import Config
from graphbuild.model.vocabulary import (
    APPROACH,
    CERTAINTY,
    EVIDENCE_KINDS,
    NOT_ASSESSED,
    STANCE,
    STANCES,
    UNRATED_TERM,
    design_noun,
    evidence_kind,
)

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
    a sentence; ``sentence``: that, and how far to trust it. ``inferred``: how many of its
    stances the editors inferred rather than read in the study; they never make a claim
    contested (``contested_by_inference``: it would have been)."""

    counts: dict[str, int]
    strongest_support: tuple[int, str] | None
    strongest_overall: tuple[int, str] | None
    contested: bool
    unrated: int
    direction: str
    certainty: str
    inferred: int = 0
    contested_by_inference: bool = False

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
    inferred: bool = False


def profile(claim: Claim, studies: dict[str, Study], config: Config, assessment: Assessment) -> EvidenceProfile:
    """Summarise a claim's evidence; studies missing from the bibliography are skipped.
    Contested means that, at the strongest level of the stances read in the studies, one
    does not support it: an inferred stance alone never makes it so."""
    rank = {design: i for i, design in enumerate(config.design_order)}
    items = []
    for e in claim.evidence:
        if e.key in studies:
            design = link_design(e.design, studies[e.key])
            items.append((e, _Link(e.stance, design, config.level_of(design), e.inferred)))
    counts = Counter(e.stance for e, _ in items)
    rated = [
        (link.level, rank.get(link.design, 0), link.design, STANCE[e.stance].supports, link.inferred)
        for e, link in items
        if link.level is not None and link.design is not None
    ]
    best_all = min(rated, default=None)
    best_support = min((r for r in rated if r[3]), default=None)
    supported = any(STANCE[e.stance].supports for e, _ in items)
    contested = supported and _against_at_the_top([r for r in rated if not r[4]])
    by_inference = supported and not contested and _against_at_the_top(rated)
    return EvidenceProfile(
        counts={term.value: counts.get(term.value, 0) for term in STANCES},
        strongest_support=(best_support[0], best_support[2]) if best_support else None,
        strongest_overall=(best_all[0], best_all[2]) if best_all else None,
        contested=contested,
        unrated=sum(1 for _, link in items if link.level is None),
        direction=_sentence(items, rank, contested, supported, by_inference),
        certainty=certainty_clause(assessment),
        inferred=sum(1 for e, _ in items if e.inferred),
        contested_by_inference=by_inference,
    )


def _against_at_the_top(rated: list[tuple]) -> bool:
    """Whether a study at the strongest level among ``rated`` does not support the claim."""
    best = min((r[0] for r in rated), default=None)
    return any(not r[3] for r in rated if r[0] == best)


def evidence_kinds(claim: Claim, studies: dict[str, Study]) -> list[str]:
    """The kinds of evidence behind a claim (``vocabulary.EVIDENCE_KINDS``), in the table's
    order, each study counted with the design it contributes to this claim: a trial cited
    as a narrative source is not a trial here."""
    found = {evidence_kind(link_design(e.design, studies[e.key])).value for e in claim.evidence if e.key in studies}
    return [kind.value for kind in EVIDENCE_KINDS if kind.value in found]


def evidence_kind_counts(claims: Iterable[Claim], studies: dict[str, Study]) -> list[tuple[str, str, int]]:
    """Each kind of evidence some claim rests on, in words, with how many claims: a claim
    counts once for every kind behind it."""
    counts = Counter(kind for claim in claims for kind in evidence_kinds(claim, studies))
    return [(kind.value, kind.word, counts[kind.value]) for kind in EVIDENCE_KINDS if counts[kind.value]]


def certainty_clause(assessment: Assessment) -> str:
    """The certainty in words: "Certainty: low (GRADE).", "Certainty not assessed (starts at
    low under GRADE)." or why it is not rated: "Not rated (expert opinion / policy).";
    then when the evidence was searched, where the site or the claim says."""
    name = APPROACH[assessment.approach].name
    if assessment.rating:
        clause = f"Certainty: {CERTAINTY[assessment.rating].word} ({name})."
    elif assessment.unrated == NOT_ASSESSED:
        start = assessment.starting_point
        clause = f"Certainty not assessed (starts at {CERTAINTY[start].word} under {name})." if start else ""
        clause = clause or "Certainty not assessed."
    else:
        clause = UNRATED_TERM[assessment.unrated].label + "."
    return clause + (f" Evidence searched: {assessment.searched}." if assessment.searched else "")


def certainty_words(assessment: Assessment) -> str:
    """The certainty in a few words, to stand beside a key message: "low certainty (GRADE)",
    "moderate confidence (GRADE-CERQual)", "certainty not assessed", "not rated (expert
    opinion / policy)"."""
    approach = APPROACH[assessment.approach]
    if assessment.rating:
        return f"{CERTAINTY[assessment.rating].word} {approach.measure} ({approach.name})"
    if assessment.unrated == NOT_ASSESSED:
        return f"{approach.measure} not assessed"
    label = UNRATED_TERM[assessment.unrated].label
    return label[:1].lower() + label[1:]


def _sentence(items: list, rank: dict[str, int], contested: bool, supported: bool, by_inference: bool) -> str:
    def order(design: str | None) -> tuple[bool, int]:
        return design is None, rank.get(design, len(rank)) if design else 0

    def designs_for(stances: set[str]) -> list[str]:
        """Each design's count, strongest first; the stances inferred, not read, said so."""
        by_design = Counter((study.design, e.inferred) for e, study in items if e.stance in stances)
        return [
            count_phrase(by_design[d, inferred], d) + (" (inferred)" if inferred else "")
            for d, inferred in sorted(by_design, key=lambda k: (order(k[0]), k[1]))
        ]

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
    elif by_inference:
        sentence += " Inferred stances alone do not make it contested."
    elif not supported:
        sentence += " No study supports it."
    return sentence
