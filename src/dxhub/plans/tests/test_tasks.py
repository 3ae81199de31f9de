"""Handing tasks down, reporting progress, the roll-up and the refusals."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError, NotInScope
from dxhub.plans import services
from dxhub.plans.models import Assignment, ProgressUpdate, Task, UpdateFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_hand_down_two_levels_and_roll_up(plans):
    u, boss = plans.units, plans.user("lanhdao_bqp")
    top = services.hand_down(boss, plans.task, [u["HVHC"], u["BTL86"]])
    assert {a.unit.code for a in top} == {"HVHC", "BTL86"}
    academy = Assignment.objects.get(task=plans.task, unit=u["HVHC"])
    below = services.hand_down(plans.user("qtv_hvhc"), plans.task, [u["HVHC-CNTT"], u["HVHC-TD1"]], parent=academy)
    assert all(a.parent_id == academy.pk for a in below)
    td1 = Assignment.objects.get(task=plans.task, unit=u["HVHC-TD1"])
    services.report_progress(plans.user("nhaplieu_td1"), td1, 60, "Đã kéo cáp quang")
    academy.refresh_from_db()
    assert academy.progress == 30 and academy.status == "in_progress"  # (60 + 0) / 2
    plans.task.refresh_from_db()
    assert plans.task.progress == 15  # (30 + 0) / 2
    assert AuditEvent.objects.filter(action="assign").count() == 4


def test_finish_needs_output_and_children_done(plans):
    u = plans.units
    services.hand_down(plans.user("lanhdao_bqp"), plans.task, [u["HVHC"]])
    academy = Assignment.objects.get(task=plans.task, unit=u["HVHC"])
    services.hand_down(plans.user("qtv_hvhc"), plans.task, [u["HVHC-TD1"]], parent=academy)
    td1 = Assignment.objects.get(task=plans.task, unit=u["HVHC-TD1"])
    with pytest.raises(DomainError, match="sản phẩm"):
        services.report_progress(plans.user("nhaplieu_td1"), td1, 100, "Xong", done=True)
    assert not ProgressUpdate.objects.exists()
    with pytest.raises(DomainError, match="chưa hoàn thành"):
        services.report_progress(plans.user("nhaplieu_hvhc"), academy, None, "Xong", outputs=[pdf()], done=True)
    assert not UpdateFile.objects.exists()
    services.report_progress(plans.user("nhaplieu_td1"), td1, None, "Hoàn thành", outputs=[pdf()], done=True)
    academy.refresh_from_db()
    assert academy.progress == 99 and academy.status == "in_progress"  # the academy still has to close it
    services.report_progress(
        plans.user("nhaplieu_hvhc"), academy, None, "Tổng hợp", output_link="https://dxhub.mil/kq", done=True
    )
    academy.refresh_from_db()
    plans.task.refresh_from_db()
    assert academy.status == "done" and academy.progress == 100 and plans.task.progress == 100
    with pytest.raises(DomainError, match="mở lại"):
        services.report_progress(plans.user("nhaplieu_hvhc"), academy, None, "Thêm")
    services.reopen(plans.user("lanhdao_bqp"), academy, "Sản phẩm thiếu phụ lục")
    academy.refresh_from_db()
    assert academy.status == "in_progress"


def test_refusals_leave_nothing(plans):
    u, boss = plans.units, plans.user("lanhdao_bqp")
    # due before start
    with pytest.raises(DomainError) as exc:
        services.save_task(
            boss,
            plans.plan,
            services.TaskData(
                code="NV02", title="X", lead=u["BQP"], start=dt.date(2026, 5, 1), due=dt.date(2026, 4, 1)
            ),
        )
    assert "due" in exc.value.problems and Task.objects.count() == 1
    # a unit outside the giver's subtree
    services.hand_down(boss, plans.task, [u["HVHC"]])
    academy = Assignment.objects.get(task=plans.task, unit=u["HVHC"])
    with pytest.raises(NotInScope):
        services.hand_down(plans.user("qtv_hvhc"), plans.task, [u["HVHC-TD1"], u["BTL86-TT"]], parent=academy)
    assert Assignment.objects.count() == 1
    # the academy's officer cannot hand down the ministry's task
    with pytest.raises(DomainError):
        services.hand_down(plans.user("qtv_hvhc"), plans.task, [u["BTL86"]])
    # twice to the same unit
    with pytest.raises(DomainError, match="đã được giao"):
        services.hand_down(boss, plans.task, [u["BTL86"], u["HVHC"]])
    assert Assignment.objects.count() == 1
    # progress out of range, and by someone outside the unit
    with pytest.raises(DomainError, match="0 đến 100"):
        services.report_progress(plans.user("nhaplieu_hvhc"), academy, 140, "")
    with pytest.raises(DomainError):
        services.report_progress(plans.user("nhaplieu_86tt"), academy, 10, "")
    assert not ProgressUpdate.objects.exists()


def test_plan_cycle_refused(plans):
    boss = plans.user("lanhdao_bqp")
    child = services.save_plan(
        boss,
        services.PlanData(
            code="KH-2026",
            title="Kế hoạch năm 2026",
            kind="yearly",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            owner=plans.units["BQP"],
            parent=plans.plan,
        ),
    )
    data = services.PlanData(
        code=plans.plan.code,
        title=plans.plan.title,
        kind="plan",
        start=plans.plan.start,
        end=plans.plan.end,
        owner=plans.units["BQP"],
        parent=child,
    )
    with pytest.raises(DomainError) as exc:
        services.save_plan(boss, data, plans.plan)
    assert "parent" in exc.value.problems
    plans.plan.refresh_from_db()
    assert plans.plan.parent_id is None


def test_lists(plans):
    u, boss = plans.units, plans.user("lanhdao_bqp")
    today = timezone.localdate()
    task = services.save_task(
        boss,
        plans.plan,
        services.TaskData(
            code="NV05",
            title="Theo dõi",
            lead=u["BQP"],
            start=today - dt.timedelta(days=90),
            due=today + dt.timedelta(days=60),
        ),
    )
    services.hand_down(boss, task, [u["HVHC"], u["BTL86"]], due=today - dt.timedelta(days=2))
    assert services.overdue(boss, u["BQP"]).count() == 2
    assert services.overdue(plans.user("qtv_hvhc"), u["HVHC"]).count() == 1
    assert services.overdue(plans.user("nhaplieu_86tt"), u["BTL86"]).count() == 0  # the centre holds none
    services.hand_down(boss, plans.task, [u["HVHC"]], due=min(plans.task.due, today + dt.timedelta(days=40)))
    a = Assignment.objects.get(task=plans.task)
    assert a.start == max(plans.task.start, today)  # work starts when it is handed down
    assert services.behind(boss, u["BQP"]).count() == 0
    later = a.start + dt.timedelta(days=(a.due - a.start).days // 2)
    if a.due > a.start + dt.timedelta(days=4):
        assert services.behind(boss, u["BQP"], today=later).filter(task=plans.task).count() == 1
        services.report_progress(plans.user("nhaplieu_hvhc"), a, 60, "Vượt tiến độ")
        assert services.behind(boss, u["BQP"], today=later).filter(task=plans.task).count() == 0
    assert services.due_soon(boss, today=a.due - dt.timedelta(days=3)).filter(task=plans.task).count() == 1


def test_parent_of_another_task_and_reopen_under_a_finished_parent(plans):
    u, boss = plans.units, plans.user("lanhdao_bqp")
    other = services.save_task(
        boss,
        plans.plan,
        services.TaskData(
            code="NV02", title="Khác", lead=u["BQP"], start=dt.date(2026, 1, 1), due=dt.date(2026, 6, 30)
        ),
    )
    services.hand_down(boss, plans.task, [u["HVHC"]])
    academy = Assignment.objects.get(task=plans.task, unit=u["HVHC"])
    with pytest.raises(NotInScope):
        services.hand_down(plans.user("qtv_hvhc"), other, [u["HVHC-TD1"]], parent=academy)
    assert not Assignment.objects.filter(task=other).exists()
    services.hand_down(plans.user("qtv_hvhc"), plans.task, [u["HVHC-TD1"]], parent=academy)
    td1 = Assignment.objects.get(task=plans.task, unit=u["HVHC-TD1"])
    services.report_progress(plans.user("nhaplieu_td1"), td1, None, "Xong", outputs=[pdf()], done=True)
    services.report_progress(plans.user("nhaplieu_hvhc"), academy, None, "Xong", outputs=[pdf()], done=True)
    with pytest.raises(DomainError, match="cần cấp trên mở lại"):
        services.reopen(plans.user("qtv_hvhc"), td1, "Thiếu phụ lục")
    td1.refresh_from_db()
    assert td1.status == "done"
    services.reopen(boss, academy, "Thiếu phụ lục")
    services.reopen(plans.user("qtv_hvhc"), td1, "Thiếu phụ lục")
    academy.refresh_from_db()
    plans.task.refresh_from_db()
    assert academy.status == "in_progress" and academy.progress == 90 and plans.task.progress == 90


def test_plan_period_cannot_leave_its_tasks_out(plans):
    boss = plans.user("lanhdao_bqp")
    data = services.PlanData(
        code=plans.plan.code,
        title=plans.plan.title,
        kind="plan",
        start=dt.date(2027, 1, 1),
        end=dt.date(2030, 12, 31),
        owner=plans.units["BQP"],
    )
    with pytest.raises(DomainError) as exc:
        services.save_plan(boss, data, plans.plan)
    assert "ngoài thời gian mới" in exc.value.problems["end"]
    data.start, data.owner = plans.plan.start, plans.units["HVHC"]
    with pytest.raises(DomainError) as exc:
        services.save_plan(plans.user("admin"), data, plans.plan)
    assert "owner" in exc.value.problems


def test_progress_outside_the_owner_shows_only_ones_branch(plans):
    u, boss = plans.units, plans.user("lanhdao_bqp")
    services.hand_down(boss, plans.task, [u["HVHC"], u["BTL86"]])
    academy = Assignment.objects.get(task=plans.task, unit=u["HVHC"])
    services.report_progress(plans.user("nhaplieu_hvhc"), academy, 80, "Đã kết nối")
    plans.task.refresh_from_db()
    assert services.progress_for(boss, [plans.task]) == {plans.task.pk: 40}
    assert services.progress_for(plans.user("qtv_hvhc"), [plans.task]) == {plans.task.pk: 80}
    assert services.progress_for(plans.user("lanhdao_86"), [plans.task]) == {plans.task.pk: 0}
    assert services.progress_for(plans.user("nhaplieu_86tt"), [plans.task]) == {plans.task.pk: None}
