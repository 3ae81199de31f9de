"""Rounding, competition ranking and rank intervals under uncertain pillar weights."""

from dataclasses import dataclass

import numpy as np

# Indices are published with 4 decimals; ranks and bands use the published figure.
SCALE = 10_000
# Float error in a sum of points is ~1e-13; a tie in decimal terms (0.83305) may land just
# below it in binary (0.833049999…), which this nudge puts back on the upper side.
EPSILON = 1e-9


def round4(x):
    """Round half up to 4 decimals, robust to float error: 0.83305 -> 0.8331, 0.800175 -> 0.8002.

    Accepts a scalar (returns a float) or an array (returns an array); NaN stays NaN.
    """
    r = np.floor(np.asarray(x, dtype=float) * SCALE + (0.5 + EPSILON * SCALE)) / SCALE
    return float(r) if r.ndim == 0 else r


def competition_rank(values, groups=None) -> np.ndarray:
    """Standard competition ranks (1, 2, 2, 4): higher is better, ties share a rank, a rank is
    1 + the number of strictly greater values. NaNs come last and share rank n_valid + 1.
    With ``groups`` (one label per value), ranks are counted within each group."""
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError("values must be one-dimensional")
    n = x.size
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    if groups is None:
        inverse = np.zeros(n, dtype=np.int64)
    else:
        g = np.asarray(groups)
        if g.shape != x.shape:
            raise ValueError("groups must have one entry per value")
        inverse = np.unique(g, return_inverse=True)[1].astype(np.int64)
    # Dense value codes 1..m (ascending), NaN = 0 so NaN is below every value.
    nan = np.isnan(x)
    codes = np.zeros(n, dtype=np.int64)
    if not nan.all():
        codes[~nan] = np.unique(x[~nan], return_inverse=True)[1] + 1
    width = int(codes.max()) + 1
    keys = inverse * width + codes
    ordered = np.sort(keys)
    # Strictly greater within the group = keys of the group above one's own key.
    group_end = np.searchsorted(ordered, (inverse + 1) * width, side="left")
    not_greater = np.searchsorted(ordered, keys, side="right")
    return (group_end - not_greater + 1).astype(np.intp)


@dataclass
class RankIntervals:
    """Per unit, the low-th and high-th percentile of its rank over the weight draws (``lo`` is
    the better, smaller rank), overall and within its group."""

    lo: np.ndarray
    hi: np.ndarray
    group_lo: np.ndarray
    group_hi: np.ndarray


def _rank_rows(keys: np.ndarray, width: int) -> np.ndarray:
    """Competition ranks along each row of an int matrix (one row per draw) with values in
    [0, width): 1 + the count of strictly greater values in the row. No loop over units."""
    c, n = keys.shape
    if n == 0:
        return np.zeros((c, 0), dtype=np.int64)
    if n * 4 >= width:
        # Many units: count them per value (O(n + width) a row), then suffix sums.
        flat = keys + (np.arange(c, dtype=np.int64) * width)[:, None]
        counts = np.bincount(flat.ravel(), minlength=c * width).reshape(c, width)
        greater = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1] - counts
        return 1 + greater.ravel()[flat]
    # Few units (a small group): sort each row; in sorted order a value's rank is n minus the
    # position of the last value equal to it.
    order = np.argsort(keys, axis=1)
    ordered = np.take_along_axis(keys, order, axis=1)
    run_end = np.ones((c, n), dtype=bool)
    run_end[:, :-1] = ordered[:, 1:] != ordered[:, :-1]
    last = np.where(run_end, np.arange(n), n)
    last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((c, n), dtype=np.int64)
    np.put_along_axis(ranks, order, n - last, axis=1)
    return ranks


def rank_intervals(
    pillar_points,
    pillar_max,
    groups=None,
    spread: float = 0.2,
    draws: int = 1000,
    seed: int = 0,
    low: float = 5,
    high: float = 95,
) -> RankIntervals:
    """How far a unit's rank depends on the pillar weights (OECD/JRC uncertainty analysis).

    Each draw multiplies every pillar's weight by a factor from U(1 − spread, 1 + spread), the
    same for all units; a unit's index is then Σ(points·w) / Σ(applicable max·w), rounded to
    4 decimals, and units are ranked as in :func:`competition_rank` (and within ``groups``).
    Returns the ``low``-th (method "lower") and ``high``-th (method "higher") percentile of each
    unit's ranks. ``pillar_points`` and ``pillar_max`` are the n_units × n_pillars arrays of
    :class:`Scores`.
    """
    points = np.asarray(pillar_points, dtype=float)
    maxes = np.asarray(pillar_max, dtype=float)
    if points.ndim != 2 or points.shape != maxes.shape:
        raise ValueError("pillar_points and pillar_max must be n_units × n_pillars arrays of one shape")
    if not (np.isfinite(points).all() and np.isfinite(maxes).all()):
        raise ValueError("pillar points and maxima must be finite")
    if (maxes < 0).any() or (points < -1e-9).any() or (points > maxes + 1e-9).any():
        raise ValueError("pillar points must lie between 0 and the pillar maximum")
    if not 0 <= spread < 1:
        raise ValueError("spread must be in [0, 1)")
    if draws < 1:
        raise ValueError("draws must be positive")
    if not 0 <= low <= high <= 100:
        raise ValueError("percentiles must satisfy 0 <= low <= high <= 100")
    n, p = points.shape
    weights = np.random.default_rng(seed).uniform(1 - spread, 1 + spread, size=(draws, p))
    rank_dtype = np.uint16 if n + 1 <= np.iinfo(np.uint16).max else np.uint32
    ranks = np.empty((n, draws), dtype=rank_dtype)  # unit-major: the percentiles run along rows
    group_ranks = None
    if groups is not None:
        g = np.asarray(groups)
        if g.shape != (n,):
            raise ValueError("groups must have one entry per unit")
        inverse = np.unique(g, return_inverse=True)[1]
        # Units sorted by group, so each group is a contiguous slice of the columns.
        by_group = np.argsort(inverse, kind="stable")
        bounds_ = np.concatenate([[0], np.cumsum(np.bincount(inverse))])
        group_ranks = np.empty((n, draws), dtype=rank_dtype)  # rows in by_group order
    width = SCALE + 2  # keys: 0 = NaN, 1..10001 = index 0.0000..1.0000
    chunk = max(1, min(draws, 256, 2_000_000 // max(n, 1)))
    points_t, maxes_t = points.T.copy(), maxes.T.copy()
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        w = weights[start:stop]  # c × p
        with np.errstate(invalid="ignore", divide="ignore"):
            index = (w @ points_t) / (w @ maxes_t)  # c × n
        # Keys for ranking: 1 + the index in ten-thousandths (round4 exactly), 0 for NaN.
        index *= SCALE
        index += 0.5 + EPSILON * SCALE
        np.floor(index, out=index)
        np.copyto(index, -1.0, where=np.isnan(index))
        np.clip(index, -1.0, SCALE, out=index)
        keys = index.astype(np.int64)
        keys += 1
        ranks[:, start:stop] = _rank_rows(keys, width).T
        if group_ranks is not None:
            keys = keys[:, by_group]
            part = np.empty(keys.shape, dtype=np.int64)
            for a, b in zip(bounds_[:-1], bounds_[1:], strict=True):
                part[:, a:b] = _rank_rows(keys[:, a:b], width)
            group_ranks[:, start:stop] = part.T

    # Percentiles "lower" and "higher" as np.percentile computes them, by one partial sort.
    k_lo = int(np.floor(low / 100 * (draws - 1)))
    k_hi = int(np.ceil(high / 100 * (draws - 1)))

    def percentiles(r):
        r.partition(sorted({k_lo, k_hi}), axis=1)
        return r[:, k_lo].astype(np.intp), r[:, k_hi].astype(np.intp)

    lo, hi = percentiles(ranks)
    if group_ranks is None:
        return RankIntervals(lo, hi, lo.copy(), hi.copy())
    group_lo, group_hi = np.empty_like(lo), np.empty_like(hi)
    group_lo[by_group], group_hi[by_group] = percentiles(group_ranks)
    return RankIntervals(lo, hi, group_lo, group_hi)
