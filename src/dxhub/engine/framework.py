"""Criteria frameworks (bộ tiêu chí): parsing, validation and the arrays the scoring runs on.

A framework is a tree of criteria. Top-level nodes are the pillars (chỉ số thành phần); nodes
without children are leaves, each scored by one method from a value per unit. Every node has a
maximum of points; a parent's maximum is the sum of its children's, so a unit's points at any
node are the sum of its leaves' points below it. The file format is described in
``docs/assessment-format.md``.
"""

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Real

import numpy as np

from .i18n import _, vn_number

FORMAT = "dxhub-framework/1"

METHODS = ("ratio", "steps", "goalposts", "peer_best", "yes_no", "levels", "expert", "fraction")
# Methods whose value may come from a reporting indicator instead of being typed by a person.
INDICATOR_METHODS = frozenset({"ratio", "steps", "goalposts", "peer_best", "yes_no"})
METHOD_PARAMS = {
    "ratio": ("target",),
    "steps": ("steps",),
    "goalposts": ("low", "high"),
    "peer_best": (),
    "yes_no": (),
    "levels": ("levels",),
    "expert": (),
    "fraction": (),
}
SUBTREE_INDEX = ("mean", "headcount")
UNCERTAINTY_DEFAULTS = {"spread": 0.2, "draws": 1000, "seed": 0}
TOLERANCE = 1e-6

TOP_KEYS = frozenset(
    {
        "format",
        "code",
        "name",
        "year",
        "version",
        "description",
        "total_points",
        "bands",
        "subtree_index",
        "uncertainty",
        "nodes",
    }
)
NODE_KEYS = frozenset(
    {
        "code",
        "parent",
        "name",
        "max_points",
        "method",
        "indicator",
        "params",
        "kinds",
        "peer_groups",
        "evidence_required",
        "guidance",
    }
)
BAND_KEYS = frozenset({"code", "name", "min"})

# Where a problem is: these are interpolated by the engine (the code is also in params).
WHERE_NODE = _("Tiêu chí %(code)s")
WHERE_NTH_NODE = _("Tiêu chí thứ %(n)s")
WHERE_NTH_BAND = _("Mức xếp loại thứ %(n)s")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input. ``message`` is an untranslated %-template (marked with
    ``_``), ``params`` its string arguments; ``where`` locates it ("Tiêu chí 1.2")."""

    message: str
    params: dict = field(hash=False)
    where: str = ""

    def __str__(self) -> str:
        text = self.message % self.params
        return f"{self.where}: {text}" if self.where else text


class FrameworkError(ValueError):
    """A framework that cannot be used; ``problems`` lists everything found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # picklable (task queues), with its problems
        return (type(self), (self.problems,))


@dataclass(frozen=True)
class Band:
    """A rating band (mức xếp loại): an index of at least ``min`` earns it."""

    code: str
    name: str
    min: float


@dataclass(frozen=True)
class Node:
    """A criterion. Leaves carry the scoring ``method`` and its ``params``; ``kinds`` and
    ``peer_groups`` restrict which units a leaf applies to (empty = all)."""

    code: str
    parent: str | None
    name: str
    max_points: float
    method: str | None
    indicator: str | None
    params: dict = field(hash=False)
    kinds: tuple
    peer_groups: tuple
    evidence_required: bool
    guidance: str
    depth: int
    is_leaf: bool


def _num(x):
    """Canonical JSON number: an integral float becomes an int, so 40 and 40.0 hash the same."""
    x = float(x)
    if x.is_integer() and abs(x) < 2**53:
        return int(x)
    return x


def _canonical_params(params: dict) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, list):
            out[key] = [[_num(a) for a in v] if isinstance(v, list) else _num(v) for v in value]
        else:
            out[key] = _num(value)
    return out


class Framework:
    """A validated framework, built only by :func:`parse_framework`.

    Array attributes (all in ``leaves`` / ``nodes`` / ``pillars`` order):
    ``leaf_max`` (n_leaves,), ``leaf_pillar`` (n_leaves,) position of each leaf's pillar,
    ``membership`` (n_leaves × n_nodes) True where the leaf is the node or lies under it,
    ``pillar_max`` (n_pillars,).
    """

    def __init__(self, *, header: dict, bands: list[Band], nodes: list[Node]):
        self.code = header["code"]
        self.name = header["name"]
        self.year = header["year"]
        self.version = header["version"]
        self.description = header["description"]
        self.subtree_index = header["subtree_index"]
        self.uncertainty = dict(header["uncertainty"])
        self.bands = sorted(bands, key=lambda b: -b.min)
        self.nodes = nodes
        self.leaves = [n for n in nodes if n.is_leaf]
        self.pillars = [n for n in nodes if n.parent is None]
        self.node_index = {n.code: i for i, n in enumerate(nodes)}
        self.leaf_index = {n.code: i for i, n in enumerate(self.leaves)}
        pillar_pos = {n.code: i for i, n in enumerate(self.pillars)}
        parents = {n.code: n.parent for n in nodes}

        self.leaf_max = np.array([n.max_points for n in self.leaves], dtype=float)
        self.pillar_max = np.array([n.max_points for n in self.pillars], dtype=float)
        self.total_points = float(self.pillar_max.sum())
        self.membership = np.zeros((len(self.leaves), len(nodes)), dtype=bool)
        self.leaf_pillar = np.zeros(len(self.leaves), dtype=np.intp)
        for j, leaf in enumerate(self.leaves):
            code = leaf.code
            while True:
                self.membership[j, self.node_index[code]] = True
                if parents[code] is None:
                    self.leaf_pillar[j] = pillar_pos[code]
                    break
                code = parents[code]
        self.pillar_columns = np.array([self.node_index[p.code] for p in self.pillars], dtype=np.intp)
        self._band_min_asc = np.array([b.min for b in reversed(self.bands)], dtype=float)
        # Leaf columns by method, for scoring that is vectorised per method.
        self.method_columns = {
            m: np.array([j for j, n in enumerate(self.leaves) if n.method == m], dtype=np.intp)
            for m in METHODS
            if any(n.method == m for n in self.leaves)
        }

    def __repr__(self) -> str:
        return f"<Framework {self.code} v{self.version}: {len(self.nodes)} nodes, {len(self.leaves)} leaves>"

    def to_dict(self) -> dict:
        """The canonical file form: every field written out, nodes in ``nodes`` order."""
        return {
            "format": FORMAT,
            "code": self.code,
            "name": self.name,
            "year": self.year,
            "version": self.version,
            "description": self.description,
            "total_points": _num(self.total_points),
            "bands": [{"code": b.code, "name": b.name, "min": _num(b.min)} for b in self.bands],
            "subtree_index": self.subtree_index,
            "uncertainty": {
                "spread": _num(self.uncertainty["spread"]),
                "draws": int(self.uncertainty["draws"]),
                "seed": int(self.uncertainty["seed"]),
            },
            "nodes": [
                {
                    "code": n.code,
                    "parent": n.parent,
                    "name": n.name,
                    "max_points": _num(n.max_points),
                    "method": n.method,
                    "indicator": n.indicator,
                    "params": _canonical_params(n.params),
                    "kinds": list(n.kinds),
                    "peer_groups": list(n.peer_groups),
                    "evidence_required": n.evidence_required,
                    "guidance": n.guidance,
                }
                for n in self.nodes
            ],
        }

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the canonical JSON: identifies what was scored, whatever the key order."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def applicability(self, kinds: Sequence[str | None], peer_groups: Sequence[str | None]) -> np.ndarray:
        """(n_units × n_leaves) bool: which leaves apply to which unit, from the units' kind and
        peer group codes (None = unknown, which only the unrestricted leaves apply to)."""
        kinds = list(kinds)
        peer_groups = list(peer_groups)
        if len(kinds) != len(peer_groups):
            raise ValueError("kinds and peer_groups must have one entry per unit")
        out = np.ones((len(kinds), len(self.leaves)), dtype=bool)
        for attr, unit_codes in (("kinds", kinds), ("peer_groups", peer_groups)):
            restricted = [j for j, n in enumerate(self.leaves) if getattr(n, attr)]
            if not restricted:
                continue
            distinct: dict = {}
            inverse = np.array([distinct.setdefault(c, len(distinct)) for c in unit_codes], dtype=np.intp)
            for j in restricted:
                allowed = set(getattr(self.leaves[j], attr))
                ok = np.array([c in allowed for c in distinct], dtype=bool)
                out[:, j] &= ok[inverse]
        return out

    def band_positions(self, index) -> np.ndarray:
        """Position in ``bands`` of each index (the first band whose min it reaches); −1 for NaN."""
        x = np.asarray(index, dtype=float)
        asc = np.searchsorted(self._band_min_asc, np.nan_to_num(x, nan=-1.0), side="right") - 1
        pos = len(self.bands) - 1 - asc
        return np.where(np.isnan(x) | (asc < 0), -1, pos).astype(np.intp)

    def band_of(self, index: float) -> Band | None:
        """The band an index earns; None for a NaN index (nothing applicable)."""
        pos = int(self.band_positions(index))
        return self.bands[pos] if pos >= 0 else None


def _is_number(x) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool) and math.isfinite(float(x))


def _is_int(x) -> bool:
    return _is_number(x) and float(x).is_integer()


def _nonempty_str(x) -> bool:
    return isinstance(x, str) and x.strip() != ""


class _Parser:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, message: str, where: str = "", **params):
        # A string where a number belongs is quoted, so "10" reads differently from 10.
        shown = {k: f"“{v}”" if k == "value" and isinstance(v, str) else _show(v) for k, v in params.items()}
        self.problems.append(Problem(message, shown, where))

    def unknown_keys(self, raw: dict, allowed: frozenset, where: str = ""):
        for key in raw:
            if key not in allowed:
                self.add(_("Trường %(key)s không có trong định dạng bộ tiêu chí."), where, key=key)

    # ---- header ------------------------------------------------------------------------------

    def header(self, data: dict) -> dict:
        self.unknown_keys(data, TOP_KEYS)
        fmt = data.get("format")
        if fmt != FORMAT:
            if fmt is None:
                self.add(_("Thiếu trường format (cần “%(expected)s”)."), expected=FORMAT)
            else:
                self.add(_("Định dạng %(format)s không được hỗ trợ (cần “%(expected)s”)."), format=fmt, expected=FORMAT)
        code, name = data.get("code"), data.get("name")
        if not _nonempty_str(code):
            self.add(_("Thiếu mã bộ tiêu chí (code)."))
        if not _nonempty_str(name):
            self.add(_("Thiếu tên bộ tiêu chí (name)."))
        year = data.get("year")
        if year is not None and not (_is_int(year) and 1900 <= year <= 2200):
            self.add(_("Năm %(value)s không hợp lệ (cần số nguyên, ví dụ 2025)."), value=year)
        version = data.get("version", 1)
        if not (_is_int(version) and version >= 1):
            self.add(_("Phiên bản %(value)s không hợp lệ (cần số nguyên từ 1)."), value=version)
        description = data.get("description", "")
        if not isinstance(description, str):
            self.add(_("Mô tả (description) phải là chuỗi ký tự."))
        subtree = data.get("subtree_index", "mean")
        if subtree not in SUBTREE_INDEX:
            self.add(
                _("Cách tính chỉ số đơn vị cấp trên (subtree_index) %(value)s không hợp lệ; chọn %(choices)s."),
                value=subtree,
                choices=", ".join(SUBTREE_INDEX),
            )
        return {
            "code": code.strip() if _nonempty_str(code) else "",
            "name": name.strip() if _nonempty_str(name) else "",
            "year": int(year) if _is_int(year) else None,
            "version": int(version) if _is_int(version) else 1,
            "description": description if isinstance(description, str) else "",
            "subtree_index": subtree,
            "uncertainty": self.uncertainty(data.get("uncertainty")),
        }

    def uncertainty(self, raw) -> dict:
        out = dict(UNCERTAINTY_DEFAULTS)
        if raw is None:
            return out
        if not isinstance(raw, dict):
            self.add(_("Trường uncertainty phải là một đối tượng {spread, draws, seed}."))
            return out
        self.unknown_keys(raw, frozenset(UNCERTAINTY_DEFAULTS), "uncertainty")
        spread = raw.get("spread", out["spread"])
        if _is_number(spread) and 0 < spread < 1:
            out["spread"] = float(spread)
        else:
            self.add(_("Độ dao động trọng số (spread) phải lớn hơn 0 và nhỏ hơn 1; đang là %(value)s."), value=spread)
        draws = raw.get("draws", out["draws"])
        if _is_int(draws) and 10 <= draws <= 100000:
            out["draws"] = int(draws)
        else:
            self.add(_("Số lần mô phỏng (draws) phải là số nguyên từ 10 đến 100.000; đang là %(value)s."), value=draws)
        seed = raw.get("seed", out["seed"])
        if _is_int(seed) and seed >= 0:
            out["seed"] = int(seed)
        else:
            self.add(_("Hạt giống ngẫu nhiên (seed) phải là số nguyên không âm; đang là %(value)s."), value=seed)
        return out

    def bands(self, raw) -> list[Band]:
        if not isinstance(raw, list) or not raw:
            self.add(_("Cần ít nhất một mức xếp loại (bands)."))
            return []
        bands, codes, mins = [], set(), set()
        for n, item in enumerate(raw, 1):
            where = WHERE_NTH_BAND % {"n": n}
            if not isinstance(item, dict):
                self.add(_("Mức xếp loại phải là một đối tượng {code, name, min}."), where)
                continue
            self.unknown_keys(item, BAND_KEYS, where)
            code, name, low = item.get("code"), item.get("name"), item.get("min")
            ok = True
            if not _nonempty_str(code):
                self.add(_("Mức xếp loại thiếu mã (code)."), where)
                ok = False
            elif code.strip() in codes:
                self.add(_("Mã mức xếp loại %(code)s bị trùng."), code=code.strip())
                ok = False
            else:
                codes.add(code.strip())
            if not _nonempty_str(name):
                self.add(_("Mức xếp loại %(code)s thiếu tên (name)."), code=code)
                ok = False
            if not (_is_number(low) and 0 <= low <= 1):
                self.add(
                    _("Ngưỡng (min) của mức %(code)s phải là số từ 0 đến 1; đang là %(value)s."), code=code, value=low
                )
                ok = False
            elif float(low) in mins:
                self.add(_("Hai mức xếp loại có cùng ngưỡng %(value)s."), value=low)
                ok = False
            else:
                mins.add(float(low))
            if ok:
                bands.append(Band(code.strip(), name.strip(), float(low)))
        if 0.0 not in mins:
            self.add(_("Phải có một mức xếp loại với ngưỡng min = 0 để mọi chỉ số đều được xếp loại."))
        return bands

    # ---- nodes -------------------------------------------------------------------------------

    def nodes(self, raw) -> list[dict]:
        """Field checks of each node; returns the usable ones as dicts (first of each code)."""
        if not isinstance(raw, list) or not raw:
            self.add(_("Bộ tiêu chí chưa có tiêu chí nào (nodes)."))
            return []
        seen: dict[str, dict] = {}
        duplicated: set[str] = set()
        for n, item in enumerate(raw, 1):
            nth = WHERE_NTH_NODE % {"n": n}
            if not isinstance(item, dict):
                self.add(_("Tiêu chí phải là một đối tượng JSON."), nth)
                continue
            code = item.get("code")
            if not _nonempty_str(code):
                self.add(_("Tiêu chí thiếu mã (code)."), nth)
                continue
            code = code.strip()
            if code in seen:
                if code not in duplicated:
                    self.add(_("Mã tiêu chí %(code)s bị trùng."), code=code)
                    duplicated.add(code)
                continue
            seen[code] = self.node_fields(code, item)
        return list(seen.values())

    def node_fields(self, code: str, item: dict) -> dict:
        where = WHERE_NODE % {"code": code}
        self.unknown_keys(item, NODE_KEYS, where)
        parent = item.get("parent")
        if parent is not None and not _nonempty_str(parent):
            self.add(_("Tiêu chí cha (parent) phải là mã tiêu chí hoặc null."), where, code=code)
            parent = None
        name = item.get("name")
        if not _nonempty_str(name):
            self.add(_("Tiêu chí thiếu tên (name)."), where, code=code)
        max_points = item.get("max_points")
        if max_points is None:
            self.add(_("Tiêu chí thiếu điểm tối đa (max_points)."), where, code=code)
            max_points = None
        elif not _is_number(max_points):
            self.add(_("Điểm tối đa %(value)s không phải là số."), where, code=code, value=max_points)
            max_points = None
        elif max_points <= 0:
            self.add(_("Điểm tối đa phải lớn hơn 0; đang là %(value)s."), where, code=code, value=max_points)
            max_points = None
        method = item.get("method")
        if method is not None and method not in METHODS:
            self.add(
                _("Phương pháp chấm %(method)s không tồn tại; chọn một trong: %(choices)s."),
                where,
                code=code,
                method=method,
                choices=", ".join(METHODS),
            )
            method = "?"
        params = item.get("params")
        if params is None:
            params = {}
        elif not isinstance(params, dict):
            self.add(_("Tham số (params) phải là một đối tượng JSON."), where, code=code)
            params = {}
        indicator = item.get("indicator")
        if indicator is not None and not _nonempty_str(indicator):
            self.add(_("Mã chỉ tiêu (indicator) phải là chuỗi ký tự không rỗng hoặc null."), where, code=code)
            indicator = None
        lists = {}
        for key in ("kinds", "peer_groups"):
            value = item.get(key)
            if value is None:
                value = []
            if not isinstance(value, list) or not all(_nonempty_str(v) for v in value):
                self.add(_("Trường %(key)s phải là danh sách mã (chuỗi ký tự)."), where, code=code, key=key)
                value = []
            lists[key] = tuple(dict.fromkeys(v.strip() for v in value))
        evidence = item.get("evidence_required", False)
        if not isinstance(evidence, bool):
            self.add(_("Trường evidence_required phải là true hoặc false."), where, code=code)
            evidence = False
        guidance = item.get("guidance", "")
        if guidance is None:
            guidance = ""
        if not isinstance(guidance, str):
            self.add(_("Hướng dẫn (guidance) phải là chuỗi ký tự."), where, code=code)
            guidance = ""
        return {
            "code": code,
            "parent": parent.strip() if parent is not None else None,
            "name": name.strip() if _nonempty_str(name) else "",
            "max_points": float(max_points) if max_points is not None else None,
            "method": method,
            "indicator": indicator.strip() if indicator is not None else None,
            "params": params,
            "kinds": lists["kinds"],
            "peer_groups": lists["peer_groups"],
            "evidence_required": evidence,
            "guidance": guidance,
        }

    def structure(self, nodes: list[dict]) -> tuple[list[str], dict[str, list[str]]]:
        """Parents, cycles and order. Returns the codes in tree order (parents first, children
        in document order) and the children of each code."""
        by_code = {n["code"]: n for n in nodes}
        children: dict[str, list[str]] = {c: [] for c in by_code}
        for n in nodes:
            parent = n["parent"]
            if parent is None:
                continue
            if parent == n["code"]:
                continue  # its own parent: reported as a loop below
            if parent not in by_code:
                self.add(
                    _("Tiêu chí cha %(parent)s không tồn tại."),
                    WHERE_NODE % {"code": n["code"]},
                    code=n["code"],
                    parent=parent,
                )
            else:
                children[parent].append(n["code"])
        # Cycles: walk up from each node; a walk that meets itself has found a loop.
        state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
        for start in by_code:
            path: list[str] = []
            code = start
            while code is not None and code in by_code and code not in state:
                state[code] = 1
                path.append(code)
                code = by_code[code]["parent"]
            if code is not None and state.get(code) == 1:
                loop = path[path.index(code) :]
                first = min(range(len(loop)), key=lambda i: list(by_code).index(loop[i]))
                loop = loop[first:] + loop[:first]
                self.add(_("Các tiêu chí tạo thành vòng lặp: %(codes)s."), codes=" → ".join([*loop, loop[0]]))
            for c in path:
                state[c] = 2
        order: list[str] = []
        stack = [n["code"] for n in reversed(nodes) if n["parent"] is None]
        while stack:
            code = stack.pop()
            order.append(code)
            stack.extend(reversed(children[code]))
        return order, children

    def points(self, nodes: list[dict], children: dict[str, list[str]], total_points):
        by_code = {n["code"]: n for n in nodes}
        for n in nodes:
            kids = children[n["code"]]
            if not kids or n["max_points"] is None:
                continue
            maxes = [by_code[k]["max_points"] for k in kids]
            if any(m is None for m in maxes):
                continue
            total = math.fsum(maxes)
            if abs(total - n["max_points"]) > TOLERANCE:
                self.add(
                    _("Tổng điểm các tiêu chí con của %(code)s là %(sum)s, khác điểm tối đa %(max)s."),
                    code=n["code"],
                    sum=total,
                    max=n["max_points"],
                )
        if total_points is None:
            return
        if not _is_number(total_points) or total_points <= 0:
            self.add(_("Tổng điểm (total_points) phải là số dương; đang là %(value)s."), value=total_points)
            return
        pillars = [n["max_points"] for n in nodes if n["parent"] is None]
        if pillars and all(m is not None for m in pillars):
            total = math.fsum(pillars)
            if abs(total - total_points) > TOLERANCE:
                self.add(
                    _("Tổng điểm các chỉ số thành phần là %(sum)s, khác tổng điểm %(total)s."),
                    sum=total,
                    total=total_points,
                )

    def leaf_rules(self, n: dict, is_leaf: bool) -> dict:
        """Method, params, indicator and scope rules; returns the canonical params."""
        code, method, params = n["code"], n["method"], n["params"]
        where = WHERE_NODE % {"code": code}
        if not is_leaf:
            if method is not None and method != "?":
                self.add(_("Tiêu chí có tiêu chí con nên không có phương pháp chấm (method)."), where, code=code)
            if params:
                self.add(_("Tiêu chí có tiêu chí con nên không có tham số (params)."), where, code=code)
            if n["indicator"] is not None:
                self.add(_("Tiêu chí có tiêu chí con nên không gắn chỉ tiêu (indicator)."), where, code=code)
            if n["kinds"] or n["peer_groups"]:
                self.add(
                    _("Phạm vi áp dụng (kinds, peer_groups) chỉ đặt ở tiêu chí không có tiêu chí con."),
                    where,
                    code=code,
                )
            return {}
        if method is None:
            self.add(_("Tiêu chí chưa có phương pháp chấm (method)."), where, code=code)
            return {}
        if method == "?":
            return {}
        if n["indicator"] is not None and method not in INDICATOR_METHODS:
            self.add(
                _("Phương pháp %(method)s là điểm nhập tay nên không gắn chỉ tiêu (indicator)."),
                where,
                code=code,
                method=method,
            )
        for key in params:
            if key not in METHOD_PARAMS[method]:
                self.add(
                    _("Tham số %(key)s không dùng cho phương pháp %(method)s."),
                    where,
                    code=code,
                    key=key,
                    method=method,
                )
        return getattr(self, f"params_{method}", lambda n, where: {})(n, where)

    def params_ratio(self, n: dict, where: str) -> dict:
        target = n["params"].get("target")
        if not (_is_number(target) and target > 0):
            self.add(
                _("Phương pháp ratio cần tham số target là số dương; đang là %(value)s."),
                where,
                code=n["code"],
                value=target,
            )
            return {}
        return {"target": float(target)}

    def params_goalposts(self, n: dict, where: str) -> dict:
        low, high = n["params"].get("low"), n["params"].get("high")
        ok = True
        for key, value in (("low", low), ("high", high)):
            if not _is_number(value):
                self.add(
                    _("Phương pháp goalposts cần tham số %(key)s là số; đang là %(value)s."),
                    where,
                    code=n["code"],
                    key=key,
                    value=value,
                )
                ok = False
        if ok and low == high:
            self.add(
                _("Hai mốc low và high của phương pháp goalposts phải khác nhau; đang cùng là %(value)s."),
                where,
                code=n["code"],
                value=low,
            )
            ok = False
        return {"low": float(low), "high": float(high)} if ok else {}

    def params_steps(self, n: dict, where: str) -> dict:
        code, max_points = n["code"], n["max_points"]
        steps = n["params"].get("steps")
        if not isinstance(steps, list) or not steps:
            self.add(_("Phương pháp steps cần tham số steps là danh sách các cặp [ngưỡng, điểm]."), where, code=code)
            return {}
        if not all(isinstance(s, list | tuple) and len(s) == 2 and all(_is_number(v) for v in s) for s in steps):
            self.add(_("Mỗi bậc của steps phải là một cặp số [ngưỡng, điểm]."), where, code=code)
            return {}
        pairs = [[float(t), float(p)] for t, p in steps]
        ok = True
        for (t0, p0), (t1, p1) in zip(pairs, pairs[1:], strict=False):
            if t1 <= t0:
                self.add(
                    _("Các ngưỡng của steps phải tăng dần: %(next)s đứng sau %(prev)s."),
                    where,
                    code=code,
                    prev=t0,
                    next=t1,
                )
                ok = False
            if p1 < p0:
                self.add(
                    _("Điểm của steps không được giảm: %(next)s đứng sau %(prev)s."), where, code=code, prev=p0, next=p1
                )
                ok = False
        for _t, p in pairs:
            if p < 0:
                self.add(_("Điểm của một bậc không được âm; đang là %(value)s."), where, code=code, value=p)
                ok = False
            elif max_points is not None and p > max_points + TOLERANCE:
                self.add(
                    _("Điểm %(value)s của một bậc vượt quá điểm tối đa %(max)s."),
                    where,
                    code=code,
                    value=p,
                    max=max_points,
                )
                ok = False
        return {"steps": pairs} if ok else {}

    def params_levels(self, n: dict, where: str) -> dict:
        code, max_points = n["code"], n["max_points"]
        levels = n["params"].get("levels")
        if not isinstance(levels, list) or len(levels) < 2 or not all(_is_number(v) for v in levels):
            self.add(
                _("Phương pháp levels cần tham số levels là danh sách ít nhất hai mức điểm [p0, p1, ...]."),
                where,
                code=code,
            )
            return {}
        levels = [float(v) for v in levels]
        ok = True
        if levels[0] < 0:
            self.add(_("Điểm của mức 0 không được âm; đang là %(value)s."), where, code=code, value=levels[0])
            ok = False
        for i in range(1, len(levels)):
            if levels[i] < levels[i - 1]:
                self.add(
                    _("Điểm các mức không được giảm: mức %(level)s có %(value)s, ít hơn mức trước (%(prev)s)."),
                    where,
                    code=code,
                    level=i,
                    value=levels[i],
                    prev=levels[i - 1],
                )
                ok = False
        if max_points is not None and abs(levels[-1] - max_points) > TOLERANCE:
            self.add(
                _("Mức cao nhất phải bằng điểm tối đa %(max)s; đang là %(value)s."),
                where,
                code=code,
                max=max_points,
                value=levels[-1],
            )
            ok = False
        return {"levels": levels} if ok else {}


def _show(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Real) and not isinstance(value, bool):
        return vn_number(value)
    return json.dumps(value, ensure_ascii=False)


def parse_framework(data: dict) -> Framework:
    """Validate a framework in the file format and build it; raises :class:`FrameworkError`
    listing every problem found."""
    p = _Parser()
    if not isinstance(data, dict):
        p.add(_("Bộ tiêu chí phải là một đối tượng JSON."))
        raise FrameworkError(p.problems)
    header = p.header(data)
    bands = p.bands(data.get("bands"))
    raw_nodes = p.nodes(data.get("nodes"))
    order, children = p.structure(raw_nodes)
    p.points(raw_nodes, children, data.get("total_points"))
    params = {n["code"]: p.leaf_rules(n, not children[n["code"]]) for n in raw_nodes}
    if p.problems:
        raise FrameworkError(p.problems)

    by_code = {n["code"]: n for n in raw_nodes}
    depth: dict[str, int] = {}
    nodes = []
    for code in order:
        n = by_code[code]
        depth[code] = 0 if n["parent"] is None else depth[n["parent"]] + 1
        is_leaf = not children[code]
        nodes.append(
            Node(
                code=code,
                parent=n["parent"],
                name=n["name"],
                max_points=n["max_points"],
                method=n["method"] if is_leaf else None,
                indicator=n["indicator"],
                params=params[code],
                kinds=n["kinds"],
                peer_groups=n["peer_groups"],
                evidence_required=n["evidence_required"],
                guidance=n["guidance"],
                depth=depth[code],
                is_leaf=is_leaf,
            )
        )
    return Framework(header=header, bands=bands, nodes=nodes)


def check_value(node: Node, v: float) -> Problem | None:
    """The bound check for a value a person types for a leaf; None when it is acceptable."""
    if not node.is_leaf:
        raise ValueError(f"{node.code} is not a leaf")
    params = {"code": node.code, "value": vn_number(v) if isinstance(v, Real) else str(v)}
    if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(float(v)):
        return Problem(_("Giá trị %(value)s không phải là một số hữu hạn."), params)
    v = float(v)
    method = node.method
    if method == "yes_no" and v not in (0.0, 1.0):
        return Problem(_("Chỉ nhận 1 (có) hoặc 0 (không); đang là %(value)s."), params)
    if method == "levels":
        k = len(node.params["levels"]) - 1
        if not v.is_integer() or not 0 <= v <= k:
            return Problem(_("Mức phải là số nguyên từ 0 đến %(k)s; đang là %(value)s."), {**params, "k": str(k)})
    if method == "expert":
        if v < 0:
            return Problem(_("Điểm không được âm."), params)
        if v > node.max_points + 1e-9:
            return Problem(
                _("Điểm %(value)s vượt quá điểm tối đa %(max)s."), {**params, "max": vn_number(node.max_points)}
            )
    if method == "fraction" and not 0 <= v <= 1:
        return Problem(_("Chỉ số phải nằm trong khoảng từ 0 đến 1; đang là %(value)s."), params)
    if method in ("ratio", "peer_best") and v < 0:
        return Problem(_("Giá trị không được âm; đang là %(value)s."), params)
    return None
