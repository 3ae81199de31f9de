"""Pages of the plans module: thin wrappers over ``services``, ``targets`` and ``excel``."""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers, path_q, scope_paths
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope, show_on_form
from dxhub.core.paging import paginate, query_without_page
from dxhub.core.text import nfc
from dxhub.org.models import Unit
from dxhub.reporting.periods import Period

from . import excel, services, targets
from .forms import HandDownForm, ImportForm, PlanForm, ProgressForm, ReasonForm, TargetForm, TaskForm, codes
from .models import Assignment, Plan, Task, UnitTarget, UpdateFile

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _flash(request, exc: DomainError) -> None:
    """A refused operation on the next page: the message, then the problems when they
    are a list of sentences (problems by field only repeat the message in short)."""
    messages.error(request, exc.message)
    if isinstance(exc.problems, list):
        for problem in exc.problems[:20]:
            messages.warning(request, problem)


def _plan(request, pk) -> Plan:
    try:
        return services.plan_in_scope(request.user, pk)
    except NotInScope:
        raise Http404 from None


def _task(request, pk) -> Task:
    try:
        return services.task_in_scope(request.user, pk)
    except NotInScope:
        raise Http404 from None


def _assignment(request, pk, action=Action.VIEW) -> Assignment:
    try:
        return services.assignment_in_scope(request.user, pk, action)
    except NotInScope:
        raise Http404 from None


def _unit(request, code=None, action=Action.VIEW) -> Unit:
    """The unit named by code in the request, or the user's top unit; 404 outside scope."""
    code = nfc(code if code is not None else request.GET.get("unit")).upper()
    if code:
        return Unit.objects.get_in_scope(request.user, action, code=code)
    roots = scope_paths(request.user, action)
    if not roots:
        raise Http404
    return Unit.objects.get(path=roots[0])


def _unit_codes(request, values: list[str], action=Action.MANAGE_PLAN) -> list[Unit]:
    """Units by code, each in the user's scope for ``action``; an unknown or foreign
    code is refused with its name."""
    units = {u.code: u for u in Unit.objects.restrict(request.user, action).filter(code__in=values)}
    missing = [c for c in values if c not in units]
    if missing:
        raise DomainError(
            _("Mã đơn vị không có hoặc nằm ngoài phạm vi của bạn: %(codes)s.") % {"codes": ", ".join(missing)},
            {"codes": ", ".join(missing)},
        )
    return [units[c] for c in values]


def _xlsx(name: str, data: bytes, what: str, rows: int) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    audit.record("export", None, object_type="plans.list", object_id=name, object_repr=f"{what} ({rows} dòng)")
    return response


# --- plans ---------------------------------------------------------------------------------


@login_required
def index(request):
    """The plan tree: each plan under the plan it implements."""
    plans = list(services.visible_plans(request.user).select_related("owner").order_by("start", "code"))
    ids = {p.pk for p in plans}
    children = defaultdict(list)
    for p in plans:
        children[p.parent_id if p.parent_id in ids else None].append(p)

    def walk(parent_id, depth):
        for p in children.get(parent_id, []):
            yield p, depth
            yield from walk(p.pk, depth + 1)

    return render(
        request,
        "plans/index.html",
        {
            "rows": list(walk(None, 0)),
            "counts": services.counts(request.user),
            "can_issue": bool(scope_paths(request.user, Action.MANAGE_PLAN)),
        },
    )


def _plan_form(request, plan: Plan | None):
    parents = services.visible_plans(request.user).exclude(pk=getattr(plan, "pk", None)).order_by("start")
    initial = {}
    if plan is not None:
        initial = {
            "code": plan.code,
            "kind": plan.kind,
            "number": plan.number,
            "title": plan.title,
            "decision": plan.decision,
            "issued_on": plan.issued_on,
            "start": plan.start,
            "end": plan.end,
            "owner": plan.owner.code,
            "parent": plan.parent_id,
            "summary": plan.summary,
            "objectives": "\n".join(f"{o.code}: {o.title}" for o in plan.objectives.all()),
            "themes": "\n".join(f"{t.year}: {t.title}" for t in plan.themes.all()),
        }
    else:
        initial = {"owner": _unit(request, action=Action.MANAGE_PLAN).code, "kind": Plan.Kind.PLAN}
    form = PlanForm(request.POST or None, initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            owner = _unit_codes(request, [nfc(d["owner"]).upper()])[0]
            parent = parents.filter(pk=d["parent"]).first() if d["parent"] else None
            data = services.PlanData(
                code=d["code"],
                title=d["title"],
                kind=d["kind"],
                start=d["start"],
                end=d["end"],
                owner=owner,
                number=d["number"],
                decision=d["decision"],
                issued_on=d["issued_on"],
                parent=parent,
                summary=d["summary"],
                objectives=d["objectives"],
                themes=d["themes"],
            )
            plan = services.save_plan(request.user, data, plan)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã lưu kế hoạch %(code)s.") % {"code": plan.code})
            return redirect("plans:plan", plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@login_required
def plan_new(request):
    if not scope_paths(request.user, Action.MANAGE_PLAN):
        raise Http404
    return _plan_form(request, None)


@login_required
def plan_edit(request, pk):
    plan = _plan(request, pk)
    if not services.can_manage(request.user, plan.owner):
        raise Http404
    return _plan_form(request, plan)


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    tasks = list(plan.tasks.select_related("lead", "objective").prefetch_related("cooperating"))
    owner_shares = {
        s.target_id: s for s in UnitTarget.objects.filter(target__plan=plan, unit=plan.owner).select_related("target")
    }
    plan_targets = list(plan.targets.select_related("indicator", "objective"))
    shown = services.progress_for(request.user, tasks)
    for t in tasks:
        t.shown_progress = shown[t.pk]
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            f"nhiem-vu-{plan.code}",
            excel.export_tasks(plan, tasks),
            _("Nhiệm vụ của %(p)s") % {"p": plan.code},
            len(tasks),
        )
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan,
            "tasks": tasks,
            "targets": [(t, owner_shares.get(t.pk)) for t in plan_targets],
            "children": plan.children.filter(pk__in=services.visible_plans(request.user)).select_related("owner"),
            "can_manage": services.can_manage(request.user, plan.owner),
            "today": timezone.localdate(),
        },
    )


@login_required
def task_new(request, pk):
    plan = _plan(request, pk)
    if not services.can_manage(request.user, plan.owner):
        raise Http404
    objectives = list(plan.objectives.all())
    form = TaskForm(
        request.POST or None,
        objectives=objectives,
        initial={"lead": plan.owner.code, "start": max(plan.start, timezone.localdate()), "due": plan.end},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lead = _unit_codes(request, [nfc(d["lead"]).upper()], Action.VIEW)[0]
            cooperating = _unit_codes(request, codes(d["cooperating"]), Action.VIEW)
            data = services.TaskData(
                code=d["code"],
                title=d["title"],
                lead=lead,
                start=d["start"],
                due=d["due"],
                description=d["description"],
                objective=next((o for o in objectives if o.pk == d["objective"]), None),
                cooperating=cooperating,
                priority=d["priority"],
                expected_output=d["expected_output"],
            )
            task = services.save_task(request.user, plan, data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã thêm nhiệm vụ %(code)s; hãy giao cho các đơn vị.") % {"code": task.code})
            return redirect("plans:task", task.pk)
    return render(request, "plans/task_form.html", {"form": form, "plan": plan})


@login_required
def task_import(request, pk):
    plan = _plan(request, pk)
    if not services.can_manage(request.user, plan.owner):
        raise Http404
    if request.GET.get("template"):
        response = HttpResponse(excel.template(plan), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="mau-nhiem-vu-{plan.code}.xlsx"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            made = excel.import_tasks(request.user, plan, form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            problems = exc.problem_list
        else:
            messages.success(request, _("Đã nhập %(n)s nhiệm vụ.") % {"n": len(made)})
            return redirect("plans:plan", plan.pk)
    return render(request, "plans/import.html", {"form": form, "plan": plan, "problems": problems})


@login_required
def roadmap(request, pk):
    """The plan's tasks on a time line (Gantt), grouped by objective; with ``unit``,
    only tasks that unit leads or holds an assignment of."""
    plan = _plan(request, pk)
    by_unit = request.GET.get("by") == "unit"
    order = ("lead__path", "start", "code") if by_unit else ("objective__position", "start", "code")
    tasks = plan.tasks.select_related("objective", "lead").order_by(*order)
    unit = None
    if request.GET.get("unit"):
        unit = _unit(request)
        held = services.in_subtree(Assignment.objects.filter(task__plan=plan), unit).values("task_id")
        tasks = tasks.filter(pk__in=held) | tasks.filter(lead=unit)
    today = timezone.localdate()
    tasks = list(tasks.distinct())
    shown = services.progress_for(request.user, tasks)
    rows, group = [], "none yet"
    for t in tasks:
        key = t.lead_id if by_unit else t.objective_id
        if key != group:  # a header row per objective, or per lead unit
            group = key
            objective = str(t.objective) if t.objective else _("Chưa gắn mục tiêu")
            rows.append({"name": t.lead.name if by_unit else objective, "header": True})
        progress = shown[t.pk] or 0
        rows.append(
            {
                "name": f"{t.code}. {t.title}"[:80],
                "lead": t.lead.short_name or t.lead.name,
                "start": t.start.isoformat(),
                "end": t.due.isoformat(),
                "progress": progress,
                "late": t.due < today and progress < 100,
            }
        )
    return render(
        request,
        "plans/roadmap.html",
        {
            "plan": plan,
            "unit": unit,
            "chart": {"rows": rows, "today": today.isoformat()},
            "height": 80 + 28 * len(rows),
        },
    )


# --- tasks and assignments -----------------------------------------------------------------


@login_required
def task_detail(request, pk):
    task = _task(request, pk)
    owner = task.plan.owner
    visible = Assignment.objects.restrict(request.user).filter(task=task).select_related("unit")
    top = visible.filter(parent=None)
    task.full_view = covers(request.user, Action.VIEW, owner)
    if not task.full_view:  # a unit reading its superior's task: its own branch
        top = visible.filter(Q(parent=None) | ~path_q(scope_paths(request.user, Action.VIEW), "parent__unit__path"))
    task.shown_progress = services.progress_for(request.user, [task])[task.pk]
    can_give = services.can_manage(request.user, owner)
    form = HandDownForm(children=_open_children(task, owner))
    if request.method == "POST":
        if not can_give:
            raise Http404
        return _hand_down(request, task, None, owner)
    return render(
        request,
        "plans/task.html",
        {
            "task": task,
            "page": paginate(request, top.order_by("unit__path"), 100),
            "query": query_without_page(request),
            "form": form,
            "can_give": can_give,
            "today": timezone.localdate(),
            "counts": {
                "all": visible.count(),
                "done": visible.filter(status=Assignment.Status.DONE).count(),
                "late": visible.filter(due__lt=timezone.localdate()).exclude(status=Assignment.Status.DONE).count(),
            },
        },
    )


def _open_children(task, giver: Unit):
    """The giver's direct subordinates that do not hold the task yet."""
    held = Assignment.objects.filter(task=task, unit__parent=giver).values("unit_id")
    return giver.children.filter(is_active=True).exclude(pk__in=held).order_by("path")


def _hand_down(request, task, parent: Assignment | None, giver: Unit):
    form = HandDownForm(request.POST, children=giver.children.filter(is_active=True).order_by("path"))
    back = reverse("plans:assignment", args=[parent.pk]) if parent else reverse("plans:task", args=[task.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(back)
    d = form.cleaned_data
    try:
        units = services.units_by_ids(request.user, d["units"], Action.MANAGE_PLAN) if d["units"] else []
        if d["kind"]:
            units += services.units_of_kind(request.user, giver, d["kind"])
        if d["codes"]:
            units += _unit_codes(request, codes(d["codes"]))
        units = list({u.pk: u for u in units}.values())
        made = services.hand_down(request.user, task, units, d["due"], parent)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Đã giao nhiệm vụ cho %(n)s đơn vị.") % {"n": len(made)})
    return redirect(back)


@login_required
def assignment_detail(request, pk):
    a = _assignment(request, pk)
    posted = {}
    can_report = services.can_report(request.user, a)
    can_give = services.can_manage(request.user, a.unit) and a.unit.children.exists()
    giver = a.parent.unit if a.parent_id else a.task.plan.owner
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "hand_down" and can_give:
            return _hand_down(request, a.task, a, a.unit)
        if what == "reopen" and services.can_manage(request.user, giver):
            form = ReasonForm(request.POST)
            try:
                if not form.is_valid():
                    raise DomainError(_("Cần ghi rõ lý do mở lại."))
                services.reopen(request.user, a, form.cleaned_data["reason"])
            except DomainError as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("Đã mở lại nhiệm vụ của %(unit)s.") % {"unit": a.unit})
            return redirect("plans:assignment", a.pk)
        if what == "progress" and can_report:
            form = ProgressForm(request.POST)
            try:
                if not form.is_valid():
                    raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
                d = form.cleaned_data
                services.report_progress(
                    request.user,
                    a,
                    d["progress"],
                    d["note"],
                    uploads=request.FILES.getlist("files"),
                    outputs=request.FILES.getlist("outputs"),
                    output_link=d["output_link"],
                    done=d["done"],
                )
            except DomainError as exc:  # the page again, with what was typed (files must be chosen again)
                _flash(request, exc)
                posted = request.POST
            else:
                messages.success(request, _("Đã cập nhật tiến độ."))
                return redirect("plans:assignment", a.pk)
        else:
            raise Http404
    children = list(a.children.select_related("unit").order_by("unit__path")) if a.children_count else []
    updates = list(a.updates.select_related("created_by").prefetch_related("files")[:50])
    return render(
        request,
        "plans/assignment.html",
        {
            "a": a,
            "giver": giver,
            "children": children,
            "updates": updates,
            "can_report": can_report and not a.is_done,
            "can_give": can_give and not a.is_done,
            "can_reopen": a.is_done and services.can_manage(request.user, giver),
            "posted": posted,
            "hand_form": HandDownForm(children=_open_children(a.task, a.unit)),
            "today": timezone.localdate(),
        },
    )


@login_required
def update_file(request, pk):
    f = UpdateFile.objects.select_related("update__assignment").filter(pk=pk).first()
    if f is None or not f.file:
        raise Http404
    _assignment(request, f.update.assignment_id)  # 404 outside scope
    audit.record("export", f, object_repr=f.title, unit=f.update.assignment.unit_id)
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.file.name.rsplit("/", 1)[-1])


# --- lists ---------------------------------------------------------------------------------


@login_required
def my_tasks(request):
    """Assignments of the units where the user works (their desks), open first."""
    units = services.my_units(request.user)
    qs = services.for_list(Assignment.objects.restrict(request.user).filter(unit__in=units))
    status = request.GET.get("status") or "open"
    if status == "open":
        qs = qs.exclude(status=Assignment.Status.DONE)
    elif status in Assignment.Status.values:
        qs = qs.filter(status=status)
    shares = (
        UnitTarget.objects.restrict(request.user)
        .filter(unit__in=units)
        .select_related("target", "unit", "target__indicator")
    )
    if request.GET.get("format") == "xlsx":
        rows = list(qs)
        return _xlsx("viec-cua-don-vi", excel.export_assignments(rows), _("Nhiệm vụ của đơn vị"), len(rows))
    return render(
        request,
        "plans/my_tasks.html",
        {
            "units": units,
            "page": paginate(request, qs, 50),
            "query": query_without_page(request),
            "status": status,
            "statuses": Assignment.Status.choices,
            "shares": list(shares.order_by("deadline")[:100]),
            "today": timezone.localdate(),
        },
    )


ALERTS = {  # kind: (list, label, file name)
    "overdue": (services.overdue, gettext_lazy("Quá hạn"), "qua-han"),
    "due_soon": (services.due_soon, gettext_lazy("Sắp đến hạn (7 ngày)"), "sap-den-han"),
    "behind": (services.behind, gettext_lazy("Chậm so với tiến độ"), "cham-tien-do"),
}


@login_required
def alerts(request):
    """Overdue, due soon and behind-schedule assignments, and targets at risk, in the
    subtree of a chosen unit."""
    unit = _unit(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in (*ALERTS, "targets") else "overdue"
    counts = {k: fn(request.user, unit).count() for k, (fn, _label, _name) in ALERTS.items()}
    risky = targets.shares_for(request.user, unit).filter(
        status__in=[UnitTarget.Status.AT_RISK, UnitTarget.Status.OFF_TRACK, UnitTarget.Status.MISSED]
    )
    counts["targets"] = risky.count()
    if kind == "targets":
        qs = risky.select_related("target", "target__plan", "target__indicator", "unit").order_by(
            "deadline", "unit__path"
        )
        if request.GET.get("format") == "xlsx":
            rows = list(qs[:50000])
            return _xlsx(
                f"chi-tieu-nguy-co-{unit.code}", excel.export_shares(rows), _("Chỉ tiêu có nguy cơ"), len(rows)
            )
    else:
        qs = services.for_list(ALERTS[kind][0](request.user, unit))
        if request.GET.get("format") == "xlsx":
            rows = list(qs[:50000])
            return _xlsx(
                f"{ALERTS[kind][2]}-{unit.code}", excel.export_assignments(rows), str(ALERTS[kind][1]), len(rows)
            )
    tabs = [(k, label, counts[k]) for k, (_fn, label, _name) in ALERTS.items()] + [
        ("targets", _("Chỉ tiêu có nguy cơ"), counts["targets"])
    ]
    return render(
        request,
        "plans/alerts.html",
        {
            "unit": unit,
            "kind": kind,
            "tabs": tabs,
            "page": paginate(request, qs, 50),
            "query": query_without_page(request),
            "today": timezone.localdate(),
        },
    )


STATUS_COLOURS = {  # Tabler's palette, as the badges
    "achieved": "#2fb344",
    "on_track": "#a6e3b4",
    "at_risk": "#f59f00",
    "off_track": "#d63939",
    "missed": "#8b1e1e",
    "no_data": "#dadfe5",
}


@login_required
def heatmap(request):
    """Attainment of targets across the direct subordinates of a unit."""
    unit = _unit(request)
    plans = list(services.visible_plans(request.user).filter(targets__isnull=False).distinct().order_by("start"))
    choice = request.GET.get("plan") or "current"
    plan = next((p for p in plans if str(p.pk) == choice), None)
    heat = targets.heatmap(request.user, unit, plan, current_only=choice == "current")
    index = {code: i for i, (code, _label) in enumerate(UnitTarget.Status.choices)}
    chart = {
        "x": [u.short_name or u.code for u in heat.units],
        "codes": [u.code for u in heat.units],
        "y": [f"{t.code}. {t.title}"[:60] for t in heat.targets],
        "statuses": [[code, str(label), STATUS_COLOURS[code]] for code, label in UnitTarget.Status.choices],
        "cells": [
            [xi, yi, float(s.attainment * 100) if s.attainment is not None else None, index[s.status]]
            for yi, t in enumerate(heat.targets)
            for xi, u in enumerate(heat.units)
            if (s := heat.cells.get((t.pk, u.pk))) is not None
        ],
    }
    rows = [(t, [heat.cells.get((t.pk, u.pk)) for u in heat.units]) for t in heat.targets]
    return render(
        request,
        "plans/heatmap.html",
        {
            "unit": unit,
            "ancestors": [a for a in unit.ancestors() if covers(request.user, Action.VIEW, a)],
            "heat": heat,
            "rows": rows,
            "chart": chart,
            "plans": plans,
            "plan": plan,
            "choice": choice,
            "height": 140 + 30 * len(heat.targets),
        },
    )


@login_required
def share_detail(request, pk):
    """One unit's share of a target: its figures over time, the forecast, the units
    it handed the target to, and the form to hand it on."""
    try:
        share = (
            UnitTarget.objects.restrict(request.user)
            .select_related("target", "target__plan", "target__indicator", "unit", "parent__unit")
            .get(pk=pk)
        )
    except (UnitTarget.DoesNotExist, ValueError):
        raise Http404 from None
    target = share.target
    can_give = services.can_manage(request.user, share.unit)
    kids = list(share.unit.children.filter(is_active=True).order_by("path"))
    given = {s.unit_id: s for s in share.children.select_related("unit")}
    if request.method == "POST":
        if not can_give:
            raise Http404
        values = {}
        try:
            picked = services.units_by_ids(request.user, request.POST.getlist("pick"), Action.MANAGE_PLAN)
            for u in picked:
                values[u] = request.POST.get(f"value_{u.pk}", "").strip() or None
            deadline = request.POST.get("deadline") or None
            deadline = dt.date.fromisoformat(deadline) if deadline else None
            made = targets.cascade(request.user, share, values, deadline)
        except ValueError:
            messages.error(request, _("Thời hạn không hợp lệ."))
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Đã giao chỉ tiêu cho %(n)s đơn vị.") % {"n": len(made)})
        return redirect("plans:share", share.pk)
    series = targets.series(
        target.indicator_id,
        [share.unit_id],
        target.start - dt.timedelta(days=targets.HISTORY_DAYS),
        timezone.localdate(),
    ).get(share.unit_id, [])
    values = [float(v) for _end, _code, v in series]
    chart = {
        "labels": [Period.parse(code).label for _end, code, _v in series],
        "values": values,
        "target": float(share.value),
        "name": target.indicator.name,
        "unit": target.value_unit,
    }
    if share.forecast is not None and values:
        chart["labels"].append(_("Hạn %(d)s") % {"d": share.deadline.strftime("%d/%m/%Y")})
        chart["values"] = values + [None]
        chart["forecast"] = [None] * (len(values) - 1) + [values[-1], float(share.forecast)]
        chart["forecastName"] = _("Dự báo theo xu hướng")
    return render(
        request,
        "plans/share.html",
        {
            "share": share,
            "target": target,
            "chart": chart,
            "children": [(k, given.get(k.pk)) for k in kids],
            "can_give": can_give,
        },
    )


@login_required
def target_new(request, pk):
    plan = _plan(request, pk)
    if not services.can_manage(request.user, plan.owner):
        raise Http404
    objectives = list(plan.objectives.all())
    form = TargetForm(request.POST or None, objectives=objectives, initial={"start": plan.start, "deadline": plan.end})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            target = targets.create_target(
                request.user,
                plan,
                targets.TargetData(
                    code=d["code"],
                    title=d["title"],
                    indicator_code=d["indicator"],
                    value=d["value"],
                    start=d["start"],
                    deadline=d["deadline"],
                    objective=next((o for o in objectives if o.pk == d["objective"]), None),
                ),
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã thêm chỉ tiêu %(code)s; hãy giao cho các đơn vị.") % {"code": target.code})
            return redirect("plans:share", target.shares.get(parent=None).pk)
    from dxhub.reporting.models import Indicator

    indicators = Indicator.objects.filter(is_active=True).exclude(aggregation=Indicator.Aggregation.NONE)
    return render(request, "plans/target_form.html", {"form": form, "plan": plan, "indicators": indicators})


@login_required
def review(request):
    """The review meeting's view (sơ kết): what was done, what is late and why."""
    unit = _unit(request)
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or "")
    except ValueError:
        start = today.replace(month=1 if today.month <= 6 else 7, day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("to") or "")
    except ValueError:
        end = today
    try:
        result = services.review(request.user, unit, start, end)
    except DomainError as exc:
        _flash(request, exc)
        start, end = end, end
        result = services.review(request.user, unit, start, end)
    shares = targets.shares_for(request.user, unit).filter(unit=unit).select_related("target", "target__indicator")
    if request.GET.get("format") == "xlsx":
        rows = result.done_on_time + result.done_late + result.late_open + result.in_progress
        return _xlsx(f"so-ket-{unit.code}-{start}-{end}", excel.export_assignments(rows), _("Sơ kết"), len(rows))
    return render(
        request,
        "plans/review.html",
        {
            "r": result,
            "unit": unit,
            "shares": list(shares.order_by("target__plan__start", "target__position")),
            "today": today,
        },
    )
