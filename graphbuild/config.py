"""The evidence scheme and vocabularies, validated once, shared by the CLI and the plugin."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

DEFAULT_LEVELS: dict[int, list[str]] = {
    1: ["systematic-review"],
    2: ["rct"],
    3: ["comparison-group", "cohort"],
    4: ["before-after", "cross-sectional", "observational"],
    5: ["qualitative", "mixed-methods", "delphi"],
    6: ["narrative-review", "policy", "guidance", "opinion", "theory"],
}
DEFAULT_CLAIM_TYPES = ["benefit", "barrier", "facilitator", "outcome"]
DEFAULT_GROUPS = ["patients", "peer-workers", "services", "organisations"]
STANCES = ["supports", "contradicts", "mixed", "no-effect"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ConfigError(ValueError):
    """A bad option; the message names it."""


@dataclass(frozen=True)
class Config:
    """Everything the core needs to know about a site.

    ``levels`` maps an evidence level (1 is strongest) to the designs graded at it; fields
    grade evidence differently, so a site may replace the whole scheme.
    """

    bibliography: str = "references.bib"
    levels: dict[int, list[str]] = field(default_factory=lambda: dict(DEFAULT_LEVELS))
    claim_types: list[str] = field(default_factory=lambda: list(DEFAULT_CLAIM_TYPES))
    groups: list[str] = field(default_factory=lambda: list(DEFAULT_GROUPS))
    nav: bool = True

    def __post_init__(self) -> None:
        validate_levels(self.levels)
        for name in ("claim_types", "groups"):
            values = getattr(self, name)
            if not values or not all(isinstance(v, str) and _SLUG.match(v) for v in values):
                raise ConfigError(f"option '{name}': expected a non-empty list of slugs")
            if len(set(values)) != len(values):
                raise ConfigError(f"option '{name}': duplicate value")

    @property
    def design_levels(self) -> dict[str, int]:
        return {d: level for level, designs in self.levels.items() for d in designs}

    def level_of(self, design: str | None) -> int | None:
        return self.design_levels.get(design) if design else None


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


def config_from_mapping(options: dict[str, Any]) -> Config:
    """Build a Config from the plugin's options in ``mkdocs.yml`` (CLI and tests)."""
    known = {"bibliography", "levels", "claim_types", "groups", "nav"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(f"unknown option '{unknown[0]}'")
    kwargs: dict[str, Any] = {}
    bibliography = options.get("bibliography")
    if bibliography is not None:
        if not isinstance(bibliography, str):
            raise ConfigError(f"option 'bibliography': expected a file path, not {type(bibliography).__name__}")
        kwargs["bibliography"] = bibliography
    if options.get("levels"):
        kwargs["levels"] = _levels(options["levels"])
    for name in ("claim_types", "groups"):
        if options.get(name):
            kwargs[name] = _vocabulary(name, options[name])
    if "nav" in options and options["nav"] is not None:
        if not isinstance(options["nav"], bool):  # "no" in quotes is a string, and bool("no") is True
            raise ConfigError(f"option 'nav': expected true or false, not {options['nav']!r}")
        kwargs["nav"] = options["nav"]
    return Config(**kwargs)


def _vocabulary(name: str, values: Any) -> list[Any]:
    """A bare string would otherwise become a list of its letters and be misreported as duplicates."""
    if not isinstance(values, (list, tuple)):
        raise ConfigError(f"option '{name}': expected a list of slugs, not {type(values).__name__} {values!r}")
    return list(values)


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
