"""Front matter is the editors' too: themes print its values unescaped.

Material prints ``title`` in every page's ``<title>`` and in the navigation of every page,
``subtitle`` beside it and ``description`` inside an attribute, none escaped (MkDocs' Jinja
has no autoescape). So markup in those is an error at its line, and every string value of an
editor's front matter is HTML-escaped before a theme sees it, on every publishing path.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from graphbuild.common.diagnostics import Diagnostic, error
from graphbuild.common.escaping import front_matter
from graphbuild.model.scan import read_source

SHOWN = ("title", "subtitle", "description")  # what themes print as text or in an attribute
KEPT = ("template",)  # names, not text: a theme looks them up
_MARKUP = re.compile(r"<[A-Za-z/!?]|&#?\w+;")


def front_matter_problems(meta: Mapping[str, Any], prefix: str, path: str) -> list[Diagnostic]:
    """An error for each shown value holding markup (a tag or an entity), at its line."""
    problems = []
    for key in SHOWN:
        value = meta.get(key)
        if isinstance(value, str) and _MARKUP.search(value):
            message = (
                f"front matter '{key}' holds markup, which every page's navigation and title would carry; "
                "write it as plain text (it is published escaped)"
            )
            problems.append(error(path, key_line(prefix, key), message))
    return problems


def key_line(prefix: str, key: str) -> int:
    """The file line of ``key:`` in a page's front matter (YAML or MultiMarkdown), else 1."""
    pattern = re.compile(rf"^\s{{0,3}}{re.escape(key)}\s*:", re.I)
    return next((n for n, line in enumerate(prefix.split("\n"), 1) if pattern.match(line)), 1)


def escaped_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Every string of an editor's front matter HTML-escaped (quotes too: themes put some in
    attributes), but for the names a theme looks up (``KEPT``)."""
    return {key: value if key in KEPT else _escaped(value) for key, value in meta.items()}


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, Mapping):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def escaped_front_matter(prefix: str) -> str:
    """A page's front matter as the Markdown tree writes it: YAML with every value escaped as
    ``escaped_meta`` escapes it (an engine then shows the same as the plugin's build), or the
    prefix as it was when it holds no meta-data."""
    source = read_source(prefix + "\n")
    if not source.meta:
        return prefix
    meta = escaped_meta(source.meta)
    if not isinstance(meta.get("title", ""), str):
        return prefix
    title = html.unescape(str(meta.pop("title"))) if "title" in meta else None
    fields = {k: v for k, v in meta.items() if _writable(v)}
    if title is None:
        return front_matter("", fields).replace('title: ""\n', "", 1)
    return front_matter(title, fields)


def _writable(value: Any) -> bool:
    if isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, Mapping):
        return all(_writable(v) for v in value.values())
    if isinstance(value, list):
        return all(_writable(v) for v in value)
    return False
