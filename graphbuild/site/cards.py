"""What the site's pages say of a claim, and the claim card that stands where an editor wrote
the claim: its key message, direction, certainty with reasons, studies and local graph."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from graphbuild.formats.graph import claim_node
from graphbuild.formats.linkeddata import claim_jsonld, jsonld_script
from graphbuild.formats.linkeddata import document as jsonld_document
from graphbuild.model import routes
from graphbuild.model.certainty import link_design
from graphbuild.model.claims import Claim
from graphbuild.model.evidence import certainty_words
from graphbuild.model.knowledge import KnowledgeBase
from graphbuild.model.vocabulary import APPROACH, QUESTION_PARTS, STATUS
from graphbuild.site.links import Links
from graphbuild.site.memo import Memo
from graphbuild.site.studies import StudyViews
from graphbuild.site.templates import Templates


def participants_words(given: str) -> str:
    """How many took part, as the editors wrote it; a bare number with its thousands marked."""
    return f"{int(given):,}" if given.isdigit() else given


def _sentence(words: str) -> str:
    """Words as a sentence: a capital (the rest as written, "GRADE" included) and a stop."""
    return f"{words[:1].upper()}{words[1:]}."


class ClaimViews:
    """A claim as every page shows it, and its card. ``memo``: cards kept from the builds
    before, for a claim that is the same object (its page was not read again), on the same
    page, with its studies' labels and its dates the same."""

    def __init__(
        self, kb: KnowledgeBase, templates: Templates, links: Links, studies: StudyViews, memo: Memo | None = None
    ) -> None:
        self.kb = kb
        self.templates = templates
        self.links = links
        self.studies = studies
        self.memo = memo

    def view(self, claim: Claim, current: str) -> dict[str, Any]:
        """What a page says of a claim; each study with the design it contributes to it."""
        kb, links = self.kb, self.links
        evidence: list[dict[str, Any]] = []
        for item in claim.evidence:
            study = kb.bibliography.studies.get(item.key)
            if study is None:
                continue
            view = self.studies.view(study, current)
            design = link_design(item.design, study)
            level = kb.config.level_of(design)
            badge = view["badge_html"] if design == study.design else self.templates.badge(level, design)
            evidence.append(
                {
                    "stance": item.stance,
                    "inferred": item.inferred,
                    "note": item.note,
                    "study": view,
                    "design": design,
                    "level": level,
                    "badge_html": badge,
                }
            )
        evidence.sort(key=lambda e: (e["level"] or 99, e["study"]["label"]))
        assessment = kb.assessments[claim.id]
        profile = kb.profiles[claim.id]
        return {
            "claim": claim,
            "profile": profile,
            "assessment": assessment,
            "approach": APPROACH[assessment.approach],
            "lead": claim.summary or claim.statement,
            "verdict": _sentence(f"{STATUS[profile.status].word}; {certainty_words(assessment)}"),
            "searched_html": self.templates.macro("searched", assessment.searched),
            "question": [(heading, claim.question[name]) for name, heading in QUESTION_PARTS if name in claim.question],
            "participants": participants_words(claim.participants),
            "evidence": evidence,
            "map_href": links.page_href(current, "map", f"claim:{claim.id}"),
            "summary_href": links.page_href(current, "summary", f"sof-{claim.id}"),
            "page_href": links.claim_href(current, claim.id),
            "permalink": links.claim_permalink(current, claim.id),
            "dates_html": self.dates_html(claim.id),
        }

    def dates_html(self, claim_id: str) -> Markup:
        """When the claim's evidence last changed and when it was added, from the site's
        history; empty where the history cannot say."""
        if self.kb.history is None:
            return Markup("")
        dates = self.kb.history.dates(claim_id)
        changed, added = dates.evidence_changed, dates.added
        return self.templates.macro(
            "claim_dates",
            changed.day if changed else None,
            changed.date[:10] if changed else None,
            added.day if added else None,
            added.date[:10] if added else None,
        )

    def card(self, claim: Claim, current: str) -> str:
        if self.memo is None:
            return self._card(claim, current)
        labels = tuple(self.kb.label(item.key) for item in claim.evidence)
        dates = self.kb.history.dates(claim.id) if self.kb.history is not None else None
        card = self.memo.get((claim.id, current), claim, labels, dates)
        if card is None:
            card = self._card(claim, current)
            self.memo.put((claim.id, current), card, claim, labels, dates)
        return card

    def _card(self, claim: Claim, current: str) -> str:
        view = self.view(claim, current)
        # A graph of one line says nothing the table above it does not.
        many = len(view["evidence"]) > 1
        graph = self.local_graph(current, claim_node(claim.id), f"claim {claim.id} and its studies") if many else ""
        status = self.kb.profiles[claim.id].status
        jsonld = self.jsonld(claim_jsonld(claim, self.links.iri(current), self.kb.bibliography.studies, status))
        return self.templates.render("claim_card.html", graph=graph, jsonld=jsonld, **view)

    def broken(self, problems: list[str]) -> str:
        """What a claim block that could not be read shows while an editor previews the site
        (``mkdocs serve``): its problems, where the card would be."""
        return self.templates.render("broken_claim.html", problems=problems)

    def local_graph(self, current: str, node_id: str, label: str) -> str:
        """The disclosure a claim card or a study page draws its neighbourhood in: the
        script draws it from the evidence map's data, which holds every node."""
        kind, _, ident = node_id.partition(":")
        slug = ident if kind == "claim" else self.kb.bibliography[ident].slug
        return self.templates.render(
            "local_graph.html",
            data_id=f"gb-graph-{kind}-{slug}",
            node=node_id,
            label=label,
            map_src=self.links.href(current, routes.MAP_DATA),
        )

    def jsonld(self, node: dict[str, Any]) -> Markup:
        """A node as a page's ``<script type="application/ld+json">``, inert in HTML (and in
        Markdown, for the Markdown tree)."""
        return Markup(jsonld_script(jsonld_document(node), self.templates.markdown_safe))
