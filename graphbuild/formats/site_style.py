"""The citation style a site's options choose: a built-in one (``graphbuild.formats.styles``)
or a ``.csl`` file (``graphbuild.formats.csl``, which loads citeproc-py only when a site
chooses one), and what a build reports of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from graphbuild.common.cachefiles import CacheFolderError, cache_folder, distrust
from graphbuild.common.diagnostics import Diagnostic, note, warning
from graphbuild.formats.csl import CslStyle
from graphbuild.formats.styles import BUILTIN_STYLES, DEFAULT_STYLE, BuiltinStyle, CitationStyle
from graphbuild.model.bibliography import Study
from graphbuild.model.config import Config, ConfigError

CACHE_DIR = ".cache/graphbuild"  # under the site's folder, beside mkdocs.yml: never in docs/


def load_style(value: str | None, base_dir: Path, cache_dir: Path | None = None) -> CitationStyle:
    """The style the option ``citation_style`` names: ``apa``, ``vancouver`` or the path of a
    ``.csl`` file relative to ``base_dir`` (the folder of ``mkdocs.yml``). ``cache_dir``
    holds formatted CSL references between builds; ``None`` keeps them in memory only."""
    value = (value or DEFAULT_STYLE).strip()
    builtin = BUILTIN_STYLES.get(value.lower())
    if builtin is not None:
        return builtin()
    if not value.lower().endswith(".csl"):
        known = ", ".join(BUILTIN_STYLES)
        raise ConfigError(f"option 'citation_style': unknown style '{value}' (known: {known}, or a .csl file)")
    return CslStyle(base_dir / value, cache_dir=cache_dir)


def site_style(config: Config, root: Path) -> CitationStyle:
    """The style a site's options choose, a ``.csl`` file read from the site's folder and its
    formatted references cached in ``.cache/graphbuild/`` there."""
    try:
        folder = cache_folder(root)
    except CacheFolderError as exc:
        raise ConfigError(str(exc)) from None
    style = load_style(config.citation_style, root, folder)
    if isinstance(style, CslStyle):
        style.distrusted = distrust(style.cache_file, root) if style.cache_file is not None else None
    return style


def check_style(style: CitationStyle, cited: Mapping[str, Study]) -> list[Diagnostic]:
    """What a build would report of the style (``graphbuild check``): a ``.csl`` style formats
    every cited study, through its cache, which is then kept for the build."""
    if isinstance(style, BuiltinStyle):
        return []
    style.references(cited.values())
    style.save()
    return style_problems(style, cited)


def style_problems(style: CitationStyle, studies: Mapping[str, Study]) -> list[Diagnostic]:
    """A warning at the entry for each study the style's processor could not format (a
    ``.csl`` style only; those studies read in the default style meanwhile)."""
    problems = [note("mkdocs.yml", 1, message) for message in getattr(style, "notes", ())]
    for key, reason in getattr(style, "failures", ()):
        study = studies.get(key)
        if study is not None:
            problems.append(
                warning(
                    study.path,
                    study.line,
                    f"entry '{key}': citation style '{style.name}' could not format it ({reason}); "
                    f"it reads in the {DEFAULT_STYLE} style",
                )
            )
    return problems
