"""Regression tests for defects a code review found in the first version of reporting."""

import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dxhub.core.errors import DomainError
from dxhub.org import services as org_services
from dxhub.reporting import catalogue, excel, rollups, submissions, validation
from dxhub.reporting.models import Indicator, Rollup, Submission, Value

S = Submission.Status


def live_rows():
    return {
        (r.unit_id, r.indicator_id, r.period): (r.n, r.total, r.weight_total, r.yes, r.low, r.high, r.value)
        for r in Rollup.objects.filter(n__gt=0)
    }


def assert_rollups_match_a_rebuild():
    live = live_rows()
    rollups.rebuild()
    assert live == live_rows()


# --- autosave and optimistic locking ------------------------------------------------


def test_a_refused_autosave_does_not_hand_the_browser_the_newer_revision(client, cat, org):
    user = cat.users["nhaplieu_hvhc"]
    sub = submissions.open_submission(user, org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    stale = sub.revision
    submissions.save_values(cat.users["qtv_hvhc"], sub, {"PERSONNEL": "120"}, stale)  # someone else saves
    client.force_login(user)
    url = reverse("reporting:save", args=[sub.pk])
    r = client.post(url, {"v_PERSONNEL": "100", "revision": stale}, HTTP_HX_REQUEST="true")
    assert "tải lại phiếu" in r.content.decode() and "dx-revision" not in r.content.decode()
    r = client.post(url, {"v_PERSONNEL": "100", "revision": stale}, HTTP_HX_REQUEST="true")  # the next autosave
    assert "tải lại phiếu" in r.content.decode()
    assert Value.objects.get(submission=sub, indicator=cat.personnel).num == 120


def test_revisions_above_999_are_rendered_without_a_thousands_separator(client, cat, org):
    sub = submissions.open_submission(cat.users["nhaplieu_hvhc"], org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    Submission.objects.filter(pk=sub.pk).update(revision=1234)
    client.force_login(cat.users["nhaplieu_hvhc"])
    page = client.get(reverse("reporting:submission", args=[sub.pk])).content.decode()
    assert 'id="dx-revision" value="1234"' in page
    r = client.post(
        reverse("reporting:save", args=[sub.pk]), {"v_PERSONNEL": "5", "revision": 1234}, HTTP_HX_REQUEST="true"
    )
    assert 'value="1235"' in r.content.decode()


# --- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, raw, expected",
    [
        ("decimal", "0.125", Decimal("0.125")),
        ("integer", "1.500", Decimal(1500)),
        ("integer", "12.345.678", Decimal(12345678)),
        ("decimal", "1.234,5", Decimal("1234.5")),
        ("decimal", "-0", Decimal(0)),
    ],
)
def test_numbers_the_vietnamese_and_the_plain_way(kind, raw, expected):
    ind = Indicator(code="X", name="X", value_type=kind)
    assert validation.parse_value(ind, raw) == (expected, "")


@pytest.mark.parametrize("raw", ["1.500", "1e5", "NaN", "1,234.5", True, "99999999999999"])
def test_ambiguous_or_foreign_numbers_are_refused(raw):
    with pytest.raises(validation.ValueProblem):
        validation.parse_value(Indicator(code="X", name="X", value_type="decimal"), raw)


def test_a_computed_value_out_of_range_blocks_sending_and_huge_ones_do_not_crash(cat):
    sub = cat.filled("HVHC-CNTT", values=cat.GOOD | {"DOC_TOTAL": "1", "DOC_SIGNED": "999999999999"}, send=False)
    assert Value.objects.filter(submission=sub, indicator=cat.share, num__isnull=True).exists() or not (
        Value.objects.filter(submission=sub, indicator=cat.share).exists()
    )
    sub = submissions.save_values(cat.users["nhaplieu_hvhc"], sub, {"DOC_TOTAL": "100", "DOC_SIGNED": "250"}, None)
    with pytest.raises(DomainError) as err:
        submissions.submit(cat.users["nhaplieu_hvhc"], sub)
    assert "tính ra 250" in err.value.problems["DOC_SIGNED_PCT"]
    assert "Văn bản ký số" in err.value.problems["DOC_SIGNED"]  # the rule that explains it


def test_over_long_comments_are_refused_not_cut(cat, org):
    sub = cat.filled("HVHC-CNTT", send=False)
    with pytest.raises(DomainError) as err:
        submissions.save_values(cat.users["nhaplieu_hvhc"], sub, {}, None, comments={"DOC_TOTAL": "x" * 501})
    assert "500" in err.value.problems["DOC_TOTAL"]


# --- computed indicators and comments --------------------------------------------------


def test_a_comment_on_a_computed_indicator_from_the_page_and_the_api(client, cat, org):
    client.force_login(cat.users["nhaplieu_hvhc"])
    sub = submissions.open_submission(cat.users["nhaplieu_hvhc"], org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    fields = {f"v_{k}": v for k, v in cat.GOOD.items()} | {"c_DOC_SIGNED_PCT": "Số liệu quý đầu", "revision": 0}
    client.post(reverse("reporting:save", args=[sub.pk]), fields)
    value = Value.objects.get(submission=sub, indicator=cat.share)
    assert (value.num, value.comment) == (Decimal(75), "Số liệu quý đầu")
    body = {
        "unit": "HVHC-TD1",
        "form": "BC-CDS-QUY",
        "period": "2025-Q3",
        "values": {"DOC_TOTAL": 10, "DOC_SIGNED": 5},
        "comments": {"DOC_SIGNED_PCT": "Giải trình"},
    }
    r = client.put("/api/v1/reporting/submissions", json.dumps(body), content_type="application/json")
    assert r.status_code == 200, r.content
    v = Value.objects.get(submission__unit=org.units["HVHC-TD1"], indicator=cat.share)
    assert (v.num, v.comment) == (Decimal(50), "Giải trình")


def test_a_refused_api_put_leaves_no_draft(client, cat):
    client.force_login(cat.users["nhaplieu_hvhc"])
    body = {"unit": "HVHC-CNTT", "form": "BC-CDS-QUY", "period": "2025-Q3", "values": {"PERSONNEL": -1}}
    r = client.put("/api/v1/reporting/submissions", json.dumps(body), content_type="application/json")
    assert r.status_code == 400
    assert not Submission.objects.exists()


def test_send_from_the_page_saves_and_sends_together_or_not_at_all(client, cat, org):
    client.force_login(cat.users["nhaplieu_hvhc"])
    sub = submissions.open_submission(cat.users["nhaplieu_hvhc"], org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    fields = {f"v_{k}": v for k, v in cat.GOOD.items()} | {"v_EMAIL_USERS": "999", "revision": 0, "send": "1"}
    client.post(reverse("reporting:save", args=[sub.pk]), fields)  # e-mail users > personnel: cannot be sent
    sub.refresh_from_db()
    assert sub.status == S.DRAFT and sub.revision == 0 and not Value.objects.filter(submission=sub).exists()


# --- roll-ups ------------------------------------------------------------------------


def test_reopening_after_the_unit_moved_takes_the_values_from_the_new_ancestors(cat, org):
    reviewer = cat.users["pheduyet_bqp"]
    sub = cat.filled("HVHC-TD1")
    submissions.approve(reviewer, [sub])
    org_services.move_unit(cat.users["admin"], org.units["HVHC-TD1"], org.units["BTL86"])
    assert Rollup.objects.get(unit=org.units["BTL86"], indicator=cat.docs, period="2025-Q3").value == 400
    assert Rollup.objects.get(unit=org.units["HVHC"], indicator=cat.docs, period="2025-Q3").n == 0
    assert_rollups_match_a_rebuild()
    submissions.reopen(reviewer, Submission.objects.get(pk=sub.pk), "Đơn vị đã chuyển")
    assert Rollup.objects.get(unit=org.units["BTL86"], indicator=cat.docs, period="2025-Q3").n == 0
    assert_rollups_match_a_rebuild()


def test_changing_how_an_indicator_adds_up_rebuilds_its_rollups(cat, org):
    submissions.approve(
        cat.users["pheduyet_bqp"],
        [cat.filled("HVHC-CNTT"), cat.filled("HVHC-TD1", values=cat.GOOD | {"DOC_TOTAL": "500"})],
    )
    catalogue.save_indicator(cat.users["admin"], {"aggregation": "max"}, cat.docs)
    assert Rollup.objects.get(unit=org.units["HVHC"], indicator=cat.docs, period="2025-Q3").value == 500
    assert_rollups_match_a_rebuild()


def test_a_weight_that_is_not_rolled_up_itself_still_weighs(cat, org):
    admin = cat.users["admin"]
    staff = catalogue.save_indicator(
        admin, {"code": "STAFF", "name": "Biên chế", "value_type": "integer", "aggregation": "none"}
    )
    score = catalogue.save_indicator(
        admin,
        {"code": "SCORE", "name": "Điểm", "value_type": "decimal", "aggregation": "weighted_avg", "weight": staff},
    )
    form = catalogue.save_form(admin, {"code": "BC-DIEM", "name": "Điểm", "periodicity": "Q"})
    catalogue.add_form_version(admin, form, ["STAFF", "SCORE"], "2025-Q1")
    for code, n, sc in (("HVHC-CNTT", "10", "8"), ("HVHC-TD1", "30", "4")):
        sub = submissions.open_submission(cat.users["nhaplieu_hvhc"], org.units[code], form, "2025-Q3")
        sub = submissions.save_values(cat.users["nhaplieu_hvhc"], sub, {"STAFF": n, "SCORE": sc}, None)
        submissions.approve(cat.users["pheduyet_bqp"], [submissions.submit(cat.users["nhaplieu_hvhc"], sub)])
    assert Rollup.objects.get(unit=org.units["HVHC"], indicator=score, period="2025-Q3").value == 5  # (80+120)/40
    assert_rollups_match_a_rebuild()


def test_an_indicator_is_reported_in_one_form_per_periodicity(cat):
    admin = cat.users["admin"]
    other = catalogue.save_form(admin, {"code": "BC-KHAC", "name": "Khác", "periodicity": "Q"})
    with pytest.raises(DomainError, match="cộng hai lần.*DOC_TOTAL \\(BC-CDS-QUY\\)"):
        catalogue.add_form_version(admin, other, ["DOC_TOTAL"], "2025-Q1")
    yearly = catalogue.save_form(admin, {"code": "BC-NAM", "name": "Năm", "periodicity": "Y"})
    catalogue.add_form_version(admin, yearly, ["DOC_TOTAL"], "2025")  # another periodicity is fine


# --- Excel ---------------------------------------------------------------------------


def _template(cat, org, user="nhaplieu_hvhc", unit="HVHC"):
    s = excel.scope(cat.users[user], org.units[unit], cat.form, "2025-Q3", True)
    wb = load_workbook(io.BytesIO(excel.template(s)))
    ws = wb[excel.SHEET]
    cols = {c.value: c.column for c in ws[2] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    return s, wb, ws, cols, rows


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(cat, s, data: bytes):
    return excel.upload(cat.users["nhaplieu_hvhc"], SimpleUploadedFile("b.xlsx", data), s)


def _edit_sheet_xml(data: bytes, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)
            if item.filename == "xl/_rels/workbook.xml.rels" and getattr(edit, "rels", None):
                content = edit.rels(content)
            dst.writestr(item, content)
    return out.getvalue()


def test_a_subtree_template_uploads_although_some_units_have_sent(cat, org):
    cat.filled("HVHC-CNTT")  # sent: its row is locked and pre-filled
    s, wb, ws, cols, rows = _template(cat, org)
    ws.cell(rows["HVHC-TD1"], cols["PERSONNEL"], 55)
    result = _upload(cat, s, _bytes(wb))
    assert result.units == 1
    assert Value.objects.get(submission__unit=org.units["HVHC-TD1"], indicator=cat.personnel).num == 55


def test_clearing_a_cell_clears_the_value_and_percent_cells_are_read_as_shown(cat, org):
    cat.filled("HVHC-TD1", send=False)
    s, wb, ws, cols, rows = _template(cat, org)
    ws.cell(rows["HVHC-TD1"], cols["EMAIL_USERS"]).value = None
    cell = ws.cell(rows["HVHC-TD1"], cols["UPTIME"], 0.995)
    cell.number_format = "0.0%"
    _upload(cat, s, _bytes(wb))
    values = dict(Value.objects.filter(submission__unit=org.units["HVHC-TD1"]).values_list("indicator__code", "num"))
    assert "EMAIL_USERS" not in values and values["UPTIME"] == Decimal("99.5")


def test_rows_beyond_a_lying_dimension_are_read(cat, org):
    s, wb, ws, cols, rows = _template(cat, org)
    ws.cell(rows["HVHC-TD1-DD1"], cols["ISSUES"], "Thiếu máy tính")
    data = _edit_sheet_xml(_bytes(wb), lambda x: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:D5"', x))
    _upload(cat, s, data)
    assert Value.objects.get(submission__unit=org.units["HVHC-TD1-DD1"], indicator=cat.issues).text == "Thiếu máy tính"


def test_a_duplicate_indicator_column_is_refused(cat, org):
    s, wb, ws, cols, rows = _template(cat, org)
    ws.protection.sheet = False
    ws.cell(2, cols["ISSUES"], "PERSONNEL")
    with pytest.raises(DomainError, match="PERSONNEL có ở hai cột D và J"):
        _upload(cat, s, _bytes(wb))


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda x: x.replace(b'<row r="6"', b"<row hidden='1' r=\"6\"", 1), "dòng 6 đang bị ẩn"),
        (lambda x: x.replace(b'<row r="6"', b'<row r="6" ht="0" customHeight="1"', 1), "dòng 6 đang bị ẩn"),
        (lambda x: x.replace(b"<sheetFormatPr", b'<sheetFormatPr zeroHeight = "1"', 1), "dòng ẩn theo mặc định"),
        (
            lambda x: re.sub(
                rb'(<c r="D5"[^>]*?)(/>|>.*?</c>)', rb'\1 xmlns:a-b="urn:x"><a-b:f>1+1</a-b:f><v>2</v></c>', x, count=1
            ),
            "ô D5 có công thức",
        ),
    ],
)
def test_hidden_rows_and_formulas_are_found_however_they_are_written(cat, org, edit, message):
    s, wb, ws, cols, rows = _template(cat, org)
    ws.cell(rows["HVHC-CNTT"], cols["PERSONNEL"], 5)
    with pytest.raises(DomainError) as err:
        _upload(cat, s, _edit_sheet_xml(_bytes(wb), edit))
    assert any(message in p for p in err.value.problems), err.value.problems
    assert not Submission.objects.exists()


def test_single_quoted_relationships_do_not_switch_the_check_off(cat, org):
    s, wb, ws, cols, rows = _template(cat, org)
    ws.cell(rows["HVHC-CNTT"], cols["PERSONNEL"], 5)

    def edit(x):
        return x.replace(b'<row r="6"', b'<row r="6" hidden="1"', 1)

    edit.rels = lambda x: x.replace(b'Id="rId1"', b"Id='rId1'")
    with pytest.raises(DomainError) as err:
        _upload(cat, s, _edit_sheet_xml(_bytes(wb), edit))
    assert any("dòng 6 đang bị ẩn" in p for p in err.value.problems)


def test_an_upload_does_not_overwrite_a_save_made_after_the_download(cat, org):
    sub = cat.filled("HVHC-TD1", send=False)
    s, wb, ws, cols, rows = _template(cat, org)
    submissions.save_values(cat.users["qtv_hvhc"], sub, {"PERSONNEL": "130"}, None)  # saved on the page meanwhile
    ws.cell(rows["HVHC-TD1"], cols["PERSONNEL"], 140)
    with pytest.raises(DomainError) as err:
        _upload(cat, s, _bytes(wb))
    assert "sau khi tải mẫu" in err.value.problems[0]
    assert Value.objects.get(submission=sub, indicator=cat.personnel).num == 130


def test_bulk_approve_works_for_ids_above_999(client, cat):
    """Ids were rendered the Vietnamese way ("2.782") in the queue's check boxes."""
    sub = cat.filled("HVHC-CNTT")
    Submission.objects.filter(pk=sub.pk).update(id=2782)
    Value.objects.filter(submission_id=sub.pk).update(submission_id=2782)
    client.force_login(cat.users["pheduyet_bqp"])
    page = client.get(reverse("reporting:queue")).content.decode()
    assert 'name="ids" value="2782"' in page
    r = client.post(reverse("reporting:queue"), {"ids": ["2782"]}, follow=True)
    assert "Đã duyệt 1 phiếu." in r.content.decode()


def test_pager_links_past_page_999_are_plain_numbers():
    """``page=1.000`` would fall back to the last page (found while fixing the ids)."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(3000), 1).get_page(1500)
    html = render_to_string("includes/pager.html", {"page": page, "query": ""})
    assert "page=1499" in html and "page=1501" in html
