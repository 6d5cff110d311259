"""A throwaway git repository holding a tiny site, and the four commits the living-evidence
tests pin: a base, then add a claim, flip a stance, move the claim to another page."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .conftest import BIB, MKDOCS_YML, write_site

BASE_CLAIM = """\
```claim
id: peer-hope
statement: Peer support gives patients hope.
type: benefit
group: patients
evidence:
  - key: pitt2013
    stance: supports
  - key: min2007
    stance: supports
```
"""

NEW_CLAIM = """\
```claim
id: fewer-readmissions
statement: Peer support is associated with fewer psychiatric readmissions.
type: outcome
group: services
evidence:
  - key: min2007
    stance: supports
  - key: gillard2014
    stance: supports
```
"""

FLIPPED = NEW_CLAIM.replace("gillard2014\n    stance: supports", "gillard2014\n    stance: no-effect")
INDEX = "# Peer support\n\nWhat peer workers offer.\n\n" + BASE_CLAIM
OUTCOMES = "# Outcomes\n\nWhat changes for services.\n\n"

# (commit message, files written, day in March 2026)
COMMITS = [
    ("Base: one claim", {"docs/index.md": INDEX, "docs/outcomes.md": OUTCOMES}, 2),
    ("Add a claim", {"docs/index.md": INDEX + "\n" + NEW_CLAIM}, 5),
    ("Flip a stance", {"docs/index.md": INDEX + "\n" + FLIPPED}, 9),
    ("Move the claim", {"docs/index.md": INDEX, "docs/outcomes.md": OUTCOMES + FLIPPED}, 12),
]


def git(repo: Path, *args: str, day: int | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    if day is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"2026-03-{day:02d}T12:00:00+00:00"
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(repo: Path, message: str, files: dict[str, str], day: int) -> str:
    write_site(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, day=day)
    return git(repo, "rev-parse", "HEAD")


def make_repo(root: Path, commits: list[tuple[str, dict[str, str], int]] = COMMITS) -> list[str]:
    """The site at ``root`` with every commit made; returns the commits' hashes, oldest first."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_site(root, {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, ".gitignore": ".cache/\n"})
    return [commit(root, message, files, day) for message, files, day in commits]
