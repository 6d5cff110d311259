"""The site's options, each declared once: its name, its meaning and how it is read.

The CLI reads them from ``mkdocs.yml`` and the MkDocs plugin from its own configuration;
both hand the raw values to ``config_from_mapping``, so a bad option fails with the same
message naming it, wherever it is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphbuild.common.diagnostics import did_you_mean
from graphbuild.model.vocabulary import APPROACH, CERTAINTY, DESIGN, DESIGNS, VERY_LOW_EITHER, date_words, evidence_kind


def default_levels() -> dict[int, list[str]]:
    """The designs of ``vocabulary.DESIGNS`` by their level, in the table's order."""
    levels: dict[int, list[str]] = {}
    for design in DESIGNS:
        levels.setdefault(design.level, []).append(design.value)
    return dict(sorted(levels.items()))


DEFAULT_CLAIM_TYPES = ["benefit", "barrier", "facilitator", "outcome"]
DEFAULT_GROUPS = ["patients", "peer-workers", "services", "organisations"]
DEFAULT_CITATION_STYLE = "apa"

SEARCHED_LIMIT = 80  # "to March 2012 (the Cochrane review); the overview's other sources to 2013"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ConfigError(ValueError):
    """A bad option; the message names it."""


@dataclass(frozen=True)
class Origin:
    """Where the site's options are written, so that a message about a value the site's
    vocabulary lacks can say where to add it. ``lines``: (option, line) for each option the
    file gives; ``plugin_line``: the graphbuild plugin's own line, where an option not
    given would go."""

    path: str = "mkdocs.yml"
    plugin_line: int = 1
    lines: tuple[tuple[str, int], ...] = ()

    def line_of(self, name: str) -> int | None:
        return next((line for option, line in self.lines if option == name), None)

    def where(self, name: str) -> str:
        """``mkdocs.yml:7``: the option's line, else the plugin's."""
        return f"{self.path}:{self.line_of(name) or self.plugin_line}"


# GitHub Pages publishes no site larger than 1 GB: the default most a built site may take
# before the build warns (``site_size_limit``), in megabytes.
GITHUB_PAGES_MB = 1000

# The citation formats a study page may offer as files (``graphbuild.formats.records``
# makes them; a test holds the two lists together).
DOWNLOAD_FORMATS = ("bibtex", "ris", "csl-json")


@dataclass(frozen=True)
class Config:
    """Everything the core needs to know about a site (see ``OPTIONS`` for each option).

    ``levels`` maps an evidence level (1 is strongest) to the designs graded at it; fields
    grade evidence differently, so a site may replace the whole scheme.
    """

    bibliography: str = "references.bib"
    levels: dict[int, list[str]] = field(default_factory=default_levels)
    claim_types: list[str] = field(default_factory=lambda: list(DEFAULT_CLAIM_TYPES))
    groups: list[str] = field(default_factory=lambda: list(DEFAULT_GROUPS))
    nav: bool = True
    starting_points: dict[str, dict[str, str]] = field(default_factory=dict)
    require_certainty: bool = False
    allowed_hosts: list[str] = field(default_factory=list)
    citation_style: str = DEFAULT_CITATION_STYLE
    bibtex_omit_fields: list[str] = field(default_factory=list)
    static_html: list[str] = field(default_factory=list)
    site_dir_link: bool = False
    evidence_searched: str = ""
    study_downloads: list[str] = field(default_factory=lambda: list(DOWNLOAD_FORMATS))
    zip_downloads: bool = False
    site_size_limit: int = GITHUB_PAGES_MB  # megabytes; 0: none
    origin: Origin = field(default_factory=Origin, compare=False)

    def __post_init__(self) -> None:
        validate_levels(self.levels)
        for name in ("claim_types", "groups"):
            _slugs(name, getattr(self, name))
        object.__setattr__(self, "_design_levels", {d: level for level, ds in self.levels.items() for d in ds})
        for design in self.starting_points:
            if design not in self.design_levels:
                hint = did_you_mean(design, self.design_levels)
                raise ConfigError(f"option 'starting_points': design '{design}' is not in the levels{hint}")

    def starting_point(self, design: str | None) -> dict[str, str]:
        """Where evidence of this design starts under each approach that admits it."""
        return self.starts_of(design) or VERY_LOW_EITHER

    def starts_of(self, design: str | None) -> dict[str, str]:
        """The approaches that rate this design as research, with where it starts under
        each: the site's ``starting_points``, else the design's own; empty for a design
        rated only as a last resort (opinion, policy, a site's design without a start)."""
        if design is None:
            return {}
        known = DESIGN.get(design)
        return self.starting_points.get(design) or (known.starts if known else {})

    def rated(self, design: str | None) -> bool:
        """Whether GRADE would rate this design as evidence: not expert opinion, policy or
        theory, unless the site gives it a starting point of its own."""
        return design in self.starting_points or evidence_kind(design).rated

    @property
    def design_levels(self) -> dict[str, int]:
        return self._design_levels  # type: ignore[attr-defined, no-any-return]

    def level_of(self, design: str | None) -> int | None:
        return self.design_levels.get(design) if design else None

    @property
    def design_order(self) -> list[str]:
        """Every design, strongest level first, in the order the scheme lists them."""
        return [d for level in sorted(self.levels) for d in self.levels[level]]

    def unknown(self, noun: str, value: str, option: str) -> str:
        """What an editor reads about a ``value`` that the site's vocabulary ``option``
        (``claim_types``, ``groups`` or ``levels``) lacks: what may have been meant, where
        to add it, and what there is. A newcomer's first claims use words of their own
        field, and the defaults are one field's words."""
        allowed = self.design_order if option == "levels" else list(getattr(self, option))
        given = self.origin.line_of(option) is not None
        if option == "levels":
            change = (
                f"add '{value}' to a level under levels in {self.origin.where(option)}"
                if given
                else f"give the graphbuild plugin a levels scheme that lists '{value}' in {self.origin.where(option)}"
            )
        elif given:
            change = f"add '{value}' to {option} in {self.origin.where(option)}"
        else:
            listed = ", ".join([*allowed, value])
            change = f"add {option}: [{listed}] to the graphbuild plugin's options in {self.origin.where(option)}"
        hint = did_you_mean(value, allowed)
        return f"unknown {noun} '{value}'{hint}; {change}, or use one of: {', '.join(allowed)}"


@dataclass(frozen=True)
class Option:
    """One option: ``read`` turns the value written in ``mkdocs.yml`` into the Config's
    value, or raises ConfigError naming the option. ``doc``: its line in the options
    reference (Markdown); ``default``: how the reference shows a default that is not a
    plain value (else it is read from ``Config``)."""

    name: str
    doc: str
    read: Callable[[Any], Any]
    default: str = ""
    empty_is_none: bool = False  # ``[]`` means none here; for other options it keeps the default

    def shown_default(self) -> str:
        """The option's default as the reference shows it."""
        if self.default:
            return self.default
        value = getattr(Config(), self.name)
        if isinstance(value, bool):
            return f"`{str(value).lower()}`"
        if isinstance(value, list):
            return ", ".join(f"`{v}`" for v in value) or "none"
        return f"`{value}`" if value != "" else "none"


def _download_formats(value: Any) -> list[str]:
    """Formats by name, in the order given; ``[]`` or ``false`` for none."""
    name = "option 'study_downloads'"
    if value is False:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name}: expected a list of formats ({', '.join(DOWNLOAD_FORMATS)}), or [] for none")
    for v in value:
        if v not in DOWNLOAD_FORMATS:
            hint = did_you_mean(v, DOWNLOAD_FORMATS)
            raise ConfigError(f"{name}: unknown format {v!r}{hint} (expected: {', '.join(DOWNLOAD_FORMATS)})")
    if len(set(value)) != len(value):
        raise ConfigError(f"{name}: duplicate format")
    return list(value)


def _path(value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"option 'bibliography': expected a file path, not {type(value).__name__}")
    return value


def _size_limit(value: Any) -> int:
    """Whole megabytes above nought; ``false`` for no limit (0)."""
    if value is False:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"option 'site_size_limit': expected a whole number of megabytes above 0, or false for no limit, "
            f"not {value!r}"
        )
    return value


def _flag(name: str) -> Callable[[Any], bool]:
    def read(value: Any) -> bool:
        if not isinstance(value, bool):  # "no" in quotes is a string, and bool("no") is True
            raise ConfigError(f"option '{name}': expected true or false, not {value!r}")
        return value

    return read


def _vocabulary(name: str) -> Callable[[Any], list[str]]:
    def read(values: Any) -> list[str]:
        # A bare string would otherwise become a list of its letters, misreported as duplicates.
        if not isinstance(values, (list, tuple)):
            raise ConfigError(f"option '{name}': expected a list of slugs, not {type(values).__name__} {values!r}")
        return _slugs(name, list(values))

    return read


def _slugs(name: str, values: list[Any]) -> list[str]:
    if not values or not all(isinstance(v, str) and _SLUG.match(v) for v in values):
        raise ConfigError(f"option '{name}': expected a non-empty list of slugs")
    if len(set(values)) != len(values):
        raise ConfigError(f"option '{name}': duplicate value")
    return values


def _citation_style(value: Any) -> str:
    """The style's name or a ``.csl`` path, as written: ``styles.load_style`` knows the
    built-in names and reads the file, relative to the folder of ``mkdocs.yml``."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"option 'citation_style': expected a style's name or a .csl file, not {value!r}")
    return value.strip()


def _field_names(value: Any) -> list[str]:
    """BibTeX field names, compared without regard to case as BibTeX does."""
    name = "option 'bibtex_omit_fields'"
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{name}: expected a list of BibTeX field names, not {value!r}")
    return [v.strip().lower() for v in value]


def _starting_points(value: Any) -> dict[str, dict[str, str]]:
    name = "option 'starting_points'"
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: expected a mapping of design to {{approach: certainty}}")
    for design, points in value.items():
        if not isinstance(points, dict) or not points:
            raise ConfigError(f"{name}: design {design!r} needs a mapping such as {{grade: low}}")
        for approach, certainty in points.items():
            if approach not in APPROACH:
                hint = did_you_mean(str(approach), APPROACH)
                raise ConfigError(f"{name}: unknown approach {approach!r}{hint} (expected: {', '.join(APPROACH)})")
            if certainty not in CERTAINTY:
                hint = did_you_mean(str(certainty), CERTAINTY)
                raise ConfigError(f"{name}: unknown certainty {certainty!r}{hint} (expected: {', '.join(CERTAINTY)})")
    return value


def _globs(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError("option 'static_html': expected a list of file patterns, such as [google*.html]")
    return [v.strip() for v in value]


def _searched(value: Any) -> str:
    """A date (``2012-03-31``, which YAML reads as a date) or a few words ("March 2012",
    "to early 2013"), as readers will see it beside every certainty."""
    text = value.isoformat() if isinstance(value, date) else value
    if not isinstance(text, str) or not text.strip() or len(text) > SEARCHED_LIMIT:
        raise ConfigError(
            f"option 'evidence_searched': expected a date or a short text (at most {SEARCHED_LIMIT} characters), "
            f"not {value!r}"
        )
    return date_words(" ".join(text.split()))


def _hosts(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(h, str) and h and "/" not in h for h in value):
        raise ConfigError("option 'allowed_hosts': expected a list of host names, such as [images.example.org]")
    return [host.lower() for host in value]


OPTIONS: tuple[Option, ...] = (
    Option("bibliography", "path of the BibTeX file, from the folder of `mkdocs.yml`", _path),
    Option(
        "levels",
        "mapping of evidence level (1 strongest) to the designs graded at it, replacing the whole scheme",
        lambda v: _levels(v),
        "the scheme below",
    ),
    Option("claim_types", "the claim types editors may use", _vocabulary("claim_types")),
    Option("groups", "who a claim may concern", _vocabulary("groups")),
    Option(
        "nav",
        "add an *Evidence* section with the generated pages to the navigation: after the site's own `nav`, or "
        "after the pages MkDocs would list where the site has none",
        _flag("nav"),
    ),
    Option(
        "starting_points",
        "where each design's evidence starts, per approach (`{grade: low}`), replacing the default for the "
        "designs it names",
        _starting_points,
        "the table below",
    ),
    Option(
        "require_certainty",
        "make a claim without a `certainty` rating an error instead of a note",
        _flag("require_certainty"),
    ),
    Option(
        "allowed_hosts",
        "hosts that editors' pages may load images and media from (anything else a page would fetch from another "
        "host is an error)",
        lambda v: _hosts(v),
    ),
    Option(
        "citation_style",
        "how references and citations read: `apa` (author-year, APA 7), `vancouver` (numbered, as NLM and ICMJE "
        "write them) or the path of a `.csl` file from the folder of `mkdocs.yml`",
        _citation_style,
    ),
    Option(
        "bibtex_omit_fields",
        "BibTeX fields to leave out of the citation exports, besides `design`, `file`, `owner` and `timestamp` "
        "(`[abstract, keywords]`, say)",
        _field_names,
    ),
    Option(
        "static_html",
        "HTML files in the docs folder published as they are, by glob (site-verification files); any other is a "
        "warning, as it is outside the gate",
        _globs,
    ),
    Option(
        "site_dir_link",
        "allow a `site_dir` that is a link git tracks (MkDocs empties the folder the link points to)",
        _flag("site_dir_link"),
    ),
    Option(
        "evidence_searched",
        "when the evidence was searched, a date or a short text, shown beside every certainty",
        _searched,
    ),
    Option(
        "study_downloads",
        "the citation files beside each study page (`bibtex`, `ris`, `csl-json`); `[]` for none, where a very "
        "large site must fit its host (the page keeps its copy buttons and Zotero's tags)",
        _download_formats,
        empty_is_none=True,
    ),
    Option(
        "zip_downloads",
        "publish the whole lists of references and the graph's exports as `.zip` files, each holding the one "
        "file (several times smaller, for very large sites; what the site itself reads stays as it is)",
        _flag("zip_downloads"),
    ),
    Option(
        "site_size_limit",
        "megabytes the built site may take before the build warns (a strict build fails); the default is GitHub "
        "Pages' limit for a published site, `false` for none, where the host takes any size",
        _size_limit,
    ),
)
OPTION_NAMES = tuple(option.name for option in OPTIONS)


def options_table() -> str:
    """Every option as the reference's Markdown table, made from ``OPTIONS`` and ``Config``'s
    defaults: the page that documents them is held to it by a test."""
    rows = ["| option | default | what it does |", "| --- | --- | --- |"]
    rows += [f"| `{o.name}` | {o.shown_default()} | {o.doc} |" for o in OPTIONS]
    return "\n".join(rows) + "\n"


def designs_table() -> str:
    """The default designs, their levels and where each starts under each approach, as the
    reference's Markdown table (a test holds the page to it)."""
    config = Config()
    names = {"grade": "GRADE", "cerqual": "GRADE-CERQual"}
    rows = ["| design | level | " + " | ".join(f"starts under {n}" for n in names.values()) + " |"]
    rows.append("| --- | --- | " + " | ".join("---" for _ in names) + " |")
    for design in config.design_order:
        start = config.starting_point(design)
        cells = [start[a].replace("-", " ") if a in start else "—" for a in names]
        rows.append(f"| `{design}` | {config.level_of(design)} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def config_from_mapping(options: dict[str, Any], origin: Origin | None = None) -> Config:
    """A Config from the plugin's options in ``mkdocs.yml`` (written where ``origin`` says);
    an option given as null (or, for a list, left empty) keeps its default. Options it does
    not know are left out: ``graphbuild.model.project.option_problems`` reports them where
    they are written."""
    values = {
        o.name: o.read(options[o.name])
        for o in OPTIONS
        if options.get(o.name) not in (None, [], {}) or (o.empty_is_none and options.get(o.name) == [])
    }
    return Config(**values, origin=origin or Origin())


def validate_levels(levels: Any) -> None:
    if not isinstance(levels, dict) or not levels:
        raise ConfigError("option 'levels': expected a mapping of level number to designs")
    seen: set[str] = set()
    for level, designs in levels.items():
        if not isinstance(level, int) or isinstance(level, bool) or level < 1:
            raise ConfigError(f"option 'levels': level {level!r} is not a positive integer")
        if not isinstance(designs, list) or not designs:
            raise ConfigError(f"option 'levels': level {level} needs a list of designs")
        for design in designs:
            if not isinstance(design, str) or not _SLUG.match(design):
                raise ConfigError(f"option 'levels': design {design!r} is not a slug")
            if design in seen:
                raise ConfigError(f"option 'levels': design '{design}' is in two levels")
            seen.add(design)


def _levels(levels: Any) -> Any:
    """Level keys as ints; YAML gives ``1`` and ``'1'`` alike, so both must not silently merge."""
    if not isinstance(levels, dict):
        return levels  # validate_levels names the problem
    result: dict[Any, Any] = {}
    given: dict[Any, Any] = {}
    for key, designs in levels.items():
        level = _as_level(key)
        if level in result:
            raise ConfigError(f"option 'levels': level {level} is given twice ({given[level]!r} and {key!r})")
        result[level], given[level] = designs, key
    return result


def _as_level(key: Any) -> Any:
    """The level a key names, or the key itself for validate_levels to reject (1.5, 'one', True)."""
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str) and key.strip().isascii() and key.strip().isdigit():
        return int(key)
    return key
