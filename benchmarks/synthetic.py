"""A synthetic knowledge base at scale, for benchmarks: deterministic for a given seed.

By default: 10,000 references (about 6,000 of them cited), 2,000 claims over 200 pages in 10
sections, each claim citing one to six studies (a few "landmark" studies cited very often),
with designs, stances, authors, abstracts and LaTeX accents in the proportions of a real
review. The same arguments always write the same bytes.

    python benchmarks/synthetic.py OUT_DIR [--references N] [--claims N] [--pages N]
                                           [--seed N] [--nav sections|flat]
                                           [--entries plain|manager]

``--entries``: ``plain``, short entries (about 0.4 kB, three in ten with a short abstract);
``manager``, entries as reference managers (Zotero, Mendeley, EndNote) export them, about
1.4 kB each: every one with an abstract of about a hundred words, keywords, a URL, an ISSN,
a note, the access date, the language and the attached file's path.

``mkdocs.yml`` builds with graphbuild; ``mkdocs-plain.yml`` builds the same pages with
``plugins: [search]`` only (claim blocks then render as code), for comparison.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

DESIGNS = [  # (design, weight): qualitative and observational work dominates this field
    ("systematic-review", 3),
    ("rct", 8),
    ("comparison-group", 5),
    ("cohort", 6),
    ("before-after", 7),
    ("cross-sectional", 12),
    ("observational", 6),
    ("qualitative", 25),
    ("mixed-methods", 8),
    ("delphi", 2),
    ("narrative-review", 8),
    ("policy", 4),
    ("guidance", 3),
    ("opinion", 2),
    ("theory", 1),
]
STANCES = [("supports", 70), ("mixed", 12), ("no-effect", 12), ("contradicts", 6)]
TYPES = ["benefit", "barrier", "facilitator", "outcome"]
GROUPS = ["patients", "peer-workers", "services", "organisations", None]
TAGS = [
    "hope",
    "recovery",
    "stigma",
    "service-use",
    "costs",
    "training",
    "supervision",
    "role-clarity",
    "empowerment",
    "wellbeing",
    "readmissions",
    "engagement",
]
SURNAMES = [
    "Mead",
    "MacNeil",
    "Repper",
    "Carter",
    "Gillard",
    "Holley",
    "Davidson",
    "Chinman",
    "Pitt",
    "Lowe",
    "Min",
    "Salzer",
    "Lawn",
    "Smith",
    "Walsh",
    "Sledge",
    "O'Hagan",
    "Bellamy",
    "Moran",
    "Russinova",
    "Solomon",
    "Doughty",
    "Simpson",
    "Trachtenberg",
    'M{\\"u}ller',
    "Garc{\\'\\i}a",
    "Nguy{\\^e}n",
    "{\\O}stergaard",
    "Kov{\\'a}cs",
    'Bj{\\"o}rk',
    "Rodr{\\'\\i}guez",
    "Ch{\\'e}rif",
    'Lindstr{\\"o}m',
    "Dubois",
]
GIVEN = [
    "Shery",
    "Cheryl",
    "Julie",
    "Tim",
    "Steve",
    "Jess",
    "Larry",
    "Matthew",
    "Veronica",
    "Dianne",
    "Sae-Young",
    "Mark",
    "Sharon",
    "Anne",
    "Mary",
    "Elena",
    "Jos{\\'e}",
    "Fran{\\c{c}}ois",
    "Ingrid",
    "Kwame",
    "Priya",
    "Ali",
    "Yuki",
    "Ana",
]
JOURNALS = [
    "Psychiatric Services",
    "Psychiatric Rehabilitation Journal",
    "Journal of Mental Health",
    "BMC Psychiatry",
    "Community Mental Health Journal",
    "International Journal of Mental Health Nursing",
    "Advances in Psychiatric Treatment",
    "The British Journal of Psychiatry",
    "Social Psychiatry and Psychiatric Epidemiology",
    "Administration and Policy in Mental Health",
]
SUBJECTS = [
    "Peer support",
    "Peer-delivered care",
    "Intentional peer support",
    "Peer work on inpatient wards",
    "Peer mentoring after discharge",
    "A recovery college",
    "Employing people with lived experience",
    "Peer-led self-management",
]
OUTCOMES = [
    "psychiatric readmissions",
    "hope",
    "self-efficacy",
    "engagement with services",
    "days in hospital",
    "quality of life",
    "perceived stigma",
    "empowerment",
    "staff attitudes",
    "use of crisis services",
    "social inclusion",
    "wellbeing",
]
VERBS = {"benefit": "improves", "outcome": "reduces", "barrier": "is hindered by", "facilitator": "is helped by"}
BARRIERS = [
    "an unclear job description",
    "lack of supervision",
    "stigma among staff",
    "low pay",
    "role drift",
    "insufficient training",
    "tokenism",
    "high caseloads",
]
ABSTRACT_OPENINGS = ["Background", "Objective", "Aims", "Purpose"]
ABSTRACT_PARTS = ["Methods", "Results", "Conclusions"]
ABSTRACT_WORDS = (
    "peer support workers mental health services recovery outcomes participants randomised controlled "
    "trial qualitative interviews community inpatient wards discharge readmission hope empowerment "
    "self-efficacy stigma staff attitudes training supervision role clarity organisational culture "
    "implementation evaluation lived experience engagement wellbeing quality of life social inclusion "
    "significant differences were found between groups at follow-up analysis showed that the "
    "intervention was associated with improved reduced increased fewer more months baseline sample "
    "of adults with severe mental illness across sites in the United Kingdom Australia Canada"
).split()
MANAGER_KEYWORDS = [
    "peer support", "mental health", "recovery", "peer workers", "randomized controlled trial",
    "qualitative research", "psychiatric rehabilitation", "stigma", "hospital readmission",
    "community mental health services", "lived experience", "self-efficacy", "hope",
    "implementation", "workforce", "Humans", "Adult", "Female", "Male", "Middle Aged",
]  # fmt: skip
PUBLISHERS = [
    "American Psychiatric Association Publishing", "Springer", "Wiley", "BioMed Central",
    "Cambridge University Press", "Taylor {\\&} Francis", "SAGE Publications", "Elsevier",
]  # fmt: skip
ENTRY_KINDS = ("plain", "manager")
WORDS = (
    "recovery experience service workers lived support mental health outcomes trial "
    "qualitative interviews participants staff wards community integration evidence role "
    "programme evaluation hospital discharge mentoring empowerment stigma training"
).split()

MKDOCS_YML = """\
site_name: Synthetic evidence base
site_url: https://example.org/synthetic/
theme:
  name: material
  font: false
  features:
    - navigation.sections
plugins:
{plugins}
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - pymdownx.superfences
  - toc:
      permalink: true
"""


def _weighted(rng: random.Random, pairs: list[tuple]) -> object:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


@dataclass
class Reference:
    key: str
    bibtex: str


def _authors(rng: random.Random) -> str:
    n = rng.choices([1, 2, 3, 4, 6, 9], weights=[15, 25, 25, 15, 12, 8], k=1)[0]
    names = [f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}" for _ in range(n)]
    if n == 9:
        names = names[:6] + ["others"]
    if rng.random() < 0.03:
        return "{Department of Health and Social Care}"
    return " and ".join(names)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def make_reference(rng: random.Random, i: int, cited: bool) -> Reference:
    year = rng.randint(1985, 2024)
    surname = rng.choice(SURNAMES)
    key = f"{''.join(c for c in surname.lower() if c.isalpha())}{year}{i:05d}"
    design = str(_weighted(rng, DESIGNS)) if cited or rng.random() > 0.1 else None
    title = f"{rng.choice(SUBJECTS)} and {rng.choice(OUTCOMES)}: {_sentence(rng, rng.randint(4, 10))[:-1]}"
    kind = rng.choices(["article", "book", "report", "misc"], weights=[85, 6, 6, 3], k=1)[0]
    fields: list[tuple[str, str]] = [("author", _authors(rng)), ("title", title), ("year", str(year))]
    if kind == "article":
        volume, number = rng.randint(1, 70), rng.randint(1, 12)
        first = rng.randint(1, 900)
        fields += [
            ("journal", rng.choice(JOURNALS)),
            ("volume", str(volume)),
            ("number", str(number)),
            ("pages", f"{first}--{first + rng.randint(5, 20)}"),
        ]
    elif kind == "book":
        fields += [("publisher", rng.choice(["Routledge", "Palgrave", "Oxford University Press"]))]
    elif kind == "report":
        fields += [("institution", rng.choice(["Centre for Mental Health", "NHS England", "Mind"]))]
    else:
        fields += [("howpublished", "Online"), ("note", "Accessed 2024")]
    if rng.random() < 0.8:
        fields.append(("doi", f"10.{rng.randint(1000, 9999)}/syn.{i:05d}"))
    if rng.random() < 0.2:
        fields.append(("url", f"https://example.org/ref/{i}"))
    if rng.random() < 0.3:
        fields.append(("abstract", " ".join(_sentence(rng, rng.randint(10, 25)) for _ in range(rng.randint(3, 7)))))
    if design:
        fields.append(("design", design))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return Reference(key, f"@{kind}{{{key},\n{body},\n}}\n")


def _abstract(rng: random.Random) -> str:
    """About a hundred words, structured as journals ask, with the odd Unicode sign."""
    parts = []
    for heading in [rng.choice(ABSTRACT_OPENINGS), *ABSTRACT_PARTS]:
        words = [rng.choice(ABSTRACT_WORDS) for _ in range(rng.randint(14, 26))]
        if heading == "Results" and rng.random() < 0.6:
            low, high = rng.randint(1, 9), rng.randint(10, 30)
            words.append(f"(n = {rng.randint(40, 900)}, p < 0.0{rng.randint(1, 5)}; 95% CI {low}–{high})")
        parts.append(f"{heading}: " + " ".join(words).capitalize() + ".")
    return " ".join(parts)


def make_manager_reference(rng: random.Random, key: str, cited: bool) -> Reference:
    """An entry as a reference manager exports it (Zotero with Better BibTeX, say), under
    ``key`` (a plain entry's: surname, year, number)."""
    year = int(key[-9:-5])
    design = str(_weighted(rng, DESIGNS)) if cited or rng.random() > 0.1 else None
    title = f"{rng.choice(SUBJECTS)} and {rng.choice(OUTCOMES)}: {_sentence(rng, rng.randint(4, 10))[:-1]}"
    kind = rng.choices(["article", "book", "report", "incollection"], weights=[88, 4, 5, 3], k=1)[0]
    month = rng.choice(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
    fields: list[tuple[str, str]] = [("title", "{" + title + "}"), ("author", _authors(rng))]
    fields += [("year", str(year)), ("month", month)]
    doi = f"10.{rng.randint(1000, 9999)}/{rng.choice(['s', 'j.', 'appi.ps.'])}{key[-9:]}"
    if kind in ("article", "incollection"):
        first = rng.randint(1, 900)
        journal = rng.choice(JOURNALS)
        fields += [
            ("journal" if kind == "article" else "booktitle", journal),
            ("volume", str(rng.randint(1, 70))),
            ("number", str(rng.randint(1, 12))),
            ("pages", f"{first}--{first + rng.randint(5, 20)}"),
            ("issn", f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}{rng.choice('0123456789X')}"),
        ]
    else:
        fields += [("address", rng.choice(["London", "New York", "Sydney"]))]
    fields += [
        ("publisher", rng.choice(PUBLISHERS)),
        ("doi", doi),
        ("url", f"https://doi.org/{doi}"),
        ("urldate", f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
        ("abstract", _abstract(rng)),
        ("langid", "english"),
        ("keywords", ", ".join(rng.sample(MANAGER_KEYWORDS, rng.randint(4, 9)))),
        ("note", f"PMID: {rng.randint(10_000_000, 39_999_999)}"),
        ("file", f"/Users/editor/Zotero/storage/{rng.getrandbits(32):08X}/{key[:-9].capitalize()} et al. - {year}.pdf"),
    ]
    if design:
        fields.append(("design", design))
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields)
    return Reference(key, f"@{kind}{{{key},\n{body},\n}}\n")


def _statement(rng: random.Random, claim_type: str) -> str:
    subject = rng.choice(SUBJECTS)
    if claim_type in ("barrier", "facilitator"):
        return f"Introducing {subject.lower()} {VERBS[claim_type]} {rng.choice(BARRIERS)}."
    return f"{subject} {VERBS[claim_type]} {rng.choice(OUTCOMES)}."


def _yaml_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


NAV_SHAPES = ("sections", "flat")


def generate(
    out: Path,
    references: int = 10_000,
    claims: int = 2_000,
    pages: int = 200,
    seed: int = 1,
    sections: int = 10,
    nav: str = "sections",
    entries: str = "plain",
) -> Path:
    """Write ``mkdocs.yml``, ``mkdocs-plain.yml``, ``references.bib`` and ``docs/`` under ``out``.

    ``nav``: ``sections``, the navigation MkDocs makes of the folders (ten sections of
    twenty pages); ``flat``, an explicit ``nav`` listing every page in one list, as many
    sites grown page by page have it. The pages and their text are the same.

    ``entries``: ``plain`` or ``manager`` (see the module's documentation); the pages are
    the same whichever kind."""
    if entries not in ENTRY_KINDS:
        raise ValueError(f"entries {entries!r}: expected one of {', '.join(ENTRY_KINDS)}")
    rng = random.Random(seed)
    n_cited = min(references, max(claims * 3, 1))
    refs = [make_reference(rng, i, i < n_cited) for i in range(references)]
    if entries == "manager":  # the same keys from a generator of their own: the pages stay the same
        manager = random.Random(seed + 1_000_003)
        refs = [make_manager_reference(manager, r.key, i < n_cited) for i, r in enumerate(refs)]
    cited = [r.key for r in refs[:n_cited]]
    landmarks = cited[: max(1, n_cited // 50)]
    cycle = list(cited)
    rng.shuffle(cycle)
    position = 0

    out.mkdir(parents=True, exist_ok=True)
    (out / "references.bib").write_text(
        "% Synthetic bibliography for benchmarks\n\n" + "\n".join(r.bibtex for r in refs), encoding="utf-8"
    )

    docs = out / "docs"
    docs.mkdir(exist_ok=True)
    per_page = [claims // pages + (1 if p < claims % pages else 0) for p in range(pages)]
    n_claim = 0
    index_lines = ["# Synthetic evidence base", "", "A generated site for benchmarks.", ""]
    for p in range(pages):
        name = _page_path(p, pages, sections)
        title = f"{rng.choice(SUBJECTS)}: {rng.choice(OUTCOMES)} ({p + 1})"
        index_lines.append(f"- [{title}]({name})")
        lines = [f"# {title}", "", _sentence(rng, 30) + f" [@{rng.choice(cited)}]", ""]
        for _ in range(per_page[p]):
            n_claim += 1
            claim_type = rng.choice(TYPES)
            k = rng.choices([1, 2, 3, 4, 5, 6], weights=[15, 25, 25, 15, 12, 8], k=1)[0]
            keys: list[str] = []
            for _ in range(k):
                keys.append(cycle[position % len(cycle)])
                position += 1
            if rng.random() < 0.3:
                keys.append(rng.choice(landmarks))
            keys = list(dict.fromkeys(keys))
            lines += [
                f"## Finding {n_claim}",  # not "Claim N": at 10,000 its id would be claim-10000's
                "",
                f"{_sentence(rng, rng.randint(15, 40))} See [@{keys[0]}, p. {rng.randint(1, 30)}].",
                "",
                "```claim",
                f"id: claim-{n_claim:05d}",
                f"statement: {_yaml_text(_statement(rng, claim_type))}",
                f"type: {claim_type}",
            ]
            group = rng.choice(GROUPS)
            if group:
                lines.append(f"group: {group}")
            tags = sorted(set(rng.sample(TAGS, rng.randint(0, 3))))
            if tags:
                lines.append(f"tags: [{', '.join(tags)}]")
            lines.append("evidence:")
            for key in keys:
                stance = _weighted(rng, STANCES)
                if rng.random() < 0.4:
                    lines += [
                        f"  - key: {key}",
                        f"    stance: {stance}",
                        f"    note: {_yaml_text(_sentence(rng, rng.randint(6, 14)))}",
                    ]
                elif stance == "supports" and rng.random() < 0.5:
                    lines.append(f"  - {key}")
                else:
                    lines.append(f"  - {key}: {stance}")
            lines += ["```", ""]
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("\n".join(lines), encoding="utf-8")
    (docs / "index.md").write_text("\n".join(index_lines) + "\n", encoding="utf-8")
    listed = ""
    if nav == "flat":
        entries = [("Home", "index.md")] + [(f"Page {p + 1}", _page_path(p, pages, sections)) for p in range(pages)]
        listed = "nav:\n" + "".join(f"  - {_yaml_text(title)}: {path}\n" for title, path in entries)
    elif nav != "sections":
        raise ValueError(f"nav shape {nav!r}: expected one of {', '.join(NAV_SHAPES)}")
    for name, plugins in (("mkdocs.yml", "  - search\n  - graphbuild"), ("mkdocs-plain.yml", "  - search")):
        (out / name).write_text(MKDOCS_YML.format(plugins=plugins) + listed, encoding="utf-8")
    return out


def _page_path(p: int, pages: int, sections: int) -> str:
    return f"section-{p * sections // pages + 1:02d}/page-{p + 1:03d}.md"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--references", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=2_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nav", choices=NAV_SHAPES, default="sections")
    parser.add_argument("--entries", choices=ENTRY_KINDS, default="plain")
    args = parser.parse_args(argv)
    generate(args.out, args.references, args.claims, args.pages, args.seed, nav=args.nav, entries=args.entries)
    print(f"wrote {args.out}: {args.references} references, {args.claims} claims, {args.pages} pages")


if __name__ == "__main__":
    main()
