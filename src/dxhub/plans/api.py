"""Plans through the API: plans, their tasks handed down the tree, progress reports,
and targets cascaded to units, under the same services and scoping as the pages.

Every object named by id is looked up in the caller's scope first: an unknown or
foreign id is answered 404, never with data. Units named in a body are resolved
through ``services.units_by_ids`` (all or none): a plan's owner and the units given
work (hand-down, cascade) in the caller's ``manage_plan`` scope, as on the pages; a
task's lead and cooperating units, and list filters, in the ``view`` scope. The
services then decide what the caller may do (403) and whether the change is valid
(400, 409)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from dxhub.accounts.roles import Action
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import nfc_text
from dxhub.org.api import Paging
from dxhub.org.models import Unit

from . import services, targets
from .models import Assignment, Objective, Plan, ProgressUpdate, Target, Task, UnitTarget

router = Router(tags=["Kế hoạch"])

# Inline enums: the models' choices are all called Status or Kind, one OpenAPI name for several lists.
PlanKind = Literal[tuple(Plan.Kind.values)]
AssignmentStatus = Literal[tuple(Assignment.Status.values)]
ShareStatus = Literal[tuple(UnitTarget.Status.values)]


# --- schemas -------------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    code: str
    title: str


class ThemeOut(Schema):
    year: int
    title: str


class PlanOut(Schema):
    id: int
    code: str
    kind: str
    number: str
    title: str
    decision: str
    issued_on: dt.date | None
    start: dt.date
    end: dt.date
    owner_id: int
    owner: str = Field(..., alias="owner.code")
    owner_name: str = Field(..., alias="owner.name")
    parent_id: int | None
    summary: str
    created_at: dt.datetime


class PlanCounts(Schema):
    tasks: int
    targets: int
    assignments: int = Field(..., description="phần giao trong phạm vi của bạn")
    done: int
    overdue: int
    due_soon: int
    behind: int


class PlanDetail(PlanOut):
    objectives: list[ObjectiveOut]
    themes: list[ThemeOut]
    counts: PlanCounts = Field(..., alias="api_counts")


class ObjectiveIn(Schema):
    code: str
    title: str


class ThemeIn(Schema):
    year: int
    title: str


class PlanIn(Schema):
    code: str
    title: str
    kind: PlanKind = Plan.Kind.PLAN.value
    start: dt.date
    end: dt.date
    owner: int = Field(..., description="id đơn vị ban hành")
    number: str = ""
    decision: str = ""
    issued_on: dt.date | None = None
    parent: int | None = Field(None, description="id kế hoạch cấp trên mà kế hoạch này thực hiện")
    summary: str = ""
    objectives: list[ObjectiveIn] | None = Field(None, description="bỏ trống (null) để giữ nguyên")
    themes: list[ThemeIn] | None = Field(None, description="bỏ trống (null) để giữ nguyên")


class TaskOut(Schema):
    id: int
    plan_id: int
    code: str
    title: str
    description: str
    objective: str | None = Field(None, alias="objective.code")
    lead_id: int
    lead: str = Field(..., alias="lead.code")
    cooperating: list[str]
    start: dt.date
    due: dt.date
    priority: int
    expected_output: str
    progress: int | None = Field(None, description="tiến độ trong phạm vi của người gọi (xem services.progress_for)")
    position: int

    @staticmethod
    def resolve_cooperating(obj) -> list[str]:
        return [u.code for u in obj.cooperating.all()]

    @staticmethod
    def resolve_progress(obj, context) -> int | None:
        return services.progress_for(context["request"].user, [obj])[obj.pk]


class AssignmentOut(Schema):
    id: int
    plan_id: int = Field(..., alias="task.plan_id")
    task_id: int
    task: str = Field(..., alias="task.code")
    task_title: str = Field(..., alias="task.title")
    unit_id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    parent_id: int | None
    start: dt.date
    due: dt.date
    status: str
    progress: int
    children_count: int
    behind_from: dt.date | None
    completed_at: dt.datetime | None
    last_note: str
    updated_at: dt.datetime | None
    assigned_at: dt.datetime


class TaskDetail(TaskOut):
    plan: str = Field(..., alias="plan.code")
    assignments: list[AssignmentOut] = Field(..., alias="api_assignments")


class FileOut(Schema):
    id: int
    title: str
    link: str
    size: int
    sha256: str
    is_output: bool


class UpdateOut(Schema):
    id: int
    assignment_id: int
    progress: int
    status: str
    note: str
    created_by: str | None = Field(None, alias="created_by.username")
    created_at: dt.datetime
    files: list[FileOut]


class AssignmentDetail(AssignmentOut):
    children: list[AssignmentOut] = Field(..., alias="api_children")
    updates: list[UpdateOut] = Field(..., alias="api_updates")


class TaskIn(Schema):
    code: str
    title: str
    lead: int = Field(..., description="id đơn vị chủ trì")
    start: dt.date
    due: dt.date
    description: str = ""
    objective: str | None = Field(None, description="mã mục tiêu của kế hoạch")
    cooperating: list[int] = Field(default_factory=list, description="id các đơn vị phối hợp", max_length=500)
    priority: int = Field(2, description="1 cao, 2 trung bình, 3 thấp")
    expected_output: str = ""


class AssignIn(Schema):
    units: list[int] = Field(..., description="id các đơn vị nhận nhiệm vụ", max_length=2000)
    due: dt.date | None = Field(None, description="bỏ trống: hạn của nhiệm vụ (hoặc của phần giao cấp trên)")
    parent: int | None = Field(None, description="id phần giao của đơn vị giao tiếp xuống cấp dưới")


class ProgressIn(Schema):
    progress: int | None = Field(None, description="0–99; bỏ trống khi báo hoàn thành hoặc khi đã giao tiếp")
    note: str = ""
    output_link: str = Field("", description="đường dẫn sản phẩm (http:// hoặc https://)")
    done: bool = False


class ReopenIn(Schema):
    reason: str = ""


class TargetOut(Schema):
    id: int
    plan_id: int
    plan: str = Field(..., alias="plan.code")
    objective: str | None = Field(None, alias="objective.code")
    code: str
    title: str
    indicator: str = Field(..., alias="indicator.code")
    indicator_name: str = Field(..., alias="indicator.name")
    value: Decimal
    start: dt.date
    deadline: dt.date
    position: int


class UnitTargetOut(Schema):
    id: int
    target_id: int
    target: str = Field(..., alias="target.code")
    plan_id: int = Field(..., alias="target.plan_id")
    indicator: str = Field(..., alias="target.indicator.code")
    unit_id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    parent_id: int | None
    value: Decimal
    deadline: dt.date
    current: Decimal | None
    period: str
    attainment: Decimal | None = Field(None, description="0..1")
    forecast: Decimal | None
    status: str
    refreshed_at: dt.datetime | None


class TargetDetail(TargetOut):
    shares: list[UnitTargetOut] = Field(..., alias="api_shares")


class TargetIn(Schema):
    code: str
    title: str
    indicator: str = Field(..., description="mã chỉ tiêu báo cáo trong danh mục")
    value: Decimal | str = Field(..., description="giá trị phải đạt: số hoặc chuỗi (90 / “90,5”)")
    start: dt.date
    deadline: dt.date
    objective: str | None = Field(None, description="mã mục tiêu của kế hoạch")


class CascadeIn(Schema):
    values: dict[int, Decimal | str | None] = Field(
        ..., description="id đơn vị → giá trị phải đạt; null: bằng giá trị của đơn vị giao"
    )
    deadline: dt.date | None = None


# --- lookups -------------------------------------------------------------------------------


def _unit(request, pk: int, action: str) -> Unit:
    return services.units_by_ids(request.user, [pk], action)[0]


def _objective(plan: Plan, code: str | None) -> Objective | None:
    code = nfc_text(code)
    if not code:
        return None
    objective = plan.objectives.filter(code=code).first()
    if objective is None:
        raise DomainError(
            _("Kế hoạch %(plan)s không có mục tiêu “%(code)s”.") % {"plan": plan.code, "code": code},
            {"objective": _("không có trong kế hoạch")},
        )
    return objective


def _target(request, pk: int) -> Target:
    target = Target.objects.filter(plan__in=services.visible_plans(request.user), pk=pk).first()
    if target is None:
        raise NotInScope(_("Chỉ tiêu id=%(pk)s không tồn tại hoặc ngoài phạm vi của bạn.") % {"pk": pk})
    return target


def _share(request, pk: int) -> UnitTarget:
    share = (
        UnitTarget.objects.restrict(request.user, Action.VIEW)
        .select_related("target", "target__indicator", "unit")
        .filter(pk=pk)
        .first()
    )
    if share is None:
        raise NotInScope(_("Chỉ tiêu giao id=%(pk)s không tồn tại hoặc ngoài phạm vi của bạn.") % {"pk": pk})
    return share


def _plan_detail(request, pk: int) -> Plan:
    user = request.user
    plan = Plan.objects.select_related("owner").prefetch_related("objectives", "themes").get(pk=pk)
    mine = services.assignments_for(user).filter(task__plan=plan)
    plan.api_counts = {
        "tasks": plan.tasks.count(),
        "targets": plan.targets.count(),
        "assignments": mine.count(),
        "done": mine.filter(status=Assignment.Status.DONE).count(),
        "overdue": services.overdue(user).filter(task__plan=plan).count(),
        "due_soon": services.due_soon(user).filter(task__plan=plan).count(),
        "behind": services.behind(user).filter(task__plan=plan).count(),
    }
    return plan


def _task_detail(request, task: Task) -> Task:
    task = Task.objects.select_related("plan", "lead", "objective").prefetch_related("cooperating").get(pk=task.pk)
    task.api_assignments = list(
        Assignment.objects.restrict(request.user)
        .filter(task=task)
        .select_related("task", "unit")
        .order_by("unit__path")
    )
    return task


def _assignments(pks) -> list[Assignment]:
    return list(Assignment.objects.filter(pk__in=pks).select_related("task", "unit").order_by("unit__path"))


def _assignment_detail(request, pk: int) -> Assignment:
    a = Assignment.objects.select_related("task", "unit").get(pk=pk)
    a.api_children = list(
        Assignment.objects.restrict(request.user).filter(parent=a).select_related("task", "unit").order_by("unit__path")
    )
    a.api_updates = list(a.updates.select_related("created_by").prefetch_related("files"))
    return a


def _update(pk: int) -> ProgressUpdate:
    return ProgressUpdate.objects.select_related("created_by").prefetch_related("files").get(pk=pk)


def _shares(request, qs) -> list[UnitTarget]:
    return list(qs.restrict(request.user).select_related("target", "target__indicator", "unit").order_by("unit__path"))


def _target_detail(request, target: Target) -> Target:
    target = Target.objects.select_related("plan", "indicator", "objective").get(pk=target.pk)
    target.api_shares = _shares(request, target.shares.all())
    return target


# --- plans ---------------------------------------------------------------------------------


@router.get("/plans/plans", response=list[PlanOut])
@paginate(Paging)
def list_plans(request, kind: PlanKind | None = None, parent: int | None = None):
    """Plans issued inside the caller's subtree and those of the units above it."""
    qs = services.visible_plans(request.user).select_related("owner")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=services.plan_in_scope(request.user, parent))
    return qs.order_by("start", "code")


@router.get("/plans/plans/{int:pk}", response=PlanDetail)
def get_plan(request, pk: int):
    """A plan with its objectives, themes, and counts of the assignments in the caller's scope."""
    return _plan_detail(request, services.plan_in_scope(request.user, pk).pk)


def _plan_data(request, body: PlanIn) -> services.PlanData:
    return services.PlanData(
        code=body.code,
        title=body.title,
        kind=body.kind,
        start=body.start,
        end=body.end,
        owner=_unit(request, body.owner, Action.MANAGE_PLAN),
        number=body.number,
        decision=body.decision,
        issued_on=body.issued_on,
        parent=services.plan_in_scope(request.user, body.parent) if body.parent is not None else None,
        summary=body.summary,
        objectives=[(o.code, o.title) for o in body.objectives] if body.objectives is not None else None,
        themes=[(t.year, t.title) for t in body.themes] if body.themes is not None else None,
    )


@router.post("/plans/plans", response={201: PlanDetail})
def create_plan(request, body: PlanIn):
    plan = services.save_plan(request.user, _plan_data(request, body))
    return Status(201, _plan_detail(request, plan.pk))


@router.put("/plans/plans/{int:pk}", response=PlanDetail)
def update_plan(request, pk: int, body: PlanIn):
    """Change a plan; objectives (matched by code) and themes are replaced when given."""
    plan = services.plan_in_scope(request.user, pk)
    plan = services.save_plan(request.user, _plan_data(request, body), plan)
    return _plan_detail(request, plan.pk)


# --- tasks ---------------------------------------------------------------------------------


@router.get("/plans/plans/{int:pk}/tasks", response=list[TaskOut])
@paginate(Paging)
def list_tasks(request, pk: int):
    plan = services.plan_in_scope(request.user, pk)
    return plan.tasks.select_related("lead", "objective").prefetch_related("cooperating").order_by("position", "code")


@router.post("/plans/plans/{int:pk}/tasks", response={201: TaskDetail})
def create_task(request, pk: int, body: TaskIn):
    plan = services.plan_in_scope(request.user, pk)
    data = services.TaskData(
        code=body.code,
        title=body.title,
        lead=_unit(request, body.lead, Action.VIEW),
        start=body.start,
        due=body.due,
        description=body.description,
        objective=_objective(plan, body.objective),
        cooperating=services.units_by_ids(request.user, body.cooperating, Action.VIEW),
        priority=body.priority,
        expected_output=body.expected_output,
    )
    task = services.save_task(request.user, plan, data)
    return Status(201, _task_detail(request, task))


@router.get("/plans/tasks/{int:pk}", response=TaskDetail)
def get_task(request, pk: int):
    """A task with the assignments the caller can see (their units lie in the caller's scope)."""
    return _task_detail(request, services.task_in_scope(request.user, pk))


@router.post("/plans/tasks/{int:pk}/assign", response={201: list[AssignmentOut]})
def assign(request, pk: int, body: AssignIn):
    """Hand the task to units: without ``parent`` the plan's owner hands it down; with
    it, the unit holding that assignment hands it on to units below it. All or none."""
    task = services.task_in_scope(request.user, pk)
    parent = None
    if body.parent is not None:
        parent = services.assignment_in_scope(request.user, body.parent, Action.MANAGE_PLAN)
        if parent.task_id != task.pk:
            raise NotInScope(
                _("Nhiệm vụ %(task)s không có phần giao id=%(pk)s trong phạm vi của bạn.")
                % {"task": task.code, "pk": body.parent}
            )
    units = services.units_by_ids(request.user, body.units, Action.MANAGE_PLAN)
    made = services.hand_down(request.user, task, units, body.due, parent)
    return Status(201, _assignments([a.pk for a in made]))


# --- assignments ---------------------------------------------------------------------------


@router.get("/plans/assignments", response=list[AssignmentOut])
@paginate(Paging)
def list_assignments(
    request,
    unit: int | None = None,
    subtree: bool = False,
    status: AssignmentStatus | None = None,
    overdue: bool = False,
    due_soon: bool = False,
    behind: bool = False,
    task: int | None = None,
    plan: int | None = None,
):
    """Assignments in the caller's scope, soonest due first; ``unit`` (with ``subtree``)
    narrows them, and ``overdue``, ``due_soon``, ``behind`` pick the warning lists."""
    user = request.user
    u = _unit(request, unit, Action.VIEW) if unit is not None else None
    qs = services.assignments_for(user, u)
    for wanted, warning in ((overdue, services.overdue), (due_soon, services.due_soon), (behind, services.behind)):
        if wanted:
            qs = qs & warning(user, u)
    if u is not None and not subtree:
        qs = qs.filter(unit=u)
    if status:
        qs = qs.filter(status=status)
    if task is not None:
        qs = qs.filter(task_id=task)
    if plan is not None:
        qs = qs.filter(task__plan_id=plan)
    return services.for_list(qs)


@router.get("/plans/assignments/{int:pk}", response=AssignmentDetail)
def get_assignment(request, pk: int):
    """An assignment with the units it was handed on to, and its reports with their files."""
    return _assignment_detail(request, services.assignment_in_scope(request.user, pk).pk)


@router.post("/plans/assignments/{int:pk}/updates", response={201: UpdateOut})
def report(request, pk: int, body: ProgressIn):
    """Report progress. Finishing (``done``) needs the product: an ``output_link`` here,
    or a file through ``…/updates/upload`` or the pages."""
    a = services.assignment_in_scope(request.user, pk)
    update = services.report_progress(
        request.user, a, body.progress, body.note, output_link=body.output_link, done=body.done
    )
    return Status(201, _update(update.pk))


@router.post("/plans/assignments/{int:pk}/updates/upload", response={201: UpdateOut})
def report_with_files(
    request,
    pk: int,
    body: Form[ProgressIn],
    files: File[list[UploadedFile]] = None,
    outputs: File[list[UploadedFile]] = None,
):
    """The same report as multipart/form-data, with evidence ``files`` and product ``outputs``."""
    a = services.assignment_in_scope(request.user, pk)
    update = services.report_progress(
        request.user,
        a,
        body.progress,
        body.note,
        uploads=files or [],
        outputs=outputs or [],
        output_link=body.output_link,
        done=body.done,
    )
    return Status(201, _update(update.pk))


@router.post("/plans/assignments/{int:pk}/reopen", response=AssignmentOut)
def reopen(request, pk: int, body: ReopenIn):
    """The giver sends a finished assignment back, with the reason."""
    a = services.reopen(request.user, services.assignment_in_scope(request.user, pk), body.reason)
    return _assignments([a.pk])[0]


# --- targets -------------------------------------------------------------------------------


@router.get("/plans/targets", response=list[TargetOut])
@paginate(Paging)
def list_targets(request, plan: int | None = None):
    """Targets of the plans the caller can see."""
    qs = Target.objects.filter(plan__in=services.visible_plans(request.user))
    if plan is not None:
        qs = qs.filter(plan=services.plan_in_scope(request.user, plan))
    return qs.select_related("plan", "indicator", "objective").order_by("plan__start", "plan_id", "position", "code")


@router.post("/plans/plans/{int:pk}/targets", response={201: TargetDetail})
def create_target(request, pk: int, body: TargetIn):
    """A target of the plan over an indicator of the reporting catalogue; the plan's
    owner gets the first share, to cascade from."""
    plan = services.plan_in_scope(request.user, pk)
    data = targets.TargetData(
        code=body.code,
        title=body.title,
        indicator_code=body.indicator,
        value=body.value,
        start=body.start,
        deadline=body.deadline,
        objective=_objective(plan, body.objective),
    )
    return Status(201, _target_detail(request, targets.create_target(request.user, plan, data)))


@router.get("/plans/unit-targets", response=list[UnitTargetOut])
@paginate(Paging)
def list_unit_targets(
    request,
    target: int | None = None,
    unit: int | None = None,
    subtree: bool = False,
    status: ShareStatus | None = None,
):
    """Units' shares of targets in the caller's scope, with their progress from approved figures."""
    u = _unit(request, unit, Action.VIEW) if unit is not None else None
    qs = targets.shares_for(request.user, u)
    if u is not None and not subtree:
        qs = qs.filter(unit=u)
    if target is not None:
        qs = qs.filter(target=_target(request, target))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("target", "target__indicator", "unit").order_by(
        "target__plan_id", "target__position", "target_id", "unit__path"
    )


@router.post("/plans/unit-targets/{int:pk}/cascade", response={201: list[UnitTargetOut]})
def cascade(request, pk: int, body: CascadeIn):
    """Hand a unit's share on to units below it, each with its value (null: the same). All or none."""
    share = _share(request, pk)
    units = {u.pk: u for u in services.units_by_ids(request.user, list(body.values), Action.MANAGE_PLAN)}
    made = targets.cascade(request.user, share, {units[i]: v for i, v in body.values.items()}, body.deadline)
    return Status(201, _shares(request, UnitTarget.objects.filter(pk__in=[s.pk for s in made])))
