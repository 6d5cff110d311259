"""What an editor sees when a claim is wrong: every problem at once, a hint for every typo,
and, while previewing, the problems where the card would be."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from graphbuild.model.config import Config

from .conftest import BIB, MKDOCS_YML, build, write_site
from .helpers import collect_page
from .test_engine_model import _kb

BROKEN = """\
# Page

```claim
id: broken
statement: A claim with two mistakes.
type: benefit
evidence:
  - key: mead2060
    stance: support
```
"""


def test_every_problem_in_one_pass() -> None:
    _, diagnostics = _kb([("p.md", "docs/p.md", BROKEN)])
    messages = [str(d) for d in diagnostics]
    assert any("unknown stance 'support' (did you mean 'supports'?)" in m for m in messages), messages
    assert any("unknown reference 'mead2060' (did you mean 'mead2006'?)" in m for m in messages), messages


@pytest.mark.parametrize(
    ("change", "hint"),
    [
        pytest.param(("stance: support", "stance: support"), "did you mean 'supports'?", id="support"),
        pytest.param(("stance: support", "stance: contradict"), "did you mean 'contradicts'?", id="contradict"),
        pytest.param(("type: benefit", "type: benifit"), "did you mean 'benefit'?", id="benifit"),
        pytest.param(("type: benefit", "type: benefit\ngroup: patient"), "did you mean 'patients'?", id="patient"),
        pytest.param(("stance: support", "stance: supports\n    notes: x"), "did you mean 'note'?", id="notes"),
        pytest.param(("statement:", "statment:"), "did you mean 'statement'?", id="field"),
        pytest.param(("type: benefit", "type: benefit\ncertainty: moderat"), "did you mean 'moderate'?", id="word"),
    ],
)
def test_did_you_mean_for_every_vocabulary_and_field(change: tuple[str, str], hint: str) -> None:
    text = BROKEN.replace("mead2060", "mead2006").replace(*change)
    _, _, _, diagnostics = collect_page(text, "docs/p.md", Config())
    assert any(hint in d.message for d in diagnostics), [str(d) for d in diagnostics]


def test_check_counts_the_claims_it_could_not_read(tmp_path: Path) -> None:
    from graphbuild.cli import main

    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": BROKEN})
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["--root", str(root), "check"]) == 1
    assert "0 claims (and 1 claim block that could not be read)" in err.getvalue()


def _serve_build(root: Path, serving: bool) -> str:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "out"))
    config.plugins.on_startup(command="serve" if serving else "build", dirty=False)
    mkdocs_build(config)
    return (root / "out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("serving", [True, False])
def test_a_broken_claim_shows_its_problems_only_while_previewing(tmp_path: Path, serving: bool) -> None:
    """``mkdocs serve`` shows a claim's problems where its card would be; any other build
    stops on them, strict or not, and writes nothing."""
    page = BROKEN.replace("statement: A claim", "statement: <b>A</b> claim")
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": page})
    if not serving:
        with pytest.raises(Abort):
            _serve_build(root, serving)
        assert not (root / "out").exists()
        return
    html = _serve_build(root, serving)
    box = re.search(r'<div class="gb-broken" role="alert">.*?</div>', html, re.S)
    assert box is not None
    assert "docs/index.md:9: error: unknown stance &#39;support&#39; (did you mean &#39;supports&#39;?)" in box.group()
    assert "<b>A</b>" not in box.group()


def test_a_strict_build_that_never_wrote_says_so(tmp_path: Path, caplog) -> None:
    root = write_site(tmp_path / "site", {"mkdocs.yml": MKDOCS_YML, "references.bib": BIB, "docs/index.md": BROKEN})
    with pytest.raises(Abort):
        build(root)
    assert "nothing was written to 'site_out'" in caplog.text and "still holds" not in caplog.text
