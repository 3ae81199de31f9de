"""Starting and reporting background jobs (django-tasks, database queue)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .models import Job


def start(user, kind: str, title: str, task, params: dict) -> Job:
    """Create the Job row and queue ``task(job_id)`` once the row is committed."""
    job = Job.objects.create(user=user, kind=kind, title=title, params=params)

    def enqueue():
        result = task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


class Progress:
    """Progress reporting from inside a task, written at most every ``every`` rows."""

    def __init__(self, job: Job, total: int, every: int = 2000):
        self.job, self.every = job, every
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, total=total, done=0)

    def tick(self, done: int) -> None:
        if done % self.every == 0:
            Job.objects.filter(pk=self.job.pk).update(done=done)

    def finish(self, filename: str, content: bytes, done: int) -> None:
        job = Job.objects.get(pk=self.job.pk)
        job.file.save(filename, ContentFile(content), save=False)
        job.filename, job.done, job.status, job.finished_at = filename, done, Job.Status.DONE, timezone.now()
        job.save()


def fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, message=message, finished_at=timezone.now())
