"""Did-you-mean for unknown keys, from an index of the bibliography's keys built once.

Comparing a typo with every key (``difflib.get_close_matches``) cost 35-200 ms a key against
10,000 entries. A typo keeps most of a key's letter pairs, so only keys sharing at least half
of them are compared, and those are found from the postings of the typo's rarest pairs: a key
sharing half of the pairs must hold one of the rarest ``len - half + 1`` of them.
"""

from __future__ import annotations

import difflib
import heapq
from collections import defaultdict
from collections.abc import Iterable

CUTOFF = 0.6  # difflib's own default: how alike a suggestion must be
SUGGESTIONS = 3
_COMPARED = 20  # the candidates with most pairs in common, compared as difflib compares


def _pairs(key: str) -> frozenset[str]:
    text = f"^{key.lower()}$"
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


class KeyIndex:
    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = sorted(keys)
        self.folded: defaultdict[str, list[str]] = defaultdict(list)
        self.pairs = [_pairs(key) for key in self.keys]
        self.postings: defaultdict[str, list[int]] = defaultdict(list)
        for n, key in enumerate(self.keys):
            self.folded[key.lower()].append(key)
            for pair in self.pairs[n]:
                self.postings[pair].append(n)

    def suggestions(self, key: str) -> list[str]:
        """The key in another case if there is one, else up to three close keys, best first."""
        folded = self.folded.get(key.lower())
        if folded:
            return folded
        pairs = _pairs(key)
        need = (len(pairs) + 1) // 2
        rarest = sorted(pairs, key=lambda p: len(self.postings.get(p, ())))[: len(pairs) - need + 1]
        candidates: set[int] = set()
        for pair in rarest:
            candidates.update(self.postings.get(pair, ()))
        scored = []
        for n in candidates:
            shared = len(pairs & self.pairs[n])
            if shared >= need:
                scored.append((shared / (len(pairs) + len(self.pairs[n])), n))
        best = [self.keys[n] for _, n in heapq.nlargest(_COMPARED, scored)]
        return difflib.get_close_matches(key, best, n=SUGGESTIONS, cutoff=CUTOFF)
