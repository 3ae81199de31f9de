"""Pages and API of the assessment module: who sees what, and that the numbers match."""

import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from dxhub.accounts.models import ApiToken
from dxhub.assessment import results, services
from dxhub.assessment.models import Result, Score
from dxhub.assessment.tests.conftest import FRAMEWORK


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def published(assess):
    """A round for HVHC and BTL86, reviewed and published."""
    assess.approved("HVHC", "2025-Q4", signed=300)
    round_ = assess.open()
    for code, values in (
        ("HVHC", {"A.1": "1", "A.2": "3", "A.3": "8", "B.2": "12"}),
        ("BTL86", {"A.1": "0", "A.2": "4", "A.3": "10", "B.2": "6"}),
    ):
        p = assess.participant(round_, code)
        for leaf, value in values.items():
            services.save_self(assess.admin, p, assess.criterion(leaf), value)
        if code == "HVHC":
            services.add_evidence(assess.admin, p, assess.criterion("A.1"), "Quyết định", link="https://cds.mil.vn/qd")
    services.start_review(assess.admin, round_)
    services.finish_review(assess.users["thamdinh_bqp"], list(round_.participants.select_related("unit", "round")))
    services.publish(assess.admin, round_)
    round_.refresh_from_db()
    return round_


def test_pages_answer_those_in_scope_and_hide_from_others(assess, published):
    pk = published.pk
    urls = [
        "/danh-gia/",
        "/danh-gia/bo-tieu-chi/",
        f"/danh-gia/bo-tieu-chi/{assess.framework.pk}/",
        f"/danh-gia/ky/{pk}/",
        f"/danh-gia/ky/{pk}/xep-hang/",
        f"/danh-gia/ky/{pk}/don-vi/HVHC/",
        f"/danh-gia/ky/{pk}/don-vi/HVHC/gia-dinh/",
        "/danh-gia/tham-dinh/",
    ]
    for user in ("admin", "nhaplieu_hvhc", "thamdinh_bqp"):
        client = _client(assess.users[user])
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    outsider = _client(assess.users["outsider"])
    for url in urls[3:7]:
        assert outsider.get(url).status_code == 404, url
    # a unit's officer sees its own scorecard, not the other unit's
    officer = _client(assess.users["nhaplieu_hvhc"])
    assert officer.get(f"/danh-gia/ky/{pk}/don-vi/BTL86/").status_code == 404


def test_scorecard_shows_the_published_index_the_vietnamese_way(assess, published):
    page = _client(assess.users["nhaplieu_hvhc"]).get(f"/danh-gia/ky/{published.pk}/don-vi/HVHC/").content.decode()
    result = Result.objects.get(round=published, participant__unit__code="HVHC", version=1)
    shown = f"{result.index:.4f}".replace(".", ",")
    assert f'id="dx-index">{shown}<' in page
    assert "Tốt" in page or "Khá" in page or "Trung bình" in page or "Yếu" in page


def test_ranking_is_scoped_and_exports_a_real_workbook(assess, published):
    officer = _client(assess.users["nhaplieu_hvhc"]).get(f"/danh-gia/ky/{published.pk}/xep-hang/").content.decode()
    assert 'data-unit="HVHC"' in officer and 'data-unit="BTL86"' not in officer
    response = _client(assess.admin).get(f"/danh-gia/ky/{published.pk}/xep-hang/?format=xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "Hạng" and len(rows) == 3
    by_code = {r[4]: r for r in rows[1:]}
    for r in Result.objects.filter(round=published, version=1).select_related("participant__unit"):
        row = by_code[r.participant.unit.code]
        assert row[0] == r.rank and Decimal(str(row[-3])) == r.index
        assert row[1] == f"{r.rank_lo}–{r.rank_hi}" and row[3] == f"{r.group_rank_lo}–{r.group_rank_hi}"


def test_self_assessment_through_the_page(assess):
    round_ = assess.open()
    officer = _client(assess.users["nhaplieu_hvhc"])
    url = f"/danh-gia/ky/{round_.pk}/don-vi/HVHC/"
    response = officer.post(url, {"action": "self", "criterion": "A.3", "value": "12", "note": ""}, follow=True)
    assert "vượt quá điểm tối đa" in response.content.decode()
    assert Score.objects.get(participant__unit__code="HVHC", criterion__code="A.3").self_value is None
    officer.post(url, {"action": "self", "criterion": "A.3", "value": "7,5", "note": "Kế hoạch số 5"})
    score = Score.objects.get(participant__unit__code="HVHC", criterion__code="A.3")
    assert score.self_value == Decimal("7.5") and score.self_note == "Kế hoạch số 5"
    # forged: a criterion of no framework, and another unit's page
    response = officer.post(url, {"action": "self", "criterion": "ZZ", "value": "1"}, follow=True)
    assert "Không có tiêu chí" in response.content.decode()
    assert (
        officer.post(
            f"/danh-gia/ky/{round_.pk}/don-vi/BTL86/", {"action": "self", "criterion": "A.3", "value": "1"}
        ).status_code
        == 404
    )


def test_whatif_recomputes_index_and_rank(assess, published):
    client = _client(assess.admin)
    url = f"/danh-gia/ky/{published.pk}/don-vi/BTL86/gia-dinh/"
    page = client.post(url, {"v_A.1": "1", "v_A.3": "10"}, HTTP_HX_REQUEST="true").content.decode()
    p = assess.participant(published, "BTL86")
    expected = results.whatif(p, {"A.1": 1.0})
    assert f"{expected.index:.4f}".replace(".", ",") in page
    assert expected.index > float(Result.objects.get(participant=p, version=1).index)
    page = client.post(url, {"v_A.3": "99"}, HTTP_HX_REQUEST="true").content.decode()
    assert "vượt quá điểm tối đa" in page


def test_api_scores_results_and_scope(assess, published):
    client = _client(assess.users["nhaplieu_hvhc"])
    rounds = client.get("/api/v1/assessment/rounds").json()
    assert [r["id"] for r in rounds] == [published.pk]
    rows = client.get(f"/api/v1/assessment/rounds/{published.pk}/results").json()["items"]
    assert [r["unit"] for r in rows] == ["HVHC"] and rows[0]["rank_interval"] is not None
    scores = client.get(f"/api/v1/assessment/rounds/{published.pk}/units/HVHC/scores").json()
    b1 = next(s for s in scores if s["criterion"] == "B.1")
    assert b1["reported_value"] == "75.0000" and b1["final_points"] == 22.5
    assert client.get(f"/api/v1/assessment/rounds/{published.pk}/units/BTL86/scores").status_code == 404
    refused = client.put(
        f"/api/v1/assessment/rounds/{published.pk}/units/HVHC/scores/A.3",
        data=json.dumps({"value": "9"}),
        content_type="application/json",
    )
    assert refused.status_code == 409 and "công bố" in refused.json()["detail"]
    _token, secret = ApiToken.issue(assess.users["outsider"], "thử")
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert outsider.get(f"/api/v1/assessment/rounds/{published.pk}").status_code == 404
    assert outsider.get(f"/api/v1/assessment/rounds/{published.pk}/results").status_code == 404


def test_api_self_assessment_and_framework_import(assess):
    round_ = assess.open()
    client = _client(assess.users["nhaplieu_hvhc"])
    url = f"/api/v1/assessment/rounds/{round_.pk}/units/HVHC/scores/A.2"
    bad = client.put(url, data=json.dumps({"value": 9}), content_type="application/json")
    assert bad.status_code == 400 and "Mức" in bad.json()["detail"]
    ok = client.put(url, data=json.dumps({"value": 2, "note": "Có chỉ đạo định kỳ"}), content_type="application/json")
    a2 = next(s for s in ok.json() if s["criterion"] == "A.2")
    assert a2["self_value"] == "2.0000" and a2["self_points"] == 10.0
    denied = _client(assess.users["thamdinh_bqp"]).post(
        "/api/v1/assessment/frameworks", data=json.dumps({"code": "X"}), content_type="application/json"
    )
    assert denied.status_code == 403
    data = dict(FRAMEWORK, version=2, name="Bộ tiêu chí thử, sửa đổi")
    admin = _client(assess.admin)
    created = admin.post("/api/v1/assessment/frameworks", data=json.dumps(data), content_type="application/json")
    assert created.status_code == 201 and created.json()["version"] == 2
    broken = dict(data, version=3, total_points=120)
    refused = admin.post("/api/v1/assessment/frameworks", data=json.dumps(broken), content_type="application/json")
    assert refused.status_code == 400 and any("120" in p for p in refused.json()["problems"])


def test_ranking_sorts_filters_and_pages(assess, published):
    client = _client(assess.admin)
    base = f"/danh-gia/ky/{published.pk}/xep-hang/"
    by_name = client.get(base + "?sap_xep=name").content.decode()
    assert by_name.index('data-unit="BTL86"') < by_name.index('data-unit="HVHC"')  # Bộ … before Học …
    by_rank = client.get(base).content.decode()
    assert by_rank.index('data-unit="HVHC"') < by_rank.index('data-unit="BTL86"')
    parent = client.get(base + "?don_vi=HVHC").content.decode()
    hvhc = Result.objects.get(round=published, version=1, participant__unit__code="HVHC")
    assert 'id="dx-subtree"' in parent and f"{hvhc.index:.4f}".replace(".", ",") in parent
    assert client.get(base + "?don_vi=KHONGCO").status_code == 404
    officer = _client(assess.users["nhaplieu_hvhc"])
    assert officer.get(base + "?don_vi=BTL86").status_code == 404  # a forged parent outside the scope


def test_an_assessor_writing_during_self_assessment_is_told_the_phase(assess):
    round_ = assess.open()
    client = _client(assess.users["thamdinh_bqp"])
    response = client.put(
        f"/api/v1/assessment/rounds/{round_.pk}/units/HVHC/scores/A.3",
        data=json.dumps({"value": "5", "note": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 409 and "chưa đến giai đoạn thẩm định" in response.json()["detail"]


def test_evidence_download_is_scoped_and_audited(assess):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dxhub.audit.models import AuditEvent

    round_ = assess.open()
    p = assess.participant(round_, "HVHC")
    pdf = b"%PDF-1.4\n%%EOF\n"
    e = services.add_evidence(assess.admin, p, assess.criterion("A.1"), "QĐ", SimpleUploadedFile("qd.pdf", pdf))
    url = f"/danh-gia/minh-chung/{e.pk}/tai-ve/"
    assert _client(assess.users["outsider"]).get(url).status_code == 404
    response = _client(assess.users["nhaplieu_hvhc"]).get(url)
    assert b"".join(response.streaming_content) == pdf
    assert AuditEvent.objects.filter(action="export", object_type="assessment.evidence", object_id=str(e.pk)).exists()


def test_scorecard_shows_each_published_version_and_the_provisional_rank(assess, published):
    client = _client(assess.admin)
    p = assess.participant(published, "BTL86")
    services.correct(assess.admin, p, assess.criterion("A.1"), "1", "Bổ sung quyết định thành lập Ban Chỉ đạo")
    url = f"/danh-gia/ky/{published.pk}/don-vi/BTL86/"
    for version in (1, 2):
        page = client.get(f"{url}?v={version}").content.decode()
        index = Result.objects.get(participant=p, version=version).index
        assert f'id="dx-index">{index:.4f}'.replace(".", ",") in page
    latest = client.get(url).content.decode()
    assert "phiên bản 2" in latest and '<a href="?v=1">1</a>' in latest
    draft = assess.open(year=2026)
    page = client.get(f"/danh-gia/ky/{draft.pk}/don-vi/HVHC/").content.decode()
    assert "Hạng tạm tính 1" in page  # nothing scored in 2026 yet: both units tie at 0 and share rank 1
