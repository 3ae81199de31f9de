"""Small frameworks for the engine tests."""

import copy

BANDS = [
    {"code": "tot", "name": "Tốt", "min": 0.80},
    {"code": "kha", "name": "Khá", "min": 0.65},
    {"code": "trung_binh", "name": "Trung bình", "min": 0.50},
    {"code": "yeu", "name": "Yếu", "min": 0},
]


def framework(nodes, **top) -> dict:
    """A framework dict around ``nodes`` with the four usual bands."""
    data = {
        "format": "dxhub-framework/1",
        "code": "CDS-TEST",
        "name": "Bộ tiêu chí thử",
        "year": 2025,
        "version": 1,
        "bands": copy.deepcopy(BANDS),
        "nodes": nodes,
    }
    data.update(top)
    return data


def pillar(code, max_points, **leaf):
    """A pillar node; with ``method`` in ``leaf`` it is a leaf itself."""
    return {"code": code, "parent": None, "name": f"Chỉ số {code}", "max_points": max_points, **leaf}


def leaf(code, parent, max_points, method, **extra):
    return {
        "code": code,
        "parent": parent,
        "name": f"Tiêu chí {code}",
        "max_points": max_points,
        "method": method,
        **extra,
    }


def sample() -> dict:
    """Two pillars, every method once; 2.4 only for hospitals ("benh_vien")."""
    return framework(
        [
            pillar("1", 40),
            leaf("1.1", "1", 10, "yes_no", indicator="DX_STEERING_COMMITTEE", evidence_required=True),
            leaf("1.2", "1", 10, "ratio", params={"target": 0.8}, indicator="DX_STAFF_TRAINED_PCT"),
            leaf("1.3", "1", 10, "levels", params={"levels": [0, 4, 7, 10]}),
            leaf("1.4", "1", 10, "expert", guidance="Hội đồng chấm."),
            pillar("2", 60),
            leaf("2.1", "2", 15, "steps", params={"steps": [[10, 5], [50, 10], [100, 15]]}),
            leaf("2.2", "2", 15, "goalposts", params={"low": 72, "high": 2}),
            leaf("2.3", "2", 15, "peer_best"),
            leaf("2.4", "2", 15, "fraction", kinds=["benh_vien"]),
        ],
        total_points=100,
    )


DA_NANG_MAX = [100, 100, 100, 100, 100, 200, 150, 150]
DA_NANG_VALUES = [1.0000, 0.9000, 0.8253, 0.8487, 0.7578, 0.8575, 0.7836, 0.5197]


def da_nang() -> dict:
    """DTI 2022 provincial framework shape: eight pillar leaves scored as published indices."""
    return framework(
        [pillar(str(i + 1), m, method="fraction") for i, m in enumerate(DA_NANG_MAX)],
        code="DTI-TINH",
        name="Chỉ số chuyển đổi số cấp tỉnh",
        total_points=1000,
    )
