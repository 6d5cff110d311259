"""How much the built site takes, against the most its host publishes (``site_size_limit``).

GitHub Pages refuses a site over 1 GB, and a very large bibliography can pass that without
anyone having noticed (a site of 50,000 references takes about that much by default): the
build says so while the last good site is still up, and names what makes it smaller."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graphbuild.common.diagnostics import Diagnostic, note, warning
from graphbuild.model.config import Config

# Past this share of the limit, the build says how near it is: a knowledge base grows.
NEAR = 0.8

SMALLER = (
    "`study_downloads: []` and `zip_downloads: true` make a very large site smaller without leaving anything out "
    "of its pages (Publishing, A very large site)"
)


def site_size(site: Path) -> tuple[int, int]:
    """The bytes and the number of files in ``site``, links not followed."""
    total = files = 0
    folders = [site]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                else:
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
    return total, files


@dataclass(frozen=True)
class SizeLimit:
    """The most the built site may take, in megabytes (0: no limit), and where the site
    says so: ``path:line`` of the option, else of the plugin."""

    megabytes: int
    path: str
    line: int

    @classmethod
    def of(cls, config: Config) -> SizeLimit:
        origin = config.origin
        return cls(config.site_size_limit, origin.path, origin.line_of("site_size_limit") or origin.plugin_line)

    def report(self, site: Path) -> list[Diagnostic]:
        """A warning when ``site`` takes more than the limit, a note when it takes more than
        ``NEAR`` of it; nothing without a limit."""
        limit = self.megabytes
        if not limit:
            return []
        size, files = site_size(site)
        megabytes = size / 1e6
        said = f"the built site takes {megabytes:,.1f} MB in {files:,} files"
        if megabytes > limit:
            return [
                warning(
                    self.path,
                    self.line,
                    f"{said}, more than site_size_limit ({limit:,} MB; GitHub Pages publishes no site over 1 GB): "
                    f"{SMALLER}; where the host takes more, raise site_size_limit",
                )
            ]
        if megabytes > NEAR * limit:
            share = f"{megabytes / limit:.0%} of site_size_limit ({limit:,} MB)"
            return [note(self.path, self.line, f"{said}, {share}: {SMALLER}")]
        return []
