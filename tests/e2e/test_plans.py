"""A plan carried out in the browser: the ministry's leader hands a task and a target
down two levels, the units below report progress and figures, and the leader reads the
roll-up, the forecast, the overdue list (and its Excel), the review and the roadmap."""

import datetime as dt
import hashlib
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from conftest import PASSWORD
from dxhub.plans import services, targets
from dxhub.plans.models import Assignment, ProgressUpdate, Target, UnitTarget, UpdateFile
from dxhub.plans.tests.conftest import Plans
from tests.e2e.conftest import login
from tests.e2e.test_assessment import tiny_pdf

pytestmark = pytest.mark.e2e

ST = UnitTarget.Status


@pytest.fixture
def kh(page, org, settings, tmp_path):
    """The fixture plan (2025–2030) of the ministry, built after ``page`` so it lives in the
    live server's transactional database, with two tasks dated from today: one running
    (handed down in the browser) and one whose assignment is already overdue."""
    settings.MEDIA_ROOT = tmp_path / "media"  # uploaded files stay out of var/media
    plans = Plans(org)
    today = timezone.localdate()
    leader = plans.user("lanhdao_bqp")
    mt2 = plans.plan.objectives.get(code="MT2")
    plans.today = today
    plans.running = services.save_task(
        leader,
        plans.plan,
        services.TaskData(
            code="NV02",
            title="Triển khai ký số văn bản đến cấp tiểu đoàn",
            lead=plans.units["BQP"],
            start=today - dt.timedelta(days=90),
            due=today + dt.timedelta(days=90),
            objective=mt2,
            expected_output="Báo cáo kết quả triển khai ký số",
        ),
    )
    plans.late = services.save_task(
        leader,
        plans.plan,
        services.TaskData(
            code="NV03",
            title="Số hóa hồ sơ quân nhân",
            lead=plans.units["BQP"],
            start=today - dt.timedelta(days=200),
            due=today - dt.timedelta(days=5),
            objective=mt2,
            expected_output="Cơ sở dữ liệu hồ sơ quân nhân",
        ),
    )
    return plans


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def success(page):
    return page.locator(".alert-success[role=alert]")


def vn2(x) -> str:
    """A number as Django's ``floatformat:"-2"`` writes it in Vietnamese: two decimals,
    decimal comma, none for a whole number."""
    q = Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(int(q)) if q == q.to_integral_value() else f"{q:.2f}".replace(".", ",")


def pct(x) -> str:
    """An attainment (0..1) as ``{% widthratio a 1 100 %}%`` writes it."""
    return f"{round(float(x) * 100)}%"


def test_a_task_handed_down_two_levels_reported_and_rolled_up(page, live_server, kh, shot, tmp_path):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    task, u, today = kh.running, kh.units, kh.today
    due = today + dt.timedelta(days=30)
    task_url = f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/"

    # 1. The ministry's leader hands the task to the academy and the command.
    login(page, live_server, "lanhdao_bqp", PASSWORD)
    page.goto(task_url)
    expect(page.locator("h2.page-title")).to_have_text("Triển khai ký số văn bản đến cấp tiểu đoàn")
    given = page.locator("#dx-task-assignments tbody")
    expect(given).to_contain_text("Nhiệm vụ chưa được giao cho đơn vị nào")
    form = page.locator("#dx-hand-down")
    expect(form.locator("input[name=units]")).to_have_count(2)  # the ministry's direct subordinates
    form.get_by_label("Học viện Hậu cần", exact=True).check()
    form.get_by_label("Bộ Tư lệnh 86", exact=True).check()
    form.locator("input[name=due]").fill(due.isoformat())
    form.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(success(page)).to_contain_text("Đã giao nhiệm vụ cho 2 đơn vị.")
    expect(given.locator("tr")).to_have_count(2)
    expect(given.locator("tr", has_text="Học viện Hậu cần")).to_contain_text(due.strftime("%d/%m/%Y"))
    expect(given.locator("tr", has_text="Bộ Tư lệnh 86")).to_contain_text(due.strftime("%d/%m/%Y"))
    top = {a.unit.code: a for a in Assignment.objects.filter(task=task, parent=None).select_related("unit")}
    assert set(top) == {"HVHC", "BTL86"} and all(a.due == due for a in top.values())
    assert all(a.assigned_by == kh.user("lanhdao_bqp") for a in top.values())
    academy = top["HVHC"]

    # 2. The academy's administrator finds it among the unit's tasks and hands it on.
    switch_user(page, live_server, "qtv_hvhc")
    page.goto(f"{live_server.url}/ke-hoach/viec-cua-don-vi/")
    expect(page.locator("h2.page-title")).to_have_text("Nhiệm vụ của đơn vị tôi")
    page.locator("#dx-assignments").get_by_role("link", name="NV02. Triển khai ký số").click()
    page.wait_for_url(f"{live_server.url}/ke-hoach/giao/{academy.pk}/")
    expect(page.locator("h2.page-title")).to_contain_text("Học viện Hậu cần")
    form = page.locator("#dx-hand-down")
    expect(form.get_by_label("Bộ Tư lệnh 86", exact=True)).to_have_count(0)  # not the academy's to give
    form.get_by_label("Ban Công nghệ thông tin", exact=True).check()
    form.get_by_label("Tiểu đoàn 1 học viên", exact=True).check()
    form.get_by_role("button", name="Giao nhiệm vụ").click()  # no due date: the academy's own
    expect(success(page)).to_contain_text("Đã giao nhiệm vụ cho 2 đơn vị.")
    expect(page.locator("#dx-children tbody tr")).to_have_count(2)
    below = {a.unit.code: a for a in Assignment.objects.filter(parent=academy).select_related("unit")}
    assert set(below) == {"HVHC-CNTT", "HVHC-TD1"} and all(a.due == due for a in below.values())
    battalion = below["HVHC-TD1"]

    # 3. The battalion's data-entry officer reports 60 % with a note and a document.
    switch_user(page, live_server, "nhaplieu_td1")
    page.goto(f"{live_server.url}/ke-hoach/viec-cua-don-vi/")
    mine = page.locator("#dx-assignments tbody tr")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("HVHC-TD1")
    mine.get_by_role("link", name="NV02. Triển khai ký số").click()
    page.wait_for_url(f"{live_server.url}/ke-hoach/giao/{battalion.pk}/")
    expect(page.locator("h2.page-title")).to_contain_text("Tiểu đoàn 1 học viên")
    expect(page.locator("#dx-hand-down")).to_have_count(0)  # a data-entry officer does not hand down
    pdf = tiny_pdf()
    pdf_path = tmp_path / "Biên bản nghiệm thu đợt 1.pdf"
    pdf_path.write_bytes(pdf)
    note = "Đã cấp chứng thư số cho 3/5 đại đội; còn chờ thiết bị ký số"
    report = page.locator("#dx-progress-form")
    report.locator("#id_progress").fill("60")
    report.locator("#id_note").fill(note)
    report.locator("#id_files").set_input_files(str(pdf_path))
    report.get_by_role("button", name="Gửi cập nhật").click()
    expect(success(page)).to_contain_text("Đã cập nhật tiến độ.")
    expect(page.locator("#dx-progress")).to_have_text("60%")
    updates = page.locator("#dx-updates")
    expect(updates).to_contain_text(note)
    expect(updates).to_contain_text("60% · Đang thực hiện")
    battalion.refresh_from_db()
    assert battalion.progress == 60 and battalion.status == Assignment.Status.IN_PROGRESS
    assert battalion.last_note == note
    stored = UpdateFile.objects.get(update__assignment=battalion)
    assert stored.title == "Biên bản nghiệm thu đợt 1.pdf" and not stored.is_output
    assert stored.size == len(pdf) and stored.sha256 == hashlib.sha256(pdf).hexdigest()
    with page.expect_download() as info:
        updates.get_by_role("link", name="Biên bản nghiệm thu đợt 1.pdf").click()
    assert info.value.path().read_bytes() == pdf  # the stored file is the one sent

    # ... and tries to finish without the task's product: refused in Vietnamese.
    report = page.locator("#dx-progress-form")
    report.locator("#id_done").check()
    report.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.locator(".alert-danger[role=alert]")).to_contain_text(
        "Cần đính kèm sản phẩm của nhiệm vụ (Báo cáo kết quả triển khai ký số) trước khi báo hoàn thành."
    )
    expect(success(page)).to_have_count(0)
    battalion.refresh_from_db()
    assert battalion.status == Assignment.Status.IN_PROGRESS and battalion.progress == 60
    assert battalion.completed_at is None and ProgressUpdate.objects.filter(assignment=battalion).count() == 1
    expect(page.locator("#dx-progress")).to_have_text("60%")
    shot(page, "plans-assignment")

    # 4. The leader sees it rolled up: the academy at (60 + 0) / 2, the task at (30 + 0) / 2.
    switch_user(page, live_server, "lanhdao_bqp")
    page.goto(task_url)
    expect(page.locator("#dx-task-progress")).to_have_text("15%")
    row = page.locator("#dx-task-assignments tbody tr", has_text="Học viện Hậu cần")
    expect(row).to_contain_text("30%")
    expect(row).to_contain_text("2 đơn vị")  # handed on to two units
    expect(page.locator("#dx-task-assignments tbody tr", has_text="Bộ Tư lệnh 86")).to_contain_text("0%")
    academy.refresh_from_db()
    task.refresh_from_db()
    assert academy.progress == 30 and academy.status == Assignment.Status.IN_PROGRESS
    assert academy.children_count == 2
    assert task.progress == 15
    expect(page.get_by_text("4 đơn vị được giao · 0 hoàn thành · 0 quá hạn")).to_be_visible()
    shot(page, "plans-task")

    # 5. Overdue: the other task (NV03, due five days ago) was given to the academy due twenty
    # days ago; the academy reported 40 % and why it is late (through the services).
    old = services.hand_down(kh.user("lanhdao_bqp"), kh.late, [u["HVHC"]], due=today - dt.timedelta(days=20))[0]
    reason = "Chậm do chưa được cấp máy quét tài liệu"
    services.report_progress(kh.user("nhaplieu_hvhc"), old, 40, reason)
    page.goto(f"{live_server.url}/ke-hoach/canh-bao/?kind=overdue")
    expect(page.locator("h2.page-title")).to_contain_text("Bộ Quốc phòng")
    expect(page.locator("#dx-alert-tabs .nav-link.active")).to_contain_text("Quá hạn")
    expect(page.locator("#dx-alert-tabs .nav-link.active .badge")).to_have_text("1")
    late = page.locator("#dx-assignments tbody tr")
    expect(late).to_have_count(1)
    expect(late).to_contain_text("NV03. Số hóa hồ sơ quân nhân")
    expect(late).to_contain_text("HVHC")
    expect(late).to_contain_text("chậm 20 ngày")
    expect(late).to_contain_text(reason)
    expect(late.locator(".badge")).to_have_text("Quá hạn")
    shot(page, "plans-alerts")
    assert list(services.overdue(kh.user("lanhdao_bqp"), u["BQP"])) == [Assignment.objects.get(pk=old.pk)]

    with page.expect_download() as info:
        page.get_by_role("link", name="Xuất Excel").click()
    assert info.value.suggested_filename.endswith("-BQP.xlsx")
    ws = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers == [
        "Kế hoạch",
        "Mã NV",
        "Nhiệm vụ",
        "Đơn vị",
        "Bắt đầu",
        "Hạn",
        "Trạng thái",
        "Tiến độ (%)",
        "Quá hạn (số ngày)",
        "Ghi chú gần nhất",
    ]
    assert len(rows) == 2
    line = dict(zip(headers, rows[1], strict=True))
    assert line["Kế hoạch"] == "125/KH-BQP" and line["Mã NV"] == "NV03"
    assert line["Nhiệm vụ"] == "Số hóa hồ sơ quân nhân" and line["Đơn vị"] == "Học viện Hậu cần"
    assert line["Hạn"].date() == today - dt.timedelta(days=20)  # a real date, not text
    assert line["Trạng thái"] == "Đang thực hiện" and line["Tiến độ (%)"] == 40
    assert line["Quá hạn (số ngày)"] == 20 and line["Ghi chú gần nhất"] == reason

    page.goto(f"{live_server.url}/ke-hoach/so-ket/")
    expect(page.locator("h2.page-title")).to_contain_text("Sơ kết thực hiện nhiệm vụ — Bộ Quốc phòng")
    review = page.locator("#dx-review-late")
    expect(review.locator(".card-title")).to_have_text("Quá hạn, chưa hoàn thành — lý do")
    expect(review.locator("tbody tr")).to_have_count(1)
    expect(review.locator("tbody tr")).to_contain_text("NV03. Số hóa hồ sơ quân nhân")
    expect(review.locator("tbody tr")).to_contain_text(reason)
    shot(page, "plans-review")

    # 6. The roadmap draws the plan's three tasks on a time line.
    page.goto(f"{live_server.url}/ke-hoach/{kh.plan.pk}/lo-trinh/")
    gantt = page.locator("[data-dx-gantt][data-dx-ready]")
    expect(gantt).to_have_count(1)
    expect(gantt.locator("svg")).to_have_count(1)
    expect(gantt.locator("svg text", has_text="hôm nay")).to_have_count(1)
    for label in ("NV01. Mở rộng mạng", "NV02. Triển khai ký số", "NV03. Số hóa hồ sơ"):
        expect(gantt.locator("svg text", has_text=label)).to_have_count(1)
    shot(page, "plans-roadmap")
    assert external == [], f"pages must not fetch from outside: {external}"


def test_a_target_cascaded_two_levels_and_read_from_approved_figures(page, live_server, kh, shot):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    u, today = kh.units, kh.today
    deadline = min(today + dt.timedelta(days=120), kh.plan.end)

    # 1. The leader sets a target on the share of signed documents; 150 % is refused.
    login(page, live_server, "lanhdao_bqp", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/{kh.plan.pk}/chi-tieu/moi/")
    expect(page.locator("h2.page-title")).to_have_text("Thêm chỉ tiêu")
    page.fill("input[name=code]", "CT01")
    page.fill("input[name=title]", "Tỷ lệ văn bản đi được ký số")
    page.fill("input[name=indicator]", "DOC_SIGNED_PCT")
    page.fill("input[name=value]", "150")
    expect(page.locator("input[name=start]")).to_have_value("2025-01-01")  # the plan's start
    page.fill("input[name=deadline]", deadline.isoformat())
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".invalid-feedback")).to_contain_text("ngoài khoảng")
    expect(page.locator("input[name=value]")).to_have_value("150")
    assert not Target.objects.exists()
    shot(page, "plans-target-refused")
    page.fill("input[name=value]", "90")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(success(page)).to_contain_text("Đã thêm chỉ tiêu CT01; hãy giao cho các đơn vị.")
    target = Target.objects.get(plan=kh.plan, code="CT01")
    assert target.value == Decimal(90) and target.deadline == deadline and target.indicator.code == "DOC_SIGNED_PCT"
    ministry = target.shares.get(parent=None)
    page.wait_for_url(f"{live_server.url}/ke-hoach/chi-tieu/{ministry.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Tỷ lệ văn bản đi được ký số — Bộ Quốc phòng")

    # 2. ... and hands it to the academy (95) and the command (blank: the ministry's 90).
    cascade = page.locator("#dx-cascade")
    cascade.get_by_label("Học viện Hậu cần").check()
    cascade.get_by_label("Bộ Tư lệnh 86").check()
    cascade.locator(f"input[name=value_{u['HVHC'].pk}]").fill("95")
    cascade.get_by_role("button", name="Giao chỉ tiêu cho đơn vị đã chọn").click()
    expect(success(page)).to_contain_text("Đã giao chỉ tiêu cho 2 đơn vị.")
    expect(cascade.locator("tr", has_text="Học viện Hậu cần").locator("td").nth(2)).to_have_text("95")
    expect(cascade.locator("tr", has_text="Bộ Tư lệnh 86").locator("td").nth(2)).to_have_text("90")
    shares = {s.unit.code: s for s in UnitTarget.objects.filter(target=target, parent=ministry).select_related("unit")}
    assert {c: s.value for c, s in shares.items()} == {"HVHC": Decimal(95), "BTL86": Decimal(90)}
    assert all(s.deadline == deadline for s in shares.values())

    # 3. The academy's administrator hands its share on to the first battalion.
    switch_user(page, live_server, "qtv_hvhc")
    page.goto(f"{live_server.url}/ke-hoach/viec-cua-don-vi/")
    page.locator("#dx-my-shares").get_by_role("link", name="CT01. Tỷ lệ văn bản đi được ký số").click()
    page.wait_for_url(f"{live_server.url}/ke-hoach/chi-tieu/{shares['HVHC'].pk}/")
    cascade = page.locator("#dx-cascade")
    expect(cascade.get_by_label("Bộ Tư lệnh 86")).to_have_count(0)
    cascade.get_by_label("Tiểu đoàn 1 học viên").check()
    cascade.get_by_role("button", name="Giao chỉ tiêu cho đơn vị đã chọn").click()
    expect(success(page)).to_contain_text("Đã giao chỉ tiêu cho 1 đơn vị.")
    battalion = UnitTarget.objects.get(target=target, unit=u["HVHC-TD1"])
    assert battalion.parent_id == shares["HVHC"].pk and battalion.value == Decimal(95)

    # 4. The battalion's reports of two quarters are approved: 76 %, then 78 % signed.
    for period, signed in (("2025-Q2", "304"), ("2025-Q3", "312")):
        kh.approve("HVHC-TD1", period, kh.cat.GOOD | {"DOC_TOTAL": "400", "DOC_SIGNED": signed})
    q2, q3 = dt.date(2025, 6, 30), dt.date(2025, 9, 30)
    expected_forecast = Decimal(78) + Decimal(2) * (deadline - q3).days / (q3 - q2).days  # the line through both
    for code in ("BQP", "HVHC", "HVHC-TD1"):  # each share reads its own subtree's roll-up
        s = UnitTarget.objects.get(target=target, unit__code=code)
        assert s.current == Decimal(78) and s.period == "2025-Q3", code
        assert abs(s.forecast - expected_forecast) < Decimal("0.01"), (code, s.forecast, expected_forecast)
        if s.forecast >= s.value:
            assert s.status == ST.ON_TRACK, code
        elif s.forecast >= s.value * Decimal("0.9"):
            assert s.status == ST.AT_RISK, code
        else:
            assert s.status == ST.OFF_TRACK, code
    academy = UnitTarget.objects.get(pk=shares["HVHC"].pk)
    assert academy.attainment == (Decimal(78) / Decimal(95)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    command = UnitTarget.objects.get(pk=shares["BTL86"].pk)
    assert command.status == ST.NO_DATA and command.current is None

    # 5. The leader reads the heat map of the ministry's direct subordinates.
    switch_user(page, live_server, "lanhdao_bqp")
    page.goto(f"{live_server.url}/ke-hoach/ban-do-nhiet/?unit=BQP")
    heat = page.locator("[data-dx-heatmap][data-dx-ready]")
    expect(heat).to_have_count(1)
    expect(heat.locator("svg text", has_text=pct(academy.attainment))).to_have_count(1)  # the academy's cell
    table = page.locator("#dx-heat-table")
    expect(table.locator("thead th")).to_have_text(["Chỉ tiêu", "HVHC", "BTL86"])
    row = table.locator("tbody tr", has_text="CT01. Tỷ lệ văn bản đi được ký số")
    expect(row.locator("td").nth(1)).to_contain_text(pct(academy.attainment))
    expect(row.locator("td").nth(1).locator(".badge")).to_have_text(academy.get_status_display())
    expect(row.locator("td").nth(2)).to_contain_text("—")
    expect(row.locator("td").nth(2).locator(".badge")).to_have_text("Chưa có số liệu")
    shot(page, "plans-heatmap")
    # The colour ECharts gave the academy's cell (the first cell), checked at the very end.
    heat_fill = heat.evaluate(
        "el => { const data = echarts.getInstanceByDom(el).getModel().getSeriesByIndex(0).getData();"
        " return (data.getItemVisual(0, 'style') || {}).fill || null; }"
    )

    # 6. ... and the academy's share: the current figure, the forecast, the status.
    row.locator("td").nth(1).get_by_role("link").click()
    page.wait_for_url(f"{live_server.url}/ke-hoach/chi-tieu/{academy.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Tỷ lệ văn bản đi được ký số — Học viện Hậu cần")
    expect(page.locator("#dx-current")).to_have_text(vn2(academy.current))
    expect(page.locator("#dx-current + div")).to_have_text("Quý III/2025")
    expect(page.locator("#dx-forecast")).to_have_text(vn2(academy.forecast))
    status = page.locator("h2.page-title").locator("xpath=../..").locator(".badge")  # beside the title
    expect(status).to_have_text(academy.get_status_display())
    chart = page.locator("[data-dx-chart][data-dx-ready]")
    expect(chart).to_have_count(1)
    expect(chart.locator("svg text", has_text="phải đạt 95")).to_have_count(1)  # the target line
    for label in ("Quý II/2025", "Quý III/2025", f"Hạn {academy.deadline:%d/%m/%Y}", "Dự báo theo xu hướng"):
        expect(chart.locator("svg text", has_text=label)).to_have_count(1)
    below = page.locator("#dx-cascade tr", has_text="Tiểu đoàn 1 học viên")
    battalion.refresh_from_db()
    expect(below.locator("td").nth(2)).to_have_text("95")  # after the leader's tick-box column
    expect(below.locator("td").nth(3)).to_have_text(vn2(battalion.current))
    expect(below.locator("td").nth(4)).to_have_text(vn2(battalion.forecast))
    expect(below.locator(".badge")).to_have_text(battalion.get_status_display())
    shot(page, "plans-share")
    assert targets.shares_for(kh.user("lanhdao_bqp"), u["BQP"]).count() == 4
    assert external == [], f"pages must not fetch from outside: {external}"
    assert heat_fill, (
        "the heat map draws the academy's cell without a colour: the visualMap reads the cells' last "
        "dimension (the status text) instead of the attainment (dimension 2)"
    )
