"""Evidence profiles, the knowledge base's cross-checks, the graph and its exports."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

from graphbuild.formats.graph import build_graph, to_csv, to_graphml, to_json
from graphbuild.model.bibliography import parse_bibliography
from graphbuild.model.certainty import assess
from graphbuild.model.claims import Claim, Evidence
from graphbuild.model.config import Config
from graphbuild.model.evidence import profile
from graphbuild.model.knowledge import build_knowledge_base
from graphbuild.site.registry import clashes, plan

from .conftest import BIB, INDEX_MD

DESIGNS = [d for level in sorted(Config().levels) for d in Config().levels[level]]


def _bib():
    bibliography, diagnostics = parse_bibliography(BIB, "references.bib", Config())
    assert diagnostics == []
    return bibliography


def _claim(*evidence: tuple[str, str]) -> Claim:
    items = [Evidence(key, stance, "", 1) for key, stance in evidence]
    return Claim("c", "S.", "outcome", "services", [], items, "docs/x.md", 1)


@pytest.mark.parametrize(
    ("evidence", "status", "support", "overall", "sentence"),
    [
        pytest.param(
            [("min2007", "supports"), ("pitt2013", "no-effect")],
            "contested",
            (3, "comparison-group"),
            (1, "systematic-review"),
            "Supported by one comparison-group study; one systematic review found no significant effect. "
            "The strongest evidence does not support it: contested.",
            id="contested",
        ),
        pytest.param(
            [("gillard2014", "supports"), ("mead2006", "supports"), ("min2007", "supports")],
            "supported",
            (3, "comparison-group"),
            (3, "comparison-group"),
            "Supported by one comparison-group study, one narrative review and one theoretical paper.",
            id="supported",
        ),
        pytest.param(
            [("pitt2013", "supports"), ("min2007", "contradicts")],
            "supported",
            (1, "systematic-review"),
            (1, "systematic-review"),
            "Supported by one systematic review; one comparison-group study found the opposite.",
            id="weaker-contradiction-not-contested",
        ),
        pytest.param(
            [("pitt2013", "no-effect")],
            "not-supported",
            None,
            (1, "systematic-review"),
            "One systematic review found no significant effect. No study supports it.",
            id="not-supported",
        ),
        pytest.param(
            [("min2007", "mixed")],
            "not-supported",
            None,
            (3, "comparison-group"),
            "One comparison-group study found mixed results. No study supports it.",
            id="mixed",
        ),
    ],
)
def test_profiles(evidence, status, support, overall, sentence) -> None:
    claim, studies = _claim(*evidence), _bib().studies
    result = profile(claim, studies, Config(), assess(claim, studies, Config())[0])
    assert (result.status, result.strongest_support, result.strongest_overall, result.direction) == (
        status,
        support,
        overall,
        sentence,
    )
    assert result.counts["supports"] == sum(1 for _, s in evidence if s == "supports")


def _kb(pages, bib=BIB):
    bibliography, _ = parse_bibliography(bib, "references.bib", Config())
    return build_knowledge_base(pages, bibliography, Config())


def test_unknown_key_with_suggestion() -> None:
    kb, diagnostics = _kb([("a.md", "docs/a.md", "# A\n\nText [@mead2060].\n")])
    assert [str(d) for d in diagnostics] == [
        "docs/a.md:3: error: unknown reference 'mead2060' (did you mean 'mead2006'?)"
    ]


def test_duplicate_claim_id_reported_in_both_places() -> None:
    kb, diagnostics = _kb(
        [("a.md", "docs/a.md", INDEX_MD), ("b.md", "docs/b.md", INDEX_MD.replace("# Peer support", "# B\n"))]
    )
    messages = [str(d) for d in diagnostics if "duplicate claim id 'hope'" in d.message]
    assert any(m.startswith("docs/a.md:25:") and "also at docs/b.md:26" in m for m in messages), messages
    assert any(m.startswith("docs/b.md:26:") and "also at docs/a.md:25" in m for m in messages), messages


def test_unrated_cited_study_is_a_warning() -> None:
    bib = BIB.replace("  design = {policy},\n", "")
    kb, diagnostics = _kb([("a.md", "docs/a.md", INDEX_MD)], bib)
    assert [d.message for d in diagnostics] == ["entry 'dh2011' is cited but has no design: it is shown as unrated"]


def test_graph_has_the_brief_attributes() -> None:
    kb, diagnostics = _kb([("index.md", "docs/index.md", INDEX_MD)])
    assert diagnostics == []
    graph = build_graph(kb)
    assert (
        graph.nodes["claim:fewer-readmissions"].items()
        >= {
            "kind": "claim",
            "type": "outcome",
            "group": "services",
            "page": "index.md",
            "statement": "Peer support is associated with fewer psychiatric readmissions.",
        }.items()
    )
    assert (
        graph.nodes["study:pitt2013"].items()
        >= {"kind": "study", "design": "systematic-review", "level": 1, "year": "2013"}.items()
    )
    assert graph.edges["claim:fewer-readmissions", "study:pitt2013"]["stance"] == "no-effect"
    assert "study:uncited2020" not in graph
    assert sorted(n for n in graph if n.startswith("study:")) == [
        "study:dh2011",
        "study:gillard2014",
        "study:mead2006",
        "study:min2007",
        "study:pitt2013",
    ]


def _node_link_json(graph: nx.DiGraph) -> str:
    """What ``to_json`` wrote from networkx's ``node_link_data`` before it wrote a line at a
    time: the oracle the streamed text must equal."""
    data = nx.node_link_data(graph, edges="edges")
    for node in data["nodes"]:
        node.setdefault("level", None) if node.get("kind") == "study" else None

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    out = []
    for name in sorted(data):
        value = data[name]
        if isinstance(value, list):
            items = ",\n".join(f"  {dump(item)}" for item in value)
            out.append(f" {dump(name)}: [\n{items}\n ]" if value else f" {dump(name)}: []")
        else:
            out.append(f" {dump(name)}: {dump(value)}")
    return "{\n" + ",\n".join(out) + "\n}\n"


def test_graph_json_written_a_line_at_a_time_is_networkx_node_link_json() -> None:
    graph = build_graph(_kb([("index.md", "docs/index.md", INDEX_MD)])[0])
    assert to_json(graph) == _node_link_json(graph)
    assert to_json(nx.DiGraph()) == _node_link_json(nx.DiGraph())  # no nodes, no edges
    with pytest.raises(ValueError, match="one edge per claim and study"):
        to_json(nx.MultiDiGraph())


def test_exports_round_trip_and_are_deterministic() -> None:
    kb, _ = _kb([("index.md", "docs/index.md", INDEX_MD)])
    graph = build_graph(kb)
    text = to_json(graph)
    assert text == to_json(build_graph(_kb([("index.md", "docs/index.md", INDEX_MD)])[0]))
    back = nx.node_link_graph(json.loads(text), edges="edges")
    assert set(back.edges) == set(graph.edges) and back.is_directed()
    assert json.loads(text)["nodes"][0]["id"] == "claim:fewer-readmissions"
    lines = text.splitlines()  # one node or edge per line, so that a diff of two builds reads
    assert len(lines) == graph.number_of_nodes() + graph.number_of_edges() + 9
    first_node = lines[lines.index(' "nodes": [') + 1]
    assert json.loads(first_node.rstrip(","))["id"] == "claim:fewer-readmissions"
    graphml = to_graphml(graph)
    parsed = nx.parse_graphml(graphml)

    def scalars(data: dict) -> dict:  # GraphML holds a claim's reasons as JSON text
        return {
            k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict) else v for k, v in data.items()
        }

    assert list(parsed.nodes(data=True)) == [(n, scalars(d)) for n, d in graph.nodes(data=True)]
    assert list(parsed.edges(data=True)) == list(graph.edges(data=True))
    graphml_lines = graphml.splitlines()  # unindented, a node or an edge on each line
    assert sum(line.startswith(("<node ", "<edge ")) for line in graphml_lines) == len(graph) + graph.size()
    assert not any(line.startswith(" ") for line in graphml_lines)
    rows = list(csv.DictReader(io.StringIO(to_csv(kb))))
    assert [(r["claim"], r["study"], r["stance"]) for r in rows] == [
        ("fewer-readmissions", "min2007", "supports"),
        ("fewer-readmissions", "pitt2013", "no-effect"),
        ("hope", "gillard2014", "supports"),
        ("hope", "mead2006", "supports"),
    ]


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        pytest.param("", "studies/a/", "studies/a/", id="from-root"),
        pytest.param("benefits/", "studies/a/", "../studies/a/", id="sibling"),
        pytest.param("studies/a/", "benefits/#x", "../../benefits/#x", id="deeper-with-fragment"),
        pytest.param("benefits/", "benefits/#x", "./#x", id="same-page"),
        pytest.param("evidence/", "", "../", id="to-root"),
        pytest.param("", "", "./", id="root-to-root"),
        pytest.param("evidence/matrix/", "evidence/", "../", id="parent"),
        pytest.param("evidence/", "evidence/matrix/", "matrix/", id="child"),
        pytest.param("x/a.html", "b.html", "../b.html", id="file-urls"),
        pytest.param("evidence/", "assets/graphbuild/x.js", "../assets/graphbuild/x.js", id="asset"),
    ],
)
def test_relative_url(source: str, target: str, expected: str) -> None:
    from graphbuild.common.urls import relative_url

    assert relative_url(source, target) == expected


@pytest.mark.parametrize(
    ("source", "clash"),
    [
        pytest.param("bibliography.md", "bibliography/index.md", id="page-url"),
        pytest.param("claims/index.md", "claims/index.md", id="same-source"),
        pytest.param("claims/README.md", "claims/index.md", id="readme-is-an-index"),
        pytest.param("studies/min2007/index.md", "studies/min2007.md", id="study-page"),
        pytest.param("evidence/map.json", "evidence/map.json", id="map-data"),
        pytest.param("assets/graphbuild/graphbuild.js", "assets/graphbuild/graphbuild.js", id="asset"),
        pytest.param("assets/graphbuild/graphbuild.css", "assets/graphbuild/graphbuild.css", id="stylesheet"),
        pytest.param("bibliography/notes.md", None, id="beside-is-fine"),
        pytest.param("evidence.md", "evidence/index.md", id="the-map-page"),
    ],
)
def test_files_written_where_graphbuild_writes(source: str, clash: str | None) -> None:
    kb, _ = _kb([("index.md", "docs/index.md", INDEX_MD)])
    found = clashes([source], [p.src for p in plan(kb)])
    assert found == ({source: clash} if clash else {})


@pytest.mark.parametrize(
    ("src", "directory_urls", "url"),
    [
        pytest.param("index.md", True, "", id="home"),
        pytest.param("deep/README.md", True, "deep/", id="readme"),
        pytest.param("a/b.md", True, "a/b/", id="page"),
        pytest.param("index.md", False, "index.html", id="home-files"),
        pytest.param("deep/README.md", False, "deep/index.html", id="readme-files"),
        pytest.param("a/b.md", False, "a/b.html", id="page-files"),
    ],
)
def test_page_urls_are_where_mkdocs_writes_pages(src: str, directory_urls: bool, url: str) -> None:
    from graphbuild.common.urls import page_url

    assert page_url(src, directory_urls) == url
