"""Plans and tasks: issuing, handing down, reporting progress, and the lists leaders read.

The one place for the rules; pages, the API, the Excel import and commands call these.
Who may do what:

- issue a plan, add its tasks and targets, hand them to the units below:
  ``manage_plan`` over the plan's owning unit (commanders, unit administrators);
- hand an assignment on to the units below one's own: ``manage_plan`` over the unit
  holding the assignment;
- report progress on an assignment: ``report_progress`` over its unit;
- read: everything in one's subtree, and the plans of one's superiors (the documents
  one implements), but of those only the assignments inside one's subtree.

Every change is audited with before and after; every write is all or nothing.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dxhub.accounts.models import RoleAssignment
from dxhub.accounts.roles import Action, roles_allowing
from dxhub.accounts.scoping import covers, path_q, scope_paths
from dxhub.audit import services as audit
from dxhub.core import files
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.notify import notify
from dxhub.core.text import nfc, nfc_text
from dxhub.org import tree
from dxhub.org.models import Unit

from .models import Assignment, Objective, Plan, ProgressUpdate, Task, Theme, UpdateFile

S = Assignment.Status
BEHIND_MARGIN = 25  # points of progress the calendar may run ahead before "behind schedule"
DUE_SOON_DAYS = 7
MAX_FILES = 10  # per progress update
NOTE_MAX = 500


# --- who may -----------------------------------------------------------------------------


def can_manage(user, unit: Unit) -> bool:
    return covers(user, Action.MANAGE_PLAN, unit)


def can_report(user, assignment: Assignment) -> bool:
    return covers(user, Action.REPORT_PROGRESS, assignment.unit)


def _require(allowed: bool, message: str | None = None):
    if not allowed:
        raise DomainError(message or _("Bạn không có quyền thực hiện thao tác này với đơn vị này."), status=403)


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def visible_plans(user):
    """Plans owned inside the user's subtree, and those of the units above it."""
    paths = scope_paths(user, Action.VIEW)
    if not paths:
        return Plan.objects.none()
    inside = path_q(paths, "owner__path")
    if inside == Q():  # the whole tree
        return Plan.objects.all()
    above = {a for p in paths for a in tree.ancestor_paths(p)}
    return Plan.objects.filter(inside | Q(owner__path__in=above))


def plan_in_scope(user, pk) -> Plan:
    try:
        return visible_plans(user).select_related("owner", "parent").get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def task_in_scope(user, pk) -> Task:
    try:
        task = Task.objects.select_related("plan", "plan__owner", "lead", "objective").get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None
    if not visible_plans(user).filter(pk=task.plan_id).exists():
        raise NotInScope()
    return task


def assignment_in_scope(user, pk, action: str = Action.VIEW) -> Assignment:
    try:
        return (
            Assignment.objects.restrict(user, action)
            .select_related("task", "task__plan", "unit", "parent", "parent__unit")
            .get(pk=pk)
        )
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def units_by_ids(user, ids, action: str = Action.VIEW) -> list[Unit]:
    """Units named by id (from a form or the API), every one in the user's scope for
    ``action``; a forged or unknown id is refused, never skipped."""
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise DomainError(_("Mã đơn vị không hợp lệ.")) from None
    found = list(Unit.objects.restrict(user, action).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise NotInScope(_("Có đơn vị không tồn tại hoặc nằm ngoài phạm vi quản lý của bạn."))
    return found


# --- plans -------------------------------------------------------------------------------


@dataclass
class PlanData:
    code: str
    title: str
    kind: str
    start: dt.date
    end: dt.date
    owner: Unit
    number: str = ""
    decision: str = ""
    issued_on: dt.date | None = None
    parent: Plan | None = None
    summary: str = ""
    objectives: list[tuple[str, str]] | None = None  # (code, title); None = leave as they are
    themes: list[tuple[int, str]] | None = None  # (year, title)


def _check_plan(data: PlanData, plan: Plan | None) -> dict[str, str]:
    problems = {}
    if not data.code.strip():
        problems["code"] = _("Cần mã kế hoạch.")
    elif Plan.objects.filter(code=data.code).exclude(pk=getattr(plan, "pk", None)).exists():
        problems["code"] = _("Mã kế hoạch %(code)s đã có.") % {"code": data.code}
    if not data.title.strip():
        problems["title"] = _("Cần tên kế hoạch.")
    if data.kind not in Plan.Kind.values:
        problems["kind"] = _("Loại kế hoạch không hợp lệ.")
    if data.end < data.start:
        problems["end"] = _("Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).") % {
            "end": data.end.strftime("%d/%m/%Y"),
            "start": data.start.strftime("%d/%m/%Y"),
        }
    parent = data.parent
    if parent is not None:
        if not data.owner.path.startswith(parent.owner.path):
            problems["parent"] = _("Kế hoạch cấp trên phải do đơn vị %(unit)s hoặc cấp trên của đơn vị ban hành.") % {
                "unit": data.owner
            }
        elif plan is not None and _in_lineage(parent, plan):
            problems["parent"] = _("Không thể chọn “%(parent)s”: kế hoạch này sẽ thành cấp trên của chính nó.") % {
                "parent": parent.number or parent.code
            }
    years = [y for y, _t in data.themes or []]
    if len(years) != len(set(years)):
        problems["themes"] = _("Mỗi năm chỉ có một chủ đề.")
    elif any(not (data.start.year <= y <= data.end.year) for y in years):
        problems["themes"] = _("Năm của chủ đề phải nằm trong thời gian của kế hoạch.")
    if plan is not None and plan.pk:
        outside = plan.tasks.filter(Q(start__lt=data.start) | Q(due__gt=data.end)).count()
        outside += plan.targets.filter(Q(deadline__lt=data.start) | Q(deadline__gt=data.end)).count()
        if outside:
            problems["end"] = _(
                "%(n)s nhiệm vụ, chỉ tiêu sẽ nằm ngoài thời gian mới của kế hoạch; hãy sửa chúng trước."
            ) % {"n": outside}
        if data.owner.pk != plan.owner_id and (plan.tasks.exists() or plan.targets.exists()):
            problems["owner"] = _("Kế hoạch đã có nhiệm vụ, chỉ tiêu: không đổi được đơn vị ban hành.")
    codes = [c for c, _t in data.objectives or []]
    if len(codes) != len(set(codes)):
        problems["objectives"] = _("Mã mục tiêu bị trùng.")
    return problems


def _in_lineage(candidate: Plan, plan: Plan) -> bool:
    """Is ``plan`` ``candidate`` itself or one of its ancestors (a cycle if chosen)?"""
    seen = set()
    node = candidate
    while node is not None and node.pk not in seen:
        if node.pk == plan.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def save_plan(user, data: PlanData, plan: Plan | None = None) -> Plan:
    """Issue a plan, or change one; objectives and themes are replaced when given."""
    for field in ("code", "title", "number", "decision", "summary"):
        setattr(data, field, nfc_text(getattr(data, field) or ""))
    _require(
        can_manage(user, data.owner), _("Bạn không có quyền ban hành kế hoạch cho %(unit)s.") % {"unit": data.owner}
    )
    if plan is not None:
        _require(can_manage(user, plan.owner))
    if data.parent is not None and not visible_plans(user).filter(pk=data.parent.pk).exists():
        raise NotInScope()
    problems = _check_plan(data, plan)
    if problems:
        raise DomainError(_("Kế hoạch chưa hợp lệ."), problems)
    with transaction.atomic():
        before = audit.snapshot(plan) if plan is not None else None
        plan = plan or Plan(created_by=_user(user))
        for field in ("code", "title", "kind", "start", "end", "owner", "number", "decision", "issued_on", "parent"):
            setattr(plan, field, getattr(data, field))
        plan.summary = data.summary
        plan.save()
        if data.objectives is not None:
            _replace_objectives(plan, data.objectives)
        if data.themes is not None:
            plan.themes.all().delete()
            Theme.objects.bulk_create([Theme(plan=plan, year=y, title=nfc_text(t)) for y, t in data.themes])
        after = audit.snapshot(plan)
        after["objectives"] = list(plan.objectives.values_list("code", "title"))
        after["themes"] = list(plan.themes.values_list("year", "title"))
        audit.record("update" if before else "create", plan, before=before, after=after, unit=plan.owner)
    return plan


def _replace_objectives(plan: Plan, objectives: list[tuple[str, str]]):
    """Objectives are matched by code, so tasks keep theirs when titles change."""
    keep = {}
    for position, (code, title) in enumerate(objectives):
        obj, _created = Objective.objects.update_or_create(
            plan=plan, code=nfc_text(code), defaults={"title": nfc_text(title), "position": position}
        )
        keep[obj.pk] = obj
    plan.objectives.exclude(pk__in=keep).delete()


# --- tasks -------------------------------------------------------------------------------


@dataclass
class TaskData:
    code: str
    title: str
    lead: Unit
    start: dt.date
    due: dt.date
    description: str = ""
    objective: Objective | None = None
    cooperating: list[Unit] | None = None
    priority: int = 2
    expected_output: str = ""


def check_task(plan: Plan, data: TaskData, task: Task | None = None) -> dict[str, str]:
    """Problems of a task's fields, by field (the Excel import reads them per row)."""
    problems = {}
    if not data.code:
        problems["code"] = _("Cần mã nhiệm vụ.")
    elif len(data.code) > 20:
        problems["code"] = _("Mã nhiệm vụ dài quá 20 ký tự.")
    elif Task.objects.filter(plan=plan, code__iexact=data.code).exclude(pk=getattr(task, "pk", None)).exists():
        problems["code"] = _("Mã nhiệm vụ %(code)s đã có trong kế hoạch.") % {"code": data.code}
    if not data.title:
        problems["title"] = _("Cần tên nhiệm vụ.")
    elif len(data.title) > 300:
        problems["title"] = _("Tên nhiệm vụ dài quá 300 ký tự.")
    if len(data.expected_output) > 300:
        problems["expected_output"] = _("Sản phẩm dài quá 300 ký tự.")
    period = {"start": plan.start.strftime("%d/%m/%Y"), "end": plan.end.strftime("%d/%m/%Y")}
    if data.due < data.start:
        problems["due"] = _("Hạn hoàn thành (%(due)s) trước ngày bắt đầu (%(start)s).") % {
            "due": data.due.strftime("%d/%m/%Y"),
            "start": data.start.strftime("%d/%m/%Y"),
        }
    elif data.start < plan.start or data.start > plan.end:
        problems["start"] = _("Ngày bắt đầu phải nằm trong thời gian kế hoạch (%(start)s – %(end)s).") % period
    elif data.due > plan.end:
        problems["due"] = _("Hạn hoàn thành phải nằm trong thời gian kế hoạch (%(start)s – %(end)s).") % period
    if task is not None and task.pk and "due" not in problems:
        handed = task.assignments.filter(Q(due__gt=data.due) | Q(start__lt=data.start)).count()
        if handed:
            problems["due"] = _(
                "%(n)s đơn vị đã được giao nhiệm vụ với thời gian ngoài thời gian mới; hãy sửa hạn giao trước."
            ) % {"n": handed}
    subtree = plan.owner.path
    if not data.lead.path.startswith(subtree):
        problems["lead"] = _("Đơn vị chủ trì %(unit)s không thuộc %(owner)s.") % {
            "unit": data.lead,
            "owner": plan.owner,
        }
    elif not data.lead.is_active:
        problems["lead"] = _("Đơn vị chủ trì %(unit)s đã giải thể hoặc sáp nhập.") % {"unit": data.lead}
    outside = [str(u) for u in data.cooperating or [] if not u.path.startswith(subtree) or not u.is_active]
    if outside:
        problems["cooperating"] = _("Đơn vị phối hợp không thuộc %(owner)s hoặc đã giải thể: %(units)s.") % {
            "owner": plan.owner,
            "units": ", ".join(outside),
        }
    if data.objective is not None and data.objective.plan_id != plan.pk:
        problems["objective"] = _("Mục tiêu không thuộc kế hoạch này.")
    if data.priority not in (1, 2, 3):
        problems["priority"] = _("Mức ưu tiên không hợp lệ.")
    return problems


def _clean_task(data: TaskData) -> TaskData:
    data.code = nfc(data.code)
    data.title = nfc(data.title)
    data.description = nfc_text(data.description)
    data.expected_output = nfc_text(data.expected_output)
    return data


def save_task(user, plan: Plan, data: TaskData, task: Task | None = None) -> Task:
    _require(can_manage(user, plan.owner), _("Bạn không có quyền giao nhiệm vụ của kế hoạch này."))
    data = _clean_task(data)
    problems = check_task(plan, data, task)
    if problems:
        raise DomainError(_("Nhiệm vụ chưa hợp lệ."), problems)
    with transaction.atomic():
        return _write_task(user, plan, data, task)


def _write_task(user, plan, data: TaskData, task: Task | None, position: int | None = None) -> Task:
    before = audit.snapshot(task) if task is not None else None
    if task is None:
        task = Task(plan=plan, created_by=_user(user))
        last = plan.tasks.aggregate(m=Max("position"))["m"] or 0
        task.position = position if position is not None else last + 1
    for field in ("code", "title", "lead", "start", "due", "description", "objective", "priority", "expected_output"):
        setattr(task, field, getattr(data, field))
    task.save()
    task.cooperating.set(data.cooperating or [])
    after = audit.snapshot(task)
    after["cooperating"] = [u.code for u in data.cooperating or []]
    audit.record("update" if before else "create", task, before=before, after=after, unit=plan.owner)
    return task


# --- handing down ------------------------------------------------------------------------


def hand_down(user, task: Task, units: list[Unit], due: dt.date | None = None, parent: Assignment | None = None):
    """Give ``task`` to each of ``units`` (one assignment per unit). Without ``parent``
    the plan's owner hands it down; with one, the unit holding ``parent`` hands it on
    to units below it. All or none; a unit that already has the task is refused."""
    if not units:
        raise DomainError(_("Chưa chọn đơn vị nhận nhiệm vụ."))
    if parent is not None and parent.task_id != task.pk:
        raise NotInScope(_("Nhiệm vụ được giao tiếp không khớp với nhiệm vụ của đơn vị giao."))
    giver = parent.unit if parent is not None else task.plan.owner
    _require(can_manage(user, giver), _("Bạn không có quyền giao nhiệm vụ thay %(unit)s.") % {"unit": giver})
    limit = parent.due if parent is not None else task.due
    due = due or limit
    earliest = max(task.start, parent.start) if parent is not None else task.start
    # A unit's work starts when it is handed the task, not before (or it is behind at once).
    start = min(max(earliest, timezone.localdate()), due)
    problems = []
    if due > limit:
        problems.append(
            _("Hạn giao (%(due)s) muộn hơn hạn của nhiệm vụ (%(limit)s).")
            % {"due": due.strftime("%d/%m/%Y"), "limit": limit.strftime("%d/%m/%Y")}
        )
    if due < earliest:
        problems.append(
            _("Hạn giao (%(due)s) trước ngày bắt đầu (%(start)s).")
            % {"due": due.strftime("%d/%m/%Y"), "start": earliest.strftime("%d/%m/%Y")}
        )
    for unit in units:
        below = unit.path.startswith(giver.path) and (parent is None or unit.pk != giver.pk)
        if not below:
            raise NotInScope(
                _("Đơn vị %(unit)s không thuộc quyền giao của %(giver)s.") % {"unit": unit, "giver": giver}
            )
        if not unit.is_active:
            problems.append(_("Đơn vị %(unit)s đã giải thể hoặc sáp nhập.") % {"unit": unit})
    if len({u.pk for u in units}) != len(units):
        problems.append(_("Một đơn vị được chọn hai lần."))
    if problems:
        raise DomainError(_("Không giao được nhiệm vụ."), problems)
    with transaction.atomic():
        if parent is not None:
            parent = Assignment.objects.select_for_update().get(pk=parent.pk)
            if parent.is_done:
                raise DomainError(
                    _("Nhiệm vụ của %(unit)s đã hoàn thành, không giao tiếp được.") % {"unit": giver}, status=409
                )
        taken = list(Assignment.objects.filter(task=task, unit__in=units).select_related("unit").order_by("unit__path"))
        if taken:
            raise DomainError(
                _("Nhiệm vụ %(task)s đã được giao cho: %(units)s.")
                % {"task": task.code, "units": ", ".join(str(a.unit) for a in taken)},
                status=409,
            )
        now = timezone.now()
        made = Assignment.objects.bulk_create(
            [
                Assignment(
                    task=task,
                    unit=u,
                    parent=parent,
                    start=start,
                    due=due,
                    assigned_by=_user(user),
                    behind_from=behind_from(start, due, 0),
                    assigned_at=now,
                )
                for u in sorted(units, key=lambda u: u.path)
            ]
        )
        audit.record_many(
            [
                audit.Change(
                    "assign", a, None, audit.snapshot(a), a.unit_id, object_repr=f"{task.code} · {a.unit.code}"
                )
                for a in made
            ]
        )
        if parent is not None:
            parent.children_count += len(made)
            parent.save(update_fields=["children_count"])
            roll_up(parent)
        else:
            _roll_task(task)
        notify(
            _holders(Action.REPORT_PROGRESS, [u.pk for u in units]),
            _("Nhiệm vụ mới: %(task)s") % {"task": task.title[:200]},
            _("%(giver)s giao nhiệm vụ, hạn %(due)s.") % {"giver": giver, "due": due.strftime("%d/%m/%Y")},
            f"/ke-hoach/nhiem-vu/{task.pk}/",
        )
    return made


def units_of_kind(user, root: Unit, kind: str, include_root: bool = False) -> list[Unit]:
    """Active units of one kind in ``root``'s subtree the user may hand work to."""
    qs = Unit.objects.subtree(root, include_self=include_root).filter(kind=kind, is_active=True)
    return list(qs.restrict(user, Action.MANAGE_PLAN).order_by("path"))


def _holders(action: str, unit_ids: list[int]):
    from dxhub.accounts.models import User

    return User.objects.filter(
        is_active=True,
        role_assignments__is_active=True,
        role_assignments__unit_id__in=unit_ids,
        role_assignments__role__in=roles_allowing(action),
    ).distinct()


def behind_from(start: dt.date, due: dt.date, progress: int) -> dt.date | None:
    """The first day the calendar runs ``BEHIND_MARGIN`` points ahead of ``progress``."""
    if progress >= 100:
        return None
    share = min(1.0, (progress + BEHIND_MARGIN) / 100)
    if share >= 1.0:
        return due  # only being overdue is late
    return start + dt.timedelta(days=int(round((due - start).days * share)))


def _percent(value) -> int:
    return int(Decimal(value or 0).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def roll_up(assignment: Assignment) -> None:
    """Progress of an assignment with children is their mean; climb to the task."""
    node = assignment
    while node is not None:
        if node.children_count:
            stats = node.children.aggregate(avg=Avg("progress"), started=Count("pk", filter=~Q(status=S.NOT_STARTED)))
            node.progress = 100 if node.is_done else min(99, _percent(stats["avg"])) if stats["avg"] else 0
            if node.status == S.NOT_STARTED and stats["started"]:
                node.status = S.IN_PROGRESS
            node.behind_from = behind_from(node.start, node.due, node.progress) if not node.is_done else None
            node.save(update_fields=["progress", "status", "behind_from"])
        if node.parent_id is None:
            _roll_task(node.task)
            return
        node = Assignment.objects.select_for_update().get(pk=node.parent_id)


def _roll_task(task: Task) -> None:
    avg = Assignment.objects.filter(task=task, parent=None).aggregate(avg=Avg("progress"))["avg"]
    task.progress = _percent(avg) if avg is not None else 0
    Task.objects.filter(pk=task.pk).update(progress=task.progress)


# --- progress ----------------------------------------------------------------------------


def report_progress(
    user,
    assignment: Assignment,
    progress: int | None,
    note: str = "",
    uploads=(),
    outputs=(),
    output_link: str = "",
    done: bool = False,
) -> ProgressUpdate:
    """A unit reports on its assignment. ``uploads`` are evidence files; ``outputs``
    (files) and ``output_link`` are the task's product, required to finish. An
    assignment handed on to units below takes its progress from them."""
    _require(
        can_report(user, assignment), _("Bạn không có quyền cập nhật tiến độ của %(unit)s.") % {"unit": assignment.unit}
    )
    note = nfc_text(note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_("Ghi chú dài quá %(n)s ký tự.") % {"n": NOTE_MAX}, {"note": _("quá dài")})
    output_link = files.check_link(output_link)
    if len(uploads) + len(outputs) > MAX_FILES:
        raise DomainError(_("Mỗi lần cập nhật đính kèm tối đa %(n)s tệp.") % {"n": MAX_FILES})
    contents = [(u, files.evidence_bytes(u), False) for u in uploads] + [
        (u, files.evidence_bytes(u), True) for u in outputs
    ]
    with transaction.atomic():
        current = Assignment.objects.select_for_update().select_related("task", "unit").get(pk=assignment.pk)
        if current.is_done:
            raise DomainError(_("Nhiệm vụ đã hoàn thành; cần đơn vị giao mở lại trước khi cập nhật."), status=409)
        if current.children_count or (done and progress is None):
            progress = current.progress  # rolled up from the units below, or 100 below
        elif progress is None:
            raise DomainError(_("Cần nhập tiến độ (%)."), {"progress": _("bắt buộc")})
        elif not 0 <= int(progress) <= 100:
            raise DomainError(_("Tiến độ phải từ 0 đến 100 %."), {"progress": _("ngoài khoảng 0–100")})
        progress = int(progress)
        if done:
            _check_finish(current, bool(outputs) or bool(output_link))
            progress = 100
        elif progress >= 100:
            raise DomainError(
                _("Tiến độ 100 % nghĩa là hoàn thành: hãy chọn “Hoàn thành” và đính kèm sản phẩm."),
                {"progress": _("dùng “Hoàn thành”")},
            )
        if not note and not contents and not output_link and progress == current.progress:
            raise DomainError(_("Lần cập nhật này không có gì mới."))
        before = audit.snapshot(current, ["status", "progress", "completed_at"])
        current.progress = progress
        current.status = S.DONE if done else (S.IN_PROGRESS if progress > 0 or note else current.status)
        current.completed_at = timezone.now() if done else None
        current.behind_from = None if done else behind_from(current.start, current.due, progress)
        if note:
            current.last_note = note
        current.updated_at = timezone.now()
        current.save()
        update = ProgressUpdate.objects.create(
            assignment=current, progress=progress, status=current.status, note=note, created_by=_user(user)
        )
        for upload, data, is_output in contents:
            f = UpdateFile(
                update=update,
                title=nfc_text(upload.name)[:255],
                size=len(data),
                sha256=files.sha256(data),
                is_output=is_output,
            )
            f.file.save(files.safe_name(upload.name, "tai-lieu"), ContentFile(data), save=False)
            f.save()
        if output_link:
            UpdateFile.objects.create(update=update, title=output_link[:255], link=output_link, is_output=True)
        after = audit.snapshot(current, ["status", "progress", "completed_at"])
        after["note"] = note
        after["files"] = [f.title for f in update.files.all()]
        audit.record(
            "update",
            current,
            before=before,
            after=after,
            unit=current.unit,
            object_repr=f"{current.task.code} · {current.unit.code}",
        )
        roll_up(current)
    return update


def _check_finish(current: Assignment, output_now: bool) -> None:
    if current.children_count:
        open_ = current.children.exclude(status=S.DONE).count()
        if open_:
            raise DomainError(
                _("Còn %(n)s đơn vị cấp dưới chưa hoàn thành nhiệm vụ; chưa thể báo hoàn thành.") % {"n": open_},
                status=409,
            )
    had_output = UpdateFile.objects.filter(update__assignment=current, is_output=True).exists()
    if not (output_now or had_output):
        raise DomainError(
            _("Cần đính kèm sản phẩm của nhiệm vụ (%(output)s) trước khi báo hoàn thành.")
            % {"output": current.task.expected_output or _("tệp hoặc đường dẫn")},
            {"outputs": _("chưa có sản phẩm")},
        )


def reopen(user, assignment: Assignment, reason: str) -> Assignment:
    """The giver sends a finished assignment back (the product was not accepted)."""
    giver = assignment.parent.unit if assignment.parent_id else assignment.task.plan.owner
    _require(can_manage(user, giver), _("Chỉ đơn vị giao nhiệm vụ mới mở lại được."))
    reason = nfc_text(reason or "").strip()
    if not reason:
        raise DomainError(_("Cần ghi rõ lý do mở lại."), {"reason": _("bắt buộc")})
    with transaction.atomic():
        current = Assignment.objects.select_for_update().select_related("task", "unit").get(pk=assignment.pk)
        if not current.is_done:
            raise DomainError(_("Nhiệm vụ chưa hoàn thành, không cần mở lại."), status=409)
        if current.parent_id and Assignment.objects.filter(pk=current.parent_id, status=S.DONE).exists():
            raise DomainError(
                _("%(unit)s đã báo hoàn thành nhiệm vụ này; cần cấp trên mở lại nhiệm vụ của %(unit)s trước.")
                % {"unit": giver},
                status=409,
            )
        before = audit.snapshot(current, ["status", "progress", "completed_at"])
        current.status = S.IN_PROGRESS
        current.progress = 90 if not current.children_count else current.progress
        current.completed_at = None
        current.behind_from = behind_from(current.start, current.due, current.progress)
        current.last_note = reason[:500]
        current.save()
        ProgressUpdate.objects.create(
            assignment=current,
            progress=current.progress,
            status=current.status,
            note=(_("Mở lại: %(reason)s") % {"reason": reason})[:500],
            created_by=_user(user),
        )
        audit.record(
            "reopen",
            current,
            before=before,
            after=audit.snapshot(current, ["status", "progress", "completed_at"]),
            unit=current.unit,
            object_repr=f"{current.task.code} · {current.unit.code}",
        )
        roll_up(current)
        notify(
            _holders(Action.REPORT_PROGRESS, [current.unit_id]),
            _("Mở lại nhiệm vụ: %(task)s") % {"task": current.task.title[:200]},
            reason,
            f"/ke-hoach/giao/{current.pk}/",
        )
    return current


# --- what leaders read -------------------------------------------------------------------


def progress_for(user, tasks: list[Task]) -> dict[int, int | None]:
    """The progress of each task as the user may see it: the whole roll-up when the
    user's scope holds the plan's owner; otherwise the mean of the topmost assignments
    inside the user's scope (a unit reading its superior's plan sees its own share of
    the work, not the other branches')."""
    out, partial = {}, []
    for t in tasks:
        if covers(user, Action.VIEW, t.plan.owner):
            out[t.pk] = t.progress
        else:
            partial.append(t.pk)
    if partial:
        roots = scope_paths(user, Action.VIEW)
        rows = (
            Assignment.objects.restrict(user)
            .filter(task_id__in=partial)
            .values_list("task_id", "unit__path", "progress")
        )
        by_task = defaultdict(list)
        for task_id, path, progress in rows:
            by_task[task_id].append((path, progress))
        for task_id in partial:
            items = by_task.get(task_id, [])
            paths = {p for p, _v in items}
            top = [v for p, v in items if not any(a in paths for a in tree.ancestor_paths(p)) and _under(p, roots)]
            out[task_id] = _percent(sum(top) / len(top)) if top else None
    return out


def _under(path: str, roots: list[str]) -> bool:
    return any(path.startswith(r) for r in roots)


def in_subtree(qs, unit: Unit, field: str = "unit__path"):
    """Rows of ``unit``'s subtree; the whole tree is no filter (and no join, so the
    alert lists can walk their partial indexes)."""
    if unit.depth == 1:
        return qs
    return qs.filter(**{f"{field}__gte": unit.path, f"{field}__lt": tree.successor(unit.path)})


def assignments_for(user, unit: Unit | None = None):
    qs = Assignment.objects.restrict(user, Action.VIEW)
    if unit is not None:
        qs = in_subtree(qs, unit)
    return qs


def overdue(user, unit: Unit | None = None, today: dt.date | None = None):
    today = today or timezone.localdate()
    return assignments_for(user, unit).filter(due__lt=today).exclude(status=S.DONE)


def due_soon(user, unit: Unit | None = None, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        assignments_for(user, unit)
        .filter(due__gte=today, due__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
        .exclude(status=S.DONE)
    )


def behind(user, unit: Unit | None = None, today: dt.date | None = None):
    """Not overdue yet, but the calendar has run ahead of the reported progress."""
    today = today or timezone.localdate()
    return assignments_for(user, unit).filter(behind_from__lte=today, due__gte=today).exclude(status=S.DONE)


def for_list(qs):
    """Rows of an alert list, soonest due first (ordered as ``plans_asg_open_due`` is,
    so the first page of 400 000 overdue assignments is an index walk)."""
    return qs.select_related("task", "task__plan", "unit").order_by("due", "id")


def my_units(user) -> list[Unit]:
    """Units where the user reports progress or hands work down (their own desks)."""
    actions = roles_allowing(Action.REPORT_PROGRESS) | roles_allowing(Action.MANAGE_PLAN)
    ids = RoleAssignment.objects.filter(user=user, is_active=True, role__in=actions).values_list("unit_id", flat=True)
    return list(Unit.objects.filter(pk__in=list(ids)).order_by("path"))


@dataclass
class Review:
    """A review meeting's view (sơ kết) of one subtree over a span of days."""

    unit: Unit
    start: dt.date
    end: dt.date
    done_on_time: list
    done_late: list
    late_open: list
    in_progress: list


def review(user, unit: Unit, start: dt.date, end: dt.date, limit: int = 500) -> Review:
    if end < start:
        raise DomainError(_("Ngày kết thúc kỳ sơ kết trước ngày bắt đầu."), {"end": _("trước ngày bắt đầu")})
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = for_list(assignments_for(user, unit))
    done = list(qs.filter(status=S.DONE, completed_at__gte=lo, completed_at__lt=hi)[:limit])
    return Review(
        unit=unit,
        start=start,
        end=end,
        done_on_time=[a for a in done if timezone.localdate(a.completed_at) <= a.due],
        done_late=[a for a in done if timezone.localdate(a.completed_at) > a.due],
        late_open=list(qs.filter(due__lt=min(end, timezone.localdate())).exclude(status=S.DONE)[:limit]),
        in_progress=list(qs.filter(start__lte=end, due__gte=end).exclude(status=S.DONE)[:limit]),
    )


def counts(user, unit: Unit | None = None, desks: bool = False) -> dict[str, int]:
    """Overdue, due-soon and behind-schedule assignments in ``unit``'s subtree (or the
    whole scope); with ``desks``, only those of the units where the user works."""
    lists = {"overdue": overdue, "due_soon": due_soon, "behind": behind}
    if desks:
        mine = my_units(user)
        return {k: fn(user, unit).filter(unit__in=mine).count() if mine else 0 for k, fn in lists.items()}
    return {k: fn(user, unit).count() for k, fn in lists.items()}
