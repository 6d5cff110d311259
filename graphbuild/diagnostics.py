"""Problems in editors' input, returned as data rather than raised."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# Line breaks and other controls, and the bidirectional overrides: a value echoed in a
# message must not start a line of its own (a forged "path:line:" or a CI "::error::"
# command) or reorder what the editor reads.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every control or direction character written as an escape."""
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


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


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
