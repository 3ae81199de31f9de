"""Large exports run in the real task worker (django-tasks-db's db_worker)."""

import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from dxhub.audit.models import AuditEvent
from dxhub.core.models import Job


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_large_export_goes_to_the_worker_and_only_its_owner_gets_the_file(transactional_db, client_for, org, settings):
    # transactional: the job is queued on commit, and the worker closes its connections as in production
    settings.DXHUB_SYNC_EXPORT_MAX_ROWS = 2
    c = client_for("qtv_hvhc")
    response = c.get(reverse("org:people_export", args=["xlsx"]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == Job.Status.QUEUED and job.task_id
    assert "Đang chờ" in c.get(response["Location"]).content.decode()

    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == 4
    fragment = c.get(reverse("core:job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Tải tệp" in fragment and "every 2s" not in fragment
    body = b"".join(c.get(reverse("core:job_download", args=[job.pk])).streaming_content)
    names = {r[1] for r in load_workbook(io.BytesIO(body)).active.iter_rows(min_row=2, values_only=True)}
    assert names == {"Trần Thị Bích", "Lê Đức Cường", "Phạm Minh Đức", "Hoàng Thị Én"}
    export = AuditEvent.objects.get(action="export")
    assert export.username == "qtv_hvhc" and export.after["rows"] == 4

    other = client_for("lanhdao_86")
    assert other.get(reverse("core:job", args=[job.pk])).status_code == 404
    assert other.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_small_export_is_immediate_and_audited(client_for, org):
    response = client_for("lanhdao_86").get(reverse("org:people_export", args=["csv"]), {"q": "giang"})
    assert response.status_code == 200 and "Vũ Văn Giang" in response.content.decode("utf-8-sig")
    assert AuditEvent.objects.get(action="export").after == {
        "filters": {"q": "giang", "unit": "", "category": ""},
        "format": "csv",
        "rows": 1,
    }
    assert not Job.objects.exists()


def test_export_with_a_forged_unit_is_refused(client_for, org):
    c = client_for("lanhdao_86")
    response = c.get(reverse("org:people_export", args=["csv"]), {"unit": "HVHC"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("org:people"))
    assert "ngoài phạm vi" in html and "Trần Thị Bích" not in html
    assert not AuditEvent.objects.filter(action="export").exists()
