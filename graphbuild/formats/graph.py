"""The evidence graph (networkx) and its exports, byte-for-byte deterministic."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import networkx as nx

from graphbuild.common.escaping import xml_attr, xml_text
from graphbuild.model import routes
from graphbuild.model.knowledge import KnowledgeBase


def claim_node(claim_id: str) -> str:
    return f"claim:{claim_id}"


def study_node(key: str) -> str:
    return f"study:{key}"


def claim_url(claim_id: str) -> str:
    """The claim's permanent address, from the site's root."""
    return routes.claim_address(claim_id)


def claim_dates(kb: KnowledgeBase, claim_id: str) -> tuple[str, str]:
    """(added, evidence last changed) as ISO dates of their commits, "" where not known."""
    if kb.history is None:
        return "", ""
    dates = kb.history.dates(claim_id)
    added, changed = dates.added, dates.evidence_changed
    return (added.date[:10] if added else "", changed.date[:10] if changed else "")


def build_graph(kb: KnowledgeBase) -> nx.DiGraph:
    """Claims and the studies they cite; edges run from claim to study with the stance,
    ``inferred: true`` where the editors inferred it rather than read it in the study, and
    the design (and its level) the study contributes where the claim gives its own.
    A claim's ``certainty`` is "" when the editors have not rated it; ``not_rated``, present
    only on a claim that is not rated for a reason, says which: ``expert-opinion`` (it rests
    only on expert opinion or policy) or ``about-evidence`` (it is about the evidence
    itself).
    ``because`` maps each domain that moved the rating to its reason; ``searched`` is when
    its evidence was searched (the claim's or the site's; absent if neither says); ``added`` and
    ``evidence_changed`` are the days of the commits that added it and last changed its
    evidence, "" where the history cannot tell; ``url`` its permanent address, from the
    site's root."""
    graph = nx.DiGraph()
    for claim_id in sorted(kb.claims):
        added, changed = claim_dates(kb, claim_id)
        claim = kb.claims[claim_id]
        page = kb.claim_page[claim_id]
        assessment = kb.assessments[claim_id]
        graph.add_node(
            claim_node(claim_id),
            kind="claim",
            type=claim.type,
            group=claim.group or "",
            statement=claim.statement,
            page=page,
            tags=" ".join(claim.tags),
            status=kb.profiles[claim_id].status,
            certainty=assessment.rating or "",
            approach=assessment.approach,
            starting_point=assessment.starting_point or "",
            summary=claim.summary,
            because=dict(assessment.because),
            added=added,
            evidence_changed=changed,
            url=claim_url(claim_id),
        )
        node = graph.nodes[claim_node(claim_id)]
        if assessment.rating is None and assessment.assessed:  # not rated, for a reason
            node["not_rated"] = assessment.unrated
        if assessment.searched:  # absent where neither the site nor the claim says
            node["searched"] = assessment.searched
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
                link: dict[str, str | int | bool] = {"stance": item.stance}
                if item.inferred:
                    link["inferred"] = True
                if item.design is not None and item.design != kb.bibliography[item.key].design:
                    link["design"] = item.design
                    level = kb.config.level_of(item.design)
                    if level is not None:
                        link["level"] = level
                graph.add_edge(claim_node(claim_id), study_node(item.key), **link)
    return graph


def to_json(graph: nx.DiGraph) -> str:
    """``json_pieces`` whole."""
    return "".join(json_pieces(graph))


def json_pieces(graph: nx.DiGraph) -> Iterator[str]:
    """networkx's node-link JSON (``node_link_data``, the edges under ``edges``), one node or
    edge per line (readable, diffable) and no space after a separator, each line written by
    the C encoder (``indent`` would switch ``json`` to its pure-Python one), a line at a
    time: ``node_link_data`` copied every node and edge first, and with the whole text that
    was 70 MB at once for 30,000 studies."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def node(name: str) -> dict[str, Any]:
        item = {**graph.nodes[name], "id": name}
        if item.get("kind") == "study":
            item.setdefault("level", None)
        return item

    if graph.is_multigraph():
        raise ValueError("the evidence graph has one edge per claim and study")
    sections: dict[str, Any] = {
        "directed": graph.is_directed(),
        "edges": ({**d, "source": u, "target": v} for u, v, d in graph.edges(data=True)),
        "graph": graph.graph,
        "multigraph": graph.is_multigraph(),
        "nodes": (node(name) for name in graph),
    }
    yield "{\n"
    for number, name in enumerate(sorted(sections)):
        value, head = sections[name], (",\n" if number else "") + f" {dump(name)}: "
        if not isinstance(value, Iterator):
            yield head + dump(value)
            continue
        first = next(value, None)
        if first is None:
            yield head + "[]"
            continue
        yield f"{head}[\n  {dump(first)}"
        for item in value:
            yield f",\n  {dump(item)}"
        yield "\n ]"
    yield "\n}\n"


_GRAPHML_TYPES = {bool: "boolean", int: "int", float: "double", str: "string"}


def _scalar(value: object) -> str:
    """GraphML holds scalars: a mapping (a claim's reasons) is written as JSON text."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def to_graphml(graph: nx.DiGraph) -> str:
    """GraphML as networkx reads it (``nx.read_graphml``), written directly: networkx's own
    writer builds an ElementTree of the whole graph and was most of the exports' time. A
    node or an edge on each line, unindented: as diffable as indented, and 15% smaller."""
    keys: dict[tuple[str, str], str] = {}
    types: dict[tuple[str, str], str] = {}
    for domain, items in (
        ("node", (d for _, d in graph.nodes(data=True))),
        ("edge", (d for *_, d in graph.edges(data=True))),
    ):
        for data in items:
            for name, value in data.items():
                if (domain, name) not in keys:
                    keys[(domain, name)] = f"d{len(keys)}"
                    types[(domain, name)] = _GRAPHML_TYPES.get(type(value), "string")

    def data_elements(domain: str, values: dict) -> str:
        return "".join(
            f'<data key="{keys[(domain, name)]}">{xml_text(_scalar(value))}</data>' for name, value in values.items()
        )

    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for (domain, name), ident in keys.items():
        out.append(
            f'<key id="{ident}" for="{domain}" attr.name={xml_attr(name)} attr.type="{types[(domain, name)]}" />'
        )
    out.append('<graph edgedefault="directed">')
    for node, values in graph.nodes(data=True):
        out.append(f"<node id={xml_attr(node)}>{data_elements('node', values)}</node>")
    for u, v, values in graph.edges(data=True):
        out.append(f"<edge source={xml_attr(u)} target={xml_attr(v)}>{data_elements('edge', values)}</edge>")
    out += ["</graph>", "</graphml>", ""]
    return "\n".join(out)


CSV_COLUMNS = [
    "claim",
    "statement",
    "type",
    "group",
    "page",
    "status",
    "certainty",
    "approach",
    "starting_point",
    "summary",
    "because",
    "study",
    "stance",
    "design",
    "level",
    "year",
    "title",
    "added",
    "evidence_changed",
    "url",
]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A spreadsheet opening the CSV runs a cell that starts like a formula (``=HYPERLINK(...)``,
    ``@SUM(...)``); such cells get a leading apostrophe, as OWASP advises, and read as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(kb: KnowledgeBase) -> str:
    """One row per claim-study link, the study with the design it contributes to the claim;
    every cell is guarded with ``csv_text``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for claim_id in sorted(kb.claims):
        claim = kb.claims[claim_id]
        for item in claim.evidence:
            study = kb.bibliography.studies.get(item.key)
            if study is None:
                continue
            assessment = kb.assessments[claim_id]
            design = item.design or study.design
            row = [
                claim.id,
                claim.statement,
                claim.type,
                claim.group or "",
                kb.claim_page[claim_id],
                kb.profiles[claim_id].status,
                assessment.rating or "",
                assessment.approach,
                assessment.starting_point or "",
                claim.summary,
                _scalar(assessment.because) if assessment.because else "",
                study.key,
                item.stance,
                design or "unrated",
                kb.config.level_of(design) or "",
                study.year,
                study.title,
                *claim_dates(kb, claim_id),
                claim_url(claim_id),
            ]
            writer.writerow([csv_text(str(cell)) for cell in row])
    return out.getvalue()
