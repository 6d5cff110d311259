"""A site on disk (``mkdocs.yml``, ``docs/``, ``references.bib``) read without MkDocs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .bibliography import BibliographyCache
from .config import Config, ConfigError, config_from_mapping
from .diagnostics import Diagnostic
from .knowledge import KnowledgeBase, build_knowledge_base


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold ``!!python/name:`` and ``!ENV`` tags; we need none of them."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass
class Project:
    root: Path
    docs_dir: Path
    config: Config

    @property
    def bibliography_file(self) -> Path:
        return self.root / self.config.bibliography

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def plugin_options(mkdocs_config: dict[str, Any]) -> dict[str, Any] | None:
    for plugin in mkdocs_config.get("plugins") or []:
        if plugin == "graphbuild":
            return {}
        if isinstance(plugin, dict) and "graphbuild" in plugin:
            options = plugin["graphbuild"] or {}
            options = {k: v for k, v in options.items() if k != "enabled"}
            return options
    return None


def load_project(root: Path, config_file: str = "mkdocs.yml") -> Project:
    path = root / config_file
    if not path.exists():
        raise ConfigError(f"{path}: no such file (run graphbuild from the site's folder)")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    options = plugin_options(data)
    config = config_from_mapping(options or {})
    return Project(root, root / data.get("docs_dir", "docs"), config)


def read_pages(project: Project) -> list[tuple[str, str, str]]:
    pages = []
    for file in sorted(project.docs_dir.rglob("*.md")):
        src = file.relative_to(project.docs_dir).as_posix()
        pages.append((src, project.display(file), file.read_text(encoding="utf-8-sig")))
    return pages


def analyse(project: Project, cache: BibliographyCache | None = None) -> tuple[KnowledgeBase, list[Diagnostic]]:
    file = project.bibliography_file
    if not file.exists():
        raise ConfigError(f"bibliography '{project.config.bibliography}' not found at {file}")
    bibliography, bib_problems = (cache or BibliographyCache()).load(file, project.display(file), project.config)
    kb, problems = build_knowledge_base(read_pages(project), bibliography, project.config)
    return kb, sorted(set(bib_problems + problems))
