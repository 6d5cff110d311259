"""``references.bib`` as studies: parsed once per content, decoded only where displayed."""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

from graphbuild.common.diagnostics import Diagnostic, error, warning
from graphbuild.common.files import read_regular
from graphbuild.common.suggestions import KeyIndex
from graphbuild.model.config import Config, Origin
from graphbuild.model.latex import CONTROL_CHARACTERS, decode
from graphbuild.model.names import Person, parse_names

MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip
CONTAINER_FIELDS = ("journal", "journaltitle", "booktitle", "series")
PUBLISHER_FIELDS = ("publisher", "institution", "organization", "school")
_ERROR_LINE = re.compile(r"\(line (\d+)\)(?: aborted on line (\d+))?.*?bibtex:\s*(.*)", re.S)
_ENTRY_HEAD = re.compile(r"\s*@\s*([A-Za-z]+)\s*[{(]\s*([^\s,{}()=\"#%']*)")
_FIELD_START = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*([{\"]?)")
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

    @cached_property
    def key_index(self) -> KeyIndex:
        """Built on the first unknown key, and kept with the parsed file across rebuilds."""
        return KeyIndex(self.studies)


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


# Ten times the longest abstract a journal allows: a value longer than this is a mistake or
# an expansion bomb (``@string{s1 = s0 # s0}``, doubling 32 times in 1 kB of .bib).
MAX_FIELD_LENGTH = 20_000
_BRACES = re.compile(r"\\[{}]|[{}]")
_QUOTE_OR_BRACES = re.compile(r'\\[{}]|[{}"]')
_MACRO_NAME = re.compile(r'[^\s"#%\'(),={}]+')
_SEPARATOR = re.compile(r"\s*(#?)\s*")
_QUOTED_PROBLEM = 40


class Resolved(NamedTuple):
    """A field's value as BibTeX reads it. ``problem`` says why it was cut short, if it was:
    it grew past ``MAX_FIELD_LENGTH``, or text follows the value (a missing comma)."""

    value: str
    undefined: list[str]
    problem: str = ""


def _closing(raw: str, start: int, pattern: re.Pattern[str]) -> int:
    """The index of the brace (or quote) that ends the delimited text opening at ``start``,
    or -1. Escaped braces do not count, as bibtexparser counts them; only the braces are
    visited, so a long plain value costs one regular-expression scan."""
    depth = 0
    for match in pattern.finditer(raw, start + 1):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            if depth == 0:
                return match.start() if raw[start] == "{" else -1
            depth -= 1
        elif token == '"' and depth == 0:
            return match.start()
    return -1


def _next_part(raw: str, start: int) -> int:
    """Where the part of a value starting at ``start`` ends (exclusive), or -1."""
    char = raw[start]
    if char in '{"':
        end = _closing(raw, start, _BRACES if char == "{" else _QUOTE_OR_BRACES)
        return -1 if end < 0 else end + 1
    match = _MACRO_NAME.match(raw, start)
    return match.end() if match else -1


def resolve_value(raw: str, strings: dict[str, str | None], limit: int = MAX_FIELD_LENGTH) -> Resolved:
    """Strip delimiters and expand ``@string`` and month macros, stopping at ``limit``
    characters before anything longer is built. ``strings`` maps each macro to its value,
    or to None if it was itself too long."""
    raw = raw.strip()
    inner = raw[1:-1]
    if raw[:1] == "{" and raw[-1:] == "}" and "{" not in inner and "}" not in inner and len(inner) <= limit:
        return Resolved(inner, [])  # nearly every value: one braced part, nothing to expand
    undefined: list[str] = []
    out: list[str] = []
    length = 0
    position = 0
    while position < len(raw):
        end = _next_part(raw, position)
        if end < 0:
            problem = "is not closed" if raw[position] in '{"' else _trailing(raw[position:])
            return Resolved("".join(out), undefined, problem)
        part = raw[position:end]
        if part[0] in '{"':
            piece: str | None = part[1:-1]
        elif part.isdigit():
            piece = part
        elif part.lower() in strings:
            piece = strings[part.lower()]
        elif part.lower() in MONTHS:
            piece = MONTHS[part.lower()]
        else:
            if part not in undefined:
                undefined.append(part)
            piece = part
        if piece is None or length + len(piece) > limit:
            return Resolved("".join(out), undefined, f"is longer than {limit:,} characters once expanded")
        out.append(piece)
        length += len(piece)
        separator = _SEPARATOR.match(raw, end)
        assert separator is not None  # it matches the empty string
        if separator.end() == len(raw):
            return Resolved("".join(out), undefined, "ends with '#'" if separator.group(1) else "")
        if not separator.group(1):
            return Resolved("".join(out), undefined, _trailing(raw[separator.end() :]))
        position = separator.end()
    return Resolved("", [])  # an empty value


def _trailing(text: str) -> str:
    shown = " ".join(text.split())
    if len(shown) > _QUOTED_PROBLEM:
        shown = shown[: _QUOTED_PROBLEM - 3] + "..."
    return f"has text after its value: '{shown}' (a missing comma?)"


# A study page is studies/<slug>/index.html: the name must stay well under the 255 bytes a
# file system allows, so a longer key keeps its start and gains a hash of the whole key.
MAX_SLUG_LENGTH = 80
_DIGEST_LENGTH = 10


def written_value(raw: str, resolved: str) -> str:
    """``raw`` unless it names an ``@string`` macro (month names are BibTeX's own): a
    reference manager given the entry alone would not know the macro."""
    raw = raw.strip()
    if raw[:1] == "{" and "#" not in raw:  # nearly every value: one braced string
        return raw
    position = 0
    while position < len(raw):
        end = _next_part(raw, position)
        if end < 0:
            return raw
        part = raw[position:end]
        if part[:1] not in ("{", '"') and not part.isdigit() and part.lower() not in MONTHS:
            return "{" + resolved + "}"
        separator = _SEPARATOR.match(raw, end)
        if separator is None or not separator.group(1):
            return raw
        position = separator.end()
    return raw


def slugify(key: str) -> str:
    """The name of a study's page, from its key alone: lower-case ASCII letters, digits and
    hyphens, at most ``MAX_SLUG_LENGTH`` characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "study"
    if len(slug) <= MAX_SLUG_LENGTH:
        return slug
    return _with_digest(slug, key)


def _with_digest(slug: str, key: str, length: int = _DIGEST_LENGTH) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:length]
    return f"{slug[: MAX_SLUG_LENGTH - length - 1].rstrip('-')}-{digest}"


def parse_bibliography(text: str, path: str, config: Config) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse BibTeX source; malformed blocks become diagnostics and parsing carries on."""
    with _captured_parser_log() as log:
        library = bibtexparser.parse_string(text, parse_stack=[])
    details: dict[int, tuple[str, int | None]] = {}
    for message in log:
        match = _ERROR_LINE.search(message)
        if match:
            aborted = int(match.group(2)) + 1 if match.group(2) else None
            details[int(match.group(1))] = (" ".join(match.group(3).split()), aborted)
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
            reason, aborted = details.get(block.start_line or 0, (str(block.error) or "cannot parse this entry", None))
            diagnostics.append(error(path, line, _malformed(block.raw or "", line, reason, aborted)))
    for entry in entries:
        diagnostics.extend(_escaped_brace_diagnostics(entry, path))
    strings: dict[str, str | None] = {}
    for string in library.strings:
        value, _, problem = resolve_value(str(string.value), strings)
        if problem:
            where = (string.start_line or 0) + 1
            diagnostics.append(error(path, where, f"@string '{string.key}' {problem}"))
        strings[string.key.lower()] = None if problem.startswith("is longer") else value
    bibliography = Bibliography(path)
    folded: dict[str, Study] = {}
    for entry in sorted(entries, key=lambda e: e.start_line or 0):
        if not entry.key.strip():
            diagnostics.append(error(path, (entry.start_line or 0) + 1, "entry without a key: it cannot be cited"))
            continue
        study = _study(entry, path, strings, config, diagnostics)
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
    diagnostics.extend(assign_slugs(bibliography))
    return bibliography, sorted(diagnostics)


def _malformed(raw: str, line: int, reason: str, aborted: int | None) -> str:
    """What is wrong with an entry the parser gave up on, in the editor's terms: which
    entry (the parser's own message names none), and, where a value was left open, which
    field opened it and where the parser stopped looking for its end."""
    head = _ENTRY_HEAD.match(raw)
    name = f"malformed entry '{head.group(2)}'" if head and head.group(2) else "malformed entry"
    left_out = "; the entry is left out until it is mended"
    unclosed = _unclosed_field(raw)
    if unclosed is not None and reason.startswith(("Unexpected block start", "Unexpectedly reached end")):
        field, offset, delimiter = unclosed
        opened = "a quotation mark" if delimiter == '"' else "a brace"
        until = f"the next entry (line {aborted})" if reason.startswith("Unexpected block") else "the end of the file"
        where = f"field '{field}' (line {line + offset})"
        return f"{name}: {where} opens {opened} that is not closed before {until}{left_out}"
    if reason.startswith("Unexpectedly reached end"):
        return f"{name}: it is not closed before the end of the file (a missing '}}'?){left_out}"
    return f"{name}: {reason.rstrip('.')}{left_out}"


def _unclosed_field(raw: str) -> tuple[str, int, str] | None:
    """(name, line offset in ``raw``, delimiter) of the field whose value opens a brace or
    a quote that ``raw`` never closes: the last field begun at the entry's own depth, when
    the entry itself is never closed."""
    depth, quoted, candidate = 0, False, None
    for offset, text in enumerate(raw.split("\n")):
        if depth == 1 and not quoted:
            field = _FIELD_START.match(text)
            if field:
                candidate = (field.group(1).lower(), offset, field.group(2) or "{")
        for match in _QUOTE_OR_BRACES.finditer(text):
            token = match.group()
            if token == '"' and depth == 1:
                quoted = not quoted
            elif token in "{}" and not quoted:
                depth += 1 if token == "{" else -1
    return candidate if (depth > 0 or quoted) and candidate is not None else None


def _escaped_brace_diagnostics(entry: Entry, path: str) -> list[Diagnostic]:
    """bibtexparser skips ``\\{`` and ``\\}`` when it balances braces; BibTeX counts them. Where
    that changes where a value ends (``{A set \\{}}``: bibtexparser closes the entry there
    and drops the fields after it), the entry reads differently in the two: an error."""
    raw = entry.raw or ""
    if "\\{" not in raw and "\\}" not in raw:
        return []
    ours = bibtex = 0
    escape: int | None = None
    for match in _BRACES.finditer(raw):
        token = match.group()
        if len(token) == 2:
            bibtex += 1 if token[1] == "{" else -1
            escape = match.start() if escape is None else escape
            continue
        step = 1 if token == "{" else -1
        ours, bibtex = ours + step, bibtex + step
        if ours <= 1 and escape is not None:  # a value (or the entry) ends here for bibtexparser
            if bibtex != ours:
                line = (entry.start_line or 0) + 1 + raw.count("\n", 0, escape)
                return [error(path, line, f"entry '{entry.key}': {_ESCAPED_BRACES}")]
            escape = None
    return []


_ESCAPED_BRACES = (
    "BibTeX counts '\\{' and '\\}' as braces and graphbuild does not, so they end this entry in "
    "different places (fields may be lost); balance each '\\{' with a '\\}' in the same field"
)


def _study(entry, path: str, strings: dict[str, str | None], config: Config, diagnostics: list[Diagnostic]) -> Study:
    fields: dict[str, str] = {}
    as_written: dict[str, str] = {}
    spelled: dict[str, str] = {}
    line = entry.start_line + 1
    for item in entry.fields:
        name = item.key.lower()
        if name.startswith("%"):
            continue  # a field commented out with %, which BibTeX itself would skip
        if spelled.setdefault(name, item.key) != item.key:  # an exact repeat is bibtexparser's to report
            where = (item.start_line + 1) if item.start_line is not None else line
            diagnostics.append(error(path, where, f"entry '{entry.key}' repeats field(s) {name}"))
        raw = str(item.value)
        value, undefined, problem = resolve_value(raw, strings)
        field_line = (item.start_line + 1) if item.start_line is not None else line
        if problem:
            diagnostics.append(error(path, field_line, f"entry '{entry.key}': field '{name}' {problem}"))
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
    levels = config.design_levels
    if design:
        if design in levels:
            study.design, study.level = design, levels[design]
        else:
            design_line = next(((f.start_line or 0) + 1 for f in entry.fields if f.key.lower() == "design"), line)
            message = f"entry '{entry.key}': {config.unknown('design', design, 'levels')}"
            diagnostics.append(error(path, design_line, message))
    return study


def assign_slugs(bibliography: Bibliography) -> list[Diagnostic]:
    """Give every study its page name, in one pass. A study's page must not move because
    another entry was added (published study URLs are cited elsewhere): a slug belongs to
    the key that spells it (in any case), or else to the first such key in sort order; any
    other key that would share it is an error and, meanwhile, gets a name with a hash."""
    claimants: defaultdict[str, list[Study]] = defaultdict(list)
    for study in bibliography.studies.values():
        claimants[slugify(study.key)].append(study)
    taken = set(claimants)
    diagnostics = []
    for slug, studies in claimants.items():
        studies.sort(key=lambda s: (s.key.lower() != slug, s.key))
        owner, *others = studies
        owner.slug = slug
        for study in others:
            study.slug = _free_slug(slug, study.key, taken)
            taken.add(study.slug)
            diagnostics.append(
                error(
                    study.path,
                    study.line,
                    f"entry '{study.key}' would get the study page '{slug}' of entry '{owner.key}' "
                    f"(line {owner.line}); rename one of them (until then this entry's page is '{study.slug}')",
                )
            )
    return diagnostics


def _free_slug(slug: str, key: str, taken: set[str]) -> str:
    for length in (_DIGEST_LENGTH, 20, 40):
        candidate = _with_digest(slug, key, length)
        if candidate not in taken:
            return candidate
    n = 2
    while f"{candidate}-{n}" in taken:  # only keys made to match 40 hex digits of SHA-256 get here
        n += 1
    return f"{candidate}-{n}"


class BibliographyCache:
    """Parsed bibliographies by content hash, so an unchanged file is never parsed twice."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, tuple, Origin], tuple[Bibliography, list[Diagnostic]]] = {}
        self.parses = 0

    def load(self, file: Path, display_path: str, config: Config) -> tuple[Bibliography, list[Diagnostic]]:
        data = read_regular(file)
        if isinstance(data, str):
            target = f"a link to {file.resolve()}, " if file.is_symlink() else ""
            message = f"cannot be read: it is {target}{data}, not a plain file"
            return Bibliography(display_path), [error(display_path, 1, message)]
        digest = hashlib.sha256(data).hexdigest()
        key = (display_path, digest, tuple(sorted(config.design_levels.items())), config.origin)
        if key not in self._entries:
            encoding = _wide_encoding(data)
            if encoding:
                message = f"the file is encoded as {encoding}, not UTF-8: save it as UTF-8"
                self._entries = {key: (Bibliography(display_path), [error(display_path, 1, message)])}
                return self._entries[key]
            text, bad_lines = decode_utf8(data)
            bibliography, diagnostics = parse_bibliography(text, display_path, config)
            diagnostics = sorted(diagnostics + _encoding_diagnostics(display_path, bad_lines))
            self._entries = {key: (bibliography, diagnostics)}
            self.parses += 1
        return self._entries[key]


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32, by its byte-order mark or, without one, by the zero bytes that ASCII
    text has in every other (or three of four) positions: read as UTF-8, such a file holds
    no entry at all."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    head = data[:4096]

    def zeros(start: int, step: int) -> bool:
        column = head[start::step]
        return bool(column) and column.count(0) * 10 >= len(column) * 9

    if zeros(1, 4) and zeros(2, 4):
        return "UTF-32"
    if zeros(0, 2) or zeros(1, 2):
        return "UTF-16"
    return None


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
