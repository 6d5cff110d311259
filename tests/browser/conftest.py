"""Browser fixtures: small sites built once, served from 127.0.0.1, opened in Debian's chromium.

Never a downloaded browser: ``chromium`` must be on PATH (``.ci/run`` installs it from Debian's
packages). Without it these tests fail, so that CI cannot pass by skipping them; set
``GRAPHBUILD_SKIP_BROWSER=1`` to skip them on purpose.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import BIB, INDEX_MD, MKDOCS_YML, build, write_site

# A phone and a desktop, each in the light and the dark scheme: the views a page is judged in.
VIEWS = [
    pytest.param(390, 844, "light", id="phone-light"),
    pytest.param(390, 844, "dark", id="phone-dark"),
    pytest.param(1366, 900, "light", id="desktop-light"),
    pytest.param(1366, 900, "dark", id="desktop-dark"),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

SECOND_MD = """\
# Organisations

Introducing the role needs preparation [@gillard2014].

```claim
id: unclear-role
statement: An unclear job description is a barrier to introducing the role.
type: barrier
group: organisations
evidence:
  - key: gillard2014
    stance: supports
  - key: dh2011
    stance: mixed
```

```claim
id: training-helps
statement: Training for the team helps peer workers settle in.
type: facilitator
evidence:
  - key: dh2011
    stance: supports
  - key: min2007
    stance: contradicts
```
"""

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_BIB = (
    BIB
    + """
@misc{evil2020,
  author = {Evil, Eve and {<script>alert(2)</script>}},
  title = {<img src=x onerror=alert(1)>},
  url = {javascript:alert(1)},
  note = {</script><script>alert(3)</script>},
  year = {2020},
  design = {opinion},
}
"""
)
HOSTILE_MD = (
    INDEX_MD
    + """
```claim
id: hostile-claim
statement: "A claim citing <b>a hostile</b> </script> study."
type: benefit
evidence:
  - key: evil2020
    stance: supports
```
"""
)


def _skip_or_fail() -> str:
    if os.environ.get("GRAPHBUILD_SKIP_BROWSER") == "1":
        pytest.skip("GRAPHBUILD_SKIP_BROWSER=1")
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "browser tests need Debian's chromium on PATH (apt-get install -y chromium); "
            "set GRAPHBUILD_SKIP_BROWSER=1 to skip them on purpose",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser():
    path = _skip_or_fail()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def serve(directory: Path) -> Iterator[str]:
    """A static file server on 127.0.0.1 with a free port, in a thread; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def open_local_graphs(page, limit: int | None = None) -> int:
    """Open the page's "Show as a graph" toggles (the first ``limit``) and wait until each
    graph is drawn; returns how many were opened."""
    summaries = page.locator("details.gb-local-graph > summary").all()[:limit]
    for summary in summaries:
        summary.click()
    if summaries:
        page.wait_for_function(
            "n => document.querySelectorAll('.gb-graph[data-gb-state=\"drawn\"]').length >= n",
            arg=len(summaries),
            timeout=20_000,
        )
    return len(summaries)


def _build_site(root: Path, files: dict[str, str], strict: bool = True) -> Path:
    write_site(root, files)
    return build(root, strict=strict)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The small test site, built once: three claims over two pages, six cited studies."""
    return _build_site(
        tmp_path_factory.mktemp("browser-site"),
        {
            "mkdocs.yml": MKDOCS_YML,
            "references.bib": BIB,
            "docs/index.md": INDEX_MD,
            "docs/organisations.md": SECOND_MD,
        },
    )


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    yield from serve(site_dir)


@pytest.fixture(scope="session")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    """A site whose bibliography holds a hostile title, author, note and ``javascript:`` URL."""
    out = _build_site(
        tmp_path_factory.mktemp("hostile-site"),
        {
            "mkdocs.yml": MKDOCS_YML,
            "references.bib": HOSTILE_BIB,
            "docs/index.md": HOSTILE_MD,
        },
        strict=False,
    )
    yield from serve(out)


@dataclass
class Watched:
    """A page and everything it did that a test may need to refuse."""

    page: object
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def goto(self, url: str) -> None:
        self.page.goto(url, wait_until="load")

    def wait_ready(self, selector: str = ".gb-map") -> None:
        self.page.wait_for_selector(f'{selector}[data-gb-ready="1"]', state="attached", timeout=20_000)

    def assert_clean(self) -> None:
        assert self.external == [], f"requests left 127.0.0.1: {self.external}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.dialogs == [], f"dialogs fired: {self.dialogs}"


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    """A fresh page that records off-host requests, console errors, page errors and dialogs."""
    context = browser.new_context(service_workers="block", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    record = Watched(page)

    def on_request(request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host != "127.0.0.1":
            record.external.append(request.url)

    def on_console(message) -> None:
        if message.type == "error":
            record.console_errors.append(message.text)

    def on_dialog(dialog) -> None:
        record.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: record.console_errors.append(f"pageerror: {error}"))
    page.on("dialog", on_dialog)
    page.on(
        "response",
        lambda response: (
            record.console_errors.append(f"HTTP {response.status}: {response.url}") if response.status >= 400 else None
        ),
    )
    yield record
    context.close()
    record.assert_clean()


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built from ``mkdocs.yml`` (with its theme overrides)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("repo-site")
    mkdocs_build(load_config(config_file=str(REPO / "mkdocs.yml"), site_dir=str(site)))
    return site


@pytest.fixture(scope="session")
def repo_url(repo_site: Path) -> Iterator[str]:
    yield from serve(repo_site)
