from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from dxhub.accounts.roles import Action
from dxhub.org.models import Person, Unit

from .context_processors import MODULES
from .models import Job, Notification


@login_required
def home(request):
    units = Unit.objects.restrict(request.user, Action.VIEW)
    people = Person.objects.restrict(request.user, Action.VIEW)
    roles = request.user.role_assignments.filter(is_active=True).select_related("unit").order_by("unit__path")
    from dxhub.assessment import services as assessment  # the home page gathers what each module asks
    from dxhub.plans import services as plans
    from dxhub.reporting import progress

    return render(
        request,
        "core/home.html",
        {
            "unit_count": units.count(),
            "person_count": people.filter(is_active=True).count(),
            "roles": roles,
            "to_report": progress.to_report(request.user, limit=0)[1],
            "to_review": progress.to_review(request.user).count(),
            "to_self_assess": assessment.self_todo(request.user).count(),
            "to_assess": assessment.review_queue(request.user).count(),
            "plan_alerts": plans.counts(request.user, desks=True),
        },
    )


def healthz(request):
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def coming_soon(request, module):
    names = dict(MODULES)
    if module not in names:
        raise Http404
    return render(request, "core/coming_soon.html", {"module_name": names[module]})


@login_required
def job_detail(request, pk):
    """A background job's progress; the page polls itself (htmx) until the job ends."""
    job = get_object_or_404(Job, pk=pk, user=request.user)
    template = "core/_job_status.html" if request.htmx else "core/job.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = get_object_or_404(Job, pk=pk, user=request.user, status=Job.Status.DONE)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@login_required
def notifications(request):
    """The user's notifications, newest first; opening the page marks them read."""
    items = list(Notification.objects.filter(user=request.user)[:100])
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/notifications.html", {"items": items})
