import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dxhub.audit.models import AuditEvent
from dxhub.audit.services import record, verify_chain
from dxhub.org import services


@pytest.fixture
def events(org):
    admin = org.users["admin"]
    for i in range(5):
        services.create_unit(admin, org.unit("BTL86"), code=f"T{i}", name=f"Tổ {i}", kind="co_quan")
    return list(AuditEvent.objects.order_by("seq"))


def test_chain_verifies(events, capsys):
    assert verify_chain().ok and verify_chain().checked == 5
    call_command("verify_audit")
    assert "toàn vẹn" in capsys.readouterr().out


def test_event_records_actor_request_and_before_after(client_for, org):
    c = client_for("qtv_hvhc")
    unit = org.unit("HVHC-CNTT")
    c.post(
        reverse("org:unit_edit", args=[unit.pk]),
        {"code": "HVHC-CNTT", "name": "Ban CNTT và CĐS", "kind": "co_quan", "is_active": "on"},
        HTTP_X_REQUEST_ID="req-12345678",
    )
    ev = AuditEvent.objects.get(action="update")
    assert ev.username == "qtv_hvhc" and ev.request_id == "req-12345678" and ev.unit_id == unit.pk
    assert ev.before["name"] == "Ban Công nghệ thông tin" and ev.after["name"] == "Ban CNTT và CĐS"


def test_tampered_content_is_found(events):
    AuditEvent.objects.filter(seq=3).update(after={"name": "sửa lén"})
    result = verify_chain()
    assert result.first_bad_seq == 3 and result.reason == "content"
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit")


def test_recomputed_hash_breaks_the_next_link(events):
    from dxhub.audit.services import compute_hash

    ev = AuditEvent.objects.get(seq=2)
    ev.username = "ke-gian"
    ev.hash = compute_hash(ev)
    ev.save()
    result = verify_chain()
    assert result.first_bad_seq == 3 and result.reason == "link"


def test_deleted_record_is_found(events):
    AuditEvent.objects.filter(seq=4).delete()
    assert verify_chain().first_bad_seq == 4
    AuditEvent.objects.filter(seq=5).delete()


def test_deleted_tail_is_found(events):
    AuditEvent.objects.filter(seq=5).delete()
    assert verify_chain().reason == "truncated"


def test_failed_write_leaves_no_event(org):
    from django.db import transaction

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record("update", org.unit("HVHC"), after={"x": 1})
        raise RuntimeError
    assert AuditEvent.objects.count() == before and verify_chain().ok


def test_audit_page_scoped_and_filtered(client_for, org, events):
    services.create_unit(org.users["admin"], org.unit("HVHC"), code="K1", name="Khoa Hậu cần", kind="co_quan")
    html = client_for("qtv_hvhc").get(reverse("audit:list")).content.decode()
    assert "Khoa Hậu cần" in html and "Tổ 1" not in html
    c = client_for("admin")
    html = c.get(reverse("audit:list"), {"unit": "BTL86"}).content.decode()
    assert "Tổ 1" in html and "Khoa Hậu cần" not in html
    html = c.get(reverse("audit:list"), {"user": "nobody"}).content.decode()
    assert "Không có sự kiện nào" in html
    assert client_for("nhaplieu_hvhc").get(reverse("audit:list")).status_code == 404
    seq = AuditEvent.objects.get(object_repr="Tổ 1").seq
    assert client_for("qtv_hvhc").get(reverse("audit:detail", args=[seq])).status_code == 404


def test_audit_page_date_filter(client_for, org, events):
    import datetime as dt

    from django.utils import timezone

    c = client_for("admin")
    today = timezone.localdate()
    html = c.get(reverse("audit:list"), {"date_from": today.isoformat(), "date_to": today.isoformat()}).content.decode()
    assert "Tổ 4" in html
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    html = c.get(reverse("audit:list"), {"date_to": yesterday}).content.decode()
    assert "Tổ 4" not in html and "Không có sự kiện nào" in html
    html = c.get(reverse("audit:list"), {"date_from": "không-phải-ngày"}).content.decode()
    assert "Nhập một ngày hợp lệ" in html
