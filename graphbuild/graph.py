"""The evidence graph (networkx) and its exports, byte-for-byte deterministic."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx

from .knowledge import KnowledgeBase


def claim_node(claim_id: str) -> str:
    return f"claim:{claim_id}"


def study_node(key: str) -> str:
    return f"study:{key}"


def build_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """Claims and the studies they cite; edges run from claim to study with the stance."""
    graph = nx.DiGraph()
    for claim_id in sorted(kb.claims):
        claim = kb.claims[claim_id]
        page = kb.claim_page[claim_id]
        graph.add_node(
            claim_node(claim_id),
            kind="claim",
            type=claim.type,
            group=claim.group or "",
            statement=claim.statement,
            page=page,
            tags=" ".join(claim.tags),
            status=kb.profiles[claim_id].status,
        )
    for key, study in kb.cited.items():
        attrs: dict[str, str | int] = {
            "kind": "study",
            "design": study.design or "unrated",
            "title": study.title,
            "year": study.year,
            "slug": study.slug,
        }
        if study.level is not None:
            attrs["level"] = study.level
        graph.add_node(study_node(key), **attrs)
    for claim_id in sorted(kb.claims):
        for item in kb.claims[claim_id].evidence:
            if item.key in kb.bibliography:
                graph.add_edge(claim_node(claim_id), study_node(item.key), stance=item.stance.value)
    return graph


def to_json(graph: nx.DiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    for node in data["nodes"]:
        node.setdefault("level", None) if node.get("kind") == "study" else None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def to_graphml(graph: nx.DiGraph) -> str:
    return "\n".join(nx.generate_graphml(graph, prettyprint=True)) + "\n"


CSV_COLUMNS = [
    "claim",
    "statement",
    "type",
    "group",
    "page",
    "status",
    "study",
    "stance",
    "design",
    "level",
    "year",
    "title",
]


def to_csv(kb: KnowledgeBase) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for claim_id in sorted(kb.claims):
        claim = kb.claims[claim_id]
        for item in claim.evidence:
            study = kb.bibliography.studies.get(item.key)
            if study is None:
                continue
            writer.writerow(
                [
                    claim.id,
                    claim.statement,
                    claim.type,
                    claim.group or "",
                    kb.claim_page[claim_id],
                    kb.profiles[claim_id].status,
                    study.key,
                    item.stance.value,
                    study.design or "unrated",
                    study.level or "",
                    study.year,
                    study.title,
                ]
            )
    return out.getvalue()


EXPORTS = {"json": "graph.json", "graphml": "graph.graphml", "csv": "claims.csv"}


def export(kb: KnowledgeBase, fmt: str) -> str:
    graph = build_graph(kb)
    if fmt == "json":
        return to_json(graph)
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "csv":
        return to_csv(kb)
    raise ValueError(f"unknown export format {fmt!r}")
