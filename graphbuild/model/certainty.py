"""How far to trust a claim: where its body of evidence starts, and whether the editors'
rating departs from there only with reasons.

The rating is the editors' judgement, in the two systems clinicians know: GRADE for claims
about effects, GRADE-CERQual for findings of qualitative research. The site only works out
the starting point, from every study the claim lists whatever its stance (GRADE rates the
whole body of evidence), and checks the rating against it; the checks that cannot be
certain (hedging words, a rating on one study) are notes, never failures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphbuild.common.diagnostics import Diagnostic, error, note
from graphbuild.model.bibliography import Study
from graphbuild.model.claims import Claim
from graphbuild.model.config import Config
from graphbuild.model.vocabulary import (
    ABOUT,
    APPROACH,
    APPROACHES,
    CERTAINTY,
    CERTAINTY_VALUES,
    DESIGN,
    DOMAIN,
    EXPERT_OPINION,
    NOT_ASSESSED,
    STANCE,
    UNRATED_TERM,
    design_noun,
)

_RANK = {value: i for i, value in enumerate(reversed(CERTAINTY_VALUES))}  # very-low 0 ... high 3


@dataclass(frozen=True)
class Assessment:
    """A claim's certainty: ``rating`` is the editors' (None: not rated); ``unrated`` why not
    (a value of ``vocabulary.UNRATED``: not yet assessed, expert opinion or policy only, a
    claim about the evidence itself; "" when rated); ``starting_point`` where its evidence
    starts under ``approach`` (None: none of it is of that kind, or it is not rated);
    ``searched``: when its evidence was searched, the claim's or the site's ("" if neither
    says)."""

    approach: str
    approach_stated: bool
    starting_point: str | None
    rating: str | None
    because: dict[str, str]
    summary: str
    unrated: str = ""
    searched: str = ""

    @property
    def meaning(self) -> str:
        """The one-line sense of the rating under its approach, or of its not being rated."""
        if self.rating:
            return APPROACH[self.approach].meanings[self.rating]
        return UNRATED_TERM[self.unrated].meaning

    @property
    def state(self) -> str:
        """The rating, or why there is none: what the certainty badge shows."""
        return self.rating or self.unrated

    @property
    def assessed(self) -> bool:
        """Whether the editors have done what the claim needs (``require_certainty``)."""
        return self.rating is not None or UNRATED_TERM[self.unrated].assessed


def link_design(item_design: str | None, study: Study) -> str | None:
    """The design a study contributes to one claim: the claim's own word for it, if given."""
    return item_design or study.design


def assess(claim: Claim, studies: dict[str, Study], config: Config) -> tuple[Assessment, list[Diagnostic]]:
    """The claim's certainty and what is wrong with it. A claim about the evidence is
    described, never rated; one resting only on expert opinion or policy is not rated unless
    its editors rate it, with a reason; any other claim starts where its designs start."""
    designs = [link_design(e.design, studies[e.key]) for e in claim.evidence if e.key in studies]
    problems: list[Diagnostic] = []
    pinned = _pinned(designs, config)
    approach = claim.approach or (next(iter(pinned)) if len(pinned) == 1 else APPROACHES[0].value)
    searched = claim.searched or config.evidence_searched
    if claim.about is not None:
        unrated = ABOUT[claim.about]
        empty = Assessment(approach, claim.approach is not None, None, None, {}, claim.summary, unrated, searched)
        return empty, _described(claim)
    if claim.approach is None and len(pinned) > 1 and claim.certainty is not None:
        problems.append(error(claim.page, claim.line, f"claim '{claim.id}' {_both_kinds(pinned)}"))
    expert = bool(designs) and not any(config.rated(d) for d in designs)
    starts = [config.starting_point(d)[approach] for d in designs if approach in config.starting_point(d)]
    start = max(starts, key=_RANK.__getitem__) if starts and (claim.certainty or not expert) else None
    unrated = "" if claim.certainty else EXPERT_OPINION if expert else NOT_ASSESSED
    assessment = Assessment(
        approach, claim.approach is not None, start, claim.certainty, claim.because, claim.summary, unrated, searched
    )
    problems += _review_of_what(claim, approach, start, studies, config)
    if claim.certainty is None:
        if expert:
            return assessment, problems + _not_rated(claim)
        problems += _unrated(claim, assessment, config, pinned if claim.approach is None else {})
        return assessment, problems
    problems += _domains_of_the_approach(claim, approach)
    if start is None:
        name = APPROACH[approach].name
        problems.append(
            error(claim.page, claim.line_of("certainty"), f"none of its studies is of the kind {name} rates")
        )
        return assessment, problems
    problems += _departure(claim, approach, start, claim.certainty)
    problems += _expert_rated(claim) if expert else _of_another_kind(claim, approach, designs, config)
    problems += _notes(claim, approach, designs, studies)
    return assessment, problems


def _described(claim: Claim) -> list[Diagnostic]:
    """A claim about the evidence says what the evidence is; a rating would rate it as an
    effect, which it is not."""
    return [
        error(
            claim.page,
            claim.line_of(name),
            f"claim '{claim.id}' is about the evidence itself ('about: {claim.about}'): it is described, not rated; "
            f"leave out '{name}:'",
        )
        for name, given in (("certainty", claim.certainty), ("because", claim.because))
        if given
    ]


def _not_rated(claim: Claim) -> list[Diagnostic]:
    """Not rated is a finished state, but its summary must still read as a view, not a
    finding; and reasons explain a rating there is not."""
    found = []
    if claim.because:
        found.append(error(claim.page, claim.line_of("because"), "'because' explains a rating: give 'certainty:' too"))
    hedges = UNRATED_TERM[EXPERT_OPINION].hedges
    if claim.summary and not _says_any(claim.summary, hedges):
        found.append(
            note(
                claim.page,
                claim.line_of("summary"),
                f"the summary of '{claim.id}' reads as a finding, but the claim rests only on expert opinion or "
                f"policy: say whose view it is, or hedge it ({', '.join(repr(w) for w in hedges[:4])}, ...)",
            )
        )
    return found


def _expert_rated(claim: Claim) -> list[Diagnostic]:
    if claim.because:
        return []
    return [
        note(
            claim.page,
            claim.line_of("certainty"),
            f"claim '{claim.id}' rests only on expert opinion or policy, which GRADE does not rate as evidence: "
            "say under 'because:' why it is rated, or leave 'certainty:' out to show it as not rated",
        )
    ]


def _of_another_kind(claim: Claim, approach: str, designs: list[str | None], config: Config) -> list[Diagnostic]:
    """A rating under an approach none of whose own kinds of study is behind the claim (a
    CERQual rating without a qualitative or mixed-methods study) rests only on the designs
    every approach rates as a last resort."""
    if any(approach in config.starts_of(d) for d in designs):
        return []
    name = APPROACH[approach].name
    kinds = list(dict.fromkeys(design_noun(d, 2) for d in config.design_order if approach in config.starts_of(d)))
    return [
        note(
            claim.page,
            claim.line_of("certainty"),
            f"claim '{claim.id}' is rated with {name}, but none of its studies is of a kind {name} rates"
            + (f" ({' or '.join(kinds)})" if kinds else ""),
        )
    ]


def _pinned(designs: list[str | None], config: Config) -> dict[str, list[str]]:
    """The approaches its designs call for, with the designs: one only GRADE rates (a trial)
    or only CERQual rates (a qualitative study) settles it; designs either may rate (mixed
    methods, policy, opinion) settle nothing, and leave GRADE."""
    pinned: dict[str, list[str]] = {}
    for design in designs:
        admits = config.starting_point(design)
        if len(admits) == 1:
            pinned.setdefault(next(iter(admits)), []).append(design_noun(design))
    return pinned


def _both_kinds(pinned: dict[str, list[str]]) -> str:
    kinds = "; ".join(f"{APPROACH[a].name}: {', '.join(sorted(set(pinned[a])))}" for a in APPROACH if a in pinned)
    choices = " or ".join(f"'approach: {a}'" for a in APPROACH if a in pinned)
    return f"rests on evidence of both kinds ({kinds}); say which it is rated by with {choices}"


def _unrated(claim: Claim, assessment: Assessment, config: Config, pinned: dict[str, list[str]]) -> list[Diagnostic]:
    """A note (an error where the site requires ratings) saying where a rating would start."""
    found = []
    if claim.because:
        found.append(error(claim.page, claim.line_of("because"), "'because' explains a rating: give 'certainty:' too"))
    start = assessment.starting_point
    if len(pinned) > 1:
        where = _both_kinds(pinned)
    elif start:
        where = f"its evidence starts at {CERTAINTY[start].word} under {APPROACH[assessment.approach].name}"
    else:
        where = ""
    message = f"claim '{claim.id}' has no certainty rating" + (f" ({where})" if where else "")
    found.append((error if config.require_certainty else note)(claim.page, claim.line, message))
    return found


def _domains_of_the_approach(claim: Claim, approach: str) -> list[Diagnostic]:
    found = []
    for domain in claim.because:
        owner = DOMAIN[domain].approach
        if owner != approach:
            expected = ", ".join(APPROACH[approach].domain_values)
            found.append(
                error(
                    claim.page,
                    claim.line_of(f"because.{domain}"),
                    f"'{domain}' is a {APPROACH[owner].name} reason, but claim '{claim.id}' is rated with "
                    f"{APPROACH[approach].name}; give one of: {expected}",
                )
            )
    return found


def _departure(claim: Claim, approach: str, start: str, rating: str) -> list[Diagnostic]:
    """A rating below its starting point needs a reason to rate down; above it, a reason to
    rate up, which only GRADE has."""
    name = APPROACH[approach].name
    reasons = [DOMAIN[d] for d in claim.because if DOMAIN[d].approach == approach]
    line = claim.line_of("certainty")
    said = f"rated {CERTAINTY[rating].word}, but its evidence starts at {CERTAINTY[start].word} under {name}"
    if _RANK[rating] < _RANK[start] and not any(not r.up for r in reasons):
        down = ", ".join(d.value for d in APPROACH[approach].domains if not d.up)
        return [error(claim.page, line, f"claim '{claim.id}' is {said}: say why under 'because:' ({down})")]
    if _RANK[rating] > _RANK[start]:
        up = [d.value for d in APPROACH[approach].domains if d.up]
        if not up:
            return [error(claim.page, line, f"claim '{claim.id}' is {said}, and {name} never rates above it")]
        if not any(r.up for r in reasons):
            return [
                error(claim.page, line, f"claim '{claim.id}' is {said}: say why under 'because:' ({', '.join(up)})")
            ]
    return []


def _notes(claim: Claim, approach: str, designs: list[str | None], studies: dict[str, Study]) -> list[Diagnostic]:
    """What an editor may have missed, said once, failing nothing."""
    found = []
    rating = claim.certainty
    assert rating is not None
    term, rules = CERTAINTY[rating], APPROACH[approach]
    hedge = rules.hedges.get(rating, ())
    if claim.summary and hedge and not _says_any(claim.summary, hedge):
        words = " or ".join(f"'{w}'" for w in hedge)
        found.append(
            note(
                claim.page,
                claim.line_of("summary"),
                f"the summary of '{claim.id}' reads stronger than {term.word} certainty: "
                f"{rules.name}'s wording uses {words}",
            )
        )
    single = rules.single_study
    if _RANK[rating] >= _RANK["moderate"] and len(designs) == 1 and single not in claim.because:
        found.append(
            note(
                claim.page,
                claim.line_of("certainty"),
                f"claim '{claim.id}' is rated {term.word} on one study; say under '{single}:' why that is enough",
            )
        )
    against = [
        (e.key, design)
        for e in claim.evidence
        if e.key in studies
        for design in [link_design(e.design, studies[e.key])]
        if design in DESIGN and DESIGN[design].synthesis and not STANCE[e.stance].supports
    ]
    if against and _RANK[rating] >= _RANK["moderate"]:
        reviews = " or ".join(sorted({design_noun(design) for _, design in against}))
        found.append(
            note(
                claim.page,
                claim.line_of("certainty"),
                f"claim '{claim.id}' is rated {term.word} although a {reviews} ({', '.join(k for k, _ in against)}) "
                "does not support it",
            )
        )
    return found


def _says_any(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{re.escape(word)}\b", text, re.I) for word in words)


# A review's design says it is a review, not what it pooled. Once the design table knows
# which designs are syntheses of others, this becomes that property.


def _is_synthesis(design: str | None) -> bool:
    """A review that pools other studies' results (by the design table's ``synthesis``)."""
    term = DESIGN.get(design or "")
    return term is not None and term.synthesis


def _review_of_what(
    claim: Claim, approach: str, start: str | None, studies: dict[str, Study], config: Config
) -> list[Diagnostic]:
    """GRADE starts a systematic review at high because it pooled randomised trials; one of
    cohort studies starts low. When only reviews whose design comes from the ``.bib`` bring
    a claim to high, nothing says which they are: a note asks (once the item gives its own
    ``design``, the editor has answered). It asks where the answer matters: the claim is not
    rated (the start shown is high) or rated moderate or high, resting on that start."""
    if approach != "grade" or start != "high":
        return []
    if claim.certainty is not None and _RANK[claim.certainty] < _RANK["moderate"]:
        return []
    high = [
        e
        for e in claim.evidence
        if e.key in studies and config.starting_point(link_design(e.design, studies[e.key])).get("grade") == "high"
    ]
    if not high or any(e.design is not None or not _is_synthesis(studies[e.key].design) for e in high):
        return []
    keys = ", ".join(e.key for e in high)
    message = (
        f"claim '{claim.id}' starts at high under GRADE only through the systematic review {keys}, which GRADE "
        "starts there only if it pooled randomised trials: which designs did it pool? Say so on its evidence item "
        "('design: systematic-review' for a review of trials, else the design it pooled, such as 'design: cohort')"
    )
    return [note(claim.page, high[0].line, message)]
