"""graphbuild: evidence knowledge bases from Markdown claims and BibTeX.

The core in this package knows nothing of MkDocs; ``graphbuild.mkdocs_plugin`` is the
thin adapter that plugs it into a build.
"""

__version__ = "0.3.0"
