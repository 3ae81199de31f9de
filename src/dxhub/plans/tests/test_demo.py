"""The demo plans ``seed_demo`` loads: linked plans, a task handed two levels, late and
finished work, targets in several states, and nothing new on a second load."""

import unicodedata

from django.core.management import call_command
from django.utils import timezone

from dxhub.accounts.models import User
from dxhub.audit.models import AuditEvent
from dxhub.plans import demo, services
from dxhub.plans.models import Assignment, Plan, ProgressUpdate, Task, UnitTarget, UpdateFile


def _counts():
    return tuple(
        m.objects.count() for m in (Plan, Task, Assignment, ProgressUpdate, UpdateFile, UnitTarget, AuditEvent)
    )


def test_seed_demo_loads_the_plans(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", people=0, quiet=True)  # the plans need no personnel
    today = timezone.localdate()

    programme = Plan.objects.get(code=demo.PROGRAMME)
    plan = Plan.objects.get(code=demo.PLAN)
    yearly = Plan.objects.get(kind=Plan.Kind.YEARLY, owner__code="HVHC")
    assert (programme.kind, programme.start.year, programme.end.year) == ("programme", 2021, 2025)
    assert plan.parent == programme and yearly.parent == plan
    assert plan.start <= today <= plan.end and yearly.start <= today <= yearly.end
    assert 4 <= plan.objectives.count() <= 6
    assert programme.themes.get(year=2024).title.startswith("Mở rộng hạ tầng số đồng bộ, rộng khắp")
    assert set(plan.themes.values_list("year", flat=True)) == {2026, 2027, 2028, 2029, 2030}
    texts = [t for p in Plan.objects.all() for t in (p.title, p.summary)]
    texts += list(Task.objects.values_list("title", flat=True))
    texts += list(ProgressUpdate.objects.values_list("note", flat=True))
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)

    # Handed two levels: the ministry to the academy, the academy to its own units.
    task = Task.objects.get(plan=plan, code="KH02")
    academy = Assignment.objects.get(task=task, unit__code="HVHC")
    assert academy.unit.depth == 2 and academy.parent is None
    below = Assignment.objects.filter(task=task, parent=academy)
    assert below.count() == academy.children_count >= 5
    assert set(below.values_list("unit__depth", flat=True)) == {3}
    assert 0 < academy.progress < 100  # rolled up from the units below

    boss = User.objects.get(username="lanhdao.bqp")
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert {"done", "in_progress"} <= statuses
    late = services.overdue(boss)
    assert late.filter(task__plan=programme).exists() and late.filter(task__plan__in=[plan, yearly]).exists()
    assert late.exclude(last_note="").count() == late.count()  # each late one says why
    assert services.due_soon(boss).exists() and services.behind(boss).exists()
    assert (
        Assignment.objects.filter(task__plan=programme, status="done").count()
        > 0.8 * Assignment.objects.filter(task__plan=programme).count()
    )
    finished = Assignment.objects.filter(status="done")
    assert all(a.completed_at is not None and timezone.localdate(a.completed_at) <= today for a in finished)
    pdf = UpdateFile.objects.filter(is_output=True).exclude(file="").first()
    with pdf.file.open("rb") as f:
        assert f.read().startswith(b"%PDF-1.4")
    # written through the services by the demo accounts, so audited as them
    assert AuditEvent.objects.filter(username="nhaplieu.vphvhc", object_type="plans.assignment").exists()

    shares = UnitTarget.objects.all()
    assert len(set(shares.values_list("status", flat=True))) >= 3
    assert {"achieved", "on_track", "at_risk", "off_track"} <= set(shares.values_list("status", flat=True))
    two_levels = shares.filter(parent__unit__code="HVHC", parent__parent__unit__code="BQP")
    assert two_levels.exists() and set(two_levels.values_list("unit__depth", flat=True)) == {3}

    before = _counts()
    assert demo.load_plans() == []
    assert _counts() == before
