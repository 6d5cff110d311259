"""``graphbuild new | check | stats | export | render | finish | diff``: the same core as the plugin, from a shell."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from graphbuild import __version__
from graphbuild.common.background import BackgroundError
from graphbuild.common.diagnostics import Severity, did_you_mean, failing, has_errors, printable
from graphbuild.history.compare import FORMATS, load_state
from graphbuild.model.config import DEFAULT_CLAIM_TYPES, ConfigError
from graphbuild.model.events import breaches, diff, fail_on_names
from graphbuild.model.project import load_project
from graphbuild.model.vocabulary import CERTAINTY_VALUES, UNRATED
from graphbuild.publishing import new
from graphbuild.publishing.finish import FinishError, finish_site
from graphbuild.publishing.markdown_tree import write_markdown_tree
from graphbuild.publishing.pipeline import BuildPlan, check_build, plan_build
from graphbuild.site import registry


def _plan(args: argparse.Namespace, dated: bool = True) -> BuildPlan:
    return plan_build(load_project(Path(args.root)), dated=dated)


def _check(args: argparse.Namespace) -> int:
    plan = _plan(args)
    kb, diagnostics = plan.kb, check_build(plan)
    for diagnostic in diagnostics:
        print(diagnostic)
    notes = sum(1 for d in diagnostics if d.severity is Severity.NOTE)
    broken = sum(len(page.broken) for page in kb.pages.values())
    unread = f" (and {broken} claim block{'s' if broken != 1 else ''} that could not be read)" if broken else ""
    print(
        f"{len(kb.claims)} claims{unread}, {len(kb.cited)} cited studies, {len(diagnostics) - notes} problem(s), "
        f"{notes} note(s)",
        file=sys.stderr,
    )
    return 1 if failing(diagnostics, args.strict) else 0


def _stats(args: argparse.Namespace) -> int:
    """The counts, and the problems and notes as ``check`` counts them."""
    plan = _plan(args)
    kb, diagnostics = plan.kb, check_build(plan)
    cited = kb.cited
    stances = Counter(e.stance for c in kb.claims.values() for e in c.evidence)
    levels = Counter(s.level for s in cited.values() if s.level is not None)
    print(f"claims: {len(kb.claims)}")
    for name, values in (
        ("types", Counter(c.type for c in kb.claims.values())),
        ("groups", Counter(c.group or "-" for c in kb.claims.values())),
    ):
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(values.items())))
    print(f"  contested: {sum(p.contested for p in kb.profiles.values())}")
    ratings = Counter(a.state for a in kb.assessments.values())
    order = [*CERTAINTY_VALUES, *(term.value for term in UNRATED)]
    print("  certainty: " + ", ".join(f"{r} {ratings[r]}" for r in order if ratings[r]))
    approaches = Counter(a.approach for a in kb.assessments.values())
    print("  approach: " + ", ".join(f"{k} {v}" for k, v in sorted(approaches.items())))
    unassessed = [cid for cid, a in kb.assessments.items() if not a.assessed]
    if unassessed:
        print(f"  not assessed: {', '.join(unassessed[:20])}{' ...' if len(unassessed) > 20 else ''}")
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
    notes = sum(1 for d in diagnostics if d.severity is Severity.NOTE)
    print(f"problems: {len(diagnostics) - notes}, notes: {notes}")
    return 0


def _export(args: argparse.Namespace) -> int:
    plan = _plan(args)
    for diagnostic in plan.diagnostics:
        print(diagnostic, file=sys.stderr)
    text = registry.export_text(plan.site(), list(plan.planned), args.format)
    if text is None:
        print(f"graphbuild: this site does not publish the {args.format} export", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 1 if has_errors(list(plan.diagnostics)) else 0


def _render(args: argparse.Namespace) -> int:
    project = load_project(Path(args.root))
    diagnostics = write_markdown_tree(project, Path(args.output))
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)
    return 1 if has_errors(diagnostics) else 0


def _finish(args: argparse.Namespace) -> int:
    try:
        done = finish_site(Path(args.tree), Path(args.site_dir) if args.site_dir else None)
    except FinishError as exc:
        print(f"graphbuild: {printable(str(exc))}", file=sys.stderr)
        return 2
    for problem in done.problems:
        print(f"graphbuild: {printable(problem)}", file=sys.stderr)
    for diagnostic in done.diagnostics:
        print(diagnostic, file=sys.stderr)
    print(
        f"{done.site}: {done.pages} pages completed, {done.laid_out} pages written in a layout, "
        f"{done.search_entries} search entries added",
        file=sys.stderr,
    )
    return 1 if done.problems or failing(done.diagnostics, args.strict) else 0


def _new(args: argparse.Namespace) -> int:
    """Write a new knowledge base; what is not given on the command line is asked for when
    someone is at the terminal, else the defaults are taken (and said)."""
    folder = Path(args.folder)
    reason = new.refusal(folder, args.force)
    if reason:
        raise new.NewError(reason)
    ask = sys.stdin.isatty() and sys.stdout.isatty()
    name = args.name or _answer(ask, "Name of the knowledge base", new.default_name(folder))
    types = args.claim_types or _answer(ask, "Claim types (comma-separated)", ", ".join(DEFAULT_CLAIM_TYPES))
    groups = args.groups or _answer(ask, "Groups a claim may concern", ", ".join(new.DEFAULT_GROUPS))
    starter = new.Starter(
        name, new.vocabulary("claim_types", types), new.vocabulary("groups", groups), args.requirement
    )
    written = new.write_knowledge_base(folder, starter, force=args.force)
    print(new.next_steps(folder, written))
    return 0


def _answer(ask: bool, question: str, default: str) -> str:
    """The answer to ``question``, or ``default`` when it is left empty or no one is asked."""
    if not ask:
        print(f"{question}: {default}", file=sys.stderr)
        return default
    return input(f"{question} [{default}]: ").strip() or default


def _fail_on(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in fail_on_names()]
    if unknown or not names:
        hints = "".join(did_you_mean(name, fail_on_names()) for name in unknown)
        raise argparse.ArgumentTypeError(
            f"unknown event or policy {', '.join(map(repr, unknown))}{hints} (expected: {', '.join(fail_on_names())})"
        )
    return names


def _diff(args: argparse.Namespace) -> int:
    root = Path(args.root)
    kind = "rev" if args.rev else "site" if args.site else None
    old, new = load_state(args.old, root, kind=kind), load_state(args.new, root, kind=kind)
    events = diff(old.snapshot, new.snapshot)
    sys.stdout.write(FORMATS[args.format](events, old, new))
    found = breaches(events, args.fail_on)
    for name, event in found:
        print(f"graphbuild: --fail-on {name}: {event.kind} {event.claim or event.study}", file=sys.stderr)
    return 1 if found else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graphbuild", description=__doc__)
    parser.add_argument("--version", action="version", version=f"graphbuild {__version__}")
    parser.add_argument("--root", default=".", help="the site's folder (holding mkdocs.yml)")
    # ``--root`` is read before or after the command; given after it, it must not be reset
    # to the default by the command's own parser, hence SUPPRESS there.
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--root", default=argparse.SUPPRESS, help="the site's folder (holding mkdocs.yml)")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_commands(commands, [site])
    return parser


def _add_commands(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    starter = commands.add_parser("new", help="write a new knowledge base that builds at once")
    starter.add_argument("folder", help="where to write it (a new or empty folder)")
    starter.add_argument("--name", help="the site's name (asked for, or made from the folder's name)")
    starter.add_argument("--claim-types", help="the claim types editors may use, comma-separated")
    starter.add_argument("--groups", help="who a claim may concern, comma-separated")
    starter.add_argument(
        "--requirement",
        default=new.DEFAULT_REQUIREMENT,
        help="the graphbuild the knowledge base installs, as pip writes it (default: %(default)s; before a "
        "release is on the package index, a git URL such as 'graphbuild @ git+https://...@vX.Y.Z')",
    )
    starter.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    starter.set_defaults(run=_new)
    check = commands.add_parser("check", help="validate claims and references; exit 1 on errors", parents=parents)
    check.add_argument("--strict", action="store_true", help="also fail on warnings")
    check.set_defaults(run=_check)
    stats = commands.add_parser("stats", help="count claims, studies, stances and levels", parents=parents)
    stats.set_defaults(run=_stats)
    exporter = commands.add_parser("export", help="write one of the exports the site publishes", parents=parents)
    exporter.add_argument("--format", choices=registry.export_formats(), default="json")
    exporter.add_argument("--output", default="-", help="file to write ('-' for standard output)")
    exporter.set_defaults(run=_export)
    render = commands.add_parser("render", help="write a plain Markdown tree for other engines", parents=parents)
    render.add_argument("--output", required=True, help="folder to write the tree into")
    render.set_defaults(run=_render)
    finisher = commands.add_parser(
        "finish", help="complete the site an engine built from a rendered tree (cards, study pages, search entries)"
    )
    finisher.add_argument("tree", help="the folder graphbuild render wrote (its --output)")
    finisher.add_argument("--site-dir", help="where the engine built it, if not the tree's site_dir")
    finisher.add_argument(
        "--strict", action="store_true", help="also fail on warnings (a site larger than site_size_limit)"
    )
    finisher.set_defaults(run=_finish)
    differ = commands.add_parser(
        "diff",
        help="evidence events between two states (git revisions, built sites, site folders or graph.json files)",
        parents=parents,
    )
    differ.add_argument("old", help="the earlier state: a revision, a folder or a graph.json")
    differ.add_argument("new", help="the later state, likewise")
    differ.add_argument("--format", choices=list(FORMATS), default="text")
    what = differ.add_mutually_exclusive_group()
    what.add_argument("--rev", action="store_true", help="OLD and NEW are git revisions (never paths)")
    what.add_argument("--site", action="store_true", help="OLD and NEW are paths (never revisions)")
    differ.add_argument(
        "--fail-on",
        type=_fail_on,
        default=[],
        metavar="EVENT[,EVENT]",
        help="exit 1 when any of these event kinds occurs, or a policy is broken "
        "(any, contested-without-certainty-change)",
    )
    differ.set_defaults(run=_diff)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a reader that stopped early (``| head``) shows here, not at exit
    except BrokenPipeError:
        # The reader has what it wanted; Python would otherwise report the pipe at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ConfigError, OSError, BackgroundError, new.NewError) as exc:
        print(f"graphbuild: {printable(str(exc))}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
