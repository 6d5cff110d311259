"""``graphbuild new DIR``: a knowledge base of one's own that builds strictly at once.

A newcomer used to start from this repository, with its peer-worker pages and vocabulary,
and write ``mkdocs.yml`` by hand. What ``new`` writes is package data (``new_templates/``):
the site's settings with the vocabulary chosen, two real studies, a home page and an example
topic with a claim and citations, the editors' guide (the very file this repository's site
shows as *For editors*, linked into the package, so there is one text), a README whose first
step is the one no token can take (Settings → Pages → Source), the pinned requirement, and a
workflow that checks every pull request and publishes ``main``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from graphbuild import __version__
from graphbuild.model.config import DEFAULT_CLAIM_TYPES, OPTIONS, ConfigError

TEMPLATES = Path(__file__).parent / "new_templates"
# (template, where it is written in the new knowledge base); a ``.jinja`` template is filled
# in, anything else copied as it is. Dot files are stored without their dot: package data
# globs skip them.
FILES: tuple[tuple[str, str], ...] = (
    ("mkdocs.yml.jinja", "mkdocs.yml"),
    ("references.bib", "references.bib"),
    ("docs/index.md.jinja", "docs/index.md"),
    ("docs/example.md.jinja", "docs/example.md"),
    ("docs/for-editors.md", "docs/for-editors.md"),
    ("requirements.txt.jinja", "requirements.txt"),
    ("README.md.jinja", "README.md"),
    ("gitignore", ".gitignore"),
    ("site.yml", ".github/workflows/site.yml"),
)
# The peer-worker site's groups name its own field; these suit most of health care.
DEFAULT_GROUPS = ("patients", "carers", "staff", "services")
DEFAULT_REQUIREMENT = f"graphbuild=={__version__}"  # a release on the package index
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class NewError(ValueError):
    """Why ``new`` will not write: the message says what to do instead."""


@dataclass(frozen=True)
class Starter:
    """What a new knowledge base is made with: its name, the words editors may use, and the
    graphbuild that builds it (a pip requirement)."""

    name: str
    claim_types: tuple[str, ...] = tuple(DEFAULT_CLAIM_TYPES)
    groups: tuple[str, ...] = DEFAULT_GROUPS
    requirement: str = DEFAULT_REQUIREMENT


def default_name(folder: Path) -> str:
    """A site name from the folder's: ``exercise-for-depression`` reads "Exercise for depression"."""
    words = re.sub(r"[-_\s]+", " ", folder.resolve().name).strip()
    return words[:1].upper() + words[1:] if words else "Evidence knowledge base"


def vocabulary(option: str, text: str) -> tuple[str, ...]:
    """A vocabulary given as ``a, b c``, checked by the plugin's own reader of ``option``."""
    values = [v for v in re.split(r"[,\s]+", text.strip()) if v]
    try:
        next(o for o in OPTIONS if o.name == option).read(values)
    except ConfigError as exc:
        raise NewError(f"{exc}: lower-case letters, digits and hyphens, such as 'side-effect'") from None
    return tuple(values)


def checked(starter: Starter) -> Starter:
    """``starter`` if every value can go where it is written (a YAML file, a heading, a
    requirements file), else a NewError naming the value."""
    name = starter.name.strip()
    if not name or _CONTROL.search(name) or len(name) > 200:
        raise NewError("the site's name must be one line of text, at most 200 characters")
    if "<" in name or ">" in name:  # the theme prints site_name as HTML, in every page's header
        raise NewError("the site's name is printed as HTML in every page: leave out < and >")
    requirement = starter.requirement.strip()
    if not re.match(r"graphbuild\b", requirement) or "\n" in requirement or "\r" in requirement:
        raise NewError(f"the requirement must be graphbuild's, on one line (such as 'graphbuild=={__version__}')")
    vocabulary("claim_types", ",".join(starter.claim_types))
    vocabulary("groups", ",".join(starter.groups))
    return Starter(name, starter.claim_types, starter.groups, requirement)


def refusal(folder: Path, force: bool) -> str | None:
    """Why ``folder`` must not be written into, if it must not: a file, or a folder that
    holds anything (``force`` writes there all the same, replacing only the files ``new``
    writes)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return f"{folder} exists and is not a folder"
    if folder.is_dir() and any(folder.iterdir()) and not force:
        return f"{folder} is not empty; choose a new folder, or pass --force to write the knowledge base there"
    return None


def write_knowledge_base(folder: Path, starter: Starter, force: bool = False) -> list[Path]:
    """Write a new knowledge base into ``folder``; the files written, in order."""
    reason = refusal(folder, force)
    if reason:
        raise NewError(reason)
    starter = checked(starter)
    environment = _environment()
    written = []
    for template, target in FILES:
        path = folder / target
        if path.is_symlink():
            path.unlink()  # replaced, never written through
        path.parent.mkdir(parents=True, exist_ok=True)
        source = TEMPLATES / template
        if template.endswith(".jinja"):
            text = environment.get_template(template).render(**_values(starter))
        else:
            text = source.read_text(encoding="utf-8")
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _values(starter: Starter) -> dict[str, object]:
    return {
        "name": starter.name,
        "claim_types": list(starter.claim_types),
        "groups": list(starter.groups),
        "requirement": starter.requirement,
    }


def _environment() -> jinja2.Environment:
    """Templates of plain text (YAML, Markdown): nothing is escaped unless a filter says
    so, and a value a template names but is not given is an error, not an empty string."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters["yaml"] = lambda text: json.dumps(text)  # a JSON string is a YAML one
    environment.filters["markdown"] = lambda text: html.escape(text, quote=False)
    return environment


def next_steps(folder: Path, written: Sequence[Path]) -> str:
    """What to do after ``new``, for the person who ran it."""
    shown = "\n".join(f"  {path.relative_to(folder).as_posix()}" for path in written)
    return (
        f"Wrote a knowledge base in {folder}:\n{shown}\n\n"
        f"Next: cd {folder} && mkdocs serve   (graphbuild check lists any problem at path:line)\n"
        "To publish: put it on GitHub, then Settings -> Pages -> Source: GitHub Actions (see README.md)."
    )
