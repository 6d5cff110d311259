"""Highwire Press ``citation_*`` meta tags, which Zotero and Google Scholar read from a study page.

Google Scholar's inclusion guidelines name the tags; Zotero's embedded-metadata translator
reads the same. Each tag is present only where the entry has the fact. Values are decoded
text; ``meta_tags_html`` escapes every one of them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from graphbuild.formats.records import (
    CHAPTER_TYPES,
    REPORT_TYPES,
    THESIS_TYPES,
    container_title,
    one_line,
    page_range,
    publication_date,
)
from graphbuild.model.bibliography import Study
from graphbuild.model.names import Person

CONFERENCE_TYPES = frozenset({"inproceedings", "conference"})


def citation_meta(study: Study) -> list[tuple[str, str]]:
    """(name, content) pairs in the order Google Scholar lists them."""
    tags: list[tuple[str, str]] = [("citation_title", study.title or study.key)]
    tags += [("citation_author", _name(p)) for p in study.authors if not p.is_others]
    tags += [("citation_editor", _name(p)) for p in study.editors if not p.is_others]
    date = publication_date(study)
    if date:
        tags.append(("citation_publication_date", "/".join(f"{part:02d}" for part in date)))
    tags.append((_container_tag(study), container_title(study)))
    tags += [
        ("citation_volume", study.text("volume")),
        ("citation_issue", study.text("number") if study.entry_type == "article" else ""),
    ]
    first, last = page_range(study)
    tags += [("citation_firstpage", first), ("citation_lastpage", last)]
    if study.entry_type in THESIS_TYPES:
        tags.append(("citation_dissertation_institution", study.publisher))
    elif study.entry_type in REPORT_TYPES:
        tags.append(("citation_technical_report_institution", study.publisher))
        tags.append(("citation_technical_report_number", study.text("number")))
    else:
        tags.append(("citation_publisher", study.publisher))
    tags += [
        ("citation_doi", study.doi),
        ("citation_isbn", study.text("isbn")),
        ("citation_issn", study.text("issn")),
    ]
    return [(name, one_line(value)) for name, value in tags if value.strip()]


def _name(person: Person) -> str:
    return f"{person.surname}, {person.given}" if person.given else person.surname


def _container_tag(study: Study) -> str:
    if study.entry_type in CONFERENCE_TYPES:
        return "citation_conference_title"
    if study.entry_type in CHAPTER_TYPES:
        return "citation_inbook_title"
    return "citation_journal_title"


def meta_tags_html(tags: Iterable[tuple[str, str]]) -> str:
    """One ``<meta>`` per line; names and contents escaped, quotes included."""
    return "".join(
        f'<meta name="{html.escape(name, quote=True)}" content="{html.escape(content, quote=True)}">\n'
        for name, content in tags
    )
