"""Leaf points: each scoring method applied to a units × leaves matrix of values.

Values are floats with NaN for missing; a missing value scores 0 where the leaf applies. Values
outside a method's bounds (which :func:`check_value` refuses at entry) are clipped into them, so
points always lie in [0, max] and an index in [0, 1].
"""

import numpy as np

from .framework import Framework


def as_values(fw: Framework, values) -> np.ndarray:
    v = np.array(values, dtype=float, ndmin=2)
    if v.ndim != 2 or v.shape[1] != len(fw.leaves):
        raise ValueError(f"values must be n_units × {len(fw.leaves)} (one column per leaf), got {v.shape}")
    return v


def as_applicable(applicable, shape: tuple) -> np.ndarray:
    if applicable is None:
        return np.ones(shape, dtype=bool)
    app = np.array(applicable, dtype=bool, ndmin=2)
    if app.shape != shape:
        raise ValueError(f"applicable must have the shape of values {shape}, got {app.shape}")
    return app


def as_groups(groups, n: int) -> np.ndarray | None:
    if groups is None:
        return None
    g = np.asarray(groups)
    if g.shape != (n,):
        raise ValueError(f"groups must have one entry per unit ({n}), got {g.shape}")
    return g


def leaf_points(fw: Framework, values, applicable=None, groups=None, best=None) -> np.ndarray:
    """Points of each unit on each leaf (n_units × n_leaves).

    ``applicable``: bool, same shape (None = every leaf applies); a leaf that does not apply
    scores 0 and (in :func:`compute`) leaves the maximum too.
    ``groups``: peer group of each unit (any integers) for ``peer_best``; None = one group.
    ``best``: (n_leaves,) peer best to use for ``peer_best`` leaves (NaN = none given), for
    scoring a unit alone; the best used is the larger of it and the best among the given units.
    """
    v = as_values(fw, values)
    app = as_applicable(applicable, v.shape)
    g = as_groups(groups, v.shape[0])
    out = np.zeros_like(v)
    maxes = fw.leaf_max
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        for method, cols in fw.method_columns.items():
            x = v[:, cols]
            mx = maxes[cols]
            params = [fw.leaves[j].params for j in cols]
            if method == "ratio":
                target = np.array([p["target"] for p in params])
                pts = mx * np.clip(x / target, 0.0, 1.0)
            elif method == "goalposts":
                low = np.array([p["low"] for p in params])
                high = np.array([p["high"] for p in params])
                pts = mx * np.clip((x - low) / (high - low), 0.0, 1.0)
            elif method == "steps":
                pts = np.empty_like(x)
                for k, p in enumerate(params):
                    thresholds = np.array([s[0] for s in p["steps"]])
                    points = np.concatenate([[0.0], [s[1] for s in p["steps"]]])
                    # Position of the largest threshold <= v, +1 (0 = below every threshold).
                    reached = np.searchsorted(thresholds, np.nan_to_num(x[:, k], nan=-np.inf), side="right")
                    pts[:, k] = points[reached]
            elif method == "levels":
                pts = np.empty_like(x)
                for k, p in enumerate(params):
                    levels = np.array(p["levels"])
                    level = np.floor(np.clip(np.nan_to_num(x[:, k], nan=0.0), 0, len(levels) - 1)).astype(np.intp)
                    pts[:, k] = levels[level]
            elif method in ("yes_no", "fraction"):
                pts = mx * np.clip(x, 0.0, 1.0)
            elif method == "expert":
                pts = np.clip(x, 0.0, mx)
            elif method == "peer_best":
                pts = _peer_best(x, mx, app[:, cols], g, None if best is None else np.asarray(best, float)[cols])
            else:  # pragma: no cover - parse_framework admits only the methods above
                raise ValueError(method)
            out[:, cols] = pts
    out[np.isnan(v) | ~app] = 0.0
    return out


def peer_best_values(x: np.ndarray, applicable: np.ndarray, groups) -> np.ndarray:
    """Best known value of each column among the applicable units of each unit's group
    (n_units × n_cols; −inf where the group has none)."""
    if groups is None:
        inverse, n_groups = np.zeros(x.shape[0], dtype=np.intp), 1
    else:
        _, inverse = np.unique(groups, return_inverse=True)
        n_groups = int(inverse.max()) + 1 if inverse.size else 0
    known = np.where(applicable & ~np.isnan(x), x, -np.inf)
    best = np.full((n_groups, x.shape[1]), -np.inf)
    np.maximum.at(best, inverse, known)
    return best[inverse]


def _peer_best(x, mx, applicable, groups, override) -> np.ndarray:
    best = peer_best_values(x, applicable, groups)
    if override is not None:
        best = np.fmax(best, override)  # fmax ignores a NaN override
    ratio = np.where(best > 0, np.clip(x / best, 0.0, 1.0), 0.0)
    return mx * ratio
