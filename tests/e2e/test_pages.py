import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_tree_opens_lazily_and_search_finds_without_accents(page, live_server, org, shot):
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    login(page, live_server, "admin", PASSWORD)
    expect(page.get_by_text("Đơn vị trong phạm vi")).to_be_visible()
    page.locator("#dx-menu").get_by_role("link", name="Đơn vị").click()
    tree = page.locator("#dx-tree")
    expect(tree.get_by_role("link", name="Học viện Hậu cần")).to_be_visible()  # root's children load on open
    expect(tree.get_by_role("link", name="Tiểu đoàn 1 học viên")).to_have_count(0)  # not loaded yet
    toggle = tree.get_by_role("link", name="Học viện Hậu cần", exact=True).locator("xpath=preceding-sibling::button")
    toggle.click()
    expect(tree.get_by_role("link", name="Tiểu đoàn 1 học viên")).to_be_visible()
    toggle.click()
    expect(tree.get_by_role("link", name="Tiểu đoàn 1 học viên")).to_be_hidden()
    page.fill("#unit-search", "hoc vien hau can")
    result = page.locator("#search-results a", has_text="Học viện Hậu cần")
    expect(result).to_be_visible()
    shot(page, "tree")
    result.click()
    expect(page.locator("h2.page-title")).to_have_text(re.compile("Học viện Hậu cần"))
    expect(page.get_by_text("Ban Công nghệ thông tin")).to_be_visible()
    shot(page, "unit")
    assert external == [], f"pages must not fetch from outside: {external}"


def test_people_search_and_person_page(page, live_server, org, shot):
    login(page, live_server, "qtv_hvhc", PASSWORD)
    page.goto(f"{live_server.url}/to-chuc/quan-so/")
    expect(page.get_by_role("link", name="Trần Thị Bích")).to_be_visible()
    expect(page.get_by_role("link", name="Vũ Văn Giang")).to_have_count(0)
    page.fill("input[name=q]", "hoang thi en")
    page.click("button:has-text('Lọc')")
    expect(page.get_by_role("link", name="Hoàng Thị Én")).to_be_visible()
    expect(page.get_by_role("link", name="Trần Thị Bích")).to_have_count(0)
    shot(page, "people")
    page.get_by_role("link", name="Hoàng Thị Én").click()
    expect(page.get_by_text("Mã định danh quân nhân")).to_be_visible()


def test_edit_unit_then_see_it_in_audit(page, live_server, org, shot):
    login(page, live_server, "qtv_hvhc", PASSWORD)
    page.goto(f"{live_server.url}/to-chuc/don-vi/{org.unit('HVHC-CNTT').pk}/sua/")
    page.fill("input[name=name]", "Ban Công nghệ thông tin và Chuyển đổi số")
    page.click("button:has-text('Lưu')")
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu")
    page.locator("#dx-menu").get_by_role("link", name="Nhật ký").click()
    expect(page.locator("table")).to_contain_text("Ban Công nghệ thông tin và Chuyển đổi số")
    shot(page, "audit")
    page.locator("table a").first.click()
    expect(page.locator(".dx-diff-changed")).to_contain_text("Ban Công nghệ thông tin")


def test_outside_scope_is_not_found_in_browser(page, live_server, org):
    login(page, live_server, "lanhdao_86", PASSWORD)
    response = page.goto(f"{live_server.url}/to-chuc/don-vi/{org.unit('HVHC').pk}/")
    assert response.status == 404


def test_phone_layout_has_menu(chromium, live_server, org, shot, transactional_db):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    login(page, live_server, "admin", PASSWORD)
    menu = page.locator("#dx-menu")
    expect(menu).to_be_hidden()
    page.click("button.navbar-toggler")
    expect(menu.get_by_role("link", name="Quân số")).to_be_visible()
    shot(page, "phone-menu")
    context.close()


def test_api_docs_render_from_local_files(page, live_server, org):
    external, errors = [], []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("dxhub API")
    expect(page.get_by_text("/api/v1/people/{pk}").first).to_be_visible()
    assert external == [], external
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_import_people_from_excel_in_the_browser(page, live_server, org, shot, tmp_path):
    from openpyxl import Workbook

    from dxhub.org import identifiers
    from dxhub.org.models import Person

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã định danh", "Họ và tên", "Đối tượng", "Cấp bậc", "Mã đơn vị"])
    ws.append([identifiers.make(25, 7001), "Đinh Thị Hoa", "QNCN", "Trung úy", "HVHC-CNTT"])
    ws.append([identifiers.make(25, 7002), "Cao Văn Lực", "Sĩ quan", "Thiếu tá", "BTL86"])
    bad = tmp_path / "quan-so-loi.xlsx"
    wb.save(bad)
    login(page, live_server, "nhaplieu_hvhc", PASSWORD)
    page.goto(f"{live_server.url}/to-chuc/quan-so/nhap/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:has-text('Kiểm tra và nhập')")
    expect(page.locator(".alert-danger")).to_contain_text("Chưa có dữ liệu nào được ghi")
    expect(page.get_by_text("dòng 3, cột E")).to_be_visible()
    shot(page, "import-errors")
    assert not Person.objects.filter(full_name="Đinh Thị Hoa").exists()
    ws.delete_rows(3)
    good = tmp_path / "quan-so.xlsx"
    wb.save(good)
    page.set_input_files("input[type=file]", str(good))
    page.click("button:has-text('Kiểm tra và nhập')")
    expect(page.locator(".alert-success")).to_contain_text("1 quân nhân mới")
    assert Person.objects.get(full_name="Đinh Thị Hoa").unit.code == "HVHC-CNTT"
