"""``graphbuild check | stats | export | render``: the same core as the plugin, from a shell."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .config import ConfigError
from .diagnostics import has_errors, printable
from .graph import EXPORTS, export
from .project import analyse, load_project


def _check(args: argparse.Namespace) -> int:
    project = load_project(Path(args.root))
    kb, diagnostics = analyse(project)
    for diagnostic in diagnostics:
        print(diagnostic)
    failed = has_errors(diagnostics) or (args.strict and diagnostics)
    print(f"{len(kb.claims)} claims, {len(kb.cited)} cited studies, {len(diagnostics)} problem(s)", file=sys.stderr)
    return 1 if failed else 0


def _stats(args: argparse.Namespace) -> int:
    project = load_project(Path(args.root))
    kb, diagnostics = analyse(project)
    cited = kb.cited
    stances = Counter(e.stance.value for c in kb.claims.values() for e in c.evidence)
    levels = Counter(s.level for s in cited.values() if s.level is not None)
    print(f"claims: {len(kb.claims)}")
    for name, values in (
        ("types", Counter(c.type for c in kb.claims.values())),
        ("groups", Counter(c.group or "-" for c in kb.claims.values())),
    ):
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(values.items())))
    print(f"  contested: {sum(p.contested for p in kb.profiles.values())}")
    print(f"studies: {len(kb.bibliography)} in bibliography, {len(cited)} cited")
    print("stances: " + ", ".join(f"{k} {v}" for k, v in sorted(stances.items())))
    print("levels: " + ", ".join(f"{k} {v}" for k, v in sorted(levels.items())))
    unrated = [printable(k) for k, s in cited.items() if s.design is None]
    print(f"unrated studies: {len(unrated)}" + (f" ({', '.join(unrated)})" if unrated else ""))
    uncited = [printable(k) for k in sorted(set(kb.bibliography.studies) - set(cited))]
    print(
        f"uncited entries: {len(uncited)}"
        + (f" ({', '.join(uncited[:20])}{' ...' if len(uncited) > 20 else ''})" if uncited else "")
    )
    print(f"problems: {len(diagnostics)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    project = load_project(Path(args.root))
    kb, diagnostics = analyse(project)
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    text = export(kb, args.format)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 1 if has_errors(diagnostics) else 0


def _render(args: argparse.Namespace) -> int:
    from .render_tree import render_tree

    project = load_project(Path(args.root))
    diagnostics = render_tree(project, Path(args.output))
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    return 1 if has_errors(diagnostics) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="graphbuild", description=__doc__)
    parser.add_argument("--root", default=".", help="the site's folder (holding mkdocs.yml)")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate claims and references; exit 1 on errors")
    check.add_argument("--strict", action="store_true", help="also fail on warnings")
    check.set_defaults(run=_check)
    commands.add_parser("stats", help="count claims, studies, stances and levels").set_defaults(run=_stats)
    exporter = commands.add_parser("export", help="write the evidence graph")
    exporter.add_argument("--format", choices=sorted(EXPORTS), default="json")
    exporter.add_argument("--output", default="-", help="file to write ('-' for standard output)")
    exporter.set_defaults(run=_export)
    render = commands.add_parser("render", help="write a plain Markdown tree for other engines")
    render.add_argument("--output", required=True, help="folder to write the tree into")
    render.set_defaults(run=_render)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ConfigError, OSError) as exc:
        print(f"graphbuild: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
