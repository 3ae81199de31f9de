"""The task-list template, its all-or-nothing import, and the plans' Excel exports."""

import datetime as dt
import io
import unicodedata
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError
from dxhub.plans import excel, services
from dxhub.plans.models import Assignment, Plan, Task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEYS = [
    "code",
    "title",
    "description",
    "objective",
    "lead",
    "cooperating",
    "start",
    "due",
    "priority",
    "expected_output",
    "assign_to",
]
HEAD = [
    "Mã nhiệm vụ",
    "Tên nhiệm vụ",
    "Nội dung",
    "Mục tiêu",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Ngày bắt đầu",
    "Hạn hoàn thành",
    "Mức ưu tiên",
    "Sản phẩm",
    "Giao cho",
]


def row(code="NV10", title="Triển khai chữ ký số cá nhân", lead="HVHC", start="01/03/2026", due="30/06/2026", **kw):
    values = dict(code=code, title=title, lead=lead, start=start, due=due, **kw)
    return [values.get(k) for k in KEYS]


def book(rows, headers=HEAD, sheet="Nhiệm vụ") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(data: bytes, name="nhiem-vu.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def counts():
    return Task.objects.count(), Assignment.objects.count(), AuditEvent.objects.count()


def refused(plans, data, user="lanhdao_bqp", plan=None, name="nhiem-vu.xlsx") -> DomainError:
    """Import ``data``, expect a refusal, and check that nothing at all was written."""
    before = counts()
    with pytest.raises(DomainError) as exc:
        excel.import_tasks(plans.user(user), plan or plans.plan, upload(data, name))
    assert counts() == before
    assert not AuditEvent.objects.filter(action="import").exists()
    return exc.value


def hvhc_plan(plans) -> Plan:
    return services.save_plan(
        plans.user("qtv_hvhc"),
        services.PlanData(
            code="KH-HVHC-2026",
            title="Kế hoạch chuyển đổi số năm 2026 của Học viện Hậu cần",
            kind="yearly",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            owner=plans.units["HVHC"],
        ),
    )


# --- the template -------------------------------------------------------------------------


def test_template_layout(plans):
    wb = load_workbook(io.BytesIO(excel.template(plans.plan)))
    assert wb.sheetnames[0] == "Nhiệm vụ"
    ws = wb["Nhiệm vụ"]
    assert [c.value for c in ws[1]] == HEAD
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["I2:I2001"] == '"Cao,Trung bình,Thấp"'  # priority, on as many rows as may be imported
    assert lists["D2:D2001"] == '"MT1,MT2"'  # the plan's objectives
    assert ws.column_dimensions["B"].width == 45
    assert ws.column_dimensions["G"].number_format == "dd/mm/yyyy"
    guide = [c.value for r in wb["Hướng dẫn"].iter_rows() for c in r if c.value]
    assert "MT1" in guide and "Hạ tầng số" in guide
    assert any("01/01/2025 – 31/12/2030" in str(v) for v in guide)


# --- importing: the happy path ------------------------------------------------------------------


def test_fill_template_and_import(plans):
    u = plans.units
    wb = load_workbook(io.BytesIO(excel.template(plans.plan)))
    ws = wb["Nhiệm vụ"]
    decomposed = unicodedata.normalize("NFD", "Triển khai chữ ký số cá nhân")
    ws.append(
        row(
            title=decomposed,
            description="Bước 1: rà soát\nBước 2: cấp chứng thư",
            objective="MT1",
            cooperating="HVHC-CNTT; BTL86-TT",
            start=dt.datetime(2026, 3, 1),  # a real Excel date
            priority="Cao",
            expected_output="Báo cáo kết quả",
            assign_to="HVHC; BTL86",
        )
    )
    ws.append([None] * len(KEYS))  # a blank row is skipped
    ws.append(["   "] + [None] * (len(KEYS) - 1))  # so is one holding only spaces
    ws.append(row("NV11", "Kết nối mạng truyền số liệu", lead="btl86", start="1/4/2026", due=dt.date(2026, 9, 30),
                  assign_to="BTL86-TT"))  # fmt: skip
    ws.append(row("NV12", "Tập huấn an toàn thông tin", objective="mt2", priority="thấp", start="2026-03-02"))
    out = io.BytesIO()
    wb.save(out)
    tasks = excel.import_tasks(plans.user("lanhdao_bqp"), plans.plan, upload(out.getvalue()))

    assert [t.code for t in tasks] == ["NV10", "NV11", "NV12"]
    nv10, nv11, nv12 = (Task.objects.get(plan=plans.plan, code=c) for c in ("NV10", "NV11", "NV12"))
    assert nv10.title == "Triển khai chữ ký số cá nhân" and unicodedata.is_normalized("NFC", nv10.title)
    assert nv10.description == "Bước 1: rà soát\nBước 2: cấp chứng thư"
    assert nv10.objective.code == "MT1" and nv12.objective.code == "MT2"
    assert nv10.lead == u["HVHC"] and nv11.lead == u["BTL86"]
    assert {c.code for c in nv10.cooperating.all()} == {"HVHC-CNTT", "BTL86-TT"}
    assert (nv10.start, nv10.due) == (dt.date(2026, 3, 1), dt.date(2026, 6, 30))
    assert (nv11.start, nv11.due) == (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    assert nv12.start == dt.date(2026, 3, 2)
    assert (nv10.priority, nv11.priority, nv12.priority) == (1, 2, 3)
    assert nv10.expected_output == "Báo cáo kết quả"
    assert [t.position for t in (nv10, nv11, nv12)] == [2, 3, 4]  # after NV01
    # handed down at once, as the plan's owner would
    assert {a.unit.code for a in nv10.assignments.all()} == {"HVHC", "BTL86"}
    assert {a.unit.code for a in nv11.assignments.all()} == {"BTL86-TT"}
    assert not nv12.assignments.exists()
    assert all(a.parent_id is None and a.due == a.task.due and a.progress == 0 for a in Assignment.objects.all())
    assert nv10.progress == nv11.progress == nv12.progress == 0
    # audited: each task, each assignment, and the import itself
    assert AuditEvent.objects.filter(action="create", object_type="plans.task").count() == 4  # NV01 + 3
    assert AuditEvent.objects.filter(action="assign").count() == 3
    event = AuditEvent.objects.get(action="import")
    assert event.object_type == "plans.plan" and event.object_id == str(plans.plan.pk)
    assert event.after["tasks"] == 3 and event.after["assigned"] == 3
    assert event.after["codes"] == ["NV10", "NV11", "NV12"] and event.after["file"] == "nhiem-vu.xlsx"


# --- importing: refusals, each leaving nothing written ------------------------------------------


def test_unknown_unit_codes(plans):
    exc = refused(
        plans,
        book(
            [
                row("NV10", lead="XYZ"),
                row("NV11", cooperating="HVHC-CNTT; KHONGCO"),
                row("NV12", assign_to="HVHC;BTL99"),
            ]
        ),
    )
    assert exc.message.startswith("Tệp không nhập được: 3 lỗi.")
    assert exc.problems == [
        "Dòng 2, cột “Đơn vị chủ trì”: không có đơn vị mang mã “XYZ”.",
        "Dòng 3, cột “Đơn vị phối hợp”: không có đơn vị mang mã “KHONGCO”.",
        "Dòng 4, cột “Giao cho”: không có đơn vị mang mã “BTL99”.",
    ]


def test_bad_date_text(plans):
    exc = refused(plans, book([row(start="tháng 3/2026"), row("NV11", due=46082)]))
    assert exc.problems == [
        "Dòng 2, cột “Ngày bắt đầu”: “tháng 3/2026” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy.",
        "Dòng 3, cột “Hạn hoàn thành”: “46082” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy.",
    ]


def test_impossible_date(plans):
    exc = refused(plans, book([row(), row("NV11", due="31/02/2026")]))
    assert exc.problems == ["Dòng 3, cột “Hạn hoàn thành”: ngày 31/02/2026 không hợp lệ."]


def test_due_before_start(plans):
    exc = refused(plans, book([row(start="01/05/2026", due="01/04/2026")]))
    assert exc.problems == [
        "Dòng 2, cột “Hạn hoàn thành”: Hạn hoàn thành (01/04/2026) trước ngày bắt đầu (01/05/2026)."
    ]


def test_dates_outside_the_plan(plans):
    exc = refused(plans, book([row("NV10", start="01/12/2024"), row("NV11", due="01/01/2031")]))
    assert [p.split(":")[0] for p in exc.problems] == [
        "Dòng 2, cột “Ngày bắt đầu”",
        "Dòng 3, cột “Hạn hoàn thành”",
    ]
    assert all("thời gian kế hoạch (01/01/2025 – 31/12/2030)" in p for p in exc.problems)


def test_duplicate_code_in_file(plans):
    exc = refused(plans, book([row("NV10"), row("NV11"), row("nv10", title="Nhiệm vụ khác")]))
    assert exc.problems == ["Dòng 4, cột “Mã nhiệm vụ”: mã nhiệm vụ “nv10” trùng với dòng 2."]


def test_duplicate_code_in_plan(plans):
    exc = refused(plans, book([row("NV01")]))
    assert exc.problems == ["Dòng 2, cột “Mã nhiệm vụ”: mã nhiệm vụ “NV01” đã có trong kế hoạch (“NV01”)."]


def test_assign_to_unit_outside_owner_subtree(plans):
    plan = hvhc_plan(plans)
    exc = refused(
        plans,
        book([row("NV01", lead="HVHC-TD1", assign_to="HVHC-TD1; BTL86"), row("NV02", lead="BTL86-TT")]),
        user="qtv_hvhc",
        plan=plan,
    )
    assert exc.problems == [
        "Dòng 2, cột “Giao cho”: đơn vị BTL86 không thuộc Học viện Hậu cần, không giao nhiệm vụ của kế hoạch này được.",
        "Dòng 3, cột “Đơn vị chủ trì”: Đơn vị chủ trì Trung tâm An ninh mạng không thuộc Học viện Hậu cần.",
    ]


def test_unknown_objective_priority_and_empty_cells(plans):
    exc = refused(
        plans,
        book(
            [
                row("NV10", objective="MT9", priority="Rất cao"),
                row("", title="", lead="", start=None, due=None, description="Chỉ có nội dung"),
            ]
        ),
    )
    assert exc.problems == [
        "Dòng 2, cột “Mục tiêu”: mục tiêu “MT9” không có trong kế hoạch (có: MT1, MT2).",
        "Dòng 2, cột “Mức ưu tiên”: mức ưu tiên “Rất cao” không hợp lệ; chọn Cao, Trung bình, Thấp.",
        "Dòng 3, cột “Mã nhiệm vụ”: không được để trống.",
        "Dòng 3, cột “Tên nhiệm vụ”: không được để trống.",
        "Dòng 3, cột “Đơn vị chủ trì”: không được để trống.",
        "Dòng 3, cột “Ngày bắt đầu”: không được để trống.",
        "Dòng 3, cột “Hạn hoàn thành”: không được để trống.",
    ]


def test_failed_hand_down_rolls_back_every_row(plans, monkeypatch):
    real, calls = services.hand_down, []

    def flaky(user, task, units, *args, **kwargs):
        calls.append(task.code)
        if len(calls) == 2:
            raise DomainError("Không giao được nhiệm vụ.", ["Đơn vị Bộ Tư lệnh 86 đã giải thể hoặc sáp nhập."])
        return real(user, task, units, *args, **kwargs)

    monkeypatch.setattr(services, "hand_down", flaky)
    exc = refused(plans, book([row("NV10", assign_to="HVHC"), row("NV11", assign_to="BTL86")]))
    assert calls == ["NV10", "NV11"]  # the first row was written, then undone
    assert exc.problems == [
        "Dòng 3, cột “Giao cho”: Không giao được nhiệm vụ.",
        "Dòng 3, cột “Giao cho”: Đơn vị Bộ Tư lệnh 86 đã giải thể hoặc sáp nhập.",
    ]


def test_not_an_xlsx(plans):
    exc = refused(plans, "Mã nhiệm vụ,Tên nhiệm vụ\nNV10,Thử\n".encode(), name="nhiem-vu.csv")
    assert "không phải bảng tính Excel (.xlsx)" in exc.message
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    exc = refused(plans, docx.getvalue(), name="nhiem-vu.docx")
    assert "tài liệu Word" in exc.message


def test_macro_workbook(plans):
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book([row()]))) as src, zipfile.ZipFile(data, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 16)
    exc = refused(plans, data.getvalue(), name="nhiem-vu.xlsm")
    assert "macro" in exc.message


def test_missing_sheet(plans):
    exc = refused(plans, book([row()], sheet="Sheet1"))
    assert exc.message == "Bảng tính thiếu trang tính “Nhiệm vụ”."


def test_missing_column(plans):
    exc = refused(plans, book([row()[:7]], headers=HEAD[:7]))
    assert "thiếu cột: “Hạn hoàn thành”" in exc.message


def test_hidden_row_refused(plans):
    wb = load_workbook(io.BytesIO(book([row("NV10"), row("NV11")])))
    wb.active.row_dimensions[3].hidden = True
    out = io.BytesIO()
    wb.save(out)
    exc = refused(plans, out.getvalue())
    assert exc.problems == ["Trang tính “Nhiệm vụ”, dòng 3 đang bị ẩn: hãy hiện lại hoặc xóa dòng đó."]


def test_too_many_rows(plans):
    exc = refused(plans, book([row(f"NV{i}") for i in range(excel.MAX_ROWS + 1)]))
    assert "hơn 2.000 dòng" in exc.message


@pytest.mark.parametrize("username", ["nhaplieu_td1", "qtv_hvhc", "outsider"])
def test_user_without_rights(plans, username):
    exc = refused(plans, book([row()]), user=username)
    assert exc.status == 403 and "không có quyền" in exc.message


# --- exports ------------------------------------------------------------------------------------


def test_export_tasks_round_trip(plans):
    u, boss = plans.units, plans.user("lanhdao_bqp")
    services.hand_down(boss, plans.task, [u["HVHC"], u["BTL86"]])
    academy = Assignment.objects.get(task=plans.task, unit=u["HVHC"])
    services.hand_down(plans.user("qtv_hvhc"), plans.task, [u["HVHC-TD1"]], parent=academy)
    services.report_progress(plans.user("nhaplieu_td1"), Assignment.objects.get(unit=u["HVHC-TD1"]), 40, "Đang làm")
    services.save_task(
        boss,
        plans.plan,
        services.TaskData(
            code="NV02",
            title="+ Số hóa hồ sơ",  # would be a formula if written as is
            lead=u["HVHC"],
            start=dt.date(2026, 2, 1),
            due=dt.date(2026, 8, 31),
            description="- Rà soát\n- Số hóa",
            objective=plans.plan.objectives.get(code="MT2"),
            cooperating=[u["HVHC-CNTT"], u["BTL86-TT"]],
            priority=3,
            expected_output="Kho hồ sơ số",
        ),
    )
    data = excel.export_tasks(plans.plan, list(plans.plan.tasks.all()))

    ws = load_workbook(io.BytesIO(data))["Nhiệm vụ"]
    assert [c.value for c in ws[1]] == [*HEAD, "Tiến độ (%)", "Số đơn vị được giao"]
    nv01 = [c.value for c in ws[2]]
    assert nv01[:2] == ["NV01", "Mở rộng mạng truyền số liệu quân sự đến cấp 4"]
    assert nv01[3:6] == ["MT1", "BQP", None]
    assert nv01[6:8] == [dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 31)]
    assert ws["G2"].number_format == ws["H2"].number_format == "dd/mm/yyyy"
    assert nv01[8:] == ["Trung bình", "Báo cáo kết quả kết nối", "HVHC; BTL86", 20, 3]  # (40 + 0) / 2; 3 units
    nv02 = [c.value for c in ws[3]]
    assert nv02[:6] == ["NV02", "'+ Số hóa hồ sơ", "'- Rà soát\n- Số hóa", "MT2", "HVHC", "HVHC-CNTT; BTL86-TT"]
    assert nv02[8:] == ["Thấp", "Kho hồ sơ số", None, 0, 0]

    copy = services.save_plan(
        boss,
        services.PlanData(
            code="KH-CDS-2026",
            title="Kế hoạch chuyển đổi số năm 2026",
            kind="yearly",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            owner=u["BQP"],
            parent=plans.plan,
            objectives=[("MT1", "Hạ tầng số"), ("MT2", "Chính phủ số")],
        ),
    )
    made = excel.import_tasks(boss, copy, upload(data))
    fields = ("code", "title", "description", "lead_id", "start", "due", "priority", "expected_output")
    for old, new in zip(plans.plan.tasks.order_by("position"), made, strict=True):
        assert [getattr(new, f) for f in fields] == [getattr(old, f) for f in fields]
        assert new.objective.code == old.objective.code and new.objective.plan_id == copy.pk
        assert set(new.cooperating.all()) == set(old.cooperating.all())
    # "Giao cho" hands the copy down again; the progress and unit count are not read
    assert {a.unit.code for a in Assignment.objects.filter(task=made[0])} == {"HVHC", "BTL86"}
    assert made[0].progress == 0 and not Assignment.objects.filter(task=made[1]).exists()


def test_export_assignments(plans):
    u = plans.units
    services.hand_down(plans.user("lanhdao_bqp"), plans.task, [u["HVHC"], u["BTL86"]])
    academy = Assignment.objects.get(task=plans.task, unit=u["HVHC"])
    services.report_progress(plans.user("nhaplieu_hvhc"), academy, 40, "Đã kéo cáp quang đến tiểu đoàn")
    today = timezone.localdate()
    start, due = today - dt.timedelta(days=30), today - dt.timedelta(days=5)
    Assignment.objects.filter(pk=academy.pk).update(start=start, due=due)

    rows = list(Assignment.objects.order_by("unit__path"))  # no select_related: the export fetches
    ws = load_workbook(io.BytesIO(excel.export_assignments(rows))).active
    assert [c.value for c in ws[1]] == [
        "Kế hoạch",
        "Mã NV",
        "Nhiệm vụ",
        "Đơn vị",
        "Bắt đầu",
        "Hạn",
        "Trạng thái",
        "Tiến độ (%)",
        "Quá hạn (số ngày)",
        "Ghi chú gần nhất",
    ]
    first = [c.value for c in ws[2]]
    assert first[:4] == ["125/KH-BQP", "NV01", plans.task.title, "Học viện Hậu cần"]
    assert first[4:6] == [dt.datetime.combine(start, dt.time()), dt.datetime.combine(due, dt.time())]
    assert ws["E2"].number_format == ws["F2"].number_format == "dd/mm/yyyy"
    assert first[6:] == ["Đang thực hiện", 40, 5, "Đã kéo cáp quang đến tiểu đoàn"]
    command = Assignment.objects.get(task=plans.task, unit=u["BTL86"])
    assert [c.value for c in ws[3]][3:] == [
        "Bộ Tư lệnh 86",
        dt.datetime.combine(command.start, dt.time()),  # the day it was handed down, or the task's start
        dt.datetime(2026, 12, 31),
        "Chưa thực hiện",
        0,
        0,
        None,
    ]


def test_export_shares(plans):
    target = plans.target("80")
    plans.approve("HVHC", "2025-Q3", dict(plans.cat.GOOD, DOC_TOTAL="400", DOC_SIGNED="300"))
    share = target.shares.get()
    share.refresh_from_db()
    assert share.current == Decimal("75.0000")

    ws = load_workbook(io.BytesIO(excel.export_shares([share]))).active
    assert [c.value for c in ws[1]] == [
        "Kế hoạch",
        "Mã CT",
        "Chỉ tiêu",
        "Chỉ tiêu báo cáo",
        "Đơn vị",
        "Giá trị phải đạt",
        "Thời hạn",
        "Hiện đạt",
        "Kỳ số liệu",
        "Tỷ lệ đạt (%)",
        "Dự báo",
        "Tình trạng",
    ]
    cells = [c.value for c in ws[2]]
    assert cells[:5] == ["125/KH-BQP", "CT01", "Tỷ lệ văn bản đi được ký số", "DOC_SIGNED_PCT", "Bộ Quốc phòng"]
    assert cells[5] == 80 and cells[6] == dt.datetime(2026, 12, 31) and ws["G2"].number_format == "dd/mm/yyyy"
    assert cells[7] == 75 and cells[8] == "Quý III/2025" and cells[9] == 93.75
    assert isinstance(cells[10], (int, float)) and cells[11] == share.get_status_display()
