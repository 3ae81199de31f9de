"""From leaf points to node indices, the overall index, bands and ranks; advice and what-if.

A node's index is its points divided by the maximum of the leaves under it that apply to the
unit (a leaf that does not apply leaves the maximum too). The overall index is the pillars'
points over their applicable maxima, i.e. the pillar indices weighted by those maxima, as in
DTI (Decision 922/QĐ-BTTTT). Ranks and bands use the index rounded half up to 4 decimals.
"""

import math
from dataclasses import dataclass

import numpy as np

from .framework import Framework
from .ranking import competition_rank, round4
from .scoring import as_applicable, as_groups, as_values, leaf_points


@dataclass
class Scores:
    """Everything :func:`compute` derives, one row per unit (columns in ``fw.leaves``,
    ``fw.nodes`` or ``fw.pillars`` order)."""

    leaf_points: np.ndarray  # n_units × n_leaves
    node_points: np.ndarray  # n_units × n_nodes
    node_max: np.ndarray  # n_units × n_nodes, applicable maximum
    node_index: np.ndarray  # n_units × n_nodes, NaN where node_max == 0
    total_points: np.ndarray  # n_units
    total_max: np.ndarray  # n_units
    overall: np.ndarray  # n_units, raw
    index: np.ndarray  # n_units, overall rounded half up to 4 decimals
    pillar_points: np.ndarray  # n_units × n_pillars
    pillar_max: np.ndarray  # n_units × n_pillars, applicable maximum
    band: np.ndarray  # n_units, position in fw.bands, −1 when nothing applies
    rank: np.ndarray  # n_units, competition rank on ``index``
    group_rank: np.ndarray  # n_units, competition rank within the unit's group

    @property
    def pillar_index(self) -> np.ndarray:
        """Raw pillar indices (n_units × n_pillars), NaN where nothing in the pillar applies."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.pillar_max > 0, self.pillar_points / self.pillar_max, np.nan)


def compute(fw: Framework, values, applicable=None, groups=None, best=None) -> Scores:
    """Score units. ``values``: n_units × n_leaves floats, NaN = missing; ``applicable``: bool of
    the same shape (None = all apply, see ``Framework.applicability``); ``groups``: an integer
    peer group per unit, used by ``peer_best`` and for ``group_rank``; ``best``: see
    :func:`leaf_points`."""
    v = as_values(fw, values)
    app = as_applicable(applicable, v.shape)
    g = as_groups(groups, v.shape[0])
    points = leaf_points(fw, v, app, g, best)
    member = fw.membership.astype(float)
    node_points = points @ member
    node_max = (app * fw.leaf_max) @ member
    with np.errstate(invalid="ignore", divide="ignore"):
        node_index = np.where(node_max > 0, node_points / node_max, np.nan)
        pillar_points = node_points[:, fw.pillar_columns]
        pillar_max = node_max[:, fw.pillar_columns]
        total_points = pillar_points.sum(axis=1)
        total_max = pillar_max.sum(axis=1)
        overall = np.where(total_max > 0, total_points / total_max, np.nan)
    index = round4(overall)
    rank = competition_rank(index)
    return Scores(
        leaf_points=points,
        node_points=node_points,
        node_max=node_max,
        node_index=node_index,
        total_points=total_points,
        total_max=total_max,
        overall=overall,
        index=index,
        pillar_points=pillar_points,
        pillar_max=pillar_max,
        band=fw.band_positions(index),
        rank=rank,
        group_rank=rank.copy() if g is None else competition_rank(index, g),
    )


def combine(pillar_indices, pillar_weights):
    """Σ(index × weight) / Σ weight over the pillars whose index is known (published pillar
    tables). ``pillar_indices``: (n_pillars,) or (n_units × n_pillars); NaN when none known."""
    x = np.asarray(pillar_indices, dtype=float)
    w = np.asarray(pillar_weights, dtype=float)
    if x.shape[-1] != w.shape[0]:
        raise ValueError("one weight per pillar")
    known = ~np.isnan(x)
    num = np.where(known, x, 0.0) @ w
    den = known @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / den, np.nan)
    return float(out) if out.ndim == 0 else out


def subtree_index(indices, weights=None) -> float:
    """A parent unit's index from its units' indices: the mean, or weighted by ``weights``
    (headcount); units with a NaN index (or NaN weight) are left out; NaN when none is left."""
    x = np.asarray(indices, dtype=float).ravel()
    if weights is None:
        w = np.ones_like(x)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != x.shape:
            raise ValueError("one weight per index")
    keep = ~np.isnan(x) & ~np.isnan(w)
    total = w[keep].sum()
    if not keep.any() or total <= 0:
        return math.nan
    return float((x[keep] * w[keep]).sum() / total)


@dataclass
class Priority:
    """A leaf where a unit is losing points: ``gain`` is the overall index it would gain
    by reaching ``needed`` (the value that earns the leaf's top points)."""

    code: str
    name: str
    points: float
    max_points: float
    gain: float
    needed: float | None


def _needed(node, best) -> tuple[float | None, float]:
    """(value needed for the top points, the top points reachable) of a leaf."""
    p, mx = node.params, node.max_points
    match node.method:
        case "ratio":
            return p["target"], mx
        case "steps":
            top = max(s[1] for s in p["steps"])
            return next(t for t, pts in p["steps"] if pts == top), top
        case "goalposts":
            return p["high"], mx
        case "peer_best":
            return (float(best) if best is not None and math.isfinite(best) and best > 0 else None), mx
        case "yes_no" | "fraction":
            return 1.0, mx
        case "levels":
            return float(len(p["levels"]) - 1), mx
        case _:  # expert: the points themselves
            return mx, mx


def priorities(fw: Framework, scores_row_points, applicable_row, best=None) -> list[Priority]:
    """Where one unit gains most: applicable leaves with room left, largest gain first (ties in
    leaf order). ``scores_row_points``: the unit's row of ``Scores.leaf_points``; ``best``: the
    peer best per leaf (n_leaves,) to state what a ``peer_best`` leaf needs.

    The gain is (top points − points) ÷ the unit's applicable maximum; the top points are the
    leaf's maximum except for ``steps`` whose highest step gives less."""
    pts = np.asarray(scores_row_points, dtype=float).ravel()
    app = np.asarray(applicable_row, dtype=bool).ravel()
    if pts.shape != (len(fw.leaves),) or app.shape != pts.shape:
        raise ValueError("one entry per leaf")
    total = float((fw.leaf_max * app).sum())
    if total <= 0:
        return []
    out = []
    for j, leaf in enumerate(fw.leaves):
        if not app[j]:
            continue
        needed, top = _needed(leaf, None if best is None else best[j])
        gain = (top - pts[j]) / total
        if gain > 1e-12:
            out.append(Priority(leaf.code, leaf.name, float(pts[j]), leaf.max_points, float(gain), needed))
    out.sort(key=lambda p: -p.gain)
    return out


@dataclass
class WhatIf:
    """One unit scored with changed values, ranked among the others as they stand."""

    index: float
    band: int  # position in fw.bands, −1 when nothing applies
    rank: int
    group_rank: int
    points: float
    max: float


def whatif(
    fw: Framework, values_row, applicable_row, others_index, best=None, others_groups=None, group=None
) -> WhatIf:
    """Score one unit with ``values_row`` and rank it among ``others_index`` (the other units'
    4-decimal indices, NaN for none): rank = 1 + others strictly higher. With ``others_groups``
    and ``group``, ``group_rank`` counts only the others of that group. For ``peer_best`` leaves
    pass ``best`` = the best value of the unit's peer group among the others; the other units'
    indices are not rescored if this unit becomes the new best."""
    v = as_values(fw, values_row)
    if v.shape[0] != 1:
        raise ValueError("one unit's values")
    s = compute(fw, v, as_applicable(applicable_row, v.shape), best=best)
    index = float(s.index[0])
    others = np.asarray(others_index, dtype=float).ravel()

    def rank_among(x):
        if math.isnan(index):
            return int((~np.isnan(x)).sum()) + 1
        return int((x > index).sum()) + 1

    rank = rank_among(others)
    group_rank = rank
    if others_groups is not None and group is not None:
        og = np.asarray(others_groups)
        if og.shape != others.shape:
            raise ValueError("one group per other unit")
        group_rank = rank_among(others[og == group])
    return WhatIf(
        index=index,
        band=int(s.band[0]),
        rank=rank,
        group_rank=group_rank,
        points=float(s.total_points[0]),
        max=float(s.total_max[0]),
    )
