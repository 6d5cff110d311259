"""How studies read: author-year labels, reference parts and the only links we allow."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from graphbuild.model.bibliography import Study
from graphbuild.model.names import Person


def author_label(people: list[Person]) -> str:
    """ "Mead & MacNeil", "Davidson et al.", "Department of Health"."""
    real = [p for p in people if not p.is_others]
    if not real:
        return ""
    if len(real) == 1 and len(people) == 1:
        return real[0].surname
    if len(real) == 2 and len(people) == 2:
        return f"{real[0].surname} & {real[1].surname}"
    return f"{real[0].surname} et al."


def study_author_label(study: Study) -> str:
    label = author_label(study.creators)
    if label:
        return label
    title = study.title
    return (title[:40] + "…") if len(title) > 40 else (title or study.key)


@dataclass(frozen=True)
class Label:
    """A study's author-year label, in its parts: the year carries its a, b, ... suffix."""

    author: str
    year: str

    @property
    def inline(self) -> str:
        """As a citation reads: "Mead & MacNeil, 2006"."""
        return f"{self.author}, {self.year}"

    @property
    def heading(self) -> str:
        """As the study's page is titled: "Mead & MacNeil (2006)"."""
        return f"{self.author} ({self.year})"


def citation_labels(studies: list[Study]) -> dict[str, Label]:
    """Author-year labels, with a, b, ... where two studies would read the same."""
    groups: dict[tuple[str, str], list[Study]] = defaultdict(list)
    for study in studies:
        groups[(study_author_label(study), study.year)].append(study)
    labels = {}
    for (author, year), members in groups.items():
        members.sort(key=lambda s: (s.title.lower(), s.key))
        for i, study in enumerate(members):
            labels[study.key] = Label(author, f"{year}{year_suffix(i) if len(members) > 1 else ''}")
    return labels


def year_suffix(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: letters for the ``index``-th study of one author and year,
    never running out (the 27th is ``aa``)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def person_in_list(person: Person) -> str:
    if person.is_others:
        return "et al."
    initials = " ".join(f"{part[0]}." for part in re.split(r"[\s.]+", person.given) if part and part[0].isalpha())
    return f"{person.surname} {initials}".strip() if initials else person.surname


def authors_in_list(people: list[Person]) -> str:
    names = [person_in_list(p) for p in people]
    if len(names) > 1 and names[-1] == "et al.":
        return ", ".join(names[:-1]) + " et al."
    return ", ".join(names)


def reference_parts(study: Study) -> dict[str, str]:
    """The pieces a reference template arranges; all plain text, escaped by the template."""
    return {"authors": authors_in_list(study.creators), **work_parts(study)}


def work_parts(study: Study) -> dict[str, str]:
    """``reference_parts`` but the author list, which each citation style writes its own way."""
    pages = study.text("pages")
    volume = study.text("volume")
    number = study.text("number")
    issue = f"{volume}({number})" if volume and number else volume
    return {
        "editors_only": "yes" if not study.authors and study.editors else "",
        "year": study.year,
        "title": study.title or study.key,
        "container": study.container,
        "issue": issue,
        "pages": pages,
        "publisher": study.publisher,
        "edition": study.text("edition"),
    }


def reference_text(study: Study, parts: dict[str, str] | None = None) -> str:
    """The full reference as one plain line, for tooltips and search (``parts``, if given,
    are this study's ``reference_parts``)."""
    p = parts or reference_parts(study)
    text = f"{p['authors']} ({p['year']}). {p['title']}"
    text += "" if p["title"][-1:] in ".?!" else "."
    if p["container"]:
        text += f" {p['container']}"
        if p["issue"]:
            text += f", {p['issue']}"
        if p["pages"]:
            text += f", {p['pages']}"
        text += "."
    if p["publisher"]:
        text += f" {p['publisher']}."
    return text.strip()
