"""``graphbuild render``: the whole site as plain Markdown, for engines that skip plugins.

Zensical (Material's successor) reads ``mkdocs.yml`` but runs no third-party plugin, so the
tree written here already holds every claim card, citation, generated page, export and
asset; the engine only has to render Markdown with raw HTML in it.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from .bibliography import BibliographyCache
from .config import ConfigError
from .diagnostics import Diagnostic
from .formatting import page_url
from .project import Project, analyse, is_markdown, read_settings
from .render import Renderer
from .rewrite import rewrite_page
from .site import PAGES, THEME_DIR, evidence_nav, page_front_matter, plan, scripts, stylesheets


def write_markdown_tree(project: Project, out: Path, cache: BibliographyCache | None = None) -> list[Diagnostic]:
    """Write ``out/mkdocs.yml`` and ``out/docs/``; never touches the source tree."""
    refusal = _refusal(project, out)
    if refusal:
        raise ConfigError(f"will not render into {out}: {refusal}; choose an output folder outside the sources")
    kb, diagnostics = analyse(project, cache)
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    settings = read_settings(project.config_path)
    directory_urls = settings.get("use_directory_urls", True) is not False
    sources = [p.relative_to(project.docs_dir).as_posix() for p in sorted(project.docs_dir.rglob("*")) if p.is_file()]
    planned = plan(kb)
    renderer = Renderer(kb, {}, [project.root / "overrides" / "graphbuild"], markdown_safe=True)
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
        body = rewrite_page(page, kb, partial(renderer.citation, current=src), partial(renderer.card, current=src))
        target.write_text(page.prefix + body, encoding="utf-8")
    for item in planned:
        target = docs / item.src
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.asset is not None:
            shutil.copyfile(item.asset, target)
        elif item.is_page:
            head = page_front_matter(item, directory_urls, renderer.page_head(item))
            body = renderer.page_body(item)
            target.write_text(f'{head}<div class="gb-generated">\n{body}\n</div>\n', encoding="utf-8")
        else:
            target.write_text(renderer.file_content(item), encoding="utf-8")
    _write_config(project, settings, out)
    return diagnostics


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


def _write_config(project: Project, settings: dict[str, Any], out: Path) -> None:
    """The site's own settings, less the graphbuild plugin, plus its assets and pages."""
    settings = dict(settings)
    settings["docs_dir"] = "docs"
    settings["plugins"] = _other_plugins(settings.get("plugins") or ["search"])
    settings["extra_css"] = list(settings.get("extra_css") or []) + stylesheets()
    settings["extra_javascript"] = list(settings.get("extra_javascript") or []) + scripts()
    if settings.get("nav") is not None and project.config.nav:
        settings["nav"] = list(settings["nav"]) + [evidence_nav()]
    settings["not_in_nav"] = _not_in_nav(settings.get("not_in_nav"))
    theme = settings.get("theme") or "mkdocs"
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme}
    custom_dir = theme.setdefault("custom_dir", "graphbuild-theme")
    source = project.root / custom_dir
    if source.is_dir():
        shutil.copytree(source, out / custom_dir, dirs_exist_ok=True)
    for template in THEME_DIR.iterdir():  # a site's own copy in its custom_dir wins
        target = out / custom_dir / template.name
        if template.suffix == ".html" and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, target)
    settings["theme"] = theme
    (out / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _not_in_nav(given: Any) -> str:
    """The site's ``not_in_nav`` patterns and the folders of pages in a layout (the study
    pages): with no explicit ``nav``, an engine would list all of them in every page's."""
    ours = sorted({"/" + page.src.split("{")[0].rsplit("/", 1)[0] + "/" for page in PAGES if page.layout})
    lines = [line for line in str(given or "").splitlines() if line.strip()]
    return "\n".join(lines + [p for p in ours if p not in lines]) + "\n"


def _other_plugins(plugins: list[Any] | dict[str, Any]) -> list[Any] | dict[str, Any]:
    """``plugins`` less graphbuild, in the form (list or mapping) the site wrote it."""
    if isinstance(plugins, dict):
        return {name: options for name, options in plugins.items() if name != "graphbuild"}
    return [p for p in plugins if p != "graphbuild" and not (isinstance(p, dict) and "graphbuild" in p)]
