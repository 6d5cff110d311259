"""How long dating claims from git history takes: a generated history, cold and warm.

    python benchmarks/bench_history.py [--commits 500] [--claims 60] [--studies 50]
                                       [--pages 8] [--seed 1] [--keep DIR]
                                       [--bib-bytes N --bib-versions N]

Writes a repository with ``--commits`` commits (``git fast-import``, so building it is quick)
of a site the size of this repository's (about 60 claims, 50 studies, 8 pages): the first
commit holds a small site, and every later one edits it as editors do (prose edits, new
claims and studies, flipped stances, studies added to claims, rewordings, moved claims,
designs corrected). Then, each in a fresh process:

- cold: ``site_history`` with no cache file;
- unchanged: again, with the cache the cold run wrote;
- warm: after one more commit (a stance flipped), with that cache.

``--bib-bytes N``: the ``.bib`` also holds entries no page cites, as reference managers export
them (``synthetic.make_manager_reference``), until it is about N bytes; ``--bib-versions N``:
N of the commits edit it (an abstract corrected, an entry added), so that the history holds
N versions of a large ``.bib``.

Peak memory is the process's own high-water mark (``VmHWM``): ``ru_maxrss`` starts a child
at its parent's size, the generator's here. Budgets: cold under 10 s (issue 15); warm a
fraction of it; 100 versions of a 1 MB ``.bib`` within 30 s cold and 300 MB of memory
(issue 27: ``--commits 100 --bib-bytes 1000000 --bib-versions 100``). Prints a JSON report,
each measure with the peak memory of its process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # benchmarks/ is not a package

import synthetic  # noqa: E402

DESIGNS = ["systematic-review", "rct", "cohort", "cross-sectional", "qualitative", "mixed-methods", "policy"]
STANCES = ["supports", "supports", "supports", "mixed", "no-effect", "contradicts"]
TYPES = ["benefit", "barrier", "facilitator", "outcome"]
GROUPS = ["patients", "peer-workers", "services", "organisations"]
WORDS = (
    "peer workers services patients recovery hope stigma training supervision role clarity "
    "organisation support evidence lived experience trust outcomes staff teams wards community"
).split()
MKDOCS_YML = """site_name: History benchmark
theme:
  name: material
plugins:
  - search
  - graphbuild
markdown_extensions:
  - pymdownx.superfences
"""


@dataclass
class Claim:
    id: str
    statement: str
    type: str
    group: str
    evidence: dict[str, str]


@dataclass
class Site:
    """The site's content, edited commit by commit; ``render`` gives its files."""

    rng: random.Random
    pages: list[str]
    studies: dict[str, str] = field(default_factory=dict)  # key -> design
    claims: dict[str, Claim] = field(default_factory=dict)
    placement: dict[str, list[str]] = field(default_factory=dict)  # page -> claim ids
    prose: dict[str, list[str]] = field(default_factory=dict)  # page -> paragraphs
    filler: list[str] = field(default_factory=list)  # entries no page cites, as BibTeX

    def sentence(self, words: int = 12) -> str:
        text = " ".join(self.rng.choice(WORDS) for _ in range(words))
        return text[0].upper() + text[1:] + "."

    def add_study(self) -> str:
        key = f"author{len(self.studies) + 1:03d}{2000 + self.rng.randrange(25)}"
        self.studies[key] = self.rng.choice(DESIGNS)
        return "references.bib"

    def add_claim(self) -> str:
        claim_id = f"claim-{len(self.claims) + 1:03d}"
        chosen = self.rng.sample(sorted(self.studies), k=min(len(self.studies), self.rng.randint(1, 4)))
        evidence = {key: self.rng.choice(STANCES) for key in chosen}
        self.claims[claim_id] = Claim(
            claim_id, self.sentence(10), self.rng.choice(TYPES), self.rng.choice(GROUPS), evidence
        )
        page = self.rng.choice(self.pages)
        self.placement[page].append(claim_id)
        return page

    def page_of(self, claim_id: str) -> str:
        return next(page for page, ids in self.placement.items() if claim_id in ids)

    def any_claim(self) -> Claim:
        return self.claims[self.rng.choice(sorted(self.claims))]

    def edit(self, claims: int, studies: int) -> list[str]:
        """One editor's commit; returns the files it changed."""
        roll = self.rng.random()
        if len(self.studies) < studies and roll < 0.12:
            return [self.add_study()]
        if len(self.claims) < claims and roll < 0.30:
            return [self.add_claim()]
        if roll < 0.40:
            claim = self.any_claim()
            key = self.rng.choice(sorted(claim.evidence))
            claim.evidence[key] = self.rng.choice([s for s in sorted(set(STANCES)) if s != claim.evidence[key]])
            return [self.page_of(claim.id)]
        if roll < 0.47:
            claim = self.any_claim()
            key = self.rng.choice(sorted(self.studies))
            claim.evidence[key] = self.rng.choice(STANCES)
            return [self.page_of(claim.id)]
        if roll < 0.55:
            claim = self.any_claim()
            claim.statement = self.sentence(10)
            return [self.page_of(claim.id)]
        if roll < 0.59:
            claim = self.any_claim()
            source = self.page_of(claim.id)
            target = self.rng.choice([p for p in self.pages if p != source])
            self.placement[source].remove(claim.id)
            self.placement[target].append(claim.id)
            return [source, target]
        if roll < 0.62:
            key = self.rng.choice(sorted(self.studies))
            self.studies[key] = self.rng.choice([d for d in DESIGNS if d != self.studies[key]])
            return ["references.bib"]
        page = self.rng.choice(self.pages)
        paragraphs = self.prose[page]
        paragraphs[self.rng.randrange(len(paragraphs))] = " ".join(self.sentence() for _ in range(6))
        return [page]

    def filler_entry(self, number: int) -> str:
        """An uncited entry as a reference manager writes it."""
        key = f"filler{2000 + number % 25}{number:05d}"
        return synthetic.make_manager_reference(self.rng, key, cited=False).bibtex + "\n"

    def edit_bibliography(self) -> list[str]:
        """An editor's commit to the ``.bib`` alone: an abstract corrected or an entry added."""
        if self.filler and self.rng.random() < 0.7:
            number = self.rng.randrange(len(self.filler))
            self.filler[number] = self.filler_entry(number)
        else:
            self.filler.append(self.filler_entry(len(self.filler)))
        return ["references.bib"]

    def render(self, path: str) -> str:
        if path == "references.bib":
            return "".join(
                f"@article{{{key},\n  author = {{Author, A. and Other, B.}},\n"
                f"  title = {{A study of peer work {key}}},\n"
                f"  journal = {{Journal of Peer Work}},\n  year = {{{key[-4:]}}},\n  design = {{{design}}},\n}}\n\n"
                for key, design in self.studies.items()
            ) + "".join(self.filler)
        name = Path(path).stem.replace("-", " ").capitalize()
        parts = [f"# {name}\n"]
        paragraphs = self.prose[path]
        ids = self.placement[path]
        for i, paragraph in enumerate(paragraphs):
            parts.append(paragraph + "\n")
            for claim_id in ids[i :: len(paragraphs)]:
                claim = self.claims[claim_id]
                evidence = "".join(f"  - key: {k}\n    stance: {s}\n" for k, s in claim.evidence.items())
                parts.append(
                    f"```claim\nid: {claim.id}\nstatement: {claim.statement}\ntype: {claim.type}\n"
                    f"group: {claim.group}\nevidence:\n{evidence}```\n"
                )
        return "\n".join(parts)


def generate(
    root: Path,
    commits: int,
    claims: int,
    studies: int,
    pages: int,
    seed: int,
    bib_bytes: int = 0,
    bib_versions: int = 0,
) -> dict[str, int]:
    """The repository, written with one ``git fast-import``."""
    rng = random.Random(seed)
    page_paths = [f"docs/section-{i + 1}.md" for i in range(pages)]
    site = Site(rng, page_paths)
    while bib_bytes and sum(map(len, site.filler)) < bib_bytes:
        site.filler.append(site.filler_entry(len(site.filler)))
    every = max(1, commits // bib_versions) if bib_versions else 0
    for page in page_paths:
        site.placement[page] = []
        site.prose[page] = [" ".join(site.sentence() for _ in range(6)) for _ in range(8)]
    for _ in range(10):
        site.add_study()
    for _ in range(5):
        site.add_claim()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream: list[bytes] = []

    def blob(text: str) -> bytes:
        data = text.encode()
        return b"data %d\n%s\n" % (len(data), data)

    start = 1_700_000_000
    for n in range(commits):
        if n == 0:
            changed = ["mkdocs.yml", "references.bib", *page_paths]
        elif every and n % every == 0:
            changed = site.edit_bibliography()
        else:
            changed = site.edit(claims, studies)
        when = start + n * 3600 * 7
        message = f"Edit {n}"
        stream.append(
            b"commit refs/heads/main\n"
            + b"committer Editor <editor@example.org> %d +0000\n" % when
            + blob(message)[:-1]
            + b"\n"
        )
        for path in sorted(set(changed)):
            text = MKDOCS_YML if path == "mkdocs.yml" else site.render(path)
            stream.append(f"M 100644 inline {path}\n".encode() + blob(text))
        stream.append(b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True)
    bib_size = len(site.render("references.bib").encode())
    return {
        "commits": commits,
        "claims": len(site.claims),
        "studies": len(site.studies),
        "pages": pages,
        "bib_bytes": bib_size,
        "bib_versions": 1 + (len(range(every, commits, every)) if every else 0),
    }


CHILD = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from graphbuild.history.dating import HistoryCache, site_history
t1 = time.perf_counter()
history = site_history(Path(sys.argv[1]), cache=HistoryCache(Path(sys.argv[2])))
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "history_s": t2 - t1, "states_built": history.states_built,
                  "states_cached": history.states_cached, "pages_read": history.pages_read,
                  "claims": len(history.claims), "changes": len(history.changes), "notes": history.notes,
                  "max_rss_mb": int(dict(line.split(":", 1) for line in open("/proc/self/status"))["VmHWM"].split()[0])
                                / 1024}))
"""


def measure(root: Path, cache: Path, package_from: Path | None = None) -> dict:
    """One history step in a fresh process, run outside any checkout (``python -c`` would
    import the ``graphbuild`` of the folder it runs in); ``package_from``: a checkout whose
    ``graphbuild`` it imports instead of the installed one."""
    env = dict(os.environ, PYTHONPATH=str(package_from)) if package_from else None
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(cache)], capture_output=True, text=True, cwd=cache.parent, env=env
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return {**json.loads(done.stdout), "process_s": wall}


def one_more_commit(root: Path) -> None:
    """Flip a stance on the first page that has one, and commit it."""
    for page in sorted((root / "docs").glob("*.md")):
        text = page.read_text()
        if "stance: supports" in text:
            page.write_text(text.replace("stance: supports", "stance: mixed", 1))
            break
    env = ["-c", "user.name=Editor", "-c", "user.email=editor@example.org"]
    subprocess.run(["git", *env, "commit", "-q", "-am", "One more"], cwd=root, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--claims", type=int, default=60)
    parser.add_argument("--studies", type=int, default=50)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--bib-bytes", type=int, default=0, help="fill the .bib with uncited entries to this size")
    parser.add_argument("--bib-versions", type=int, default=0, help="commits that edit the .bib")
    parser.add_argument("--against", type=Path, help="another checkout: its graphbuild measured too, as 'before'")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch) / "site"
        start = time.perf_counter()
        size = generate(
            root, args.commits, args.claims, args.studies, args.pages, args.seed, args.bib_bytes, args.bib_versions
        )
        generated = time.perf_counter() - start
        report = {"site": size, "generate_s": round(generated, 2)}
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
        for name, package in (("before", args.against), ("after", None)) if args.against else (("after", None),):
            subprocess.run(["git", "reset", "-q", "--hard", head], cwd=root, check=True)
            report[name] = steps(root, Path(scratch) / f"history-{name}.json", package)
        print(json.dumps(report, indent=2))


def steps(root: Path, cache: Path, package: Path | None) -> dict:
    """Cold, unchanged and after one more commit, each in a fresh process."""
    cold = measure(root, cache, package)
    unchanged = measure(root, cache, package)
    one_more_commit(root)
    warm = measure(root, cache, package)
    return {
        "cache_bytes": cache.stat().st_size,
        "cold": cold,
        "unchanged": unchanged,
        "warm_one_more_commit": warm,
        "budget": {"cold_s": 10.0, "cold_ok": cold["history_s"] < 10.0},
        "budget_large_bib": {"cold_s": 30.0, "max_rss_mb": 300.0},
    }


if __name__ == "__main__":
    main()
