"""Every word, symbol, colour and dash the site uses for a value, each defined once.

Templates, the generated stylesheet (``vocabulary_css``), the map's data and the profile
sentence all read these tables; the JavaScript reads only the stylesheet's custom
properties. Adding a stance is one entry in ``STANCES``, a study design one in ``DESIGNS``
(its level, nouns, kind of evidence and starting points), a certainty approach one in
``APPROACHES`` (its domains, what each rating means, the hedges a summary uses, the domain
that answers a rating on one study); and their words in the editors' guide. Tests prove
that every consumer knows every entry (``tests/test_architecture.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


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
    CERQual uses the same four; what each means under an approach is the approach's).
    ``marks``: filled circles of four on the meter; its colours run dark to pale in the
    light scheme and pale to dark in the dark one, each at 4.5:1 or more against the page,
    and never carry the meaning alone."""

    value: str
    word: str
    marks: int
    colour: str
    dark: str
    fill: str = ""  # a shape's fill (the map's claims, the gap map's bubbles): paler when less sure
    fill_dark: str = ""


CERTAINTIES: tuple[CertaintyTerm, ...] = (
    CertaintyTerm("high", "high", 4, "#08306b", "#deebf7", fill="#08306b", fill_dark="#deebf7"),
    CertaintyTerm("moderate", "moderate", 3, "#08519c", "#9ecae1", fill="#2171b5", fill_dark="#9ecae1"),
    CertaintyTerm("low", "low", 2, "#2171b5", "#6baed6", fill="#6baed6", fill_dark="#4292c6"),
    CertaintyTerm("very-low", "very low", 1, "#4a6fa5", "#4292c6", fill="#c6dbef", fill_dark="#1f4e79"),
)


@dataclass(frozen=True)
class DomainTerm:
    """One reason a rating departs from its starting point: ``up`` for GRADE's three
    reasons to rate up, else a concern that rates down. ``approach`` is set from the
    approach that lists it."""

    value: str
    heading: str
    up: bool = False
    approach: str = ""


@dataclass(frozen=True)
class ApproachTerm:
    """A system for rating certainty, all of it in one entry: GRADE for effects,
    GRADE-CERQual for findings of qualitative research. ``domains``: what may move a rating,
    by the name editors write. ``meanings``: the one-line sense of each rating (Balshem et
    al. 2011 for GRADE; Lewin et al. 2018 for CERQual). ``hedges``: the words one of which a
    summary at that rating uses (Santesso et al. 2020 for GRADE); none where the plain verb
    is right, or where, as in CERQual, the confidence stands beside the finding instead.
    ``single_study``: the domain that says why one study is enough for a rating of
    moderate or more. ``measure``: what a rating is of, in a word ("low certainty",
    "moderate confidence")."""

    value: str
    name: str
    rates: str
    domains: tuple[DomainTerm, ...]
    meanings: dict[str, str]
    single_study: str
    hedges: dict[str, tuple[str, ...]] = field(default_factory=dict)
    measure: str = "certainty"

    @property
    def domain_values(self) -> tuple[str, ...]:
        return tuple(d.value for d in self.domains)


APPROACHES: tuple[ApproachTerm, ...] = (
    ApproachTerm(
        "grade",
        "GRADE",
        "certainty of the evidence",
        (
            DomainTerm("risk-of-bias", "Risk of bias"),
            DomainTerm("inconsistency", "Inconsistency"),
            DomainTerm("indirectness", "Indirectness"),
            DomainTerm("imprecision", "Imprecision"),
            DomainTerm("publication-bias", "Publication bias"),
            DomainTerm("large-effect", "Large effect", up=True),
            DomainTerm("dose-response", "Dose-response", up=True),
            DomainTerm("plausible-confounding", "Plausible confounding", up=True),
        ),
        {
            "high": "We are very confident that the true effect is close to the estimate.",
            "moderate": "The true effect is probably close to the estimate, but it may be substantially different.",
            "low": "The true effect may be substantially different from the estimate.",
            "very-low": "The true effect is likely to be substantially different from the estimate.",
        },
        "imprecision",
        {"moderate": ("probably", "likely"), "low": ("may", "might"), "very-low": ("very uncertain",)},
    ),
    ApproachTerm(
        "cerqual",
        "GRADE-CERQual",
        "confidence in the finding",
        (
            DomainTerm("methodological-limitations", "Methodological limitations"),
            DomainTerm("coherence", "Coherence"),
            DomainTerm("adequacy", "Adequacy of data"),
            DomainTerm("relevance", "Relevance"),
        ),
        {
            "high": "It is highly likely that the finding is a reasonable representation of the phenomenon.",
            "moderate": "It is likely that the finding is a reasonable representation of the phenomenon.",
            "low": "It is possible that the finding is a reasonable representation of the phenomenon.",
            "very-low": "It is not clear whether the finding is a reasonable representation of the phenomenon.",
        },
        "adequacy",
        measure="confidence",
    ),
)
DOMAINS: tuple[DomainTerm, ...] = tuple(
    DomainTerm(d.value, d.heading, d.up, approach.value) for approach in APPROACHES for d in approach.domains
)


@dataclass(frozen=True)
class EvidenceKind:
    """What kind of evidence a design gives, in the words a reader asks with ("which claims
    rest on trials?"): the claims index and the map filter by it, counting each link's own
    design. ``rated``: False for expert opinion, policy and theory, which GRADE does not
    rate as evidence: a claim resting only on such designs is not rated unless its editors
    rate it (or the site's ``starting_points`` gives the design a starting point)."""

    value: str
    word: str
    rated: bool = True


EVIDENCE_KINDS: tuple[EvidenceKind, ...] = (
    EvidenceKind("trials", "randomised trials or systematic reviews of trials"),
    EvidenceKind("comparisons", "non-randomised comparisons"),
    EvidenceKind("observational", "surveys, before-and-after and other observational studies"),
    EvidenceKind("qualitative", "qualitative or mixed-methods studies"),
    EvidenceKind("expert", "expert opinion, policy, theory or narrative reviews", rated=False),
    EvidenceKind("other", "unrated sources and other designs"),
)


@dataclass(frozen=True)
class DesignTerm:
    """A study design: the evidence level it is graded at by default (1 strongest; a site's
    ``levels`` option may regrade it), what it is called, what kind of evidence it is, and
    where a body of evidence of it starts under each approach that rates it (``starts``:
    approach -> certainty) before the domains move it. A design that names no approach
    (Delphi panels, policy, guidance, opinion, theory, narrative reviews) starts at very low
    under either when its claim is rated, as does a design a site adds to the levels
    without a starting point. ``synthesis``: a review that pools other studies' results,
    whose not supporting a claim is worth a second look at a rating of moderate or more."""

    value: str
    level: int
    singular: str
    plural: str
    starts: dict[str, str] = field(default_factory=dict)
    synthesis: bool = False
    kind: str = "other"


DESIGNS: tuple[DesignTerm, ...] = (
    DesignTerm(
        "systematic-review",
        1,
        "systematic review",
        "systematic reviews",
        {"grade": "high"},
        synthesis=True,
        kind="trials",
    ),
    DesignTerm(
        "rct", 2, "randomised controlled trial", "randomised controlled trials", {"grade": "high"}, kind="trials"
    ),
    DesignTerm(
        "comparison-group",
        3,
        "comparison-group study",
        "comparison-group studies",
        {"grade": "low"},
        kind="comparisons",
    ),
    DesignTerm("cohort", 3, "cohort study", "cohort studies", {"grade": "low"}, kind="comparisons"),
    DesignTerm(
        "before-after", 4, "before-and-after study", "before-and-after studies", {"grade": "low"}, kind="observational"
    ),
    DesignTerm(
        "cross-sectional", 4, "cross-sectional study", "cross-sectional studies", {"grade": "low"}, kind="observational"
    ),
    DesignTerm(
        "observational", 4, "observational study", "observational studies", {"grade": "low"}, kind="observational"
    ),
    DesignTerm("qualitative", 5, "qualitative study", "qualitative studies", {"cerqual": "high"}, kind="qualitative"),
    DesignTerm(
        "mixed-methods",
        5,
        "mixed-methods study",
        "mixed-methods studies",
        {"grade": "low", "cerqual": "high"},
        kind="qualitative",
    ),
    DesignTerm("delphi", 5, "Delphi study", "Delphi studies", kind="expert"),
    DesignTerm("narrative-review", 6, "narrative review", "narrative reviews", kind="expert"),
    DesignTerm("policy", 6, "policy document", "policy documents", kind="expert"),
    DesignTerm("guidance", 6, "guidance document", "guidance documents", kind="expert"),
    DesignTerm("opinion", 6, "opinion piece", "opinion pieces", kind="expert"),
    DesignTerm("theory", 6, "theoretical paper", "theoretical papers", kind="expert"),
)


@dataclass(frozen=True)
class UnratedTerm:
    """Why a claim shows no certainty rating. ``label`` stands where the meter would (the
    meter only where a rating is still to come), ``meaning`` under it on the card.
    ``assessed``: the editors have nothing left to do (it counts as assessed for
    ``require_certainty``). ``hedges``: words one of which its summary uses, as GRADE's
    for a rating."""

    value: str
    label: str
    meaning: str
    assessed: bool
    meter: bool = False
    hedges: tuple[str, ...] = ()


UNRATED: tuple[UnratedTerm, ...] = (
    UnratedTerm("not-assessed", "Not assessed", "Not yet rated by the editors.", False, meter=True),
    UnratedTerm(
        "expert-opinion",
        "Not rated (expert opinion / policy)",
        "It rests only on expert opinion, consensus, policy, guidance, theory or narrative reviews, which GRADE "
        "does not rate as evidence: read it as a view, not a finding.",
        True,
        hedges=tuple(
            "may might could can suggest suggests suggested argue argues argued propose proposes proposed "
            "recommend recommends recommended view views thought should indicated noted".split()
        )
        + ("according to", "seen as"),
    ),
    UnratedTerm(
        "about-evidence",
        "Not rated (about the evidence)",
        "It says something about the evidence itself, so it is described, not rated as an effect.",
        True,
    ),
)
NOT_ASSESSED, EXPERT_OPINION, ABOUT_EVIDENCE = (term.value for term in UNRATED)
# What a claim's ``about:`` may say, and the reason it then shows no rating.
ABOUT = {"evidence": ABOUT_EVIDENCE}
# The parts of the question a summary-of-findings row answers, where the editors give them.
QUESTION_PARTS: tuple[tuple[str, str], ...] = (
    ("population", "Population"),
    ("intervention", "Intervention"),
    ("comparison", "Comparison"),
    ("outcome", "Outcome"),
)
MONTHS = "January February March April May June July August September October November December".split()
UNRATED_NOUNS = ("unrated source", "unrated sources")

STANCE = {term.value: term for term in STANCES}
STATUS = {term.value: term for term in STATUSES}
STANCE_VALUES = [term.value for term in STANCES]
# What an evidence item given as a key alone says: the first stance that supports.
DEFAULT_STANCE = next(term.value for term in STANCES if term.supports)
CERTAINTY = {term.value: term for term in CERTAINTIES}
CERTAINTY_VALUES = [term.value for term in CERTAINTIES]
APPROACH = {term.value: term for term in APPROACHES}
DOMAIN = {term.value: term for term in DOMAINS}
DESIGN = {term.value: term for term in DESIGNS}
EVIDENCE_KIND = {term.value: term for term in EVIDENCE_KINDS}
UNRATED_TERM = {term.value: term for term in UNRATED}
# Where evidence starts when nothing says otherwise: the least sure rating under every approach.
VERY_LOW_EITHER = {term.value: CERTAINTIES[-1].value for term in APPROACHES}


def design_noun(design: str | None, count: int = 1) -> str:
    """ "randomised controlled trial(s)"; a site's own design reads as "<design> study"."""
    if design is None:
        singular, plural = UNRATED_NOUNS
    elif design in DESIGN:
        singular, plural = DESIGN[design].singular, DESIGN[design].plural
    else:
        name = design.replace("-", " ")
        singular, plural = f"{name} study", f"{name} studies"
    return singular if count == 1 else plural


def evidence_kind(design: str | None) -> EvidenceKind:
    """The kind of evidence a design gives; an unrated source or a site's own design is
    "other"."""
    known = DESIGN.get(design) if design else None
    return EVIDENCE_KIND[known.kind if known else "other"]


def date_words(text: str) -> str:
    """An ISO date as a reader says it ("31 March 2012", "March 2012"); other text as it is."""
    parts = text.strip().split("-")
    if len(parts) in (2, 3) and all(p.isdigit() for p in parts) and len(parts[0]) == 4 and 1 <= int(parts[1]) <= 12:
        month = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        return f"{int(parts[2])} {month}" if len(parts) == 3 else month
    return text.strip()


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
        '@media screen {\n[data-md-color-scheme="slate"] {\n  '
        + "\n  ".join(dark)
        + "\n}\n}\n"
        + "\n".join(rules)
        + "\n"
    )
