"""Claims and studies as linked data: JSON-LD in schema.org's words, the claim-study relation
typed with CiTO.

A claim is a schema.org ``Claim``; a study is a ``ScholarlyArticle`` (or ``Book``, ``Chapter``,
``Thesis``, ``Report`` where the entry says so). CiTO, the Citation Typing Ontology, types
the relation; its properties run from the citing entity (the claim) to the cited one (the
study). CiTO has no words for "mixed results" and "no significant effect", so those
studies are cited as evidence (``cito:citesAsEvidence``: they bear on the claim) and the
stance itself is a property in graphbuild's own vocabulary (``gb:``). Every stance has one
there, so that a reader of graphbuild's words alone loses nothing:

- ``supports``: ``cito:obtainsSupportFrom``, ``cito:citesAsEvidence``, ``gb:supportingEvidence``
- ``contradicts``: ``cito:disagreesWith``, ``gb:contradictingEvidence``
- ``mixed``: ``cito:citesAsEvidence``, ``gb:mixedEvidence``
- ``no-effect``: ``cito:citesAsEvidence``, ``gb:noEffectEvidence``

Every cited study is also a schema.org ``citation`` of the claim, for readers that know
schema.org alone. Node ids are the pages' URLs, which the caller gives (``iri``) relative to
where they are read, since a claim names each of its studies up to four times: in a page, to
the page itself (a page's JSON-LD resolves against the page's own URL); in ``graph.jsonld``,
to the site's URL, which its context gives as ``@base``, or where the site's URL is not known,
to the file itself (a relative ``@base`` leaves a reader that has no URL for the file unable
to read it at all: pyld refuses it). ``graph.jsonld``'s context also declares the relations to
studies identifiers (``"@type": "@id"``), so that each is a plain string; a page's does not,
since on a card of a few studies the definitions outweigh what they save. Expanded, every form
says exactly what ``{"@id": <the absolute URL>}`` does.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from typing import Any

from graphbuild.common.escaping import script_json
from graphbuild.common.urls import doi_href, is_doi_link
from graphbuild.formats.records import (
    CHAPTER_TYPES,
    container_title,
    is_organisation,
    one_line,
    page_range,
    publication_date,
    study_url,
)
from graphbuild.model.bibliography import Study
from graphbuild.model.claims import Claim
from graphbuild.model.names import Person
from graphbuild.model.vocabulary import STANCE

SCHEMA_CONTEXT = "https://schema.org/"
CITO = "http://purl.org/spar/cito/"
GRAPHBUILD_VOCABULARY = "https://w3id.org/graphbuild/vocab#"
PREFIXES = {"cito": CITO, "gb": GRAPHBUILD_VOCABULARY}
RELATIONS = ("citation", *sorted({prop for term in STANCE.values() for prop in term.linked_data}))
"""The claim's properties whose values are studies."""


STUDY_TYPES = {
    "book": "Book",
    "collection": "Book",
    "proceedings": "Book",
    "inbook": "Chapter",
    "incollection": "Chapter",
    "phdthesis": "Thesis",
    "mastersthesis": "Thesis",
    "thesis": "Thesis",
    "techreport": "Report",
    "report": "Report",
}
DEFAULT_STUDY_TYPE = "ScholarlyArticle"

Iri = Callable[[str], str]
"""A graph node id (``claim:<id>``, ``study:<key>``) to the IRI of its page."""


def claim_jsonld(
    claim: Claim, iri: Iri, known: Container[str] | None = None, status: str | None = None
) -> dict[str, Any]:
    """The claim as a node, its studies as references to their nodes. Studies not in
    ``known`` (the bibliography) are left out, as in the graph; a study listed twice keeps
    its last stance, as in the graph."""
    stances = {e.key: e.stance for e in claim.evidence if known is None or e.key in known}
    node: dict[str, Any] = {"@id": iri(f"claim:{claim.id}"), "@type": "Claim", "text": claim.statement}
    node["gb:claimType"] = claim.type
    if claim.group:
        node["gb:group"] = claim.group
    if claim.tags:
        node["keywords"] = list(claim.tags)
    if status:
        node["gb:status"] = status
    if stances:
        node["citation"] = [{"@id": iri(f"study:{key}")} for key in stances]
    for key, stance in stances.items():
        for prop in STANCE[stance].linked_data:
            node.setdefault(prop, []).append({"@id": iri(f"study:{key}")})
    return node


def study_jsonld(study: Study, iri: Iri) -> dict[str, Any]:
    """The study as a node: what a reference manager or a search engine reads of it."""
    node: dict[str, Any] = {
        "@id": iri(f"study:{study.key}"),
        "@type": STUDY_TYPES.get(study.entry_type, DEFAULT_STUDY_TYPE),
        "name": one_line(study.title or study.key),
    }
    for role, people in (("author", study.authors), ("editor", study.editors)):
        agents = [_agent(p) for p in people if not p.is_others]
        if agents:
            node[role] = agents
    date = publication_date(study)
    if date:
        node["datePublished"] = "-".join(f"{part:02d}" for part in date)
    container = _container(study)
    if container:
        node["isPartOf"] = container
    first, last = page_range(study)
    if first:
        node["pageStart"] = first
    if last:
        node["pageEnd"] = last
    if study.publisher:
        node["publisher"] = {"@type": "Organization", "name": one_line(study.publisher)}
    facts = {"isbn": study.text("isbn"), "abstract": one_line(study.abstract)}
    node.update({name: value for name, value in facts.items() if value})
    url = "" if is_doi_link(study.url, study.doi) else study_url(study)
    links = [link for link in (doi_href(study.doi), url) if link]
    if links:
        node["sameAs"] = links
    if study.design:
        node["gb:design"] = study.design
    if study.level is not None:
        node["gb:evidenceLevel"] = study.level
    return node


def _agent(person: Person) -> dict[str, str]:
    """A person's ``name`` stays beside ``givenName`` and ``familyName``, which say it again:
    Google reads an author's ``name`` alone."""
    if not person.given:
        return {"@type": "Organization" if is_organisation(person) else "Person", "name": person.surname}
    return {
        "@type": "Person",
        "name": f"{person.given} {person.surname}",
        "givenName": person.given,
        "familyName": person.surname,
    }


def _container(study: Study) -> dict[str, Any] | None:
    """Journal → volume → issue, as schema.org nests them; a chapter's book."""
    title = one_line(container_title(study))
    if study.entry_type in CHAPTER_TYPES:
        return {"@type": "Book", "name": title} if title else None
    if not title:
        return None
    node: dict[str, Any] = {"@type": "Periodical", "name": title}
    if study.text("issn"):
        node["issn"] = study.text("issn")
    volume = study.text("volume")
    if volume:
        node = {"@type": "PublicationVolume", "volumeNumber": volume, "isPartOf": node}
    issue = study.text("number") if study.entry_type == "article" else ""
    if issue:
        node = {"@type": "PublicationIssue", "issueNumber": issue, "isPartOf": node}
    return node


def graph_jsonld(
    claims: Iterable[Claim],
    studies: Mapping[str, Study],
    iri: Iri,
    statuses: Mapping[str, str] | None = None,
    study_node: Callable[[Study, Iri], dict[str, Any]] = study_jsonld,
    base: str | None = None,
    lazy: bool = False,
) -> dict[str, Any]:
    """Every claim and every study in ``studies`` as one document (``evidence/graph.jsonld``):
    claims in the order given, then studies in the order given. ``study_node``: a caller
    that has made the studies' nodes for their pages may hand them over. ``base``: the
    absolute URL that ``iri``'s ids are relative to, if any. ``lazy``: ``@graph`` is an
    iterator, each node made as it is read (``jsonld_pieces``)."""
    graph = itertools.chain(
        (_as_iris(claim_jsonld(c, iri, studies, (statuses or {}).get(c.id))) for c in claims),
        (study_node(s, iri) for s in studies.values()),
    )
    return {"@context": graph_context(base), "@graph": graph if lazy else list(graph)}


def graph_context(base: str | None = None) -> list[Any]:
    """schema.org's context, then ours: the prefixes, the relations to studies as IRIs (a term
    without ``@id`` keeps the IRI schema.org's ``@vocab`` gives it), and ``base``, the URL the
    ids are relative to, where it is known."""
    local: dict[str, Any] = {**PREFIXES, **{prop: {"@type": "@id"} for prop in RELATIONS}}
    if base:
        local["@base"] = base
    return [SCHEMA_CONTEXT, local]


def _as_iris(node: dict[str, Any]) -> dict[str, Any]:
    """The claim's relations to studies as plain strings, which ``graph_context`` makes IRIs."""
    return {prop: [v["@id"] for v in value] if prop in RELATIONS else value for prop, value in node.items()}


def document(node: dict[str, Any]) -> dict[str, Any]:
    """One node as a document of its own (a page's ``<script>``), its context naming only the
    prefixes of the node's properties (a study page has no use for CiTO's); the nodes within
    it (authors, journal, publisher) are in schema.org's words alone."""
    used = {prop.partition(":")[0] for prop in node if ":" in prop}
    local = {prefix: iri for prefix, iri in PREFIXES.items() if prefix in used}
    return {"@context": [SCHEMA_CONTEXT, local] if local else SCHEMA_CONTEXT, **node}


def jsonld_script(data: dict[str, Any], markdown_safe: bool = False) -> str:
    """A ``<script type="application/ld+json">`` that no string in ``data`` can close or
    break out of: ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\u`` escapes."""
    return f'<script type="application/ld+json">{script_json(data, markdown_safe)}</script>'


def jsonld_text(data: dict[str, Any]) -> str:
    """The document as a file: deterministic, UTF-8, a node of ``@graph`` on each line."""
    return "".join(jsonld_pieces(data))


def jsonld_pieces(data: dict[str, Any]) -> Iterator[str]:
    """``jsonld_text`` a node at a time; ``@graph`` may be any iterable of nodes (made as
    they are written)."""
    nodes = data.get("@graph")
    if nodes is None or isinstance(nodes, (str, dict)):
        yield _compact(data) + "\n"
        return
    head = _compact({k: v for k, v in data.items() if k != "@graph"})
    yield f'{head[:-1]}{"," if len(head) > 2 else ""}"@graph":['
    first = True
    for node in nodes:
        yield ("\n" if first else ",\n") + _compact(node)
        first = False
    yield "\n]}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
