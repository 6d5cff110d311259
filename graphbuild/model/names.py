"""BibTeX name lists split into people, following BibTeX's own rules.

Done before any LaTeX decoding: braces protect corporate authors such as
``{World Health Organization}``, which must stay one family name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graphbuild.model.latex import decode


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


def split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` (a word, case-insensitive) outside braces."""
    return [part.strip() for part in _split_at_depth_zero(text, _separator_pattern(separator))]


def split_outside_braces(text: str, breaks: str) -> list[str]:
    """Split at every character of the regular-expression class ``breaks`` outside braces."""
    return _split_at_depth_zero(text, _break_pattern(breaks))


@lru_cache(maxsize=16)
def _separator_pattern(separator: str) -> re.Pattern[str]:
    return re.compile(rf"[{{}}]|(?i:(?:(?<=\s)|^){re.escape(separator)}(?=\s|$))")


@lru_cache(maxsize=16)
def _break_pattern(breaks: str) -> re.Pattern[str]:
    return re.compile(rf"[{{}}]|{breaks}")


def _split_at_depth_zero(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Cut ``text`` at each match of ``pattern`` that is not a brace and not inside braces;
    the regular expression finds the candidates, so plain stretches cost nothing here."""
    parts: list[str] = []
    depth = 0
    start = 0
    for match in pattern.finditer(text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _words(text: str) -> list[str]:
    return [w for w in split_outside_braces(text, r"[\s~]") if w]


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
    return [part.strip() for part in split_outside_braces(text, ",")]


def parse_names(field: str) -> list[Person]:
    """``"Mead, Shery and {World Health Organization} and others"`` → three people."""
    people = []
    for chunk in split_top_level(" ".join(field.split()), "and"):
        if not chunk:
            continue
        people.append(OTHERS if chunk.lower() == "others" else parse_person(chunk))
    return people
