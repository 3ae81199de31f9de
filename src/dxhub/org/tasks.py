"""Background work of the org module, run by the task worker (manage.py db_worker)."""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dxhub.audit.context import acting_as
from dxhub.core import jobs
from dxhub.core.models import Job

from . import people_io

log = logging.getLogger(__name__)


@task()
def export_people(job_id: int) -> int:
    """Write the people list the job's user asked for; returns the number of rows."""
    job = Job.objects.select_related("user").get(pk=job_id)
    params = job.params
    try:
        with acting_as(job.user, request_id=f"job-{job.pk}"):
            qs, _unit = people_io.filter_people(
                job.user, q=params.get("q", ""), unit_code=params.get("unit", ""), category=params.get("category", "")
            )
            total = qs.count()
            progress = jobs.Progress(job, total)
            count = 0

            def on_row(n):
                nonlocal count
                count = n
                progress.tick(n)

            body = people_io.export_people(qs, params["format"], on_row)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            progress.finish(f"quan-so-{stamp}.{params['format']}", body, count)
            people_io.record_export(job.user, params, params["format"], count)
    except Exception:
        log.exception("people export job %s failed", job_id)
        jobs.fail(job_id, _("Không xuất được danh sách do lỗi hệ thống; hãy thử lại hoặc báo quản trị hệ thống."))
        raise
    return count
