"""What the site's pages say of a study: its reference in the site's style, its links, its
level, and how prose cites it (``[@mead2006]``), with a numeric style's reference lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphbuild.common.urls import doi_href, is_doi_link, safe_href
from graphbuild.formats.styles import BUILTIN_STYLES, CitationStyle, PageReferences, Reference, number_citations
from graphbuild.model.bibliography import Study
from graphbuild.model.citations import Citation
from graphbuild.model.knowledge import KnowledgeBase, SourcePage
from graphbuild.model.vocabulary import design_noun
from graphbuild.site.links import Links
from graphbuild.site.memo import Memo
from graphbuild.site.templates import Templates, inert

# The field of a ``.bib`` entry in which editors say what is uncertain about it (a title not
# confirmed, an identity assumed): shown once, beside the reference, on the study's page and
# in the bibliography, whatever the entry type. BibTeX styles print ``note`` in the
# reference; graphbuild keeps it out of the reference so that it is said once.
CAVEAT_FIELD = "note"


class StudyViews:
    """A study as every page shows it. What does not depend on the page is worked out once
    per study and kept (a memo: the same study gives the same parts, whatever was asked
    before): a landmark study appears thousands of times. ``memo``: parts kept from the
    builds before, for a study whose parsed entry (the same object: the bibliography is
    parsed again only when its file changed) and label are the same."""

    def __init__(
        self,
        kb: KnowledgeBase,
        templates: Templates,
        links: Links,
        style: CitationStyle,
        memo: Memo | None = None,
    ) -> None:
        self.kb = kb
        self.templates = templates
        self.links = links
        self.style = style
        # A reader may cite in another style than the site's: each built-in one but it.
        self.other_styles = [made() for name, made in BUILTIN_STYLES.items() if name != style.name]
        self.memo = memo
        self._parts: dict[str, dict[str, Any]] = {}

    def view(self, study: Study, current: str) -> dict[str, Any]:
        """What a page says of a study, with a link to its page from ``current``."""
        return {**self.parts(study), "href": self.links.study_href(current, study.key)}

    def parts(self, study: Study) -> dict[str, Any]:
        parts = self._parts.get(study.key)
        if parts is None and self.memo is not None:
            parts = self.memo.get(study.key, study, self.kb.label(study.key))
            if parts is not None:
                self._parts[study.key] = parts
        if parts is None:
            parts = self._parts[study.key] = self._fields(study)
            macros = self.templates.macros
            parts["reference_html"] = macros.reference(parts)
            parts["links_html"] = macros.links(parts)
            parts["badge_html"] = self.templates.badge(parts["level"], parts["design"])
            if not self.style.numeric:  # only a numbered list links a title from its parts
                del parts["segments"], parts["reference"]
            if self.memo is not None:
                self.memo.put(study.key, parts, study, parts["label"])
        return parts

    def _fields(self, study: Study) -> dict[str, Any]:
        """``segments``: the reference as the site's style writes it, less the DOI and URL
        (the page links them beside it); ``cite_text``: the whole of it, to copy."""
        reference = self.style.reference(study)
        shown = reference.without_links()
        url = "" if is_doi_link(study.url, study.doi) else study.url  # the DOI's address is not shown twice
        return {
            "key": study.key,
            "label": self.kb.label(study.key),
            "design": study.design,
            "design_name": design_noun(study.design, 1) if study.design else "unrated",
            "level": study.level,
            "reference": reference,
            "segments": shown.segments,
            "ref_text": shown.text,
            "cite_text": reference.text,
            "doi": study.doi,
            "doi_href": doi_href(study.doi),
            "url": url,
            "url_href": safe_href(url),
            "entry_type": study.entry_type,
            "caveat": study.text(CAVEAT_FIELD),
        }

    def in_other_styles(self, study: Study) -> list[dict[str, str]]:
        """The study's whole reference, link included, in each built-in style but the
        site's: what a reader whose journal asks for Vancouver (or APA) copies. Worked out
        for the study's own page only, so not kept."""
        return [
            {
                "name": style.name,
                "title": style.title,
                "short": style.title.split(" (")[0],
                "text": style.reference(study).text,
            }
            for style in self.other_styles
        ]

    def references(self, studies: Iterable[Study]) -> dict[str, Reference]:
        """The studies' references in the site's style, from the memo (a numeric style's
        page numbering asks for them)."""
        return {study.key: self.parts(study)["reference"] for study in studies}

    def citation(self, citation: Citation, current: str, numbering: PageReferences | None = None) -> str:
        """``(Mead & MacNeil, 2006, p. 4; Pitt et al., 2013)``, or in a numeric style ``(1, p.
        4; 3)`` with the page's ``numbering``, from the ``citation`` macro.

        The citation stays in the Markdown (a heading's table-of-contents entry must read
        it), so every value is encoded against Markdown as well as HTML."""
        items = []
        for cited in citation.keys:
            study = self.kb.bibliography.studies.get(cited.key)
            item = {
                "key": inert(cited.key),
                "prefix": inert(cited.prefix),
                "locator": inert(cited.locator),
                "found": study is not None,
                "number": None,
            }
            if study is not None:
                number = numbering.numbers.get(study.key) if numbering is not None else None
                item.update(
                    href=self.links.study_href(current, study.key),
                    label=inert(str(number) if number is not None else self.kb.label(study.key)),
                    ref=inert(self.parts(study)["ref_text"]),
                    number=number,
                )
            items.append(item)
        return str(self.templates.macros.citation(items)).strip()

    def numbering(self, page: SourcePage) -> PageReferences | None:
        """In a numeric style, the page's numbers, in order of first citation in its prose;
        in an author-year style, None."""
        if not self.style.numeric:
            return None
        keys = (cited.key for citation in page.citations for cited in citation.keys)
        return number_citations(keys, self.kb.bibliography.studies, self)

    def reference_list(self, numbering: PageReferences | None, current: str) -> str:
        """The numbered list that ends a page of a numeric style; nothing when it cites nothing."""
        if numbering is None or not numbering.entries:
            return ""
        entries = []
        for entry in numbering.entries:
            view = self.view(self.kb.bibliography[entry.key], current)
            titled = any(role == "title" for role, _ in view["segments"])
            linked = self.templates.macros.reference(view, view["href"]) if titled else ""
            entries.append({"number": entry.number, "study": view, "linked": linked})
        return self.templates.render("references.html", entries=entries)
