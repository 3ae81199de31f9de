"""An assessment round in the browser: a unit scores itself and attaches evidence, the
round moves to review, an assessor changes a value and closes the review, the results are
published, ranked and exported, and the what-if page recomputes a unit's index."""

import hashlib
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from conftest import PASSWORD
from dxhub.assessment import results, services
from dxhub.assessment.models import Evidence, Participant, Result, Round, Score
from dxhub.assessment.tests.conftest import Assessment
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def assess(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # evidence files stay out of var/media
    return Assessment(org)


def tiny_pdf() -> bytes:
    """A valid one-page PDF (header, objects, cross-reference table, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def vn4(x) -> str:
    """An index as the pages write it: four decimals, decimal comma."""
    return f"{Decimal(str(x)):.4f}".replace(".", ",")


def leaf(page, code):
    return page.locator(f'tr[data-code="{code}"]')


def score(participant, code) -> Score:
    return Score.objects.get(participant=participant, criterion__code=code)


def confirm_and_click(page, locator, dialogs):
    """Click a button of a data-confirm form and accept the browser's confirm dialog."""

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    locator.click()


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def test_an_assessment_round_from_self_assessment_to_ranking(page, live_server, assess, shot, tmp_path):
    external, dialogs = [], []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)
    assess.approved("HVHC", "2025-Q4", signed=300)  # 75 % of documents signed → B.1 gets 22,5 of 30
    round_ = assess.open()
    hvhc = assess.participant(round_, "HVHC")
    btl = assess.participant(round_, "BTL86")
    unit_url = f"{live_server.url}/danh-gia/ky/{round_.pk}/don-vi/HVHC/"

    # 1. The academy's data-entry officer scores the academy and sends it.
    login(page, live_server, "nhaplieu_hvhc", PASSWORD)
    page.goto(unit_url)
    expect(page.locator("h2.page-title")).to_have_text("Học viện Hậu cần")
    expect(leaf(page, "B.1").locator(".dx-value")).to_contain_text("75")  # the approved report's figure
    expect(leaf(page, "B.1").locator(".dx-value")).to_contain_text("2025-Q4")
    expect(leaf(page, "B.3")).to_contain_text("Không áp dụng với đơn vị này")
    expect(leaf(page, "B.1").locator("select[name=value], input[name=value]")).to_have_count(0)  # not typed

    row = leaf(page, "A.1")
    row.locator("select[name=value]").select_option(label="Có")
    row.locator("textarea[name=note]").fill("Quyết định số 12/QĐ-HV")
    row.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã lưu tiêu chí A.1.")
    assert score(hvhc, "A.1").self_value == Decimal("1.0000")
    assert score(hvhc, "A.1").self_note == "Quyết định số 12/QĐ-HV"
    expect(leaf(page, "A.1").locator("select[name=value]")).to_have_value("1")

    row = leaf(page, "A.2")
    row.locator("select[name=value]").select_option(label="Mức 3 (15 điểm)")
    row.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã lưu tiêu chí A.2.")
    assert score(hvhc, "A.2").self_value == Decimal("3.0000")

    row = leaf(page, "A.3")
    row.locator("input[name=value]").fill("7,5")
    row.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã lưu tiêu chí A.3.")
    assert score(hvhc, "A.3").self_value == Decimal("7.5000")
    expect(leaf(page, "A.3").locator(".dx-self")).to_have_text("7,50")

    row = leaf(page, "B.2")
    row.locator("input[name=value]").fill("12")
    row.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã lưu tiêu chí B.2.")
    assert score(hvhc, "B.2").self_value == Decimal("12.0000")
    # 10 + 15 + 7,5 + 22,5 + 20 (the group's best software count) = 75 of the 90 applicable points
    expect(page.locator("#dx-index")).to_have_text("0,8333")
    expect(page.locator("#dx-band")).to_have_text("Tốt")
    assert Result.objects.get(participant=hvhc, version=0).index == Decimal("0.8333")

    row = leaf(page, "A.3")
    row.locator("input[name=value]").fill("12")  # over the criterion's 10 points
    row.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".alert-danger[role=alert]")).to_contain_text("Tiêu chí A.3: Điểm 12 vượt quá điểm tối đa 10.")
    expect(page.locator(".alert-success[role=alert]")).to_have_count(0)
    assert score(hvhc, "A.3").self_value == Decimal("7.5000")  # nothing changed
    expect(leaf(page, "A.3").locator("input[name=value]")).to_have_value("7,5000")
    expect(page.locator("#dx-index")).to_have_text("0,8333")

    expect(page.locator("#dx-self-status")).to_contain_text("Tiêu chí A.1 bắt buộc có minh chứng.")
    confirm_and_click(page, page.locator("#dx-submit-self"), dialogs)
    expect(page.locator(".alert-danger[role=alert]")).to_contain_text("Chưa gửi được: còn 1 việc phải làm.")
    expect(page.locator(".alert-warning[role=alert]")).to_contain_text("Tiêu chí A.1 bắt buộc có minh chứng.")
    assert dialogs[-1] == "Gửi kết quả tự đánh giá? Sau khi gửi đơn vị không sửa được nữa."
    hvhc.refresh_from_db()
    assert hvhc.submitted_at is None
    shot(page, "assessment-self-missing-evidence")

    pdf = tiny_pdf()
    pdf_path = tmp_path / "Quyết định thành lập Ban Chỉ đạo.pdf"
    pdf_path.write_bytes(pdf)
    row = leaf(page, "A.1")
    row.locator("summary", has_text="Thêm minh chứng").click()
    upload = row.locator("form[enctype]")
    upload.locator("input[name=title]").fill("Quyết định số 12/QĐ-HV")
    upload.locator("input[type=file]").set_input_files(str(pdf_path))
    upload.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã thêm minh chứng cho tiêu chí A.1.")
    evidence = Evidence.objects.get(score__participant=hvhc, score__criterion__code="A.1")
    assert evidence.title == "Quyết định số 12/QĐ-HV" and evidence.size == len(pdf)
    assert evidence.sha256 == hashlib.sha256(pdf).hexdigest()
    link = leaf(page, "A.1").get_by_role("link", name="Quyết định số 12/QĐ-HV")
    with page.expect_download() as info:
        link.click()
    assert info.value.path().read_bytes() == pdf  # the stored file is the one sent
    expect(page.locator("#dx-self-status")).to_contain_text("Đã chấm đủ các tiêu chí")

    confirm_and_click(page, page.locator("#dx-submit-self"), dialogs)
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã gửi kết quả tự đánh giá.")
    expect(page.get_by_text("Đơn vị đã gửi kết quả tự đánh giá lúc")).to_be_visible()
    expect(page.locator("#dx-submit-self")).to_have_count(0)
    expect(page.locator("#dx-leaves form")).to_have_count(0)  # no value, note or evidence form left
    expect(leaf(page, "A.3").locator(".dx-value")).to_contain_text("7,5")
    hvhc.refresh_from_db()
    assert hvhc.submitted_at is not None and hvhc.submitted_by == assess.users["nhaplieu_hvhc"]
    shot(page, "assessment-self-sent")

    # 2. The command's values come in through the services; the organiser opens the review.
    for code, value in {"A.1": "Không", "A.2": "4", "A.3": "10", "B.2": "6"}.items():
        services.save_self(assess.admin, btl, assess.criterion(code), value)
    services.submit_self(assess.admin, btl)
    switch_user(page, live_server, "admin")
    page.goto(f"{live_server.url}/danh-gia/ky/{round_.pk}/")
    expect(page.locator("h2.page-title")).to_have_text("Đánh giá năm 2025")
    expect(page.locator("#dx-n-all")).to_have_text("2")
    expect(page.locator("#dx-n-submitted")).to_have_text("2")
    participants = page.locator("#dx-participants")
    expect(participants.locator("tr", has_text="HVHC")).to_contain_text("0,8333")
    # BTL86: 0 + 20 + 10 + 0 (no approved report) + 10 (6 of the best 12) = 40 of 90
    expect(participants.locator("tr", has_text="BTL86")).to_contain_text("0,4444")
    confirm_and_click(page, page.locator("#dx-start-review"), dialogs)
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã chuyển sang giai đoạn thẩm định.")
    assert dialogs[-1] == "Kết thúc tự đánh giá và chuyển sang thẩm định?"
    round_.refresh_from_db()
    assert round_.phase == Round.Phase.REVIEW
    expect(page.locator("#dx-publish")).to_be_visible()
    shot(page, "assessment-round-review")

    # 3. The ministry's assessor lowers A.3, with a comment, and closes the review.
    switch_user(page, live_server, "thamdinh_bqp")
    page.goto(f"{live_server.url}/danh-gia/tham-dinh/")
    queue = page.locator("#dx-queue")
    expect(queue.locator("tbody tr")).to_have_count(2)
    expect(queue.locator("tr", has_text="HVHC")).to_contain_text("đã gửi")
    queue.get_by_role("link", name="Học viện Hậu cần").click()
    page.wait_for_url(unit_url)
    expect(page.locator("#dx-review-status")).to_be_visible()
    review = leaf(page, "A.3").locator("form", has=page.locator("textarea[name=comment]"))
    review.locator("input[name=value]").fill("6")
    review.get_by_role("button", name="Lưu thẩm định").click()
    expect(page.locator(".alert-danger[role=alert]")).to_contain_text(
        "Tiêu chí A.3: điểm thẩm định khác điểm tự đánh giá, cần ghi ý kiến thẩm định."
    )
    expect(page.locator(".alert-warning[role=alert]")).to_contain_text("Cần ghi ý kiến thẩm định.")
    a3 = score(hvhc, "A.3")
    assert a3.reviewed_value is None and a3.reviewed_at is None
    review = leaf(page, "A.3").locator("form", has=page.locator("textarea[name=comment]"))
    review.locator("input[name=value]").fill("6")
    review.locator("textarea[name=comment]").fill("Chưa có kế hoạch tuyên truyền năm 2025")
    review.get_by_role("button", name="Lưu thẩm định").click()
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã lưu ý kiến thẩm định tiêu chí A.3.")
    a3 = score(hvhc, "A.3")
    assert a3.reviewed_value == Decimal("6.0000") and a3.self_value == Decimal("7.5000")
    assert a3.review_comment == "Chưa có kế hoạch tuyên truyền năm 2025"
    assert a3.reviewed_by == assess.users["thamdinh_bqp"]
    expect(leaf(page, "A.3").locator(".dx-self")).to_have_text("7,50")
    expect(leaf(page, "A.3").locator(".dx-reviewed")).to_have_text("6")
    # 10 + 15 + 6 + 22,5 + 20 = 73,5 of 90
    expect(page.locator("#dx-index")).to_have_text("0,8167")
    expect(page.get_by_text("Tự đánh giá: 0,8333")).to_be_visible()
    shot(page, "assessment-review-unit")

    page.goto(f"{live_server.url}/danh-gia/tham-dinh/")
    expect(queue.locator("tr", has_text="HVHC").locator("td").last).to_have_text("1")  # one leaf re-scored
    page.check("#dx-check-all")
    for box in queue.locator("input[name=ids]").all():
        expect(box).to_be_checked()
    confirm_and_click(page, page.locator("#dx-finish"), dialogs)
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã hoàn thành thẩm định 2 đơn vị.")
    expect(page.get_by_text("Không có đơn vị nào chờ thẩm định.")).to_be_visible()
    assert not Participant.objects.filter(round=round_, reviewed_at__isnull=True).exists()
    shot(page, "assessment-queue-done")

    # 4. The organiser publishes; the ranking and its Excel export agree with the database.
    switch_user(page, live_server, "admin")
    page.goto(f"{live_server.url}/danh-gia/ky/{round_.pk}/")
    expect(page.locator("#dx-n-reviewed")).to_have_text("2")
    confirm_and_click(page, page.locator("#dx-publish"), dialogs)
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Đã công bố kết quả.")
    assert dialogs[-1].startswith("Công bố kết quả?")
    round_.refresh_from_db()
    assert round_.phase == Round.Phase.PUBLISHED and round_.published_version == 1
    published = Result.objects.filter(round=round_, version=1).select_related("participant__unit")
    v1 = {r.participant.unit.code: r for r in published}
    assert set(v1) == {"HVHC", "BTL86"}
    assert v1["HVHC"].index == Decimal("0.8167") and v1["HVHC"].band == "tot" and v1["HVHC"].rank == 1
    assert v1["BTL86"].index == Decimal("0.4444") and v1["BTL86"].band == "yeu" and v1["BTL86"].rank == 2
    expect(page.get_by_role("link", name="Phiên bản 1")).to_be_visible()

    page.get_by_role("link", name="Xếp hạng").first.click()
    ranking = page.locator("#dx-ranking")
    expect(ranking.locator("tbody tr")).to_have_count(2)
    expect(ranking.locator("tbody tr").first).to_have_attribute("data-unit", "HVHC")
    for code, name in (("HVHC", "Tốt"), ("BTL86", "Yếu")):
        r = v1[code]
        cells = ranking.locator(f'tr[data-unit="{code}"] td')
        expect(cells.nth(0)).to_have_text(str(r.rank))
        expect(cells.nth(1)).to_have_text(f"{r.rank_lo}–{r.rank_hi}")
        expect(ranking.locator(f'tr[data-unit="{code}"] .dx-index')).to_have_text(vn4(r.index))
        expect(ranking.locator(f'tr[data-unit="{code}"] .dx-band')).to_have_text(name)
    expect(ranking.locator("thead")).to_contain_text("Khoảng hạng 5–95 %")
    expect(page.get_by_text("phiên bản 1")).to_be_visible()
    shot(page, "assessment-ranking")

    with page.expect_download() as info:
        page.locator("#dx-export").click()
    assert info.value.suggested_filename == "xep-hang-THU-2025-v1.xlsx"
    ws = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    assert headers[:7] == [
        "Hạng",
        "Khoảng hạng 5–95 %",
        "Hạng trong nhóm",
        "Khoảng hạng trong nhóm",
        "Mã đơn vị",
        "Đơn vị",
        "Nhóm đơn vị",
    ]
    assert headers[7:] == [
        "Nhận thức số",
        "Hoạt động chuyển đổi số",
        "Điểm",
        "Điểm tối đa áp dụng",
        "Chỉ số",
        "Xếp loại",
        "Chỉ số năm trước",
    ]
    data = {row[4]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    assert len(rows) == 3 and set(data) == {"HVHC", "BTL86"}
    for code, r in v1.items():
        line = data[code]
        assert line["Hạng"] == r.rank and line["Khoảng hạng 5–95 %"] == f"{r.rank_lo}–{r.rank_hi}"
        assert line["Đơn vị"] == r.participant.unit.name
        assert Decimal(str(line["Chỉ số"])) == r.index
        assert Decimal(str(line["Điểm"])) == r.points and Decimal(str(line["Điểm tối đa áp dụng"])) == r.max_points
        assert line["Xếp loại"] == {"tot": "Tốt", "yeu": "Yếu"}[r.band]
        assert line["Chỉ số năm trước"] is None
    assert data["HVHC"]["Hạng"] == 1 and data["BTL86"]["Hạng"] == 2

    # 5. What if the command set up its steering board? The page recomputes it in place.
    page.goto(f"{live_server.url}/danh-gia/ky/{round_.pk}/don-vi/BTL86/gia-dinh/")
    expect(page.locator("h2.page-title")).to_have_text("Giả định và ưu tiên cải thiện")
    expect(page.get_by_text("chỉ số hiện tại 0,4444")).to_be_visible()
    expect(page.locator("#dx-outcome")).to_have_count(0)
    page.fill('input[name="v_A.1"]', "1")
    with page.expect_response(lambda r: r.request.method == "POST" and "gia-dinh" in r.url) as posted:
        page.locator("#dx-whatif-run").click()
    assert posted.value.request.headers.get("hx-request") == "true"  # htmx, not a page load
    expected = results.whatif(Participant.objects.get(pk=btl.pk), {"A.1": 1.0})
    assert round(float(expected.index), 4) == 0.5556  # 50 of 90
    outcome = page.locator("#dx-whatif-result #dx-outcome")
    expect(outcome.locator("#dx-whatif-index")).to_have_text(vn4(round(float(expected.index), 4)))
    expect(outcome).to_contain_text("Kết quả với 1 thay đổi")
    expect(outcome).to_contain_text("Trung bình")  # 0,5556 is in the 0,5–0,65 band
    expect(outcome).to_contain_text(f"Hạng {expected.rank}")
    expect(page.locator('input[name="v_A.1"]')).to_have_value("1")  # the form was not reloaded
    assert Result.objects.get(participant=btl, version=1).index == Decimal("0.4444")  # nothing stored
    assert score(btl, "A.1").self_value == Decimal("0.0000")
    shot(page, "assessment-whatif")
    assert external == [], f"pages must not fetch from outside: {external}"
