import copy
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dxhub.engine import Band, FrameworkError, Problem, check_value, parse_framework, vn_number

from .frameworks import framework, leaf, pillar, sample

SRC = Path(__file__).resolve().parents[3]


def test_importing_the_engine_does_not_import_django():
    code = "import dxhub.engine, dxhub.engine.cli, sys; assert 'django' not in sys.modules, 'django imported'"
    result = subprocess.run([sys.executable, "-c", code], cwd=SRC, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_parse_builds_tree_arrays():
    fw = parse_framework(sample())
    assert [n.code for n in fw.nodes] == ["1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2", "2.3", "2.4"]
    assert [n.code for n in fw.leaves] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"]
    assert [n.code for n in fw.pillars] == ["1", "2"]
    assert fw.total_points == 100.0
    assert fw.leaf_index["2.1"] == 4 and fw.node_index["2"] == 5
    assert fw.leaf_max.tolist() == [10, 10, 10, 10, 15, 15, 15, 15]
    assert fw.leaf_pillar.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert fw.pillar_max.tolist() == [40, 60]
    assert fw.membership.shape == (8, 10)
    assert fw.membership[fw.leaf_index["2.1"]].nonzero()[0].tolist() == [fw.node_index["2"], fw.node_index["2.1"]]
    n11 = fw.nodes[1]
    assert (n11.depth, n11.is_leaf, n11.indicator, n11.evidence_required) == (1, True, "DX_STEERING_COMMITTEE", True)
    assert fw.nodes[0].method is None and not fw.nodes[0].is_leaf and fw.nodes[0].depth == 0
    assert fw.leaves[3].guidance == "Hội đồng chấm."
    assert fw.leaves[7].kinds == ("benh_vien",) and fw.leaves[7].peer_groups == ()
    assert fw.subtree_index == "mean"
    assert fw.uncertainty == {"spread": 0.2, "draws": 1000, "seed": 0}
    assert [b.code for b in fw.bands] == ["tot", "kha", "trung_binh", "yeu"]


def test_children_listed_before_parents_and_deep_nesting():
    fw = parse_framework(
        framework(
            [
                leaf("1.2.1", "1.2", 5, "yes_no"),
                pillar("1", 15),
                leaf("1.1", "1", 10, "expert"),
                {"code": "1.2", "parent": "1", "name": "Nhóm", "max_points": 5},
                pillar("2", 20, method="fraction"),
            ]
        )
    )
    assert [n.code for n in fw.nodes] == ["1", "1.1", "1.2", "1.2.1", "2"]
    assert [n.depth for n in fw.nodes] == [0, 1, 1, 2, 0]
    assert [n.code for n in fw.leaves] == ["1.1", "1.2.1", "2"]
    assert fw.leaf_pillar.tolist() == [0, 0, 1]
    # leaf 1.2.1 counts towards 1.2 and 1; the pillar leaf 2 only towards itself
    assert fw.membership[1].nonzero()[0].tolist() == [0, 2, 3]
    assert fw.membership[2].nonzero()[0].tolist() == [4]


def test_bands_sorted_and_band_of():
    data = sample()
    data["bands"].reverse()
    fw = parse_framework(data)
    assert [b.min for b in fw.bands] == [0.8, 0.65, 0.5, 0]
    assert fw.band_of(0.8) == Band("tot", "Tốt", 0.8)
    assert fw.band_of(0.7999).code == "kha"
    assert fw.band_of(0.65).code == "kha"
    assert fw.band_of(0.5).code == "trung_binh"
    assert fw.band_of(0.0).code == "yeu"
    assert fw.band_of(1.0).code == "tot"
    assert fw.band_of(float("nan")) is None
    assert fw.band_positions([0.9, 0.6, np.nan, 0.1]).tolist() == [0, 2, -1, 3]


def test_applicability_by_kind_and_peer_group():
    data = sample()
    data["nodes"][2]["peer_groups"] = ["hoc_vien", "truong"]
    fw = parse_framework(data)
    app = fw.applicability(["benh_vien", "truong", None, "benh_vien"], ["bv", "truong", None, "hoc_vien"])
    assert app.shape == (4, 8)
    j24, j12 = fw.leaf_index["2.4"], fw.leaf_index["1.2"]
    assert app[:, j24].tolist() == [True, False, False, True]
    assert app[:, j12].tolist() == [False, True, False, True]
    others = [j for j in range(8) if j not in (j24, j12)]
    assert app[:, others].all()
    with pytest.raises(ValueError):
        fw.applicability(["a"], [])


def test_to_dict_round_trips_with_defaults_written_out():
    fw = parse_framework(sample())
    data = fw.to_dict()
    assert data["format"] == "dxhub-framework/1"
    assert data["total_points"] == 100 and data["uncertainty"] == {"spread": 0.2, "draws": 1000, "seed": 0}
    assert data["nodes"][0] == {
        "code": "1",
        "parent": None,
        "name": "Chỉ số 1",
        "max_points": 40,
        "method": None,
        "indicator": None,
        "params": {},
        "kinds": [],
        "peer_groups": [],
        "evidence_required": False,
        "guidance": "",
    }
    assert data["nodes"][6]["params"] == {"steps": [[10, 5], [50, 10], [100, 15]]}
    again = parse_framework(json.loads(json.dumps(data)))
    assert again.to_dict() == data
    assert again.hash == fw.hash


def test_hash_ignores_key_order_and_int_float_but_not_weights():
    base = parse_framework(sample()).hash
    assert len(base) == 64
    reordered = {k: v for k, v in reversed(list(sample().items()))}
    reordered["nodes"] = [dict(reversed(list(n.items()))) for n in reordered["nodes"]]
    assert parse_framework(reordered).hash == base
    floats = sample()
    floats["nodes"][0]["max_points"] = 40.0
    floats["nodes"][1]["max_points"] = 10.0
    floats["nodes"][2]["params"]["target"] = 0.80
    assert parse_framework(floats).hash == base
    reweighted = sample()
    reweighted["nodes"][1]["max_points"] = 12
    reweighted["nodes"][2]["max_points"] = 8
    assert parse_framework(reweighted).hash != base
    renamed_band = sample()
    renamed_band["bands"][0]["min"] = 0.85
    assert parse_framework(renamed_band).hash != base


def test_problem_text_and_error_collects_all():
    p = Problem("Điểm %(value)s vượt quá điểm tối đa %(max)s.", {"value": "12,5", "max": "10"}, "Tiêu chí 1.2")
    assert str(p) == "Tiêu chí 1.2: Điểm 12,5 vượt quá điểm tối đa 10."
    assert str(Problem("Không có %% nào.", {})) == "Không có % nào."
    data = sample()
    data["code"] = ""
    data["nodes"][1]["method"] = "nope"
    data["nodes"][5]["max_points"] = -1
    with pytest.raises(FrameworkError) as e:
        parse_framework(data)
    assert len(e.value.problems) >= 3
    assert str(e.value) == "\n".join(str(p) for p in e.value.problems)
    assert all(isinstance(p.message, str) and isinstance(p.params, dict) for p in e.value.problems)
    # params are strings, so a translated template can be interpolated with them
    assert all(isinstance(v, str) for p in e.value.problems for v in p.params.values())
    copy_ = pickle.loads(pickle.dumps(e.value))
    assert copy_.problems == e.value.problems and str(copy_) == str(e.value)


@pytest.mark.parametrize(
    ("value", "text"),
    [(12.5, "12,5"), (1000, "1.000"), (1234567.25, "1.234.567,25"), (0.1 + 0.2, "0,3"), (-3, "-3"), (40.0, "40")],
)
def test_vn_number(value, text):
    assert vn_number(value) == text


def _with(mutate):
    data = sample()
    mutate(data)
    return data


def _node(data, code):
    return next(n for n in data["nodes"] if n.get("code") == code)


def _set(code, **fields):
    def mutate(data):
        _node(data, code).update(fields)

    return mutate


def _drop(code, key):
    def mutate(data):
        del _node(data, code)[key]

    return mutate


BAD = {
    "wrong format": (lambda d: d.update(format="dxhub-framework/9"), ["dxhub-framework/9"]),
    "missing format": (lambda d: d.pop("format"), ["format"]),
    "missing code": (lambda d: d.pop("code"), ["mã bộ tiêu chí"]),
    "empty name": (lambda d: d.update(name="  "), ["tên bộ tiêu chí"]),
    "nodes missing": (lambda d: d.pop("nodes"), ["chưa có tiêu chí nào"]),
    "nodes empty": (lambda d: d.update(nodes=[]), ["chưa có tiêu chí nào"]),
    "node not an object": (lambda d: d["nodes"].append("1.5"), ["Tiêu chí thứ 11"]),
    "node without code": (lambda d: d["nodes"][2].pop("code"), ["Tiêu chí thứ 3", "thiếu mã"]),
    "duplicate code": (lambda d: d["nodes"].append(leaf("1.2", "1", 1, "yes_no")), ["Mã tiêu chí 1.2 bị trùng"]),
    "unknown parent": (_set("2.4", parent="9"), ["Tiêu chí 2.4", "Tiêu chí cha 9 không tồn tại"]),
    "cycle": (
        lambda d: d["nodes"].extend(
            [
                {"code": "A", "parent": "B", "name": "A", "max_points": 1},
                {"code": "B", "parent": "A", "name": "B", "max_points": 1},
            ]
        ),
        ["vòng lặp", "A → B → A"],
    ),
    "own parent": (
        lambda d: d["nodes"].append({"code": "X", "parent": "X", "name": "X", "max_points": 1, "method": "yes_no"}),
        ["vòng lặp: X → X"],  # and nothing about X having children
    ),
    "max missing": (_drop("1.4", "max_points"), ["Tiêu chí 1.4", "thiếu điểm tối đa"]),
    "max not a number": (_set("1.4", max_points="10"), ["Tiêu chí 1.4", "Điểm tối đa “10” không phải là số"]),
    "max zero": (_set("1.4", max_points=0), ["Tiêu chí 1.4", "lớn hơn 0"]),
    "max negative": (_set("1.4", max_points=-2.5), ["Tiêu chí 1.4", "-2,5"]),
    "children do not add up": (
        _set("1.4", max_points=12.5),
        ["Tổng điểm các tiêu chí con của 1 là 42,5, khác điểm tối đa 40."],
    ),
    "pillars do not add up": (
        lambda d: d.update(total_points=90),
        ["Tổng điểm các chỉ số thành phần là 100, khác tổng điểm 90."],
    ),
    "total not a number": (lambda d: d.update(total_points="100"), ["total_points"]),
    "unknown method": (_set("1.4", method="nope"), ["Tiêu chí 1.4", "nope"]),
    "method on a parent": (_set("1", method="expert"), ["Tiêu chí 1:", "phương pháp chấm"]),
    "params on a parent": (_set("2", params={"target": 1}), ["Tiêu chí 2:", "tham số"]),
    "kinds on a parent": (_set("2", kinds=["benh_vien"]), ["Tiêu chí 2:", "kinds"]),
    "leaf without method": (_drop("1.4", "method"), ["Tiêu chí 1.4", "chưa có phương pháp chấm"]),
    "params not an object": (_set("1.2", params=[0.8]), ["Tiêu chí 1.2", "params"]),
    "unknown param": (_set("1.1", params={"target": 1}), ["Tiêu chí 1.1", "target", "yes_no"]),
    "ratio without target": (_set("1.2", params={}), ["Tiêu chí 1.2", "target"]),
    "ratio target zero": (_set("1.2", params={"target": 0}), ["Tiêu chí 1.2", "target", "0"]),
    "steps missing": (_set("2.1", params={}), ["Tiêu chí 2.1", "steps"]),
    "steps not pairs": (_set("2.1", params={"steps": [[10, 5, 1]]}), ["Tiêu chí 2.1", "[ngưỡng, điểm]"]),
    "steps not ascending": (
        _set("2.1", params={"steps": [[10, 5], [10, 10]]}),
        ["Tiêu chí 2.1", "tăng dần: 10 đứng sau 10"],
    ),
    "steps points decreasing": (
        _set("2.1", params={"steps": [[10, 10], [20, 5]]}),
        ["Tiêu chí 2.1", "không được giảm: 5 đứng sau 10"],
    ),
    "steps above max": (
        _set("2.1", params={"steps": [[10, 5], [20, 15.5]]}),
        ["Tiêu chí 2.1", "15,5", "vượt quá điểm tối đa 15"],
    ),
    "steps negative": (_set("2.1", params={"steps": [[10, -1], [20, 5]]}), ["Tiêu chí 2.1", "âm"]),
    "goalposts equal": (_set("2.2", params={"low": 5, "high": 5}), ["Tiêu chí 2.2", "khác nhau", "5"]),
    "goalposts missing high": (_set("2.2", params={"low": 5}), ["Tiêu chí 2.2", "high"]),
    "levels decreasing": (
        _set("1.3", params={"levels": [0, 7, 4, 10]}),
        ["Tiêu chí 1.3", "mức 2 có 4, ít hơn mức trước (7)"],
    ),
    "levels top not max": (_set("1.3", params={"levels": [0, 4, 9]}), ["Tiêu chí 1.3", "bằng điểm tối đa 10", "9"]),
    "levels negative": (_set("1.3", params={"levels": [-1, 4, 10]}), ["Tiêu chí 1.3", "-1"]),
    "levels too short": (_set("1.3", params={"levels": [10]}), ["Tiêu chí 1.3", "ít nhất hai mức"]),
    "indicator on levels": (_set("1.3", indicator="X1"), ["Tiêu chí 1.3", "levels", "indicator"]),
    "indicator on expert": (_set("1.4", indicator="X1"), ["Tiêu chí 1.4", "expert", "indicator"]),
    "indicator on fraction": (_set("2.4", indicator="X1"), ["Tiêu chí 2.4", "fraction", "indicator"]),
    "indicator empty": (_set("1.1", indicator=""), ["Tiêu chí 1.1", "indicator"]),
    "indicator not a string": (_set("1.1", indicator=5), ["Tiêu chí 1.1", "indicator"]),
    "kinds not a list": (_set("2.4", kinds="benh_vien"), ["Tiêu chí 2.4", "kinds"]),
    "peer groups not strings": (_set("2.4", peer_groups=[1, 2]), ["Tiêu chí 2.4", "peer_groups"]),
    "evidence not bool": (_set("1.1", evidence_required="yes"), ["Tiêu chí 1.1", "evidence_required"]),
    "unknown node key": (_set("1.1", max_point=10), ["Tiêu chí 1.1", "max_point"]),
    "unknown top key": (lambda d: d.update(bandz=[]), ["bandz"]),
    "bands missing": (lambda d: d.pop("bands"), ["bands"]),
    "bands empty": (lambda d: d.update(bands=[]), ["bands"]),
    "band code twice": (lambda d: d["bands"][1].update(code="tot"), ["Mã mức xếp loại tot bị trùng"]),
    "band min twice": (lambda d: d["bands"][1].update(min=0.8), ["cùng ngưỡng 0,8"]),
    "band min above 1": (lambda d: d["bands"][0].update(min=80), ["tot", "80"]),
    "band without name": (lambda d: d["bands"][2].update(name=""), ["trung_binh", "tên"]),
    "no zero band": (lambda d: d["bands"][3].update(min=0.1), ["min = 0"]),
    "subtree index": (lambda d: d.update(subtree_index="median"), ["median"]),
    "uncertainty spread": (lambda d: d.update(uncertainty={"spread": 1}), ["spread", "1"]),
    "uncertainty draws": (lambda d: d.update(uncertainty={"draws": 5}), ["draws", "5"]),
    "uncertainty seed": (lambda d: d.update(uncertainty={"seed": -1}), ["seed", "-1"]),
    "uncertainty not an object": (lambda d: d.update(uncertainty=0.2), ["uncertainty"]),
}


@pytest.mark.parametrize("case", BAD)
def test_framework_problems_name_the_culprit(case):
    mutate, expected = BAD[case]
    data = copy.deepcopy(sample())
    mutate(data)
    with pytest.raises(FrameworkError) as e:
        parse_framework(data)
    text = str(e.value)
    for part in expected:
        assert part in text, f"{part!r} not in {text!r}"


def test_not_a_dict():
    with pytest.raises(FrameworkError, match="đối tượng JSON"):
        parse_framework([1, 2])


def test_valid_variants_pass():
    data = sample()
    data.update(
        description="Mô tả",
        subtree_index="headcount",
        uncertainty={"spread": 0.1, "draws": 200, "seed": 7},
    )
    _node(data, "1.2")["indicator"] = None
    fw = parse_framework(data)
    assert (fw.description, fw.subtree_index) == ("Mô tả", "headcount")
    assert fw.uncertainty == {"spread": 0.1, "draws": 200, "seed": 7}
    assert fw.leaves[1].indicator is None
    # total_points is optional; it is then the sum of the pillars
    data.pop("total_points")
    assert parse_framework(data).total_points == 100


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("1.1", 1, None),
        ("1.1", 0, None),
        ("1.1", 0.5, "Chỉ nhận 1 (có) hoặc 0 (không); đang là 0,5."),
        ("1.3", 3, None),
        ("1.3", 4, "Mức phải là số nguyên từ 0 đến 3; đang là 4."),
        ("1.3", 1.5, "Mức phải là số nguyên từ 0 đến 3; đang là 1,5."),
        ("1.3", -1, "từ 0 đến 3"),
        ("1.4", 10, None),
        ("1.4", 0, None),
        ("1.4", 12.5, "Điểm 12,5 vượt quá điểm tối đa 10."),
        ("1.4", -1, "Điểm không được âm."),
        ("2.4", 1, None),
        ("2.4", 1.2, "Chỉ số phải nằm trong khoảng từ 0 đến 1; đang là 1,2."),
        ("1.2", 1.7, None),
        ("1.2", -0.1, "Giá trị không được âm; đang là -0,1."),
        ("2.3", -3, "không được âm"),
        ("2.1", -1000, None),
        ("2.2", 1e6, None),
        ("2.2", float("nan"), "không phải là một số hữu hạn"),
        ("2.1", float("inf"), "không phải là một số hữu hạn"),
    ],
)
def test_check_value(code, value, expected):
    fw = parse_framework(sample())
    problem = check_value(fw.leaves[fw.leaf_index[code]], value)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in str(problem)


def test_check_value_refuses_a_parent():
    fw = parse_framework(sample())
    with pytest.raises(ValueError):
        check_value(fw.nodes[0], 1)


def test_own_parent_is_one_problem():
    data = sample()
    data["nodes"].append({"code": "X", "parent": "X", "name": "X", "max_points": 1, "method": "yes_no"})
    with pytest.raises(FrameworkError) as e:
        parse_framework(data)
    assert [str(p) for p in e.value.problems] == ["Các tiêu chí tạo thành vòng lặp: X → X."]


def test_a_loop_is_reported_once_even_with_nodes_hanging_below_it():
    data = sample()
    data["nodes"] += [
        {"code": "C", "parent": "A", "name": "C", "max_points": 1, "method": "yes_no"},
        {"code": "A", "parent": "B", "name": "A", "max_points": 1},
        {"code": "B", "parent": "D", "name": "B", "max_points": 1},
        {"code": "D", "parent": "A", "name": "D", "max_points": 1},
    ]
    with pytest.raises(FrameworkError) as e:
        parse_framework(data)
    loops = [str(p) for p in e.value.problems if "vòng lặp" in p.message]
    assert loops == ["Các tiêu chí tạo thành vòng lặp: A → B → D → A."]
