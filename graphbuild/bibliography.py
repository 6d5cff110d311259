"""``references.bib`` as studies: parsed once per content, decoded only where displayed."""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

from .config import Config
from .diagnostics import Diagnostic, error, warning
from .latex import CONTROL_CHARACTERS, decode
from .names import Person, parse_names

MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip
CONTAINER_FIELDS = ("journal", "journaltitle", "booktitle", "series")
PUBLISHER_FIELDS = ("publisher", "institution", "organization", "school")
_ERROR_LINE = re.compile(r"\(line (\d+)\).*?bibtex:\s*(.*)", re.S)
_UTF8_REPORTED = 10


@dataclass
class Study:
    """One entry of the bibliography; LaTeX is decoded on first display, not at load."""

    key: str
    entry_type: str
    fields: dict[str, str]
    path: str
    line: int
    design: str | None = None
    level: int | None = None
    slug: str = ""
    as_written: dict[str, str] = field(default_factory=dict, repr=False)
    """Each field's value as the editors wrote it (delimiters, LaTeX), for BibTeX export;
    a value built from ``@string`` macros holds their expansion in braces instead, so that
    the entry stands alone."""

    def raw(self, name: str) -> str:
        return self.fields.get(name, "")

    def text(self, name: str) -> str:
        value = self.fields.get(name, "")
        return decode(value) if value else ""

    @cached_property
    def authors(self) -> list[Person]:
        return parse_names(self.fields.get("author", ""))

    @cached_property
    def editors(self) -> list[Person]:
        return parse_names(self.fields.get("editor", ""))

    @property
    def creators(self) -> list[Person]:
        return self.authors or self.editors

    @cached_property
    def title(self) -> str:
        return self.text("title")

    @cached_property
    def year(self) -> str:
        year = self.text("year") or self.text("date")[:4]
        return year or "n.d."

    @property
    def container(self) -> str:
        return next((self.text(f) for f in CONTAINER_FIELDS if self.fields.get(f)), "")

    @property
    def publisher(self) -> str:
        return next((self.text(f) for f in PUBLISHER_FIELDS if self.fields.get(f)), "")

    @property
    def doi(self) -> str:
        doi = self.fields.get("doi", "").strip()
        return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)

    @property
    def url(self) -> str:
        return self.fields.get("url", "").strip()

    @property
    def abstract(self) -> str:
        return self.text("abstract")


@dataclass
class Bibliography:
    path: str
    studies: dict[str, Study] = field(default_factory=dict)

    def __contains__(self, key: str) -> bool:
        return key in self.studies

    def __getitem__(self, key: str) -> Study:
        return self.studies[key]

    def __len__(self) -> int:
        return len(self.studies)


@contextmanager
def _captured_parser_log() -> Iterator[list[str]]:
    """bibtexparser logs parse errors on its own logger, which ``--strict`` never sees."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("bibtexparser")
    handler = Collect()
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate


def _split_concatenation(raw: str) -> list[str]:
    if "#" not in raw:  # nearly every value: no concatenation to look for
        return [raw.strip()]
    parts: list[str] = []
    depth = 0
    quoted = False
    current = ""
    for char in raw:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        if char == "#" and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def resolve_value(raw: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    """Strip delimiters and expand ``@string`` and month macros; return undefined names."""
    undefined: list[str] = []
    out: list[str] = []
    for part in _split_concatenation(raw.strip()):
        if len(part) >= 2 and part[0] == "{" and part[-1] == "}":
            out.append(part[1:-1])
        elif len(part) >= 2 and part[0] == '"' and part[-1] == '"':
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        elif part.lower() in MONTHS:
            out.append(MONTHS[part.lower()])
        elif part:
            undefined.append(part)
            out.append(part)
    return "".join(out), undefined


def written_value(raw: str, resolved: str) -> str:
    """``raw`` unless it names an ``@string`` macro (month names are BibTeX's own)."""
    raw = raw.strip()
    if raw[:1] == "{" and "#" not in raw:  # nearly every value: one braced string
        return raw
    for part in _split_concatenation(raw):
        bare = part[:1] not in ("{", '"') and not part.isdigit() and part.lower() not in MONTHS
        if bare and part:
            return "{" + resolved + "}"
    return raw


def slugify(key: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    return slug or "study"


def parse_bibliography(text: str, path: str, config: Config) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse BibTeX source; malformed blocks become diagnostics and parsing carries on."""
    with _captured_parser_log() as log:
        library = bibtexparser.parse_string(text, parse_stack=[])
    details = {}
    for message in log:
        match = _ERROR_LINE.search(message)
        if match:
            details[int(match.group(1))] = " ".join(match.group(2).split())
    diagnostics: list[Diagnostic] = []
    entries = list(library.entries)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            first = (block.previous_block.start_line or 0) + 1
            diagnostics.append(error(path, line, f"duplicate key '{block.key}' (first defined at line {first})"))
        elif isinstance(block, DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            assert isinstance(entry, Entry)
            repeated = sorted(k for k in block.duplicate_keys if not k.startswith("%"))
            if repeated:  # fields commented out with % are skipped, as BibTeX skips them
                diagnostics.append(error(path, line, f"entry '{entry.key}' repeats field(s) {', '.join(repeated)}"))
            entries.append(entry)
        else:
            reason = details.get(block.start_line or 0, str(block.error) or "cannot parse this entry")
            diagnostics.append(error(path, line, f"malformed entry: {reason}"))
    strings: dict[str, str] = {}
    for string in library.strings:
        value, _ = resolve_value(str(string.value), strings)
        strings[string.key.lower()] = value
    bibliography = Bibliography(path)
    folded: dict[str, Study] = {}
    levels = config.design_levels
    for entry in sorted(entries, key=lambda e: e.start_line or 0):
        if not entry.key.strip():
            diagnostics.append(error(path, (entry.start_line or 0) + 1, "entry without a key: it cannot be cited"))
            continue
        study = _study(entry, path, strings, levels, diagnostics)
        twin = folded.get(study.key.lower())
        if twin is not None:
            diagnostics.append(
                error(
                    path,
                    study.line,
                    f"duplicate key '{study.key}' (differs only in case from '{twin.key}' at line {twin.line})",
                )
            )
            continue
        folded[study.key.lower()] = study
        bibliography.studies[study.key] = study
    _assign_slugs(bibliography)
    return bibliography, sorted(diagnostics)


def _study(entry, path: str, strings: dict[str, str], levels: dict[str, int], diagnostics: list[Diagnostic]) -> Study:
    fields: dict[str, str] = {}
    as_written: dict[str, str] = {}
    line = entry.start_line + 1
    for item in entry.fields:
        name = item.key.lower()
        if name.startswith("%"):
            continue  # a field commented out with %, which BibTeX itself would skip
        raw = str(item.value)
        value, undefined = resolve_value(raw, strings)
        field_line = (item.start_line + 1) if item.start_line is not None else line
        for macro in undefined:
            diagnostics.append(
                error(path, field_line, f"entry '{entry.key}': undefined @string macro '{macro}' in field '{name}'")
            )
        written = written_value(raw, value)
        if CONTROL_CHARACTERS.search(value):
            value = CONTROL_CHARACTERS.sub("", value)
            written = CONTROL_CHARACTERS.sub("", written)
            diagnostics.append(
                warning(
                    path,
                    field_line,
                    f"entry '{entry.key}': field '{name}' holds control characters, removed "
                    "(was the file saved in another encoding?)",
                )
            )
        if name == "crossref":
            diagnostics.append(
                warning(
                    path,
                    field_line,
                    f"entry '{entry.key}': crossref is not followed; copy the fields it should inherit into the entry",
                )
            )
        fields[name] = value
        if written != "{" + value + "}":  # the usual form goes without saying (exports.bibtex_entry)
            as_written[name] = written
    study = Study(entry.key, entry.entry_type.lower(), fields, path, line, as_written=as_written)
    design = " ".join(fields.get("design", "").split()).lower()
    if design:
        if design in levels:
            study.design, study.level = design, levels[design]
        else:
            known = ", ".join(levels)
            design_line = next(((f.start_line or 0) + 1 for f in entry.fields if f.key.lower() == "design"), line)
            diagnostics.append(
                error(path, design_line, f"entry '{entry.key}': unknown design '{design}' (known: {known})")
            )
    return study


def _assign_slugs(bibliography: Bibliography) -> None:
    taken: set[str] = set()
    for key in sorted(bibliography.studies):
        base = slugify(key)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        bibliography.studies[key].slug = slug


class BibliographyCache:
    """Parsed bibliographies by content hash, so an unchanged file is never parsed twice."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, tuple], tuple[Bibliography, list[Diagnostic]]] = {}
        self.parses = 0

    def load(self, file: Path, display_path: str, config: Config) -> tuple[Bibliography, list[Diagnostic]]:
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        key = (display_path, digest, tuple(sorted(config.design_levels.items())))
        if key not in self._entries:
            text, bad_lines = decode_utf8(data)
            bibliography, diagnostics = parse_bibliography(text, display_path, config)
            diagnostics = sorted(diagnostics + _encoding_diagnostics(display_path, bad_lines))
            self._entries = {key: (bibliography, diagnostics)}
            self.parses += 1
        return self._entries[key]


def decode_utf8(data: bytes) -> tuple[str, list[int]]:
    """The text (a BOM dropped, bad bytes as U+FFFD) and the lines that were not UTF-8."""
    bad: list[int] = []

    def note(exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        bad.append(exc.start)
        return "\ufffd", exc.end

    codecs.register_error("graphbuild-note", note)
    text = data.decode("utf-8-sig", errors="graphbuild-note")
    offset = 3 if data.startswith(codecs.BOM_UTF8) else 0
    lines = sorted({data.count(b"\n", 0, position + offset) + 1 for position in bad})
    return text, lines


def _encoding_diagnostics(path: str, lines: list[int]) -> list[Diagnostic]:
    """One warning per line with bytes that are not UTF-8, the first few of them."""
    found = [
        warning(path, line, "not valid UTF-8 here (shown as \ufffd); save the file as UTF-8")
        for line in lines[:_UTF8_REPORTED]
    ]
    if len(lines) > _UTF8_REPORTED:
        found.append(warning(path, lines[_UTF8_REPORTED], f"... and {len(lines) - _UTF8_REPORTED} more such lines"))
    return found


def load_bibliography(
    file: Path, display_path: str, config: Config, cache: BibliographyCache | None = None
) -> tuple[Bibliography, list[Diagnostic]]:
    return (cache or BibliographyCache()).load(file, display_path, config)
