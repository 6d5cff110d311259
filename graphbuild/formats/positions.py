"""Node positions for the evidence map, computed once at build time.

A force layout in the browser never settles at a few thousand nodes and ``nx.spring_layout``
takes minutes there, so the picture is built from the graph's own structure instead: the
claims of one page form a cluster, each study sits next to the claims that cite it, and the
clusters are packed in rows. Every step is arithmetic on sorted input (no randomness, no
iteration to convergence), so the same graph always gives the same picture, in linear time.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

Position = tuple[int, int]

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
STUDY_SPACING = 36.0  # between neighbouring studies around one claim
CLAIM_MARGIN = 50.0  # free space around a claim's ring of studies
CLUSTER_GAP = 120.0  # between the clusters of two pages
JITTER = 6.0  # keeps studies with the same neighbours from sitting exactly on top of each other
PRIVATE_SKIP = 3  # a claim's own studies start this far out on their spiral, clear of its label
ASPECT = 1.5  # width to height of the whole picture, as on a landscape screen
UNLINKED = "\x00unlinked"  # the cluster of studies cited only in prose, packed last

_CACHE: dict[str, dict[str, Position]] = {}
_CACHE_SIZE = 8


def evidence_layout(
    clusters: Mapping[str, str],
    edges: Iterable[tuple[str, str]],
    studies: Iterable[str],
) -> dict[str, Position]:
    """Positions for every claim (the keys of ``clusters``) and study.

    ``clusters`` maps a claim node to the name of its cluster (its page); ``edges`` run from
    claim to study. Results are cached by a digest of the input, and a cached result is the
    same value the computation would give, so the cache never changes the output.
    """
    edge_list = sorted(set(edges))
    clusters = {**{claim: "" for claim, _ in edge_list}, **clusters}
    study_list = sorted(set(studies) | {study for _, study in edge_list})
    key = _digest(clusters, edge_list, study_list)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _compute(dict(clusters), edge_list, study_list)
    return dict(_CACHE[key])


def _digest(clusters: Mapping[str, str], edges: list[tuple[str, str]], studies: list[str]) -> str:
    payload = json.dumps([sorted(clusters.items()), edges, studies], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _unit_jitter(node: str) -> tuple[float, float]:
    """A small fixed offset derived from the node id: stable across runs and machines."""
    digest = hashlib.blake2b(node.encode("utf-8"), digest_size=4).digest()
    return (digest[0] / 255 - 0.5, digest[1] / 255 - 0.5)


def _sunflower(index: int, spacing: float, skip: int = 0) -> tuple[float, float]:
    """The ``index``-th point of a phyllotaxis spiral: evenly spread, any count, no overlap."""
    radius = spacing * math.sqrt(index + skip + 0.5)
    angle = (index + skip) * GOLDEN_ANGLE
    return radius * math.cos(angle), radius * math.sin(angle)


def _ring_radius(count: int) -> float:
    """How far a claim's own studies reach from it."""
    return STUDY_SPACING * math.sqrt(count + PRIVATE_SKIP) + CLAIM_MARGIN


def _compute(clusters: dict[str, str], edges: list[tuple[str, str]], studies: list[str]) -> dict[str, Position]:
    citing: dict[str, list[str]] = defaultdict(list)
    for claim, study in edges:
        citing[study].append(claim)
    private: dict[str, list[str]] = defaultdict(list)
    for study in studies:
        if len(citing.get(study, ())) == 1:
            private[citing[study][0]].append(study)

    members: dict[str, list[str]] = defaultdict(list)
    for claim in sorted(clusters):
        members[clusters[claim]].append(claim)
    unlinked = [s for s in studies if s not in citing]

    local: dict[str, tuple[float, float]] = {}
    radii: dict[str, float] = {}
    for name, claims in members.items():
        radii[name] = _place_cluster(claims, private, local)
    if unlinked:
        for i, study in enumerate(unlinked):
            local[study] = _sunflower(i, STUDY_SPACING * 1.5)
        members[UNLINKED] = unlinked
        radii[UNLINKED] = STUDY_SPACING * 1.5 * math.sqrt(len(unlinked) + 0.5) + CLAIM_MARGIN

    if not radii:
        return {}
    positions: dict[str, tuple[float, float]] = {}
    for name, (cx, cy) in _pack(radii).items():
        nodes = (
            members[name]
            if name == UNLINKED
            else members[name] + [s for claim in members[name] for s in private.get(claim, ())]
        )
        for node in nodes:
            x, y = local[node]
            positions[node] = (cx + x, cy + y)

    _place_shared(studies, citing, positions)
    return {node: (round(x), round(y)) for node, (x, y) in sorted(positions.items())}


def _place_cluster(claims: list[str], private: dict[str, list[str]], local: dict[str, tuple[float, float]]) -> float:
    """Claims on a spiral, the largest footprint in the middle; each claim's own studies round it.

    Returns the cluster's radius.
    """
    order = sorted(claims, key=lambda c: (-len(private.get(c, ())), c))
    area = 0.0
    reach = 0.0
    for i, claim in enumerate(order):
        ring = _ring_radius(len(private.get(claim, ())))
        footprint = math.pi * ring * ring
        radius = math.sqrt((area + footprint / 2) / math.pi) * 1.15 if i else 0.0
        area += footprint
        angle = i * GOLDEN_ANGLE
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        local[claim] = (cx, cy)
        reach = max(reach, radius + ring)
        for j, study in enumerate(private.get(claim, ())):
            dx, dy = _sunflower(j, STUDY_SPACING, skip=PRIVATE_SKIP)
            local[study] = (cx + dx, cy + dy)
    return reach


def _pack(radii: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Cluster centres in rows, in page order (neighbouring pages share studies), about ASPECT wide."""
    names = sorted(radii, key=lambda name: (name == UNLINKED, name))
    sides = [2 * radii[name] + CLUSTER_GAP for name in names]
    widest = max(sides)
    ideal = math.sqrt(sum(side * side for side in sides) * ASPECT)
    candidates = {widest, *(max(widest, ideal * f) for f in (0.8, 0.9, 1.0, 1.1, 1.25, 1.5))}
    candidates |= {sum(sides[:k]) for k in range(1, min(len(sides), 12) + 1)}

    def badness(width: float) -> tuple[float, float]:
        used_width, height = _shelves(sides, width)[1:]
        return abs(math.log(used_width / height / ASPECT)), used_width * height

    width = min(sorted(candidates), key=badness)
    corners = _shelves(sides, width)[0]
    return {name: (x + side / 2, y + side / 2) for name, side, (x, y) in zip(names, sides, corners, strict=True)}


def _shelves(sides: list[float], width: float) -> tuple[list[tuple[float, float]], float, float]:
    """Top-left corners of square cells laid in rows no wider than ``width``; and the extent."""
    corners = []
    x = y = row_height = used_width = 0.0
    for side in sides:
        if x > 0 and x + side > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        corners.append((x, y))
        x += side
        used_width = max(used_width, x)
        row_height = max(row_height, side)
    return corners, used_width, y + row_height


def _place_shared(studies: list[str], citing: dict[str, list[str]], positions: dict[str, tuple[float, float]]) -> None:
    """A study cited by several claims sits at their mean; those sharing the same claims spread out."""
    buckets: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for study in studies:
        if len(citing.get(study, ())) > 1:
            buckets[tuple(sorted(citing[study]))].append(study)
    for claims, shared in sorted(buckets.items()):
        mx = sum(positions[c][0] for c in claims) / len(claims)
        my = sum(positions[c][1] for c in claims) / len(claims)
        for i, study in enumerate(shared):
            dx, dy = _sunflower(i, STUDY_SPACING)
            jx, jy = _unit_jitter(study)
            positions[study] = (mx + dx + jx * JITTER, my + dy + jy * JITTER)
