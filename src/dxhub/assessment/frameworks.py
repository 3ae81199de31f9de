"""Criteria frameworks (bộ tiêu chí): import from JSON or Excel, export to both.

The JSON file is the engine's format (``docs/assessment-format.md``); the Excel
workbook carries the same content on three sheets a staff officer can edit: “Thông
tin” (key, value), “Xếp loại” (bands) and “Tiêu chí” (one row per node). Whatever the
source, the data goes through ``dxhub.engine.parse_framework`` (structure, points,
cycles, methods) and then the checks only the database can make (indicators, unit
kinds, peer groups), and is written all at once or not at all.
"""

import io
import json
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from dxhub import engine
from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import scope_paths
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError
from dxhub.core.text import fold, nfc
from dxhub.core.xlsx import read_table, safe_cell, upload_bytes
from dxhub.org.choices import UnitKind
from dxhub.org.models import PeerGroup
from dxhub.reporting.models import Indicator

from .models import Criterion, Framework

MAX_JSON_BYTES = 2 * 1024 * 1024

INFO_SHEET = "Thông tin"
BANDS_SHEET = "Xếp loại"
NODES_SHEET = "Tiêu chí"

INFO_ROWS = {  # key in the file -> label on the “Thông tin” sheet
    "code": "Mã bộ tiêu chí",
    "name": "Tên bộ tiêu chí",
    "year": "Năm áp dụng",
    "version": "Phiên bản",
    "description": "Mô tả",
    "total_points": "Tổng điểm",
    "subtree_index": "Chỉ số của đơn vị cấp trên",
    "spread": "Biên độ dao động trọng số",
    "draws": "Số lần lấy mẫu trọng số",
    "seed": "Hạt giống ngẫu nhiên",
}
SUBTREE_LABELS = {"mean": "Trung bình cộng", "headcount": "Bình quân theo quân số"}
BAND_COLUMNS = {"code": "Mã xếp loại", "name": "Tên xếp loại", "min": "Từ chỉ số"}
NODE_COLUMNS = {
    "code": "Mã",
    "parent": "Mã cấp trên",
    "name": "Tên tiêu chí",
    "max_points": "Điểm tối đa",
    "method": "Cách chấm",
    "indicator": "Chỉ tiêu báo cáo",
    "target": "Mục tiêu",
    "low": "Cận dưới",
    "high": "Cận trên",
    "steps": "Các bậc (ngưỡng: điểm)",
    "levels": "Điểm theo mức",
    "kinds": "Loại hình áp dụng",
    "peer_groups": "Nhóm đơn vị áp dụng",
    "evidence_required": "Bắt buộc minh chứng",
    "guidance": "Hướng dẫn chấm",
}
YES = {"x", "co", "1", "true", "yes"}


def can_manage(user) -> bool:
    return bool(scope_paths(user, Action.MANAGE_ASSESSMENT))


def _require_manage(user):
    """``user`` None is the system itself (``seed_demo``, management commands)."""
    if user is not None and not can_manage(user):
        raise DomainError(_("Bạn không có quyền quản lý bộ tiêu chí, kỳ đánh giá."), status=403)


# --- reading files ---------------------------------------------------------------------


def read_json(upload) -> dict:
    data = upload.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise DomainError(_("Tệp quá lớn; giới hạn là %(limit)s MB.") % {"limit": MAX_JSON_BYTES // 1048576})
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DomainError(_("Tệp JSON không ở mã UTF-8.")) from None
    except json.JSONDecodeError as exc:
        raise DomainError(
            _("Tệp JSON sai cú pháp ở dòng %(line)s, cột %(col)s.") % {"line": exc.lineno, "col": exc.colno}
        ) from None
    if not isinstance(parsed, dict):
        raise DomainError(_("Tệp JSON phải là một đối tượng mô tả bộ tiêu chí."))
    return parsed


def read_excel(upload) -> dict:
    """The framework dict of a workbook laid out as ``to_excel`` writes it."""
    data = upload_bytes(upload)
    problems: list[str] = []
    info = read_table(io.BytesIO(data), {"key": INFO_SHEET, "value": "Giá trị"}, ["key", "value"], 100, INFO_SHEET)
    by_label = {fold(label): key for key, label in INFO_ROWS.items()}
    meta: dict = {}
    for row_no, row in info.rows:
        key = by_label.get(fold(row["key"]))
        if key is None:
            problems.append(
                _("Trang “%(sheet)s”, dòng %(row)s: mục “%(key)s” không có trong mẫu.")
                % {"sheet": INFO_SHEET, "row": row_no, "key": row["key"]}
            )
            continue
        meta[key] = row["value"]
    out: dict = {"format": "dxhub-framework/1"}
    for key in ("code", "name", "description"):
        out[key] = nfc(str(meta.get(key) or "")).strip()
    for key in ("year", "version"):
        if meta.get(key) not in (None, ""):
            out[key] = _integer(meta[key], INFO_SHEET, INFO_ROWS[key], problems)
    if meta.get("total_points") not in (None, ""):
        out["total_points"] = _number(meta["total_points"], INFO_SHEET, INFO_ROWS["total_points"], problems)
    subtree = fold(meta.get("subtree_index") or "")
    out["subtree_index"] = next(
        (code for code, label in SUBTREE_LABELS.items() if subtree in (code, fold(label))), subtree or "mean"
    )
    uncertainty = {}
    for key, convert in (("spread", _number), ("draws", _integer), ("seed", _integer)):
        if meta.get(key) not in (None, ""):
            uncertainty[key] = convert(meta[key], INFO_SHEET, INFO_ROWS[key], problems)
    if uncertainty:
        out["uncertainty"] = uncertainty

    bands = read_table(io.BytesIO(data), BAND_COLUMNS, ["name", "min"], 50, BANDS_SHEET)
    out["bands"] = [
        {
            "code": nfc(str(row.get("code") or "")).strip() or _slug(row["name"]),
            "name": nfc(str(row["name"] or "")).strip(),
            "min": _number(row["min"], BANDS_SHEET, f"{BAND_COLUMNS['min']} (dòng {row_no})", problems),
        }
        for row_no, row in bands.rows
    ]

    nodes = read_table(io.BytesIO(data), NODE_COLUMNS, ["code", "name", "max_points"], 5000, NODES_SHEET)
    methods = {fold(label): code for code, label in Criterion.Method.choices}
    methods.update({code: code for code in Criterion.Method.values})
    out["nodes"] = []
    for row_no, row in nodes.rows:
        where = f"{NODES_SHEET}, dòng {row_no}"
        node = {
            "code": _text(row.get("code")),
            "parent": _text(row.get("parent")) or None,
            "name": _text(row.get("name")),
            "max_points": _number(row.get("max_points"), where, NODE_COLUMNS["max_points"], problems),
        }
        method_cell = _text(row.get("method"))
        if method_cell:
            node["method"] = methods.get(fold(method_cell), method_cell)
            params = {}
            for key in ("target", "low", "high"):
                if row.get(key) not in (None, ""):
                    params[key] = _number(row[key], where, NODE_COLUMNS[key], problems)
            if row.get("steps") not in (None, ""):
                params["steps"] = _steps(row["steps"], where, problems)
            if row.get("levels") not in (None, ""):
                params["levels"] = [
                    _number(p, where, NODE_COLUMNS["levels"], problems) for p in _split(row["levels"], ";")
                ]
            node["params"] = params
            node["indicator"] = _text(row.get("indicator")) or None
            node["kinds"] = _split(row.get("kinds"), ",;")
            node["peer_groups"] = _split(row.get("peer_groups"), ",;")
            node["evidence_required"] = fold(str(row.get("evidence_required") or "")) in YES
            node["guidance"] = _text(row.get("guidance"))
        out["nodes"].append(node)
    if problems:
        raise DomainError(_("Bảng tính bộ tiêu chí có lỗi; chưa nhập gì."), problems=problems)
    return out


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value)).strip() if value is not None else ""
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):  # safe_cell's guard on export
        text = text[1:]
    return text


def _split(value, separators: str) -> list[str]:
    if value in (None, ""):
        return []
    return [part.strip() for part in re.split(f"[{re.escape(separators)}]", str(value)) if part.strip()]


def _number(value, where: str, column: str, problems: list[str]):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value or "").strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        problems.append(
            _("%(where)s, cột “%(column)s”: “%(value)s” không phải số.")
            % {"where": where, "column": column, "value": value if value is not None else ""}
        )
        return None
    return int(number) if number.is_integer() else number


def _integer(value, where: str, column: str, problems: list[str]):
    number = _number(value, where, column, problems)
    if number is not None and not float(number).is_integer():
        problems.append(_("%(where)s, cột “%(column)s”: cần số nguyên.") % {"where": where, "column": column})
        return None
    return None if number is None else int(number)


def _steps(value, where: str, problems: list[str]) -> list:
    steps = []
    for part in _split(value, ";"):
        threshold, sep, points = part.partition(":")
        if not sep:
            problems.append(
                _("%(where)s, cột “%(column)s”: mỗi bậc viết “ngưỡng: điểm”, cách nhau bằng dấu chấm phẩy.")
                % {"where": where, "column": NODE_COLUMNS["steps"]}
            )
            return []
        steps.append(
            [
                _number(threshold, where, NODE_COLUMNS["steps"], problems),
                _number(points, where, NODE_COLUMNS["steps"], problems),
            ]
        )
    return steps


def _slug(text) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_") or "band"


# --- validating and saving ---------------------------------------------------------------


def validate(data: dict) -> engine.Framework:
    """The parsed framework, or DomainError listing every problem: the engine's
    (structure, points, methods) and the catalogue's (indicators, kinds, groups)."""
    try:
        spec = engine.parse_framework(data)
    except engine.FrameworkError as exc:
        raise DomainError(
            _("Bộ tiêu chí không hợp lệ; chưa nhập gì."), problems=[str(p) for p in exc.problems]
        ) from None
    problems = []
    codes = {leaf.indicator for leaf in spec.leaves if leaf.indicator}
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    kinds = set(UnitKind.values)
    groups = set(PeerGroup.objects.values_list("code", flat=True))
    for leaf in spec.leaves:
        if leaf.indicator and leaf.indicator not in known:
            problems.append(
                _("Tiêu chí %(code)s: chỉ tiêu báo cáo “%(indicator)s” không có trong danh mục.")
                % {"code": leaf.code, "indicator": leaf.indicator}
            )
        if unknown := [k for k in leaf.kinds if k not in kinds]:
            problems.append(
                _("Tiêu chí %(code)s: loại hình đơn vị không có: %(kinds)s.")
                % {"code": leaf.code, "kinds": ", ".join(unknown)}
            )
        if unknown := [g for g in leaf.peer_groups if g not in groups]:
            problems.append(
                _("Tiêu chí %(code)s: nhóm đơn vị không có: %(groups)s.")
                % {"code": leaf.code, "groups": ", ".join(unknown)}
            )
    if not spec.version:
        problems.append(_("Bộ tiêu chí phải có số phiên bản."))
    if problems:
        raise DomainError(_("Bộ tiêu chí không hợp lệ; chưa nhập gì."), problems=problems)
    return spec


def import_framework(user, data: dict) -> Framework:
    """Create a framework version from its file content. The same content imported
    twice returns the existing version; other content under a taken version is refused."""
    _require_manage(user)
    spec = validate(data)
    existing = Framework.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if existing.hash == spec.hash:
            return existing
        raise DomainError(
            _("Bộ tiêu chí %(code)s phiên bản %(version)s đã có với nội dung khác; hãy tăng số phiên bản.")
            % {"code": spec.code, "version": spec.version}
        )
    indicators = dict(
        Indicator.objects.filter(code__in={n.indicator for n in spec.leaves if n.indicator}).values_list("code", "pk")
    )
    try:
        with transaction.atomic():
            framework = Framework.objects.create(
                code=spec.code,
                version=spec.version,
                name=spec.name,
                year=spec.year,
                description=spec.description,
                total_points=_dec(spec.total_points),
                definition=spec.to_dict(),
                hash=spec.hash,
                created_by=user if getattr(user, "pk", None) else None,
            )
            rows: dict[str, Criterion] = {}
            for position, node in enumerate(spec.nodes):
                rows[node.code] = Criterion.objects.create(
                    framework=framework,
                    code=node.code,
                    parent=rows[node.parent] if node.parent else None,
                    name=node.name,
                    position=position,
                    depth=node.depth,
                    is_leaf=node.is_leaf,
                    max_points=_dec(node.max_points),
                    method=node.method or "",
                    indicator_id=indicators.get(node.indicator) if node.indicator else None,
                    params=node.params,
                    kinds=list(node.kinds),
                    peer_groups=list(node.peer_groups),
                    evidence_required=node.evidence_required,
                    guidance=node.guidance,
                )
            audit.record(
                "import",
                framework,
                after={"code": spec.code, "version": spec.version, "hash": spec.hash, "nodes": len(spec.nodes)},
            )
    except IntegrityError:
        raise DomainError(
            _("Bộ tiêu chí %(code)s phiên bản %(version)s vừa được nhập bởi người khác.")
            % {"code": spec.code, "version": spec.version}
        ) from None
    return framework


def _dec(x: float) -> Decimal:
    return Decimal(str(round(float(x), 2)))


# --- writing files -----------------------------------------------------------------------


def to_json(framework: Framework) -> bytes:
    return json.dumps(framework.definition, ensure_ascii=False, indent=2).encode("utf-8")


def to_excel(framework: Framework) -> bytes:
    data = framework.definition
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    uncertainty = data.get("uncertainty") or {}
    values = {
        **{k: data.get(k) for k in ("code", "name", "year", "version", "description", "total_points")},
        "subtree_index": SUBTREE_LABELS.get(data.get("subtree_index"), data.get("subtree_index")),
        **{k: uncertainty.get(k) for k in ("spread", "draws", "seed")},
    }
    _sheet(info, [INFO_SHEET, "Giá trị"], [[label, values.get(key)] for key, label in INFO_ROWS.items()], [34, 80])
    bands = wb.create_sheet(BANDS_SHEET)
    _sheet(bands, list(BAND_COLUMNS.values()), [[b["code"], b["name"], b["min"]] for b in data["bands"]], [16, 24, 12])
    nodes = wb.create_sheet(NODES_SHEET)
    labels = {code: str(label) for code, label in Criterion.Method.choices}
    rows = []
    for n in data["nodes"]:
        p = n.get("params") or {}
        rows.append(
            [
                n["code"],
                n.get("parent") or "",
                n["name"],
                n["max_points"],
                labels.get(n.get("method"), n.get("method") or ""),
                n.get("indicator") or "",
                p.get("target"),
                p.get("low"),
                p.get("high"),
                "; ".join(f"{_vn(t)}: {_vn(pts)}" for t, pts in p.get("steps", [])),
                "; ".join(_vn(x) for x in p.get("levels", [])),
                ", ".join(n.get("kinds") or []),
                ", ".join(n.get("peer_groups") or []),
                "x" if n.get("evidence_required") else "",
                n.get("guidance") or "",
            ]
        )
    _sheet(nodes, list(NODE_COLUMNS.values()), rows, [8, 10, 60, 10, 22, 24, 9, 9, 9, 22, 18, 20, 20, 10, 60])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _vn(x) -> str:
    return engine.vn_number(x)


def _sheet(ws, headers, rows, widths):
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="206BC4")
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
