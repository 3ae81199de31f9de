"""A whole quarter in the browser: a data-entry officer fills and sends, in the form
and in Excel; a reviewer approves from the queue; the ministry dashboard shows it."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from conftest import PASSWORD
from dxhub.reporting import excel
from dxhub.reporting.models import Submission
from dxhub.reporting.tests.conftest import Catalogue
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def cat(org):
    return Catalogue(org)


def test_a_quarter_entered_sent_approved_and_shown_on_the_dashboard(page, live_server, cat, shot):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    login(page, live_server, "nhaplieu_hvhc", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao/viec-cua-toi/")
    row = page.locator("tr", has_text="Ban Công nghệ thông tin")
    row.get_by_role("button", name="Bắt đầu nhập").click()
    expect(page.locator("h2.page-title")).to_have_text("Ban Công nghệ thông tin")
    for code, value in {"PERSONNEL": "120", "EMAIL_USERS": "90", "DOC_TOTAL": "400", "DOC_SIGNED": "300"}.items():
        page.fill(f"#v_{code}", value)
    page.fill("#v_UPTIME", "99,5")
    page.select_option("#v_HAS_PLAN", "Có")
    page.locator("#v_HAS_PLAN").dispatch_event("change")
    expect(page.locator("#dx-save-status")).to_contain_text("Đã tự động lưu nháp")  # autosave, no click
    sub = Submission.objects.get(unit__code="HVHC-CNTT")
    assert sub.values.filter(indicator__code="HAS_PLAN", num=1).exists()
    shot(page, "reporting-entry")
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator("#dx-status")).to_have_text("Đã gửi")
    expect(page.locator("#v_DOC_SIGNED_PCT")).to_have_text("75")

    page.context.clear_cookies()
    login(page, live_server, "pheduyet_bqp", PASSWORD)
    expect(page.locator("#dx-bell .badge")).to_have_text("1")  # notified of the submission
    page.goto(f"{live_server.url}/bao-cao/cho-duyet/")
    page.check("#dx-check-all")
    expect(page.locator("input[name=ids]")).to_be_checked()  # the page's script ticks every row
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Duyệt các phiếu đã chọn").click()
    expect(page.get_by_text("Đã duyệt 1 phiếu.")).to_be_visible()

    page.goto(f"{live_server.url}/bao-cao/?unit=BQP")  # the last ended quarter, the one just reported
    expect(page.locator("tr[data-code=DOC_TOTAL] .dx-value")).to_have_text("400")
    expect(page.locator("tr[data-code=DOC_SIGNED_PCT] .dx-value")).to_have_text("75")
    shot(page, "reporting-dashboard")
    page.locator("tr[data-code=DOC_SIGNED_PCT] a").click()
    expect(page.locator("[data-dx-chart][data-dx-ready]")).to_have_count(1)  # ECharts drew the trend
    page.locator("#dx-drill").get_by_role("link", name="HVHC").click()
    expect(page.locator("#dx-own")).to_contain_text("75")
    shot(page, "reporting-indicator")
    assert external == [], f"pages must not fetch from outside: {external}"


def upload(page, path):
    form = page.locator("form[method=post][enctype]")
    form.locator("select[name=unit]").select_option("HVHC")
    form.locator("input[name=subtree]").check()
    form.locator("input[name=period]").fill("2025-Q3")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="Tải lên").click()


def test_excel_round_trip_in_the_browser(page, live_server, cat, shot, tmp_path):
    login(page, live_server, "nhaplieu_hvhc", PASSWORD)
    page.goto(f"{live_server.url}/bao-cao/excel/")
    download_form = page.locator("form[method=get]")
    download_form.locator("select[name=unit]").select_option("HVHC")
    download_form.locator("input[name=subtree]").check()
    download_form.locator("input[name=period]").fill("2025-Q3")
    with page.expect_download() as info:
        download_form.get_by_role("button", name="Tải mẫu Excel").click()
    wb = load_workbook(io.BytesIO(info.value.path().read_bytes()))  # the saved download has no extension
    ws = wb[excel.SHEET]
    cols = {c.value: c.column for c in ws[2] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    ws.cell(rows["HVHC-CNTT"], cols["PERSONNEL"], 130)
    ws.cell(rows["HVHC-TD1"], cols["PERSONNEL"], "nhiều")
    bad = tmp_path / "bao-cao.xlsx"
    wb.save(bad)
    upload(page, bad)
    expect(page.locator("#dx-upload-error")).to_contain_text(re.compile(r"dòng 6, cột D \(PERSONNEL\)"))
    shot(page, "reporting-excel-error")
    assert not Submission.objects.exists()
    ws.cell(rows["HVHC-TD1"], cols["PERSONNEL"], 80)
    good = tmp_path / "bao-cao-2.xlsx"
    wb.save(good)
    upload(page, good)
    expect(page.get_by_text("Đã nhập số liệu của 2 đơn vị")).to_be_visible()
    assert Submission.objects.filter(status="draft").count() == 2
