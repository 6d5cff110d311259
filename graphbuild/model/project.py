"""A site on disk (``mkdocs.yml``, ``docs/``, ``references.bib``) read without MkDocs.

``graphbuild check`` must judge the pages ``mkdocs build`` would read, with the options the
plugin would get, so the rules MkDocs applies to both are restated here.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pathspec import GitIgnoreSpec

from graphbuild.common.cachefiles import CacheFolderError, cache_folder
from graphbuild.common.diagnostics import Diagnostic, did_you_mean, error, unprintable, warning
from graphbuild.common.files import is_inside, kind
from graphbuild.model.bibliography import BibliographyCache, BibliographyStore
from graphbuild.model.config import OPTION_NAMES, Config, ConfigError, Origin, config_from_mapping
from graphbuild.model.knowledge import KnowledgeBase, PageReader, build_knowledge_base, read_page

# MkDocs' own list (``mkdocs.utils.markdown_extensions``), matched case-sensitively as it does.
MARKDOWN_EXTENSIONS = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
# What MkDocs leaves out of every site before ``exclude_docs`` is read.
DEFAULT_EXCLUDE = (".*", "/templates/")


@dataclass(frozen=True)
class Tagged:
    """A value under a tag of MkDocs' or of an extension's (``!ENV``, ``!relative``,
    ``!!python/name:``), kept as written: ``graphbuild render`` writes it back, and the
    engine that reads the rendered ``mkdocs.yml`` resolves it (Material's emoji setup needs
    its ``!!python/name:`` functions)."""

    tag: str
    value: Any


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml with every tag kept as a ``Tagged`` value; nothing is imported or run."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.SequenceNode):
        return Tagged(node.tag, loader.construct_sequence(node, deep=True))
    if isinstance(node, yaml.MappingNode):
        return Tagged(node.tag, loader.construct_mapping(node, deep=True))
    return Tagged(node.tag, loader.construct_scalar(node))


_TolerantLoader.add_multi_constructor("", _tagged)


class _SettingsDumper(yaml.SafeDumper):
    """Writes ``Tagged`` values back under their own tags."""


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_SettingsDumper.add_representer(Tagged, _represent_tagged)


def dump_settings(settings: dict[str, Any]) -> str:
    return yaml.dump(settings, Dumper=_SettingsDumper, sort_keys=False, allow_unicode=True)


def resolve_env(value: Any) -> Any:
    """``value`` with each ``!ENV`` resolved as MkDocs resolves it (``!ENV VAR`` or
    ``!ENV [VAR, OTHER, default]``), so that ``check`` reads the options the build gets."""
    if isinstance(value, dict):
        return {k: resolve_env(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_env(v) for v in value]
    if not isinstance(value, Tagged) or value.tag != "!ENV":
        return value
    items = value.value if isinstance(value.value, list) else [value.value]
    names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    for name in names:
        if str(name) in os.environ:
            text = os.environ[str(name)]
            loader = yaml.SafeLoader("")
            return loader.construct_object(yaml.ScalarNode(loader.resolve(yaml.ScalarNode, text, (True, False)), text))
    return default


@dataclass(frozen=True)
class SiteSettings:
    """What the adapters tell the renderer of the site as a whole (``mkdocs.yml``): its name
    and address (``site_url``, for the feed's absolute links), its language, and whether
    pages are folders (``use_directory_urls``)."""

    name: str = ""
    url: str = ""
    language: str = "en"
    directory_urls: bool = True


def _default_exclusions() -> tuple[GitIgnoreSpec, ...]:
    return (GitIgnoreSpec.from_lines(DEFAULT_EXCLUDE),)


@dataclass
class Project:
    """``exclusions``: pattern sets of which any match keeps a file out of the site; MkDocs
    applies ``exclude_docs`` and ``draft_docs`` separately, so they are not merged into one."""

    root: Path
    docs_dir: Path
    config: Config
    config_file: str = "mkdocs.yml"
    exclusions: tuple[GitIgnoreSpec, ...] = field(default_factory=_default_exclusions)
    directory_urls: bool = True
    settings_problems: list[Diagnostic] = field(default_factory=list)
    site: SiteSettings = field(default_factory=lambda: SiteSettings())
    custom_dir: Path | None = None  # the theme's, where a site overrides templates
    searched: bool = True  # a search plugin writes an index, which claims and studies join
    theme: str = ""  # the theme's name, whose templates a page's front matter may name

    @property
    def config_path(self) -> Path:
        return self.root / self.config_file

    @property
    def bibliography_file(self) -> Path:
        return self.root / self.config.bibliography

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def is_excluded(self, src: str) -> bool:
        return any(spec.match_file(src) for spec in self.exclusions)


def is_markdown(src: str) -> bool:
    return src.endswith(MARKDOWN_EXTENSIONS)


def plugin_options(settings: dict[str, Any]) -> dict[str, Any] | None:
    """graphbuild's options, from either form of ``plugins`` MkDocs accepts (list or mapping)."""
    plugins = settings.get("plugins")
    if plugins is None:
        return None
    if isinstance(plugins, dict):
        return _options(plugins["graphbuild"]) if "graphbuild" in plugins else None
    if not isinstance(plugins, list):
        raise ConfigError(f"option 'plugins': expected a list or a mapping of plugins, not {type(plugins).__name__}")
    for plugin in plugins:
        if plugin == "graphbuild":
            return {}
        if isinstance(plugin, dict) and "graphbuild" in plugin:
            return _options(plugin["graphbuild"])
    return None


def _options(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"the options of plugin 'graphbuild' must be a mapping, not {type(value).__name__}")
    return {k: v for k, v in value.items() if k != "enabled"}


def read_settings(path: Path) -> dict[str, Any]:
    """``mkdocs.yml`` as a mapping; anything else is the editor's to fix, so a ConfigError."""
    if not path.exists():
        raise ConfigError(f"{path}: no such file (run graphbuild from the site's folder)")
    return parse_settings(path.read_bytes(), str(path))


def parse_settings(data: bytes, path: str) -> dict[str, Any]:
    """``mkdocs.yml``'s bytes as a mapping: from a file, or from a blob of the site's history."""
    try:
        settings = yaml.load(data.decode("utf-8-sig"), Loader=_TolerantLoader)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level, not a {type(settings).__name__}")
    return settings


def load_project(root: Path, config_file: str = "mkdocs.yml") -> Project:
    return project_from_settings(root, read_settings(root / config_file), config_file)


def project_from_settings(root: Path, settings: dict[str, Any], config_file: str = "mkdocs.yml") -> Project:
    path = root / config_file
    settings = resolve_env(settings)
    # The settings of a commit in the site's history come from a blob, not a file there.
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    try:
        options = plugin_options(settings) or {}
        config = config_from_mapping(options, option_origin(config_file, text, options))
        docs_dir = settings.get("docs_dir", "docs")
        if not isinstance(docs_dir, str):
            raise ConfigError(f"option 'docs_dir': expected a folder path, not {type(docs_dir).__name__}")
        exclusions = _default_exclusions() + _exclusions(settings)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    directory_urls = settings.get("use_directory_urls", True) is not False
    theme = settings.get("theme")
    name, font = (theme.get("name"), theme.get("font")) if isinstance(theme, dict) else (theme, None)
    plugins = _enabled_plugins(settings)
    fonts = font_diagnostics(config_file, text, name, font, plugins) + option_problems(config_file, text, options)
    written = parse_settings(text.encode("utf-8"), config_file) if text else settings  # the plugin's settings are few
    fonts += asset_diagnostics(config_file, text, written, config.allowed_hosts)
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    return Project(
        root,
        root / docs_dir,
        config,
        config_file,
        exclusions,
        directory_urls,
        fonts,
        site_settings(settings),
        root / custom_dir if isinstance(custom_dir, str) and custom_dir else None,
        settings.get("plugins") is None or bool({"search", "material/search"} & set(plugins)),
        name if isinstance(name, str) else "",
    )


def site_settings(settings: dict[str, Any]) -> SiteSettings:
    """What ``mkdocs.yml`` says of the whole site."""
    theme = settings.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    return SiteSettings(
        str(settings.get("site_name") or ""),
        str(settings.get("site_url") or ""),
        str(language or "en"),
        settings.get("use_directory_urls", True) is not False,
    )


def _enabled_plugins(settings: dict[str, Any]) -> list[str]:
    plugins = settings.get("plugins") or []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    else:
        entries = [next(iter(p.items())) if isinstance(p, dict) and p else (p, None) for p in plugins]
    disabled = {name for name, options in entries if isinstance(options, dict) and options.get("enabled") is False}
    return [str(name) for name, _ in entries if name not in disabled]


def option_problems(path: str, text: str, options: Mapping[str, Any]) -> list[Diagnostic]:
    """An error for each option of graphbuild's that it does not know, at its line of
    ``mkdocs.yml``, with what it may have meant: a misspelt option would otherwise be
    ignored, and the site built without what the editors asked for."""
    problems = []
    for name in sorted(set(options) - set(OPTION_NAMES) - {"enabled"}):
        close = did_you_mean(name, OPTION_NAMES)
        message = f"unknown option '{name}' of the graphbuild plugin{close}; its options: {', '.join(OPTION_NAMES)}"
        problems.append(error(path, _plugin_option_line(text, name), message))
    return problems


def option_origin(path: str, text: str, options: Mapping[str, Any]) -> Origin:
    """Where ``text`` (``mkdocs.yml``, at ``path``) writes the graphbuild plugin and each
    of its ``options``."""
    given = [name for name in OPTION_NAMES if options.get(name) not in (None, [], {})]  # as config_from_mapping
    lines = tuple((name, _plugin_option_line(text, name)) for name in given)
    return Origin(path, _plugin_line(text), lines)


def _plugin_line(text: str) -> int:
    """The line of the graphbuild plugin in ``plugins`` (``- graphbuild`` or ``graphbuild:``), else 1."""
    pattern = re.compile(r"\s*-?\s*graphbuild\s*(:|$)")
    return next((i + 1 for i, line in enumerate(text.splitlines()) if pattern.match(line)), 1)


def _plugin_option_line(text: str, name: str) -> int:
    """The line of ``name:`` in the graphbuild plugin's options, else of the plugin, else 1."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"\s*-?\s*graphbuild\s*:", line)), None)
    if start is None:
        return _plugin_line(text)
    key = re.compile(rf"\s+{re.escape(name)}\s*:")
    return next((i + 1 for i, line in enumerate(lines[start + 1 :], start + 1) if key.match(line)), start + 1)


def font_diagnostics(path: str, text: str, theme: Any, font: Any, plugins: Collection[str]) -> list[Diagnostic]:
    """Material fetches its fonts from Google Fonts on every page unless ``theme.font`` is
    false (or its privacy plugin downloads them at build time): readers' browsers would
    contact another host, which the site promises they never do."""
    if theme != "material" or font is False or {"privacy", "material/privacy"} & set(plugins):
        return []
    message = (
        "option 'theme.font': Material loads its fonts from Google Fonts (fonts.googleapis.com) on every page; "
        "set 'font: false' to use the reader's own fonts, or enable Material's privacy plugin"
    )
    return [warning(path, _option_line(text, ("theme", "font")), message)]


def asset_diagnostics(path: str, text: str, settings: dict[str, Any], allowed: list[str]) -> list[Diagnostic]:
    """A warning at its line for each asset ``mkdocs.yml`` loads from another host (scripts,
    stylesheets, the theme's logo and favicon), unless ``allowed_hosts`` lists it: the site
    promises that readers' browsers fetch nothing from elsewhere. (The file is the
    maintainers'; this keeps the promise visible, it does not guard against them.)"""
    given = settings.get("theme")
    theme: dict[str, Any] = given if isinstance(given, dict) else {}
    found: list[tuple[tuple[str, ...], int | None, Any]] = []
    for name in ("extra_javascript", "extra_css"):
        for i, item in enumerate(settings.get(name) or []):
            found.append(((name,), i, item.get("path") if isinstance(item, dict) else item))
    for name in ("logo", "favicon"):
        found.append((("theme", name), None, theme.get(name)))
    problems = []
    for keys, index, value in found:
        host = _host(value)
        if host and host not in allowed:
            message = (
                f"option '{'.'.join(keys)}': {value} is fetched from another host ({host}) by every reader's browser; "
                "copy it into docs/, or list the host in the 'allowed_hosts' option"
            )
            problems.append(warning(path, _option_line(text, keys, index), message))
    return problems


def _host(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    try:
        return (urlsplit(value.strip().replace("\\", "/")).hostname or "").lower()
    except ValueError:
        return "?"


def _option_line(text: str, names: tuple[str, ...], index: int | None = None) -> int:
    """The line of the deepest of ``names`` (a path of keys) that the YAML holds, else 1."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 1
    line = 1
    for name in names:
        if not isinstance(node, yaml.MappingNode):
            break
        found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)
        if found is None:
            break
        line, node = found[0].start_mark.line + 1, found[1]
    if index is not None and isinstance(node, yaml.SequenceNode) and index < len(node.value):
        line = node.value[index].start_mark.line + 1
    return line


def _exclusions(settings: dict[str, Any]) -> tuple[GitIgnoreSpec, ...]:
    """``exclude_docs`` and ``draft_docs``: drafts are left out of ``mkdocs build`` too."""
    specs = []
    for name in ("exclude_docs", "draft_docs"):
        patterns = settings.get(name)
        if patterns is None:
            continue
        if not isinstance(patterns, str):
            raise ConfigError(
                f"option '{name}': expected a multi-line string of patterns, not {type(patterns).__name__}"
            )
        try:
            specs.append(GitIgnoreSpec.from_lines(patterns.splitlines()))
        except ValueError as exc:
            raise ConfigError(f"option '{name}': {exc}") from exc
    return tuple(specs)


def pages_among(sources: list[str]) -> list[str]:
    """The pages MkDocs would build from these published files (``site_sources``' or a
    commit's), in their order."""
    return _without_conflicts([src for src in sources if is_markdown(src)])


def site_sources(project: Project) -> list[str]:
    """Every file of ``docs_dir`` MkDocs would publish, pages or not, in its walk's order."""
    return scan_docs(project.docs_dir, project.root, project.is_excluded).sources


@dataclass
class DocsScan:
    """A walk of ``docs_dir`` as MkDocs walks it (following links), less what must not be
    read: ``refused`` holds the files and folders left out, each with a diagnostic, and
    ``loops`` the links back to a folder above them, which MkDocs' own walk never leaves."""

    sources: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    loops: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def is_refused(self, src: str) -> bool:
        return any(src == path or src.startswith(path + "/") for path in self.refused)


def scan_docs(docs_dir: Path, root: Path, excluded: Callable[[str], bool] = lambda src: False) -> DocsScan:
    """``excluded``: sources left out without a word (``exclude_docs`` and the like)."""
    scan = DocsScan()
    allowed = (root.resolve(), docs_dir.resolve())

    def refuse(src: str, problem: tuple[Callable[..., Diagnostic], str]) -> Diagnostic:
        severity, message = problem
        scan.refused.append(src)
        scan.problems.append(severity(_shown(docs_dir / src, root), 1, message))
        return scan.problems[-1]

    for folder, dirnames, filenames in os.walk(docs_dir, followlinks=True):
        here = Path(folder)
        relative = here.relative_to(docs_dir).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        dirnames.sort()
        for name in [d for d in dirnames if (here / d).is_symlink()]:
            target = (here / name).resolve()
            if here.resolve().is_relative_to(target):
                scan.loops.append(
                    refuse(prefix + name, (error, f"a link to '{target}', a folder that holds it: {_LOOP}"))
                )
            elif not is_inside(target, allowed) and not excluded(prefix + name):
                refuse(prefix + name, (warning, f"a link to '{target}', outside the project: {_KEPT_OUT}"))
            else:
                continue
            dirnames.remove(name)
        for name in sorted(filenames):
            src = prefix + name
            if excluded(src):
                continue
            problem = _file_problem(here / name, allowed)
            if problem:
                refuse(src, problem)
            else:
                scan.sources.append(src)
    return scan


_LOOP = "following it, MkDocs would walk the same folders for ever; remove the link"
_KEPT_OUT = "it is not published"


def _file_problem(path: Path, allowed: tuple[Path, ...]) -> tuple[Callable[..., Diagnostic], str] | None:
    if unprintable(path.name) or path.name.startswith("::"):
        return (
            error,
            f"its name holds a line break or a control character, which would forge build log lines: {_KEPT_OUT}",
        )
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return error, f"cannot be read ({exc.strerror}): {_KEPT_OUT}"
    if not stat.S_ISREG(mode):
        return error, f"it is {kind(mode)}, not a plain file: {_KEPT_OUT}"
    if path.is_symlink() and not is_inside(path.resolve(), allowed):
        return warning, f"a link to '{path.resolve()}', outside the project: {_KEPT_OUT}"
    return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _without_conflicts(sources: list[str]) -> list[str]:
    """Two pages of a folder with one URL (``README.md`` beside ``index.md``, ``a.md`` beside
    ``a.markdown``): MkDocs drops the one that sorts first by name and keeps the others."""
    by_url: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for src in sources:
        folder, name = posixpath.split(src)
        stem = posixpath.splitext(name)[0]
        by_url[folder, "index" if stem == "README" else stem].append(src)
    dropped = {min(group) for group in by_url.values() if len(group) > 1}
    return [src for src in sources if src not in dropped]


def read_pages(project: Project) -> tuple[list[tuple[str, str, str]], list[Diagnostic]]:
    """Every page as (src, display path, text); a page that cannot be decoded is reported and skipped."""
    pages: list[tuple[str, str, str]] = []
    scan = scan_docs(project.docs_dir, project.root, project.is_excluded)
    problems: list[Diagnostic] = list(scan.problems)
    for src in _without_conflicts([src for src in scan.sources if is_markdown(src)]):
        file = project.docs_dir / src
        text = decode_page(file.read_bytes(), project.display(file))
        if isinstance(text, Diagnostic):
            problems.append(text)
        else:
            pages.append((src, project.display(file), text))
    return pages, problems


def decode_page(data: bytes, path: str) -> str | Diagnostic:
    """UTF-8 with an optional BOM, as MkDocs reads pages; a bad byte gets the line it is on."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        body = exc.object  # without the BOM, which holds no line break
        line = body[: exc.start].count(b"\n") + 1
        return error(path, line, f"not valid UTF-8 (byte 0x{body[exc.start]:02x}); save the file as UTF-8")


BIBLIOGRAPHY_STORE = "bibliography.json"


def bibliography_store(project: Project) -> tuple[BibliographyStore | None, list[Diagnostic]]:
    """Where the parsed bibliography is kept between builds (``.cache/graphbuild/``), or
    why it cannot be: a cache folder that is a link is refused, as an error."""
    try:
        folder = cache_folder(project.root)
    except CacheFolderError as exc:
        return None, [error(project.config_file, 1, str(exc))]
    path = folder / BIBLIOGRAPHY_STORE
    return BibliographyStore(path, project.root, project.display(path)), []


def read_knowledge_base(
    project: Project,
    cache: BibliographyCache | None = None,
    pages: list[tuple[str, str, str]] | None = None,
    read: PageReader = read_page,
) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """The site's knowledge base, undated, and every problem in its sources: its pages
    (``pages`` as (src, display path, text), else read from the docs folder as MkDocs
    would) against its bibliography; ``read`` reads a page (a memo, in ``mkdocs serve``)."""
    file = project.bibliography_file
    if not file.exists():
        raise ConfigError(f"bibliography '{project.config.bibliography}' not found at {file}")
    store, store_problems = bibliography_store(project)
    cache = cache or BibliographyCache()
    bibliography, bib_problems = cache.load(file, project.display(file), project.config, store)
    bib_problems += store_problems
    page_problems: list[Diagnostic] = []
    if pages is None:
        pages, page_problems = read_pages(project)
    kb, problems = build_knowledge_base(pages, bibliography, project.config, read)
    cited = kb.cited
    for key, study in bibliography.studies.items():
        if key not in cited:
            study.pack()  # never shown; unpacked if a later build (mkdocs serve) cites it
    return kb, bib_problems + page_problems + problems + project.settings_problems
