"""Static files shipped once to ``assets/graphbuild/`` in the built site."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from graphbuild.model import routes

HERE = Path(__file__).parent
FOLDER = routes.ASSETS
STYLESHEETS = ["graphbuild.css", "graph.css", "a11y.css"]  # in cascade order, shipped as one (site.FILES)
SCRIPTS = ["graphbuild.js"]
# Found, not imported: importing pyvis brings IPython with it, 6 MB of a build's memory.
_PYVIS = importlib.util.find_spec("pyvis")
assert _PYVIS is not None and _PYVIS.origin is not None, "pyvis is a dependency of graphbuild"
VIS_NETWORK = Path(_PYVIS.origin).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"


def stylesheet(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def files() -> dict[str, Path]:
    """Every asset copied as it is, by its name in the site; vis-network comes from pyvis's
    own bundle. The stylesheets are not among them: they are joined into one."""
    found = {name: HERE / name for name in SCRIPTS if (HERE / name).is_file()}
    found["vis-network.min.js"] = VIS_NETWORK
    return found
