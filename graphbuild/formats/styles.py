"""Citation styles: how a study reads in a reference list, and how a citation reads in the text.

The built-in styles, ``apa`` (author-year, the default) and ``vancouver`` (numeric, as in
medicine: NLM's *Citing Medicine*, ICMJE), are plain Python: a 10,000-entry bibliography
formats in a fraction of a second. A site's own ``.csl`` file goes through a CSL processor
(``graphbuild.formats.csl``), which costs some milliseconds a study, so its results are cached on disk.

A reference is a sequence of segments, each a role and its text (role ``""`` for punctuation),
so that a template can mark up the authors, title and container while the plain text (for
tooltips, search and "copy citation") is the same words joined: one fact, one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from graphbuild.common.urls import doi_href
from graphbuild.formats.records import CHAPTER_TYPES, REPORT_TYPES, field_text, is_organisation, page_range, study_url
from graphbuild.model.bibliography import Study
from graphbuild.model.config import DEFAULT_CITATION_STYLE
from graphbuild.model.formatting import work_parts
from graphbuild.model.names import Person

DEFAULT_STYLE = DEFAULT_CITATION_STYLE
APA_THESES = {"phdthesis": "Doctoral dissertation", "mastersthesis": "Master's thesis"}

Segment = tuple[str, str]


LINK_ROLES = frozenset({"doi", "url"})


@dataclass(frozen=True)
class Reference:
    """A formatted reference: ``segments`` for templates (roles ``authors``, ``year``,
    ``title``, ``container``, ``doi``, ``url``, and ``""`` for the words between), ``text``
    for everything else.

    The DOI or URL is part of the reference as the style writes it ("copy citation" wants
    it), but a page that shows its links beside the reference asks for ``without_links()``.
    """

    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.segments)

    def without_links(self) -> Reference:
        """The reference less its DOI and URL, and less the full stop that closed them when
        the text before already ends a sentence (``Journal. doi:10.1/x.``: ``Journal.``)."""
        kept: list[Segment] = []
        after_link = False
        for role, text in self.segments:
            if role in LINK_ROLES:
                after_link = True
                continue
            if after_link and not role and kept and kept[-1][1].rstrip()[-1:] in (".", "?", "!"):
                text = text.lstrip(" .")
            after_link = False
            if text:
                kept.append((role, text))
        while kept and not kept[-1][0] and not kept[-1][1].strip():
            kept.pop()
        if kept and not kept[-1][0]:
            kept[-1] = ("", kept[-1][1].rstrip())
        return Reference(tuple(kept))


class _Parts:
    """Segments being assembled; knows whether the text so far ends a sentence."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []

    def add(self, role: str, text: str) -> _Parts:
        if text:
            self.segments.append((role, text))
        return self

    def end_sentence(self) -> _Parts:
        """A full stop, unless the text already ends with one (or ``?``, ``!``)."""
        last = self.segments[-1][1] if self.segments else ""
        if last and last[-1] not in ".?!":
            self.segments.append(("", "."))
        return self

    def reference(self) -> Reference:
        return Reference(tuple(self.segments))


@dataclass(frozen=True)
class CiteItem:
    """One work in an in-text citation: its label (author-year or number), locator, prefix."""

    label: str
    locator: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class InlineForm:
    """How a style writes a citation in the text: ``(Mead & MacNeil, 2006, p. 4; Pitt et al.,
    2013)`` or ``[1, 3]``. The page pipeline builds the linked items itself and asks ``wrap``
    to join them, so that markup and plain text read alike."""

    open: str = "("
    close: str = ")"
    separator: str = "; "
    locator_separator: str = ", "
    separator_with_locators: str = "; "
    numeric: bool = False

    def item(self, label: str, locator: str = "", prefix: str = "") -> str:
        text = f"{prefix} {label}" if prefix else label
        return f"{text}{self.locator_separator}{locator}" if locator else text

    def wrap(self, items: Sequence[str], any_locator: bool = False) -> str:
        separator = self.separator_with_locators if any_locator else self.separator
        return self.open + separator.join(items) + self.close

    def text(self, items: Sequence[CiteItem]) -> str:
        """The plain-text citation (``label`` is the author-year label or the number)."""
        parts = [self.item(i.label, i.locator, i.prefix) for i in items]
        return self.wrap(parts, any(i.locator for i in items))


AUTHOR_YEAR = InlineForm()
NUMERIC = InlineForm("(", ")", ",", ", ", "; ", numeric=True)  # ICMJE: numbers in parentheses


class CitationStyle(Protocol):
    name: str
    inline: InlineForm

    @property
    def numeric(self) -> bool: ...

    def reference(self, study: Study) -> Reference: ...

    def references(self, studies: Iterable[Study]) -> dict[str, Reference]: ...

    def save(self) -> None:
        """Keep what this build formatted for the next (a ``.csl`` style's cache)."""


class BuiltinStyle:
    name = ""
    title = ""  # as a reader knows the style
    inline = AUTHOR_YEAR

    @property
    def numeric(self) -> bool:
        return self.inline.numeric

    def reference(self, study: Study) -> Reference:
        raise NotImplementedError

    def references(self, studies: Iterable[Study]) -> dict[str, Reference]:
        return {study.key: self.reference(study) for study in studies}

    def save(self) -> None:
        """Nothing to keep: a built-in style is quicker to run than to cache."""


# -- APA (author-year) -----------------------------------------------------------------------


@lru_cache(maxsize=65536)
def apa_person(person: Person) -> str:
    """``Mead, S. A.``, ``van Gogh, V.``, ``Smith, J., Jr.``; an organisation as named."""
    if person.is_others:
        return "et al."
    initials = _initials(person.given, ". ", ".-", ".")
    name = f"{person.surname}, {initials}" if initials else person.surname
    return f"{name}, {person.suffix}" if person.suffix else name


def _initials(given: str, between: str, hyphen: str, last: str) -> str:
    """``"Jean-Paul Aimé"`` with ``(". ", ".-", ".")`` gives ``J.-P. A.``; letters only."""
    words = []
    for word in re.split(r"[\s.]+", given):
        letters = [part[0].upper() for part in word.split("-") if part and part[0].isalpha()]
        if letters:
            words.append(hyphen.join(letters))
    return between.join(words) + last if words else ""


def apa_authors(people: list[Person]) -> str:
    """APA 7: every author to 20, ``&`` before the last; 21 or more, the first 19, an
    ellipsis and the last. ``and others`` in the entry reads "et al."."""
    names = [apa_person(p) for p in people if not p.is_others]
    others = any(p.is_others for p in people)
    if not names:
        return ""
    if others:
        return ", ".join(names) + ", et al."
    if len(names) == 1:
        return names[0]
    if len(names) > 20:
        return ", ".join(names[:19]) + ", . . . " + names[-1]
    if len(names) == 2 and not names[0].endswith("."):  # no initials: "Mead & MacNeil"
        return f"{names[0]} & {names[1]}"
    return ", ".join(names[:-1]) + ", & " + names[-1]


def edition_words(edition: str) -> str:
    """``2`` → ``2nd ed.``; ``Second`` → ``Second ed.``; ``3rd rev. ed.`` as written."""
    edition = edition.strip()
    if not edition:
        return ""
    if edition.isdigit():
        n = int(edition)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        edition = f"{n}{suffix}"
    return edition if re.search(r"\bed(ition)?\.?$", edition, re.I) else f"{edition} ed."


class ApaStyle(BuiltinStyle):
    """Author-year, after APA 7: ``Mead, S., & MacNeil, C. (2006). Title. Journal, 10(2),
    29–37.`` The reference a study page has always shown (``work_parts``), with APA's
    author list."""

    name = "apa"
    title = "APA (7th edition)"

    def reference(self, study: Study) -> Reference:
        ref = work_parts(study)
        parts = _Parts()
        authors = apa_authors(study.creators)
        if authors:
            if ref["editors_only"]:
                authors += " (Eds.)" if len(study.editors) > 1 else " (Ed.)"
            parts.add("authors", authors).end_sentence().add("", " ")
        parts.add("", "(").add("year", ref["year"]).add("", "). ")
        booktitle = study.text("booktitle")
        if study.entry_type in CHAPTER_TYPES and booktitle:
            self._chapter(study, ref, booktitle, parts)
        elif ref["container"]:
            number = study.text("number")
            issue = ref["issue"] or (f"({number})" if number and study.entry_type == "article" else "")
            parts.add("title", ref["title"]).end_sentence().add("", " ").add("container", ref["container"])
            parts.add("", "".join(f", {p}" for p in (issue, ref["pages"]) if p)).end_sentence()
        else:
            self._work(study, ref, parts)
        if ref["publisher"] and ref["publisher"] != authors and study.entry_type not in APA_THESES:
            parts.add("", " ").add("", ref["publisher"]).end_sentence()
        href = doi_href(study.doi)
        if href:
            parts.add("", " ").add("doi", href)
        elif study_url(study):
            parts.add("", " ").add("url", study_url(study))
        return parts.reference()

    def _chapter(self, study: Study, ref: dict[str, str], booktitle: str, parts: _Parts) -> None:
        parts.add("title", ref["title"]).end_sentence().add("", " In ")
        editors = [p for p in study.editors if not p.is_others]
        if study.authors and editors:
            names = [f"{_initials(p.given, '. ', '.-', '.')} {p.surname}".strip() for p in editors]
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
            parts.add("", f"{joined} ({'Eds.' if len(study.editors) > 1 else 'Ed.'}), ")
        parts.add("container", booktitle)
        details = [d for d in (edition_words(ref["edition"]), f"pp. {ref['pages']}" if ref["pages"] else "") if d]
        parts.add("", f" ({', '.join(details)})" if details else "").end_sentence()

    def _work(self, study: Study, ref: dict[str, str], parts: _Parts) -> None:
        parts.add("title", ref["title"])
        number = study.text("number") if study.entry_type in REPORT_TYPES else ""
        details = [d for d in (edition_words(ref["edition"]), f"Report No. {number}" if number else "") if d]
        parts.add("", f" ({', '.join(details)})" if details else "")
        thesis = APA_THESES.get(study.entry_type)
        if thesis:
            parts.add("", f" [{thesis}, {ref['publisher']}]" if ref["publisher"] else f" [{thesis}]")
        parts.end_sentence()


# -- Vancouver (numeric; NLM, ICMJE) ---------------------------------------------------------


@lru_cache(maxsize=65536)
def vancouver_person(person: Person) -> str:
    """``Mead SA``, ``van Gogh V``, ``Gilstrap LC 3rd``; an organisation as named."""
    if is_organisation(person) or not person.given:
        return person.surname
    initials = _initials(person.given, "", "", "")
    name = f"{person.surname} {initials}".strip()
    return f"{name} {person.suffix.rstrip('.')}" if person.suffix else name


def vancouver_names(people: list[Person], limit: int = 6) -> str:
    """The first six names, then "et al." when there are more (ICMJE)."""
    names = [vancouver_person(p) for p in people if not p.is_others]
    more = len(names) > limit or any(p.is_others for p in people)
    if not names:
        return ""
    return ", ".join(names[:limit]) + (", et al." if more else "")


def nlm_pages(pages: tuple[str, str]) -> str:
    """``284--287`` → ``284-7``: NLM drops the last page's repeated leading digits."""
    first, last = pages
    if not last:
        return first
    if first.isdigit() and last.isdigit() and len(first) == len(last) and int(last) > int(first):
        common = 0
        while first[common] == last[common]:
            common += 1
        last = last[common:]
    return f"{first}-{last}"


class VancouverStyle(BuiltinStyle):
    """Numeric, after NLM's *Citing Medicine*: ``Mead S, MacNeil C. Title. Journal.
    2006;10(2):29-37.`` Books: ``Place: Publisher; Year.``; chapters ``In: ... p. 29-37.``
    In the text, numbers in parentheses, as ICMJE asks and NLM's CSL style writes them."""

    name = "vancouver"
    title = "Vancouver (NLM, as medical journals cite)"
    inline = NUMERIC

    def reference(self, study: Study) -> Reference:
        parts = _Parts()
        authors = vancouver_names(study.authors)
        if not authors and study.editors:
            authors = vancouver_names(study.editors) + (", editors" if len(study.editors) > 1 else ", editor")
        if authors:
            parts.add("authors", authors).end_sentence().add("", " ")
        parts.add("title", study.title or study.key)
        thesis = {"phdthesis": "dissertation", "mastersthesis": "master's thesis"}.get(study.entry_type)
        web = study.entry_type != "article" and not doi_href(study.doi) and study_url(study)
        parts.add("", f" [{thesis}]" if thesis else " [Internet]" if web else "").end_sentence()
        year = study.year if study.year != "n.d." else "[date unknown]"
        booktitle = study.text("booktitle")
        if study.entry_type == "article" or (study.container and study.entry_type not in CHAPTER_TYPES):
            self._article(study, year, parts)
        elif study.entry_type in CHAPTER_TYPES and booktitle:
            parts.add("", " In: ")
            editors = vancouver_names(study.editors)
            if editors and study.authors:
                parts.add("", editors + (", editors. " if len(study.editors) > 1 else ", editor. "))
            parts.add("container", booktitle).end_sentence()
            self._imprint(study, year, parts)
            pages = nlm_pages(page_range(study))
            parts.add("", f" p. {pages}." if pages else "")
        else:
            self._imprint(study, year, parts)
            number = study.text("number") if study.entry_type in REPORT_TYPES else ""
            parts.add("", f" Report No.: {number}." if number else "")
        if doi_href(study.doi):
            parts.add("", " ").add("doi", f"doi:{study.doi}")
        if web:
            parts.add("", " ").add("url", f"Available from: {web}")
        return parts.reference()

    def _article(self, study: Study, year: str, parts: _Parts) -> None:
        journal = field_text(study, "shortjournal", "journal", "journaltitle") or study.container
        volume, issue = study.text("volume"), study.text("number")
        pages = nlm_pages(page_range(study))
        if journal:
            parts.add("", " ").add("container", journal).end_sentence()
        parts.add("", " ").add("year", year)
        held = (volume or "") + (f"({issue})" if issue else "") + (f":{pages}" if pages else "")
        parts.add("", f";{held}." if held else ".")

    def _imprint(self, study: Study, year: str, parts: _Parts) -> None:
        """``2nd ed. Place: Publisher; Year.``"""
        edition = edition_words(study.text("edition"))
        parts.add("", f" {edition}" if edition else "")
        place = field_text(study, "address", "location")
        publisher = study.publisher
        imprint = f"{place}: {publisher}" if place and publisher else place or publisher
        parts.add("", f" {imprint}; " if imprint else " ").add("year", year).add("", ".")


BUILTIN_STYLES: dict[str, type[BuiltinStyle]] = {"apa": ApaStyle, "vancouver": VancouverStyle}


# -- numeric styles: each page's own list ----------------------------------------------------


@dataclass(frozen=True)
class NumberedReference:
    number: int
    key: str
    reference: Reference


@dataclass(frozen=True)
class PageReferences:
    """One page's numbering: ``numbers`` (key → number, in order of first citation), the
    reference list to end the page with, and the cited keys the bibliography lacks."""

    numbers: dict[str, int]
    entries: tuple[NumberedReference, ...]
    unknown: tuple[str, ...]


class Formats(Protocol):
    """Anything that formats references: a style, or a memo of one's references."""

    def references(self, studies: Iterable[Study]) -> dict[str, Reference]: ...


def number_citations(cited_keys: Iterable[str], studies: Mapping[str, Study], style: Formats) -> PageReferences:
    """Number the works a page cites in the order it first cites them (``cited_keys`` in
    reading order, repeats and all); unknown keys get no number and are returned, once each."""
    numbers: dict[str, int] = {}
    unknown: dict[str, None] = {}
    for key in cited_keys:
        if key in numbers or key in unknown:
            continue
        if key in studies:
            numbers[key] = len(numbers) + 1
        else:
            unknown[key] = None
    formatted = style.references(studies[key] for key in numbers)
    entries = tuple(NumberedReference(n, key, formatted[key]) for key, n in numbers.items())
    return PageReferences(numbers, entries, tuple(unknown))
