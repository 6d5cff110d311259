"""``graphbuild render``: the whole site as plain Markdown, for engines that skip plugins.

Zensical (Material's successor) reads ``mkdocs.yml`` but runs no third-party plugin, so the
tree written here already holds every citation, generated page and asset; the engine only
has to render Markdown with raw HTML in it. What neither the engine's search nor its tables
of contents need (claim cards, the bodies of the index pages that search leaves out, the
study pages) waits in the tree's parts file, beside ``mkdocs.yml``, for ``graphbuild
finish`` to put into the built site (``graphbuild.publishing.finish``): Zensical reads every byte of a
page's Markdown slowly, and those were nine in ten of the tree's bytes. The exports, which
the engine would only copy, one file at a time, wait beside it too, in a folder of their
own that ``finish`` moves into the site.
"""

from __future__ import annotations

import dataclasses
import html
import shutil
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from pathspec import GitIgnoreSpec

from graphbuild.common.background import Background, collector_paused
from graphbuild.common.diagnostics import Diagnostic, diagnostic_record, from_record
from graphbuild.formats.feed import autodiscovery_link
from graphbuild.formats.search import located, search_entries
from graphbuild.formats.site_style import style_problems
from graphbuild.model.bibliography import Study
from graphbuild.model.config import ConfigError
from graphbuild.model.front import escaped_front_matter
from graphbuild.model.project import Project, dump_settings, pages_among, read_settings
from graphbuild.publishing.finish import EXPORTS_DIR, LAID_OUT_FILE, PARTS_FILE, PartsWriter, laid_out_record
from graphbuild.publishing.gating import renderer_from_settings
from graphbuild.publishing.pipeline import BuildPlan, Caches, gate_report, plan_build
from graphbuild.publishing.sizing import SizeLimit
from graphbuild.site import registry
from graphbuild.site.context import Site
from graphbuild.site.navigation import site_nav
from graphbuild.site.registry import (
    PAGES,
    THEME_DIR,
    GeneratedPage,
    Planned,
    evidence_nav,
    feed_links,
    page_front_matter,
    scripts,
    stylesheets,
    written_to,
)
from graphbuild.site.rewrite import page_markdown
from graphbuild.site.shell import StandIns


def write_markdown_tree(project: Project, out: Path, caches: Caches | None = None) -> list[Diagnostic]:
    """Write ``out/mkdocs.yml``, ``out/docs/``, the parts file and the staged exports; never
    touches the source tree."""
    refusal = _refusal(project, out)
    if refusal:
        raise ConfigError(f"will not render into {out}: {refusal}; choose an output folder outside the sources")
    with collector_paused():
        return _write_tree(plan_build(project, caches=caches), out)


def _write_tree(plan: BuildPlan, out: Path) -> list[Diagnostic]:
    project, kb = plan.project, plan.kb
    docs, staged = out / "docs", out / EXPORTS_DIR
    for folder in (docs, staged):
        _clear(folder)
        folder.mkdir(parents=True)
    settings = read_settings(project.config_path)
    renderer = renderer_from_settings(settings)
    directory_urls = project.directory_urls
    # The parts never pass through Markdown: made as the plugin makes them. What stays in
    # the Markdown (citations, reference lists, the pages search reads) is encoded against
    # Markdown too. Zensical's search always reads the claims' and studies' own entries.
    site = plan.site(search_entries=True)
    in_markdown = plan.site(markdown_safe=True, search_entries=True)
    stand_ins = StandIns()
    laid_out = [item for item in plan.planned if isinstance(item.output, GeneratedPage) and item.output.layout]
    # Each study's parts (its reference in the site's style, its links and level) made here,
    # before the forks: the pages' process and this one share them instead of each making
    # them again.
    for item in laid_out:
        if isinstance(item.subject, Study):
            site.studies.parts(item.subject)
    # The exports (20,000 small files at 6,000 studies) are written outside the docs folder,
    # which the engine would copy file by file, in a process of their own where one can be
    # forked (graphbuild.common.background).
    exports = [(str(staged / item.src), item) for item in plan.exports]
    background = Background(partial(registry.write_exports, site, exports))
    # The pages in a layout (30,000 study pages at 50,000 references), in a process of their
    # own too: their parts were half of the tree's time.
    _clear(out / LAID_OUT_FILE)
    pages = Background(partial(_write_laid_out, site, laid_out, out / LAID_OUT_FILE, directory_urls))
    # What finish will remove, each an error at its line here: the pages rendered once more,
    # in a process of their own, as nothing made here waits for it.
    gate = Background(lambda: [diagnostic_record(d) for d in gate_report(plan, renderer)])
    try:
        shells = {page.name: _shell_src(page, stand_ins) for page in PAGES if page.layout}
        _clear(out / PARTS_FILE)
        hosts = tuple(kb.config.allowed_hosts)
        destinations = {name: written_to(src, directory_urls) for name, src in shells.items()}
        footnotes = "footnotes" in renderer.extensions
        with PartsWriter(out / PARTS_FILE, destinations, stand_ins, hosts, SizeLimit.of(kb.config)) as parts:
            for src in plan.sources:
                target = docs / src
                target.parent.mkdir(parents=True, exist_ok=True)
                page = kb.pages.get(src)
                if page is None:
                    if src not in plan.refused:
                        shutil.copyfile(project.docs_dir / src, target)
                    continue
                body = page_markdown(page, in_markdown, site, parts.slot, hold_list=False)
                body = parts.gated(body, footnotes and "[^" in body)
                target.write_text(escaped_front_matter(page.prefix) + body, encoding="utf-8")
                parts.page(written_to(src, directory_urls), gated=True)
            for item in plan.planned:
                target = docs / item.src
                if item.asset is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(item.asset, target)
                elif isinstance(item.output, GeneratedPage) and item.output.layout:
                    continue  # written by their own process
                elif isinstance(item.output, GeneratedPage) and not item.output.searched:
                    # The index pages' bodies (the bibliography, the claims index) stream into
                    # the parts file: at 30,000 studies each is tens of megabytes.
                    head = page_front_matter(item, directory_urls, registry.page_head(in_markdown, item))
                    pieces = registry.page_body_stream(site, item)
                    _write_page(target, head, parts.streamed_page(written_to(item.src, directory_urls), pieces))
                elif isinstance(item.output, GeneratedPage):
                    head = page_front_matter(item, directory_urls, registry.page_head(in_markdown, item))
                    _write_page(target, head, registry.page_body(in_markdown, item))
            for name, src in shells.items():
                kind = next(p for p in PAGES if p.name == name)
                shell = Planned(src, dataclasses.replace(kind, searched=False), stand_ins["title"])
                _write_page(docs / src, page_front_matter(shell, directory_urls, stand_ins["head"]), stand_ins["body"])
            parts.search(search_entries(kb, located(plan.urls)))
        background.wait()  # a failure is a BackgroundError, with the export's traceback
        pages.wait()
        gated = [from_record(record) for record in gate.wait()]
    finally:  # a failure here or in one of them leaves none of them running (once waited for: nothing to do)
        for work in (gate, background, pages):
            work.cancel()
    _write_config(project, settings, out, feed_links(list(plan.planned)), pages_among(list(plan.sources)))
    plan.style.save()
    return sorted(set(plan.diagnostics) | set(style_problems(plan.style, kb.bibliography.studies)) | set(gated))


def _write_laid_out(site: Site, items: list[Planned], path: Path, directory_urls: bool) -> None:
    """Each page in a layout as a record of the parts: its shell, address, title, slug,
    head and body (``graphbuild finish`` fills the shell with them)."""
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            assert isinstance(item.output, GeneratedPage)
            dest, head, body = (
                written_to(item.src, directory_urls),
                registry.page_head(site, item),
                registry.page_body(site, item),
            )
            out.write(laid_out_record(item.output.name, dest, item.title, item.subject.slug, head, body))


def _shell_src(page: GeneratedPage, stand_ins: StandIns) -> str:
    """Where the one page of a layout's kind that the engine builds is written: a page of
    the kind, named by the slug's stand-in, so that its links are those of every page of it."""
    return page.src.format(slug=stand_ins["slug"])


def _write_page(target: Path, head: str, body: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f'{head}<div class="gb-generated">\n{body}\n</div>\n', encoding="utf-8")


def _refusal(project: Project, out: Path) -> str | None:
    """Why ``out`` would harm the sources, if it would: the tree empties ``out/docs`` and
    the staged exports before writing them, and writes ``out/mkdocs.yml``."""
    docs = project.docs_dir.resolve()
    if out.resolve() == project.root.resolve():
        return f"it is the site's folder, and its {project.config_file} would be overwritten"
    if out.resolve().is_relative_to(docs):
        return f"it is inside the docs folder {project.display(project.docs_dir)}"
    for emptied in ((out / name).resolve() for name in ("docs", EXPORTS_DIR)):
        if emptied.is_relative_to(docs) or docs.is_relative_to(emptied):
            return f"emptying {emptied} would delete the docs folder {project.display(project.docs_dir)}"
        for source in (project.root, project.config_path, project.bibliography_file):
            if source.resolve().is_relative_to(emptied):
                return f"emptying {emptied} would delete {source}"
    return None


def _write_config(
    project: Project, settings: dict[str, Any], out: Path, feeds: list[tuple[str, str]], pages: list[str]
) -> None:
    """The site's own settings, less the graphbuild plugin, plus its assets and pages, and
    a theme override that links every page's head to the feeds."""
    settings = dict(settings)
    settings["docs_dir"] = "docs"
    settings["plugins"] = _other_plugins(settings.get("plugins") or ["search"])
    settings["extra_css"] = list(settings.get("extra_css") or []) + stylesheets()
    settings["extra_javascript"] = list(settings.get("extra_javascript") or []) + scripts()
    if settings.get("nav") is not None and project.config.nav:
        settings["nav"] = list(settings["nav"]) + [evidence_nav()]
    elif settings.get("nav") is None and project.config.nav:
        hidden = GitIgnoreSpec.from_lines(str(settings.get("not_in_nav") or "").splitlines())
        settings["nav"] = site_nav(src for src in pages if not hidden.match_file(src))
    settings["not_in_nav"] = _not_in_nav(settings.get("not_in_nav"))
    theme = settings.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        settings["theme"] = {**theme, "custom_dir": _copy_custom_dir(project.root, theme["custom_dir"], out)}
    own = project.root / theme["custom_dir"] if isinstance(theme, dict) and theme.get("custom_dir") else None
    settings["theme"] = _with_our_templates(settings.get("theme"), out, own)
    if feeds:
        site_url = str(settings.get("site_url") or "")
        settings["theme"] = _feed_links_in_head(settings.get("theme"), out, feeds, site_url, own)
    _clear(out / "mkdocs.yml")
    (out / "mkdocs.yml").write_text(dump_settings(settings), encoding="utf-8")


def _clear(path: Path) -> None:
    """Remove what ``path`` holds before it is written: a link is removed, never followed,
    so that nothing is written outside the output folder."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


# What the tree holds besides a theme: a ``custom_dir`` of one of these names goes elsewhere.
TREE_NAMES = ("docs", "mkdocs.yml", EXPORTS_DIR, PARTS_FILE, LAID_OUT_FILE)


def _copy_custom_dir(root: Path, custom_dir: str, out: Path) -> str:
    """Copy the theme's ``custom_dir`` into ``out`` and return its path there: the same
    relative path where that stays inside ``out`` and clear of what the tree holds
    (``TREE_NAMES``), else ``overrides`` (``../x`` was copied to ``out/../x``)."""
    source = root / custom_dir
    if not source.is_dir():
        return custom_dir  # MkDocs stops on a missing custom_dir; leave it for MkDocs to say so
    relative = PurePosixPath(custom_dir)
    name = relative.as_posix()
    if relative.is_absolute() or ".." in relative.parts or not relative.parts or relative.parts[0] in TREE_NAMES:
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


FEED_OVERRIDE = "main.html"


def _tree_custom_dir(theme: Any, out: Path, default: str, sources_theme: Path | None) -> tuple[Any, Path | None]:
    """The tree's theme, with a new ``custom_dir`` named ``default`` in ``out`` if it had
    none, and the folder graphbuild may write its templates into: None where that folder
    is not a plain folder inside ``out`` (a link, missing: MkDocs will say so, outside the
    tree) or is the sources' own."""
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme or "mkdocs"}
    if "custom_dir" not in theme:
        theme["custom_dir"] = default
        _clear(out / default)
        (out / default).mkdir()
    folder = out / str(theme["custom_dir"])
    if (
        not isinstance(theme["custom_dir"], str)
        or folder.is_symlink()
        or not folder.is_dir()
        or not folder.resolve().is_relative_to(out.resolve())
        or (sources_theme is not None and folder.resolve() == sources_theme.resolve())
    ):
        return theme, None
    return theme, folder


def _with_our_templates(theme: Any, out: Path, sources_theme: Path | None) -> Any:
    """The tree's theme with graphbuild's own templates (the study pages' layout) in its
    ``custom_dir``: the one copied into ``out``, or a new one. A site's own copy of a
    template, in its ``custom_dir``, wins; nothing is written into the sources."""
    theme, folder = _tree_custom_dir(theme, out, "graphbuild-theme", sources_theme)
    if folder is None:
        return theme
    for template in THEME_DIR.iterdir():
        target = folder / template.name
        if template.suffix == ".html" and not target.exists() and not target.is_symlink():
            shutil.copyfile(template, target)
    return theme


def _feed_links_in_head(
    theme: Any, out: Path, feeds: list[tuple[str, str]], site_url: str, sources_theme: Path | None
) -> Any:
    """Without the plugin nothing writes into a page's head, so the tree's theme gets a
    ``main.html`` that adds the feeds' links to the ``extrahead`` block (Material's, and
    MkDocs' own themes'), in the ``custom_dir`` copied into ``out`` or in a new one. A site
    whose ``custom_dir`` has its own ``main.html`` keeps it unchanged: add the link there
    (README)."""
    theme, folder = _tree_custom_dir(theme, out, "overrides", sources_theme)
    if folder is None:
        return theme
    override = folder / FEED_OVERRIDE
    if override.exists() or override.is_symlink():
        return theme
    links = [
        autodiscovery_link(site_url.rstrip("/") + "/" + src, title)
        if site_url
        else f'<link rel="alternate" type="application/atom+xml" title="{html.escape(title)}" '
        f"href=\"{{{{ '{src}' | url }}}}\">"
        for src, title in feeds
    ]
    override.write_text(
        '{% extends "base.html" %}\n{% block extrahead %}\n{{ super() }}\n' + "\n".join(links) + "\n{% endblock %}\n",
        encoding="utf-8",
    )
    return theme


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
