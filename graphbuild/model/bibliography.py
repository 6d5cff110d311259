"""``references.bib`` as studies: parsed once per content, decoded only where displayed."""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import bibtexparser
from bibtexparser.model import Block, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock, String

from graphbuild.common.cachefiles import distrust
from graphbuild.common.diagnostics import Diagnostic, Severity, error, note, warning
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

    def pack(self) -> None:
        """Hold ``fields`` and ``as_written`` compressed until they are next read: a study no
        page cites is never shown, and a reference manager's export is mostly such entries
        (20,000 of 50,000, 90 MB of a build's memory as text)."""
        if "fields" in self.__dict__:
            packed = json.dumps([self.fields, self.as_written], ensure_ascii=False, separators=(",", ":"))
            self.__dict__["_packed"] = zlib.compress(packed.encode("utf-8", "surrogatepass"), 1)
            del self.__dict__["fields"], self.__dict__["as_written"]

    def __getattr__(self, name: str) -> Any:
        """``fields`` and ``as_written`` of a packed study, unpacked once asked for."""
        packed = self.__dict__.get("_packed") if name in ("fields", "as_written") else None
        if packed is None:
            raise AttributeError(name)
        fields, written = json.loads(zlib.decompress(packed).decode("utf-8", "surrogatepass"))
        del self.__dict__["_packed"]
        self.__dict__["fields"] = {sys.intern(k): v for k, v in fields.items()}
        self.__dict__["as_written"] = written
        return self.__dict__[name]

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


# A bibliography is parsed a piece of about this many bytes at a time: bibtexparser holds each
# entry several times over while it splits a text (its raw text, its fields, their values),
# so that a 15 MB export took 185 MB to parse whole; a piece at a time, a megabyte's worth.
PIECE_SIZE = 1 << 20
Text = TypeVar("Text", str, bytes)


def parse_bibliography(
    text: str, path: str, config: Config, piece: int = PIECE_SIZE
) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse BibTeX source; malformed blocks become diagnostics and parsing carries on.

    Read about ``piece`` characters at a time (``BibliographyParser``): the result is the
    same whatever their size."""
    parser = BibliographyParser(path, config)
    read_in_pieces(text, parser, lambda part, first: (part, []), piece)
    return parser.result()


Decoder = Callable[[Text, bool], tuple[str, list[int]]]


def read_in_pieces(data: Text, parser: BibliographyParser, decode: Decoder[Text], piece: int = PIECE_SIZE) -> None:
    """Give ``parser`` the text of ``data`` in pieces of whole lines, about ``piece`` long
    (``decode``: a piece's text and the lines in it, from 1, that did not decode; given
    whether it is the first piece). A piece ends where a line starts a block, and the first
    runs past the last text that could start an ``@string`` block, so that every macro is
    known before an entry is read, as when the text is parsed whole."""
    newline = "\n" if isinstance(data, str) else b"\n"
    boundary = newline + ("@" if isinstance(data, str) else b"@")  # type: ignore[operator]
    strings = [m.end() for m in re.finditer("(?i)@string" if isinstance(data, str) else rb"(?i)@string", data)]
    start, line = 0, 0
    end = max(strings, default=0)
    while start < len(data):
        found = data.find(boundary, max(end, start + piece))  # type: ignore[arg-type]
        end = len(data) if found < 0 else found + 1
        text, bad = decode(data[start:end], start == 0)
        read = parser.piece(text, line, end == len(data))
        if read == 0:  # an unfinished block on the piece's first line: the rest in one piece
            end = len(data)
            text, bad = decode(data[start:], start == 0)
            read = parser.piece(text, line, True)
        lines = text.count("\n") if read is None else read
        parser.not_utf8.extend(line + n for n in bad if read is None or n <= read)
        start = end if read is None else _line_start(data, start, read)
        line += lines


def _line_start(data: Text, start: int, lines: int) -> int:
    """Where the line ``lines`` lines after ``start`` begins."""
    newline = "\n" if isinstance(data, str) else b"\n"
    position = start
    for _ in range(lines):
        position = data.index(newline, position) + 1  # type: ignore[arg-type]
    return position


class BibliographyParser:
    """A bibliography parsed a piece at a time, as if it were parsed whole.

    bibtexparser splits a whole text; each piece here is a run of whole lines, and is split
    as the whole would be wherever bibtexparser is outside every block at the piece's end.
    Where a piece ends inside a block, its blocks up to that one are kept and the next piece
    starts on that block's line (or, where the block before ends on that line, the rest is
    read in one piece). The rest is what bibtexparser does across a whole text: a key
    defined in an earlier piece is a duplicate here, and lines count from the top."""

    def __init__(self, path: str, config: Config) -> None:
        self.path = path
        self.config = config
        self.diagnostics: list[Diagnostic] = []
        self.strings: dict[str, str | None] = {}
        self.not_utf8: list[int] = []  # lines with bytes that were not UTF-8
        self.bibliography = Bibliography(path)
        self._folded: dict[str, Study] = {}
        self._first: dict[tuple[type, str], int] = {}  # bibtexparser's duplicate check: (kind, key) -> line

    def piece(self, text: str, offset: int, final: bool = True) -> int | None:
        """Read ``text``, which starts on line ``offset`` (from 0) of the file. None when it
        was read whole; else, where it ends inside a block and more text follows, how many
        of its lines were read: the next piece starts there."""
        with _captured_parser_log() as log:
            blocks = bibtexparser.parse_string(text, parse_stack=[]).blocks
        read: int | None = None
        if not final and blocks and type(blocks[-1]) is ParsingFailedBlock:
            unfinished = blocks.pop()
            read = unfinished.start_line or 0
            before = blocks[-1] if blocks else None
            if before is not None and (before.start_line or 0) + (before.raw or "").count("\n") >= read:
                read = 0  # the block before ends on its line: no line starts between them
            if read == 0:
                return 0
        details: dict[int, tuple[str, int | None]] = {}
        for message in log:
            match = _ERROR_LINE.search(message)
            if match:  # lines in the piece, from 0: where a block began, where the parser gave up
                aborted = int(match.group(2)) + offset + 1 if match.group(2) else None
                details[int(match.group(1))] = (" ".join(match.group(3).split()), aborted)
        entries = self._blocks(blocks, details, offset)
        del blocks
        entries.sort(key=lambda e: e.start_line or 0)
        for entry in entries:
            self.diagnostics.extend(_escaped_brace_diagnostics(entry, self.path, offset))
        for entry in entries:
            self._entry(entry, offset)
        return read

    def _blocks(self, blocks: list[Block], details: dict[int, tuple[str, int | None]], offset: int) -> list[Entry]:
        """The entries to read; strings read, failed blocks reported."""
        path, diagnostics = self.path, self.diagnostics
        entries: list[Entry] = []
        for block in blocks:
            line = (block.start_line or 0) + offset + 1
            if isinstance(block, DuplicateBlockKeyBlock):
                first = self._first.get((type(block.ignore_error_block), block.key))
                diagnostics.append(error(path, line, f"duplicate key '{block.key}' (first defined at line {first})"))
            elif isinstance(block, DuplicateFieldKeyBlock):
                entry = block.ignore_error_block
                assert isinstance(entry, Entry)
                repeated = sorted(k for k in block.duplicate_keys if not k.startswith("%"))
                if repeated:  # fields commented out with % are skipped, as BibTeX skips them
                    diagnostics.append(error(path, line, f"entry '{entry.key}' repeats field(s) {', '.join(repeated)}"))
                entries.append(entry)
            elif isinstance(block, ParsingFailedBlock):
                reason, aborted = details.get(
                    block.start_line or 0, (str(block.error) or "cannot parse this entry", None)
                )
                diagnostics.append(error(path, line, _malformed(block.raw or "", line, reason, aborted)))
            elif isinstance(block, (Entry, String)):
                first = self._first.setdefault((type(block), block.key), line)
                if first != line:  # first defined in an earlier piece
                    message = f"duplicate key '{block.key}' (first defined at line {first})"
                    diagnostics.append(error(path, line, message))
                elif isinstance(block, Entry):
                    entries.append(block)
                else:
                    self._string(block, line)
        return entries

    def _string(self, string: String, line: int) -> None:
        value, _, problem = resolve_value(str(string.value), self.strings)
        if problem:
            self.diagnostics.append(error(self.path, line, f"@string '{string.key}' {problem}"))
        self.strings[string.key.lower()] = None if problem.startswith("is longer") else value

    def _entry(self, entry: Entry, offset: int) -> None:
        path = self.path
        if not entry.key.strip():
            line = (entry.start_line or 0) + offset + 1
            self.diagnostics.append(error(path, line, "entry without a key: it cannot be cited"))
            return
        study = _study(entry, path, self.strings, self.config, self.diagnostics, offset)
        twin = self._folded.get(study.key.lower())
        if twin is not None:
            self.diagnostics.append(
                error(
                    path,
                    study.line,
                    f"duplicate key '{study.key}' (differs only in case from '{twin.key}' at line {twin.line})",
                )
            )
            return
        self._folded[study.key.lower()] = study
        self.bibliography.studies[study.key] = study

    def result(self) -> tuple[Bibliography, list[Diagnostic]]:
        """The bibliography, and every problem in it, once every piece is read."""
        self.diagnostics.extend(assign_slugs(self.bibliography))
        self.diagnostics.extend(_encoding_diagnostics(self.path, self.not_utf8))
        return self.bibliography, sorted(self.diagnostics)


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


def _escaped_brace_diagnostics(entry: Entry, path: str, offset: int = 0) -> list[Diagnostic]:
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
                line = (entry.start_line or 0) + offset + 1 + raw.count("\n", 0, escape)
                return [error(path, line, f"entry '{entry.key}': {_ESCAPED_BRACES}")]
            escape = None
    return []


_ESCAPED_BRACES = (
    "BibTeX counts '\\{' and '\\}' as braces and graphbuild does not, so they end this entry in "
    "different places (fields may be lost); balance each '\\{' with a '\\}' in the same field"
)


def _study(
    entry: Entry,
    path: str,
    strings: dict[str, str | None],
    config: Config,
    diagnostics: list[Diagnostic],
    offset: int = 0,
) -> Study:
    fields: dict[str, str] = {}
    as_written: dict[str, str] = {}
    spelled: dict[str, str] = {}
    line = (entry.start_line or 0) + offset + 1
    for item in entry.fields:
        name = sys.intern(item.key.lower())  # one string for each field's name, not one per entry
        if name.startswith("%"):
            continue  # a field commented out with %, which BibTeX itself would skip
        if spelled.setdefault(name, item.key) != item.key:  # an exact repeat is bibtexparser's to report
            where = (item.start_line + offset + 1) if item.start_line is not None else line
            diagnostics.append(error(path, where, f"entry '{entry.key}' repeats field(s) {name}"))
        raw = str(item.value)
        value, undefined, problem = resolve_value(raw, strings)
        field_line = (item.start_line + offset + 1) if item.start_line is not None else line
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
            design_line = next(
                ((f.start_line or 0) + offset + 1 for f in entry.fields if f.key.lower() == "design"), line
            )
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
    """Parsed bibliographies by content hash, so an unchanged file is never parsed twice:
    in memory for the life of the object (``mkdocs serve`` keeps it across rebuilds) and,
    given a ``store`` to ``load``, in a file there (``BibliographyStore``) for the next
    process: a CI build with that folder kept warm parses nothing."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, tuple, Origin], tuple[Bibliography, list[Diagnostic]]] = {}
        self.parses = 0
        self.stored = 0  # bibliographies read from a store instead of parsed

    def load(
        self, file: Path, display_path: str, config: Config, store: BibliographyStore | None = None
    ) -> tuple[Bibliography, list[Diagnostic]]:
        """The bibliography in ``file`` and its problems; with a note of the store's, if its
        file could not be used."""
        data = read_regular(file)
        if isinstance(data, str):
            target = f"a link to {file.resolve()}, " if file.is_symlink() else ""
            message = f"cannot be read: it is {target}{data}, not a plain file"
            return Bibliography(display_path), [error(display_path, 1, message)]
        digest = hashlib.sha256(data).hexdigest()
        levels = tuple(sorted(config.design_levels.items()))
        key = (display_path, digest, levels, config.origin)
        notes: list[Diagnostic] = []
        if key not in self._entries:
            found = None
            if store is not None:
                found, notes = store.read(store_key(display_path, digest, levels, config.origin), display_path)
                self.stored += found is not None
            if found is None:
                found = parse_bibliography_bytes(data, display_path, config)
                self.parses += 1
                if store is not None:
                    notes += store.write(store_key(display_path, digest, levels, config.origin), *found)
            del data
            self._entries = {key: found}
        bibliography, diagnostics = self._entries[key]
        return bibliography, diagnostics + notes


def store_key(display_path: str, digest: str, levels: tuple, origin: Origin) -> str:
    """What a stored parse must have been made from: the file's bytes (by their hash), its
    name in messages, the design levels, where the site's options are written (messages
    name it) and the parser's code."""
    where = [origin.path, origin.plugin_line, [list(line) for line in origin.lines]]
    text = json.dumps([_parser_version(), display_path, digest, [list(level) for level in levels], where])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=1)
def _parser_version() -> str:
    """This module's code, the LaTeX tables it reads and bibtexparser's version: a change to
    any may change what a file parses to."""
    digest = hashlib.sha256(metadata.version("bibtexparser").encode())
    here = Path(__file__).parent
    for name in ("bibliography.py", "latex.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class BibliographyStore:
    """A parsed bibliography kept in a JSON file (never pickle) between processes, under the
    cache rules (``graphbuild.common.cachefiles``): read only when its key, recomputed from
    the hash of the ``.bib`` it was made from, matches, and when it is no link and not
    tracked by git; one that does not read is made again, with a note. One study a line,
    so that reading it holds one line at a time besides the studies."""

    FORMAT = 1

    def __init__(self, path: Path, root: Path, shown: str) -> None:
        """``path``: the file; ``root``: the site's folder (for git); ``shown``: the path
        notes name."""
        self.path = path
        self.root = root
        self.shown = shown

    def read(
        self, key: str, display_path: str
    ) -> tuple[tuple[Bibliography, list[Diagnostic]] | None, list[Diagnostic]]:
        """The stored parse for ``key``, or None (and why not, where a reader should know)."""
        refused = distrust(self.path, self.root)
        if refused:
            return None, [note(self.shown, 1, f"{refused}: the bibliography is parsed")]
        try:
            with self.path.open(encoding="utf-8") as lines:
                head = json.loads(next(lines))
                if not isinstance(head, dict) or head.get("format") != self.FORMAT or head.get("key") != key:
                    return None, []  # another file's, or another version's: made again, as for a first build
                bibliography = Bibliography(display_path)
                for line in lines:
                    study = _stored_study(json.loads(line), display_path)
                    bibliography.studies[study.key] = study
                diagnostics = [_stored_diagnostic(d, display_path) for d in head["diagnostics"]]
                if len(bibliography) != head["studies"]:
                    raise ValueError("cut short")
        except FileNotFoundError:
            return None, []
        except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
            reason = f"{self.shown} could not be read ({type(exc).__name__}); the bibliography is parsed"
            return None, [note(self.shown, 1, reason)]
        return (bibliography, diagnostics), []

    def write(self, key: str, bibliography: Bibliography, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Keep this parse; a note when it cannot be kept (the build goes on)."""
        if self.path.is_symlink():
            return []  # refused on reading; never written through
        head = {
            "format": self.FORMAT,
            "key": key,
            "studies": len(bibliography),
            "diagnostics": [[d.line, d.severity.value, d.message] for d in diagnostics],
        }
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".bibliography-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8", errors="surrogatepass") as out:
                out.write(_line(head))
                for study in bibliography.studies.values():
                    out.write(
                        _line(
                            [study.key, study.entry_type, study.fields, study.as_written, study.line]
                            + [study.design, study.level, study.slug]
                        )
                    )
            os.replace(temporary, self.path)
        except OSError as exc:
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
            return [note(self.shown, 1, f"not written ({exc.strerror}); the next build parses the bibliography again")]
        return []


def _line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _strings(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise TypeError("not a mapping of text")
    return {sys.intern(k): v for k, v in value.items()}


def _stored_study(item: object, path: str) -> Study:
    """A study as ``BibliographyStore.write`` wrote it, checked value by value."""
    if not isinstance(item, list) or len(item) != 8:
        raise TypeError("not a study")
    key, entry_type, fields, as_written, line, design, level, slug = item
    if not (isinstance(key, str) and isinstance(entry_type, str) and isinstance(slug, str) and key and slug):
        raise TypeError("not a study")
    if not (isinstance(line, int) and line >= 1) or not (design is None or isinstance(design, str)):
        raise TypeError("not a study")
    if not (level is None or (isinstance(level, int) and not isinstance(level, bool))):
        raise TypeError("not a study")
    return Study(key, entry_type, _strings(fields), path, line, design, level, slug, _strings(as_written))


def _stored_diagnostic(item: object, path: str) -> Diagnostic:
    if not isinstance(item, list) or len(item) != 3:
        raise TypeError("not a diagnostic")
    line, severity, message = item
    if not (isinstance(line, int) and line >= 1 and isinstance(message, str)):
        raise TypeError("not a diagnostic")
    return Diagnostic(path, line, Severity(severity), message)


def parse_bibliography_bytes(
    data: bytes, path: str, config: Config, piece: int = PIECE_SIZE
) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse a ``.bib`` file's bytes, decoded a piece at a time: UTF-8 (a BOM dropped), each
    line with bytes that are not UTF-8 a warning; a UTF-16 or UTF-32 file an error."""
    encoding = _wide_encoding(data)
    if encoding:
        return Bibliography(path), [error(path, 1, f"the file is encoded as {encoding}, not UTF-8: save it as UTF-8")]
    parser = BibliographyParser(path, config)
    read_in_pieces(data, parser, decode_utf8, piece)
    return parser.result()


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


def decode_utf8(data: bytes, first: bool = True) -> tuple[str, list[int]]:
    """The text (a BOM dropped from the ``first`` piece of a file, bad bytes as U+FFFD) and
    the lines, from 1, that were not UTF-8."""
    bad: list[int] = []

    def note(exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        bad.append(exc.start)
        return "\ufffd", exc.end

    codecs.register_error("graphbuild-note", note)
    text = data.decode("utf-8-sig" if first else "utf-8", errors="graphbuild-note")
    offset = 3 if first and data.startswith(codecs.BOM_UTF8) else 0
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
