"""Bình dân học vụ số in the browser: an officer launches a needs survey, sees who must
be trained in what, organises a class, records completions; the unit's coverage, the
report indicator fed by it and the plan target read from the approved figure all move.
And anyone can check a certificate's code without logging in."""

import datetime as dt
import importlib
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import PASSWORD
from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Role
from dxhub.plans import services as plan_services
from dxhub.plans import targets
from dxhub.plans.models import UnitTarget
from dxhub.reporting import catalogue, submissions
from dxhub.reporting.models import Indicator, Submission
from dxhub.reporting.periods import Period
from dxhub.training import coverage, services
from dxhub.training.models import Completion, Survey, TrainingClass
from dxhub.training.tests.conftest import Training
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def seed_frameworks():
    """The frameworks and training groups come from a data migration; a browser test's
    database is flushed after each test, which removes them, so put them back."""
    importlib.import_module("dxhub.training.migrations.0002_frameworks").load(apps, None)


@pytest.fixture
def bhvs(page, org, settings, tmp_path):
    """Built after ``page`` so it lives in the live server's transactional database: the
    training fixture (people, the basic course BHVS-CB), the three report indicators of
    the BHVS form (two fed by training from the current quarter on), the company's
    current-quarter report already started, and the academy's plan with a coverage
    target handed down to the company."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_frameworks()
    t = Training(org)
    admin = org.users["admin"]
    today = timezone.localdate()
    quarter = Period.containing("Q", today)

    def make(code, **kw):
        data = {"code": code, "name": f"Chỉ tiêu {code}", "value_type": "integer", "aggregation": "sum"} | kw
        return catalogue.save_indicator(admin, data)

    people = make("PERSONNEL_TOTAL", name="Tổng quân số", min_value=0)
    make("BHVS_TRAINED", name="Số người hoàn thành kỹ năng số cơ bản", min_value=0)
    pct = make(
        "BHVS_TRAINED_PCT",
        name="Tỷ lệ hoàn thành kỹ năng số cơ bản",
        value_type="percentage",
        aggregation="weighted_avg",
        weight=people,
        is_computed=True,
    )
    catalogue.add_formula(admin, pct, "BHVS_TRAINED / PERSONNEL_TOTAL * 100", "2020-Q1")
    form = catalogue.save_form(
        admin, {"code": "BC-BHVS", "name": "Báo cáo Bình dân học vụ số", "periodicity": "Q", "deadline_days": 10}
    )
    catalogue.add_form_version(admin, form, ["PERSONNEL_TOTAL", "BHVS_TRAINED", "BHVS_TRAINED_PCT"], "2024-Q1")
    Indicator.objects.filter(code="BHVS_TRAINED").update(source=coverage.BASIC_TRAINED, source_from=quarter.start)
    Indicator.objects.filter(code="BHVS_TRAINED_PCT").update(source=coverage.BASIC_COVERAGE, source_from=quarter.start)

    reviewer = User.objects.create_user("pheduyet_hvhc", password=PASSWORD, full_name="pheduyet_hvhc")
    RoleAssignment.objects.create(user=reviewer, unit=t.units["HVHC"], role=Role.REVIEWER)

    company = t.units["HVHC-TD1-DD1"]  # its own people: the fixture's officer and two soldiers
    sub = submissions.open_submission(t.users["nhaplieu_hvhc"], company, form, quarter.code)

    plan = plan_services.save_plan(
        admin,
        plan_services.PlanData(
            code="KH-BHVS-HVHC",
            title="Kế hoạch triển khai Phong trào Bình dân học vụ số của Học viện",
            kind="plan",
            start=dt.date(today.year, 1, 1),
            end=dt.date(today.year + 1, 12, 31),
            owner=t.units["HVHC"],
        ),
    )
    target = targets.create_target(
        admin,
        plan,
        targets.TargetData(
            code="CT-BHVS",
            title="Tỷ lệ quân số hoàn thành kỹ năng số cơ bản",
            indicator_code="BHVS_TRAINED_PCT",
            value="80",
            start=dt.date(today.year, 1, 1),
            deadline=dt.date(today.year + 1, 6, 30),
        ),
    )
    academy_share = target.shares.get(parent=None)
    [share] = targets.cascade(admin, academy_share, {company: "60"})
    return SimpleNamespace(
        t=t,
        today=today,
        quarter=quarter,
        company=company,
        sub=sub,
        share=share,
        person=t.person("Bùi Văn Mạnh"),
    )


def success(page):
    return page.locator(".alert-success[role=alert]")


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def test_survey_needs_class_certificate_coverage_report_and_target(page, live_server, bhvs, shot):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    t, today, person, company = bhvs.t, bhvs.today, bhvs.person, bhvs.company
    base = f"{live_server.url}/hoc-vu-so"

    # 1. The academy's data-entry officer launches a survey of the academy.
    login(page, live_server, "nhaplieu_hvhc", PASSWORD)
    page.goto(f"{base}/khao-sat/moi/")
    expect(page.locator("h2.page-title")).to_have_text("Mở đợt khảo sát nhu cầu bồi dưỡng")
    expect(page.locator("#id_unit")).to_have_value("HVHC")  # the officer's unit, proposed
    page.fill("#id_code", "ks-bhvs-e2e")
    page.fill("#id_title", "Khảo sát năng lực số quân nhân cuối năm")
    page.select_option("#id_framework", label=str(t.tt02))
    page.fill("#id_opens_on", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#id_closes_on", (today + dt.timedelta(days=30)).isoformat())
    page.fill("#id_note", "Mỗi quân nhân tự đánh giá 24 năng lực theo thang 0–8.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(success(page)).to_contain_text("Đã mở đợt khảo sát KS-BHVS-E2E.")
    survey = Survey.objects.get(code="KS-BHVS-E2E")
    assert survey.unit == t.units["HVHC"] and survey.framework == t.tt02
    assert survey.opens_on == today - dt.timedelta(days=1) and survey.closes_on == today + dt.timedelta(days=30)
    page.wait_for_url(f"{base}/khao-sat/{survey.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Khảo sát năng lực số quân nhân cuối năm — Học viện Hậu cần")
    expect(page.locator("#dx-answered")).to_have_text("0")

    # 2. ... enters a soldier's self-rating for him: safety (domain 4) at step 1.
    page.get_by_role("link", name="Nhập phiếu thay").click()
    page.fill("#dx-ident", person.identifier)
    page.get_by_role("button", name="Chọn", exact=True).click()
    page.wait_for_url(f"{base}/khao-sat/{survey.pk}/phieu/?identifier={person.identifier}")
    expect(page.locator("h2.page-title")).to_have_text("Phiếu tự đánh giá năng lực số — Bùi Văn Mạnh")
    selects = page.locator("form[method=post] select")
    expect(selects).to_have_count(len(t.codes))
    for code in t.codes:
        page.locator(f"select[name='r_{code}']").select_option("1" if code.startswith("4.") else "3")
    page.get_by_role("button", name="Lưu phiếu").click()
    expect(success(page)).to_contain_text("Đã lưu phiếu của Bùi Văn Mạnh. Xếp nhóm: Phổ cập kỹ năng số cơ bản.")
    page.wait_for_url(f"{base}/khao-sat/{survey.pk}/")
    expect(page.locator("#dx-answered")).to_have_text("1")
    group = page.locator("#dx-groups tbody tr", has_text="Phổ cập kỹ năng số cơ bản")
    expect(group).to_have_count(1)
    expect(group.locator("td").nth(1)).to_have_text("1")  # people in the group
    expect(group.locator("td").nth(2)).to_have_text("0")  # of them trained
    expect(page.locator("#dx-groups tbody tr")).to_have_count(1)  # a soldier: no other group
    shot(page, "training-survey")

    # ... and who must be trained in what, on the page and in Excel.
    page.get_by_role("link", name="Danh sách cần bồi dưỡng").click()
    page.wait_for_url(f"{base}/khao-sat/{survey.pk}/can-boi-duong/?unit=HVHC")
    needs = page.locator("#dx-needs tbody tr")
    expect(needs).to_have_count(1)
    expect(needs.locator("td").nth(0)).to_contain_text("Bùi Văn Mạnh")
    expect(needs.locator("td").nth(1)).to_have_text("HVHC-TD1-DD1")
    expect(needs.locator("td").nth(2)).to_have_text("Phổ cập kỹ năng số cơ bản")
    expect(needs.locator("td").nth(3)).to_have_text("dưới bậc 2: 4. An toàn (bậc 1)")
    shot(page, "training-needs")
    with page.expect_download() as info:
        page.get_by_role("link", name="Xuất Excel").click()
    assert info.value.suggested_filename == "can-boi-duong-KS-BHVS-E2E-HVHC.xlsx"
    ws = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers == [
        "STT",
        "Mã định danh",
        "Họ và tên",
        "Cấp bậc",
        "Chức vụ",
        "Đơn vị",
        "Nhóm cần bồi dưỡng",
        "Lý do",
        "Khóa học đề xuất",
        "Đã hoàn thành kỹ năng số cơ bản",
    ]
    assert len(rows) == 2, rows
    line = dict(zip(headers, rows[1], strict=True))
    assert line["STT"] == 1 and str(line["Mã định danh"]) == person.identifier
    assert line["Họ và tên"] == "Bùi Văn Mạnh" and line["Cấp bậc"] == person.get_rank_display()
    assert line["Chức vụ"] == "Chiến sĩ" and line["Đơn vị"] == "Đại đội 1"
    assert line["Nhóm cần bồi dưỡng"] == "Phổ cập kỹ năng số cơ bản"
    assert line["Lý do"] == "dưới bậc 2: 4. An toàn (bậc 1)"
    assert line["Khóa học đề xuất"] == "BHVS-CB" and line["Đã hoàn thành kỹ năng số cơ bản"] == "Chưa"

    # The company's coverage and its report before any training: nobody yet.
    page.goto(f"{base}/don-vi/{company.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Đại đội 1")
    trained_before = page.locator("#dx-trained").inner_text()
    coverage_before = page.locator("#dx-coverage").inner_text()
    assert (trained_before, coverage_before) == ("0", "0,0%")
    expect(page.locator("#dx-trained + div")).to_have_text("trên 3 người đang công tác")
    page.goto(f"{live_server.url}/bao-cao/phieu/{bhvs.sub.pk}/")
    expect(page.locator("#v_BHVS_TRAINED")).to_have_text("0")

    # 3. ... opens a class of the basic course, starting two days ago, at the company.
    page.goto(f"{base}/lop/moi/")
    expect(page.locator("h2.page-title")).to_have_text("Mở lớp tập huấn, bồi dưỡng")
    page.fill("#id_code", "BHVS-DD1-01")
    page.select_option("#id_course", str(t.basic.pk))
    page.fill("#id_unit", "HVHC-TD1-DD1")
    page.fill("#id_start", (today - dt.timedelta(days=2)).isoformat())
    page.fill("#id_end", today.isoformat())
    page.fill("#id_sessions", "2")
    page.fill("#id_place", "Hội trường Đại đội 1")
    page.fill("#id_instructor", "Thiếu tá Nguyễn Văn Hòa")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(success(page)).to_contain_text("Đã mở lớp BHVS-DD1-01.")
    klass = TrainingClass.objects.get(code="BHVS-DD1-01")
    assert klass.unit == company and klass.course == t.basic and klass.sessions == 2
    page.wait_for_url(f"{base}/lop/{klass.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Kiến thức, kỹ năng số cơ bản")
    expect(page.get_by_text("Điều kiện đạt: tham dự ít nhất 2 buổi và điểm từ 5 trở lên.")).to_be_visible()

    # ... enrols the soldier by identifier, types his attendance and score, saves.
    page.fill("#id_enrol-identifiers", person.identifier)
    page.get_by_role("button", name="Ghi danh", exact=True).click()
    expect(success(page)).to_contain_text("Đã ghi danh 1 học viên.")
    row = page.locator(f"#dx-roster tr[data-identifier='{person.identifier}']")
    expect(row).to_contain_text("Bùi Văn Mạnh")
    row.get_by_label("Số buổi tham dự Bùi Văn Mạnh").fill("2")
    row.get_by_label("Điểm Bùi Văn Mạnh").fill("8,5")  # a Vietnamese decimal comma
    page.get_by_role("button", name="Lưu điểm danh, điểm").click()
    expect(success(page)).to_contain_text("Đã lưu điểm danh và điểm.")
    expect(row.get_by_label("Số buổi tham dự Bùi Văn Mạnh")).to_have_value("2")
    expect(row.get_by_label("Điểm Bùi Văn Mạnh")).to_have_value("8,5")
    enrolment = klass.enrolments.get()
    assert (enrolment.attended, enrolment.score) == (2, Decimal("8.5"))

    # ... and ends the class: he passed and holds a certificate.
    page.get_by_role("button", name="Kết thúc lớp, cấp giấy chứng nhận").click()
    expect(success(page)).to_contain_text("Lớp đã kết thúc; 1 học viên đạt được cấp giấy chứng nhận.")
    expect(page.locator(".badge", has_text="Lớp đã kết thúc")).to_be_visible()
    expect(row.locator(".badge")).to_have_text("Đạt")
    completion = Completion.objects.get(person=person, course=t.basic)
    assert completion.is_basic and completion.completed_on == today and completion.score == Decimal("8.5")
    assert completion.issued_by == company
    link = row.get_by_role("link", name="Giấy chứng nhận")
    expect(link).to_have_attribute("href", f"/hoc-vu-so/chung-nhan/{completion.pk}/")
    shot(page, "training-class")
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert f"chung-nhan-{completion.code}.pdf" in pdf.headers["content-disposition"]
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    for words in ("GIẤY CHỨNG NHẬN", "Bùi Văn Mạnh", "Kiến thức, kỹ năng số cơ bản", "8,5 điểm", completion.code):
        assert words in text, (words, text)
    assert f"/xac-thuc/{completion.code}/" in text  # where to check it

    # 4. The company's coverage moved: 1 of its 3 people.
    page.goto(f"{base}/don-vi/{company.pk}/")
    expect(page.locator("#dx-trained")).to_have_text("1")
    expect(page.locator("#dx-coverage")).to_have_text("33,3%")
    assert page.locator("#dx-trained").inner_text() != trained_before
    assert page.locator("#dx-coverage").inner_text() != coverage_before
    # ... and the survey counts him trained in his group.
    page.goto(f"{base}/khao-sat/{survey.pk}/")
    expect(page.locator("#dx-groups tbody tr", has_text="Phổ cập").locator("td").nth(2)).to_have_text("1")

    # 5. The report of the current quarter shows the fed figures, which cannot be typed.
    page.goto(f"{live_server.url}/bao-cao/phieu/{bhvs.sub.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Đại đội 1")
    expect(page.locator("#dx-status")).to_have_text("Nháp")
    for code, shown in (("BHVS_TRAINED", "1"), ("BHVS_TRAINED_PCT", "33,33")):
        value = page.locator(f"#v_{code}")
        expect(value).to_have_text(shown)
        expect(page.locator(f"input[name=v_{code}]")).to_have_count(0)  # not a field
        expect(page.locator(f"[data-code={code}]")).to_contain_text("tự động từ dữ liệu")
        expect(page.locator(f"[data-code={code}]")).to_contain_text("Bình dân học vụ số")
    page.fill("#v_PERSONNEL_TOTAL", "3")
    page.locator("#v_PERSONNEL_TOTAL").dispatch_event("change")
    expect(page.locator("#dx-save-status")).to_contain_text("Đã tự động lưu nháp")
    shot(page, "training-report")
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator("#dx-status")).to_have_text("Đã gửi")
    expect(page.locator("#v_BHVS_TRAINED")).to_have_text("1")

    # 6. The academy's reviewer approves it.
    switch_user(page, live_server, "pheduyet_hvhc")
    page.goto(f"{live_server.url}/bao-cao/phieu/{bhvs.sub.pk}/")
    page.locator(f"form[action='/bao-cao/phieu/{bhvs.sub.pk}/approve/'] button").click()  # "Duyệt"
    expect(success(page)).to_contain_text("Đã duyệt phiếu.")
    expect(page.locator("#dx-status")).to_have_text("Đã duyệt")
    sub = Submission.objects.get(pk=bhvs.sub.pk)
    values = {v.indicator.code: v.num for v in sub.values.select_related("indicator")}
    assert values == {"PERSONNEL_TOTAL": 3, "BHVS_TRAINED": 1, "BHVS_TRAINED_PCT": Decimal("33.33")}

    # ... and the company's target follows the approved figure inside the approval.
    share = UnitTarget.objects.get(pk=bhvs.share.pk)
    assert share.current == Decimal("33.33") and share.period == bhvs.quarter.code
    switch_user(page, live_server, "nhaplieu_hvhc")
    page.goto(f"{live_server.url}/ke-hoach/chi-tieu/{share.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Tỷ lệ quân số hoàn thành kỹ năng số cơ bản — Đại đội 1")
    expect(page.locator("#dx-current")).to_have_text("33,33")
    expect(page.locator("#dx-current + div")).to_have_text(bhvs.quarter.label)  # Quý IV/2026
    shot(page, "training-target")

    # ... and so does the training dashboard's table of linked indicators.
    page.goto(f"{base}/don-vi/{company.pk}/")
    linked = page.locator("#dx-linked")
    expect(linked.locator("td[data-code=BHVS_TRAINED]")).to_contain_text("1")
    expect(linked.locator("td[data-code=BHVS_TRAINED_PCT]")).to_contain_text("33,33")
    target_row = linked.locator("tr", has_text="CT-BHVS")
    expect(target_row).to_have_count(1)
    expect(target_row).to_contain_text("Tỷ lệ quân số hoàn thành kỹ năng số cơ bản")
    expect(target_row).to_contain_text("60 · ")  # the company's share of the academy's 80
    expect(target_row).to_contain_text("hiện đạt 33,33")
    expect(target_row.locator("a[href]", has_text="CT-BHVS")).to_have_attribute(
        "href", f"/ke-hoach/chi-tieu/{share.pk}/"
    )
    shot(page, "training-unit")
    assert external == [], f"pages must not fetch from outside: {external}"


@pytest.fixture
def certified(page, org):
    """A soldier of the company who passed the basic course in a class that ended today."""
    seed_frameworks()
    t = Training(org)
    officer = t.users["nhaplieu_hvhc"]
    today = timezone.localdate()
    klass = services.open_class(
        officer,
        t.units["HVHC-TD1-DD1"],
        services.ClassData("BHVS-DD1-02", t.basic, today - dt.timedelta(days=1), today, 1, "Hội trường Đại đội 1"),
    )
    person = t.person("Đinh Văn Nam")
    [e] = services.enrol(officer, klass, [person])
    services.record_results(officer, klass, {e.pk: (1, Decimal("7"))})
    [completion] = services.close_class(officer, klass)
    return SimpleNamespace(t=t, person=person, completion=completion)


def test_anyone_verifies_a_certificate_and_sees_it_revoked(page, live_server, certified, shot):
    code, person = certified.completion.code, certified.person
    verify = page.locator("#dx-verify")

    # Without logging in: the printed code is valid, typed any way.
    page.goto(f"{live_server.url}/xac-thuc/{code}/")
    expect(verify).to_have_attribute("data-status", "valid")
    expect(verify).to_contain_text("Giấy chứng nhận hợp lệ")
    expect(verify).to_contain_text("Đinh Văn Nam")
    expect(verify).to_contain_text("Kiến thức, kỹ năng số cơ bản")
    expect(verify).to_contain_text("Đại đội 1")
    expect(verify).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))
    shot(page, "training-verify-valid")
    page.goto(f"{live_server.url}/xac-thuc/")
    page.fill("#dx-code", code.replace("-", "").lower())
    page.get_by_role("button", name="Kiểm tra").click()
    expect(verify).to_have_attribute("data-status", "valid")
    expect(verify).to_contain_text(code)

    # An unknown code.
    page.goto(f"{live_server.url}/xac-thuc/ABCD-EFGH-JKLM/")
    expect(verify).to_have_attribute("data-status", "unknown")
    expect(verify).to_contain_text("Không có giấy chứng nhận nào mang mã xác thực “ABCD-EFGH-JKLM”")

    # The officer revokes it from the soldier's passport.
    login(page, live_server, "nhaplieu_hvhc", PASSWORD)
    page.goto(f"{live_server.url}/hoc-vu-so/quan-nhan/{person.pk}/")
    expect(page.locator("#dx-basic")).to_have_text("Đã hoàn thành")
    row = page.locator("#dx-completions tbody tr", has_text=code)
    reason = "Cấp nhầm: học viên chưa dự đủ buổi"
    row.get_by_label("Lý do thu hồi").fill(reason)
    row.get_by_role("button", name="Thu hồi").click()
    expect(success(page)).to_contain_text(f"Đã thu hồi chứng nhận {code}.")
    expect(row.locator(".badge", has_text="đã thu hồi")).to_be_visible()
    expect(page.locator("#dx-basic")).to_have_text("Chưa hoàn thành")
    completion = Completion.objects.get(pk=certified.completion.pk)
    assert completion.revoked_at is not None and completion.revoked_reason == reason

    # Logged out again, the code now reads revoked; the officer's reason stays inside.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/xac-thuc/{code}/")
    expect(verify).to_have_attribute("data-status", "revoked")
    expect(verify).to_contain_text("Giấy chứng nhận đã bị thu hồi")
    expect(verify).not_to_contain_text(reason)
    shot(page, "training-verify-revoked")
