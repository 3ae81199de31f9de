import math

import numpy as np
import pytest

from dxhub.engine import (
    combine,
    competition_rank,
    compute,
    parse_framework,
    priorities,
    round4,
    subtree_index,
    whatif,
)

from .frameworks import DA_NANG_MAX, DA_NANG_VALUES, da_nang, framework, leaf, pillar, sample

NAN = np.nan


def test_da_nang_dti_2022():
    """Đà Nẵng's published pillar indices and weights give its published DTI 0.8002."""
    fw = parse_framework(da_nang())
    s = compute(fw, np.array([DA_NANG_VALUES]))
    assert s.total_points[0] == pytest.approx(800.175)
    assert s.overall[0] == pytest.approx(0.800175)
    assert s.index[0] == 0.8002
    assert fw.bands[s.band[0]].name == "Tốt"
    assert s.rank.tolist() == [1] and s.group_rank.tolist() == [1]
    assert s.pillar_max.tolist() == [DA_NANG_MAX]
    assert combine(DA_NANG_VALUES, DA_NANG_MAX) == pytest.approx(0.800175)
    assert round4(combine(DA_NANG_VALUES, DA_NANG_MAX)) == 0.8002


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.800175, 0.8002),
        (0.83305, 0.8331),
        (0.83304999, 0.833),
        (0.12345, 0.1235),
        (0.00005, 0.0001),
        (0.00004999, 0.0),
        (1.0, 1.0),
        (0.0, 0.0),
        (0.1 + 0.2, 0.3),
        (800.175 / 1000, 0.8002),
    ],
)
def test_round4_half_up(x, expected):
    assert round4(x) == expected


def test_round4_arrays_and_nan():
    out = round4(np.array([0.83305, NAN, 0.5]))
    assert out[0] == 0.8331 and math.isnan(out[1]) and out[2] == 0.5
    assert math.isnan(round4(NAN))
    assert isinstance(round4(0.5), float)


def test_competition_rank():
    assert competition_rank([0.9, 0.8, 0.8, 0.7]).tolist() == [1, 2, 2, 4]
    assert competition_rank([0.7, 0.8, 0.9, 0.8]).tolist() == [4, 2, 1, 2]
    assert competition_rank([0.5, NAN, 0.9, NAN]).tolist() == [2, 3, 1, 3]
    assert competition_rank([NAN, NAN]).tolist() == [1, 1]
    assert competition_rank([]).tolist() == []


def test_competition_rank_within_groups():
    values = [0.9, 0.8, 0.7, 0.6, 0.8, NAN]
    groups = ["a", "b", "a", "b", "b", "a"]
    assert competition_rank(values, groups).tolist() == [1, 1, 2, 3, 1, 3]
    assert competition_rank(values, np.array([5, 1, 5, 1, 1, 5])).tolist() == [1, 1, 2, 3, 1, 3]


def test_ties_are_decided_on_four_decimals():
    fw = parse_framework(framework([pillar("1", 100, method="fraction")]))
    s = compute(fw, np.array([[0.80004], [0.80001], [0.80005], [0.79995], [0.64994]]))
    assert s.index.tolist() == [0.8, 0.8, 0.8001, 0.8, 0.6499]
    assert s.rank.tolist() == [2, 2, 1, 2, 5]
    # 0.79995 is published as 0.8000, so it earns "Tốt" like the others
    assert [fw.bands[b].code for b in s.band] == ["tot", "tot", "tot", "tot", "trung_binh"]


def test_bands_at_their_edges():
    fw = parse_framework(framework([pillar("1", 100, method="fraction")]))
    s = compute(fw, np.array([[0.8], [0.65], [0.6499], [0.5], [0.4999], [0.0], [1.0]]))
    assert [fw.bands[b].code for b in s.band] == ["tot", "kha", "trung_binh", "trung_binh", "yeu", "yeu", "tot"]


def test_unit_with_nothing_applicable_comes_last():
    fw = parse_framework(
        framework(
            [pillar("1", 10, method="fraction", kinds=["truong"]), pillar("2", 10, method="fraction", kinds=["truong"])]
        )
    )
    app = fw.applicability(["truong", "benh_vien", "truong"], [None] * 3)
    s = compute(fw, np.array([[0.5, 0.5], [1, 1], [0, 0]]), app)
    assert math.isnan(s.overall[1]) and math.isnan(s.index[1])
    assert s.band.tolist() == [2, -1, 3]
    assert s.rank.tolist() == [1, 3, 2]
    assert s.total_max.tolist() == [20, 0, 20]


def test_group_rank():
    fw = parse_framework(framework([pillar("1", 10, method="fraction")]))
    s = compute(fw, np.array([[0.9], [0.8], [0.7], [0.95]]), groups=np.array([0, 1, 1, 0]))
    assert s.rank.tolist() == [2, 3, 4, 1]
    assert s.group_rank.tolist() == [2, 1, 2, 1]
    assert compute(fw, np.array([[0.9], [0.8]])).group_rank.tolist() == [1, 2]


def test_combine():
    assert combine([0.9, NAN, 0.5], [1, 2, 1]) == pytest.approx(0.7)
    assert math.isnan(combine([NAN, NAN], [1, 1]))
    out = combine(np.array([[0.9, NAN, 0.5], [0.2, 0.4, NAN]]), [1, 2, 1])
    assert out.tolist() == [pytest.approx(0.7), pytest.approx(1.0 / 3)]
    with pytest.raises(ValueError):
        combine([0.1, 0.2], [1])


def test_subtree_index():
    assert subtree_index([0.5, 0.7, NAN]) == pytest.approx(0.6)
    assert subtree_index([0.5, 0.7, NAN], [1, 3, 5]) == pytest.approx(0.65)
    assert math.isnan(subtree_index([NAN, NAN]))
    assert math.isnan(subtree_index([]))
    assert math.isnan(subtree_index([0.5], [0]))


def test_priorities_order_and_needed():
    fw = parse_framework(sample())
    # 1.1 no (0/10), 1.2 half (5/10), 1.3 level 1 (4/10), 1.4 full, 2.1 first step (5/15),
    # 2.2 full, 2.3 half of the best, 2.4 does not apply
    values = np.array([[0, 0.4, 1, 10, 20, 2, 10, NAN]])
    app = fw.applicability(["truong"], [None])
    best = np.full(len(fw.leaves), NAN)
    best[fw.leaf_index["2.3"]] = 20
    s = compute(fw, values, app, best=best)
    out = priorities(fw, s.leaf_points[0], app[0], best=best)
    total = 85
    assert [(p.code, p.points, p.gain) for p in out] == [
        ("1.1", 0, pytest.approx(10 / total)),
        ("2.1", 5, pytest.approx(10 / total)),
        ("2.3", 7.5, pytest.approx(7.5 / total)),
        ("1.3", 4, pytest.approx(6 / total)),
        ("1.2", 5, pytest.approx(5 / total)),
    ]
    needed = {p.code: p.needed for p in out}
    assert needed == {"1.1": 1, "2.1": 100, "2.3": 20, "1.3": 3, "1.2": 0.8}
    assert out[0].name == "Tiêu chí 1.1" and out[0].max_points == 10
    # without a best, a peer_best leaf cannot say what it needs
    assert next(p for p in priorities(fw, s.leaf_points[0], app[0]) if p.code == "2.3").needed is None


def test_priorities_needed_for_every_method():
    fw = parse_framework(sample())
    out = priorities(fw, np.zeros(len(fw.leaves)), np.ones(len(fw.leaves), dtype=bool))
    needed = {p.code: p.needed for p in out}
    assert needed == {"1.1": 1, "1.2": 0.8, "1.3": 3, "1.4": 10, "2.1": 100, "2.2": 2, "2.3": None, "2.4": 1}
    assert priorities(fw, np.zeros(8), np.zeros(8, dtype=bool)) == []


def test_priorities_steps_whose_top_is_below_the_maximum():
    fw = parse_framework(
        framework(
            [
                pillar("1", 20),
                leaf("1.1", "1", 10, "steps", params={"steps": [[5, 4], [8, 6], [9, 6]]}),
                leaf("1.2", "1", 10, "yes_no"),
            ]
        )
    )
    out = priorities(fw, np.array([4.0, 0.0]), np.ones(2, dtype=bool))
    # reaching 8 (the first threshold with the top points) brings 6 - 4 = 2 points, not 10 - 4
    assert [(p.code, p.gain, p.needed) for p in out] == [("1.2", 0.5, 1), ("1.1", 0.1, 8)]


def _population(fw):
    rng = np.random.default_rng(3)
    n = 40
    values = np.column_stack(
        [
            rng.integers(0, 2, n),
            rng.random(n),
            rng.integers(0, 4, n),
            rng.random(n) * 10,
            rng.random(n) * 120,
            rng.random(n) * 80,
            rng.random(n) * 50,
            rng.random(n),
        ]
    ).astype(float)
    values[rng.random(values.shape) < 0.1] = NAN
    kinds = rng.choice(["truong", "benh_vien"], n).tolist()
    groups = rng.integers(0, 3, n)
    return values, fw.applicability(kinds, [None] * n), groups


def test_whatif_equals_compute_on_the_changed_row():
    fw = parse_framework(sample())
    values, app, groups = _population(fw)
    before = compute(fw, values, app, groups)
    exact_rank_checked = 0
    for unit, change in [(0, {"1.1": 1.0, "2.1": 100}), (5, {"1.4": 0.0}), (7, {"2.3": 49.0, "1.2": NAN})]:
        changed = values.copy()
        for code, v in change.items():
            changed[unit, fw.leaf_index[code]] = v
        after = compute(fw, changed, app, groups)
        others = np.delete(np.arange(len(values)), unit)
        # the peer best of the unit's group among the others, as the app would pass it
        same = others[groups[others] == groups[unit]]
        j = fw.leaf_index["2.3"]
        known = same[~np.isnan(values[same, j]) & app[same, j]]
        best = np.full(len(fw.leaves), NAN)
        best[j] = values[known, j].max() if known.size else NAN
        w = whatif(
            fw,
            changed[unit],
            app[unit],
            before.index[others],
            best=best,
            others_groups=groups[others],
            group=groups[unit],
        )
        assert w.index == after.index[unit]
        assert w.band == after.band[unit]
        assert w.points == pytest.approx(after.total_points[unit])
        assert w.max == after.total_max[unit]
        # ranked against the others as they stood (their own indices unchanged by this unit here)
        rank_ref = 1 + int((before.index[others] > w.index).sum())
        assert w.rank == rank_ref
        same_idx = before.index[same]
        assert w.group_rank == 1 + int((same_idx > w.index).sum())
        if np.allclose(np.delete(after.index, unit), np.delete(before.index, unit), equal_nan=True):
            assert w.rank == after.rank[unit] and w.group_rank == after.group_rank[unit]
            exact_rank_checked += 1
    assert exact_rank_checked >= 2


def test_whatif_without_groups_and_with_nothing_applicable():
    fw = parse_framework(framework([pillar("1", 10, method="fraction")]))
    w = whatif(fw, np.array([0.5]), np.array([True]), np.array([0.9, 0.5, 0.2, NAN]))
    assert (w.index, w.rank, w.group_rank, w.points, w.max) == (0.5, 2, 2, 5, 10)
    assert fw.bands[w.band].code == "trung_binh"
    w = whatif(fw, np.array([0.5]), np.array([False]), np.array([0.9, 0.5, NAN]))
    assert math.isnan(w.index) and w.band == -1 and w.rank == 3
