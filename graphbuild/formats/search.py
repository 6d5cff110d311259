"""Search entries of their own for claims and studies, in the shape of MkDocs' search index.

A claim is found by its statement and leads to its card; a study by its authors, year and
title and leads to its page. The cards themselves stay out of their page's search text
(``data-search-exclude``), so that a search for "readmission" lists the claim, not the
boilerplate of every card around it. The index that MkDocs' and Material's search plugins
write is ``{"config": ..., "docs": [{"location", "title", "text"}, ...]}``, its titles and
texts HTML; every value here is escaped for that.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from graphbuild.model import routes
from graphbuild.model.evidence import certainty_words, join_words
from graphbuild.model.formatting import reference_parts, reference_text
from graphbuild.model.knowledge import KnowledgeBase
from graphbuild.model.vocabulary import STATUS, design_noun


def search_entries(kb: KnowledgeBase, url: Callable[[str], str]) -> Iterator[dict[str, Any]]:
    """One entry per claim, in the order editors read them, then one per cited study in key
    order, made one at a time. ``url`` gives a source's URL in the site (``outcomes.md`` ->
    ``outcomes/``; ``located`` makes it from the plan's URLs)."""
    for claim in kb.ordered_claims:
        yield claim_entry(kb, claim.id, url)
    for key in kb.cited:
        yield study_entry(kb, key, url)


def claim_entry(kb: KnowledgeBase, claim_id: str, url: Callable[[str], str]) -> dict[str, Any]:
    """Title: the key message (the summary, in its rating's hedged words; else the
    statement). Text, as the snippet under it shows: the direction and certainty in words,
    the claim as stated (where the title is its summary), what the evidence says, when it
    was searched, and the studies behind it. Tags: the claim's."""
    claim = kb.claims[claim_id]
    assessment, profile = kb.assessments[claim_id], kb.profiles[claim_id]
    verdict = f"{STATUS[profile.status].word}; {certainty_words(assessment)}."
    searched = f"Evidence searched: {assessment.searched}." if assessment.searched else ""
    studies = join_words([kb.label(e.key) for e in claim.evidence if e.key in kb.bibliography])
    stated = f"Claim: {claim.statement}" if claim.summary else ""
    parts = [verdict[:1].upper() + verdict[1:], stated, profile.direction, searched]
    parts.append(f"Studies: {studies}." if studies else "")
    title = claim.summary or claim.statement
    entry = _entry(f"{url(kb.claim_page[claim_id])}#{claim.id}", title, " ".join(p for p in parts if p))
    if claim.tags:  # the editors' topic words: Material's search weighs tags above titles
        entry["tags"] = [html.escape(tag, quote=False) for tag in claim.tags]
    return entry


def study_entry(kb: KnowledgeBase, key: str, url: Callable[[str], str]) -> dict[str, Any]:
    """Title: the study's author-year heading. Text: its reference in full (every author,
    the title, where it appeared) and its design."""
    study = kb.bibliography[key]
    design = design_noun(study.design, 1) if study.design else "unrated design"
    text = f"{reference_text(study, reference_parts(study))} {design[:1].upper()}{design[1:]}."
    return _entry(url(routes.study_src(study.slug)), kb.labels[key].heading, text)


def _entry(location: str, title: str, text: str) -> dict[str, Any]:
    return {"location": location, "title": html.escape(title, quote=False), "text": html.escape(text, quote=False)}


def add_to_index(index: str, entries: list[dict[str, Any]]) -> str:
    """The search index's JSON text with ``entries`` added after the pages' own. MkDocs'
    and Material's plugins both end it with the ``docs`` list, so the entries are spliced in
    there without reading the index; any other shape is read and written whole."""
    if not entries:
        return index
    added = json.dumps(entries, separators=(",", ":"))[1:-1]
    if index.endswith("]}") and '"docs":[' in index:
        return f"{index[:-2]}{',' if not index.endswith('[]}') else ''}{added}]}}"
    data: dict[str, Any] = json.loads(index)
    data["docs"] = list(data.get("docs", [])) + entries
    return json.dumps(data, separators=(",", ":"))


def located(urls: Mapping[str, str]) -> Callable[[str], str]:
    """A source's location as the search plugins give a page's (the home page at ``""``),
    from the site's URLs by source."""
    return lambda src: "" if urls[src] in ("", "./") else urls[src]


def add_entries_to_index(path: Path, kb: KnowledgeBase, urls: Mapping[str, str]) -> None:
    """Every claim's and cited study's own entry, added to the index MkDocs' or Material's
    search plugin wrote at ``path``."""
    add_to_index_file(path, search_entries(kb, located(urls)))


def add_to_index_file(path: Path, entries: Iterable[dict[str, Any]]) -> None:
    """``add_to_index`` on the file, in place: where the index ends with its ``docs`` list,
    the entries are written over its last two bytes one at a time, so that neither the
    index nor the entries are held whole (at 8,000 entries, that was the build's peak)."""
    with path.open("r+b") as file:
        head = file.read(65536)
        size = file.seek(0, os.SEEK_END)
        file.seek(max(size - 3, 0))
        tail = file.read()
        if b'"docs":[' not in head or not tail.endswith(b"]}"):
            file.seek(0)
            text = add_to_index(file.read().decode("utf-8"), list(entries))
            file.seek(0)
            file.truncate()
            file.write(text.encode("utf-8"))
            return
        file.seek(size - 2)
        file.truncate()
        first = tail == b"[]}"
        for entry in entries:
            file.write((b"" if first else b",") + json.dumps(entry, separators=(",", ":")).encode("utf-8"))
            first = False
        file.write(b"]}")


def add_to_zensical_index(index: str, entries: list[dict[str, Any]]) -> str:
    """Zensical's ``search.json`` with ``entries`` added after the pages' own, in its shape:
    ``{"config": ..., "items": [{"location", "level", "title", "text", "path", "tags"}]}``,
    where ``level`` is a heading's (1: the page) and ``path`` the titles that lead to the
    page in the navigation. A claim is an entry within its page, under that page's path; a
    study's page is a page of its own, out of the navigation."""
    if not entries:
        return index
    data: dict[str, Any] = json.loads(index)
    items: list[dict[str, Any]] = data.setdefault("items", [])
    paths = {item.get("location"): item.get("path") for item in items if item.get("level") == 1}
    for entry in entries:
        page, anchor, _ = entry["location"].partition("#")
        items.append(
            {
                "location": entry["location"],
                "level": 2 if anchor else 1,
                "title": entry["title"],
                "text": entry["text"],
                "path": paths.get(page) or [entry["title"]],
                "tags": entry.get("tags", []),
            }
        )
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
