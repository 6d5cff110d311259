"""JSON-LD for claims and studies, expanded with pyld against the schema.org context served
from a file (no network), the CiTO mapping pinned, and the ``<script>`` form kept inert."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from graphbuild.common.urls import relative_url
from graphbuild.formats.linkeddata import (
    RELATIONS,
    claim_jsonld,
    document,
    graph_jsonld,
    jsonld_script,
    jsonld_text,
    study_jsonld,
)
from graphbuild.model.bibliography import Bibliography, load_bibliography, parse_bibliography
from graphbuild.model.claims import Claim, Evidence
from graphbuild.model.config import Config
from graphbuild.model.vocabulary import STANCE, STANCE_VALUES

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA_CONTEXT = json.loads((FIXTURES / "jsonld" / "schemaorg-context.jsonld").read_text(encoding="utf-8"))
SCHEMA = "http://schema.org/"
CITO = "http://purl.org/spar/cito/"
GB = "https://w3id.org/graphbuild/vocab#"
SITE = "https://kb.example/"

# The one mapping from stance to properties, claim -> study (CiTO runs from citing to cited).
CITO_MAPPING = {
    "supports": {CITO + "obtainsSupportFrom", CITO + "citesAsEvidence", GB + "supportingEvidence"},
    "contradicts": {CITO + "disagreesWith", GB + "contradictingEvidence"},
    "mixed": {CITO + "citesAsEvidence", GB + "mixedEvidence"},
    "no-effect": {CITO + "citesAsEvidence", GB + "noEffectEvidence"},
}


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    """Serves schema.org's context from tests/fixtures; any other URL is a test failure."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": SCHEMA_CONTEXT,
        }
    raise AssertionError(f"the JSON-LD asked for another document: {url}")


def expand(data: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(data, {"documentLoader": load_document})


def iri(node: str) -> str:
    kind, _, name = node.partition(":")
    return f"{SITE}{'studies' if kind == 'study' else 'claims'}/{name}/"


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    bibliography, _ = load_bibliography(FIXTURES / "bib" / "citations.bib", "citations.bib", Config())
    return bibliography


def claim(*evidence: tuple[str, str], statement: str = "Peer support reduces readmissions.") -> Claim:
    items = [Evidence(key, stance, "", i + 1) for i, (key, stance) in enumerate(evidence)]
    return Claim("fewer-readmissions", statement, "outcome", "services", ["service-use"], items, "docs/a.md", 3)


def predicates_to(node: dict[str, Any], target: str) -> set[str]:
    return {p for p, values in node.items() if isinstance(values, list) and {"@id": target} in values}


# -- the CiTO mapping ------------------------------------------------------------------------


def test_every_stance_has_a_mapping() -> None:
    assert STANCE_VALUES == list(CITO_MAPPING)
    assert all(STANCE[s].linked_data for s in STANCE_VALUES)


@pytest.mark.parametrize("stance", STANCE_VALUES)
def test_cito_mapping_as_expanded(bib: Bibliography, stance: str) -> None:
    (node,) = expand(document(claim_jsonld(claim(("min2007", stance)), iri, bib.studies)))
    assert predicates_to(node, iri("study:min2007")) == CITO_MAPPING[stance] | {SCHEMA + "citation"}


def test_claim_node(bib: Bibliography) -> None:
    data = claim_jsonld(
        claim(("min2007", "supports"), ("nosuch", "mixed"), ("dh2011", "no-effect")),
        iri,
        bib.studies,
        status="supported",
    )
    (node,) = expand(document(data))
    assert node["@id"] == iri("claim:fewer-readmissions")
    assert node["@type"] == [SCHEMA + "Claim"]
    assert node[SCHEMA + "text"] == [{"@value": "Peer support reduces readmissions."}]
    assert node[SCHEMA + "keywords"] == [{"@value": "service-use"}]
    assert node[GB + "claimType"] == [{"@value": "outcome"}] and node[GB + "group"] == [{"@value": "services"}]
    assert node[GB + "status"] == [{"@value": "supported"}]
    assert node[SCHEMA + "citation"] == [{"@id": iri("study:min2007")}, {"@id": iri("study:dh2011")}]
    assert "nosuch" not in json.dumps(node)


def test_study_listed_twice_keeps_its_last_stance(bib: Bibliography) -> None:
    data = claim_jsonld(claim(("min2007", "supports"), ("min2007", "contradicts")), iri, bib.studies)
    (node,) = expand(document(data))
    assert predicates_to(node, iri("study:min2007")) == CITO_MAPPING["contradicts"] | {SCHEMA + "citation"}


# -- studies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "schema_type"),
    [
        pytest.param("min2007", "ScholarlyArticle", id="article"),
        pytest.param("repper2013", "Book", id="book"),
        pytest.param("davidson2006", "Chapter", id="chapter"),
        pytest.param("holley2015", "Thesis", id="thesis"),
        pytest.param("dh2011", "Report", id="report"),
        pytest.param("daniels2010", "ScholarlyArticle", id="misc"),
    ],
)
def test_study_types(bib: Bibliography, key: str, schema_type: str) -> None:
    (node,) = expand(document(study_jsonld(bib[key], iri)))
    assert node["@type"] == [SCHEMA + schema_type]


def test_study_node(bib: Bibliography) -> None:
    (node,) = expand(document(study_jsonld(bib["min2007"], iri)))
    assert node["@id"] == iri("study:min2007")
    assert node[SCHEMA + "author"][0] == {
        "@type": [SCHEMA + "Person"],
        SCHEMA + "name": [{"@value": "Sae-Young Min"}],
        SCHEMA + "givenName": [{"@value": "Sae-Young"}],
        SCHEMA + "familyName": [{"@value": "Min"}],
    }
    assert node[SCHEMA + "datePublished"] == [{"@type": SCHEMA + "Date", "@value": "2007-01"}]
    assert node[SCHEMA + "sameAs"] == [{"@id": "https://doi.org/10.2975/30.3.2007.207.213"}]
    (issue,) = node[SCHEMA + "isPartOf"]
    (volume,) = issue[SCHEMA + "isPartOf"]
    (journal,) = volume[SCHEMA + "isPartOf"]
    assert issue[SCHEMA + "issueNumber"] == [{"@value": "3"}]
    assert volume[SCHEMA + "volumeNumber"] == [{"@value": "30"}]
    assert journal[SCHEMA + "name"] == [{"@value": "Psychiatric Rehabilitation Journal"}]
    assert (node[SCHEMA + "pageStart"], node[SCHEMA + "pageEnd"]) == ([{"@value": "207"}], [{"@value": "213"}])
    assert node[GB + "design"] == [{"@value": "comparison-group"}] and node[GB + "evidenceLevel"] == [{"@value": 3}]


def test_study_organisation_and_links(bib: Bibliography) -> None:
    report = study_jsonld(bib["dh2011"], iri)
    assert report["author"] == [{"@type": "Organization", "name": "Department of Health"}]
    assert report["publisher"] == {"@type": "Organization", "name": "Department of Health"}
    assert study_jsonld(bib["daniels2010"], iri)["sameAs"] == ["https://www.pillarsofpeersupport.org"]
    assert "sameAs" not in study_jsonld(bib["hostile2020"], iri)  # a javascript: URL is no link


# -- the whole graph -------------------------------------------------------------------------


def test_graph_document_expands_and_reads_back(bib: Bibliography) -> None:
    claims = [claim(("min2007", "supports"), ("dh2011", "contradicts"))]
    data = graph_jsonld(claims, bib.studies, iri, {"fewer-readmissions": "contested"})
    text = jsonld_text(data)
    assert json.loads(text) == data and text == jsonld_text(json.loads(text))  # deterministic
    nodes = expand(json.loads(text))
    kinds = sorted(t.removeprefix(SCHEMA) for n in nodes for t in n["@type"])
    assert kinds.count("Claim") == 1 and len(nodes) == 1 + len(bib)
    ids = {n["@id"] for n in nodes}
    for node in nodes:  # every reference from a claim is to a node in the document
        for prop, values in node.items():
            if prop.startswith((CITO, GB)) and isinstance(values, list) and "@id" in values[0]:
                assert {v["@id"] for v in values} <= ids


# -- compact forms, the same statements -----------------------------------------------------

EVERY_STANCE = [
    ("min2007", "supports"),
    ("repper2013", "contradicts"),
    ("davidson2006", "mixed"),
    ("dh2011", "no-effect"),
    ("nosuch", "supports"),
    ("holley2015", "supports"),
    ("holley2015", "mixed"),
]


def reference_expansion(bib: Bibliography) -> list[dict[str, Any]]:
    """Each node with absolute ids, ``{"@id": ...}`` values and a context of its own that
    names every prefix: what the compact forms must say."""
    nodes = [claim_jsonld(claim(*EVERY_STANCE), iri, bib.studies, "contested")]
    nodes += [study_jsonld(study, iri) for study in bib.studies.values()]
    context = ["https://schema.org/", {"cito": CITO, "gb": GB}]
    return [expanded for node in nodes for expanded in expand({"@context": context, **node})]


def relative_iri(from_page: str) -> Callable[[str], str]:
    return lambda node: relative_url(from_page, iri(node).removeprefix(SITE))


@pytest.mark.parametrize(
    ("base", "ids_from", "read_from"),
    [
        pytest.param(SITE, "", "https://elsewhere.example/copy.jsonld", id="site-url-as-base"),
        pytest.param(None, "evidence/graph.jsonld", f"{SITE}evidence/graph.jsonld", id="no-site-url"),
    ],
)
def test_graph_document_says_what_its_nodes_say(
    bib: Bibliography, base: str | None, ids_from: str, read_from: str
) -> None:
    """``graph.jsonld``: relative ids, the relations to studies as plain strings, ``@base``
    where the site's URL is known; expanded, every statement of the nodes as they stand alone."""
    data = graph_jsonld(
        [claim(*EVERY_STANCE)], bib.studies, relative_iri(ids_from), {"fewer-readmissions": "contested"}, base=base
    )
    relations = json.loads(jsonld_text(data))["@graph"][0]
    assert all(isinstance(value, str) for prop in RELATIONS for value in relations[prop])
    expanded = jsonld.expand(json.loads(jsonld_text(data)), {"documentLoader": load_document, "base": read_from})
    assert expanded == reference_expansion(bib)


def test_page_documents_say_what_their_nodes_say(bib: Bibliography) -> None:
    """A page's JSON-LD: ids relative to the page, read against its URL."""
    page = "topics/readmissions/"
    nodes = [document(claim_jsonld(claim(*EVERY_STANCE), relative_iri(page), bib.studies, "contested"))]
    nodes += [document(study_jsonld(study, relative_iri(page))) for study in bib.studies.values()]
    options = {"documentLoader": load_document, "base": SITE + page}
    assert [expanded for node in nodes for expanded in jsonld.expand(node, options)] == reference_expansion(bib)
    assert nodes[0]["citation"][0] == {"@id": "../../studies/min2007/"}


def test_a_page_names_only_the_prefixes_it_uses(bib: Bibliography) -> None:
    assert document(study_jsonld(bib["min2007"], iri))["@context"] == ["https://schema.org/", {"gb": GB}]
    assert document(study_jsonld(bib["daniels2010"], iri))["@context"] == "https://schema.org/"  # no design
    assert document(claim_jsonld(claim(*EVERY_STANCE), iri, bib.studies))["@context"][1] == {"cito": CITO, "gb": GB}


# -- inside <script> -------------------------------------------------------------------------

HOSTILE = 'Evil </script><script>alert(1)</script> <!-- x --> \u2028\u2029 "quote" ]]> & javascript:alert(1)'


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.tags: list[str] = []
        self._attrs: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self._attrs = dict(attrs)
            self.scripts.append((self._attrs, ""))

    def handle_data(self, data: str) -> None:
        if self._attrs is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._attrs = None


@pytest.mark.parametrize("markdown_safe", [False, True], ids=["html", "markdown-safe"])
def test_script_is_inert(bib: Bibliography, markdown_safe: bool) -> None:
    hostile_study, _ = parse_bibliography(
        "@article{evil, title = {" + HOSTILE.replace("&", r"\&") + "}, url = {javascript:alert(1)}, year = 2020}",
        "r.bib",
        Config(),
    )
    assert "</script><script>" in hostile_study["evil"].title  # LaTeX decoding keeps it
    data = graph_jsonld([claim(("evil", "supports"), statement=HOSTILE)], hostile_study.studies, iri)
    markup = jsonld_script(data, markdown_safe)
    parser = Scripts()
    parser.feed(markup)
    parser.close()
    assert parser.tags == ["script"]
    ((attrs, body),) = parser.scripts
    assert attrs == {"type": "application/ld+json"}
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in body
    assert json.loads(body) == data
    assert [n["@type"] for n in expand(json.loads(body))] == [[SCHEMA + "Claim"], [SCHEMA + "ScholarlyArticle"]]
    assert "javascript:alert(1)" not in json.dumps([n.get("sameAs") for n in data["@graph"]])
