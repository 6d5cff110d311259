"""A site's own ``.csl`` style, through citeproc-py, with its results cached on disk.

citeproc-py takes some milliseconds a study (about a minute for 10,000), far more than a
build can spend on every run. Each study is formatted on its own, so its reference depends
only on the style and the study: the cache key is a hash of the ``.csl`` file (with the
processor's version and the locale) and of the study's CSL-JSON. A warm build reads one JSON
file per style. Formatting each study alone gives up what needs the whole list (``2006a``
year suffixes, a shared sort): graphbuild's own labels already tell such studies apart.

Inline citations keep graphbuild's labels (author-year, or the page's numbers when the style's
category is numeric), within the brackets and delimiter of the style's ``<citation>`` layout.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from graphbuild.formats.records import csl_item
from graphbuild.formats.styles import AUTHOR_YEAR, NUMERIC, ApaStyle, InlineForm, Reference
from graphbuild.model.bibliography import Study
from graphbuild.model.config import ConfigError

CSL_NS = "{http://purl.org/net/xbiblio/csl}"
CACHE_FORMAT = 1
# A reference is a sentence or two; a style whose macros fan out made 10 MB of one. Longer than
# this, the processor's result is not used (the entry reads in the house style, with a warning).
MAX_REFERENCE = 4_000
MAX_EXPANDED = 20_000  # elements of the bibliography's layout with every macro call expanded


class CslStyle:
    """References in a CSL style. Call ``save()`` once the build has formatted what it needs:
    the cache file then holds exactly this build's references. ``failures`` lists the studies
    (key, error) the processor could not format; they read in the default style meanwhile,
    and are tried again on the next build."""

    def __init__(self, path: Path, cache_dir: Path | None = None) -> None:
        from citeproc import CitationStylesStyle

        self.path = path
        self.name = path.stem
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"option 'citation_style': cannot read {path}: {exc.strerror}") from None
        try:
            self._style = CitationStylesStyle(str(path), validate=False)
        except Exception as exc:  # lxml's and citeproc-py's errors alike: the file is no style
            raise ConfigError(f"option 'citation_style': {path} is not a CSL style ({exc})") from None
        root = self._style.xml.getroot()
        if root.find(f"{CSL_NS}info/{CSL_NS}link[@rel='independent-parent']") is not None:
            raise ConfigError(
                f"option 'citation_style': {path} is a dependent style; use the style it names as independent-parent"
            )
        if root.find(f"{CSL_NS}bibliography") is None:
            raise ConfigError(f"option 'citation_style': {path} has no <bibliography> to format references with")
        if _expanded_size(root) > MAX_EXPANDED:
            raise ConfigError(
                f"option 'citation_style': {path}'s macros expand to more than {MAX_EXPANDED:,} elements for one "
                "reference (macros that call each other many times over); no style needs that many"
            )
        category = root.find(f"{CSL_NS}info/{CSL_NS}category[@citation-format]")
        self.numeric = category is not None and category.get("citation-format") == "numeric"
        self.inline = _inline_form(root, self.numeric)
        if self.numeric:
            _drop_citation_numbers(root)  # the page's list numbers its entries itself
        self._digest = _digest(data, root.get("default-locale", "en-US"))
        self.cache_file = cache_dir / f"csl-{self._digest[:32]}.json" if cache_dir else None
        self.distrusted: str | None = None  # why the cache file must not be read (set by its opener)
        self.notes: list[str] = []
        self._stored: dict[str, str] | None = None
        self._used: dict[str, str] = {}
        self.hits = 0
        self.misses = 0
        self.failures: list[tuple[str, str]] = []

    def reference(self, study: Study) -> Reference:
        return self.references([study])[study.key]

    def references(self, studies: Iterable[Study]) -> dict[str, Reference]:
        result: dict[str, Reference] = {}
        for study in studies:
            item = csl_item(study)
            key = _item_key(item)
            text = self._used.get(key)
            if text is None:
                text = self._cached().get(key)
                if text is None:
                    self.misses += 1
                    text = self._format(item)
                else:
                    self.hits += 1
                if text is None:  # the processor failed: the house style stands in, uncached
                    result[study.key] = ApaStyle().reference(study)
                    continue
                self._used[key] = text
            result[study.key] = _segments(text, item)
        return result

    def _format(self, item: dict[str, Any]) -> str | None:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        try:
            bibliography = CitationStylesBibliography(self._style, CiteProcJSON([item]), formatter.plain)
            bibliography.register(Citation([CitationItem(str(item["id"]).lower())]))
            text = " ".join("".join(str(entry) for entry in bibliography.bibliography()).split())
        except Exception as exc:  # a processor bug on one entry must not stop the build
            self.failures.append((item["id"], f"{type(exc).__name__}: {exc}"))
            return None
        if len(text) > MAX_REFERENCE:
            self.failures.append((item["id"], f"its reference is {len(text):,} characters, over {MAX_REFERENCE:,}"))
            return None
        return text

    def _cached(self) -> dict[str, str]:
        if self._stored is None:
            self._stored = self._read_cache()
        return self._stored

    def _read_cache(self) -> dict[str, str]:
        """The cache file's references, unless it must not be read (a link, a file git
        tracks) or does not parse: then none, with a note, and it is made again."""
        if self.cache_file is None:
            return {}
        if self.distrusted:
            self.notes.append(f"citation cache not read: {self.distrusted}")
            return {}
        if not self.cache_file.is_file():
            return {}
        try:
            stored = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stored = None
        entries = (
            stored.get("references") if isinstance(stored, dict) and stored.get("format") == CACHE_FORMAT else None
        )
        if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
            self.notes.append(f"citation cache not read: {self.cache_file.name} does not parse; it is made again")
            return {}
        return entries

    def save(self) -> None:
        """Write the references this build used, if any changed (atomically: a build that is
        stopped halfway leaves the old cache, not half a file)."""
        if self.cache_file is None or not self._used or self._used == self._cached():
            return
        if self.cache_file.is_symlink():
            self.cache_file.unlink()  # replaced by a file, never written through
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": CACHE_FORMAT, "style": str(self.path), "references": dict(sorted(self._used.items()))}
        handle, temporary = tempfile.mkstemp(dir=self.cache_file.parent, prefix=".csl-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, separators=(",", ":"))
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the cache from a CI cache step run as another user
            os.replace(temporary, self.cache_file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._stored = dict(self._used)


DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi: ", "doi:")


def _segments(text: str, item: dict[str, Any]) -> Reference:
    """The processor's plain text, with the DOI and URL it wrote marked as links, so that a
    page showing its links beside the reference can leave them out, and the title where it
    is written as in the entry (any case), so that a page may link it. (Plain string search:
    a regular expression per study would be compiled per study.)"""
    lower = text.lower()
    found = []
    links = (("doi", item.get("DOI", ""), DOI_PREFIXES), ("url", item.get("URL", ""), ()))
    for role, value, prefixes in (*links, ("title", item.get("title", ""), ())):
        at = lower.find(str(value).lower()) if value else -1
        if at >= 0:
            before = next((p for p in prefixes if lower.endswith(p, 0, at)), "")
            found.append((at - len(before), at + len(value), role))
    segments: list[tuple[str, str]] = []
    position = 0
    for start, end, role in sorted(found):
        if start < position:
            continue
        segments += [("", text[position:start]), (role, text[start:end])]
        position = end
    segments.append(("", text[position:]))
    return Reference(tuple(segment for segment in segments if segment[1]))


def _digest(style: bytes, locale: str) -> str:
    from citeproc import __version__ as citeproc_version

    return hashlib.sha256(style + f"\0{citeproc_version}\0{locale}\0{CACHE_FORMAT}".encode()).hexdigest()


def _item_key(item: dict[str, Any]) -> str:
    """The study's CSL-JSON, less its key (two identical entries share one reference)."""
    facts = {name: value for name, value in item.items() if name != "id"}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _inline_form(root: Any, numeric: bool) -> InlineForm:
    """The brackets and delimiter of the style's citation layout; graphbuild's otherwise."""
    layout = root.find(f"{CSL_NS}citation/{CSL_NS}layout")
    base = NUMERIC if numeric else AUTHOR_YEAR
    if layout is None:
        return base
    delimiter = layout.get("delimiter", base.separator)
    return InlineForm(
        open=layout.get("prefix", ""),
        close=layout.get("suffix", ""),
        separator=delimiter,
        locator_separator=base.locator_separator,
        separator_with_locators=base.separator_with_locators if delimiter.strip() == "," else delimiter,
        numeric=numeric,
    )


def _expanded_size(root: Any) -> int:
    """How many elements formatting one reference walks, every macro call expanded (a macro
    counted once, however often called, then multiplied): a style of 2.4 kB whose macros
    each call the next twice reaches millions. A macro that calls itself counts as too many."""
    macros = {macro.get("name"): macro for macro in root.findall(f"{CSL_NS}macro")}
    sizes: dict[str, int] = {}

    def size(node: Any, calling: frozenset[str]) -> int:
        total = 1 + sum(size(child, calling) for child in node if isinstance(child.tag, str))
        name = node.get("macro")
        if name in macros:
            if name in calling:
                return MAX_EXPANDED + 1
            if name not in sizes:
                sizes[name] = size(macros[name], calling | {name})
            total += sizes[name]
        return min(total, MAX_EXPANDED + 1)

    layout = root.find(f"{CSL_NS}bibliography/{CSL_NS}layout")
    return 0 if layout is None else size(layout, frozenset())


def _drop_citation_numbers(root: Any) -> None:
    for text in root.findall(f"{CSL_NS}bibliography//{CSL_NS}text[@variable='citation-number']"):
        text.getparent().remove(text)
