"""Pages of periodic reporting through the whole Django stack."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dxhub.audit.models import AuditEvent
from dxhub.core.models import Notification
from dxhub.reporting import excel, progress, submissions
from dxhub.reporting.models import Submission, Value

S = Submission.Status


@pytest.fixture
def as_user(client, cat):
    def login(username):
        client.force_login(cat.users[username])
        return client

    return login


def test_start_fill_autosave_and_send_from_the_browser_pages(as_user, cat, org):
    c = as_user("nhaplieu_hvhc")
    r = c.post(reverse("reporting:start"), {"unit": "HVHC-CNTT", "form": "BC-CDS-QUY", "period": "2025-Q3"})
    sub = Submission.objects.get(unit=org.units["HVHC-CNTT"])
    assert r.status_code == 302 and r["Location"] == reverse("reporting:submission", args=[sub.pk])
    page = c.get(r["Location"]).content.decode()
    assert "Ban Công nghệ thông tin" in page and 'name="v_PERSONNEL"' in page
    # the autosave (htmx) answers with the status line and the new revision
    fields = {f"v_{k}": v for k, v in cat.GOOD.items()} | {"revision": sub.revision}
    r = c.post(reverse("reporting:save", args=[sub.pk]), fields, HTTP_HX_REQUEST="true")
    text = r.content.decode()
    assert "Đã tự động lưu nháp" in text and f'value="{sub.revision + 1}"' in text
    assert Value.objects.get(submission=sub, indicator=cat.docs).num == 400
    # a save from a stale copy (the revision the page was opened with) is refused, visibly
    r = c.post(reverse("reporting:save", args=[sub.pk]), fields | {"v_DOC_TOTAL": "1"}, HTTP_HX_REQUEST="true")
    assert "tải lại phiếu" in r.content.decode()
    assert Value.objects.get(submission=sub, indicator=cat.docs).num == 400
    r = c.post(reverse("reporting:save", args=[sub.pk]), fields | {"revision": sub.revision + 1, "send": "1"})
    assert r.status_code == 302
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED


def test_a_bad_value_on_the_page_is_named_and_not_saved(as_user, cat, org):
    c = as_user("nhaplieu_hvhc")
    sub = submissions.open_submission(cat.users["nhaplieu_hvhc"], org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    r = c.post(
        reverse("reporting:save", args=[sub.pk]),
        {"v_UPTIME": "130", "v_PERSONNEL": "abc", "revision": sub.revision},
        HTTP_HX_REQUEST="true",
    )
    text = r.content.decode()
    assert "vượt quá 100%" in text and "“abc” không phải là số" in text
    assert not Value.objects.filter(submission=sub).exists()


def test_reviewer_queue_bulk_approves_and_the_dashboard_shows_it_at_once(as_user, cat, org):
    a, b = cat.filled("HVHC-CNTT"), cat.filled("HVHC-TD1")
    c = as_user("pheduyet_bqp")
    page = c.get(reverse("reporting:queue")).content.decode()
    assert "Ban Công nghệ thông tin" in page and "Tiểu đoàn 1 học viên" in page
    r = c.post(reverse("reporting:queue"), {"ids": [a.pk, b.pk]}, follow=True)
    assert "Đã duyệt 2 phiếu." in r.content.decode()
    assert set(Submission.objects.values_list("status", flat=True)) == {S.APPROVED}
    page = c.get(reverse("reporting:dashboard") + "?unit=BQP&form=BC-CDS-QUY&period=2025-Q3").content.decode()
    assert 'data-code="DOC_TOTAL"' in page and ">800<" in page.replace(" ", "")
    assert "Đã báo cáo 2/7 đơn vị" in page
    r = c.get(reverse("reporting:dashboard") + "?unit=BQP&form=BC-CDS-QUY&period=2025-Q3&format=xlsx")
    rows = {row[0]: row for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True)}
    assert rows["DOC_TOTAL"][2] == 800 and rows["DOC_SIGNED_PCT"][2] == 75


def test_queue_refuses_a_forged_id_outside_the_reviewers_subtree(as_user, cat):
    sub = cat.filled("HVHC-CNTT")
    r = as_user("pheduyet_86").post(reverse("reporting:queue"), {"ids": [sub.pk]}, follow=True)
    assert "ngoài phạm vi" in r.content.decode()
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED


def test_return_and_reopen_from_the_submission_page(as_user, cat):
    sub = cat.filled("HVHC-CNTT")
    c = as_user("pheduyet_bqp")
    r = c.post(reverse("reporting:decide", args=[sub.pk, "return"]), {"reason": ""}, follow=True)
    assert "Cần ghi rõ lý do trả lại" in r.content.decode()
    c.post(reverse("reporting:decide", args=[sub.pk, "return"]), {"reason": "Thiếu số liệu"})
    assert Submission.objects.get(pk=sub.pk).status == S.RETURNED
    assert Notification.objects.filter(user=cat.users["nhaplieu_hvhc"], title__startswith="Trả lại").exists()
    page = as_user("nhaplieu_hvhc").get(reverse("core:notifications")).content.decode()
    assert "Thiếu số liệu" in page


def test_pages_outside_the_users_scope_are_404(as_user, cat):
    sub = cat.filled("HVHC-CNTT")
    c = as_user("nhaplieu_86tt")
    assert c.get(reverse("reporting:submission", args=[sub.pk])).status_code == 404
    assert c.post(reverse("reporting:decide", args=[sub.pk, "approve"])).status_code == 404
    assert c.get(reverse("reporting:dashboard") + "?unit=HVHC").status_code == 404
    assert c.get(reverse("reporting:completeness") + "?unit=HVHC").status_code == 404
    assert c.get(reverse("reporting:figures", args=["DOC_TOTAL"]) + "?unit=HVHC").status_code == 404
    r = c.post(reverse("reporting:start"), {"unit": "HVHC-CNTT", "form": "BC-CDS-QUY", "period": "2025-Q3"})
    assert r.status_code == 404


def test_completeness_matrix_marks_states_and_late_units_and_exports(as_user, cat, org):
    cat.filled("HVHC-CNTT")
    cat.filled("HVHC-TD1", send=False)
    c = as_user("admin")
    page = c.get(reverse("reporting:completeness") + "?unit=HVHC&form=BC-CDS-QUY").content.decode()
    assert "dx-status-submitted" in page and "dx-status-draft" in page and "dx-late" in page
    r = c.get(reverse("reporting:completeness") + "?unit=HVHC&form=BC-CDS-QUY&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"HVHC", "HVHC-CNTT", "HVHC-TD1", "HVHC-TD1-DD1"}
    r = c.get(reverse("reporting:completeness") + "?unit=HVHC&form=BC-CDS-QUY&format=csv")
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert lines[0][:2] == ["Mã đơn vị", "Đơn vị"] and len(lines) == 5
    assert AuditEvent.objects.filter(action="export", object_type="reporting.table").count() == 2


def test_indicator_trend_and_drill_down(as_user, cat, org):
    reviewer = cat.users["pheduyet_bqp"]
    for period, total in (("2025-Q2", "300"), ("2025-Q3", "400")):
        cat.form.jump_threshold = 100
        cat.form.save()
        submissions.approve(reviewer, [cat.filled("HVHC-CNTT", period=period, values=cat.GOOD | {"DOC_TOTAL": total})])
    c = as_user("admin")
    page = c.get(reverse("reporting:figures", args=["DOC_TOTAL"]) + "?unit=BQP&period=2025-Q3").content.decode()
    chart = json.loads(re.search(r'id="dx-trend" type="application/json">(.*?)</script>', page)[1])
    assert chart["labels"] == ["Quý II/2025", "Quý III/2025"] and chart["values"] == [300.0, 400.0]
    assert "?unit=HVHC&period=2025-Q3" in page  # drill-down into the children
    r = c.get(reverse("reporting:figures", args=["DOC_TOTAL"]) + "?unit=BQP&period=2025-Q3&format=csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1][0] == "HVHC" and rows[1][2].startswith("400")


def test_excel_page_downloads_and_uploads_with_messages(as_user, cat, org):
    c = as_user("nhaplieu_hvhc")
    r = c.get(reverse("reporting:excel") + "?unit=HVHC&form=BC-CDS-QUY&period=2025-Q3&subtree=1&download=1")
    assert r["Content-Disposition"].endswith('BC-CDS-QUY-2025-Q3-HVHC.xlsx"')
    assert AuditEvent.objects.filter(action="export", object_type="reporting.template").exists()
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb[excel.SHEET]
    cols = {cell.value: cell.column for cell in ws[2] if cell.value}
    ws.cell(5, cols["PERSONNEL"], "nhiều")
    bad = io.BytesIO()
    wb.save(bad)
    bad.seek(0)
    bad.name = "bao-cao.xlsx"
    data = {"unit": "HVHC", "form": "BC-CDS-QUY", "period": "2025-Q3", "subtree": "1"}
    page = c.post(reverse("reporting:excel"), data | {"file": bad}).content.decode()
    assert "dòng 5, cột D (PERSONNEL)" in page and not Submission.objects.exists()
    ws.cell(5, cols["PERSONNEL"], 150)
    good = io.BytesIO()
    wb.save(good)
    good.seek(0)
    good.name = "bao-cao.xlsx"
    r = c.post(reverse("reporting:excel"), data | {"file": good}, follow=True)
    assert "Đã nhập số liệu của 1 đơn vị" in r.content.decode()
    assert Value.objects.get(submission__unit=org.units["HVHC-CNTT"], indicator=cat.personnel).num == 150


def test_my_work_lists_what_to_report_and_to_review(as_user, cat, org):
    cat.filled("HVHC-CNTT", period="2025-Q3")
    page = as_user("nhaplieu_hvhc").get(reverse("reporting:my_work")).content.decode()
    assert "Bắt đầu nhập" in page and "Học viện Hậu cần" in page
    page = as_user("pheduyet_bqp").get(reverse("reporting:my_work")).content.decode()
    assert "Chờ tôi duyệt (1)" in page and "Ban Công nghệ thông tin" in page


def test_home_page_counts_what_to_report_and_to_review(as_user, cat):
    cat.filled("HVHC-CNTT", period=progress.recent_periods(cat.form, 1)[0].code)
    page = as_user("pheduyet_bqp").get(reverse("core:home")).content.decode()
    assert re.search(r'id="dx-to-review">1<', page)
    page = as_user("nhaplieu_hvhc").get(reverse("core:home")).content.decode()
    assert re.search(r'id="dx-to-report">3<', page)  # HVHC, HVHC-TD1, HVHC-TD1-DD1 (HVHC-CNTT has sent)
