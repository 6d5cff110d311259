"""The design rules that keep one fact in one place: import layers, the registry of what
the site writes, one table per vocabulary, and a page read as MkDocs reads it."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from graphbuild.model import vocabulary
from graphbuild.model.config import OPTION_NAMES, Config, designs_table, options_table
from graphbuild.model.scan import normalise_newlines, read_source, split_meta
from graphbuild.site import registry

from .conftest import BIB, INDEX_MD, MKDOCS_YML, REPO, build, write_site

PACKAGE = REPO / "graphbuild"
CONTRACTS = ("layers", "no-circles", "core-without-mkdocs", "model-without-templates")


@pytest.mark.parametrize("contract", CONTRACTS)
def test_the_package_keeps_its_import_contracts(contract: str) -> None:
    """The contracts in pyproject.toml (import-linter): imports point down the layers and
    never round a circle, imports under ``TYPE_CHECKING`` and inside functions included;
    only the adapter imports MkDocs; reading a site's sources needs no template engine.
    In a process of its own: import-linter reconfigures logging, which would silence
    MkDocs' loggers for the tests that follow."""
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--contract", contract, "--no-cache", str(REPO / "pyproject.toml")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_layer_is_under_contract() -> None:
    """A new sub-package is placed in a layer, or the contracts above do not see it."""
    layers = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    named = {name.strip() for layer in layers["contracts"][0]["layers"] for name in layer.split("|")}
    found = {f"graphbuild.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    found |= {f"graphbuild.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert found - {"graphbuild.__main__"} <= named


def _classes() -> list[tuple[str, ast.ClassDef]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(path.relative_to(REPO).as_posix(), n) for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    return found


@pytest.mark.parametrize(("path", "node"), _classes(), ids=lambda v: v.name if isinstance(v, ast.ClassDef) else v)
def test_no_class_has_more_than_25_methods(path: str, node: ast.ClassDef) -> None:
    """An object with one job: the old renderer had 59 methods doing seven jobs."""
    methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert len(methods) <= 25, f"{path}: {node.name} has {len(methods)} methods"


def test_the_mkdocs_adapter_stays_thin() -> None:
    """The plugin turns MkDocs' objects into calls on the build's session; the work is below."""
    lines = (PACKAGE / "mkdocs_plugin.py").read_text(encoding="utf-8").count("\n")
    assert lines < 300, f"mkdocs_plugin.py has {lines} lines"


# -- a page as MkDocs reads it --------------------------------------------------------------

page_text = st.lists(
    st.sampled_from(["---", "...", "title: T", "Key: value", "    more", "\t", "", "x", "# H", "a: [", "- b"]),
    max_size=12,
).map("\n".join) | st.text(alphabet="-.:\n \tabKy#[", max_size=40)


@settings(max_examples=400, deadline=None)
@given(page_text)
def test_the_body_is_what_mkdocs_hands_to_plugins(text: str) -> None:
    text = normalise_newlines(text)
    body, meta = split_meta(text)
    assert (body, meta) == get_data(text)
    source = read_source(text)
    assert text.endswith(source.body) and source.prefix + source.body == text


# -- one registry of what the site writes ---------------------------------------------------


def test_the_reference_lists_every_generated_page_and_export() -> None:
    reference = (REPO / "docs" / "reference" / "outputs.md").read_text(encoding="utf-8")
    section = reference[reference.index("The generated pages:") :]
    section = section[: section.index("\n\n")]
    listed = set(re.findall(r"`([a-z][a-z/.<>-]*)`", section))
    pages = {p.src.replace("{slug}.md", "<key>/").removesuffix("index.md") for p in registry.PAGES}
    exports = {f.src for f in registry.FILES if (f.label or f.feed) and not f.each}
    families = {
        f.src.replace("{id}/index.html", "<id>/").replace("{type}", "<type>").replace("{slug}", "<key>")
        for f in registry.FILES
        if f.each and (f.label or f.feed or f.each != "study")
    }
    assert pages | exports | families == listed


def _table(page: str, header: str) -> str:
    text = (REPO / "docs" / "reference" / page).read_text(encoding="utf-8")
    table = text[text.index(header) :]
    return table[: table.index("\n\n") + 1]


def test_the_options_reference_is_made_from_the_declaration() -> None:
    """The table is ``options_table()``'s output; a changed option changes both or fails here."""
    table = options_table()
    assert _table("options.md", "| option | default | what it does |") == table, f"paste this table:\n{table}"
    assert re.findall(r"^\| `([a-z_]+)` \|", table, re.M) == list(OPTION_NAMES)


def test_the_designs_reference_is_made_from_the_scheme() -> None:
    table = designs_table()
    assert _table("options.md", "| design | level |") == table, f"paste this table:\n{table}"
    assert len(table.splitlines()) == 2 + len(Config().design_order)


def test_the_templates_reference_lists_every_template() -> None:
    listed = re.findall(r"^\| `([a-z_]+\.html)` \|", _table("templates.md", "| template |"), re.M)
    shipped = sorted(p.name for p in (PACKAGE / "site" / "templates").glob("*.html"))
    assert sorted(listed) == shipped


def test_this_sites_conventions_name_its_vocabulary() -> None:
    from graphbuild.model.project import load_project

    config = load_project(REPO).config
    page = (REPO / "docs" / "conventions.md").read_text(encoding="utf-8")
    for label, values in (("Claim types", config.claim_types), ("Groups", config.groups)):
        line = next(line for line in page.splitlines() if line.startswith(f"- **{label}:**"))
        assert re.findall(r"`([a-z-]+)`", line) == values


def test_a_new_generated_page_is_one_entry_and_one_template(site: Path, monkeypatch, tmp_path: Path) -> None:
    templates = tmp_path / "overrides" / "graphbuild"
    templates.mkdir(parents=True)
    (templates / "contested.html").write_text(
        "<ul>{% for c in claims if c.profile.contested %}<li>{{ c.claim.statement }}</li>{% endfor %}</ul>",
        encoding="utf-8",
    )
    extra = registry.GeneratedPage("contested", "evidence/contested/index.md", "Contested claims", "contested.html")
    monkeypatch.setattr(registry, "PAGES", (*registry.PAGES, extra))
    monkeypatch.setattr(registry, "PAGE", {**registry.PAGE, extra.name: extra})
    (site / "overrides").symlink_to(tmp_path / "overrides")
    built = build(site)
    html = (built / "evidence" / "contested" / "index.html").read_text(encoding="utf-8")
    assert "<li>Peer support is associated with fewer psychiatric readmissions.</li>" in html
    assert "<title>Contested claims" in html


# -- one table per vocabulary ----------------------------------------------------------------

HARMS = vocabulary.StanceTerm(
    "harms", "harms", "☠", False, "found harm", "found harm", "black line of long dashes", "#000000", "#ffffff", (12, 3)
)


def test_the_script_knows_no_value_of_any_vocabulary() -> None:
    script = (PACKAGE / "site" / "assets" / "graphbuild.js").read_text(encoding="utf-8")
    values = [t.value for t in vocabulary.STANCES] + [m.shape for m in vocabulary.LEVEL_MARKS]
    values += [t.colour for t in vocabulary.STANCES] + [s.colour for s in vocabulary.STATUSES]
    values += [c.colour for c in vocabulary.CERTAINTIES] + [c.value for c in vocabulary.CERTAINTIES]
    assert [v for v in values if re.search(rf"['\"]{re.escape(v)}['\"]", script)] == []


def test_a_new_stance_is_one_table_entry(tmp_path: Path, monkeypatch) -> None:
    """Every consumer of the stance table knows an added stance: the claim reader, the card,
    the profile sentence, the map's legend and filters, the stylesheet the map draws with,
    the map data and the exports."""
    stances = (*vocabulary.STANCES, HARMS)
    _patch_everywhere(
        monkeypatch,
        STANCES=stances,
        STANCE={t.value: t for t in stances},
        STANCE_VALUES=[t.value for t in stances],
    )
    page = INDEX_MD.replace("    stance: no-effect", "    stance: harms")
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": page})
    built = build(root)
    home = (built / "index.html").read_text(encoding="utf-8")
    assert '<span class="gb-stance gb-stance-harms"><span aria-hidden="true">☠</span> harms</span>' in home
    assert "one systematic review found harm" in home
    evidence_map = (built / "evidence" / "index.html").read_text(encoding="utf-8")
    assert 'name="stance" value="harms"' in evidence_map
    assert "Black line of long dashes: the study found harm" in evidence_map
    css = (built / "assets" / "graphbuild" / "graphbuild.css").read_text(encoding="utf-8")
    assert "--gb-stance-harms: #000000;" in css and "--gb-stance-dash-harms: 12 3;" in css
    assert ".gb-line .gb-line-harms { stroke: var(--gb-stance-harms); stroke-dasharray: 12 3; }" in css
    assert '"harms"' in (built / "evidence" / "map.json").read_text(encoding="utf-8")
    assert ",harms," in (built / "evidence" / "claims.csv").read_text(encoding="utf-8")
    linked = (built / "evidence" / "graph.jsonld").read_text(encoding="utf-8")
    assert '"cito:citesAsEvidence":["../studies/min2007/","../studies/pitt2013/"]' in linked


def _patch_everywhere(monkeypatch, **tables) -> None:
    """Every module of the package that took a vocabulary table by name gets the new one."""
    import sys

    for name, new in tables.items():
        old = getattr(vocabulary, name)
        for module in [m for n, m in sys.modules.items() if n.startswith("graphbuild") and m is not None]:
            if getattr(module, name, None) is old:
                monkeypatch.setattr(module, name, new)


CINEMA = vocabulary.ApproachTerm(
    "cinema",
    "CINeMA",
    "confidence in the network estimate",
    (
        vocabulary.DomainTerm("within-study-bias", "Within-study bias"),
        vocabulary.DomainTerm("heterogeneity", "Heterogeneity"),
        vocabulary.DomainTerm("incoherence", "Incoherence"),
    ),
    {
        "high": "Very confident in the network estimate.",
        "moderate": "Moderately confident in the network estimate.",
        "low": "Limited confidence in the network estimate.",
        "very-low": "Very little confidence in the network estimate.",
    },
    "heterogeneity",
    {"moderate": ("probably",)},
)
NETWORK = vocabulary.DesignTerm(
    "network-meta-analysis", 1, "network meta-analysis", "network meta-analyses", {"cinema": "high"}
)
CASE_SERIES = vocabulary.DesignTerm("case-series", 4, "case series", "case series", {"grade": "low"})


def test_a_new_design_and_a_new_approach_are_one_entry_each(tmp_path: Path, monkeypatch) -> None:
    """A design added to ``DESIGNS`` has its level, nouns and starting point everywhere; an
    approach added to ``APPROACHES`` its domains, meanings, hedges and single-study domain,
    in the claim reader, the checks and the card."""
    approaches = (*vocabulary.APPROACHES, CINEMA)
    designs = (*vocabulary.DESIGNS, NETWORK, CASE_SERIES)
    domains = tuple(vocabulary.DomainTerm(d.value, d.heading, d.up, a.value) for a in approaches for d in a.domains)
    _patch_everywhere(
        monkeypatch,
        APPROACHES=approaches,
        APPROACH={a.value: a for a in approaches},
        DOMAINS=domains,
        DOMAIN={d.value: d for d in domains},
        DESIGNS=designs,
        DESIGN={d.value: d for d in designs},
        VERY_LOW_EITHER={a.value: "very-low" for a in approaches},
    )
    bib = BIB + (
        "@article{nma2020, author = {Net, Nora}, title = {A network}, year = {2020},\n"
        "  design = {network-meta-analysis}}\n"
        "@article{cases2019, author = {Case, Cal}, title = {Some cases}, year = {2019}, design = {case-series}}\n"
    )
    page = (
        "# Networks\n\n```claim\nid: networked\nstatement: Peer support helps.\ntype: outcome\n"
        "certainty: moderate\nbecause:\n  heterogeneity: The trials disagree.\n"
        "summary: Peer support helps.\nevidence:\n  - nma2020\n```\n\n"
        "```claim\nid: cased\nstatement: Cases improve.\ntype: outcome\nevidence:\n  - cases2019\n```\n"
    )
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": bib, "docs/index.md": page})
    built = build(root, strict=False)
    home = (built / "index.html").read_text(encoding="utf-8")
    assert '<span class="gb-approach">(CINeMA)</span>' in home
    assert "Moderately confident in the network estimate." in home
    assert "<strong>Heterogeneity</strong>: The trials disagree." in home
    assert "Supported by one network meta-analysis." in home and "Supported by one case series." in home
    assert '<span class="gb-level-n">level 4</span> <span class="gb-design">case series</span>' in home
    assert "evidence of this kind starts at low." in home  # the case series, under GRADE
    from graphbuild.model.bibliography import parse_bibliography
    from graphbuild.model.config import Config
    from graphbuild.model.knowledge import build_knowledge_base

    config = Config()
    assert config.levels[1] == ["systematic-review", "network-meta-analysis"]
    studies, _ = parse_bibliography(bib, "references.bib", config)
    _, problems = build_knowledge_base([("index.md", "docs/index.md", page)], studies, config)
    messages = [d.message for d in problems]
    assert "the summary of 'networked' reads stronger than moderate certainty: CINeMA's wording uses 'probably'" in (
        messages
    )
    moved = page.replace("  heterogeneity: The trials disagree.\n", "  within-study-bias: Unblinded.\n")
    _, problems = build_knowledge_base([("index.md", "docs/index.md", moved)], studies, config)
    assert any("rated moderate on one study; say under 'heterogeneity:'" in d.message for d in problems)
    wrong = page.replace("  heterogeneity: The trials disagree.\n", "  risk-of-bias: Unblinded.\n")
    _, problems = build_knowledge_base([("index.md", "docs/index.md", wrong)], studies, config)
    assert any(
        "'risk-of-bias' is a GRADE reason, but claim 'networked' is rated with CINeMA; "
        "give one of: within-study-bias, heterogeneity, incoherence" in d.message
        for d in problems
    )
