"""Unit spreadsheets: a new branch in any row order, corrections, and every bad sheet refused whole."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError
from dxhub.org import tree, units_io
from dxhub.org.models import Unit

HEADER = ["Mã đơn vị", "Mã đơn vị cấp trên", "Tên đầy đủ", "Tên viết tắt", "Loại hình"]


def sheet(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("don-vi.xlsx", buf.getvalue())


def refused(user, upload):
    state = (list(Unit.objects.values_list("code", "path", "name")), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        units_io.import_units(user, upload)
    assert (list(Unit.objects.values_list("code", "path", "name")), AuditEvent.objects.count()) == state
    return exc.value


def test_a_new_branch_in_any_order(org):
    rows = [
        ["HVHC-K1-B1", "HVHC-K1", "Bộ môn Hậu cần chiến dịch", "BM1", "Cơ quan"],
        ["HVHC-K1", "HVHC", "Khoa Chỉ huy hậu cần", "K1", "co_quan"],
        ["HVHC-K1-B2", "HVHC-K1", "Bộ môn Kỹ thuật", "BM2", "cơ quan"],
    ]
    result = units_io.import_units(org.users["qtv_hvhc"], sheet(rows))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    k1, b1 = Unit.objects.get(code="HVHC-K1"), Unit.objects.get(code="HVHC-K1-B1")
    assert k1.parent.code == "HVHC" and b1.parent_id == k1.pk and b1.path[: -tree.STEP] == k1.path
    assert b1.depth == 4 and AuditEvent.objects.filter(action="import", object_type="org.unit").count() == 3
    # a unit added by hand afterwards still gets a fresh path
    from dxhub.org import services

    k2 = services.create_unit(org.users["qtv_hvhc"], org.unit("HVHC"), code="HVHC-K2", name="Khoa 2", kind="co_quan")
    assert len(set(Unit.objects.values_list("path", flat=True))) == Unit.objects.count() and k2.depth == 3


def test_export_then_import_is_a_no_op_and_corrections_apply(org):
    body = units_io.export_units(org.unit("HVHC"))
    wb = load_workbook(io.BytesIO(body))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:5] == tuple(HEADER) and rows[1][0] == "HVHC" and rows[1][1] == "BQP"
    result = units_io.import_units(org.users["qtv_hvhc"], SimpleUploadedFile("x.xlsx", body))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    wb.active["C3"] = "Ban Công nghệ thông tin và Chuyển đổi số"
    buf = io.BytesIO()
    wb.save(buf)
    result = units_io.import_units(org.users["qtv_hvhc"], SimpleUploadedFile("x.xlsx", buf.getvalue()))
    assert result.updated == 1 and org.unit("HVHC-CNTT").name == "Ban Công nghệ thông tin và Chuyển đổi số"


def test_unknown_parent_and_parent_outside_scope(org):
    e = refused(
        org.users["qtv_hvhc"],
        sheet(
            [
                ["X1", "KHONG-CO", "Đơn vị X1", "", "Cơ quan"],
                ["X2", "BTL86", "Đơn vị X2", "", "Cơ quan"],
            ]
        ),
    )
    assert any("dòng 2, cột B" in p and "“KHONG-CO” không có" in p for p in e.problems)
    assert any("dòng 3, cột B" in p and "ngoài phạm vi" in p for p in e.problems)


def test_cycle_duplicate_and_bad_kind(org):
    e = refused(
        org.users["admin"],
        sheet(
            [
                ["A1", "A2", "Đơn vị A1", "", "Cơ quan"],
                ["A2", "A1", "Đơn vị A2", "", "Cơ quan"],
                ["A3", "HVHC", "Đơn vị A3", "", "Trung đội"],
                ["A3", "HVHC", "Đơn vị A3 lần hai", "", "Cơ quan"],
                ["a b", "HVHC", "", "", "Cơ quan"],
            ]
        ),
    )
    text = "\n".join(e.problems)
    assert "Vòng lặp cấp trên: A1 → A2 → A1" in text
    assert "dòng 4, cột E" in text and "“Trung đội” không có" in text
    assert "dòng 5, cột A" in text and "trùng với dòng 4" in text
    assert "dòng 6, cột A" in text and "dòng 6, cột C" in text


def test_existing_unit_cannot_change_parent_by_sheet(org):
    e = refused(org.users["admin"], sheet([["HVHC-TD1", "HVHC-CNTT", "Tiểu đoàn 1 học viên", "", "Tiểu đoàn"]]))
    assert "dùng chức năng Chuyển" in e.problems[0]


def test_pages_export_and_import(client_for, org):
    c = client_for("qtv_hvhc")
    hvhc = org.unit("HVHC")
    body = c.get(reverse("org:units_export", args=[hvhc.pk])).content
    assert load_workbook(io.BytesIO(body)).active.max_row == 5
    assert c.get(reverse("org:units_export", args=[org.unit("BTL86").pk])).status_code == 404
    assert c.get(reverse("org:units_import", args=[org.unit("BTL86").pk])).status_code == 404
    html = c.post(
        reverse("org:units_import", args=[hvhc.pk]), {"file": sheet([["N1", "BTL86", "Đơn vị N1", "", "Cơ quan"]])}
    ).content.decode()
    assert "ngoài phạm vi" in html and not Unit.objects.filter(code="N1").exists()
    response = c.post(
        reverse("org:units_import", args=[hvhc.pk]),
        {"file": sheet([["N1", "HVHC", "Đơn vị N1", "", "Cơ quan"]])},
        follow=True,
    )
    assert "1 đơn vị mới" in response.content.decode() and Unit.objects.get(code="N1").parent_id == hvhc.pk
