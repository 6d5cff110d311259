"""BibTeX name lists split into people, following BibTeX's own rules.

Done before any LaTeX decoding: braces protect corporate authors such as
``{World Health Organization}``, which must stay one family name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .latex import decode


@dataclass(frozen=True)
class Person:
    family: str
    given: str = ""
    von: str = ""
    suffix: str = ""
    is_others: bool = False

    @property
    def surname(self) -> str:
        """What an author-year citation shows: "MacNeil", "van Gogh"."""
        return f"{self.von} {self.family}".strip()

    @property
    def display(self) -> str:
        """Reference-list form: "Mead, S." style is left to the formatter; this is full."""
        parts = [self.surname]
        if self.suffix:
            parts.append(self.suffix)
        if self.given:
            parts.append(self.given)
        return ", ".join(parts)


OTHERS = Person(family="others", is_others=True)
_WORD_BREAKS = re.compile(r"[\s~]+")


def split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` (a word, case-insensitive) outside braces."""
    if "{" not in text and "}" not in text:  # most names: no braces, so a regular expression will do
        pattern = rf"(?i)(?:(?<=\s)|^){re.escape(separator)}(?=\s|$)"
        return [p.strip() for p in re.split(pattern, text)]
    return split_top_level_scan(text, separator)


def split_top_level_scan(text: str, separator: str) -> list[str]:
    """``split_top_level`` character by character, minding braces."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(separator)
    while i < len(text):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif (
            depth == 0
            and text[i : i + n].lower() == separator  # not text.lower(): "İ" lowers to two characters
            and (i == 0 or text[i - 1].isspace())
            and (i + n >= len(text) or text[i + n].isspace())
        ):
            parts.append(text[start:i])
            start = i + n
            i += n
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def split_outside_braces(text: str, is_break: Callable[[str], bool]) -> list[str]:
    """Split at every character ``is_break`` accepts that is not inside braces."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and is_break(char):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _words(text: str) -> list[str]:
    if "{" not in text and "}" not in text:
        return [w for w in _WORD_BREAKS.split(text) if w]
    return [w for w in split_outside_braces(text, lambda c: c.isspace() or c == "~") if w]


def _is_von(word: str) -> bool:
    """BibTeX's test: a word starting (outside braces) with a lower-case letter."""
    for char in word:
        if char.isalpha():
            return char.islower()
        if char == "{":
            return False
    return False


def parse_person(text: str) -> Person:
    pieces = _split_commas(text)
    if len(pieces) == 1:
        words = _words(pieces[0])
        if not words:
            return Person(family="")
        if len(words) == 1:
            return Person(family=decode(words[0]))
        first_von = next((i for i, w in enumerate(words[:-1]) if _is_von(w)), None)
        if first_von is None:
            return Person(family=decode(words[-1]), given=decode(" ".join(words[:-1])))
        last_von = max(i for i, w in enumerate(words[:-1]) if _is_von(w))
        return Person(
            family=decode(" ".join(words[last_von + 1 :])),
            von=decode(" ".join(words[first_von : last_von + 1])),
            given=decode(" ".join(words[:first_von])),
        )
    words = _words(pieces[0])
    von_words = [w for w in words[:-1] if _is_von(w)]
    cut = max((i for i, w in enumerate(words[:-1]) if _is_von(w)), default=-1)
    family = " ".join(words[cut + 1 :]) if words else ""
    if len(pieces) == 2:
        return Person(family=decode(family), von=decode(" ".join(von_words)), given=decode(pieces[1]))
    return Person(
        family=decode(family),
        von=decode(" ".join(von_words)),
        suffix=decode(pieces[1]),
        given=decode(", ".join(pieces[2:])),
    )


def _split_commas(text: str) -> list[str]:
    if "{" not in text and "}" not in text:
        return [part.strip() for part in text.split(",")]
    return [part.strip() for part in split_outside_braces(text, lambda c: c == ",")]


def parse_names(field: str) -> list[Person]:
    """``"Mead, Shery and {World Health Organization} and others"`` → three people."""
    people = []
    for chunk in split_top_level(" ".join(field.split()), "and"):
        if not chunk:
            continue
        people.append(OTHERS if chunk.lower() == "others" else parse_person(chunk))
    return people
