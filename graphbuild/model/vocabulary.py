"""Every word, symbol, colour and dash the site uses for a value, each defined once.

Templates, the generated stylesheet (``vocabulary_css``), the map's data and the profile
sentence all read these tables; the JavaScript reads only the stylesheet's custom
properties. Adding a stance is one entry in ``STANCES`` (and its words in the editors'
guide); a test proves that every consumer knows every entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StanceTerm:
    """How a study bears on a claim.

    ``supports``: whether it counts as support in the claim's direction. ``found``: the
    clause of the profile sentence for a study that does not support ("two RCTs found no
    significant effect"). ``line``: the map's line for it, in words, for the legend."""

    value: str
    word: str
    symbol: str
    supports: bool
    found: str
    legend: str
    line: str
    colour: str
    dark: str
    dash: tuple[int, ...] = ()
    linked_data: tuple[str, ...] = ("cito:citesAsEvidence",)


# Linked data types each claim-study link with CiTO, the Citation Typing Ontology, whose
# properties run from the citing entity (the claim) to the cited (the study); CiTO has no
# word for a mixed or null finding, so those cite the study as evidence and say which in
# graphbuild's own vocabulary ("gb:").
STANCES: tuple[StanceTerm, ...] = (
    StanceTerm(
        "supports",
        "supports",
        "✓",
        True,
        "",
        "supports the claim",
        "blue solid line",
        "#0072b2",
        "#56b4e9",
        linked_data=("cito:obtainsSupportFrom", "cito:citesAsEvidence", "gb:supportingEvidence"),
    ),
    StanceTerm(
        "contradicts",
        "contradicts",
        "✗",
        False,
        "found the opposite",
        "found the opposite",
        "vermilion line with long dashes",
        "#c45500",
        "#e8743b",
        (8, 4),
        ("cito:disagreesWith", "gb:contradictingEvidence"),
    ),
    StanceTerm(
        "mixed",
        "mixed results",
        "±",
        False,
        "found mixed results",
        "found mixed results",
        "pink line of dashes and dots",
        "#aa4499",
        "#cc79a7",
        (8, 3, 2, 3),
        ("cito:citesAsEvidence", "gb:mixedEvidence"),
    ),
    StanceTerm(
        "no-effect",
        "no significant effect",
        "∅",
        False,
        "found no significant effect",
        "found no significant effect",
        "grey dotted line",
        "#6e6e6e",
        "#a0a0a0",
        (2, 3),
        ("cito:citesAsEvidence", "gb:noEffectEvidence"),
    ),
)


@dataclass(frozen=True)
class StatusTerm:
    """The direction of a claim's whole body of evidence, in one word for tables and filters.
    On the map it is the claim's outline: ``colour``/``dark`` and ``outline_dash``, described
    in words by ``outline``."""

    value: str
    word: str
    symbol: str
    meaning: str
    border: str
    emphasis: bool = False
    rank: int = 0  # where "contested first" puts it
    colour: str = "#202020"
    dark: str = "#e0e0e0"
    outline_dash: tuple[int, ...] = ()
    outline: str = "a thin solid outline"


STATUSES: tuple[StatusTerm, ...] = (
    StatusTerm("supported", "supported", "", "the strongest evidence supports it", "solid", rank=2),
    StatusTerm(
        "contested",
        "contested",
        "⚠",
        "the strongest evidence does not support it",
        "dashed",
        True,
        0,
        "#c45500",
        "#e8743b",
        (6, 3),
        "a thick vermilion dashed outline",
    ),
    StatusTerm(
        "not-supported",
        "not supported",
        "",
        "no study supports it",
        "dotted",
        rank=1,
        colour="#6e6e6e",
        dark="#a0a0a0",
        outline_dash=(2, 3),
        outline="a grey dotted outline",
    ),
)


@dataclass(frozen=True)
class LevelMark:
    """How the map draws a study of the level at this rank (strongest first)."""

    shape: str  # vis-network's name for it
    size: int
    name: str
    size_word: str
    svg: str


LEVEL_MARKS: tuple[LevelMark, ...] = (
    LevelMark(
        "star", 20, "star", "largest", "M12 2l2.9 6.3 6.9.8-5.1 4.7 1.4 6.8L12 17.2l-6.1 3.4 1.4-6.8-5.1-4.7 6.9-.8z"
    ),
    LevelMark("diamond", 17, "diamond", "large", "M12 2l9 10-9 10-9-10z"),
    LevelMark("triangle", 15, "triangle", "medium", "M12 3l9.5 17h-19z"),
    LevelMark("square", 13, "square", "smaller", "M4 4h16v16H4z"),
    LevelMark("triangleDown", 12, "triangle pointing down", "small", "M2.5 4h19L12 21z"),
    LevelMark("hexagon", 11, "hexagon", "smallest", "M7 3h10l5 9-5 9H7l-5-9z"),
)


@dataclass(frozen=True)
class CertaintyTerm:
    """How far a reader can trust a claim's body of evidence, in GRADE's four words (GRADE-
    CERQual uses the same four). ``marks``: filled circles of four on the meter; its colours
    run dark to pale in the light scheme and pale to dark in the dark one, each at 4.5:1 or
    more against the page, and never carry the meaning alone. ``meaning``: the one-line
    sense of the word under each approach (Balshem et al. 2011 for GRADE; Lewin et al. 2018
    for CERQual). ``hedge``: the words one of which a GRADE summary at this rating uses
    (Santesso et al. 2020); none where the plain verb is right."""

    value: str
    word: str
    marks: int
    colour: str
    dark: str
    meaning: dict[str, str]
    hedge: tuple[str, ...] = ()
    fill: str = ""  # a shape's fill (the map's claims, the gap map's bubbles): paler when less sure
    fill_dark: str = ""


CERTAINTIES: tuple[CertaintyTerm, ...] = (
    CertaintyTerm(
        "high",
        "high",
        4,
        "#08306b",
        "#deebf7",
        {
            "grade": "We are very confident that the true effect is close to the estimate.",
            "cerqual": "It is highly likely that the finding is a reasonable representation of the phenomenon.",
        },
        fill="#08306b",
        fill_dark="#deebf7",
    ),
    CertaintyTerm(
        "moderate",
        "moderate",
        3,
        "#08519c",
        "#9ecae1",
        {
            "grade": "The true effect is probably close to the estimate, but it may be substantially different.",
            "cerqual": "It is likely that the finding is a reasonable representation of the phenomenon.",
        },
        ("probably", "likely"),
        fill="#2171b5",
        fill_dark="#9ecae1",
    ),
    CertaintyTerm(
        "low",
        "low",
        2,
        "#2171b5",
        "#6baed6",
        {
            "grade": "The true effect may be substantially different from the estimate.",
            "cerqual": "It is possible that the finding is a reasonable representation of the phenomenon.",
        },
        ("may", "might"),
        fill="#6baed6",
        fill_dark="#4292c6",
    ),
    CertaintyTerm(
        "very-low",
        "very low",
        1,
        "#4a6fa5",
        "#4292c6",
        {
            "grade": "The true effect is likely to be substantially different from the estimate.",
            "cerqual": "It is not clear whether the finding is a reasonable representation of the phenomenon.",
        },
        ("very uncertain",),
        fill="#c6dbef",
        fill_dark="#1f4e79",
    ),
)


@dataclass(frozen=True)
class ApproachTerm:
    """A system for rating certainty: GRADE for effects, GRADE-CERQual for findings of
    qualitative research. ``domains``: what may move a rating, by the name editors write."""

    value: str
    name: str
    rates: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class DomainTerm:
    """One reason a rating departs from its starting point: ``up`` for GRADE's three
    reasons to rate up, else a concern that rates down."""

    value: str
    approach: str
    heading: str
    up: bool = False


DOMAINS: tuple[DomainTerm, ...] = (
    DomainTerm("risk-of-bias", "grade", "Risk of bias"),
    DomainTerm("inconsistency", "grade", "Inconsistency"),
    DomainTerm("indirectness", "grade", "Indirectness"),
    DomainTerm("imprecision", "grade", "Imprecision"),
    DomainTerm("publication-bias", "grade", "Publication bias"),
    DomainTerm("large-effect", "grade", "Large effect", up=True),
    DomainTerm("dose-response", "grade", "Dose-response", up=True),
    DomainTerm("plausible-confounding", "grade", "Plausible confounding", up=True),
    DomainTerm("methodological-limitations", "cerqual", "Methodological limitations"),
    DomainTerm("coherence", "cerqual", "Coherence"),
    DomainTerm("adequacy", "cerqual", "Adequacy of data"),
    DomainTerm("relevance", "cerqual", "Relevance"),
)
APPROACHES: tuple[ApproachTerm, ...] = (
    ApproachTerm(
        "grade", "GRADE", "certainty of the evidence", tuple(d.value for d in DOMAINS if d.approach == "grade")
    ),
    ApproachTerm(
        "cerqual",
        "GRADE-CERQual",
        "confidence in the finding",
        tuple(d.value for d in DOMAINS if d.approach == "cerqual"),
    ),
)
# Where a body of evidence starts, by design and approach, before the domains move it: a
# design that has no entry for an approach is not evidence of that kind. Mixed methods have
# both; Delphi panels, policy, guidance, opinion, theory and narrative reviews start at very
# low under either, and a design a site adds to the levels without a starting point too.
STARTING_POINTS: dict[str, dict[str, str]] = {
    "systematic-review": {"grade": "high"},
    "rct": {"grade": "high"},
    "comparison-group": {"grade": "low"},
    "cohort": {"grade": "low"},
    "before-after": {"grade": "low"},
    "cross-sectional": {"grade": "low"},
    "observational": {"grade": "low"},
    "qualitative": {"cerqual": "high"},
    "mixed-methods": {"grade": "low", "cerqual": "high"},
}
VERY_LOW_EITHER = {"grade": "very-low", "cerqual": "very-low"}

DESIGN_NOUNS: dict[str, tuple[str, str]] = {
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
}
UNRATED_NOUNS = ("unrated source", "unrated sources")

STANCE = {term.value: term for term in STANCES}
STATUS = {term.value: term for term in STATUSES}
STANCE_VALUES = [term.value for term in STANCES]
CERTAINTY = {term.value: term for term in CERTAINTIES}
CERTAINTY_VALUES = [term.value for term in CERTAINTIES]
APPROACH = {term.value: term for term in APPROACHES}
DOMAIN = {term.value: term for term in DOMAINS}


def design_noun(design: str | None, count: int = 1) -> str:
    """ "randomised controlled trial(s)"; a site's own design reads as "<design> study"."""
    if design is None:
        singular, plural = UNRATED_NOUNS
    elif design in DESIGN_NOUNS:
        singular, plural = DESIGN_NOUNS[design]
    else:
        name = design.replace("-", " ")
        singular, plural = f"{name} study", f"{name} studies"
    return singular if count == 1 else plural


def level_mark(rank: int) -> LevelMark:
    return LEVEL_MARKS[min(rank, len(LEVEL_MARKS) - 1)]


def vocabulary_css(levels: Sequence[int]) -> str:
    """The stylesheet every drawing reads its colours, dashes and shapes from: the map's
    script takes them from these custom properties, the legend and badges from the classes."""
    light, dark, rules = [], [], []
    for term in STANCES:
        dash = " ".join(map(str, term.dash)) or "none"
        light += [f"--gb-stance-{term.value}: {term.colour};", f"--gb-stance-dash-{term.value}: {dash};"]
        dark.append(f"--gb-stance-{term.value}: {term.dark};")
        rules.append(
            f".gb-line .gb-line-{term.value} {{ stroke: var(--gb-stance-{term.value}); "
            f"stroke-dasharray: {dash if term.dash else 'none'}; }}"
        )
    for rank in range(len(levels)):
        mark = level_mark(rank)
        light += [f"--gb-level-shape-{rank}: {mark.shape};", f"--gb-level-size-{rank}: {mark.size};"]
    for rating in CERTAINTIES:
        light.append(f"--gb-certainty-{rating.value}: {rating.colour};")
        light.append(f"--gb-certainty-fill-{rating.value}: {rating.fill};")
        dark.append(f"--gb-certainty-{rating.value}: {rating.dark};")
        dark.append(f"--gb-certainty-fill-{rating.value}: {rating.fill_dark};")
        rules.append(
            f".md-typeset .gb-certainty-{rating.value} .gb-meter {{ color: var(--gb-certainty-{rating.value}); }}"
        )
        fill = f"var(--gb-certainty-fill-{rating.value})"
        rules.append(f".md-typeset .gb-bubble.gb-certainty-{rating.value} {{ background: {fill}; }}")
        rules.append(f".gb-swatch.gb-fill-{rating.value} {{ background: {fill}; }}")
    for status in STATUSES:
        outline = " ".join(map(str, status.outline_dash)) or "none"
        light += [f"--gb-status-{status.value}: {status.colour};", f"--gb-status-dash-{status.value}: {outline};"]
        dark.append(f"--gb-status-{status.value}: {status.dark};")
        rules.append(
            f".gb-swatch.gb-outline-{status.value} {{ border: {3 if status.emphasis else 2}px "
            f"{status.border} var(--gb-status-{status.value}); background: var(--gb-unrated-fill); }}"
        )
        weight = " font-weight: 700;" if status.emphasis else ""
        rules.append(f".md-typeset .gb-status-{status.value} {{ border-style: {status.border};{weight} }}")
    return (
        "/* graphbuild: generated from graphbuild/vocabulary.py; edit the tables there. */\n"
        ":root {\n  " + "\n  ".join(light) + "\n}\n"
        # Paper is white whatever the screen's scheme: the dark colours are for screens.
        '@media screen {\n[data-md-color-scheme="slate"] {\n  ' + "\n  ".join(dark) + "\n}\n}\n"
        + "\n".join(rules)
        + "\n"
    )
