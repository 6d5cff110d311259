"""``graphbuild render``: the whole site as plain Markdown, for engines that skip plugins.

Zensical (Material's successor) reads ``mkdocs.yml`` but runs no third-party plugin, so the
tree written here already holds every claim card, citation, generated page, export and
asset; the engine only has to render Markdown with raw HTML in it.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from .bibliography import BibliographyCache, Study
from .config import ConfigError
from .diagnostics import Diagnostic, note
from .escaping import front_matter
from .formatting import page_url
from .metatags import citation_meta
from .project import Project, analyse, dump_settings, is_markdown, read_settings, scan_docs
from .render import Renderer
from .rewrite import rewrite_page
from .site import evidence_nav, plan, scripts, stylesheets
from .styles import site_style, style_problems

# Zotero and Google Scholar read citation_* tags in a page's <head> only, which no Markdown
# reaches: the tree's study pages carry them in their front matter, and a theme override
# (MkDocs' and Zensical's ``extrahead`` block) writes them into the head.
CITATION_META = "citation_meta"
HEAD_PARTIAL = "partials/graphbuild-citation-meta.html"
HEAD_PARTIAL_TEXT = f"""{{#- graphbuild: a study page's citation_* tags, from its front matter's {CITATION_META}. -#}}
{{% if page and page.meta and page.meta.{CITATION_META} %}}{{% for tag in page.meta.{CITATION_META} %}}
<meta name="{{{{ tag[0] | e }}}}" content="{{{{ tag[1] | e }}}}">
{{% endfor %}}{{% endif %}}
"""
MAIN_OVERRIDE = f"""{{% extends "base.html" %}}
{{% block extrahead %}}
{{{{ super() }}}}
{{% include "{HEAD_PARTIAL}" %}}
{{% endblock %}}
"""
DEFAULT_CUSTOM_DIR = "overrides"


def write_markdown_tree(project: Project, out: Path, cache: BibliographyCache | None = None) -> list[Diagnostic]:
    """Write ``out/mkdocs.yml`` and ``out/docs/``; never touches the source tree."""
    refusal = _refusal(project, out)
    if refusal:
        raise ConfigError(f"will not render into {out}: {refusal}; choose an output folder outside the sources")
    kb, diagnostics = analyse(project, cache)
    style = site_style(project.config, project.root)
    docs = out / "docs"
    _clear(docs)
    docs.mkdir(parents=True)
    settings = read_settings(project.config_path)
    directory_urls = settings.get("use_directory_urls", True) is not False
    sources = scan_docs(project.docs_dir, project.root).sources  # links outside the project left out
    planned = plan(kb)
    renderer = Renderer(
        kb,
        {},
        [project.root / "overrides" / "graphbuild"],
        markdown_safe=True,
        style=style,
        site_url=str(settings.get("site_url") or ""),
    )
    renderer.urls.update(
        (src, page_url(src, directory_urls) if is_markdown(src) else src)
        for src in [*sources, *(p.src for p in planned)]
    )
    for src in sources:
        target = docs / src
        target.parent.mkdir(parents=True, exist_ok=True)
        page = kb.pages.get(src)
        if page is None:
            shutil.copyfile(project.docs_dir / src, target)
            continue
        numbering = renderer.numbering(page)
        body = rewrite_page(
            page,
            kb,
            partial(renderer.citation, current=src, numbering=numbering),
            partial(renderer.card, current=src),
            tail=renderer.reference_list(numbering, src),
        )
        target.write_text(page.prefix + body, encoding="utf-8")
    for item in planned:
        target = docs / item.src
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.asset is not None:
            shutil.copyfile(item.asset, target)
        elif item.is_page:
            body = renderer.page_body(item)
            head = {CITATION_META: citation_meta(item.subject)} if isinstance(item.subject, Study) else {}
            target.write_text(
                f'{front_matter(item.title, item.hide, head)}<div class="gb-generated">\n{body}\n</div>\n',
                encoding="utf-8",
            )
        else:
            target.write_text(renderer.file_content(item), encoding="utf-8")
    style.save()
    diagnostics += style_problems(style, kb.bibliography.studies)
    diagnostics += _write_config(project, settings, out)
    return sorted(set(diagnostics))


def _refusal(project: Project, out: Path) -> str | None:
    """Why ``out`` would harm the sources, if it would: the tree empties ``out/docs`` before
    writing it, and writes ``out/mkdocs.yml``."""
    out, tree = out.resolve(), (out / "docs").resolve()
    docs = project.docs_dir.resolve()
    if out == project.root.resolve():
        return f"it is the site's folder, and its {project.config_file} would be overwritten"
    if out.is_relative_to(docs):
        return f"it is inside the docs folder {project.display(project.docs_dir)}"
    if tree.is_relative_to(docs) or docs.is_relative_to(tree):
        return f"emptying {tree} would delete the docs folder {project.display(project.docs_dir)}"
    for source in (project.root, project.config_path, project.bibliography_file):
        if source.resolve().is_relative_to(tree):
            return f"emptying {tree} would delete {source}"
    return None


def _write_config(project: Project, settings: dict[str, Any], out: Path) -> list[Diagnostic]:
    """The site's own settings, less the graphbuild plugin, plus its assets and pages, and
    the theme override that puts study pages' citation tags in their ``<head>``."""
    settings = dict(settings)
    settings["docs_dir"] = "docs"
    settings["plugins"] = _other_plugins(settings.get("plugins") or ["search"])
    settings["extra_css"] = list(settings.get("extra_css") or []) + stylesheets()
    settings["extra_javascript"] = list(settings.get("extra_javascript") or []) + scripts()
    if settings.get("nav") is not None and project.config.nav:
        settings["nav"] = list(settings["nav"]) + [evidence_nav()]
    theme = settings.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        settings["theme"] = {**theme, "custom_dir": _copy_custom_dir(project.root, theme["custom_dir"], out)}
    problems = _head_override(project, settings, out)
    _clear(out / "mkdocs.yml")
    (out / "mkdocs.yml").write_text(dump_settings(settings), encoding="utf-8")
    return problems


def _clear(path: Path) -> None:
    """Remove what ``path`` holds before it is written: a link is removed, never followed,
    so that nothing is written outside the output folder."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _copy_custom_dir(root: Path, custom_dir: str, out: Path) -> str:
    """Copy the theme's ``custom_dir`` into ``out`` and return its path there: the same
    relative path where that stays inside ``out`` and clear of ``docs``, else ``overrides``
    (``../x`` was copied to ``out/../x``)."""
    source = root / custom_dir
    if not source.is_dir():
        return custom_dir  # MkDocs stops on a missing custom_dir; leave it for MkDocs to say so
    relative = PurePosixPath(custom_dir)
    name = relative.as_posix()
    if relative.is_absolute() or ".." in relative.parts or relative.parts[:1] in ((), ("docs",), ("mkdocs.yml",)):
        name = "overrides"
    target = out / name
    if target.resolve() == source.resolve():
        return name  # the output folder holds the sources' own custom_dir there already
    if (
        not target.parent.resolve().is_relative_to(out.resolve())
        or target.resolve().is_relative_to(source.resolve())
        or source.resolve().is_relative_to(target.resolve())
    ):
        raise ConfigError(f"will not copy theme.custom_dir {source} to {target}; choose another output folder")
    _clear(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)
    return name


def _head_override(project: Project, settings: dict[str, Any], out: Path) -> list[Diagnostic]:
    """Write the partial that puts a study page's ``citation_*`` tags in its ``<head>``, and a
    ``main.html`` that includes it, into the tree's theme folder (``theme.custom_dir``, made
    if the site has none). A site's own ``main.html`` is kept, with a note saying what to add."""
    theme = settings.get("theme")
    if not isinstance(theme, dict):
        theme = {"name": theme} if isinstance(theme, str) else {}
    theme = dict(theme)
    if not theme.get("custom_dir"):
        theme["custom_dir"] = DEFAULT_CUSTOM_DIR
        _clear(out / DEFAULT_CUSTOM_DIR)  # the tree's own folder: emptied, a link never followed
    folder = out / str(theme["custom_dir"])
    settings["theme"] = theme
    (folder / HEAD_PARTIAL).parent.mkdir(parents=True, exist_ok=True)
    (folder / HEAD_PARTIAL).write_text(HEAD_PARTIAL_TEXT, encoding="utf-8")
    main = folder / "main.html"
    if not main.exists():
        main.write_text(MAIN_OVERRIDE, encoding="utf-8")
        return []
    if HEAD_PARTIAL in main.read_text(encoding="utf-8", errors="replace"):
        return []
    return [
        note(
            project.display(project.root / str(theme["custom_dir"]) / "main.html"),
            1,
            f"study pages' citation tags (for Zotero and Google Scholar) reach the <head> only if this template's "
            f'extrahead block includes "{HEAD_PARTIAL}", which graphbuild render writes beside it',
        )
    ]


def _other_plugins(plugins: list[Any] | dict[str, Any]) -> list[Any] | dict[str, Any]:
    """``plugins`` less graphbuild, in the form (list or mapping) the site wrote it."""
    if isinstance(plugins, dict):
        return {name: options for name, options in plugins.items() if name != "graphbuild"}
    return [p for p in plugins if p != "graphbuild" and not (isinstance(p, dict) and "graphbuild" in p)]
