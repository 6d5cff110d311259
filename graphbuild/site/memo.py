"""What the views made, kept from one build to the next while ``mkdocs serve`` runs.

``mkdocs serve`` builds the whole site again on every save, and between two saves one page
changed: most claims are the same objects (a page whose text is the same is not read
again), and most studies too (the bibliography is parsed again only when its file changed).
A view's output is kept under a ``stamp`` of what every output depends on (the templates,
the style, the site's settings...) and, per entry, the objects and values its own output
depends on: the first by identity, the rest by equality. A change of stamp forgets all.
"""

from __future__ import annotations

from typing import Any


class Memo:
    def __init__(self) -> None:
        self.stamp: object = None
        self._entries: dict[Any, tuple[Any, tuple[Any, ...], Any]] = {}
        self._held: tuple[Any, ...] = ()

    def use(self, stamp: object, held: tuple[Any, ...] = ()) -> Memo:
        """This memo, for a build whose outputs all depend on ``stamp``; ``held``: objects
        the stamp names by identity, kept alive so that their ids stay theirs."""
        if stamp != self.stamp:
            self.stamp, self._entries = stamp, {}
        self._held = held
        return self

    def get(self, key: Any, subject: Any, *values: Any) -> Any:
        """What was kept for ``key``, if it was made for this very ``subject`` and these
        ``values``; else None."""
        kept = self._entries.get(key)
        if kept is None or kept[0] is not subject or kept[1] != values:
            return None
        return kept[2]

    def put(self, key: Any, output: Any, subject: Any, *values: Any) -> None:
        self._entries[key] = (subject, values, output)


class Memos:
    """A site's memos: each study's parts, each claim's card on its page."""

    def __init__(self) -> None:
        self.parts = Memo()
        self.cards = Memo()
