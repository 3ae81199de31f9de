"""Properties over generated frameworks and values (hypothesis)."""

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dxhub.engine import competition_rank, compute, parse_framework, round4

from .frameworks import framework

NON_PEER = ["ratio", "steps", "goalposts", "yes_no", "levels", "expert", "fraction"]
finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@st.composite
def leaf_spec(draw, methods):
    method = draw(st.sampled_from(methods))
    max_points = draw(st.integers(1, 50))
    params = {}
    if method == "ratio":
        params = {"target": draw(st.floats(0.1, 100))}
    elif method == "steps":
        thresholds = sorted(draw(st.sets(st.integers(-50, 200), min_size=1, max_size=4)))
        points = sorted(draw(st.lists(st.integers(0, max_points), min_size=len(thresholds), max_size=len(thresholds))))
        params = {"steps": [[t, p] for t, p in zip(thresholds, points, strict=True)]}
    elif method == "goalposts":
        low, high = draw(st.lists(st.integers(-100, 100), min_size=2, max_size=2, unique=True))
        params = {"low": low, "high": high}
    elif method == "levels":
        inner = sorted(draw(st.lists(st.integers(0, max_points), min_size=0, max_size=3)))
        params = {"levels": [0, *inner, max_points]}
    return method, max_points, params, draw(st.booleans())


@st.composite
def frameworks(draw, methods=NON_PEER):
    nodes = []
    for p in range(draw(st.integers(1, 3))):
        specs = draw(st.lists(leaf_spec(methods), min_size=1, max_size=3))
        code = f"P{p}"
        if len(specs) == 1 and draw(st.booleans()):
            method, mx, params, hospital = specs[0]
            nodes.append(_node(code, None, mx, method, params, hospital))
            continue
        nodes.append({"code": code, "parent": None, "name": code, "max_points": sum(s[1] for s in specs)})
        for k, (method, mx, params, hospital) in enumerate(specs):
            nodes.append(_node(f"{code}.{k}", code, mx, method, params, hospital))
    return parse_framework(framework(nodes))


def _node(code, parent, mx, method, params, hospital):
    node = {"code": code, "parent": parent, "name": code, "max_points": mx, "method": method, "params": params}
    if hospital:
        node["kinds"] = ["benh_vien"]
    return node


@st.composite
def scored(draw, methods=NON_PEER):
    fw = draw(frameworks(methods))
    n = draw(st.integers(1, 6))
    cells = st.one_of(finite, st.just(np.nan), st.integers(0, 4).map(float))
    values = np.array(
        draw(st.lists(st.lists(cells, min_size=len(fw.leaves), max_size=len(fw.leaves)), min_size=n, max_size=n))
    )
    kinds = draw(st.lists(st.sampled_from(["benh_vien", "truong"]), min_size=n, max_size=n))
    groups = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    return fw, values, fw.applicability(kinds, [None] * n), groups


@settings(max_examples=150, deadline=None)
@given(scored(methods=[*NON_PEER, "peer_best"]))
def test_points_and_indices_stay_in_bounds(case):
    fw, values, app, groups = case
    s = compute(fw, values, app, groups)
    assert (s.leaf_points >= 0).all() and (s.leaf_points <= fw.leaf_max + 1e-9).all()
    assert (s.leaf_points[~app] == 0).all()
    assert (s.node_points <= s.node_max + 1e-9).all()
    nothing = s.total_max == 0
    assert np.isnan(s.index[nothing]).all() and (s.band[nothing] == -1).all()
    index = s.index[~nothing]
    assert ((index >= 0) & (index <= 1)).all()
    assert (s.band[~nothing] >= 0).all()
    assert s.rank.tolist() == competition_rank(s.index).tolist()
    assert s.group_rank.tolist() == competition_rank(s.index, groups).tolist()


@settings(max_examples=200, deadline=None)
@given(scored(), st.data())
def test_a_better_value_never_lowers_the_index(case, data):
    fw, values, app, _groups = case
    unit = data.draw(st.integers(0, len(values) - 1))
    j = data.draw(st.integers(0, len(fw.leaves) - 1))
    step = data.draw(st.floats(0, 500))
    leaf = fw.leaves[j]
    better = values.copy()
    lower_is_better = leaf.method == "goalposts" and leaf.params["low"] > leaf.params["high"]
    old = values[unit, j]
    if np.isnan(old):
        better[unit, j] = data.draw(finite)  # a value where there was none
    else:
        better[unit, j] = old - step if lower_is_better else old + step
    before = compute(fw, values, app)
    after = compute(fw, better, app)
    assert after.leaf_points[unit, j] >= before.leaf_points[unit, j]
    if not np.isnan(before.overall[unit]):
        assert after.overall[unit] >= before.overall[unit]
        assert after.index[unit] >= before.index[unit]
        assert after.rank[unit] <= before.rank[unit]


@given(
    st.lists(st.one_of(st.sampled_from([0.1, 0.5, 0.9]), st.floats(0, 1), st.just(np.nan)), max_size=30),
    st.data(),
)
def test_competition_rank_counts_strictly_greater(values, data):
    groups = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(values), max_size=len(values))))
    x = np.array(values, dtype=float)
    for g, ranks in ((None, competition_rank(x)), (groups, competition_rank(x, groups))):
        for i, r in enumerate(ranks):
            peers = x if g is None else x[g == g[i]]
            valid = peers[~np.isnan(peers)]
            expected = len(valid) + 1 if np.isnan(x[i]) else 1 + int((valid > x[i]).sum())
            assert r == expected


@given(st.integers(0, 10**7))
def test_round4_is_decimal_half_up(k):
    """Any number with up to 7 decimals rounds as it would on paper."""
    expected = float((Decimal(k) / Decimal(10**7)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    assert round4(k / 10**7) == expected


@given(
    st.lists(st.integers(0, 10**5), min_size=1, max_size=12), st.lists(st.integers(1, 300), min_size=12, max_size=12)
)
def test_round4_of_a_weighted_sum_is_decimal_half_up(indices, weights):
    """Published 4-decimal indices combined with integer weights, as in the Đà Nẵng check."""
    weights = weights[: len(indices)]
    x = sum((i / 10**5) * w for i, w in zip(indices, weights, strict=True)) / sum(weights)
    exact = sum(Decimal(i) / 10**5 * w for i, w in zip(indices, weights, strict=True)) / sum(weights)
    expected = float(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    off_tie = abs(exact * 10**4 % 1 - Decimal("0.5"))
    # Exact ties round up despite float error; only within 1e-9 of a tie (not on it) may the
    # epsilon that makes this work round up a value just below the tie.
    assert round4(x) == expected or 0 < off_tie < Decimal("1e-5")
