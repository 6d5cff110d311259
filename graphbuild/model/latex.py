"""LaTeX to Unicode for the text a reader sees.

Decoding every field of a large bibliography is slow (about 23 s for 2,800 entries with
bibtexparser's middleware), so only displayed strings are decoded, lazily, and plain
strings take a fast path that never touches the LaTeX codec.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

_FONT_COMMANDS = re.compile(
    r"\\(?:textit|textbf|textsc|textrm|textsf|texttt|emph|mkbibquote|mbox|textup|textmd|"
    r"textnormal|url|href\{[^{}]*\}|enquote|mathrm|mathit|mathbf|ch|ce|si|SI|num)\s*\{"
)
# Escaped characters are parked in the private-use area while the codec runs (it would read
# a bare % as a comment), then restored.
_ESCAPES = {
    r"\&": "\ue000",
    r"\%": "\ue001",
    r"\$": "\ue002",
    r"\_": "\ue003",
    r"\#": "\ue004",
    r"\{": "\ue005",
    r"\}": "\ue006",
}
_RESTORE = str.maketrans(
    {"\ue000": "&", "\ue001": "%", "\ue002": "$", "\ue003": "_", "\ue004": "#", "\ue005": "{", "\ue006": "}"}
)
# Control characters (tab and line breaks apart) and non-characters: never meant as text,
# usually from a file saved in another encoding. Removed from .bib fields and claims, with a warning.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def decode(text: str) -> str:
    """Return ``text`` as readable Unicode: accents, dashes, escapes, no protective braces."""
    if "\\" not in text and "$" not in text:
        return _tidy(text.replace("---", "\u2014").replace("--", "\u2013").replace("~", "\u00a0"))
    text = _FONT_COMMANDS.sub("{", text)
    for escape, char in _ESCAPES.items():
        text = text.replace(escape, char)
    text = text.replace("%", "\ue001")  # a bare % in a field value is text, not a comment
    try:
        text = codecs.decode(text, "ulatex")  # type: ignore[call-overload]
    except Exception:  # latexcodec rejects some malformed input; keep the raw text then
        pass
    text = _UNKNOWN_COMMAND.sub("", text).replace("$", "")
    return _tidy(text)


def _tidy(text: str) -> str:
    text = text.replace("{", "").replace("}", "").translate(_RESTORE)
    return _SPACES.sub(" ", text).strip()
