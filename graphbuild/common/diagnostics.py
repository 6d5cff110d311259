"""Problems in editors' input, returned as data rather than raised."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

# Line breaks and other controls, and the bidirectional overrides: a value echoed in a
# message must not start a line of its own (a forged "path:line:" or a CI "::error::"
# command) or reorder what the editor reads.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every control or direction character written as an escape, and a
    leading ``::`` (a GitHub Actions command, when a line starts with it) escaped too."""
    text = _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), text)
    return "\\:" + text[1:] if text.startswith("::") else text


def unprintable(text: str) -> bool:
    """Whether ``text`` holds a control or direction character."""
    return _UNPRINTABLE.search(text) is not None


class Severity(str, Enum):
    """An error fails every build; a warning fails a strict one; a note informs and fails
    nothing (a claim not yet rated, wording stronger than its rating)."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in the input, anchored to ``path:line`` (1-based) for the editor."""

    path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}: {self.severity.value}: {printable(self.message)}"


def error(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, Severity.ERROR, message)


def warning(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, Severity.WARNING, message)


def note(path: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(path, line, Severity.NOTE, message)


def diagnostic_record(diagnostic: Diagnostic) -> list[str | int]:
    """A diagnostic as JSON writes it: what a process working beside the build sends back."""
    return [diagnostic.path, diagnostic.line, diagnostic.severity.value, diagnostic.message]


def from_record(record: list[str | int]) -> Diagnostic:
    path, line, severity, message = record
    return Diagnostic(str(path), int(line), Severity(severity), str(message))


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def failing(diagnostics: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    """What fails a build: errors, and warnings too when it is strict; never notes."""
    stops = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return [d for d in diagnostics if d.severity in stops]


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when something known is close to ``value``, else ``""``."""
    known = list(known)
    folded = [k for k in known if k.lower() == value.lower()]
    close = folded or difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    return " (did you mean " + " or ".join(f"'{k}'" for k in close) + "?)" if close else ""
