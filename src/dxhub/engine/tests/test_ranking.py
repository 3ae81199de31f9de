import numpy as np
import pytest

from dxhub.engine import competition_rank, compute, parse_framework, rank_intervals, round4

from .frameworks import framework, pillar


def population(n, p=4, seed=0, zero_rows=()):
    rng = np.random.default_rng(seed)
    maxes = np.tile(rng.integers(50, 200, p).astype(float), (n, 1))
    maxes[rng.random((n, p)) < 0.1] = 0  # some pillars do not apply to some units
    points = np.round(maxes * rng.random((n, p)), 1)
    for i in zero_rows:
        maxes[i] = points[i] = 0
    return points, maxes


def brute_force(points, maxes, groups, spread, draws, seed, low, high):
    """rank_intervals the slow, obvious way: one competition ranking per draw."""
    weights = np.random.default_rng(seed).uniform(1 - spread, 1 + spread, size=(draws, points.shape[1]))
    ranks, group_ranks = [], []
    for w in weights:
        with np.errstate(invalid="ignore", divide="ignore"):
            index = round4((points @ w) / (maxes @ w))
        ranks.append(competition_rank(index))
        group_ranks.append(competition_rank(index, groups) if groups is not None else ranks[-1])
    ranks, group_ranks = np.array(ranks), np.array(group_ranks)
    return (
        np.percentile(ranks, low, axis=0, method="lower"),
        np.percentile(ranks, high, axis=0, method="higher"),
        np.percentile(group_ranks, low, axis=0, method="lower"),
        np.percentile(group_ranks, high, axis=0, method="higher"),
    )


@pytest.mark.parametrize(
    ("n", "n_groups", "draws", "low", "high"),
    [
        (60, 3, 50, 5, 95),  # small groups: ranked by sorting
        (6000, 2, 20, 10, 90),  # large groups: ranked by counting
        (3000, 40, 12, 0, 100),  # counting overall, sorting in the groups
        (7, None, 33, 25, 75),
    ],
)
def test_rank_intervals_match_ranking_each_draw(n, n_groups, draws, low, high):
    points, maxes = population(n, seed=n, zero_rows=(1,))
    groups = None if n_groups is None else np.random.default_rng(1).integers(0, n_groups, n)
    got = rank_intervals(points, maxes, groups, spread=0.3, draws=draws, seed=9, low=low, high=high)
    expected = brute_force(points, maxes, groups, 0.3, draws, 9, low, high)
    for a, b in zip((got.lo, got.hi, got.group_lo, got.group_hi), expected, strict=True):
        assert a.tolist() == b.tolist()


def test_tiny_spread_gives_the_rank_itself():
    points, maxes = population(500, seed=4, zero_rows=(7,))
    groups = np.random.default_rng(2).integers(0, 5, 500)
    index = round4(points.sum(axis=1) / np.where(maxes.sum(axis=1) > 0, maxes.sum(axis=1), np.nan))
    r = rank_intervals(points, maxes, groups, spread=1e-12, draws=20, seed=1)
    assert r.lo.tolist() == r.hi.tolist() == competition_rank(index).tolist()
    assert r.group_lo.tolist() == r.group_hi.tolist() == competition_rank(index, groups).tolist()
    assert r.lo[7] == 500  # nothing applicable: last


def test_same_as_compute_ranks():
    fw = parse_framework(framework([pillar(str(i), 100, method="fraction") for i in range(1, 5)]))
    values = np.random.default_rng(5).random((200, 4))
    s = compute(fw, values)
    r = rank_intervals(s.pillar_points, s.pillar_max, spread=1e-12, draws=10)
    assert r.lo.tolist() == r.hi.tolist() == s.rank.tolist()


def test_a_unit_far_ahead_stays_first():
    points, maxes = population(300, seed=6)
    maxes[0] = 100
    points[0] = 99  # 0.99 on every pillar: first whatever the weights
    r = rank_intervals(points, maxes, spread=0.5, draws=200, seed=3)
    assert r.lo[0] == r.hi[0] == 1
    assert (r.hi > r.lo).any()  # others do move
    assert (r.lo[1:] >= 2).all()


def test_intervals_are_reproducible_and_ordered():
    points, maxes = population(400, seed=8)
    a = rank_intervals(points, maxes, spread=0.2, draws=100, seed=11)
    b = rank_intervals(points, maxes, spread=0.2, draws=100, seed=11)
    assert a.lo.tolist() == b.lo.tolist() and a.hi.tolist() == b.hi.tolist()
    assert (a.lo <= a.hi).all() and (a.lo >= 1).all() and (a.hi <= 400).all()
    assert a.group_lo.tolist() == a.lo.tolist()  # no groups: the same


def test_bad_input_is_refused():
    points, maxes = population(10)
    with pytest.raises(ValueError):
        rank_intervals(points, maxes[:, :2])
    with pytest.raises(ValueError):
        rank_intervals(points + 1000, maxes)
    with pytest.raises(ValueError):
        rank_intervals(points, maxes, spread=1)
    with pytest.raises(ValueError):
        rank_intervals(points, maxes, groups=np.zeros(3))
    with pytest.raises(ValueError):
        rank_intervals(points, maxes, low=60, high=40)
