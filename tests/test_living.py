"""Living evidence on the site: dated cards, the changes page and feeds, permanent claim
addresses; built with the plugin and as a Markdown tree, from a throwaway repository."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from graphbuild.cli import main
from graphbuild.history.dating import site_history
from graphbuild.publishing.finish import EXPORTS_DIR

from .conftest import MKDOCS_YML, REPO, build, write_site
from .living_repo import COMMITS, FLIPPED, git, make_repo

SITE_URL = "https://peer.example.org/kb/"
TRUST = """\
```claim
id: peer-trust
statement: Patients trust peer workers.
type: benefit
group: patients
evidence:
  - key: gillard2014
    stance: supports
```
"""
# The four commits of living_repo, then one that replaces a claim: peer-hope goes, peer-trust comes.
# Its message says why for the site's readers, in a trailer; its subject is the repository's.
WHY = "The hope finding is better read as one about trust."
REPLACE = (
    f"Replace a claim\n\nSquash of three edits.\n\nEvidence-note: {WHY}",
    {"docs/index.md": "# Peer support\n\nWhat peer workers offer.\n\n" + TRUST},
    20,
)
CONFIG = (
    MKDOCS_YML
    + f"site_url: {SITE_URL}\n"
    + ("validation:\n  omitted_files: warn\n  absolute_links: warn\n  unrecognized_links: warn\n  anchors: warn\n")
)
DATES_OF_FEWER = (
    '<p class="gb-dates">Entry on this site updated <time datetime="2026-03-09">9 March 2026</time>'
    ' · added <time datetime="2026-03-05">5 March 2026</time></p>'
)
AUTODISCOVERY = re.compile(r'<link rel="alternate" type="application/atom\+xml"[^>]*>')


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("living") / "site"
    shas = make_repo(root, [*COMMITS, REPLACE])
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    git(root, "commit", "-q", "-am", "Publish at the site's address", day=21)
    return root, shas


@pytest.fixture(scope="module")
def built(repo: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(repo[0], site_dir=tmp_path_factory.mktemp("living-site"))


def read(out: Path, page: str) -> str:
    return (out / page).read_text(encoding="utf-8")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# -- dated cards -----------------------------------------------------------------------------


def test_cards_say_when_their_evidence_last_changed(built: Path) -> None:
    outcomes = read(built, "outcomes/index.html")
    assert outcomes.count(DATES_OF_FEWER) == 1
    home = read(built, "index.html")
    assert '<p class="gb-dates">Entry on this site updated <time datetime="2026-03-20">20 March 2026</time></p>' in home


def test_the_summary_of_findings_shows_the_dates_too(built: Path) -> None:
    assert DATES_OF_FEWER in read(built, "evidence/summary/index.html")


def test_exports_carry_the_dates_and_the_permanent_address(built: Path) -> None:
    nodes = {n["id"]: n for n in json.loads(read(built, "evidence/graph.json"))["nodes"]}
    fewer = nodes["claim:fewer-readmissions"]
    assert (fewer["added"], fewer["evidence_changed"], fewer["url"]) == (
        "2026-03-05",
        "2026-03-09",
        "claims/fewer-readmissions/",
    )
    assert "claim:peer-hope" not in nodes
    graphml = read(built, "evidence/graph.graphml")
    assert 'attr.name="evidence_changed"' in graphml and ">2026-03-09</data>" in graphml
    rows = read(built, "evidence/claims.csv").splitlines()
    assert rows[0].endswith(",added,evidence_changed,url")
    assert rows[1].startswith("fewer-readmissions,") and rows[1].endswith(
        ",2026-03-05,2026-03-09,claims/fewer-readmissions/"
    )


# -- the changes page and feeds --------------------------------------------------------------


def test_the_changes_page_lists_the_events_newest_first_by_day(built: Path) -> None:
    html = read(built, "evidence/changes/index.html")
    days = re.findall(r'<h2 id="changes-([0-9-]+)"><time datetime="\1">([^<]+)</time></h2>', html)
    assert [day for _, day in days] == [
        "20 March 2026",
        "12 March 2026",
        "9 March 2026",
        "5 March 2026",
        "2 March 2026",
    ]
    groups = re.findall(
        r'<h3 class="gb-change-subject"><a href="([^"]+)">([^<]+)</a></h3>\n<ul class="gb-changes">\n'
        r'<li class="gb-change-([a-z-]+)">',
        html,
    )
    assert [(href, kind) for href, _, kind in groups] == [
        ("../../claims/peer-hope/", "claim-removed"),  # gone: its permanent address says so
        ("../../#peer-trust", "claim-added"),
        ("../../outcomes/#fewer-readmissions", "claim-moved"),
        ("../../outcomes/#fewer-readmissions", "stance-changed"),
        ("../../outcomes/#fewer-readmissions", "claim-added"),
        ("../../claims/peer-hope/", "claim-added"),
    ]
    words = text(html)
    assert (
        "<strong>Stance changed</strong>: Gillard &amp; Holley, 2014 now found no significant effect "
        "(was: supports the claim)</li>" in html
    )
    assert "Claim moved : from Peer support to Outcomes" in words
    assert "no-effect" not in words and "gillard2014" not in words  # the vocabulary's words, never raw values
    assert "Flip a stance" not in html and "Squash of three edits" not in html  # commit messages stay out
    assert f'<p class="gb-change-note"><span class="gb-label">Why:</span> {WHY}</p>' in html


def test_the_changes_page_is_in_the_evidence_navigation(built: Path) -> None:
    nav = read(built, "index.html")
    assert re.search(r'href="evidence/changes/"[^>]*>\s*<span class="md-ellipsis">\s*Changes to the evidence', nav)


def test_the_feed_parses_and_links_to_permanent_addresses(built: Path) -> None:
    feed = feedparser.parse(read(built, "evidence/changes.xml"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Test site: changes to the evidence"
    assert feed.feed.updated == "2026-03-20T12:00:00+00:00"  # the newest event's commit, not the clock
    assert [e.link for e in feed.entries][:3] == [
        SITE_URL + "claims/peer-hope/",
        SITE_URL + "claims/peer-trust/",
        SITE_URL + "claims/fewer-readmissions/",
    ]
    assert len(feed.entries) == 6
    assert all(e.id.startswith("tag:peer.example.org,2026-03-") for e in feed.entries)


def test_a_feed_per_claim_type_shares_the_entry_ids(built: Path) -> None:
    everything = feedparser.parse(read(built, "evidence/changes.xml"))
    outcomes = feedparser.parse(read(built, "evidence/changes/outcome.xml"))
    assert outcomes.bozo == 0 and outcomes.feed.title == "Test site: changes to the evidence (outcome claims)"
    assert [e.id for e in outcomes.entries] == [e.id for e in everything.entries if "fewer-readmissions" in e.link]
    barriers = feedparser.parse(read(built, "evidence/changes/barrier.xml"))
    assert barriers.bozo == 0 and barriers.entries == []
    changes = read(built, "evidence/changes/index.html")
    assert '<a href="outcome.xml" type="application/atom+xml">outcome</a>' in changes


def test_every_page_links_to_the_feed_in_its_head(built: Path) -> None:
    stubs = set((built / "claims").glob("*/index.html"))
    themed = [p for p in sorted(built.rglob("*.html")) if p not in stubs and p.name != "404.html"]
    assert len(stubs) == 3 and len(themed) == 10
    for page in themed:
        html = page.read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        assert AUTODISCOVERY.findall(head) == [
            f'<link rel="alternate" type="application/atom+xml" title="Changes to the evidence" '
            f'href="{SITE_URL}evidence/changes.xml">'
        ], page


# -- permanent addresses ---------------------------------------------------------------------


def test_every_claim_has_a_permanent_address_that_leads_to_its_card(built: Path) -> None:
    stub = read(built, "claims/fewer-readmissions/index.html")
    assert '<meta http-equiv="refresh" content="0; url=../../outcomes/#fewer-readmissions">' in stub
    assert '<link rel="canonical" href="../../outcomes/#fewer-readmissions">' in stub
    assert "<script" not in stub and len(stub.encode()) < 600
    card = read(built, "outcomes/index.html")
    assert '<a href="../claims/fewer-readmissions/">Permanent link</a>' in card
    assert "Permanent link" in read(built, "index.html")


def test_hostile_statements_stay_inert_at_claims_addresses(tmp_path: Path) -> None:
    from .test_feed import Page
    from .test_hostile import write_hostile_site

    out = build(write_hostile_site(tmp_path / "src"), strict=False, site_dir=tmp_path / "out")
    stubs = sorted((out / "claims").glob("*/index.html"))
    assert stubs
    for stub in stubs:
        page = Page(stub.read_text(encoding="utf-8"))
        assert {tag for tag, _ in page.tags} <= {"html", "head", "meta", "title", "link", "body", "p", "a"}, stub
        assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs), stub
        assert all(a["href"].startswith("../../") for t, a in page.tags if t == "a"), stub


def test_a_removed_claims_address_says_when_it_went(built: Path) -> None:
    stub = text(read(built, "claims/peer-hope/index.html"))
    assert "was removed from this site on 20 March 2026" in stub
    assert "Peer support gives patients hope." in stub


def test_permanent_addresses_stay_out_of_search_and_the_sitemap(built: Path) -> None:
    index = json.loads(read(built, "search/search_index.json"))
    assert not [doc["location"] for doc in index["docs"] if doc["location"].startswith("claims/peer")]
    assert "claims/peer" not in read(built, "sitemap.xml") and "changes.xml" not in read(built, "sitemap.xml")
    assert "claims/index.html" in [p.relative_to(built).as_posix() for p in built.rglob("index.html")]


def test_addresses_without_directory_urls(site: Path) -> None:
    (site / "mkdocs.yml").write_text(MKDOCS_YML + "use_directory_urls: false\n", encoding="utf-8")
    out = build(site)
    assert '<a href="claims/hope/index.html">Permanent link</a>' in read(out, "index.html")
    assert '<meta http-equiv="refresh" content="0; url=../../index.html#hope">' in read(out, "claims/hope/index.html")


def test_an_editors_file_at_a_claims_address_is_a_clash(site: Path, capsys) -> None:
    write_site(site, {"docs/claims/hope.md": "# Mine\n"})
    assert main(["--root", str(site), "check"]) == 1
    assert (
        "docs/claims/hope.md:1: error: 'claims/hope.md' would be written to 'claims/hope/index.html', "
        "where graphbuild writes 'claims/hope/index.html'"
    ) in capsys.readouterr().out


def test_the_id_index_is_reserved(site: Path, capsys) -> None:
    page = site / "docs/index.md"
    page.write_text(page.read_text().replace("id: hope", "id: index"), encoding="utf-8")
    assert main(["--root", str(site), "check"]) == 1
    out = capsys.readouterr().out
    assert (
        "docs/index.md:26: error: claim id 'index' is reserved: a claim's permanent address is claims/<id>/, "
        "and claims/ is the claims index; choose another id"
    ) in out


# -- what the history cannot tell --------------------------------------------------------------


def test_an_uncommitted_change_to_the_evidence_has_no_date(repo, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO)
    root, _ = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{root}", str(clone))
    page = clone / "docs/outcomes.md"
    page.write_text(page.read_text().replace("stance: no-effect", "stance: mixed"), encoding="utf-8")
    out = build(clone)
    card = read(out, "outcomes/index.html")
    assert '<p class="gb-dates">Entry added to this site <time datetime="2026-03-05">5 March 2026</time></p>' in card
    assert "Entry on this site updated" not in card
    assert "mkdocs.yml:1: note: 1 claim(s) with uncommitted changes to their evidence" in caplog.text


def test_a_shallow_clone_gives_no_date_it_cannot_know(repo, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO)
    root, _ = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{root}", str(clone))
    out = build(clone)  # strict: a note fails nothing
    assert "Entry on this site updated" not in read(out, "outcomes/index.html")
    assert "mkdocs.yml:1: note: the clone is shallow" in caplog.text
    assert feedparser.parse(read(out, "evidence/changes.xml")).bozo == 0


def test_a_site_outside_any_repository_builds_without_dates(
    site: Path, tmp_path: Path, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    out = build(site)
    assert "mkdocs.yml:1: note: claims are not dated:" in caplog.text
    assert "gb-dates" not in read(out, "index.html")
    assert "built without its git history" in read(out, "evidence/changes/index.html")
    assert not (out / "evidence" / "changes.xml").exists()  # a feed needs a date; there is none to give
    assert not AUTODISCOVERY.search(read(out, "index.html"))
    assert (out / "claims" / "hope" / "index.html").exists()


def test_check_notes_what_it_cannot_date(site: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert main(["--root", str(site), "check"]) == 0
    assert "mkdocs.yml:1: note: claims are not dated:" in capsys.readouterr().out


def test_check_is_quiet_in_a_repository(repo, capsys) -> None:
    root, _ = repo
    assert main(["--root", str(root), "check"]) == 0
    assert "claims are not dated" not in capsys.readouterr().out


def test_serve_rebuilds_keep_one_history_cache(repo, tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    def rebuild():
        config = load_config(config_file=str(repo[0] / "mkdocs.yml"), site_dir=str(tmp_path / "out"), strict=True)
        mkdocs_build(config)
        return config.plugins["graphbuild"]

    plugin = rebuild()
    cache = plugin.caches.history_of(repo[0])
    again = rebuild()
    assert again is plugin and again.caches.history_of(repo[0]) is cache
    history = again.build.plan.kb.history
    assert history.states_built == 0 and history.pages_read == 0


# -- the Markdown tree -----------------------------------------------------------------------


def test_the_markdown_tree_has_the_same_dates_feeds_and_addresses(repo, built: Path, tmp_path: Path) -> None:
    root, _ = repo
    tree = tmp_path / "tree"
    assert main(["--root", str(root), "render", "--output", str(tree)]) == 0
    docs, staged = tree / "docs", tree / EXPORTS_DIR
    assert "20 March 2026" in read(docs, "evidence/changes/index.md")
    for name in ("evidence/changes.xml", "evidence/changes/outcome.xml", "claims/fewer-readmissions/index.html"):
        assert read(staged, name) == read(built, name), name
    assert "was removed from this site on 20 March 2026" in text(read(staged, "claims/peer-hope/index.html"))
    site = tmp_path / "tree-site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(tree / "mkdocs.yml"), "-d", str(site)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        cwd=tree,
    )
    assert done.returncode == 0, done.stderr
    assert main(["finish", str(tree), "--site-dir", str(site)]) == 0  # the cards, dated
    assert DATES_OF_FEWER in read(site, "outcomes/index.html")
    head = read(site, "outcomes/index.html").split("</head>")[0]
    assert AUTODISCOVERY.findall(head) == [
        f'<link rel="alternate" type="application/atom+xml" title="Changes to the evidence" '
        f'href="{SITE_URL}evidence/changes.xml">'
    ]
    assert (site / "claims" / "peer-hope" / "index.html").exists()


def test_the_tree_keeps_a_sites_own_main_html(site: Path, tmp_path: Path) -> None:
    make_repo(tmp_path / "repo")
    root = tmp_path / "repo"
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme:\n", "theme:\n  custom_dir: theme\n"), encoding="utf-8")
    write_site(root, {"theme/main.html": '{% extends "base.html" %}\n'})
    tree = tmp_path / "tree"
    assert main(["--root", str(root), "render", "--output", str(tree)]) == 0
    assert read(tree, "theme/main.html") == '{% extends "base.html" %}\n'


# -- the repository's own site ---------------------------------------------------------------


def _why_undated(root: Path) -> str | None:
    """Why the repository's checkout cannot date every claim, if it cannot."""
    if shutil.which("git") is None:
        return "git is not installed"
    history = site_history(root, cache=None)
    undated = [note for note in history.notes if "shown cut" not in note]  # long subjects date nothing less
    return "; ".join(undated) or None


def test_the_repository_site_dates_every_card(tmp_path: Path) -> None:
    why = _why_undated(REPO)
    if why:
        pytest.skip(f"this checkout cannot date its claims (CI checks out with fetch-depth: 0): {why}")
    from graphbuild.model.project import load_project
    from graphbuild.publishing.pipeline import analyse

    kb, _ = analyse(load_project(REPO), dated=True)
    undated = [c for c in kb.claims if kb.history.dates(c).evidence_changed is None]
    if undated:
        pytest.skip(f"claims with uncommitted changes to their evidence have no date yet: {undated[:5]}")
    out = build(REPO, strict=False, site_dir=tmp_path / "site")
    cards = dates = 0
    for page in out.glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        cards += html.count('<section class="gb-card ')
        dates += html.count('<p class="gb-dates">Entry on this site updated <time datetime="')
    assert cards == len(kb.claims) and dates == cards
    feed = feedparser.parse(read(out, "evidence/changes.xml"))
    assert feed.bozo == 0 and feed.entries
    for removed in kb.history.removed:
        assert "was removed from this site on" in read(out, f"claims/{removed}/index.html")


def test_a_page_outside_the_history_is_still_read(repo, tmp_path: Path) -> None:
    """A claim on a page never committed has neither date, and the build carries on."""
    root, _ = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{root}", str(clone))
    write_site(clone, {"docs/new.md": "# New\n\n" + FLIPPED.replace("fewer-readmissions", "brand-new")})
    out = build(clone)
    card = read(out, "new/index.html")
    assert "gb-card" in card and "gb-dates" not in card
    assert (out / "claims" / "brand-new" / "index.html").exists()
