"""Files in ``docs/`` that are published as they are, outside the gate: an ``.svg`` opened on
its own runs its script, and an ``.html`` page is a page of its own.

An SVG passes when an XML parse finds no script, event handler, ``foreignObject``,
``javascript:`` address, entity or document type, and no reference to another host; otherwise
it is an error at its line (and ``graphbuild render`` leaves it out of the tree). An HTML file
is a warning unless the site's ``static_html`` option lists it by glob (a site-verification
file): it fails a strict build, and will be an error in a later release.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from pathlib import Path
from xml.parsers import expat

from graphbuild.common.diagnostics import Diagnostic, error, warning
from graphbuild.common.files import read_regular
from graphbuild.model.gate import host_of, scheme_of

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_REFUSED = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_URL = re.compile(r"""url\(\s*['"]?([^'")\s]*)|@import\s+['"]([^'"]*)""", re.I)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def svg_problems(data: bytes, path: str, allowed_hosts: Iterable[str] = ()) -> list[Diagnostic]:
    """An error at its line for the first thing that would run script or fetch from another
    host in an SVG file, or for a file that does not parse as XML."""
    hosts = {h.lower() for h in allowed_hosts}
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(message: str) -> None:
        raise _Refused(parser.CurrentLineNumber, message)

    def element(name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1].lower()
        if local in _REFUSED:
            refuse(f"<{local}> in an SVG runs script or embeds a document when the file is opened")
        for attribute, value in attributes.items():
            _attribute(attribute.rsplit(" ", 1)[-1].lower(), value, hosts, refuse)

    def text(data: str) -> None:
        _addresses(data, hosts, refuse)

    def doctype(*_: object) -> None:
        refuse("a document type (and the entities it may declare) is not accepted in an SVG")

    def instruction(target: str, data: str) -> None:
        _addresses(data.replace("href=", "url("), hosts, refuse)

    parser.StartElementHandler = element
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        return [error(path, refused.line, f"{refused}; it is not published")]
    except expat.ExpatError as exc:
        return [
            error(
                path, exc.lineno, f"not an SVG that parses as XML ({expat.ErrorString(exc.code)}); it is not published"
            )
        ]
    return []


def _attribute(name: str, value: str, hosts: set[str], refuse: object) -> None:
    assert callable(refuse)
    if name.startswith("on"):
        refuse(f"the event handler '{name}' in an SVG runs script when the file is opened")
    if "javascript:" in re.sub(r"[\x00-\x20]+", "", value).lower() or scheme_of(value) in ("vbscript", "data"):
        refuse(f"'{name}' holds an address that runs code")
    if name in ("href", "src"):
        _address(value, hosts, refuse)
    _addresses(value, hosts, refuse)


def _addresses(text: str, hosts: set[str], refuse: object) -> None:
    for match in _URL.finditer(text):
        _address(match.group(1) or match.group(2) or "", hosts, refuse)


def _address(url: str, hosts: set[str], refuse: object) -> None:
    assert callable(refuse)
    host = host_of(url.strip())
    if host and host not in hosts:
        refuse(f"a reference to another host ({host}), which every reader's browser would fetch")


def static_problems(
    docs_dir: Path, sources: Iterable[str], display: str, allowed_hosts: Iterable[str], html_allowed: Iterable[str]
) -> tuple[list[Diagnostic], set[str]]:
    """The problems of the published files of ``docs_dir`` that are not pages, and the
    sources that must not be published (an SVG with an error). ``display``: the docs folder
    as editors name it (``docs``)."""
    problems: list[Diagnostic] = []
    refused: set[str] = set()
    globs = list(html_allowed)
    for src in sources:
        shown = f"{display}/{src}"
        lower = src.lower()
        if lower.endswith(".svg"):
            data = read_regular(docs_dir / src)
            found = svg_problems(data if isinstance(data, bytes) else b"", shown, allowed_hosts)
            problems += found
            refused |= {src} if found else set()
        elif lower.endswith(HTML_SUFFIXES) and not any(fnmatch.fnmatchcase(src, glob) for glob in globs):
            message = (
                "an HTML file is published as it is, outside the gate (script in it runs on this site's address); "
                "list it in the 'static_html' option if it must be (a site-verification file)"
            )
            problems.append(warning(shown, 1, message))
    return problems, refused
