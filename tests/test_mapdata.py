"""The evidence map's data and layout: complete, deterministic, safe inside <script>, scalable."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import jinja2
import pytest

from graphbuild.common.escaping import script_json, script_json_pieces
from graphbuild.common.urls import page_url
from graphbuild.formats import positions as layout
from graphbuild.formats.graph import build_graph
from graphbuild.formats.mapdata import evidence_map_data
from graphbuild.formats.site_style import load_style
from graphbuild.model.bibliography import parse_bibliography
from graphbuild.model.config import Config
from graphbuild.model.knowledge import build_knowledge_base
from graphbuild.model.project import SiteSettings
from graphbuild.model.vocabulary import STANCE_VALUES as STANCES
from graphbuild.site.registry import PAGE, make_site, page_body, plan

from .conftest import BIB, INDEX_MD

HOSTILE = "</script><img src=x onerror=alert(1)>"
SECOND_MD = """\
# Second

```claim
id: role-clarity
statement: An unclear job description is a barrier.
type: barrier
group: organisations
evidence:
  - key: gillard2014
    stance: mixed
  - key: min2007
    stance: contradicts
  - hostile2020
```
"""
HOSTILE_BIB = (
    BIB
    + f"""
@misc{{hostile2020,
  author = {{Evil, Eve}},
  title = {{{HOSTILE} \u2028 & more}},
  url = {{javascript:alert(1)}},
  year = {{2020}},
}}
"""
)


def _kb(bib: str = HOSTILE_BIB):
    bibliography, _ = parse_bibliography(bib, "references.bib", Config())
    pages = [("index.md", "docs/index.md", INDEX_MD), ("second.md", "docs/second.md", SECOND_MD)]
    kb, _ = build_knowledge_base(pages, bibliography, Config())
    return kb


def _href(node: str) -> str:
    kind, _, name = node.partition(":")
    return f"../{kind}/{name}/"


def _ids(data: dict) -> list[str]:
    return [n["id"] for n in data["nodes"]]


def _edges(data: dict) -> set[tuple[str, str, str]]:
    ids = _ids(data)
    return {(ids[f], ids[t], data["stances"][s]) for f, t, s in data["edges"]}


def test_map_has_the_same_nodes_and_edges_as_the_graph() -> None:
    kb = _kb()
    data = evidence_map_data(kb, _href)
    graph = build_graph(kb)
    linked = [n for n in graph.nodes if n.startswith("claim:") or graph.in_degree(n)]
    assert _ids(data) == linked and len(linked) < graph.number_of_nodes()  # a study cited only in prose is left out
    assert _edges(data) == {(u, v, d["stance"]) for u, v, d in graph.edges(data=True)}
    assert len(data["edges"]) == graph.number_of_edges()


def test_node_fields() -> None:
    data = evidence_map_data(_kb(), _href)
    nodes = {n["id"]: n for n in data["nodes"]}
    claim = nodes["claim:fewer-readmissions"]
    assert (claim["k"], claim["ty"], claim["gr"], claim["st"], claim["u"]) == (
        "c",
        "outcome",
        "services",
        "contested",
        "../claim/fewer-readmissions/",
    )
    assert claim["t"].startswith("Peer support is associated with fewer psychiatric readmissions.\n")
    assert "contested" in claim["t"]
    study = nodes["study:pitt2013"]
    assert (study["k"], study["d"], study["lv"], study["l"]) == ("s", "systematic-review", 1, "Pitt et al., 2013")
    assert "Systematic review, evidence level 1" in study["t"]
    unrated = nodes["study:hostile2020"]
    assert unrated["d"] == "unrated" and "lv" not in unrated
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    assert (data["types"], data["stances"], data["levels"]) == (Config().claim_types, STANCES, [1, 2, 3, 4, 5, 6])


def test_label_function_is_used() -> None:
    data = evidence_map_data(_kb(), _href, lambda node: node.upper())
    assert {n["l"] for n in data["nodes"]} == {n.upper() for n in _ids(data)}


def test_output_is_deterministic_and_the_cache_does_not_change_it() -> None:
    first = script_json(evidence_map_data(_kb(), _href))
    second = script_json(evidence_map_data(_kb(), _href))
    layout._CACHE.clear()
    uncached = script_json(evidence_map_data(_kb(), _href))
    assert first == second == uncached


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HOSTILE, id="script-close"),
        pytest.param("<!-- <script>", id="comment-open"),
        pytest.param("a\u2028b\u2029c & d > e", id="separators"),
    ],
)
def test_script_json_cannot_close_its_element(text: str) -> None:
    data = {"nodes": [{"t": text, "l": text}], "key": [text]}
    out = script_json(data)
    assert not re.search(r"[<>&\u2028\u2029]", out)
    assert json.loads(out) == data


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            {"nodes": [{"t": HOSTILE, "l": "a\u2028b & c"}, {"t": "é"}], "key": [], "z": {"<": ">"}}, id="hostile"
        ),
        pytest.param({}, id="empty"),
        pytest.param({"a": 1, "b": [[1, "<"]], "c": None}, id="scalars"),
    ],
)
def test_the_map_data_written_in_pieces_is_script_json(data: dict) -> None:
    """The map's data file is written a node at a time: the same text ``script_json`` makes
    of the whole, escaping included."""
    assert "".join(script_json_pieces(data)) == script_json(data)


def test_the_evidence_maps_data_in_pieces_is_script_json() -> None:
    data = evidence_map_data(_kb(), _href)
    pieces = list(script_json_pieces(data))
    assert "".join(pieces) == script_json(data) and len(pieces) > len(data["nodes"])


def test_hostile_title_survives_as_text() -> None:
    kb = _kb()
    out = script_json(evidence_map_data(kb, _href))
    assert "</script" not in out.lower() and "<img" not in out
    nodes = {n["id"]: n for n in json.loads(out)["nodes"]}
    assert HOSTILE in nodes["study:hostile2020"]["t"]
    assert "javascript" not in out


def test_script_json_is_compact_and_sorted() -> None:
    assert script_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'


# -- layout -------------------------------------------------------------------------------


def synthetic(claims: int, studies: int, per_claim: int = 5, pages: int = 40):
    """A reproducible graph shaped like a large knowledge base: many private, some shared studies."""
    clusters = {f"claim:c{i:05d}": f"page{i % pages:03d}.md" for i in range(claims)}
    claim_ids = sorted(clusters)
    study_ids = [f"study:s{j:05d}" for j in range(studies)]
    edges = set()
    for i, claim in enumerate(claim_ids):
        for k in range(per_claim):
            j = (i * per_claim + k) % studies if k < per_claim - 1 else (i * 7919 + k * 104729) % studies
            edges.add((claim, study_ids[j]))
    return clusters, sorted(edges), study_ids


def test_layout_is_deterministic_finite_and_complete() -> None:
    clusters, edges, studies = synthetic(200, 600)
    first = layout.evidence_layout(clusters, edges, studies)
    layout._CACHE.clear()
    second = layout.evidence_layout(clusters, list(reversed(edges)), list(reversed(studies)))
    assert first == second
    assert set(first) == set(clusters) | set(studies)
    assert all(isinstance(v, int) and math.isfinite(v) for xy in first.values() for v in xy)
    claim_points = [first[c] for c in clusters]
    assert len(set(claim_points)) == len(claim_points)


def test_layout_places_a_study_near_its_only_claim() -> None:
    positions = layout.evidence_layout(
        {"claim:a": "a.md", "claim:b": "b.md"}, [("claim:a", "study:x"), ("claim:b", "study:y")], []
    )
    ax, ay = positions["claim:a"]
    near = math.dist(positions["study:x"], (ax, ay))
    far = math.dist(positions["study:y"], (ax, ay))
    assert near < far


def test_layout_keeps_unlinked_studies() -> None:
    positions = layout.evidence_layout({"claim:a": "a.md"}, [("claim:a", "study:x")], ["study:lonely"])
    assert set(positions) == {"claim:a", "study:x", "study:lonely"}


def test_layout_of_an_empty_graph() -> None:
    assert layout.evidence_layout({}, [], []) == {}
    assert set(layout.evidence_layout({}, [], ["study:a", "study:b"])) == {"study:a", "study:b"}


def test_map_of_a_site_without_claims() -> None:
    bibliography, _ = parse_bibliography(BIB, "references.bib", Config())
    kb, _ = build_knowledge_base([("index.md", "docs/index.md", "# Empty\n")], bibliography, Config())
    data = evidence_map_data(kb, _href)
    assert (data["nodes"], data["edges"]) == ([], [])


def test_layout_returns_a_copy_of_the_cache() -> None:
    clusters, edges, studies = synthetic(10, 20)
    first = layout.evidence_layout(clusters, edges, studies)
    first["claim:c00000"] = (10**9, 10**9)
    assert layout.evidence_layout(clusters, edges, studies)["claim:c00000"] != (10**9, 10**9)


def test_layout_scales_to_eight_thousand_nodes() -> None:
    clusters, edges, studies = synthetic(2000, 6000)
    positions = layout.evidence_layout(clusters, edges, studies)
    assert len(positions) == 8000


# -- templates ------------------------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parent.parent / "graphbuild" / "site" / "templates"
ASSETS = Path(__file__).resolve().parent.parent / "graphbuild" / "site" / "assets"


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
    )


def test_local_graph_template_escapes_the_label_and_carries_no_graph_of_its_own() -> None:
    """The page names the node; the script draws its neighbourhood from the map's data."""
    html = (
        _env()
        .get_template("local_graph.html")
        .render(data_id="gb-graph-1", node='claim:"x"', label=HOSTILE, map_src="../evidence/map.json")
    )
    assert "<img" not in html and "<script" not in html
    assert 'data-node="claim:&#34;x&#34;" data-map="../evidence/map.json"' in html
    assert '<details class="gb-local-graph"><summary>Show as a graph</summary>' in html


def test_evidence_map_template() -> None:
    config = Config()
    kb = _kb()
    urls = {p.src: page_url(p.src) if p.is_page else p.src for p in plan(kb)}
    site = make_site(kb, urls, SiteSettings(), load_style(None, Path(".")))
    (item,) = [p for p in plan(kb) if p.output is PAGE["map"]]
    html = page_body(site, item)
    assert '<div class="gb-map" id="gb-map" data-src="map.json" role="img"' in html
    # type, who, the evidence behind a claim, level, stance
    assert html.count("<fieldset>") == 5 and html.count("<legend>") == 5
    assert "<legend>Claims resting on</legend>" in html
    assert '<label for="gb-map-query">' in html and 'id="gb-map-query"' in html
    for value in config.claim_types + config.groups + STANCES + ["none", "unrated"]:
        assert f'value="{value}"' in html
    assert 'href="../claims/"' in html and 'href="matrix/"' in html and 'href="graph.json"' in html
    linked = sum(1 for key in kb.cited if key in kb.citing)
    stats = f"{len(kb.claims)} claims, {linked} studies and {build_graph(kb).number_of_edges()} links"
    assert stats in html
    assert "\n\n" not in html


def test_a_large_map_names_each_claims_page_for_its_first_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``CLUSTER_ABOVE`` nodes the map is first drawn by pages: the data lists the
    pages (in the order of their paths) and gives each claim its page's number; below it,
    the data is as it was."""
    from graphbuild.formats import mapdata

    kb = _kb()
    small = evidence_map_data(kb, _href)
    assert "pages" not in small and not any("pg" in n for n in small["nodes"])
    monkeypatch.setattr(mapdata, "CLUSTER_ABOVE", len(small["nodes"]) - 1)
    large = evidence_map_data(kb, _href)
    assert large["pages"] == ["Peer support", "Second"]
    pages = {n["id"]: n.get("pg") for n in large["nodes"]}
    assert pages["claim:role-clarity"] == 1 and pages["claim:hope"] == 0 and pages["study:min2007"] is None
    assert [{k: v for k, v in n.items() if k != "pg"} for n in large["nodes"]] == small["nodes"]
