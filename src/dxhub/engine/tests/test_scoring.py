import numpy as np
import pytest

from dxhub.engine import compute, leaf_points, parse_framework

from .frameworks import framework, pillar, sample

NAN = np.nan


@pytest.fixture(scope="module")
def fw():
    return parse_framework(sample())


def column(fw, code, values, applicable=None, groups=None, best=None):
    """Points of leaf ``code`` for one unit per value (other leaves missing)."""
    j = fw.leaf_index[code]
    v = np.full((len(values), len(fw.leaves)), NAN)
    v[:, j] = values
    return leaf_points(fw, v, applicable, groups, best)[:, j].tolist()


def test_ratio(fw):
    assert column(fw, "1.2", [0, 0.4, 0.8, 1.2, -0.5, NAN]) == [0, 5, 10, 10, 0, 0]


def test_steps(fw):
    values = [5, 10, 49.9, 50, 99, 100, 1000, -5, NAN]
    assert column(fw, "2.1", values) == [0, 5, 5, 10, 10, 15, 15, 0, 0]


def test_goalposts_lower_is_better(fw):
    # low 72, high 2: 72 or worse scores 0, 2 or better scores full
    assert column(fw, "2.2", [72, 2, 37, 100, 0, NAN]) == [0, 15, 7.5, 0, 15, 0]


def test_goalposts_higher_is_better():
    fw = parse_framework(framework([pillar("1", 20, method="goalposts", params={"low": 50, "high": 250})]))
    assert column(fw, "1", [0, 50, 100, 250, 300]) == [0, 0, 5, 20, 20]


def test_yes_no_levels_expert_fraction(fw):
    assert column(fw, "1.1", [1, 0, NAN]) == [10, 0, 0]
    assert column(fw, "1.3", [0, 1, 2, 3, NAN]) == [0, 4, 7, 10, 0]
    assert column(fw, "1.4", [0, 7.5, 10, NAN]) == [0, 7.5, 10, 0]
    assert column(fw, "2.4", [0.5, 1, 0, NAN]) == [7.5, 15, 0, 0]


def test_out_of_bounds_values_are_clipped(fw):
    assert column(fw, "1.1", [2, -1]) == [10, 0]
    assert column(fw, "1.3", [7, -2, 2.6]) == [10, 0, 7]
    assert column(fw, "1.4", [12, -3]) == [10, 0]
    assert column(fw, "2.4", [1.5, -0.5]) == [15, 0]


def test_peer_best_one_group(fw):
    assert column(fw, "2.3", [10, 20, 40, NAN]) == [3.75, 7.5, 15, 0]


def test_peer_best_within_groups(fw):
    assert column(fw, "2.3", [10, 20, 40, NAN], groups=np.array([0, 0, 1, 1])) == [7.5, 15, 15, 0]
    # groups need not be 0..k
    assert column(fw, "2.3", [10, 20, 40], groups=np.array([7, -3, 7])) == [3.75, 15, 15]


def test_peer_best_only_counts_units_it_applies_to(fw):
    app = np.ones((3, len(fw.leaves)), dtype=bool)
    app[2, fw.leaf_index["2.3"]] = False  # the unit with 40 does not set the best
    assert column(fw, "2.3", [10, 20, 40], applicable=app) == [7.5, 15, 0]


def test_peer_best_without_a_positive_best_scores_zero(fw):
    assert column(fw, "2.3", [-1, -2, 0]) == [0, 0, 0]
    assert column(fw, "2.3", [-1, 4]) == [0, 15]


def test_peer_best_with_a_best_given(fw):
    best = np.full(len(fw.leaves), NAN)
    best[fw.leaf_index["2.3"]] = 40
    assert column(fw, "2.3", [10], best=best) == [3.75]
    best[fw.leaf_index["2.3"]] = 5  # below the unit's own value: the unit is the best
    assert column(fw, "2.3", [10], best=best) == [15]
    assert column(fw, "2.3", [10], best=np.full(len(fw.leaves), NAN)) == [15]


def test_non_applicable_leaves_score_zero_and_leave_the_maximum(fw):
    values = np.array([[1, 0.8, 3, 10, 100, 2, 5, NAN], [1, 0.8, 3, 10, 100, 2, 5, NAN]])
    app = fw.applicability(["truong", "benh_vien"], [None, None])
    s = compute(fw, values, app)
    j = fw.node_index
    assert s.node_max[:, j["2"]].tolist() == [45, 60]
    assert s.node_max[:, j["2.4"]].tolist() == [0, 15]
    assert s.node_points[:, j["2"]].tolist() == [45, 45]
    assert s.index.tolist() == [1.0, 0.85]  # 85 of 100 for the hospital
    assert np.isnan(s.node_index[0, j["2.4"]]) and s.node_index[1, j["2.4"]] == 0
    assert s.total_max.tolist() == [85, 100]
    # a value given for a leaf that does not apply is ignored
    values[0, fw.leaf_index["2.4"]] = 1
    assert compute(fw, values, app).index.tolist() == [1.0, 0.85]


def test_node_points_add_up_the_tree(fw):
    values = np.array([[1, 0.4, 2, 6, 60, 37, 10, 0.5]])
    s = compute(fw, values, groups=None)
    assert s.leaf_points.tolist() == [[10, 5, 7, 6, 10, 7.5, 15, 7.5]]
    j = fw.node_index
    assert s.node_points[0, j["1"]] == 28 and s.node_points[0, j["2"]] == 40
    assert s.pillar_points.tolist() == [[28, 40]]
    assert s.pillar_max.tolist() == [[40, 60]]
    assert s.node_index[0, j["1"]] == pytest.approx(0.7)
    assert s.pillar_index.tolist() == [[pytest.approx(0.7), pytest.approx(40 / 60)]]
    assert s.total_points.tolist() == [68] and s.overall.tolist() == [pytest.approx(0.68)]


def test_shapes_are_checked(fw):
    with pytest.raises(ValueError, match="one column per leaf"):
        leaf_points(fw, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        leaf_points(fw, np.zeros((2, 8)), applicable=np.ones((2, 7), dtype=bool))
    with pytest.raises(ValueError, match="groups"):
        leaf_points(fw, np.zeros((2, 8)), groups=np.zeros(3))
