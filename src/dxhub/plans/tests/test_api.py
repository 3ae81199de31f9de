"""The plans API: handing a task down and reporting on it, targets cascaded and read
back, and the refusals (each answered in Vietnamese, each writing nothing)."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dxhub.accounts.models import ApiToken
from dxhub.audit.models import AuditEvent
from dxhub.plans import services, targets
from dxhub.plans.models import (
    Assignment,
    Objective,
    Plan,
    ProgressUpdate,
    Target,
    Task,
    Theme,
    UnitTarget,
    UpdateFile,
)

API = "/api/v1/plans"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Caller:
    """One user's requests: a logged-in session, or a Bearer token, or nobody."""

    def __init__(self, user=None, token=False):
        self.client, self.headers = Client(), {}
        if user is not None and token:
            _token, secret = ApiToken.issue(user, "hệ thống quản lý văn bản")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        elif user is not None:
            self.client.force_login(user)

    def get(self, url, **params):
        return self.client.get(API + url, params, **self.headers)

    def post(self, url, body=None):
        return self.client.post(API + url, json.dumps(body or {}), content_type="application/json", **self.headers)

    def put(self, url, body):
        return self.client.put(API + url, json.dumps(body), content_type="application/json", **self.headers)

    def upload(self, url, data):
        return self.client.post(API + url, data, **self.headers)  # multipart/form-data


@pytest.fixture
def as_(plans):
    return lambda username, token=False: Caller(plans.user(username), token)


def written():
    """Row counts of everything the plans API can write, and the audit trail (less the
    logins of the test's own sessions)."""
    models = (Plan, Objective, Theme, Task, Assignment, ProgressUpdate, UpdateFile, Target, UnitTarget)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["AuditEvent"] = AuditEvent.objects.exclude(action="login").count()
    return counts


def refused(response, status, words):
    """The status, and a Vietnamese ``detail`` saying ``words``."""
    assert response.status_code == status, response.content.decode()
    detail = response.json()["detail"]
    assert words in detail, detail
    return response.json()


def pdf(name="ket-qua.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def codes(rows, key="unit"):
    return [r[key] for r in rows]


# --- the happy paths -----------------------------------------------------------------------


def test_a_task_is_handed_down_two_levels_reported_on_and_rolled_up(plans, as_):
    u = plans.units
    boss, academy_admin = as_("lanhdao_bqp"), as_("qtv_hvhc")
    r = boss.post(
        f"/plans/{plans.plan.pk}/tasks",
        {
            "code": "NV02",
            "title": "Triển khai chữ ký số chuyên dùng",
            "lead": u["BQP"].pk,
            "start": "2026-02-01",
            "due": "2026-12-31",
            "objective": "MT2",
            "cooperating": [u["HVHC"].pk],
            "priority": 1,
            "expected_output": "Báo cáo kết quả triển khai",
        },
    )
    assert r.status_code == 201, r.content
    task = r.json()
    assert (task["code"], task["lead"], task["objective"], task["cooperating"]) == ("NV02", "BQP", "MT2", ["HVHC"])
    assert task["plan"] == "KH-CDS-2630" and task["assignments"] == []
    listed = boss.get(f"/plans/{plans.plan.pk}/tasks").json()
    assert listed["count"] == 2 and codes(listed["items"], "code") == ["NV01", "NV02"]

    # the ministry hands it to the academy and the command; the academy hands it on
    r = boss.post(f"/tasks/{task['id']}/assign", {"units": [u["HVHC"].pk, u["BTL86"].pk]})
    assert r.status_code == 201, r.content
    top = {a["unit"]: a for a in r.json()}
    assert set(top) == {"HVHC", "BTL86"} and {a["due"] for a in top.values()} == {"2026-12-31"}
    academy = top["HVHC"]["id"]
    r = academy_admin.post(
        f"/tasks/{task['id']}/assign", {"units": [u["HVHC-TD1"].pk], "due": "2026-12-15", "parent": academy}
    )
    assert r.status_code == 201, r.content
    [battalion] = r.json()
    assert (battalion["unit"], battalion["parent_id"], battalion["due"]) == ("HVHC-TD1", academy, "2026-12-15")

    # the battalion's data-entry officer reports through a personal token
    officer = as_("nhaplieu_td1", token=True)
    r = officer.post(f"/assignments/{battalion['id']}/updates", {"progress": 60, "note": "Đã cấp chứng thư số"})
    assert r.status_code == 201, r.content
    update = r.json()
    assert (update["progress"], update["status"], update["created_by"]) == (60, "in_progress", "nhaplieu_td1")

    # the leader reads the roll-up: 60 at the academy (its one unit below), (60 + 0) / 2 on the task
    task = boss.get(f"/tasks/{task['id']}").json()
    assert task["progress"] == 30
    assert {a["unit"]: a["progress"] for a in task["assignments"]} == {"HVHC": 60, "HVHC-TD1": 60, "BTL86": 0}
    a = boss.get(f"/assignments/{academy}").json()
    assert (a["status"], a["progress"], a["children_count"]) == ("in_progress", 60, 1)
    assert codes(a["children"]) == ["HVHC-TD1"] and a["updates"] == []
    b = boss.get(f"/assignments/{battalion['id']}").json()
    assert [x["note"] for x in b["updates"]] == ["Đã cấp chứng thư số"]
    plan = boss.get(f"/plans/{plans.plan.pk}").json()
    assert plan["counts"]["tasks"] == 2 and plan["counts"]["assignments"] == 3
    assert [o["code"] for o in plan["objectives"]] == ["MT1", "MT2"] and plan["themes"][0]["year"] == 2026

    # the command sees the task, but of its assignments only its own
    seen = as_("lanhdao_86").get(f"/tasks/{task['id']}").json()
    assert codes(seen["assignments"]) == ["BTL86"] and seen["progress"] == 0  # its own branch, not the academy's work
    # the academy's list, with and without its subtree
    mine = academy_admin.get("/assignments", unit=u["HVHC"].pk, subtree="true", task=task["id"]).json()
    assert mine["count"] == 2 and codes(mine["items"]) == ["HVHC-TD1", "HVHC"]  # soonest due first
    assert codes(academy_admin.get("/assignments", unit=u["HVHC"].pk, task=task["id"]).json()["items"]) == ["HVHC"]


def test_finishing_with_a_product_by_link_and_by_upload_then_reopening(plans, as_):
    u = plans.units
    boss = as_("lanhdao_bqp")
    [academy] = boss.post(f"/tasks/{plans.task.pk}/assign", {"units": [u["HVHC"].pk]}).json()
    [td1] = (
        as_("qtv_hvhc")
        .post(f"/tasks/{plans.task.pk}/assign", {"units": [u["HVHC-TD1"].pk], "parent": academy["id"]})
        .json()
    )
    r = as_("nhaplieu_td1").post(
        f"/assignments/{td1['id']}/updates", {"done": True, "note": "Hoàn thành", "output_link": "https://dxhub.mil/kq"}
    )
    assert r.status_code == 201 and r.json()["status"] == "done" and r.json()["files"][0]["is_output"]
    # the academy closes its own with a file, sent as multipart
    officer = as_("nhaplieu_hvhc")
    r = officer.upload(
        f"/assignments/{academy['id']}/updates/upload",
        {"note": "Tổng hợp kết quả", "done": "true", "outputs": [pdf()], "files": [pdf("bien-ban.pdf")]},
    )
    assert r.status_code == 201, r.content
    files = {f["title"]: f for f in r.json()["files"]}
    assert files["ket-qua.pdf"]["is_output"] and not files["bien-ban.pdf"]["is_output"]
    assert files["ket-qua.pdf"]["size"] == len(PDF) and len(files["ket-qua.pdf"]["sha256"]) == 64
    assert boss.get(f"/tasks/{plans.task.pk}").json()["progress"] == 100
    # a file that is not what it says is refused, and nothing is written
    before = written()
    fake = SimpleUploadedFile("ket-qua.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused(
        officer.upload(f"/assignments/{td1['id']}/updates/upload", {"note": "x", "files": [fake]}), 400, "Nội dung tệp"
    )
    assert written() == before
    # the ministry sends it back
    r = boss.post(f"/assignments/{academy['id']}/reopen", {"reason": "Thiếu phụ lục"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress" and r.json()["last_note"] == "Thiếu phụ lục"
    refused(boss.post(f"/assignments/{academy['id']}/reopen", {"reason": "Lần nữa"}), 409, "chưa hoàn thành")
    refused(boss.post(f"/assignments/{td1['id']}/reopen", {}), 400, "lý do")


def test_an_academy_issues_its_own_plan_under_the_ministrys(plans, as_):
    u = plans.units
    leader = as_("lanhdao_hvhc")
    body = {
        "code": "KH-HVHC-2026",
        "title": "Kế hoạch chuyển đổi số năm 2026 của Học viện",
        "kind": "yearly",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "owner": u["HVHC"].pk,
        "parent": plans.plan.pk,
        "objectives": [{"code": "MT1", "title": "Hạ tầng"}],
        "themes": [{"year": 2026, "title": "Năm dữ liệu số"}],
    }
    r = leader.post("/plans", body)
    assert r.status_code == 201, r.content
    plan = r.json()
    assert (plan["owner"], plan["parent_id"], plan["kind"]) == ("HVHC", plans.plan.pk, "yearly")
    r = leader.put(f"/plans/{plan['id']}", body | {"title": "Kế hoạch CĐS năm 2026", "objectives": None})
    assert r.status_code == 200 and r.json()["title"] == "Kế hoạch CĐS năm 2026"
    assert [o["code"] for o in r.json()["objectives"]] == ["MT1"]  # left as they were
    listed = leader.get("/plans").json()
    assert codes(listed["items"], "code") == ["KH-CDS-2630", "KH-HVHC-2026"]  # its own and the ministry's
    assert codes(leader.get("/plans", parent=plans.plan.pk).json()["items"], "code") == ["KH-HVHC-2026"]
    assert codes(as_("lanhdao_86").get("/plans").json()["items"], "code") == ["KH-CDS-2630"]
    # the academy cannot change the ministry's plan it sees
    before = written()
    refused(leader.put(f"/plans/{plans.plan.pk}", body | {"code": "KH-CDS-2630", "owner": u["HVHC"].pk}), 403, "quyền")
    assert written() == before and Plan.objects.get(pk=plans.plan.pk).owner_id == u["BQP"].pk


def test_a_target_is_created_cascaded_and_read_back(plans, as_):
    u = plans.units
    boss = as_("lanhdao_bqp")
    r = boss.post(
        f"/plans/{plans.plan.pk}/targets",
        {
            "code": "CT01",
            "title": "Tỷ lệ văn bản đi được ký số",
            "indicator": "doc_signed_pct",
            "value": 90,
            "start": "2025-01-01",
            "deadline": "2026-12-31",
            "objective": "MT2",
        },
    )
    assert r.status_code == 201, r.content
    target = r.json()
    assert (target["indicator"], target["value"], target["objective"]) == ("DOC_SIGNED_PCT", "90.0000", "MT2")
    [top] = target["shares"]
    assert (top["unit"], top["status"]) == ("BQP", "no_data")

    r = boss.post(f"/unit-targets/{top['id']}/cascade", {"values": {u["HVHC"].pk: "95,5", u["BTL86"].pk: None}})
    assert r.status_code == 201, r.content
    assert {s["unit"]: s["value"] for s in r.json()} == {"HVHC": "95.5000", "BTL86": "90.0000"}
    academy = next(s for s in r.json() if s["unit"] == "HVHC")
    r = as_("qtv_hvhc").post(
        f"/unit-targets/{academy['id']}/cascade", {"values": {u["HVHC-TD1"].pk: 100}, "deadline": "2026-06-30"}
    )
    assert r.status_code == 201, r.content
    assert (r.json()[0]["value"], r.json()[0]["deadline"], r.json()[0]["parent_id"]) == (
        "100.0000",
        "2026-06-30",
        academy["id"],
    )

    # approved figures move the shares
    plans.approve(
        "HVHC-TD1",
        "2025-Q3",
        dict(plans.cat.GOOD, DOC_TOTAL="10", DOC_SIGNED="10"),
        user="admin",
        reviewer="pheduyet_hvhc",
    )
    read = as_("qtv_hvhc").get("/unit-targets", target=target["id"], unit=u["HVHC"].pk, subtree="true").json()
    assert read["count"] == 2
    shares = {s["unit"]: s for s in read["items"]}
    assert (shares["HVHC-TD1"]["status"], shares["HVHC-TD1"]["current"]) == ("achieved", "100.0000")
    assert shares["HVHC"]["attainment"] == "1.0000"
    achieved = boss.get("/unit-targets", status="achieved").json()["items"]
    assert codes(achieved) == ["BQP", "HVHC", "HVHC-TD1"]  # only the battalion has reported: 100 %
    assert codes(boss.get("/unit-targets", status="no_data").json()["items"]) == ["BTL86"]
    assert codes(as_("lanhdao_86").get("/unit-targets").json()["items"]) == ["BTL86"]
    assert codes(boss.get("/targets", plan=plans.plan.pk).json()["items"], "code") == ["CT01"]
    assert as_("lanhdao_86").get("/targets").json()["count"] == 1  # the ministry's plan is theirs to implement


def test_warning_lists_and_filters(plans, as_):
    today = timezone.localdate()
    days = dt.timedelta
    boss, u = plans.user("lanhdao_bqp"), plans.units
    plan = services.save_plan(
        boss,
        services.PlanData(
            code="KH-NAM",
            title="Kế hoạch năm",
            kind="yearly",
            start=today - days(200),
            end=today + days(200),
            owner=u["BQP"],
        ),
    )
    ids = {}
    for code, start, due in [
        ("LATE", today - days(100), today - days(1)),  # overdue
        ("SOON", today - days(30), today + days(3)),  # due within a week, and behind the calendar
        ("CALM", today - days(10), today + days(100)),  # neither
    ]:
        task = services.save_task(
            boss, plan, services.TaskData(code=code, title=code, lead=u["BQP"], start=start, due=due)
        )
        ids[code] = task.pk
        services.hand_down(boss, task, [u["HVHC"]])
        # as if handed down on the task's first day (a hand-down today starts today)
        Assignment.objects.filter(task=task).update(start=start, behind_from=services.behind_from(start, due, 0))
    leader = as_("lanhdao_bqp")

    def tasks(**query):
        return sorted(codes(leader.get("/assignments", plan=plan.pk, **query).json()["items"], "task"))

    assert tasks() == ["CALM", "LATE", "SOON"]
    assert tasks(overdue="true") == ["LATE"]
    assert tasks(due_soon="true") == ["SOON"]
    assert tasks(behind="true") == ["SOON"]
    assert tasks(due_soon="true", behind="true") == ["SOON"] and tasks(overdue="true", due_soon="true") == []
    assert tasks(status="in_progress") == []
    assert tasks(status="not_started", limit=1) == ["LATE"]  # the soonest due
    counts = leader.get(f"/plans/{plan.pk}").json()["counts"]
    assert (counts["overdue"], counts["due_soon"], counts["behind"], counts["done"]) == (1, 1, 1, 0)
    assert leader.get("/assignments", status="finished").status_code == 422


# --- refusals ------------------------------------------------------------------------------


def test_refused_changes_answer_in_vietnamese_and_write_nothing(plans, as_):
    u = plans.units
    boss = as_("lanhdao_bqp")
    [academy] = boss.post(f"/tasks/{plans.task.pk}/assign", {"units": [u["HVHC"].pk]}).json()
    before = written()

    # a due date before the start
    body = refused(
        boss.post(
            f"/plans/{plans.plan.pk}/tasks",
            {"code": "NV02", "title": "Số hoá hồ sơ", "lead": u["BQP"].pk, "start": "2026-05-01", "due": "2026-04-01"},
        ),
        400,
        "Nhiệm vụ chưa hợp lệ",
    )
    assert "trước ngày bắt đầu" in body["problems"]["due"]
    # an objective the plan does not have
    body = refused(
        boss.post(
            f"/plans/{plans.plan.pk}/tasks",
            {
                "code": "NV02",
                "title": "Số hoá",
                "lead": u["BQP"].pk,
                "start": "2026-05-01",
                "due": "2026-06-01",
                "objective": "MT9",
            },
        ),
        400,
        "không có mục tiêu “MT9”",
    )
    assert "objective" in body["problems"]
    # handing on to a unit outside the academy: outside the admin's scope, and outside the giver's subtree
    academy_admin = as_("qtv_hvhc")
    refused(
        academy_admin.post(
            f"/tasks/{plans.task.pk}/assign",
            {"units": [u["HVHC-TD1"].pk, u["BTL86-TT"].pk], "parent": academy["id"]},
        ),
        404,
        "ngoài phạm vi",
    )
    refused(
        boss.post(f"/tasks/{plans.task.pk}/assign", {"units": [u["BTL86-TT"].pk], "parent": academy["id"]}),
        404,
        "không thuộc quyền giao của Học viện Hậu cần",
    )
    # the academy cannot hand down the ministry's task in the ministry's place
    refused(academy_admin.post(f"/tasks/{plans.task.pk}/assign", {"units": [u["HVHC-TD1"].pk]}), 403, "quyền")
    # a due date after the task's
    body = refused(
        boss.post(f"/tasks/{plans.task.pk}/assign", {"units": [u["BTL86"].pk], "due": "2027-01-31"}),
        400,
        "Không giao được",
    )
    assert "muộn hơn hạn" in body["problems"][0]
    # twice to the same unit
    refused(boss.post(f"/tasks/{plans.task.pk}/assign", {"units": [u["BTL86"].pk, u["HVHC"].pk]}), 409, "đã được giao")
    refused(boss.post(f"/tasks/{plans.task.pk}/assign", {"units": []}), 400, "Chưa chọn đơn vị")
    # closing without a product; progress out of range; a reviewer may read but not report
    officer = as_("nhaplieu_hvhc")
    body = refused(officer.post(f"/assignments/{academy['id']}/updates", {"done": True}), 400, "sản phẩm")
    assert "outputs" in body["problems"]
    refused(officer.post(f"/assignments/{academy['id']}/updates", {"progress": 140}), 400, "0 đến 100")
    refused(
        officer.post(f"/assignments/{academy['id']}/updates", {"progress": 10, "output_link": "ftp://x"}),
        400,
        "http",
    )
    reviewer = as_("pheduyet_hvhc")
    assert reviewer.get(f"/assignments/{academy['id']}").status_code == 200
    refused(reviewer.post(f"/assignments/{academy['id']}/updates", {"progress": 10}), 403, "quyền cập nhật")
    # targets: an unknown indicator, a value outside its range, one that does not add up
    target = {"code": "CT01", "title": "Tỷ lệ ký số", "value": "90", "start": "2025-01-01", "deadline": "2026-12-31"}
    url = f"/plans/{plans.plan.pk}/targets"
    body = refused(boss.post(url, target | {"indicator": "NO_SUCH"}), 400, "không có trong danh mục")
    assert "indicator" in body["problems"]
    body = refused(boss.post(url, target | {"indicator": "DOC_SIGNED_PCT", "value": 120}), 400, "ngoài khoảng")
    assert "value" in body["problems"]
    refused(boss.post(url, target | {"indicator": "ISSUES"}), 400, "không tổng hợp được")
    refused(boss.post(url, target | {"indicator": "DOC_TOTAL", "value": "nhiều"}), 400, "không phải là số")
    # a plan ending before it starts
    body = refused(
        boss.post(
            "/plans",
            {"code": "KH-X", "title": "X", "start": "2026-05-01", "end": "2026-04-01", "owner": u["BQP"].pk},
        ),
        400,
        "Kế hoạch chưa hợp lệ",
    )
    assert "end" in body["problems"]
    assert written() == before


def test_cascade_refusals_write_nothing(plans, as_):
    u = plans.units
    target = plans.target("90")
    top = target.shares.get()
    boss = as_("lanhdao_bqp")
    before = written()
    body = refused(
        boss.post(f"/unit-targets/{top.pk}/cascade", {"values": {u["HVHC"].pk: "95", u["BTL86"].pk: "-5"}}),
        400,
        "Không giao được chỉ tiêu",
    )
    assert "Bộ Tư lệnh 86" in body["problems"][0] and "ngoài khoảng" in body["problems"][0]
    refused(
        boss.post(f"/unit-targets/{top.pk}/cascade", {"values": {u["HVHC"].pk: "95"}, "deadline": "2027-06-30"}),
        400,
        "Không giao được chỉ tiêu",
    )
    refused(boss.post(f"/unit-targets/{top.pk}/cascade", {"values": {"999999": "95"}}), 404, "ngoài phạm vi")
    # the academy does not see the ministry's own share
    refused(as_("lanhdao_hvhc").post(f"/unit-targets/{top.pk}/cascade", {"values": {}}), 404, "phạm vi")
    assert written() == before
    [academy] = boss.post(f"/unit-targets/{top.pk}/cascade", {"values": {u["HVHC"].pk: "95"}}).json()
    before = written()
    refused(boss.post(f"/unit-targets/{top.pk}/cascade", {"values": {u["HVHC"].pk: "95"}}), 409, "đã được giao")
    refused(boss.post(f"/unit-targets/{top.pk}/cascade", {"values": {}}), 400, "Chưa chọn đơn vị")
    # the academy's reviewer sees its share but may not hand it on
    reviewer = as_("pheduyet_hvhc")
    assert reviewer.get("/unit-targets", unit=u["HVHC"].pk).json()["count"] == 1
    refused(
        reviewer.post(f"/unit-targets/{academy['id']}/cascade", {"values": {u["HVHC-TD1"].pk: "95"}}),
        404,  # units are named within the caller's management scope
        "ngoài phạm vi",
    )
    refused(reviewer.post(f"/unit-targets/{academy['id']}/cascade", {"values": {}}), 403, "quyền giao chỉ tiêu")
    assert written() == before


@pytest.fixture
def academy_work(plans):
    """The academy's own plan, task, assignment and target: none of the command's business."""
    u, leader = plans.units, plans.user("lanhdao_hvhc")
    plan = services.save_plan(
        leader,
        services.PlanData(
            code="KH-HVHC-2026",
            title="Kế hoạch của Học viện Hậu cần",
            kind="yearly",
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            owner=u["HVHC"],
            parent=plans.plan,
            objectives=[("MT1", "Hạ tầng")],
        ),
    )
    task = services.save_task(
        leader,
        plan,
        services.TaskData(code="HV01", title="Số hoá giáo trình", lead=u["HVHC"], start=plan.start, due=plan.end),
    )
    [assignment] = services.hand_down(leader, task, [u["HVHC-TD1"]])
    target = targets.create_target(
        leader,
        plan,
        targets.TargetData(
            code="CT01",
            title="Ký số",
            indicator_code="DOC_SIGNED_PCT",
            value="90",
            start=plan.start,
            deadline=plan.end,
        ),
    )
    # and the academy's share of the ministry's task, which the command also sees the task of
    [academy] = services.hand_down(plans.user("lanhdao_bqp"), plans.task, [u["HVHC"]])
    return {
        "plan": plan,
        "task": task,
        "assignment": assignment,
        "share": target.shares.get(),
        "target": target,
        "academy": academy,
    }


def test_ids_outside_the_callers_scope_are_404_and_never_data(plans, as_, academy_work):
    u, w = plans.units, academy_work
    before = written()
    command, cyber = as_("lanhdao_86"), as_("nhaplieu_86tt")
    plan, task, a, share = w["plan"].pk, w["task"].pk, w["assignment"].pk, w["share"].pk
    new_task = {"code": "X1", "title": "X", "lead": u["BTL86"].pk, "start": "2026-02-01", "due": "2026-03-01"}
    new_target = {
        "code": "X1",
        "title": "X",
        "indicator": "DOC_TOTAL",
        "value": 1,
        "start": "2026-01-01",
        "deadline": "2026-12-31",
    }
    new_plan = {"code": "KH-X", "title": "X", "start": "2026-01-01", "end": "2026-12-31", "owner": u["HVHC"].pk}
    for caller in (command, cyber):
        for response in [
            caller.get(f"/plans/{plan}"),
            caller.put(f"/plans/{plan}", new_plan | {"owner": u["BTL86"].pk}),
            caller.get(f"/plans/{plan}/tasks"),
            caller.post(f"/plans/{plan}/tasks", new_task),
            caller.post(f"/plans/{plan}/targets", new_target),
            caller.get("/targets", plan=plan),
            caller.get(f"/tasks/{task}"),
            caller.post(f"/tasks/{task}/assign", {"units": [u["BTL86-TT"].pk]}),
            caller.post(f"/tasks/{plans.task.pk}/assign", {"units": [u["BTL86-TT"].pk], "parent": w["academy"].pk}),
            caller.get(f"/assignments/{a}"),
            caller.post(f"/assignments/{a}/updates", {"progress": 10, "note": "x"}),
            caller.post(f"/assignments/{a}/reopen", {"reason": "x"}),
            caller.get("/assignments", unit=u["HVHC"].pk),
            caller.get("/unit-targets", unit=u["HVHC"].pk),
            caller.get("/unit-targets", target=w["target"].pk),
            caller.post(f"/unit-targets/{share}/cascade", {"values": {u["BTL86-TT"].pk: 1}}),
            caller.post("/plans", new_plan),
            caller.get("/plans/999999"),
            caller.get("/tasks/999999"),
            caller.get("/assignments/999999"),
        ]:
            body = refused(response, 404, "phạm vi")
            text = json.dumps(body, ensure_ascii=False)
            assert "Học viện" not in text and "KH-HVHC" not in text and "Số hoá" not in text, text
    # a unit of the academy named by the command on a task it may see
    refused(command.post(f"/plans/{plans.plan.pk}/tasks", new_task | {"lead": u["HVHC"].pk}), 404, "ngoài phạm vi")
    # a parent assignment of another task is not this task's
    refused(
        as_("lanhdao_hvhc").post(
            f"/tasks/{w['task'].pk}/assign", {"units": [u["HVHC-CNTT"].pk], "parent": w["academy"].pk}
        ),
        404,
        "không có phần giao",
    )
    # and lists simply leave it out
    assert codes(command.get("/plans").json()["items"], "code") == ["KH-CDS-2630"]
    assert command.get("/assignments").json()["count"] == 0
    assert command.get("/unit-targets").json()["count"] == 0
    assert written() == before


def test_unauthenticated_is_401(plans):
    nobody, forged = Caller(), Caller()
    forged.headers = {"HTTP_AUTHORIZATION": "Bearer dxh_gia-mao"}
    before = written()
    for caller in (nobody, forged):
        for response in [
            caller.get("/plans"),
            caller.get(f"/plans/{plans.plan.pk}"),
            caller.post(f"/plans/{plans.plan.pk}/tasks", {"code": "X"}),
            caller.post(f"/tasks/{plans.task.pk}/assign", {"units": [plans.units["HVHC"].pk]}),
            caller.get("/assignments"),
            caller.post("/assignments/1/updates", {"progress": 10}),
            caller.get("/unit-targets"),
        ]:
            refused(response, 401, "Chưa xác thực")
    assert written() == before
