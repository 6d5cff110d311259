"""The templates of one site: graphbuild's own, under the overrides a site gives.

Every piece of markup graphbuild writes comes from a template a site may override, found
first in the site's ``<theme.custom_dir>/graphbuild/``, then in ``overrides/graphbuild/``,
then in the package. Every string from a ``.bib`` file or a claim passes through Jinja's
autoescaping; text that Markdown will still read (``graphbuild render``'s tree, inline
citations) is also entity-encoded, so that Markdown syntax in a hostile title stays text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from graphbuild.common.escaping import entity_text, markdown_inert
from graphbuild.formats.metatags import citation_meta
from graphbuild.formats.styles import InlineForm
from graphbuild.model.evidence import EvidenceProfile
from graphbuild.model.vocabulary import (
    APPROACH,
    CERTAINTIES,
    CERTAINTY,
    DOMAIN,
    STANCE,
    STANCES,
    STATUS,
    STATUSES,
    UNRATED,
    UNRATED_TERM,
    design_noun,
    level_mark,
)

# Where a site's own templates are, relative to its theme's ``custom_dir`` or its root.
OVERRIDES = "graphbuild"


def search_path(root: Path, custom_dir: Path | None) -> tuple[Path, ...]:
    """The folders a site's templates are looked for in, before the package's own."""
    folders = [root / "overrides" / OVERRIDES]
    if custom_dir is not None:
        folders.insert(0, custom_dir / OVERRIDES)
    return tuple(folders)


def template_stamp(search_path: Sequence[Path]) -> tuple:
    """What a site's templates are, as far as a file's name, size and time tell: the same
    stamp, the same output (``mkdocs serve`` keeps what it rendered while it holds)."""
    folders = [*search_path, Path(__file__).parent / "templates"]
    return tuple(
        (str(path), stat.st_mtime_ns, stat.st_size)
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        for stat in [path.stat()]
    )


class _Environment(jinja2.Environment):
    """Templates read their context as ``s.label``, and most values are dicts; Jinja tries an
    attribute first and a key second, so every such lookup raised and caught an exception
    (a tenth of the time of 6,000 study pages). Dicts get their key first here; anything
    else, and a key a dict lacks (``d.items``), is looked up as Jinja always does."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class Templates:
    """Renders the templates of ``search_path`` (then the package's).

    ``markdown_safe``: the HTML will be read by Markdown again, so every value is also
    entity-encoded against Markdown. ``inline``: the citation style's brackets and
    separators. ``search_entries``: each claim has a search entry of its own, so its card
    stays out of its page's search text."""

    def __init__(
        self,
        search_path: Sequence[Path] = (),
        *,
        inline: InlineForm | None = None,
        markdown_safe: bool = False,
        search_entries: bool = False,
    ) -> None:
        self.markdown_safe = markdown_safe
        self._templates: dict[str, jinja2.Template] = {}
        self._fragments: dict[tuple, Markup] = {}
        loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(d) for d in search_path if d.is_dir()])]
        loaders.append(jinja2.PackageLoader("graphbuild.site", "templates"))
        self.env = _Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,  # one set per build: no need to stat templates on every use
            finalize=markdown_inert if markdown_safe else None,
        )
        self.env.globals.update(
            stance_terms=STANCES,
            stance_term=STANCE,
            status_terms=STATUSES,
            status_term=STATUS,
            certainty_terms=CERTAINTIES,
            certainty_term=CERTAINTY,
            unrated_terms=UNRATED,
            unrated_term=UNRATED_TERM,
            domain_term=DOMAIN,
            approach_term=APPROACH,
            certainty_html=self.certainty_html,
            design_noun=design_noun,
            level_mark=level_mark,
            level_label=level_label,
            stance_html=self.stance_html,
            status_html=self.status_html,
            search_entries=search_entries,
            cite_form=_form(inline or InlineForm()),
            citation_meta=citation_meta,
        )

    def render(self, name: str, **context: Any) -> str:
        """A template's output, without its blank lines."""
        text = self.template(name).render(**context)
        return "\n".join(line for line in text.splitlines() if line.strip())

    def stream(self, name: str, **context: Any) -> Iterator[str]:
        """``render``'s text a line at a time (each after the first led by its line break),
        made as it is read: a page of 30,000 lines is never held whole."""
        return without_blank_lines(self.template(name).generate(**context))

    def template(self, name: str) -> jinja2.Template:
        """A template whose globals are one plain dict: Jinja chains them onto the
        environment's, and copying the chain key by key on every render was a seventh of
        the time of a study page. The globals never change once the set is made."""
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
            template.globals = dict(template.globals)
        return template

    @cached_property
    def macros(self) -> Any:
        """``macros.html`` (a site may override it), whose small pieces are rendered once
        per study or value and reused: a Jinja macro call per table cell is most of the
        cost of 6,000 study pages."""
        return self.template("macros.html").make_module()

    def macro(self, name: str, *args: str | int | None) -> Markup:
        """A macro's output for some plain values, rendered once per distinct values."""
        key = (name, *args)
        fragment = self._fragments.get(key)
        if fragment is None:
            fragment = self._fragments[key] = getattr(self.macros, name)(*args)
        return fragment

    def stance_html(self, stance: str) -> Markup:
        return self.macro("stance", stance)

    def status_html(self, profile: EvidenceProfile) -> Markup:
        return self.macro("status", profile.status)

    def certainty_html(self, state: str | None) -> Markup:
        """A rating's meter and word, or why there is none (``Assessment.state``); None
        reads as not assessed."""
        return self.macro("certainty", state)

    def badge(self, level: int | None, design: str | None) -> Markup:
        """A study's evidence level and design, as the cards and pages show them."""
        return self.macro("level_badge", level, design_noun(design, 1) if design else "unrated")


def without_blank_lines(pieces: Iterable[str]) -> Iterator[str]:
    """The text of ``pieces`` less its blank lines, as ``Templates.render`` gives it (lines
    joined by a line break, none after the last), a line at a time."""
    carry = ""
    first = True
    for piece in pieces:
        lines = "".join((carry, piece)).splitlines(keepends=True)  # plain text: Markup + str escapes the str
        carry = lines.pop() if lines and lines[-1].splitlines()[0] == lines[-1] else ""  # not ended yet
        for line in lines:
            text = line.splitlines()[0]
            if text.strip():
                yield text if first else "\n" + text
                first = False
    if carry.strip():
        yield carry if first else "\n" + carry


def level_label(level: int | None) -> str:
    return "unrated" if level is None else f"level {level}"


def inert(text: str) -> Markup:
    """Text that neither HTML nor Markdown reads as markup."""
    return Markup(entity_text(text))


_PLAIN_PUNCTUATION = frozenset("(),;. ")


def _form(form: InlineForm) -> dict[str, Markup]:
    """A style's brackets and separators: the built-in styles' parentheses, commas and
    semicolons as they are, anything else (a ``.csl`` style's ``[``, say) encoded against
    Markdown as citations' values are."""
    parts = ("open", "close", "separator", "locator_separator", "separator_with_locators")
    return {
        part: Markup(value) if set(value) <= _PLAIN_PUNCTUATION else inert(value)
        for part in parts
        for value in [getattr(form, part)]
    }
