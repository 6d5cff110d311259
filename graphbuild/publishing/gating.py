"""The gate (``graphbuild.model.gate``) on every path, and the line of each thing it removes.

An engine hands graphbuild a page's HTML, which carries no source lines. So when the gate
removes something, the page's Markdown is rendered again up to a block boundary, by halves,
until the first boundary whose rendering holds that removal: the block that ends there is
where the editor wrote it. Pages the gate passes (nearly all) cost one pass of the gate and
no rendering; ``graphbuild check`` and ``render`` render each page once with the site's own
``markdown_extensions``, as the build does, so that they report what a strict build reports.
"""

from __future__ import annotations

import bisect
import importlib
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from graphbuild.common.diagnostics import Diagnostic, error
from graphbuild.model.gate import Removal, sanitize_html
from graphbuild.model.knowledge import SourcePage
from graphbuild.model.project import Tagged, resolve_env
from graphbuild.model.scan import scan
from graphbuild.site.rewrite import Replacement, substitute

Render = Callable[[str], str]
# What MkDocs adds to every site's markdown_extensions (``MarkdownExtensions(builtins=...)``).
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")


class MarkdownRenderer:
    """Python-Markdown set up as the engine sets it up: ``extensions`` as MkDocs' config
    holds them (names or extension objects), ``configs`` each one's options."""

    def __init__(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        self.extensions = extensions
        self.configs = configs
        self._markdown: Any = None

    def __call__(self, text: str) -> str:
        import markdown

        if self._markdown is None:
            self._markdown = markdown.Markdown(extensions=self.extensions, extension_configs=self.configs)
        self._markdown.reset()
        return str(self._markdown.convert(text))


def renderer_from_settings(settings: dict[str, Any]) -> MarkdownRenderer:
    """The renderer of a site read from ``mkdocs.yml`` without MkDocs: its extensions after
    MkDocs' own, each ``!!python/name:`` resolved as MkDocs' loader resolves it (the file is
    the maintainers', and MkDocs imports those names on every build too)."""
    names: list[str] = list(BUILTIN_EXTENSIONS)
    configs: dict[str, Any] = {}
    for item in resolve_env(settings.get("markdown_extensions") or []):
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if not isinstance(name, str):
            continue
        if name not in names:
            names.append(name)
        if isinstance(options, dict):
            configs[name] = _resolved(options)
    return MarkdownRenderer(names, configs)


def _resolved(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v) for v in value]
    if isinstance(value, Tagged):
        if value.tag.startswith("tag:yaml.org,2002:python/name:"):
            return _python_name(value.tag.rsplit(":", 1)[1])
        return value.value
    return value


@lru_cache(maxsize=64)
def _python_name(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def gate_page(
    page: SourcePage,
    edits: list[Replacement],
    render: Render,
    allowed_hosts: tuple[str, ...],
    html: str | None = None,
) -> tuple[str, list[Diagnostic]]:
    """The page's HTML through the gate (``html`` as the engine rendered it, else rendered
    here from the body with ``edits`` made), and an error at its line for each removal."""
    if html is None:
        html = render(substitute(page.body, edits))
    cleaned, removed = sanitize_html(html, allowed_hosts)
    if not removed:
        return cleaned, []
    return cleaned, _located(page, edits, render, allowed_hosts, removed)


def _located(
    page: SourcePage, edits: list[Replacement], render: Render, hosts: tuple[str, ...], removed: list[Removal]
) -> list[Diagnostic]:
    body = page.body
    cuts = _cuts(body)
    memo: dict[int, Counter[str]] = {}

    def found(k: int) -> Counter[str]:
        if k not in memo:
            end = cuts[k]
            kept = [e for e in edits if e[1] <= end and (e[0] < end or end == len(body))]
            memo[k] = Counter(str(r) for r in sanitize_html(render(substitute(body[:end], kept)), hosts)[1])
        return memo[k]

    problems: list[Diagnostic] = []
    reported: Counter[str] = Counter()
    for removal in removed:
        text = str(removal)
        reported[text] += 1
        k = _first(len(cuts), _holding(found, text, reported[text]))
        start = cuts[k - 1] if k and k < len(cuts) else 0
        end = cuts[k] if k < len(cuts) else len(body)
        line = _line_of(body, start, end, removal.hint) if k < len(cuts) else 0
        problems.append(error(page.path, page.first_line + line, text))
    return problems


def _holding(found: Callable[[int], Counter[str]], text: str, times: int) -> Callable[[int], bool]:
    return lambda k: found(k)[text] >= times


def _cuts(body: str) -> list[int]:
    """Offsets where a block may end: after each blank line outside fences and comments
    (a cut inside one would render what follows as something else), and the end."""
    hidden = scan(body, "").hidden
    starts = [start for start, _ in hidden]
    cuts = []
    offset = 0
    for line in body.split("\n"):
        offset += len(line) + 1
        if line.strip() == "" and offset <= len(body):
            i = bisect.bisect_right(starts, offset) - 1
            if i < 0 or not (hidden[i][0] < offset < hidden[i][1]):
                cuts.append(offset)
    return sorted(set(cuts) | {len(body)})


def _first(count: int, holds: Callable[[int], bool]) -> int:
    """The first index below ``count`` for which ``holds`` (monotone), else ``count``."""
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _line_of(body: str, start: int, end: int, hint: str) -> int:
    """The line (0-based in the body) in ``body[start:end]`` that names ``hint``, else the
    block's first line with text."""
    block = body[start:end]
    lines = block.split("\n")
    wanted = hint.lower()
    at = next((i for i, line in enumerate(lines) if wanted and wanted in line.lower()), None)
    if at is None:
        at = next((i for i, line in enumerate(lines) if line.strip()), 0)
    return body.count("\n", 0, start) + at
