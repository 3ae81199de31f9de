from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render

from dxhub.accounts.roles import Action
from dxhub.org.models import Person, Unit

from .context_processors import MODULES


@login_required
def home(request):
    units = Unit.objects.restrict(request.user, Action.VIEW)
    people = Person.objects.restrict(request.user, Action.VIEW)
    roles = request.user.role_assignments.filter(is_active=True).select_related("unit").order_by("unit__path")
    return render(
        request,
        "core/home.html",
        {
            "unit_count": units.count(),
            "person_count": people.filter(is_active=True).count(),
            "roles": roles,
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
