"""The evidence map as data for ``assets/graphbuild.js``: the whole graph, which the map page
draws, and from which each claim card and study page draws its own neighbourhood (so that
the graph is published once, not once more in every page).

Short keys, because the whole map of a large knowledge base is a single download::

    {"types": [...], "groups": [...], "levels": [1, 2, ...], "stances": [...],
     "kinds": [[value, words], ...],
     "nodes": [{"id": "claim:<id>" | "study:<key>", "k": "c" | "s", "l": label,
                "t": tooltip (plain text), "x": int, "y": int, "u": url,
                claims: "ty": type, "gr": group (absent if none), "st": status,
                        "ce": certainty (absent if not rated),
                        "ev": [kind index, ...] (the kinds of evidence behind it),
                studies: "d": design ("unrated" if none), "lv": level (absent if unrated)}],
     "edges": [[claim node index, study node index, stance index], ...]}

A map of more than ``CLUSTER_ABOVE`` nodes is first drawn as its pages, each a node for the
claims on it, which a reader opens to see those claims and their studies (drawing 40,000
nodes took Chromium 11 to 14 s, and as long again for each filter): it adds
``"pages": [title, ...]`` and, on each claim, ``"pg"``, the index of its page there.

The vocabularies are those of the site's configuration, in its order, so that colours and
shapes mean the same on every page. Every string is text for ``textContent`` or a vis-network
``title``; none is ever HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from graphbuild.formats.graph import build_graph
from graphbuild.formats.positions import evidence_layout
from graphbuild.model.bibliography import Study
from graphbuild.model.claims import Claim
from graphbuild.model.evidence import evidence_kinds
from graphbuild.model.knowledge import KnowledgeBase
from graphbuild.model.vocabulary import EVIDENCE_KINDS, STANCE_VALUES, design_noun

Href = Callable[[str], str]
Label = Callable[[str], str]
Summary = Callable[[str], dict[str, Any]]

TITLE_LIMIT = 160
CLUSTER_ABOVE = 12_000  # nodes: a larger map is first drawn by pages (8,000 drew in 1.4 s)
LABEL_LIMIT = 48  # a claim's label on the map: its statement, cut at a word


def evidence_map_data(
    kb: KnowledgeBase,
    href: Href,
    label: Label | None = None,
    graph: nx.DiGraph | None = None,
    summary: Summary | None = None,
) -> dict[str, Any]:
    """The whole graph: the same nodes and edges as ``graph.json`` (pass that graph when it is
    already built), with positions and URLs. ``summary`` may be a cached ``node_summary``."""
    graph = build_graph(kb) if graph is None else graph
    summary = summary or _summaries(kb, label)
    # Studies cited only in prose are linked to no claim: the map leaves them out (its page
    # says how many), rather than leave them floating.
    nodes = [node for node in graph.nodes if node.startswith("claim:") or graph.in_degree(node)]
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(u, v, d["stance"]) for u, v, d in graph.edges(data=True)]
    clusters = {node: kb.claim_page[node[len("claim:") :]] for node in nodes if node.startswith("claim:")}
    positions = evidence_layout(clusters, [(u, v) for u, v, _ in edges], [n for n in nodes if n.startswith("study:")])
    payload = _payload(
        kb,
        [_node(node, positions[node], href, summary) for node in nodes],
        sorted((index[u], index[v], STANCE_VALUES.index(stance)) for u, v, stance in edges),
    )
    if len(nodes) > CLUSTER_ABOVE:
        _add_pages(kb, payload, clusters)
    return payload


def _add_pages(kb: KnowledgeBase, payload: dict[str, Any], clusters: dict[str, str]) -> None:
    """Each claim's page, for the map's first view of a large knowledge base (pages in the
    order of their paths, as the claims index has them)."""
    pages = sorted(set(clusters.values()), key=lambda src: kb.pages[src].path)
    number = {src: n for n, src in enumerate(pages)}
    payload["pages"] = [kb.pages[src].title for src in pages]
    for node in payload["nodes"]:
        if node["k"] == "c":
            node["pg"] = number[clusters[node["id"]]]


def default_label(kb: KnowledgeBase) -> Label:
    """Claims' statements, short, and studies' author-year labels ("Mead & MacNeil, 2006")."""

    def label(node: str) -> str:
        kind, _, name = node.partition(":")
        return kb.label(name) if kind == "study" else short_label(kb.claims[name].statement)

    return label


def short_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """``text`` on one line, cut at the last word that fits in ``limit`` characters."""
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _payload(kb: KnowledgeBase, nodes: list[dict[str, Any]], edges: list[tuple[int, int, int]]) -> dict[str, Any]:
    config = kb.config
    return {
        "types": list(config.claim_types),
        "groups": list(config.groups),
        "levels": sorted(config.levels),
        "stances": list(STANCE_VALUES),
        "kinds": [[kind.value, kind.word] for kind in EVIDENCE_KINDS],
        "nodes": nodes,
        "edges": [list(edge) for edge in edges],
    }


def _summaries(kb: KnowledgeBase, label: Label | None) -> Summary:
    label = label or default_label(kb)
    return lambda node: node_summary(kb, node, label)


def _node(node: str, position: tuple[int, int], href: Href, summary: Summary) -> dict[str, Any]:
    return {**summary(node), "x": position[0], "y": position[1], "u": href(node)}


def node_summary(kb: KnowledgeBase, node: str, label: Label) -> dict[str, Any]:
    """What a node says wherever it is drawn: everything but its position and its URL."""
    kind, _, name = node.partition(":")
    data: dict[str, Any] = {"id": node, "l": label(node)}
    if kind == "claim":
        claim = kb.claims[name]
        data.update(k="c", ty=claim.type, st=kb.profiles[name].status, t=_claim_title(kb, claim))
        rating = kb.assessments[name].rating
        if rating:
            data["ce"] = rating
        kinds = evidence_kinds(claim, kb.bibliography.studies)
        data["ev"] = [i for i, kind in enumerate(EVIDENCE_KINDS) if kind.value in kinds]
        if claim.group:
            data["gr"] = claim.group
    else:
        study = kb.bibliography[name]
        data.update(k="s", d=study.design or "unrated", t=_study_title(study, data["l"], len(kb.citing.get(name, ()))))
        if study.level is not None:
            data["lv"] = study.level
    return data


def _claim_title(kb: KnowledgeBase, claim: Claim) -> str:
    kind = claim.type.replace("-", " ").capitalize()
    who = f" ({claim.group.replace('-', ' ')})" if claim.group else ""
    return f"{claim.statement}\n{kind}{who}. {kb.profiles[claim.id].sentence}"


def _study_title(study: Study, label: str, claims: int) -> str:
    title = " ".join((study.title or study.key).split())
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    if study.design is None:
        design = "Unrated design"
    else:
        design = design_noun(study.design, 1)
        design = f"{design[0].upper()}{design[1:]}, evidence level {study.level}"
    cited = f"Evidence for {claims} claim{'s' if claims != 1 else ''}." if claims else "Cited in the text."
    return f"{label}: {title}\n{design}. {cited}"
