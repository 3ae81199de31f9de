import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dxhub.core.errors import DomainError, NotInScope
from dxhub.reporting import excel, submissions
from dxhub.reporting.models import Submission, Value


def scope_for(cat, org, unit="HVHC", period="2025-Q3", subtree=True, user="nhaplieu_hvhc"):
    return excel.scope(cat.users[user], org.units[unit], cat.form, period, subtree)


def as_upload(wb, name="bao-cao.xlsx"):
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def filled_template(cat, org, fill, **kw):
    """Download a template, open it with openpyxl, let ``fill`` edit the sheet."""
    s = scope_for(cat, org, **kw)
    wb = load_workbook(io.BytesIO(excel.template(s)))
    ws = wb[excel.SHEET]
    fill(ws, {c.value: c.column for c in ws[2] if c.value}, {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)})
    return s, wb


def cat_values():
    return {"PERSONNEL": 120, "EMAIL_USERS": 90, "DOC_TOTAL": 400, "DOC_SIGNED": 300, "UPTIME": 99.5, "HAS_PLAN": "Có"}


def test_template_has_one_row_per_reporting_unit_locked_headers_and_drop_downs(cat, org):
    s = scope_for(cat, org)
    wb = load_workbook(io.BytesIO(excel.template(s)))
    ws = wb[excel.SHEET]
    assert [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)] == ["HVHC", "HVHC-CNTT", "HVHC-TD1", "HVHC-TD1-DD1"]
    codes = [c.value for c in ws[2]][3:]
    assert "DOC_SIGNED_PCT" not in codes and codes[0] == "PERSONNEL"  # computed indicators are not typed in
    assert ws.protection.sheet and ws["D2"].protection.locked and not ws["D4"].protection.locked
    assert wb[excel.META].sheet_state == "hidden"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"Có,Không"'
    assert ws.freeze_panes == "D4"


def test_template_is_prefilled_and_marks_approved_rows(cat, org):
    sub = cat.filled("HVHC-CNTT")
    submissions.approve(cat.users["pheduyet_bqp"], [sub])
    ws = load_workbook(io.BytesIO(excel.template(scope_for(cat, org))))[excel.SHEET]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "HVHC-CNTT")
    cols = {c.value: c.column for c in ws[2] if c.value}
    assert ws.cell(row, 3).value == "Đã duyệt"
    assert ws.cell(row, cols["DOC_TOTAL"]).value == 400
    assert ws.cell(row, cols["HAS_PLAN"]).value == "Có"
    assert ws.cell(row, cols["DOC_TOTAL"]).protection.locked


def test_round_trip_writes_drafts_for_every_row(cat, org):
    def fill(ws, cols, rows):
        for code in ("HVHC-CNTT", "HVHC-TD1"):
            for ind, v in cat_values().items():
                ws.cell(rows[code], cols[ind], v)

    s, wb = filled_template(cat, org, fill)
    result = excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), s)
    assert (result.units, result.created) == (2, 2)
    sub = Submission.objects.get(unit=org.units["HVHC-CNTT"], period="2025-Q3")
    values = dict(Value.objects.filter(submission=sub).values_list("indicator__code", "num"))
    assert values["DOC_TOTAL"] == 400 and values["DOC_SIGNED_PCT"] == 75 and values["HAS_PLAN"] == 1
    assert sub.status == Submission.Status.DRAFT and sub.revision == 1
    assert submissions.submit(cat.users["nhaplieu_hvhc"], sub).status == Submission.Status.SUBMITTED


def _fill_one(code, value):
    def fill(ws, cols, rows):
        for ind, v in cat_values().items():
            ws.cell(rows["HVHC-CNTT"], cols[ind], v)
        ws.cell(rows["HVHC-TD1"], cols["PERSONNEL"], 50)
        ws.cell(rows["HVHC-TD1"], cols[code], value)

    return fill


@pytest.mark.parametrize(
    "code, value, message",
    [
        ("PERSONNEL", "một trăm", "dòng 6, cột D (PERSONNEL): “một trăm” không phải là số"),
        ("UPTIME", 130, "cột H (UPTIME): tỷ lệ 130% vượt quá 100%"),
        ("DOC_TOTAL", -5, "cột F (DOC_TOTAL): không được âm"),
        ("PERSONNEL", dt.datetime(2025, 7, 1), "cột D (PERSONNEL): ô chứa ngày tháng"),
        ("HAS_PLAN", "Chưa rõ", "cột I (HAS_PLAN): chỉ nhận “Có” hoặc “Không”"),
    ],
)
def test_a_bad_cell_names_sheet_row_and_column_and_nothing_is_written(cat, org, code, value, message):
    s, wb = filled_template(cat, org, _fill_one(code, value))
    with pytest.raises(DomainError) as err:
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), s)
    assert any(message in p for p in err.value.problems), err.value.problems
    assert "Số liệu" in err.value.problems[0]
    assert not Submission.objects.exists() and not Value.objects.exists()


def test_formulas_merged_and_hidden_rows_are_refused(cat, org):
    def fill(ws, cols, rows):
        _fill_one("PERSONNEL", 1)(ws, cols, rows)
        ws.cell(rows["HVHC-CNTT"], cols["DOC_SIGNED"], "=F5*0.75")

    s, wb = filled_template(cat, org, fill)
    with pytest.raises(DomainError) as err:
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), s)
    assert "ô G5 có công thức" in err.value.problems[0]

    s, wb = filled_template(cat, org, _fill_one("PERSONNEL", 1))
    wb[excel.SHEET].merge_cells("D6:E6")
    with pytest.raises(DomainError) as err:
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), s)
    assert "ô gộp D6:E6" in err.value.problems[0]

    s, wb = filled_template(cat, org, _fill_one("PERSONNEL", 1))
    wb[excel.SHEET].row_dimensions[7].hidden = True
    with pytest.raises(DomainError) as err:
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), s)
    assert "dòng 7 đang bị ẩn" in err.value.problems[0]
    assert not Submission.objects.exists()


def test_macro_workbooks_are_refused(cat, org):
    s, wb = filled_template(cat, org, _fill_one("PERSONNEL", 1))
    upload = as_upload(wb, "bao-cao.xlsm")
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(upload.read())) as src, zipfile.ZipFile(data, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00macro")
    with pytest.raises(DomainError, match="macro"):
        excel.upload(cat.users["nhaplieu_hvhc"], SimpleUploadedFile("bao-cao.xlsm", data.getvalue()), s)


def test_a_template_for_another_unit_or_period_is_refused(cat, org):
    s, wb = filled_template(cat, org, _fill_one("PERSONNEL", 1))
    other_period = scope_for(cat, org, period="2025-Q2")
    with pytest.raises(DomainError, match="kỳ Quý III/2025.*không dùng được cho .* kỳ Quý II/2025"):
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), other_period)
    other_unit = scope_for(cat, org, unit="HVHC-TD1")
    with pytest.raises(DomainError, match="đơn vị HVHC;"):
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), other_unit)
    assert not Submission.objects.exists()


def test_a_forged_unit_row_or_a_duplicate_row_is_refused(cat, org):
    def fill(ws, cols, rows):
        _fill_one("PERSONNEL", 1)(ws, cols, rows)
        ws.protection.sheet = False
        ws.cell(8, 1, "BTL86-TT")
        ws.cell(8, cols["PERSONNEL"], 5)
        ws.cell(9, 1, "HVHC-CNTT")
        ws.cell(9, cols["PERSONNEL"], 5)

    s, wb = filled_template(cat, org, fill)
    with pytest.raises(DomainError) as err:
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), s)
    assert any("dòng 8: đơn vị “BTL86-TT” không thuộc mẫu" in p for p in err.value.problems)
    assert any("dòng 9: đơn vị HVHC-CNTT đã có ở dòng 5" in p for p in err.value.problems)
    assert not Submission.objects.exists()


def test_an_upload_over_a_sent_or_approved_submission_is_refused(cat, org):
    sub = cat.filled("HVHC-TD1")
    submissions.approve(cat.users["pheduyet_bqp"], [sub])
    s, wb = filled_template(cat, org, _fill_one("PERSONNEL", 77))
    with pytest.raises(DomainError, match="không nhập được") as err:
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(wb), s)
    assert "Trang tính “Số liệu”, dòng 6" in err.value.problems[0] and "“Đã duyệt”" in err.value.problems[0]
    assert Value.objects.get(submission=sub, indicator=cat.personnel).num == 120
    assert not Submission.objects.filter(unit=org.units["HVHC-CNTT"]).exists()


def test_templates_only_for_units_in_the_users_scope(cat, org):
    with pytest.raises(NotInScope):
        scope_for(cat, org, unit="BTL86")
    s = scope_for(cat, org, unit="BQP", user="admin")
    assert {u.code for u in s.units} >= {"HVHC", "BTL86-TT"}


def test_not_a_workbook_or_not_a_dxhub_template(cat, org):
    s = scope_for(cat, org)
    with pytest.raises(DomainError, match="không phải bảng tính"):
        excel.upload(cat.users["nhaplieu_hvhc"], SimpleUploadedFile("x.xlsx", b"hello"), s)
    from openpyxl import Workbook

    with pytest.raises(DomainError, match="không phải mẫu báo cáo của dxhub"):
        excel.upload(cat.users["nhaplieu_hvhc"], as_upload(Workbook()), s)
