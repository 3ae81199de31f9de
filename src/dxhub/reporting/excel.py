"""The Excel round trip of a report form: a pre-filled template for one unit or a
unit and its subordinates (one row per unit), and its upload, all or nothing.

Layout of the sheet "Số liệu": row 1 indicator names, row 2 indicator codes (what
the upload reads), row 3 the unit of measure and the valid range; from row 4 one row
per unit: code, name, state, then one column per indicator. Headers and cells a unit
does not report are locked; boolean columns have a Có/Không drop-down. A hidden
sheet "_dxhub" records the form, period and unit the template was made for, so a
template for another unit or period is recognised and refused.
"""

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import path_q, scope_paths
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import nfc, number
from dxhub.core.xlsx import safe_cell, structure_problems, upload_bytes
from dxhub.org.models import Unit

from . import progress, sources, submissions, validation
from .models import Indicator, ReportForm, Submission, Value
from .periods import Period

SHEET = "Số liệu"
META = "_dxhub"
FIRST_ROW = 4
FIXED = 3  # unit code, unit name, state
MAX_ROWS = 25_000
HEAD = PatternFill("solid", fgColor="206BC4")
GREY = PatternFill("solid", fgColor="E5E7EB")
S = Submission.Status


@dataclass
class Scope:
    """What a template covers: the units (in tree order) and the form's indicators."""

    root: Unit
    form: ReportForm
    period: Period
    units: list[Unit]
    indicators: list[Indicator]  # entered (not computed) indicators any of the units reports


def scope(user, root: Unit, form: ReportForm, period_code: str, subtree: bool) -> Scope:
    if not submissions.can_enter(user, root):
        raise NotInScope()
    period = submissions.parse_period(form, period_code)
    version = submissions.version_for(form, period)
    if subtree:
        units = list(
            progress.expected_units(root, form, period)
            .filter(path_q(scope_paths(user, Action.ENTER_DATA), "path"), is_active=True)
            .order_by("path")
        )
    else:
        units = [root] if form.applies_to_kind(root.kind) else []
    if not units:
        raise DomainError(
            _("Không có đơn vị nào thuộc diện báo cáo biểu mẫu “%(form)s” trong %(unit)s.")
            % {"form": form.code, "unit": root}
        )
    kinds = {u.kind for u in units}
    indicators = [
        i.indicator
        for i in version.items.select_related("indicator").order_by("position")
        if not i.indicator.is_computed
        and not sources.in_force(i.indicator, period)
        and (not i.indicator.applies_to or kinds & set(i.indicator.applies_to))
    ]
    return Scope(root, form, period, units, indicators)


def _hint(ind: Indicator) -> str:
    if ind.value_type == Indicator.ValueType.BOOLEAN:
        return _("Có/Không")
    if ind.value_type == Indicator.ValueType.TEXT:
        return _("văn bản")
    low = validation.show(ind.min_value) if ind.min_value is not None else ""
    high = validation.show(ind.max_value) if ind.max_value is not None else ""
    kind = _("số nguyên") if ind.value_type == Indicator.ValueType.INTEGER else _("số")
    span = f" {low}–{high}" if low and high else (f" ≥ {low}" if low else "")
    return f"{ind.unit or kind}{span}".strip()


def template(s: Scope) -> bytes:
    """The workbook to fill in, pre-filled with what is stored."""
    subs = {
        x.unit_id: x
        for x in Submission.objects.filter(form=s.form, period=s.period.code, unit__in=s.units).only(
            "pk", "unit_id", "status", "revision"
        )
    }
    stored = {}
    for unit_id, code, num, text in Value.objects.filter(submission__in=list(subs.values())).values_list(
        "submission__unit_id", "indicator__code", "num", "text"
    ):
        stored[(unit_id, code)] = (num, text)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    head = [_("Mã đơn vị"), _("Tên đơn vị"), _("Trạng thái phiếu")] + [i.name for i in s.indicators]
    codes = ["UNIT", "NAME", "STATE"] + [i.code for i in s.indicators]
    hints = ["", f"{s.form.code} · {s.period.label}", ""] + [_hint(i) for i in s.indicators]
    for row in (head, codes, hints):
        ws.append(row)
    for col in range(1, len(head) + 1):
        for r in (1, 2, 3):
            cell = ws.cell(r, col)
            cell.font = Font(bold=r < 3, color="FFFFFF" if r == 1 else "1F2937", italic=r == 3)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.fill = HEAD
        ws.column_dimensions[get_column_letter(col)].width = 14 if col == 1 else (40 if col == 2 else 18)
    ws.row_dimensions[1].height = 60
    labels = dict(S.choices)
    for n, unit in enumerate(s.units):
        r = FIRST_ROW + n
        sub = subs.get(unit.pk)
        locked_row = sub is not None and not sub.is_editable
        ws.cell(r, 1, unit.code)
        ws.cell(r, 2, safe_cell(unit.name))
        ws.cell(r, 3, str(labels[sub.status]) if sub else _("Chưa báo cáo"))
        for c, ind in enumerate(s.indicators, start=FIXED + 1):
            cell = ws.cell(r, c)
            if ind.applies_to and unit.kind not in ind.applies_to:
                cell.fill = GREY
                continue
            num, text = stored.get((unit.pk, ind.code), (None, ""))
            if ind.value_type == Indicator.ValueType.TEXT:
                cell.value = safe_cell(text) or None
            elif ind.value_type == Indicator.ValueType.BOOLEAN:
                cell.value = None if num is None else (_("Có") if num else _("Không"))
            elif num is not None:
                cell.value = int(num) if num == num.to_integral_value() else float(num)
            if locked_row:
                cell.fill = GREY
            else:
                cell.protection = Protection(locked=False)
    last = FIRST_ROW + len(s.units) - 1
    for c, ind in enumerate(s.indicators, start=FIXED + 1):
        letter = get_column_letter(c)
        area = f"{letter}{FIRST_ROW}:{letter}{last}"
        if ind.value_type == Indicator.ValueType.BOOLEAN:
            dv = DataValidation(type="list", formula1=f'"{_("Có")},{_("Không")}"', allow_blank=True)
        elif ind.value_type in (
            Indicator.ValueType.INTEGER,
            Indicator.ValueType.DECIMAL,
            Indicator.ValueType.PERCENTAGE,
        ):
            kind = "whole" if ind.value_type == Indicator.ValueType.INTEGER else "decimal"
            low = float(ind.min_value) if ind.min_value is not None else -1e15
            high = float(ind.max_value) if ind.max_value is not None else 1e15
            dv = DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True)
        else:
            continue
        dv.error = _("Giá trị không hợp lệ: %(hint)s.") % {"hint": _hint(ind)}
        dv.errorTitle = ind.code
        dv.showErrorMessage = True
        dv.add(area)
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(FIRST_ROW, FIXED + 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.autoFilter = False
    ws["A1"].comment = Comment(_("Chỉ nhập vào các ô trắng. Không thêm cột, không gộp hoặc ẩn dòng."), "dxhub")
    meta = wb.create_sheet(META)
    for key, value in [
        ("form", s.form.code),
        ("period", s.period.code),
        ("unit", s.root.code),
        ("created", timezone.localtime().isoformat(timespec="seconds")),
    ]:
        meta.append([key, value])
    # the revision of each unit's submission the values were read from, so an upload
    # cannot overwrite a save made after the download without saying so
    by_pk = {u.pk: u.code for u in s.units}
    for unit_id, sub in subs.items():
        meta.append(["revision", by_pk[unit_id], sub.revision])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(user, f, s: Scope) -> submissions.BulkSaved:
    """Read a filled template and store its values as drafts, all or nothing.

    Refused with the sheet, row and column named: not a dxhub template, a template for
    another form/unit/period, formulas, merged or hidden rows, macros, a unit outside
    the template or the user's scope, a unit listed twice, a value of the wrong type or
    out of range, a value for an indicator the unit does not report, a row whose
    submission has been sent or approved.
    """
    data = upload_bytes(f)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise DomainError(_("Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx.")) from exc
    try:
        if SHEET not in wb.sheetnames or META not in wb.sheetnames:
            raise DomainError(
                _("Tệp không phải mẫu báo cáo của dxhub (thiếu trang tính “%(sheet)s”). Hãy tải mẫu từ hệ thống.")
                % {"sheet": SHEET}
            )
        meta, revisions = {}, {}
        for r in wb[META].iter_rows(values_only=True):
            if r and r[0] == "revision" and len(r) > 2 and isinstance(r[2], int):
                revisions[str(r[1])] = r[2]
            elif r and r[0]:
                meta[str(r[0])] = str(r[1])
        _check_meta(meta, s)
        problems = structure_problems(data, [SHEET])
        if problems:
            raise DomainError(_("Tệp có nội dung không được chấp nhận; chưa nhập gì."), problems)
        rows = _read_rows(wb[SHEET], s)
    except DomainError:
        raise
    except Exception as exc:  # broken XML inside the zip
        raise DomainError(_("Không đọc được bảng tính: nội dung tệp bị hỏng.")) from exc
    finally:
        wb.close()
    return submissions.save_many(user, s.form, s.period, rows, revisions, sheet=SHEET)


def _check_meta(meta: dict, s: Scope):
    made_for = (meta.get("form"), meta.get("period"), meta.get("unit"))
    if made_for != (s.form.code, s.period.code, s.root.code):
        try:
            label = Period.parse(made_for[1]).label
        except Exception:
            label = made_for[1] or "?"
        raise DomainError(
            _(
                "Mẫu này được tải cho biểu mẫu %(form)s, kỳ %(period)s, đơn vị %(unit)s; "
                "không dùng được cho biểu mẫu %(want_form)s, kỳ %(want_period)s, đơn vị %(want_unit)s."
            )
            % {
                "form": made_for[0] or "?",
                "period": label,
                "unit": made_for[2] or "?",
                "want_form": s.form.code,
                "want_period": s.period.label,
                "want_unit": s.root.code,
            }
        )


def _read_rows(ws, s: Scope) -> list[tuple[Unit, dict, int]]:
    """(unit, {code: (num, text)}, row number) for each filled row; a blank cell of a
    unit's indicator clears the stored value."""
    ws.reset_dimensions()  # read every row, whatever the sheet's <dimension> claims
    it = ws.iter_rows()
    next(it, None)
    codes_row = [c.value for c in next(it, None) or ()]
    next(it, None)
    by_code = {i.code: i for i in s.indicators}
    columns, seen_codes = {}, {}
    for idx, code in enumerate(codes_row):
        code = nfc(code).upper() if isinstance(code, str) else ""
        if idx < FIXED or not code:
            continue
        col = get_column_letter(idx + 1)
        if code not in by_code:
            raise DomainError(
                _("Trang tính “%(sheet)s”, cột %(col)s: mã chỉ tiêu “%(code)s” không có trong biểu mẫu.")
                % {"sheet": SHEET, "col": col, "code": code}
            )
        if code in seen_codes:
            raise DomainError(
                _("Trang tính “%(sheet)s”: chỉ tiêu %(code)s có ở hai cột %(a)s và %(b)s.")
                % {"sheet": SHEET, "code": code, "a": seen_codes[code], "b": col}
            )
        seen_codes[code] = col
        columns[idx] = by_code[code]
    if not columns:
        raise DomainError(
            _("Trang tính “%(sheet)s” không có cột chỉ tiêu nào (dòng 2 ghi mã chỉ tiêu).") % {"sheet": SHEET}
        )
    units = {u.code: u for u in s.units}
    errors: list[str] = []
    seen: dict[str, int] = {}
    rows = []
    for row_no, cells in enumerate(it, start=FIRST_ROW):
        values = [c.value for c in cells]
        if all(validation.is_blank(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise DomainError(_("Tệp có hơn %(n)s dòng; hãy chia nhỏ.") % {"n": number(MAX_ROWS)})
        where = _("Trang tính “%(sheet)s”, dòng %(row)s") % {"sheet": SHEET, "row": row_no}
        code = nfc(values[0]).upper() if values and values[0] is not None else ""
        unit = units.get(code)
        if unit is None:
            errors.append(
                _("%(where)s: đơn vị “%(code)s” không thuộc mẫu này hoặc ngoài phạm vi nhập liệu của bạn.")
                % {"where": where, "code": code or "—"}
            )
            continue
        if code in seen:
            errors.append(
                _("%(where)s: đơn vị %(code)s đã có ở dòng %(first)s.")
                % {"where": where, "code": code, "first": seen[code]}
            )
            continue
        seen[code] = row_no
        raw = {}
        for idx, ind in columns.items():
            value = values[idx] if idx < len(values) else None
            reports = not ind.applies_to or unit.kind in ind.applies_to
            col = get_column_letter(idx + 1)
            if validation.is_blank(value):
                if reports:
                    raw[ind.code] = (None, "")
                continue
            if not reports:
                errors.append(
                    _("%(where)s, cột %(col)s (%(code)s): đơn vị này không báo cáo chỉ tiêu này.")
                    % {"where": where, "col": col, "code": ind.code}
                )
                continue
            if (
                ind.value_type == Indicator.ValueType.PERCENTAGE
                and isinstance(value, (int, float))
                and "%" in (cells[idx].number_format or "")
            ):
                value = value * 100  # a cell formatted as 99,5 % holds 0.995
            try:
                raw[ind.code] = validation.parse_value(ind, value)
            except validation.ValueProblem as exc:
                errors.append(
                    _("%(where)s, cột %(col)s (%(code)s): %(why)s.")
                    % {"where": where, "col": col, "code": ind.code, "why": exc.message}
                )
        rows.append((unit, raw, row_no))
        if len(errors) >= 200:
            break
    if errors:
        raise DomainError(
            _("Có %(n)s lỗi trong tệp; chưa nhập dòng nào. Hãy sửa rồi tải lên lại.") % {"n": len(errors)}, errors
        )
    if not rows:
        raise DomainError(_("Tệp không có số liệu nào để nhập."))
    return rows
