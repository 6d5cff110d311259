"""Studies as reference managers read them: BibTeX as the editors wrote it, RIS, CSL-JSON.

BibTeX keeps each value as written (LaTeX and all), since that is what a BibTeX user wants
back; RIS and CSL-JSON carry decoded Unicode, since their readers know no LaTeX. Links in RIS
and CSL-JSON are only those the site itself would link (``http``, ``https``): a reference
manager may make them clickable. Every function is pure and deterministic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphbuild.common.urls import safe_href
from graphbuild.model.bibliography import MONTHS, Study
from graphbuild.model.latex import decode
from graphbuild.model.names import Person

GRAPHBUILD_FIELDS = ("design",)
REFERENCE_MANAGER_FIELDS = ("file", "owner", "timestamp")
EXCLUDED_FIELDS = frozenset(GRAPHBUILD_FIELDS + REFERENCE_MANAGER_FIELDS)

RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "booklet": "PAMP",
    "collection": "EDBOOK",
    "conference": "CPAPER",
    "dataset": "DATA",
    "electronic": "ELEC",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "inproceedings": "CPAPER",
    "manual": "GEN",
    "mastersthesis": "THES",
    "misc": "GEN",
    "online": "ELEC",
    "patent": "PAT",
    "periodical": "JFULL",
    "phdthesis": "THES",
    "proceedings": "CONF",
    "report": "RPRT",
    "software": "COMP",
    "techreport": "RPRT",
    "thesis": "THES",
    "unpublished": "UNPB",
    "www": "ELEC",
}
RIS_DEFAULT_TYPE = "GEN"

CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "collection": "book",
    "conference": "paper-conference",
    "dataset": "dataset",
    "electronic": "webpage",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "manual": "report",
    "mastersthesis": "thesis",
    "misc": "document",
    "online": "webpage",
    "patent": "patent",
    "periodical": "periodical",
    "phdthesis": "thesis",
    "proceedings": "book",
    "report": "report",
    "software": "software",
    "techreport": "report",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "www": "webpage",
}
CSL_DEFAULT_TYPE = "document"

CHAPTER_TYPES = frozenset({"inbook", "incollection", "inproceedings", "conference"})
THESIS_TYPES = frozenset({"phdthesis", "mastersthesis", "thesis"})
REPORT_TYPES = frozenset({"techreport", "report"})
THESIS_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
_MONTH_NUMBERS = {name.lower(): i for i, name in enumerate(MONTHS.values(), start=1)}
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_RANGE = re.compile(r"\s*[-\u2010-\u2015]+\s*")


# -- facts every export reads the same way ---------------------------------------------------


def excluded_fields(extra: Iterable[str] = ()) -> frozenset[str]:
    """graphbuild's own and reference managers' fields, plus a site's ``extra`` (any case)."""
    return EXCLUDED_FIELDS | {name.strip().lower() for name in extra}


def publication_date(study: Study) -> tuple[int, ...]:
    """(year,), (year, month) or (year, month, day) from ``date``, ``year`` and ``month``;
    empty when the entry has no numeric year ("in press", "n.d.")."""
    return _date(study.raw("date"), study.raw("year"), study.raw("month"))


@lru_cache(maxsize=65536)
def _date(date: str, year: str, month: str) -> tuple[int, ...]:
    """``publication_date`` of the raw fields: each export and the page's tags ask for it,
    and many entries share a year."""
    match = _DATE.match(decode(date)) if date else None
    parts = [int(p) for p in match.groups() if p] if match else []
    if not parts:
        year_text = decode(year) if year else ""
        if not (len(year_text) == 4 and year_text.isdigit()):
            return ()
        parts = [int(year_text)]
        month_number = _month_number(decode(month) if month else "")
        if month_number:
            parts.append(month_number)
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        parts = parts[:1]
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        parts = parts[:2]
    return tuple(parts)


def _month_number(text: str) -> int | None:
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return next((n for name, n in _MONTH_NUMBERS.items() if len(text) >= 3 and name.startswith(text)), None)


def page_range(study: Study) -> tuple[str, str]:
    """First and last page (``"29--37"`` gives ``("29", "37")``; one page, ``("e12", "")``)."""
    pages = study.text("pages")
    if not pages:
        return "", ""
    first, _, last = _RANGE.sub("\x00", pages, count=1).partition("\x00")
    return first.strip(), last.strip()


def field_text(study: Study, *names: str) -> str:
    """The first of ``names`` the entry has, decoded."""
    return next((study.text(n) for n in names if study.fields.get(n)), "")


def one_line(text: str) -> str:
    """The text with every run of white space one space: a value is one line in every export.
    Not cached: the exports are written in another process than the pages' tags, and a
    cache of every value held megabytes to the end of the build for a saving of
    microseconds."""
    return " ".join(text.split())


def container_title(study: Study) -> str:
    """The journal or book that holds the work; a series is not a container."""
    return field_text(study, "journal", "journaltitle", "booktitle")


def issn_isbn(study: Study) -> list[str]:
    return [study.text(name) for name in ("isbn", "issn") if study.fields.get(name)]


def study_url(study: Study) -> str:
    """The entry's URL where the site would link it, else nothing."""
    return safe_href(study.url) or ""


def is_organisation(person: Person) -> bool:
    """A name with no given part and several words: ``{Department of Health}``."""
    return not person.given and not person.von and " " in person.family


# -- BibTeX ----------------------------------------------------------------------------------


def bibtex_entry(study: Study, exclude: Iterable[str] = ()) -> str:
    """The entry with its values as written; graphbuild's and reference managers' fields and
    those in ``exclude`` left out."""
    dropped = excluded_fields(exclude)
    lines = [f"@{study.entry_type}{{{study.key},"]
    fields = [name for name in study.fields if name not in dropped]
    for i, name in enumerate(fields):
        value = study.as_written.get(name) or "{" + study.fields[name] + "}"
        lines.append(f"  {name} = {value}{',' if i < len(fields) - 1 else ''}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def bibtex(studies: Iterable[Study], exclude: Iterable[str] = ()) -> str:
    """Several entries, a blank line between them, in the order given: the site's file."""
    return CITATION_FORMAT["bibtex"].file(studies, exclude)


# -- RIS -------------------------------------------------------------------------------------


def ris_fields(study: Study) -> list[tuple[str, str]]:
    """The (tag, value) lines of one record, ``TY`` first and ``ER`` last."""
    tags: list[tuple[str, str]] = [("TY", RIS_TYPES.get(study.entry_type, RIS_DEFAULT_TYPE))]
    tags += [("AU", _ris_name(p)) for p in study.authors if not p.is_others]
    tags += [("ED", _ris_name(p)) for p in study.editors if not p.is_others]
    date = publication_date(study)
    if date:
        tags.append(("PY", str(date[0])))
    tags.append(("TI", study.title or study.key))
    container = container_title(study)
    if container:
        tags.append(("T2", container))
        if study.entry_type == "article":
            tags.append(("JO", container))
    tags.append(("VL", study.text("volume")))
    if study.entry_type == "article":  # elsewhere ``number`` is a report's or a series' number
        tags.append(("IS", study.text("number")))
    first, last = page_range(study)
    tags += [("SP", first), ("EP", last)]
    tags += [("ET", study.text("edition")), ("PB", study.publisher), ("CY", field_text(study, "address", "location"))]
    tags += [("SN", number) for number in issn_isbn(study)]
    tags += [("DO", study.doi), ("UR", study_url(study)), ("AB", study.abstract)]
    tags.append(("ER", ""))
    return [(tag, one_line(value)) for tag, value in tags if value or tag == "ER"]


def _ris_name(person: Person) -> str:
    parts = [person.surname, person.given, person.suffix]
    while parts and not parts[-1]:
        parts.pop()
    return ", ".join(parts)


def ris_record(study: Study) -> str:
    """One record; lines end in CR LF, as the RIS specification asks."""
    return "".join(f"{tag}  - {value}\r\n" for tag, value in ris_fields(study))


def ris(studies: Iterable[Study]) -> str:
    return CITATION_FORMAT["ris"].file(studies)


# -- CSL-JSON --------------------------------------------------------------------------------


def csl_item(study: Study) -> dict[str, Any]:
    """The study as a CSL-JSON item (decoded text; variables the entry lacks left out)."""
    item: dict[str, Any] = {"id": study.key, "type": CSL_TYPES.get(study.entry_type, CSL_DEFAULT_TYPE)}
    for role, people in (("author", study.authors), ("editor", study.editors)):
        names = [_csl_name(p) for p in people if not p.is_others]
        if names:
            item[role] = names
    item["title"] = study.title or study.key
    date = publication_date(study)
    if date:
        item["issued"] = {"date-parts": [list(date)]}
    elif study.text("year"):
        item["issued"] = {"literal": study.text("year")}
    volume, number = study.text("volume"), study.text("number")
    first, last = page_range(study)
    variables = {
        "container-title": container_title(study),
        "collection-title": study.text("series"),
        "volume": volume,
        "issue": number if study.entry_type == "article" else "",
        "number": number if study.entry_type != "article" else "",
        "page": f"{first}-{last}" if last else first,
        "edition": study.text("edition"),
        "publisher": study.publisher,
        "publisher-place": field_text(study, "address", "location"),
        "genre": study.text("type") or THESIS_GENRES.get(study.entry_type, ""),
        "DOI": study.doi,
        "URL": study_url(study),
        "ISBN": study.text("isbn"),
        "ISSN": study.text("issn"),
        "abstract": study.abstract,
    }
    item.update({name: one_line(value) for name, value in variables.items() if value})
    return item


def _csl_name(person: Person) -> dict[str, str]:
    if is_organisation(person) or not person.given:
        return {"literal": person.surname}
    name = {"family": person.family, "given": person.given}
    if person.von:
        name["non-dropping-particle"] = person.von
    if person.suffix:
        name["suffix"] = person.suffix
    return name


def csl_json(studies: Iterable[Study]) -> str:
    """A CSL-JSON array, one item per study in the order given, an item a line (indenting
    would cost json's fast encoder: three times slower for a 10,000-entry list)."""
    return CITATION_FORMAT["csl-json"].file(studies)


def csl_json_line(study: Study) -> str:
    """One study's CSL-JSON item, on one line, as ``csl_json`` writes each."""
    return _json_line(csl_item(study))


def _json_line(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


# -- the formats, in one table ---------------------------------------------------------------


@dataclass(frozen=True)
class CitationFormat:
    """A citation export format: ``record`` writes one study as it stands in a file (given
    the BibTeX fields to leave out); a file is its records between ``opening`` and
    ``closing``, ``separator`` between them, or ``empty`` when it has none. A study's own
    file is the list of that study alone, so that a record reads the same in both."""

    name: str
    label: str
    extension: str
    record: Callable[[Study, frozenset[str]], str]
    separator: str
    opening: str = ""
    closing: str = ""
    empty: str = ""

    def join(self, records: Iterable[str]) -> str:
        return "".join(self.pieces(records))

    def pieces(self, records: Iterable[str]) -> Iterator[str]:
        """The file, a record at a time: a list of 30,000 studies is never held whole."""
        first = True
        for record in records:
            yield (self.opening if first else self.separator) + record
            first = False
        yield self.empty if first else self.closing

    def file(self, studies: Iterable[Study], exclude: Iterable[str] = ()) -> str:
        dropped = excluded_fields(exclude)
        return self.join(self.record(study, dropped) for study in studies)


CITATION_FORMATS: tuple[CitationFormat, ...] = (
    CitationFormat("bibtex", "BibTeX", "bib", bibtex_entry, "\n"),
    CitationFormat("ris", "RIS", "ris", lambda study, _: ris_record(study), "\r\n"),
    CitationFormat(
        "csl-json", "CSL-JSON", "json", lambda study, _: csl_json_line(study), ",\n", "[\n", "\n]\n", "[]\n"
    ),
)
CITATION_FORMAT = {fmt.name: fmt for fmt in CITATION_FORMATS}
