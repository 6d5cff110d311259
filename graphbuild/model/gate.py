"""The one gate for the HTML that editors' input becomes: an allowlist sanitiser that parses
as browsers parse (nh3: ammonia over html5ever, the HTML5 parsing algorithm).

Python's ``html.parser`` and a regular expression read markup otherwise than a browser does
(``<!-->``, ``<noscript>``, ``<xmp>``, a ``>`` inside a quoted value): checks built on them
can be walked past. So every page body as the engine rendered it, and every text the theme
shows from front matter, passes this gate, and only what it allows reaches a reader.

The gate runs in two passes of one parser. The first keeps every element it knows and hands
each attribute to ``_Policy.attribute``, which decides it (hosts, schemes, styles, ids) and
records why it refused one; the second keeps only the allowed elements. A removed element is
found by counting the elements of the two results, so that every removal can be reported
(``Removal``), and ``graphbuild check`` and a strict build can name it at its line.
"""

from __future__ import annotations

import html
import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import nh3

# What Python-Markdown, the pymdownx extensions and Material emit, and plain prose markup.
HTML_ELEMENTS = frozenset(
    "a abbr address article aside b bdi bdo blockquote br caption cite code col colgroup dd del details dfn "
    "div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img input ins kbd label li main mark "
    "nav ol p picture pre q rp rt ruby s samp section small source span strong sub summary sup table tbody td "
    "tfoot th thead time tr u ul var wbr audio video track".split()
)
# Inline SVG as icons and emoji are drawn: shapes only; no animation, image, filter or foreign content.
SVG_ELEMENTS = frozenset(
    "svg g path circle ellipse line polyline polygon rect defs symbol use text tspan clipPath clippath "
    "linearGradient lineargradient radialGradient radialgradient stop mask".split()
)
ALLOWED_ELEMENTS = HTML_ELEMENTS | SVG_ELEMENTS
# Elements whose content goes with them: raw text a browser and a parser may read apart.
CONTENT_REMOVED = frozenset(
    "script style noscript xmp noembed noframes textarea iframe template title plaintext object embed "
    "applet frameset frame select option math".split()
)
# Elements known to be refused (so that their removal is reported); others are dropped too.
REFUSED_ELEMENTS = CONTENT_REMOVED | frozenset(
    "base meta link form button dialog portal marquee blink image feImage feimage animate set animateMotion "
    "animatemotion animateTransform animatetransform foreignObject foreignobject filter pattern marker "
    "param frame keygen isindex".split()
)
_EVERY_NAME = set(string.ascii_letters + string.digits + "_-:@.")  # attribute prefixes: let every one through
# Schemes the first pass lets reach ``_Policy.attribute`` (ammonia drops any other silently).
_SCHEMES = set(
    "http https mailto tel ftp ftps sftp javascript vbscript data file blob about chrome view-source "
    "irc ircs news nntp sms ssh git svn feed webcal ws wss urn tag magnet xmpp geo ldap jar intent "
    "ms-settings res resource livescript mocha".split()
)
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset(
    {"href", "xlink:href", "src", "srcset", "poster", "cite", "action", "formaction", "background", "ping"}
    | {"longdesc", "data", "codebase", "dynsrc", "lowsrc", "usemap", "manifest", "icon", "archive"}
)
FETCHED = frozenset({"src", "srcset", "poster"})  # fetched by the browser as the page loads
_GLOBAL = frozenset({"id", "class", "title", "lang", "dir", "role", "style", "hidden", "tabindex", "translate"})
_ELEMENT_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "name", "rel", "target", "download", "hreflang", "type"}),
    "img": frozenset({"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "align"}),
    "source": frozenset({"src", "srcset", "sizes", "type", "media", "width", "height"}),
    "video": frozenset({"src", "poster", "controls", "width", "height", "loop", "muted", "playsinline", "preload"}),
    "audio": frozenset({"src", "controls", "loop", "muted", "preload"}),
    "track": frozenset({"src", "kind", "label", "srclang", "default"}),
    "input": frozenset({"type", "name", "checked", "disabled", "value"}),
    "label": frozenset({"for"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "ul": frozenset({"type"}),
    "li": frozenset({"value"}),
    "td": frozenset({"colspan", "rowspan", "align", "headers"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope", "abbr", "headers"}),
    "col": frozenset({"span", "width"}),
    "colgroup": frozenset({"span"}),
    "details": frozenset({"open", "name"}),
    "time": frozenset({"datetime"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "abbr": frozenset({"title"}),
    "table": frozenset({"align"}),
    "p": frozenset({"align"}),
    "div": frozenset({"align"}),
    "use": frozenset({"href", "xlink:href", "x", "y", "width", "height"}),
}
_SVG_ATTRIBUTES = frozenset(
    "viewBox viewbox xmlns xmlns:xlink width height d fill stroke stroke-width stroke-linecap stroke-linejoin "
    "stroke-dasharray stroke-opacity fill-opacity fill-rule clip-rule opacity transform x y x1 y1 x2 y2 cx cy r rx "
    "ry points offset stop-color stop-opacity gradientUnits gradientunits gradientTransform gradienttransform "
    "preserveAspectRatio preserveaspectratio focusable clip-path mask aria-hidden text-anchor font-size "
    "font-family font-weight dx dy version baseProfile".split()
)
INPUT_TYPES = frozenset({"radio", "checkbox"})  # tabs and task lists; a text field would invite a password
# CSS properties that take no URL and cannot lift an element out of the page's flow.
STYLE_PROPERTIES = frozenset(
    "color background-color text-align font-weight font-style font-size font-variant text-decoration "
    "vertical-align white-space width height max-width max-height min-width min-height padding padding-top "
    "padding-right padding-bottom padding-left border border-top border-right border-bottom border-left "
    "border-color border-style border-width border-radius border-collapse border-spacing display float clear "
    "line-height letter-spacing word-spacing text-transform text-indent list-style-type caption-side "
    "table-layout overflow-wrap word-break".split()
)
# Ids of Material's and pymdownx's own machinery (``__config``, ``__search``): an editor's element
# taking one would be found by the theme's script first. These prefixes are pymdownx's output.
_OWN_ID_PREFIXES = ("__tabbed_", "__codelineno-", "__code_", "__span-", "__details")
# Classes of the theme's and graphbuild's layout that fix an element over the page.
_REFUSED_CLASSES = re.compile(r"^(?:md-(?!button(?:--primary)?$)|gb-map)")
_DATA_REFUSED = ("data-md-", "data-gb", "data-graphbuild")
_CONTROLS = re.compile(r"[\x00-\x20\x7f]+")
_OPEN_TAG = re.compile(r"<([A-Za-z][^\s/>]*)")


@dataclass(frozen=True)
class Removal:
    """Something the gate took out of a page, and why: for the build log and ``check``."""

    what: str
    why: str
    hint: str = ""  # text the editor likely wrote, to find its line by (a tag, an attribute, an address)

    def __str__(self) -> str:
        return f"{self.what} removed from the published page: {self.why}"


def scheme_of(url: str) -> str:
    """The scheme a browser would see: it ignores tabs, newlines and other controls inside
    ``java\\tscript:``."""
    cleaned = _CONTROLS.sub("", url)
    match = re.match(r"^([A-Za-z][\w+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def host_of(url: str) -> str:
    """The host a browser would fetch ``url`` from, ``""`` for one on this site. Browsers read
    a backslash as a slash in web addresses (``/\\host``, ``https:\\\\host``)."""
    cleaned = _CONTROLS.sub("", url).replace("\\", "/")
    try:
        return (urlsplit(cleaned).hostname or "").lower()
    except ValueError:
        return "?"


@dataclass
class _Policy:
    """Decides each attribute of the first pass, and remembers what it refused (``removed``,
    emptied by ``sanitize_html`` before each fragment: one policy and one parser serve a
    whole build)."""

    allowed_hosts: frozenset[str]
    removed: list[Removal] = field(default_factory=list)
    cleaner: nh3.Cleaner | None = None

    def first_pass(self) -> nh3.Cleaner:
        if self.cleaner is None:
            self.cleaner = nh3.Cleaner(
                tags=set(ALLOWED_ELEMENTS | REFUSED_ELEMENTS),
                clean_content_tags=set(),
                generic_attribute_prefixes=set(_EVERY_NAME),
                attributes={},
                url_schemes=set(_SCHEMES),
                attribute_filter=self.attribute,
                strip_comments=False,
                link_rel=None,
            )
        return self.cleaner

    def attribute(self, element: str, name: str, value: str) -> str | None:
        if element not in ALLOWED_ELEMENTS:
            return value  # the element goes whole in the second pass, which reports it
        why = self._refusal(element, name.lower(), value)
        if why is None:
            return self._style(element, value) if name.lower() == "style" else value
        hint = value.strip()[:40] if name.lower() in URL_ATTRIBUTES else name
        self.removed.append(Removal(f"{name}={_shown(value)} on <{element}>", why, hint))
        return None

    def _refusal(self, element: str, name: str, value: str) -> str | None:
        if name.startswith("on"):
            return "an event handler runs script"
        if not self._known(element, name):
            return f"<{element}> may not carry '{name}'"
        if name in URL_ATTRIBUTES:
            return self._url(element, name, value)
        if "url(" in value.lower().replace("\\", "") and not value.replace(" ", "").lower().startswith("url(#"):
            return "a url() here could fetch from another host"
        if name in ("id", "name", "for") and value.startswith("__") and not value.startswith(_OWN_ID_PREFIXES):
            return "ids starting '__' belong to the theme's own machinery"
        if name == "class" and any(_REFUSED_CLASSES.match(c) for c in value.split()):
            return "the theme's layout classes would lift an element over the page"
        if element == "input" and name == "type" and value.lower() not in INPUT_TYPES:
            return "only check boxes and radio buttons (task lists, tabs) may be inputs"
        return None

    @staticmethod
    def _known(element: str, name: str) -> bool:
        if name in _GLOBAL or name.startswith("aria-"):
            return True
        if name.startswith("data-"):
            return not name.startswith(_DATA_REFUSED)
        if element in SVG_ELEMENTS and name in {n.lower() for n in _SVG_ATTRIBUTES}:
            return True
        return name in _ELEMENT_ATTRIBUTES.get(element, frozenset())

    def _url(self, element: str, name: str, value: str) -> str | None:
        if name not in ("href", "xlink:href", "src", "srcset", "poster", "cite"):
            return f"'{name}' makes the browser fetch or send to an address"
        if element == "use":
            return None if value.startswith("#") else "an SVG <use> may only point into the page (#id)"
        candidates = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value]
        for url in candidates:
            scheme = scheme_of(url)
            if scheme and scheme not in LINK_SCHEMES:
                return f"a {scheme}: address could run or embed code"
            if "\\" in url or re.search(r"[\x00-\x1f\x7f]", url):
                return "a backslash or a control character in an address, which browsers read otherwise than it looks"
            if name in FETCHED and scheme in ("mailto", "tel"):
                return f"a {scheme}: address is not a picture"
            host = host_of(url)
            if name in FETCHED and host and host not in self.allowed_hosts:
                return (
                    f"every reader's browser would fetch it from another host ({host}); copy it into docs/, "
                    "or list the host in the 'allowed_hosts' option"
                )
        return None

    def _style(self, element: str, value: str) -> str | None:
        kept = _style_cleaner().clean(f'<span style="{html.escape(value)}"></span>')
        match = re.search(r'style="([^"]*)"', kept)
        style = html.unescape(match.group(1)) if match else ""
        dropped = sorted(_properties(value) - _properties(style))
        if dropped:
            self.removed.append(
                Removal(
                    f"style {', '.join(dropped)} on <{element}>",
                    "only properties that take no address and never 'position' are kept",
                    "style",
                )
            )
        return style or None


def _properties(style: str) -> set[str]:
    return {part.split(":", 1)[0].strip().lower() for part in style.split(";") if ":" in part}


def _shown(value: str) -> str:
    short = value if len(value) <= 60 else value[:57] + "..."
    return '"' + short + '"'


_CLEANERS: dict[str, nh3.Cleaner] = {}


def _style_cleaner() -> nh3.Cleaner:
    if "style" not in _CLEANERS:
        _CLEANERS["style"] = nh3.Cleaner(
            tags={"span"}, attributes={"span": {"style"}}, filter_style_properties=set(STYLE_PROPERTIES), link_rel=None
        )
    return _CLEANERS["style"]


def _elements_cleaner() -> nh3.Cleaner:
    """The second pass: the allowed elements only; every attribute the first pass kept."""
    if "elements" not in _CLEANERS:
        _CLEANERS["elements"] = nh3.Cleaner(
            tags=set(ALLOWED_ELEMENTS),
            clean_content_tags=set(CONTENT_REMOVED),
            generic_attribute_prefixes=set(_EVERY_NAME),
            attributes={},
            url_schemes=set(_SCHEMES),
            strip_comments=False,
            link_rel=None,
        )
    return _CLEANERS["elements"]


def sanitize_html(text: str, allowed_hosts: Iterable[str] = ()) -> tuple[str, list[Removal]]:
    """``text`` (an HTML fragment: a page body, a title) as the gate lets it through, and
    what it took out. HTML with nothing to remove comes back serialised by the parser
    (``<br />`` as ``<br>``), never otherwise changed."""
    if "<" not in text and "&" not in text:
        return text, []
    policy = _policy(frozenset(h.lower() for h in allowed_hosts))
    policy.removed = []
    first = policy.first_pass().clean(text)
    second = _elements_cleaner().clean(first)
    removed = list(policy.removed)
    if second != first:
        gone = Counter(_element_names(first)) - Counter(_element_names(second))
        removed += [Removal(f"<{name}>", _element_reason(name), f"<{name}") for name in sorted(gone.elements())]
    return second, removed


_POLICIES: dict[frozenset[str], _Policy] = {}


def _policy(allowed_hosts: frozenset[str]) -> _Policy:
    if allowed_hosts not in _POLICIES:
        _POLICIES[allowed_hosts] = _Policy(allowed_hosts)
    return _POLICIES[allowed_hosts]


def _element_names(markup: str) -> list[str]:
    return [name.lower() for name in _OPEN_TAG.findall(markup)]


def _element_reason(name: str) -> str:
    if name in ("script", "iframe", "object", "embed", "applet", "frame", "frameset", "portal"):
        return "it would run script or load another document"
    if name in ("noscript", "xmp", "noembed", "noframes", "textarea", "plaintext", "template", "title", "style"):
        return "browsers read its content as raw text, not as the markup it looks like"
    if name in ("animate", "set", "animatemotion", "animatetransform"):
        return "SVG animation can set an address to a script"
    if name in ("image", "feimage", "foreignobject", "filter", "pattern", "marker"):
        return "it could fetch from another host or embed a document"
    return "it is not on the gate's list of allowed elements"
