"""Shared fixtures: small sites written into tmp_path and built with MkDocs' own API."""

from __future__ import annotations

import contextlib
import logging
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

REPO = Path(__file__).resolve().parent.parent

MKDOCS_YML = """\
site_name: Test site
theme:
  name: material
  font: false
plugins:
  - search
  - graphbuild
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
"""

BIB = r"""
@string{apt = "Advances in Psychiatric Treatment"}

@article{mead2006,
  author = {Mead, Shery and MacNeil, Cheryl},
  title = {Peer Support: What Makes It {Unique}?},
  journal = {International Journal of Psychosocial Rehabilitation},
  volume = {10},
  number = {2},
  pages = {29--37},
  year = {2006},
  design = {theory},
}

@article{pitt2013,
  author = {Pitt, Veronica and Lowe, Dianne and Hill, Sophie and others},
  title = {Consumer-providers of care for adult clients of statutory mental health services},
  journal = {Cochrane Database of Systematic Reviews},
  year = {2013},
  doi = {10.1002/14651858.CD004807.pub2},
  design = {systematic-review},
}

@article{min2007,
  author = {Min, Sae-Young and Whitecraft, Jeanie and Rothbard, Aileen B. and Salzer, Mark S.},
  title = {Peer Support for Persons with Co-Occurring Disorders and Community Tenure},
  journal = {Psychiatric Rehabilitation Journal},
  year = {2007},
  design = {comparison-group},
}

@article{gillard2014,
  author = {Gillard, Steve and Holley, Jess},
  title = {Peer workers in mental health services: literature overview},
  journal = apt,
  year = {2014},
  month = jul,
  url = {https://example.org/gillard},
  design = {narrative-review},
}

@report{dh2011,
  author = {{Department of Health}},
  title = {No Health Without Mental Health},
  institution = {Department of Health},
  year = {2011},
  design = {policy},
}

@misc{uncited2020,
  author = {Nobody, Anne},
  title = {Never cited},
  year = {2020},
  design = {opinion},
}
"""

INDEX_MD = """\
# Peer support

Peer workers draw on lived experience [@mead2006, p. 4]; see [@gillard2014; @dh2011].
Write to peers@example.org for more.

```claim
id: fewer-readmissions
statement: Peer support is associated with fewer psychiatric readmissions.
type: outcome
group: services
tags: [service-use]
evidence:
  - key: min2007
    stance: supports
    note: Fewer readmissions than a comparison group.
  - key: pitt2013
    stance: no-effect
certainty: low
because: {risk-of-bias: The comparison group was not randomised., inconsistency: A review of trials found none.}
summary: Peer support may reduce readmissions; trials have not confirmed it.
```

## More hope

```claim
id: hope
statement: Patients supported by peers report more hope.
type: benefit
group: patients
evidence:
  - gillard2014
  - mead2006: supports
certainty: very-low
because: {indirectness: A theory and a narrative review speak for patients who were not asked.}
```
"""


def write_site(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content) if name.endswith(".yml") else content, encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A small valid site: two claims (one contested), five cited studies, one uncited."""
    return write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": INDEX_MD})


def build(root: Path, strict: bool = True, site_dir: Path | None = None, serving: bool = False) -> Path:
    """Build with MkDocs' Python API, as ``mkdocs build --strict`` would; ``serving``: as
    ``mkdocs serve`` does, where errors in the sources are shown in place and stop nothing
    (the only build that publishes a site with errors)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    out = site_dir or root / "site_out"
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(out), strict=strict)
    # MkDocs keeps one plugin object across builds of a process: tell it which command this is
    config.plugins.on_startup(command="serve" if serving else "build", dirty=False)
    mkdocs_build(config)
    if serving:  # what a preview defers is written in a thread once the build is done
        config.plugins["graphbuild"].build.works.join()
    return out


@contextlib.contextmanager
def mkdocs_log() -> Iterator[list[str]]:
    """The messages MkDocs' logger (and graphbuild's, under it) gives while the block runs."""
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def failed_build_log(root: Path, strict: bool = True) -> list[str]:
    """The messages of a build that stops (``Abort``)."""
    from mkdocs.exceptions import Abort

    with mkdocs_log() as records, pytest.raises(Abort):
        build(root, strict=strict)
    return records


def config_error(config_file: Path) -> str:
    """What stops a site's configuration: an option MkDocs' validation refuses (through
    graphbuild's own reader, logged, then ``Abort``), or one the plugin refuses as the
    site's configuration is read (``PluginError``). Empty if nothing does."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    with mkdocs_log() as records:
        try:
            config = load_config(config_file=str(config_file))
            config.plugins.on_config(config)
        except Abort:
            return "\n".join(records)
        except PluginError as exc:
            return str(exc)
    return ""


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory):
    """graphbuild's sdist and wheel, built by PyPA ``build``, the wheel installed alone into a
    clean virtual environment (``tests/wheel.py``)."""
    from .wheel import build_and_install

    return build_and_install(tmp_path_factory.mktemp("wheel"))


WHEEL_KB_ARGS = ("--name", "Exercise for depression", "--claim-types", "effect,harm", "--groups", "adults,older-adults")


@pytest.fixture(scope="session")
def wheel_kb(installed_wheel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A knowledge base written by the installed wheel's ``graphbuild new`` and built by
    ``mkdocs build --strict`` in its folder, as a newcomer would: its folder (``site/`` in it)."""
    root = tmp_path_factory.mktemp("wheel-kb") / "kb"
    made = installed_wheel.run("graphbuild", "new", str(root), *WHEEL_KB_ARGS, cwd=root.parent)
    assert made.returncode == 0, made.stdout + made.stderr
    built = installed_wheel.run("python", "-m", "mkdocs", "build", "--strict", cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    return root
