"""Defects found in review (scope, audit, bad input, races): each test failed before its fix."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from dxhub.accounts import scoping, services
from dxhub.accounts.models import ApiToken, RoleAssignment, User
from dxhub.accounts.roles import Action, Role
from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError
from dxhub.org import identifiers, people_io
from dxhub.org import services as org_services
from dxhub.org.models import Person


def xlsx(rows, header):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("q.xlsx", buf.getvalue())


# --- 1. scope / authorization ---------------------------------------------------


def test_unit_admin_cannot_self_grant_reviewer(client_for, org):
    """unit_admin has no REVIEW/ASSESS; it must not be able to hand them to itself."""
    me = org.users["qtv_hvhc"]
    c = client_for("qtv_hvhc")
    c.post(reverse("accounts:user", args=[me.pk]), {"unit": "HVHC", "role": "reviewer"})
    with pytest.raises(DomainError, match="chính mình"):
        services.grant_role(me, me, org.unit("HVHC"), Role.LEADER)
    with pytest.raises(DomainError, match="Cán bộ thẩm tra"):
        services.grant_role(me, org.users["nhaplieu_hvhc"], org.unit("HVHC"), Role.REVIEWER)
    scoping.forget(me)
    assert not scoping.covers(me, Action.REVIEW, org.unit("HVHC")), "self-escalation to reviewer"


def test_unit_admin_cannot_revoke_system_admin_it_cannot_grant(client_for, org):
    sa = User.objects.create_user("sa_hvhc", password="x")
    ra = RoleAssignment.objects.create(user=sa, unit=org.unit("HVHC"), role=Role.SYSTEM_ADMIN)
    c = client_for("qtv_hvhc")
    c.post(reverse("accounts:role_revoke", args=[ra.pk]))
    ra.refresh_from_db()
    assert ra.is_active, "unit admin revoked a system_admin role it may not grant"


def test_user_detail_does_not_leak_out_of_scope_roles(client_for, org):
    u = User.objects.create_user("dual", password="x")
    RoleAssignment.objects.create(user=u, unit=org.unit("HVHC-CNTT"), role=Role.DATA_ENTRY)
    RoleAssignment.objects.create(user=u, unit=org.unit("BTL86-TT"), role=Role.LEADER)
    html = client_for("qtv_hvhc").get(reverse("accounts:user", args=[u.pk])).content.decode()
    assert "Trung tâm An ninh mạng" not in html, "unit outside the admin's subtree is shown"


def test_unit_admin_cannot_deactivate_own_root_unit_via_edit(client_for, org):
    """Dissolving needs CHANGE_UNIT on the parent and no active children/people;
    the edit form's is_active checkbox bypasses both."""
    c = client_for("qtv_hvhc")
    u = org.unit("HVHC")
    data = {"code": "HVHC", "name": u.name, "short_name": "HVHC", "kind": u.kind}  # is_active omitted = False
    c.post(reverse("org:unit_edit", args=[u.pk]), data)
    u.refresh_from_db()
    assert u.is_active, "unit admin dissolved its own unit (active children + people) through the edit form"


def test_api_bulk_read_of_people_is_audited(client, org):
    _t, secret = ApiToken.issue(org.users["admin"], "t")
    before = AuditEvent.objects.filter(action="export").count()
    r = client.get("/api/v1/people?limit=500", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 200
    assert AuditEvent.objects.filter(action="export").count() > before, "bulk personal-data read not audited"


# --- 3. bad input --------------------------------------------------------------


def test_fullwidth_digit_identifier_is_not_a_second_identity(org):
    existing = org.people["HVHC"].identifier
    # eleven full-width digits + the ASCII check digit: \d matches, int() parses, check digit compares equal
    full = existing[:-1].translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)}) + existing[-1]
    with pytest.raises(DomainError):
        org_services.create_person(
            org.users["admin"], identifier=full, full_name="Bản sao", category="si_quan", unit=org.unit("HVHC")
        )


def test_api_position_too_long_is_422_not_500(client, org):
    _t, secret = ApiToken.issue(org.users["admin"], "t")
    body = {
        "identifier": identifiers.make(24, 777),
        "full_name": "A B",
        "category": "si_quan",
        "unit_id": org.unit("HVHC").pk,
        "position": "x" * 500,
    }
    client.raise_request_exception = False
    r = client.post("/api/v1/people", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code in (400, 422), r.status_code
    assert (
        len(Person.objects.filter(identifier=body["identifier"]).first().position if r.status_code == 201 else "")
        <= 160
    )


def test_import_position_too_long_is_refused(org):
    up = xlsx(
        [[identifiers.make(24, 901), "Lê Văn A", "Nam", 1990, "Sĩ quan", "", "x" * 500, "HVHC"]],
        ["Mã định danh", "Họ và tên", "Giới tính", "Năm sinh", "Đối tượng", "Cấp bậc", "Chức vụ", "Mã đơn vị"],
    )
    with pytest.raises(DomainError):
        people_io.import_people(org.users["admin"], up)


def test_import_without_optional_columns_keeps_existing_values(org):
    p = org.people["HVHC"]
    p.gender, p.birth_year = "M", 1980
    p.save()
    up = xlsx([[p.identifier, p.full_name, "Sĩ quan", "HVHC"]], ["Mã định danh", "Họ và tên", "Đối tượng", "Mã đơn vị"])
    people_io.import_people(org.users["admin"], up)
    p.refresh_from_db()
    assert (p.gender, p.birth_year, p.rank, p.position) == ("M", 1980, "dai_uy", "Trợ lý"), (
        p.gender,
        p.birth_year,
        p.rank,
        p.position,
    )


def _broken_sheet_xlsx():
    wb = Workbook()
    wb.active.append(["Mã định danh", "Họ và tên", "Đối tượng", "Mã đơn vị"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            data = src.read(n)
            if n == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # truncated XML
            z.writestr(n, data)
    return SimpleUploadedFile("bad.xlsx", out.getvalue())


def test_truncated_sheet_xml_is_domain_error_not_500(client_for, org):
    c = client_for("admin")
    c.raise_request_exception = False
    r = c.post(reverse("org:people_import"), {"file": _broken_sheet_xlsx()})
    assert r.status_code == 200, r.status_code
    assert "bị hỏng" in r.content.decode()


def test_birth_year_fraction_is_refused(org):
    up = xlsx(
        [[identifiers.make(24, 902), "Lê Văn B", "Nam", 1990.7, "Sĩ quan", "", "", "HVHC"]],
        ["Mã định danh", "Họ và tên", "Giới tính", "Năm sinh", "Đối tượng", "Cấp bậc", "Chức vụ", "Mã đơn vị"],
    )
    with pytest.raises(DomainError):
        people_io.import_people(org.users["admin"], up)


# --- 2. audit / atomicity -----------------------------------------------------


def test_import_race_on_identifier_is_domain_error_not_integrityerror(org, monkeypatch):
    """Checks run outside the write transaction; a person created meanwhile makes bulk_create blow up."""
    ident = identifiers.make(24, 950)
    real_write = people_io._write

    def racing_write(parsed, existing, allowed):
        Person.objects.create(identifier=ident, full_name="Người khác", category="si_quan", unit=org.unit("BTL86"))
        return real_write(parsed, existing, allowed)

    monkeypatch.setattr(people_io, "_write", racing_write)
    up = xlsx([[ident, "Lê Văn C", "Sĩ quan", "HVHC"]], ["Mã định danh", "Họ và tên", "Đối tượng", "Mã đơn vị"])
    with pytest.raises(DomainError):
        people_io.import_people(org.users["admin"], up)


def test_password_change_and_its_audit_are_atomic(client_for, org, monkeypatch):
    from dxhub.accounts import services as acc

    def boom(user):
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(acc, "record_password_change", boom)
    c = client_for("admin")
    c.raise_request_exception = False
    old = User.objects.get(username="admin").password
    c.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Mat-khau-thu-2025",
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
    )
    assert User.objects.get(username="admin").password == old, "password changed with no audit event"


def test_import_cannot_pull_back_a_person_moved_out_of_scope_meanwhile(org, monkeypatch):
    """Scope is checked on rows read before the write transaction; the write saves the stale objects."""
    p = org.people["HVHC-CNTT"]
    real_write = people_io._write

    def racing_write(parsed, existing, allowed):
        # meanwhile the system admin transfers the person to BTL86 (outside nhaplieu_hvhc's scope)
        org_services.update_person(org.users["admin"], p, unit=org.unit("BTL86-TT"))
        return real_write(parsed, existing, allowed)

    monkeypatch.setattr(people_io, "_write", racing_write)
    up = xlsx(
        [[p.identifier, "Tên bị sửa", "Sĩ quan", "HVHC-CNTT"]], ["Mã định danh", "Họ và tên", "Đối tượng", "Mã đơn vị"]
    )
    with pytest.raises(DomainError, match="người khác thay đổi"):
        people_io.import_people(org.users["nhaplieu_hvhc"], up)
    p.refresh_from_db()
    assert p.unit.code == "BTL86-TT" and p.full_name != "Tên bị sửa", (p.unit.code, p.full_name)


def test_unit_admin_cannot_change_code_or_peer_group_of_own_top_unit(org):
    with pytest.raises(DomainError, match="cấp trên"):
        org_services.update_unit(org.users["qtv_hvhc"], org.unit("HVHC"), code="HVHC2")
    unit = org_services.update_unit(org.users["qtv_hvhc"], org.unit("HVHC"), name="Học viện Hậu cần (mới)")
    assert unit.code == "HVHC" and unit.name == "Học viện Hậu cần (mới)"
    assert org_services.update_unit(org.users["qtv_hvhc"], org.unit("HVHC-CNTT"), code="HVHC-IT").code == "HVHC-IT"


def test_nul_and_control_characters_are_refused(client, org):
    _t, secret = ApiToken.issue(org.users["admin"], "t")
    body = {
        "identifier": identifiers.make(24, 778),
        "full_name": "A\x00B",
        "category": "si_quan",
        "unit_id": org.unit("HVHC").pk,
    }
    r = client.post("/api/v1/people", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 400 and "ký tự điều khiển" in r.json()["problems"]["full_name"]


def test_huge_api_offset_is_422(client, org):
    _t, secret = ApiToken.issue(org.users["admin"], "t")
    r = client.get("/api/v1/units?offset=9223372036854775808", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert r.status_code == 422


def test_reading_stops_at_the_row_limit(org, monkeypatch):
    monkeypatch.setattr(people_io, "MAX_ROWS", 3)
    rows = [[identifiers.make(24, 960 + i), f"Người {i}", "Sĩ quan", "HVHC"] for i in range(10)]
    with pytest.raises(DomainError, match="hơn 3 dòng"):
        people_io.import_people(org.users["admin"], xlsx(rows, ["Mã định danh", "Họ và tên", "Đối tượng", "Mã đơn vị"]))


def test_a_name_that_is_a_number_is_refused(org):
    up = xlsx(
        [[identifiers.make(24, 903), 12345, "Sĩ quan", "HVHC"]], ["Mã định danh", "Họ và tên", "Đối tượng", "Mã đơn vị"]
    )
    with pytest.raises(DomainError) as exc:
        people_io.import_people(org.users["admin"], up)
    assert any("phải là chữ" in p for p in exc.value.problems)
