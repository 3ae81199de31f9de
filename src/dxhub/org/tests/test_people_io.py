"""Personnel spreadsheets: a clean round trip, and every kind of bad file refused whole."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError
from dxhub.org import identifiers, people_io
from dxhub.org.models import Person

HEADER = [
    "Mã định danh",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Đối tượng",
    "Cấp bậc",
    "Chức vụ",
    "Mã đơn vị",
]


def xlsx(rows, header=HEADER, title="Quân số"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("quan-so.xlsx", buf.getvalue())


def row(serial, name="Nguyễn Văn Bình", unit="HVHC-CNTT", category="Sĩ quan", rank="Thượng úy"):
    return [identifiers.make(21, serial), name, "Nam", 1995, category, rank, "Trợ lý", unit]


def refused(user, upload):
    people, events = Person.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        people_io.import_people(user, upload)
    assert Person.objects.count() == people and AuditEvent.objects.count() == events, "nothing may be written"
    return exc.value


def test_import_creates_and_updates_and_audits(org):
    user = org.users["nhaplieu_hvhc"]
    existing = org.people["HVHC-TD1"]
    upload = xlsx(
        [
            row(5001),
            row(5002, name="Trần Thị Mai", category="qncn", rank=""),
            [
                existing.identifier,
                existing.full_name,
                "Nam",
                1990,
                "Sĩ quan",
                "Thiếu tá",
                "Tiểu đoàn trưởng",
                "HVHC-TD1",
            ],
        ]
    )
    result = people_io.import_people(user, upload)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    existing.refresh_from_db()
    assert existing.rank == "thieu_ta" and existing.position == "Tiểu đoàn trưởng"
    assert Person.objects.get(identifier=identifiers.make(21, 5002)).category == "qncn"
    assert AuditEvent.objects.filter(action="import").count() == 2
    assert AuditEvent.objects.filter(action="update", object_id=str(existing.pk)).count() == 1


def test_export_then_import_is_a_no_op(org):
    user = org.users["qtv_hvhc"]
    body = people_io.export_people(Person.objects.restrict(user, "view"), "xlsx")
    ws = load_workbook(io.BytesIO(body)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][:8]) == HEADER
    assert {r[1] for r in rows[1:]} == {"Trần Thị Bích", "Lê Đức Cường", "Phạm Minh Đức", "Hoàng Thị Én"}
    result = people_io.import_people(user, SimpleUploadedFile("x.xlsx", body))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)


def test_duplicate_identifiers_in_file(org):
    e = refused(org.users["nhaplieu_hvhc"], xlsx([row(7001), row(7002), row(7001, name="Lê Văn Trùng")]))
    assert any("dòng 4, cột A" in p and "trùng với dòng 2" in p for p in e.problems)


def test_bad_check_digit(org):
    good = identifiers.make(21, 7003)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    r = row(7003)
    r[0] = bad
    e = refused(org.users["nhaplieu_hvhc"], xlsx([row(7004), r]))
    assert any("dòng 3, cột A" in p and "chữ số kiểm tra" in p for p in e.problems)


def test_unknown_unit_code(org):
    e = refused(org.users["nhaplieu_hvhc"], xlsx([row(7005, unit="KHONG-CO")]))
    assert any("dòng 2, cột H" in p and "“KHONG-CO” không tồn tại" in p for p in e.problems)


def test_unit_outside_scope(org):
    e = refused(org.users["nhaplieu_hvhc"], xlsx([row(7006, unit="BTL86-TT")]))
    assert any("ngoài phạm vi" in p for p in e.problems)


def test_updating_person_outside_scope_is_refused(org):
    outside = org.people["BTL86"]
    r = [outside.identifier, "Đổi Tên", "Nam", 1990, "Sĩ quan", "Đại úy", "", "HVHC"]
    e = refused(org.users["nhaplieu_hvhc"], xlsx([r]))
    assert any("ngoài phạm vi" in p for p in e.problems)
    outside.refresh_from_db()
    assert outside.full_name == "Vũ Văn Giang" and outside.unit.code == "BTL86"


def test_rank_not_for_category_and_bad_year(org):
    r = row(7007, category="HSQ-BS", rank="Đại tá")
    r[3] = 1900
    e = refused(org.users["nhaplieu_hvhc"], xlsx([r]))
    assert any("cột F" in p and "không áp dụng" in p for p in e.problems)
    assert any("cột D" in p and "1900" in p for p in e.problems)


def test_missing_column(org):
    header = [h for h in HEADER if h != "Mã đơn vị"]
    e = refused(org.users["nhaplieu_hvhc"], xlsx([row(7008)[:-1]], header=header))
    assert "thiếu cột" in e.message and "Mã đơn vị" in e.message


def test_empty_files(org):
    user = org.users["nhaplieu_hvhc"]
    assert "rỗng" in refused(user, SimpleUploadedFile("a.xlsx", b"")).message
    assert "không có dòng dữ liệu" in refused(user, xlsx([])).message
    assert "rỗng" in refused(user, xlsx([], header=None)).message


def test_docx_renamed_xlsx(org):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    e = refused(org.users["nhaplieu_hvhc"], SimpleUploadedFile("bao-cao.xlsx", buf.getvalue()))
    assert "tài liệu Word" in e.message


def test_not_a_zip_at_all(org):
    e = refused(org.users["nhaplieu_hvhc"], SimpleUploadedFile("x.xlsx", b"Ho va ten;Ma\nA;1\n"))
    assert "không phải bảng tính Excel" in e.message


def test_fifty_megabyte_file(org):
    big = SimpleUploadedFile("lon.xlsx", b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024))
    e = refused(org.users["nhaplieu_hvhc"], big)
    assert "quá lớn" in e.message


def test_formula_injection_neutralised_on_export(org):
    p = org.people["HVHC"]
    Person.objects.filter(pk=p.pk).update(position='=HYPERLINK("http://x","bấm")')
    body = people_io.export_people(Person.objects.filter(pk=p.pk), "xlsx")
    ws = load_workbook(io.BytesIO(body)).active
    assert ws.cell(2, 7).value.startswith("'=")
    csv_text = people_io.export_people(Person.objects.filter(pk=p.pk), "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text


def test_template_has_dropdowns_and_round_trips(client_for, org):
    from django.urls import reverse

    body = client_for("nhaplieu_hvhc").get(reverse("org:people_template")).content
    wb = load_workbook(io.BytesIO(body))
    ws = wb.active
    assert [c.value for c in ws[1]][:8] == HEADER
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"Nam,Nữ"' in lists.values()
    assert any("Quân nhân chuyên nghiệp" in f for f in lists.values())
    assert any("Thiếu tá" in f and "Đại tướng" in f for f in lists.values())
    ws.append(
        [identifiers.make(22, 5555), "Mai Thị Lan", "Nữ", 1996, "Quân nhân chuyên nghiệp", "Thượng úy", "", "HVHC"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    result = people_io.import_people(org.users["nhaplieu_hvhc"], SimpleUploadedFile("m.xlsx", buf.getvalue()))
    assert result.created == 1
    assert Person.objects.get(full_name="Mai Thị Lan").rank == "thuong_uy"
