"""The pages: what each role sees and may do, and the refusals through the browser's forms."""

import datetime as dt

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dxhub.core.models import Notification
from dxhub.plans import digest, services, targets
from dxhub.plans.models import Assignment, ProgressUpdate, UnitTarget

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_leader_hands_down_from_the_task_page(plans):
    c = client_for(plans.user("lanhdao_bqp"))
    page = c.get(f"/ke-hoach/nhiem-vu/{plans.task.pk}/")
    assert page.status_code == 200 and "Giao cho đơn vị cấp dưới" in page.content.decode()
    u = plans.units
    r = c.post(
        f"/ke-hoach/nhiem-vu/{plans.task.pk}/", {"units": [u["HVHC"].pk], "codes": "BTL86-TT", "due": "2026-10-31"}
    )
    assert r.status_code == 302
    assert set(Assignment.objects.values_list("unit__code", flat=True)) == {"HVHC", "BTL86-TT"}
    # a forged unit id outside the scope of the academy's administrator
    academy = Assignment.objects.get(unit=u["HVHC"])
    c2 = client_for(plans.user("qtv_hvhc"))
    r = c2.post(f"/ke-hoach/giao/{academy.pk}/", {"what": "hand_down", "codes": "BTL86"}, follow=True)
    assert "ngoài phạm vi" in r.content.decode() and Assignment.objects.count() == 2
    r = c2.post(f"/ke-hoach/giao/{academy.pk}/", {"what": "hand_down", "units": [u["HVHC-TD1"].pk]}, follow=True)
    assert "Đã giao nhiệm vụ cho 1 đơn vị" in r.content.decode()


def test_progress_with_files_and_scope(plans):
    u = plans.units
    services.hand_down(plans.user("lanhdao_bqp"), plans.task, [u["HVHC"], u["BTL86"]])
    academy = Assignment.objects.get(unit=u["HVHC"])
    command = Assignment.objects.get(unit=u["BTL86"])
    c = client_for(plans.user("nhaplieu_hvhc"))
    assert c.get(f"/ke-hoach/giao/{command.pk}/").status_code == 404  # another unit's assignment
    r = c.post(
        f"/ke-hoach/giao/{academy.pk}/",
        {
            "what": "progress",
            "progress": "40",
            "note": "Đã lắp thiết bị",
            "files": SimpleUploadedFile("anh.pdf", PDF, content_type="application/pdf"),
        },
        follow=True,
    )
    assert "Đã cập nhật tiến độ" in r.content.decode()
    academy.refresh_from_db()
    assert academy.progress == 40 and academy.last_note == "Đã lắp thiết bị"
    f = ProgressUpdate.objects.get().files.get()
    assert c.get(f"/ke-hoach/tep/{f.pk}/").status_code == 200
    assert client_for(plans.user("nhaplieu_86tt")).get(f"/ke-hoach/tep/{f.pk}/").status_code == 404
    # a renamed executable is refused, nothing written
    r = c.post(
        f"/ke-hoach/giao/{academy.pk}/",
        {"what": "progress", "done": "on", "note": "Xong", "outputs": SimpleUploadedFile("kq.pdf", b"MZ\x90\x00")},
        follow=True,
    )
    assert "không đúng loại" in r.content.decode() and ProgressUpdate.objects.count() == 1


def test_pages_render_for_the_leader(plans):
    u = plans.units
    services.hand_down(plans.user("lanhdao_bqp"), plans.task, [u["HVHC"], u["BTL86"]], due=dt.date(2026, 3, 31))
    target = plans.target("80")
    targets.cascade(plans.user("lanhdao_bqp"), target.shares.get(), {u["HVHC"]: "90", u["BTL86"]: None})
    plans.approve("HVHC", "2025-Q3", plans.cat.GOOD)
    c = client_for(plans.user("lanhdao_bqp"))
    for url in [
        "/ke-hoach/",
        f"/ke-hoach/{plans.plan.pk}/",
        f"/ke-hoach/{plans.plan.pk}/lo-trinh/",
        f"/ke-hoach/{plans.plan.pk}/lo-trinh/?unit=HVHC",
        "/ke-hoach/canh-bao/",
        "/ke-hoach/canh-bao/?kind=targets",
        "/ke-hoach/ban-do-nhiet/",
        "/ke-hoach/so-ket/?from=2026-01-01&to=2026-06-30",
        "/ke-hoach/viec-cua-don-vi/",
        f"/ke-hoach/chi-tieu/{target.shares.get(parent=None).pk}/",
        "/",
    ]:
        r = c.get(url)
        assert r.status_code == 200, url
    heat = c.get("/ke-hoach/ban-do-nhiet/?unit=BQP").content.decode()
    assert "Học viện Hậu cần" in heat or "HVHC" in heat
    late = c.get("/ke-hoach/canh-bao/?kind=overdue&unit=BQP").content.decode()
    assert late.count('href="/ke-hoach/giao/') == 2
    # outside the scope: another unit's alerts, heat map and shares
    c86 = client_for(plans.user("lanhdao_86"))
    assert c86.get("/ke-hoach/canh-bao/?unit=HVHC").status_code == 404
    assert c86.get("/ke-hoach/ban-do-nhiet/?unit=BQP").status_code == 404
    share = UnitTarget.objects.get(unit=u["HVHC"])
    assert c86.get(f"/ke-hoach/chi-tieu/{share.pk}/").status_code == 404
    # the superior's plan is readable below, but not editable
    assert c86.get(f"/ke-hoach/{plans.plan.pk}/").status_code == 200
    assert c86.get(f"/ke-hoach/{plans.plan.pk}/sua/").status_code == 404


def test_cascade_form_refuses_bad_values(plans):
    u = plans.units
    top = plans.target("80").shares.get()
    c = client_for(plans.user("lanhdao_bqp"))
    r = c.post(
        f"/ke-hoach/chi-tieu/{top.pk}/",
        {"pick": [u["HVHC"].pk, u["BTL86"].pk], f"value_{u['HVHC'].pk}": "150"},
        follow=True,
    )
    assert "ngoài khoảng" in r.content.decode() and UnitTarget.objects.count() == 1
    r = c.post(f"/ke-hoach/chi-tieu/{top.pk}/", {"pick": [u["HVHC"].pk], f"value_{u['HVHC'].pk}": "95"}, follow=True)
    assert "Đã giao chỉ tiêu cho 1 đơn vị" in r.content.decode()


def test_plan_form_and_task_form_messages(plans):
    c = client_for(plans.user("lanhdao_bqp"))
    r = c.post(
        f"/ke-hoach/{plans.plan.pk}/nhiem-vu/moi/",
        {"code": "NV09", "title": "Thử", "lead": "BQP", "start": "2026-05-01", "due": "2026-04-01", "priority": "2"},
    )
    assert r.status_code == 200 and "trước ngày bắt đầu" in r.content.decode()
    r = c.post(
        "/ke-hoach/moi/",
        {
            "code": "KH-X",
            "kind": "plan",
            "title": "Kế hoạch thử",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "owner": "BQP",
            "objectives": "MT1 Hạ tầng",
        },
    )
    assert "mã: nội dung" in r.content.decode()
    r = c.post(
        "/ke-hoach/moi/",
        {
            "code": "KH-X",
            "kind": "plan",
            "title": "Kế hoạch thử",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "owner": "BQP",
            "objectives": "MT1: Hạ tầng",
            "themes": "2026: Năm dữ liệu số",
            "parent": plans.plan.pk,
        },
    )
    assert r.status_code == 302


def test_digest_once_a_day(plans, django_capture_on_commit_callbacks):
    u = plans.units
    services.hand_down(plans.user("lanhdao_bqp"), plans.task, [u["HVHC"]], due=dt.date(2026, 3, 31))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changed, sent = digest.run(dt.date(2026, 4, 5))
    assert sent >= 1
    note = Notification.objects.get(user=plans.user("nhaplieu_hvhc"), title__startswith="Tóm tắt")
    assert "Quá hạn: 1" in note.body and "NV01" in note.body
    assert any("Tóm tắt" in m.subject and m.to == ["nhaplieu_hvhc@mil.vn"] for m in mail.outbox)
    assert digest.run(dt.date(2026, 4, 5))[1] == 0


def test_superior_task_seen_from_below(plans):
    u = plans.units
    services.hand_down(plans.user("lanhdao_bqp"), plans.task, [u["HVHC"], u["BTL86"]])
    academy = Assignment.objects.get(unit=u["HVHC"])
    services.hand_down(plans.user("qtv_hvhc"), plans.task, [u["HVHC-TD1"]], parent=academy)
    td1 = Assignment.objects.get(unit=u["HVHC-TD1"])
    services.report_progress(plans.user("nhaplieu_td1"), td1, 60, "Đã kéo cáp")
    page = client_for(plans.user("lanhdao_86")).get(f"/ke-hoach/nhiem-vu/{plans.task.pk}/").content.decode()
    assert "Bộ Tư lệnh 86" in page and "Học viện Hậu cần" not in page.split('id="dx-task-assignments"')[1]
    assert "Tiến độ phần việc trong phạm vi của bạn" in page and 'id="dx-task-progress">0%' in page
    page = client_for(plans.user("qtv_hvhc")).get(f"/ke-hoach/nhiem-vu/{plans.task.pk}/").content.decode()
    rows = page.split('id="dx-task-assignments"')[1].split("</table>")[0]
    assert "Học viện Hậu cần" in rows and "Tiểu đoàn 1" not in rows  # its own branch's top, not the one below
    assert 'id="dx-task-progress">60%' in page  # the academy's share; the whole task stands at 30 %
