"""Unit spreadsheets: export a subtree, import new units and corrections (all or nothing).

A unit's place in the tree is given by its parent's code; parents may be earlier or
later in the same sheet, or already in dxhub inside the user's scope. Existing units
keep their parent (moving is a separate, audited operation): the sheet may only
correct their names and kind, and, with the parent's right, their peer group and
start date.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers
from dxhub.audit import services as audit
from dxhub.core import xlsx
from dxhub.core.errors import DomainError
from dxhub.core.text import fold, nfc

from . import bulk, services
from .choices import UnitKind
from .models import PeerGroup, Unit

COLUMNS = {
    "code": gettext_lazy("Mã đơn vị"),
    "parent_code": gettext_lazy("Mã đơn vị cấp trên"),
    "name": gettext_lazy("Tên đầy đủ"),
    "short_name": gettext_lazy("Tên viết tắt"),
    "kind": gettext_lazy("Loại hình"),
    "peer_group": gettext_lazy("Nhóm tương đồng"),
    "valid_from": gettext_lazy("Hiệu lực từ"),
}
REQUIRED = ("code", "parent_code", "name", "kind")
MAX_ROWS = 25_000
WIDTHS = (18, 18, 50, 18, 22, 30, 14)


@dataclass
class UnitImportResult:
    created: int
    updated: int
    unchanged: int


def _kind(raw) -> str | None:
    key = fold(raw)
    for code, label in UnitKind.choices:
        if key in (fold(code), fold(str(label))):
            return code
    return None


def _date(raw):
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(str(raw).strip(), fmt).date()
        except ValueError:
            continue
    return False  # present but unreadable


def import_units(user, upload) -> UnitImportResult:
    sheet = xlsx.read_table(upload, COLUMNS, REQUIRED, max_rows=MAX_ROWS)

    def where(row, key):
        return _("Trang “%(sheet)s”, dòng %(row)s, cột %(col)s (%(label)s)") % {
            "sheet": sheet.name,
            "row": row,
            "col": xlsx.column_letter(COLUMNS, key, sheet),
            "label": COLUMNS[key],
        }

    groups = {}
    for g in PeerGroup.objects.all():
        groups[fold(g.code)] = groups[fold(g.name)] = g
    rows: dict[str, tuple[int, dict]] = {}
    problems: list[str] = []
    for row, raw in sheet.rows:
        errors = {}
        code = nfc(raw.get("code")).upper()
        parent_code = nfc(raw.get("parent_code")).upper()
        data = {
            "code": code,
            "parent_code": parent_code,
            "name": nfc(raw.get("name")),
            "short_name": nfc(raw.get("short_name")),
            "kind": _kind(raw.get("kind")),
            "peer_group": groups.get(fold(raw.get("peer_group"))) if raw.get("peer_group") else None,
            "valid_from": _date(raw.get("valid_from")),
        }
        if (problem := services.code_problem(code)) is not None:
            errors["code"] = problem
        elif code in rows:
            errors["code"] = _("Mã đơn vị “%(code)s” trùng với dòng %(row)s.") % {"code": code, "row": rows[code][0]}
        if parent_code and parent_code == code:
            errors["parent_code"] = _("Đơn vị không thể là cấp trên của chính nó.")
        if not data["name"]:
            errors["name"] = _("Tên đơn vị không được để trống.")
        elif len(data["name"]) > 255 or len(data["short_name"]) > 80:
            errors["name"] = _("Tên quá dài (tên đầy đủ tối đa 255, tên viết tắt tối đa 80 ký tự).")
        if data["kind"] is None:
            errors["kind"] = _("Loại hình “%(kind)s” không có trong danh mục.") % {"kind": raw.get("kind") or ""}
        if raw.get("peer_group") and data["peer_group"] is None:
            errors["peer_group"] = _("Nhóm tương đồng “%(group)s” không có.") % {"group": raw.get("peer_group")}
        if data["valid_from"] is False:
            errors["valid_from"] = _("Ngày “%(value)s” không đọc được (dùng dd/mm/yyyy).") % {
                "value": raw.get("valid_from")
            }
        problems += [f"{where(row, key)}: {msg}" for key, msg in errors.items()]
        if code and code not in rows:
            rows[code] = (row, data)

    known = {
        u.code: u
        for u in Unit.objects.select_related("parent").filter(
            code__in=set(rows) | {d["parent_code"] for _r, d in rows.values()}
        )
    }

    def add(row, key, message):
        problems.append(f"{where(row, key)}: {message}")

    for code, (row, data) in rows.items():
        existing, parent_code = known.get(code), data["parent_code"]
        if existing is not None:
            current_parent = existing.parent.code if existing.parent else ""
            if not covers(user, Action.CHANGE_UNIT, existing):
                add(row, "code", _("Đơn vị “%(code)s” nằm ngoài phạm vi quản lý của bạn.") % {"code": code})
            elif current_parent != parent_code:
                add(
                    row,
                    "parent_code",
                    _("“%(code)s” đang trực thuộc “%(parent)s”; muốn đổi cấp trên hãy dùng chức năng Chuyển đơn vị.")
                    % {"code": code, "parent": current_parent},
                )
            continue
        # A new unit: follow its parents through the sheet up to one already in dxhub.
        chain, cursor = [code], parent_code
        while cursor in rows and cursor not in known:
            if cursor in chain:
                add(row, "parent_code", _("Vòng lặp cấp trên: %(chain)s.") % {"chain": " → ".join([*chain, cursor])})
                break
            chain.append(cursor)
            cursor = rows[cursor][1]["parent_code"]
        else:
            anchor = known.get(cursor)
            if not cursor:
                add(row, "parent_code", _("Chưa ghi mã đơn vị cấp trên."))
            elif anchor is None:
                add(
                    row,
                    "parent_code",
                    _("Mã đơn vị cấp trên “%(code)s” không có trong hệ thống và không có trong tệp.")
                    % {"code": cursor},
                )
            elif not covers(user, Action.CHANGE_UNIT, anchor):
                add(
                    row,
                    "parent_code",
                    _("Đơn vị cấp trên “%(code)s” nằm ngoài phạm vi quản lý của bạn.") % {"code": cursor},
                )
            elif not anchor.is_active:
                add(row, "parent_code", _("Đơn vị cấp trên “%(code)s” đã ngừng hoạt động.") % {"code": cursor})
    if problems:
        raise DomainError(
            _("Không nhập được tệp: %(n)s lỗi. Chưa có dữ liệu nào được ghi; hãy sửa các lỗi dưới đây rồi tải lên lại.")
            % {"n": len(problems)},
            sorted(set(problems), key=problems.index),
        )
    return _write(user, rows, known)


@transaction.atomic
def _write(user, rows, known) -> UnitImportResult:
    created_specs, changes, updated, unchanged = [], [], 0, 0
    for code, (_row, data) in rows.items():
        existing = known.get(code)
        if existing is None:
            created_specs.append(code)
            continue
        values = {k: data[k] for k in ("name", "short_name", "kind")}
        may_govern = existing.parent is not None and covers(user, Action.CHANGE_UNIT, existing.parent)
        if may_govern:
            values |= {"peer_group": data["peer_group"], "valid_from": data["valid_from"] or existing.valid_from}
        if all(getattr(existing, k) == v for k, v in values.items()):
            unchanged += 1
            continue
        services.update_unit(user, existing, **values)
        updated += 1
    # parents before children, whatever the order of the sheet
    ordered, placed = [], set(known)
    pending = list(created_specs)
    while pending:
        ready = [c for c in pending if rows[c][1]["parent_code"] in placed]
        ordered += ready
        placed |= set(ready)
        pending = [c for c in pending if c not in placed]
    # Hold the parents already in dxhub, so a concurrent move of one is seen before paths are handed out.
    anchors = {rows[c][1]["parent_code"] for c in ordered} & set(known)
    list(Unit.objects.select_for_update().filter(code__in=anchors).values("pk"))
    created = bulk.insert_units(
        {
            "code": c,
            "parent": rows[c][1]["parent_code"],
            "name": rows[c][1]["name"],
            "short_name": rows[c][1]["short_name"],
            "kind": rows[c][1]["kind"],
            "peer_group": rows[c][1]["peer_group"].code if rows[c][1]["peer_group"] else None,
            "valid_from": rows[c][1]["valid_from"] or None,
        }
        for c in ordered
    )
    changes += [audit.Change("import", u, None, audit.snapshot(u), u.pk) for u in created]
    audit.record_many(changes)
    return UnitImportResult(len(created), updated, unchanged)


def export_units(unit) -> bytes:
    kinds = dict(UnitKind.choices)
    qs = Unit.objects.subtree(unit).select_related("parent", "peer_group").order_by("path")
    rows = (
        [
            u.code,
            u.parent.code if u.parent else "",
            u.name,
            u.short_name,
            str(kinds.get(u.kind, u.kind)),
            u.peer_group.code if u.peer_group else "",
            u.valid_from.strftime("%d/%m/%Y") if u.valid_from else "",
        ]
        for u in qs.iterator(chunk_size=2000)
    )
    return xlsx.write_xlsx(_("Đơn vị"), [str(h) for h in COLUMNS.values()], rows, widths=WIDTHS)
