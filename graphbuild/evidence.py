"""The evidence profile of a claim: direction (stance) and strength (level), kept apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .bibliography import Study
from .claims import Claim, Stance

NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
DESIGN_NOUNS = {
    "systematic-review": ("systematic review", "systematic reviews"),
    "rct": ("randomised controlled trial", "randomised controlled trials"),
    "comparison-group": ("comparison-group study", "comparison-group studies"),
    "cohort": ("cohort study", "cohort studies"),
    "before-after": ("before-and-after study", "before-and-after studies"),
    "cross-sectional": ("cross-sectional study", "cross-sectional studies"),
    "observational": ("observational study", "observational studies"),
    "qualitative": ("qualitative study", "qualitative studies"),
    "mixed-methods": ("mixed-methods study", "mixed-methods studies"),
    "delphi": ("Delphi study", "Delphi studies"),
    "narrative-review": ("narrative review", "narrative reviews"),
    "policy": ("policy document", "policy documents"),
    "guidance": ("guidance document", "guidance documents"),
    "opinion": ("opinion piece", "opinion pieces"),
    "theory": ("theoretical paper", "theoretical papers"),
    None: ("unrated source", "unrated sources"),
}
STANCE_PHRASES = {
    Stance.CONTRADICTS: ("found the opposite", "found the opposite"),
    Stance.NO_EFFECT: ("found no significant effect", "found no significant effect"),
    Stance.MIXED: ("found mixed results", "found mixed results"),
}


def design_noun(design: str | None, count: int) -> str:
    if design in DESIGN_NOUNS:
        singular, plural = DESIGN_NOUNS[design]
    else:
        name = (design or "unrated").replace("-", " ")
        singular, plural = f"{name} study", f"{name} studies"
    return singular if count == 1 else plural


def count_phrase(count: int, design: str | None) -> str:
    number = NUMBERS[count] if count < len(NUMBERS) else str(count)
    return f"{number} {design_noun(design, count)}"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class EvidenceProfile:
    counts: dict[Stance, int]
    strongest_support: tuple[int, str] | None
    strongest_overall: tuple[int, str] | None
    contested: bool
    unrated: int
    sentence: str

    @property
    def supported(self) -> bool:
        return self.counts[Stance.SUPPORTS] > 0

    @property
    def status(self) -> str:
        """One word for tables and filters: contested, supported, not-supported."""
        if self.contested:
            return "contested"
        return "supported" if self.supported else "not-supported"


def profile(claim: Claim, studies: dict[str, Study], design_order: list[str]) -> EvidenceProfile:
    """Summarise a claim's evidence; studies missing from the bibliography are skipped."""
    rank = {design: i for i, design in enumerate(design_order)}
    items = [(e, studies[e.key]) for e in claim.evidence if e.key in studies]
    counts = Counter(e.stance for e, _ in items)
    rated = [
        (study.level, rank.get(study.design, 0), study.design, e.stance)
        for e, study in items
        if study.level is not None and study.design is not None
    ]
    best_all = min(rated, default=None)
    best_support = min((r for r in rated if r[3] is Stance.SUPPORTS), default=None)
    top = [r for r in rated if best_all and r[0] == best_all[0]]
    contested = bool(counts[Stance.SUPPORTS]) and any(r[3] is not Stance.SUPPORTS for r in top)
    return EvidenceProfile(
        counts={s: counts.get(s, 0) for s in Stance},
        strongest_support=(best_support[0], best_support[2]) if best_support else None,
        strongest_overall=(best_all[0], best_all[2]) if best_all else None,
        contested=contested,
        unrated=sum(1 for _, study in items if study.level is None),
        sentence=_sentence(items, rank, contested),
    )


def _sentence(items: list, rank: dict[str, int], contested: bool) -> str:
    def designs_for(stance: Stance) -> list[str]:
        by_design = Counter(study.design for e, study in items if e.stance is stance)
        ordered = sorted(by_design, key=lambda d: (d is None, rank.get(d, len(rank)) if d else 0))
        return [count_phrase(by_design[d], d) for d in ordered]

    clauses = []
    support = designs_for(Stance.SUPPORTS)
    if support:
        clauses.append("Supported by " + join_words(support))
    for stance, (one, many) in STANCE_PHRASES.items():
        designs = designs_for(stance)
        if designs:
            total = sum(1 for e, _ in items if e.stance is stance)
            clauses.append(f"{join_words(designs)} {one if total == 1 else many}")
    if not clauses:
        return "No evidence from the bibliography."
    sentence = "; ".join(clauses)
    sentence = sentence[0].upper() + sentence[1:] + "."
    if contested:
        sentence += " The strongest evidence does not support it: contested."
    elif not support:
        sentence += " No study supports it."
    return sentence
