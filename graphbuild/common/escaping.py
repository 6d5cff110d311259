"""Text from a ``.bib`` file or a claim, made inert wherever it is written: in HTML that
Markdown will read again, in YAML front matter and inside a ``<script>`` element."""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

_MARKDOWN_ACTIVE = "[]()*_`!{}#|~:\\$^+=-"
_MARKDOWN_SPECIALS = {c: f"&#{ord(c)};" for c in _MARKDOWN_ACTIVE}
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", **_MARKDOWN_SPECIALS})
_PLAIN_TOKEN = re.compile(r"^[A-Za-z0-9./:#-]*$")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_PARK = 0xF0000  # a private-use plane: each active character stands there while JSON is written
_PARKED = {ord(c): chr(_PARK + ord(c)) for c in _MARKDOWN_ACTIVE}


def entity_text(text: str) -> str:
    """HTML-escape and encode everything Markdown or a template engine could act on, in one
    pass, so that no entity is encoded twice (``O'Brien`` must not show as ``O&#x27;Brien``)."""
    return text.translate(_ENTITIES)


def markdown_inert(value: Any) -> Any:
    """Every plain value a template prints, HTML-escaped and Markdown-encoded at once; ids,
    class names and links (letters, digits and ``. / : # -`` only) hold nothing Markdown
    acts on and are left readable."""
    if isinstance(value, str) and not isinstance(value, Markup) and not _PLAIN_TOKEN.match(value):
        return Markup(entity_text(value))
    return value


def front_matter(title: str, fields: Mapping[str, Any] | None = None) -> str:
    """YAML front matter for a generated page. MkDocs themes print ``page.title`` unescaped
    (their Jinja has no autoescape), so a study's title is HTML-escaped here; and the YAML is
    printable ASCII only, with every other character escaped. MkDocs drops front matter that
    PyYAML rejects (a DEL or a C1 control in a .bib field would do) and renders it as
    Markdown instead, which would turn a hostile title into a link.

    ``fields``: more keys (a theme template, search settings), their values strings, booleans,
    lists and mappings, written in YAML's flow style with strings quoted as the title is."""
    lines = [f"title: {_yaml_string(html.escape(_CONTROLS.sub('', title), quote=False))}"]
    lines += [f"{key}: {_yaml_flow(value)}" for key, value in (fields or {}).items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _yaml_flow(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _yaml_string(_CONTROLS.sub("", value))
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_yaml_string(str(k))}: {_yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml_flow(v) for v in value) + "]"
    raise TypeError(f"front matter holds no {type(value).__name__}")


def _yaml_string(text: str) -> str:
    return '"' + "".join(map(_yaml_char, text)) + '"'


def _yaml_char(char: str) -> str:
    """One character inside a YAML double-quoted scalar."""
    if char in '"\\':
        return "\\" + char
    if " " <= char <= "~":
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def script_json(data: Any, markdown_safe: bool = False) -> str:
    """Compact, deterministic JSON that can sit inside ``<script>`` and never close it.

    ``markdown_safe``: the characters Markdown acts on are also written as ``\\uXXXX`` inside
    strings, for a page that Markdown will read again (``graphbuild render``: a card in a
    blockquote or list is not a raw HTML block there, and ``_x_`` would become ``<em>``)."""
    if markdown_safe:
        data = _parked(data)
    text = _script_safe_json(data)
    if markdown_safe:
        for char in _MARKDOWN_ACTIVE:
            text = text.replace(chr(_PARK + ord(char)), f"\\u{ord(char):04x}")
    return text


def script_json_pieces(data: Mapping[str, Any]) -> Iterator[str]:
    """``script_json(data)`` a piece at a time: each item of a list the mapping holds is
    written on its own, so that the evidence map's data (16 MB at 30,000 studies) is never
    held whole, nor copied again for each character escaped."""
    dump = _script_safe_json
    yield "{"
    for number, key in enumerate(sorted(data)):
        value, head = data[key], ("," if number else "") + dump(key) + ":"
        if isinstance(value, list) and value:
            yield f"{head}[{dump(value[0])}"
            for item in itertools.islice(value, 1, None):
                yield "," + dump(item)
            yield "]"
        else:
            yield head + dump(value)
    yield "}"


def _script_safe_json(value: Any) -> str:
    """Compact, deterministic JSON with every character that could end a ``<script>`` (or
    a line of JavaScript) written as an escape."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escaped)
    return text


def _parked(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_PARKED)
    if isinstance(value, dict):
        return {k: _parked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_parked(v) for v in value]
    return value


# Characters XML 1.0 cannot hold at all, even escaped; a stray control code in a .bib file
# must not make a whole export unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text for an XML element (GraphML, Atom): escaped, quotes and carriage returns too."""
    return xml_escape(_XML_INVALID.sub("\ufffd", text), {'"': "&quot;", "\r": "&#13;"})


def xml_attr(value: object) -> str:
    """A quoted XML attribute value."""
    return quoteattr(_XML_INVALID.sub("\ufffd", str(value)))
