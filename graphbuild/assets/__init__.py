"""Static files shipped once to ``assets/graphbuild/`` in the built site."""

from __future__ import annotations

from pathlib import Path

import pyvis

HERE = Path(__file__).parent
STYLESHEETS = ["graphbuild.css", "graph.css", "a11y.css"]
SCRIPTS = ["graphbuild.js"]
VIS_NETWORK = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"


def files() -> dict[str, Path]:
    """Every asset by its name in the site; vis-network comes from pyvis's own bundle."""
    found = {name: HERE / name for name in STYLESHEETS + SCRIPTS if (HERE / name).is_file()}
    found["vis-network.min.js"] = VIS_NETWORK
    return found
