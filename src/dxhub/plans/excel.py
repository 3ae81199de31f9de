"""Excel in and out for plans: the task-list template and its import (all or nothing,
every problem named by row and column), and the exports leaders take to meetings.

The task sheet is "Nhiệm vụ", one task per row, with Vietnamese headers (the file
format does not follow the interface language). ``export_tasks`` writes the same
columns plus two read-only ones, so an exported task list re-imports into another
plan as a filled template would; the extra columns are ignored on import.

Dates are read from real Excel dates or from text dd/mm/yyyy, and written as real
dates shown dd/mm/yyyy; numbers are written as numbers.
"""

import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dxhub.audit import services as audit
from dxhub.core import xlsx
from dxhub.core.errors import DomainError
from dxhub.core.text import fold, nfc, nfc_text, number
from dxhub.org.models import Unit
from dxhub.reporting.periods import Period, PeriodError

from . import services
from .models import Assignment, Plan, Priority, Task, UnitTarget

SHEET = gettext_lazy("Nhiệm vụ")
COLUMNS = {
    "code": gettext_lazy("Mã nhiệm vụ"),
    "title": gettext_lazy("Tên nhiệm vụ"),
    "description": gettext_lazy("Nội dung"),
    "objective": gettext_lazy("Mục tiêu"),
    "lead": gettext_lazy("Đơn vị chủ trì"),
    "cooperating": gettext_lazy("Đơn vị phối hợp"),
    "start": gettext_lazy("Ngày bắt đầu"),
    "due": gettext_lazy("Hạn hoàn thành"),
    "priority": gettext_lazy("Mức ưu tiên"),
    "expected_output": gettext_lazy("Sản phẩm"),
    "assign_to": gettext_lazy("Giao cho"),
}
REQUIRED = ("code", "title", "lead", "start", "due")
EXTRA = (gettext_lazy("Tiến độ (%)"), gettext_lazy("Số đơn vị được giao"))  # export only
WIDTHS = (14, 45, 50, 11, 16, 24, 14, 15, 13, 32, 24, 12, 14)
MAX_ROWS = 2000
# ``check_task`` reports by field; the import names the column.
FIELD_COLUMN = {
    "code": "code",
    "title": "title",
    "lead": "lead",
    "cooperating": "cooperating",
    "objective": "objective",
    "priority": "priority",
    "start": "start",
    "due": "due",
    "expected_output": "expected_output",
}
LIMITS = {"code": 20, "title": 300, "expected_output": 300}  # the model's max_length

_SEPARATORS = re.compile(r"[;,\s]+")  # unit codes hold no comma and no space


def _vi(text) -> str:
    """The file format is Vietnamese whatever the interface language."""
    with translation.override("vi"):
        return str(text)


def _labels() -> dict[str, str]:
    return {key: _vi(label) for key, label in COLUMNS.items()}


def _priorities() -> list[tuple[int, str]]:
    return [(value, _vi(label)) for value, label in Priority.choices]


# --- the template ----------------------------------------------------------------------


def template(plan: Plan) -> bytes:
    """An empty task sheet for ``plan``: headers, widths, drop-downs for the priority
    and (when they fit a drop-down) the plan's objective codes, date columns shown
    dd/mm/yyyy; a second sheet explains the columns and lists the objectives."""
    labels = _labels()
    keys = list(labels)
    choices = {keys.index("priority"): [label for _v, label in _priorities()]}
    codes = list(plan.objectives.values_list("code", flat=True))
    # An Excel list validation is a quoted, comma-separated string of at most 255 characters.
    if codes and all(c and "," not in c and '"' not in c for c in codes) and len(",".join(codes)) <= 250:
        choices[keys.index("objective")] = codes
    data = xlsx.write_template(_vi(SHEET), list(labels.values()), choices, widths=WIDTHS, rows=MAX_ROWS)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for key in ("start", "due"):
        ws.column_dimensions[get_column_letter(keys.index(key) + 1)].number_format = xlsx.DATE_FORMAT
    ws.column_dimensions[get_column_letter(keys.index("code") + 1)].number_format = "@"  # "01" stays "01"
    _guide(wb.create_sheet(_vi(gettext_lazy("Hướng dẫn"))), plan, labels)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _guide(ws, plan: Plan, labels: dict[str, str]) -> None:
    with translation.override("vi"):
        required = _("bắt buộc")
        notes = {
            "code": _("Mã duy nhất trong kế hoạch, tối đa 20 ký tự."),
            "title": _("Tối đa 300 ký tự."),
            "description": _("Nội dung, yêu cầu của nhiệm vụ."),
            "objective": _("Mã mục tiêu của kế hoạch (xem danh sách dưới đây); có thể để trống."),
            "lead": _("Mã một đơn vị thuộc %(owner)s.") % {"owner": plan.owner},
            "cooperating": _("Các mã đơn vị, cách nhau bằng dấu “;”."),
            "start": _("Ngày dạng dd/mm/yyyy, trong thời gian kế hoạch."),
            "due": _("Ngày dạng dd/mm/yyyy, không trước ngày bắt đầu, trong thời gian kế hoạch."),
            "priority": _("Cao, Trung bình hoặc Thấp; để trống là Trung bình."),
            "expected_output": _("Sản phẩm phải nộp khi hoàn thành, tối đa 300 ký tự."),
            "assign_to": _(
                "Các mã đơn vị (cách nhau bằng dấu “;”) được giao nhiệm vụ ngay khi nhập, hạn giao là hạn hoàn thành."
            ),
        }
        lines = [
            [_("Mẫu nhập nhiệm vụ của kế hoạch %(plan)s") % {"plan": plan}],
            [
                _(
                    "Thời gian kế hoạch: %(start)s – %(end)s. "
                    "Mỗi dòng của trang “%(sheet)s” là một nhiệm vụ; tối đa %(n)s dòng."
                )
                % {
                    "start": plan.start.strftime("%d/%m/%Y"),
                    "end": plan.end.strftime("%d/%m/%Y"),
                    "sheet": _vi(SHEET),
                    "n": number(MAX_ROWS),
                }
            ],
            [_("Tệp được nhập toàn bộ hoặc không nhập gì: nếu có lỗi, hệ thống chỉ rõ dòng, cột cần sửa.")],
            [],
            [_("Cột"), _("Ghi chú")],
        ]
        lines += [[label + (f" ({required})" if key in REQUIRED else ""), notes[key]] for key, label in labels.items()]
        objectives = list(plan.objectives.all())
        if objectives:
            lines += [[], [_("Mã mục tiêu"), _("Mục tiêu")]]
            lines += [[o.code, o.title] for o in objectives]
    for line in lines:
        ws.append([xlsx.safe_cell(v) for v in line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    for row in ws.iter_rows(min_row=5):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
        if row[0].value in (_vi(gettext_lazy("Cột")), _vi(gettext_lazy("Mã mục tiêu"))):
            for cell in row:
                cell.font = Font(bold=True)


# --- the import ------------------------------------------------------------------------


@dataclass
class _Row:
    row: int
    data: services.TaskData
    assign_to: list[Unit]


def _headline(n: int) -> str:
    return _(
        "Tệp không nhập được: %(n)s lỗi. Chưa có nhiệm vụ nào được ghi; hãy sửa các lỗi dưới đây rồi tải lên lại."
    ) % {"n": number(n)}


def import_tasks(user, plan: Plan, upload) -> list[Task]:
    """Create the tasks of the sheet "Nhiệm vụ" in ``plan``, handing each down to the
    units of its "Giao cho" cell; all or nothing. Every problem of every row is
    reported at once, by row and column, in one DomainError."""
    if not services.can_manage(user, plan.owner):
        raise DomainError(_("Bạn không có quyền giao nhiệm vụ của kế hoạch này."), status=403)
    data = xlsx.upload_bytes(upload)
    labels = _labels()
    sheet = xlsx.read_table(io.BytesIO(data), labels, REQUIRED, max_rows=MAX_ROWS, sheet=_vi(SHEET))
    structure = xlsx.structure_problems(data, [sheet.name])
    if structure:
        raise DomainError(_headline(len(structure)), structure)
    rows = _check_rows(plan, sheet, labels)
    try:
        with transaction.atomic():
            return _write(user, plan, rows, labels, getattr(upload, "name", ""))
    except IntegrityError:
        raise DomainError(
            _("Kế hoạch vừa được người khác thêm nhiệm vụ trùng mã; chưa có nhiệm vụ nào được ghi, hãy tải lên lại.")
        ) from None


def _where(labels: dict[str, str], row: int, key: str) -> str:
    return _("Dòng %(row)s, cột “%(column)s”") % {"row": row, "column": labels[key]}


def _codes(value) -> list[str]:
    return [c for c in _SEPARATORS.split(nfc(xlsx.cell_text(value)).upper()) if c]


def _check_rows(plan: Plan, sheet: xlsx.Sheet, labels: dict[str, str]) -> list[_Row]:
    keys = list(COLUMNS)
    raw_rows = []
    wanted = set()
    for row, raw in sheet.rows:
        if all(not xlsx.cell_text(raw.get(k)).strip() for k in keys):
            continue  # only columns the import does not read (an export's progress …)
        raw_rows.append((row, raw))
        for key in ("lead", "cooperating", "assign_to"):
            wanted.update(_codes(raw.get(key)))
    if not raw_rows:
        raise DomainError(_("Trang tính “%(sheet)s” không có nhiệm vụ nào.") % {"sheet": sheet.name})
    units = {u.code: u for u in Unit.objects.filter(code__in=wanted)}
    objectives = {fold(o.code): o for o in plan.objectives.all()}
    priorities = {fold(label): value for value, label in _priorities()}
    existing = {fold(c): c for c in plan.tasks.values_list("code", flat=True)}
    owner = plan.owner
    seen: dict[str, int] = {}
    problems: list[str] = []
    parsed: list[_Row] = []

    for row, raw in raw_rows:
        errors: list[tuple[str, str]] = []

        def fail(key, message, errors=errors):
            errors.append((key, message))

        def flagged(key, errors=errors):
            return any(k == key for k, _m in errors)

        values = {key: xlsx.cell_text(raw.get(key)) for key in keys}
        code, title = nfc(values["code"]), nfc(values["title"])
        output = nfc(values["expected_output"])
        for key in REQUIRED:
            if not values[key].strip():
                fail(key, _("không được để trống."))
        for key, text in (("code", code), ("title", title), ("expected_output", output)):
            if len(text) > LIMITS[key]:
                fail(key, _("dài %(n)s ký tự, tối đa %(max)s.") % {"n": len(text), "max": LIMITS[key]})
        if code and not flagged("code"):
            if fold(code) in seen:
                fail(
                    "code",
                    _("mã nhiệm vụ “%(code)s” trùng với dòng %(row)s.") % {"code": code, "row": seen[fold(code)]},
                )
            elif fold(code) in existing:
                fail(
                    "code",
                    _("mã nhiệm vụ “%(code)s” đã có trong kế hoạch (“%(old)s”).")
                    % {"code": code, "old": existing[fold(code)]},
                )
            seen.setdefault(fold(code), row)

        # units
        def resolve(key, codes, fail=fail):
            unknown = [c for c in codes if c not in units]
            if unknown:
                fail(key, _("không có đơn vị mang mã %(codes)s.") % {"codes": ", ".join(f"“{c}”" for c in unknown)})
            found = [units[c] for c in codes if c in units]
            closed = [u.code for u in found if not u.is_active]
            if closed:
                fail(key, _("đơn vị %(codes)s đã giải thể hoặc sáp nhập.") % {"codes": ", ".join(closed)})
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                fail(key, _("mã đơn vị %(codes)s được ghi hai lần.") % {"codes": ", ".join(twice)})
            return list({u.pk: u for u in found}.values())

        lead_codes = _codes(raw.get("lead"))
        lead = None
        if len(lead_codes) > 1:
            fail("lead", _("chỉ ghi một mã đơn vị chủ trì (đang có %(codes)s).") % {"codes": ", ".join(lead_codes)})
        elif lead_codes:
            found = resolve("lead", lead_codes)
            lead = found[0] if found else None
        coop_codes = _codes(raw.get("cooperating"))
        cooperating = resolve("cooperating", coop_codes)
        if lead is not None and lead.code in coop_codes:
            fail("cooperating", _("đơn vị chủ trì %(code)s không ghi lại ở đơn vị phối hợp.") % {"code": lead.code})
        assign_to = resolve("assign_to", _codes(raw.get("assign_to")))
        outside = [u.code for u in assign_to if not u.path.startswith(owner.path)]
        if outside:
            fail(
                "assign_to",
                _("đơn vị %(codes)s không thuộc %(owner)s, không giao nhiệm vụ của kế hoạch này được.")
                % {"codes": ", ".join(outside), "owner": owner},
            )

        # dates
        dates = {}
        for key in ("start", "due"):
            if values[key].strip():
                day, why = xlsx.cell_date(raw.get(key))
                if why:
                    fail(key, why)
                dates[key] = day
        start, due = dates.get("start"), dates.get("due")

        # objective, priority
        objective = None
        if values["objective"].strip():
            objective = objectives.get(fold(values["objective"]))
            if objective is None:
                known = ", ".join(o.code for o in objectives.values()) or _("kế hoạch chưa có mục tiêu nào")
                fail(
                    "objective",
                    _("mục tiêu “%(code)s” không có trong kế hoạch (có: %(known)s).")
                    % {"code": nfc(values["objective"]), "known": known},
                )
        priority = Priority.NORMAL
        if values["priority"].strip():
            priority = priorities.get(fold(values["priority"]))
            if priority is None:
                fail(
                    "priority",
                    _("mức ưu tiên “%(value)s” không hợp lệ; chọn %(choices)s.")
                    % {"value": nfc(values["priority"]), "choices": ", ".join(label for _v, label in _priorities())},
                )
                priority = Priority.NORMAL

        # The service's own rules (period, subtree, existing code); a cell already
        # found wrong is stood in for by a harmless value so it is not reported twice.
        s, d = start, due
        if s is None and d is None:
            s = d = plan.start
        elif s is None:
            s = min(d, plan.end)
        elif d is None:
            d = max(s, plan.start)
        data = services.TaskData(
            code=code,
            title=title,
            lead=lead or owner,
            start=s,
            due=d,
            description=nfc_text(values["description"]),
            objective=objective,
            cooperating=cooperating,
            priority=priority,
            expected_output=output,
        )
        for field, message in services.check_task(plan, data).items():
            key = FIELD_COLUMN.get(field, "code")
            if not flagged(key):
                fail(key, message)
        for key, message in errors:
            problems.append(f"{_where(labels, row, key)}: {message}")
        if not errors:
            parsed.append(_Row(row, data, assign_to))
    if problems:
        raise DomainError(_headline(len(problems)), problems)
    return parsed


def _write(user, plan: Plan, rows: list[_Row], labels: dict[str, str], filename: str) -> list[Task]:
    base = plan.tasks.aggregate(last=Max("position"))["last"] or 0
    made, assigned = [], 0
    for i, r in enumerate(rows, start=1):
        task = services._write_task(user, plan, r.data, None, position=base + i)
        made.append(task)
        if r.assign_to:
            try:
                assigned += len(services.hand_down(user, task, r.assign_to))
            except DomainError as exc:
                where = _where(labels, r.row, "assign_to")
                raise DomainError(
                    _headline(1 + len(exc.problem_list)),
                    [f"{where}: {exc.message}", *(f"{where}: {p}" for p in exc.problem_list)],
                ) from None
    audit.record(
        "import",
        plan,
        after={"file": nfc(filename)[:200], "tasks": len(made), "codes": [t.code for t in made], "assigned": assigned},
        unit=plan.owner,
        object_repr=(_("%(plan)s: nhập %(n)s nhiệm vụ từ tệp") % {"plan": plan.number or plan.code, "n": len(made)}),
    )
    return made


# --- exports ---------------------------------------------------------------------------


def _plan_label(plan: Plan) -> str:
    return plan.number or plan.code


def export_tasks(plan: Plan, tasks=None) -> bytes:
    """The tasks in the import layout (so the file re-imports into another plan), plus
    the progress and the number of units holding the task at any level. "Giao cho"
    lists the units the plan's owner handed the task to."""
    tasks = list(plan.tasks.all() if tasks is None else tasks)
    prefetch_related_objects(tasks, "lead", "objective", "cooperating")
    given: dict[int, list[str]] = {}
    holders: dict[int, int] = {}
    for task_id, code, parent_id in (
        Assignment.objects.filter(task__in=[t.pk for t in tasks])
        .order_by("unit__path")
        .values_list("task_id", "unit__code", "parent_id")
    ):
        holders[task_id] = holders.get(task_id, 0) + 1
        if parent_id is None:
            given.setdefault(task_id, []).append(code)
    priority = dict(_priorities())
    rows = (
        [
            t.code,
            t.title,
            t.description,
            t.objective.code if t.objective_id else "",
            t.lead.code,
            "; ".join(u.code for u in sorted(t.cooperating.all(), key=lambda u: u.path)),
            t.start,
            t.due,
            priority.get(t.priority, ""),
            t.expected_output,
            "; ".join(given.get(t.pk, [])),
            t.progress,
            holders.get(t.pk, 0),
        ]
        for t in tasks
    )
    headers = [*_labels().values(), *(_vi(h) for h in EXTRA)]
    return xlsx.write_xlsx(_vi(SHEET), headers, rows, widths=WIDTHS)


ASSIGNMENT_HEADERS = (
    gettext_lazy("Kế hoạch"),
    gettext_lazy("Mã NV"),
    gettext_lazy("Nhiệm vụ"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Bắt đầu"),
    gettext_lazy("Hạn"),
    gettext_lazy("Trạng thái"),
    gettext_lazy("Tiến độ (%)"),
    gettext_lazy("Quá hạn (số ngày)"),
    gettext_lazy("Ghi chú gần nhất"),
)


def export_assignments(assignments) -> bytes:
    """Assignments as a leader's list: "Quá hạn" counts the days past the due date,
    until today while open and until completion once done (0 when on time)."""
    assignments = list(assignments)
    prefetch_related_objects(assignments, "task__plan", "unit")
    rows = (
        [
            _plan_label(a.task.plan),
            a.task.code,
            a.task.title,
            a.unit.name,
            a.start,
            a.due,
            a.get_status_display(),
            a.progress,
            a.days_late,
            a.last_note,
        ]
        for a in assignments
    )
    return xlsx.write_xlsx(
        _("Nhiệm vụ được giao"), ASSIGNMENT_HEADERS, rows, widths=(16, 9, 50, 30, 12, 12, 16, 11, 12, 50)
    )


SHARE_HEADERS = (
    gettext_lazy("Kế hoạch"),
    gettext_lazy("Mã CT"),
    gettext_lazy("Chỉ tiêu"),
    gettext_lazy("Chỉ tiêu báo cáo"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Giá trị phải đạt"),
    gettext_lazy("Thời hạn"),
    gettext_lazy("Hiện đạt"),
    gettext_lazy("Kỳ số liệu"),
    gettext_lazy("Tỷ lệ đạt (%)"),
    gettext_lazy("Dự báo"),
    gettext_lazy("Tình trạng"),
)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _period_label(code: str) -> str:
    if not code:
        return ""
    try:
        return Period.parse(code).label
    except PeriodError:
        return code


def export_shares(shares) -> bytes:
    """Units' shares of targets (``UnitTarget``) with their progress read from approved
    figures: attainment in per cent, the forecast at the deadline, the status."""
    shares: list[UnitTarget] = list(shares)
    prefetch_related_objects(shares, "target__plan", "target__indicator", "unit")
    rows = (
        [
            _plan_label(s.target.plan),
            s.target.code,
            s.target.title,
            s.target.indicator.code,
            s.unit.name,
            s.value,
            s.deadline,
            s.current,
            _period_label(s.period),
            (s.attainment * HUNDRED).quantize(CENT) if s.attainment is not None else None,
            s.forecast,
            s.get_status_display(),
        ]
        for s in shares
    )
    return xlsx.write_xlsx(_("Chỉ tiêu"), SHARE_HEADERS, rows, widths=(16, 9, 45, 18, 30, 14, 12, 12, 14, 12, 12, 18))
