"""The training API: frameworks and groups, survey answers and their classification,
classes from enrolment to certificates, imported completions and a unit's coverage,
and the refusals (each answered in Vietnamese, each writing nothing)."""

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dxhub.accounts.models import ApiToken
from dxhub.audit.models import AuditEvent
from dxhub.org import identifiers
from dxhub.training import coverage, services
from dxhub.training.models import (
    BasicSkills,
    Completion,
    Course,
    Enrolment,
    Need,
    Response,
    Survey,
    TrainingClass,
)

API = "/api/v1/training"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["Mã định danh", "Họ và tên", "Mã khóa học", "Ngày hoàn thành", "Điểm", "Số chứng nhận"]


class Caller:
    """One user's requests: a logged-in session, or a Bearer token, or nobody."""

    def __init__(self, user=None, token=False):
        self.client, self.headers = Client(), {}
        if user is not None and token:
            _token, secret = ApiToken.issue(user, "cổng học tập")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        elif user is not None:
            self.client.force_login(user)

    def get(self, url, **params):
        return self.client.get(API + url, params, **self.headers)

    def post(self, url, body=None):
        return self.client.post(API + url, json.dumps(body or {}), content_type="application/json", **self.headers)

    def upload(self, url, data):
        return self.client.post(API + url, data, **self.headers)  # multipart/form-data


@pytest.fixture
def as_(training):
    return lambda username, token=False: Caller(training.users[username], token)


def written():
    """Row counts of everything the training API can write, and the audit trail (less
    the logins of the test's own sessions)."""
    models = (Survey, Response, Need, Course, TrainingClass, Enrolment, Completion, BasicSkills)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["AuditEvent"] = AuditEvent.objects.exclude(action="login").count()
    return counts


def refused(response, status, words):
    """The status, and a Vietnamese ``detail`` saying ``words``."""
    assert response.status_code == status, response.content.decode()
    detail = response.json()["detail"]
    assert words in detail, detail
    return response.json()


def sheet(rows, name="ket-qua.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ws.append(HEADERS)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def open_class(training, code="LOP-01", unit="HVHC", sessions=4, days_ago=10, course="BHVS-CB", user="qtv_hvhc"):
    """A class of the basic course that ended yesterday (so its certificates count today)."""
    today = timezone.localdate()
    response = Caller(training.users[user]).post(
        "/classes",
        {
            "unit_id": training.units[unit].pk,
            "code": code,
            "course": course,
            "start": str(today - dt.timedelta(days=days_ago)),
            "end": str(today - dt.timedelta(days=1)),
            "sessions": sessions,
            "place": "Hội trường A, Học viện Hậu cần",
            "instructor": "Thượng tá Nguyễn Văn Thầy",
        },
    )
    assert response.status_code == 201, response.content.decode()
    return response.json()


def ids(training, *names):
    return [training.person(n).identifier for n in names]


# --- frameworks, groups ------------------------------------------------------------------


def test_frameworks_list_tt02_with_six_domains_and_24_competences(as_):
    response = as_("nhaplieu_hvhc", token=True).get("/frameworks")
    assert response.status_code == 200, response.content.decode()
    by_code = {f["code"]: f for f in response.json()}
    assert by_code["TT02-2025"]["domains"] == 6
    assert by_code["TT02-2025"]["competences"] == 24
    assert by_code["DIGCOMP-2.2"]["domains"] == 5
    assert by_code["DIGCOMP-2.2"]["competences"] == 21

    detail = as_("nhaplieu_hvhc").get("/frameworks/TT02-2025").json()
    assert [d["code"] for d in detail["domains"]] == ["1", "2", "3", "4", "5", "6"]
    assert sum(len(d["competences"]) for d in detail["domains"]) == 24
    assert detail["domains"][5]["name"] == "Ứng dụng trí tuệ nhân tạo"
    assert [c["code"] for c in detail["domains"][5]["competences"]] == ["6.1", "6.2", "6.3"]
    assert [lv["step"] for lv in detail["levels"]] == list(range(1, 9))
    assert detail["max_step"] == 8 and detail["competences"] == 24

    refused(as_("nhaplieu_hvhc").get("/frameworks/KHONG-CO"), 404, "Không có khung năng lực")


def test_openapi_schema_names_the_training_schemas_apart(client, training):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/training/surveys/{pk}/answers" in schema["paths"]
    assert "/api/v1/training/completions/import" in schema["paths"]
    components = schema["components"]["schemas"]
    assert "competences" in components["CompetenceFrameworkOut"]["properties"]
    assert "total_points" in components["FrameworkOut"]["properties"]  # the assessment's, untouched


def test_the_api_needs_a_login(training):
    refused(Caller().get("/frameworks"), 401, "Chưa xác thực")
    refused(Caller().get("/certificates/ABCD-EFGH-JKLM"), 401, "Chưa xác thực")


def test_groups_carry_their_rules(as_):
    groups = {g["code"]: g for g in as_("outsider").get("/groups").json()}
    assert groups["pho-cap"]["is_basic"] is True
    assert groups["pho-cap"]["below_step"] == 2
    assert groups["pho-cap"]["courses"] == ["BHVS-CB"]
    assert groups["lanh-dao"]["categories"] == ["si_quan"]
    assert "giám đốc" in groups["lanh-dao"]["keywords"]
    assert groups["lanh-dao"]["category_labels"] and groups["lanh-dao"]["courses"] == ["LD-CDS"]


# --- surveys -----------------------------------------------------------------------------


def test_answering_classifies_the_person_and_feeds_results_and_needs(training, as_):
    t = training
    caller = as_("nhaplieu_hvhc")
    url = f"/surveys/{t.survey.pk}/answers"
    manh = t.person("Bùi Văn Mạnh")

    response = caller.post(url, {"person": manh.identifier, "ratings": t.ratings(3, **{"4_1": 0, "4_2": 1})})
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["identifier"] == manh.identifier and body["source"] == "officer"
    assert body["domain_steps"]["4"] == 1  # floor((0 + 1 + 3 + 3) / 4)
    assert [n["group"] for n in body["needs"]] == ["pho-cap"]
    assert "dưới bậc 2" in body["needs"][0]["reason"]

    # identifiers are read the way people type them
    khai = t.person("Trần Quang Khải")
    typed = f"{khai.identifier[:2]}-{khai.identifier[2:11]}-{khai.identifier[11]}"
    body = caller.post(url, {"person": typed, "ratings": t.ratings(4)}).json()
    assert [n["group"] for n in body["needs"]] == ["lanh-dao"]

    # answering again replaces the answer and its classification
    body = caller.post(url, {"person": manh.identifier, "ratings": t.ratings(3)}).json()
    assert body["needs"] == []
    assert Response.objects.filter(survey=t.survey, person=manh).count() == 1
    body = caller.post(url, {"person": manh.identifier, "ratings": t.ratings(1)}).json()
    assert [n["group"] for n in body["needs"]] == ["pho-cap"]

    results = caller.get(f"/surveys/{t.survey.pk}/results").json()
    assert results["unit"] == "HVHC"
    assert results["expected"] == 9 and results["answered"] == 2
    assert results["answered_pct"] == "22.22"
    assert {g["group"]: g["people"] for g in results["groups"]} == {"pho-cap": 1, "lanh-dao": 1}
    by_unit = {u["unit"]: u for u in results["by_unit"]}
    assert by_unit["HVHC-TD1"]["answered"] == 1 and by_unit["HVHC-TD1"]["groups"] == {"pho-cap": 1}
    assert by_unit["HVHC-CNTT"] == {
        "unit_id": t.units["HVHC-CNTT"].pk,
        "unit": "HVHC-CNTT",
        "unit_name": "Ban Công nghệ thông tin",
        "people": 2,
        "answered": 0,
        "groups": {},
    }
    assert len(results["domains"]) == 6

    td1 = caller.get(f"/surveys/{t.survey.pk}/results", unit_id=t.units["HVHC-TD1"].pk).json()
    assert td1["expected"] == 5 and td1["answered"] == 1

    needs = caller.get(f"/surveys/{t.survey.pk}/needs").json()
    assert needs["count"] == 2
    assert {(n["full_name"], n["group"]) for n in needs["items"]} == {
        ("Bùi Văn Mạnh", "pho-cap"),
        ("Trần Quang Khải", "lanh-dao"),
    }
    only = caller.get(f"/surveys/{t.survey.pk}/needs", group="lanh-dao", limit=1).json()
    assert only["count"] == 1 and only["items"][0]["unit"] == "HVHC"
    assert AuditEvent.objects.filter(action="export", object_type="training.survey").exists()
    refused(caller.get(f"/surveys/{t.survey.pk}/needs", group="khong-co"), 400, "Không có nhóm")


def test_a_person_outside_the_callers_subtree_is_refused_and_nothing_is_written(training, as_):
    t = training
    today = timezone.localdate()
    ministry = services.launch_survey(
        t.users["admin"],
        t.units["BQP"],
        services.SurveyData(
            code="KS-BQP-2026",
            title="Rà soát toàn quân",
            framework=t.tt02,
            opens_on=today,
            closes_on=today + dt.timedelta(days=30),
        ),
    )
    lanhdao = as_("lanhdao_86")
    hvhc_person = t.person("Bùi Văn Mạnh")
    before = written()

    # the academy's survey is not theirs to see
    refused(
        lanhdao.post(f"/surveys/{t.survey.pk}/answers", {"person": hvhc_person.identifier, "ratings": t.ratings()}),
        404,
        "Không tìm thấy",
    )
    # the ministry's survey is, but the academy's people are not
    body = refused(
        lanhdao.post(f"/surveys/{ministry.pk}/answers", {"person": hvhc_person.identifier, "ratings": t.ratings()}),
        404,
        "trong phạm vi quản lý của bạn",
    )
    assert hvhc_person.identifier in body["detail"]
    assert "Bùi Văn Mạnh" not in body["detail"]  # a foreign person's name is never told
    # who sees a person without training them gets the service's refusal
    oanh = t.person("Mai Xuân Oanh")
    refused(
        as_("pheduyet_86").post(f"/surveys/{ministry.pk}/answers", {"person": oanh.identifier, "ratings": t.ratings()}),
        403,
        "không nhập phiếu thay được",
    )
    # the academy's survey does not reach the 86th command, even for the ministry's admin
    refused(
        as_("admin").post(f"/surveys/{t.survey.pk}/answers", {"person": oanh.identifier, "ratings": t.ratings()}),
        400,
        "không thuộc phạm vi đợt khảo sát",
    )
    refused(
        lanhdao.post(f"/surveys/{ministry.pk}/answers", {"person": "210000000000", "ratings": t.ratings()}),
        404,
        "210000000000",
    )
    assert written() == before

    # their own people they may enter
    response = lanhdao.post(f"/surveys/{ministry.pk}/answers", {"person": oanh.identifier, "ratings": t.ratings(5)})
    assert response.status_code == 201, response.content.decode()
    assert [n["group"] for n in response.json()["needs"]] == ["chuyen-sau"]


@pytest.mark.parametrize("bad", [9, -1, 2.5, "ba", None, True])
def test_a_rating_outside_the_scale_is_refused_and_nothing_is_written(training, as_, bad):
    t = training
    before = written()
    response = as_("nhaplieu_hvhc").post(
        f"/surveys/{t.survey.pk}/answers",
        {"person": t.person("Ngô Thị Lan").identifier, "ratings": t.ratings(3, **{"2_1": bad})},
    )
    body = refused(response, 400, "Phiếu tự đánh giá chưa hợp lệ")
    assert any("2.1" in p and "ngoài thang 0–8" in p for p in body["problems"]), body["problems"]
    assert written() == before


def test_a_missing_or_unknown_competence_is_refused(training, as_):
    t = training
    ratings = t.ratings(3)
    del ratings["6.3"]
    ratings["9.9"] = 3
    before = written()
    body = refused(
        as_("nhaplieu_hvhc").post(
            f"/surveys/{t.survey.pk}/answers", {"person": t.person("Ngô Thị Lan").identifier, "ratings": ratings}
        ),
        400,
        "chưa hợp lệ",
    )
    assert any("9.9" in p for p in body["problems"]) and any("6.3" in p for p in body["problems"])
    assert written() == before


def test_launching_a_survey(training, as_):
    t = training
    today = timezone.localdate()
    body = {
        "unit_id": t.units["HVHC-TD1"].pk,
        "code": "ks-td1-2026",
        "title": "Rà soát Tiểu đoàn 1",
        "framework": "TT02-2025",
        "opens_on": str(today),
        "closes_on": str(today + dt.timedelta(days=7)),
        "note": "Mỗi quân nhân tự đánh giá",
    }
    response = as_("qtv_hvhc").post("/surveys", body)
    assert response.status_code == 201, response.content.decode()
    assert response.json()["code"] == "KS-TD1-2026" and response.json()["is_open"] is True

    before = written()
    refused(as_("lanhdao_86").post("/surveys", body | {"code": "KS-X"}), 404, "ngoài phạm vi")
    refused(as_("qtv_hvhc").post("/surveys", body | {"code": "KS-X", "framework": "KHUNG-X"}), 400, "Không có khung")
    refused(as_("qtv_hvhc").post("/surveys", body), 400, "Chưa mở được đợt khảo sát")
    assert written() == before

    listed = as_("nhaplieu_hvhc").get("/surveys").json()
    assert {s["code"] for s in listed["items"]} == {"KS-HVHC-2026", "KS-TD1-2026"}
    assert as_("lanhdao_86").get("/surveys").json()["count"] == 0


def test_survey_detail_and_results_stay_in_scope(training, as_):
    t = training
    for user in ("outsider", "lanhdao_86"):
        refused(as_(user).get(f"/surveys/{t.survey.pk}"), 404, "Không tìm thấy")
        refused(as_(user).get(f"/surveys/{t.survey.pk}/results"), 404, "Không tìm thấy")
        refused(as_(user).get(f"/surveys/{t.survey.pk}/needs"), 404, "Không tìm thấy")
    assert as_("nhaplieu_hvhc").get(f"/surveys/{t.survey.pk}").json()["code"] == "KS-HVHC-2026"
    # a unit of the caller's but outside the survey, or a unit not the caller's
    refused(
        as_("admin").get(f"/surveys/{t.survey.pk}/results", unit_id=t.units["BTL86"].pk),
        404,
        "không thuộc phạm vi đợt khảo sát",
    )
    refused(
        as_("qtv_hvhc").get(f"/surveys/{t.survey.pk}/needs", unit_id=t.units["BTL86"].pk),
        404,
        "ngoài phạm vi",
    )


# --- courses -----------------------------------------------------------------------------


def test_courses_are_listed_and_created_with_codes(training, as_):
    t = training
    listed = as_("nhaplieu_hvhc").get("/courses").json()
    assert [c["code"] for c in listed["items"]] == ["BHVS-CB", "LD-CDS"]
    assert listed["items"][0]["competences"] == ["1.1", "2.1", "4.1"]
    assert as_("nhaplieu_hvhc").get("/courses", group="lanh-dao").json()["count"] == 1

    body = {
        "code": "ATTT-01",
        "title": "An toàn thông tin cho cán bộ chuyên trách",
        "provider": "Ban Công nghệ thông tin",
        "owner_id": t.units["HVHC"].pk,
        "framework": "TT02-2025",
        "reached_step": 5,
        "hours": "16",
        "competences": ["4.1", "4.2"],
        "groups": ["chuyen-sau"],
        "link": "https://binhdanhocvuso.gov.vn/khoa-hoc/attt",
        "mode": "online",
    }
    before = written()
    refused(as_("qtv_hvhc").post("/courses", body | {"competences": ["4.1", "7.7"]}), 400, "Chưa lưu được khóa học")
    refused(as_("qtv_hvhc").post("/courses", body | {"groups": ["khong-co"]}), 400, "Chưa lưu được khóa học")
    refused(as_("qtv_hvhc").post("/courses", body | {"link": "javascript:alert(1)"}), 400, "không hợp lệ")
    refused(as_("qtv_hvhc").post("/courses", body | {"reached_step": 9}), 400, "Chưa lưu được khóa học")
    refused(as_("qtv_hvhc").post("/courses", body | {"title": ""}), 422, "không hợp lệ")
    refused(as_("lanhdao_86").post("/courses", body), 404, "ngoài phạm vi")
    assert written() == before

    response = as_("qtv_hvhc").post("/courses", body)
    assert response.status_code == 201, response.content.decode()
    course = response.json()
    assert course["owner"] == "HVHC" and course["groups"] == ["chuyen-sau"] and course["hours"] == "16.0"


# --- classes -----------------------------------------------------------------------------


def test_enrolling_refuses_duplicates_and_unknown_identifiers_writing_nothing(training, as_):
    t = training
    klass = open_class(t)
    assert klass["unit"] == "HVHC" and klass["enrolments"] == []
    url = f"/classes/{klass['id']}/enrolments"
    caller = as_("nhaplieu_hvhc")

    response = caller.post(url, {"identifiers": ids(t, "Bùi Văn Mạnh", "Đinh Văn Nam")})
    assert response.status_code == 201, response.content.decode()
    assert [e["full_name"] for e in response.json()["enrolments"]] == ["Bùi Văn Mạnh", "Đinh Văn Nam"]

    before = written()
    # the same person a second time
    body = refused(caller.post(url, {"identifiers": ids(t, "Bùi Văn Mạnh")}), 400, "Chưa ghi danh")
    assert any("đã có trong danh sách lớp" in p for p in body["problems"])
    # twice in one call, with someone new beside
    body = refused(
        caller.post(url, {"identifiers": ids(t, "Ngô Thị Lan", "Lý Thường Kiệt", "Ngô Thị Lan")}), 400, "Chưa ghi danh"
    )
    assert any("Ngô Thị Lan" in p and "đã có trong danh sách lớp" in p for p in body["problems"])
    # identifiers nobody holds, or held by someone outside the caller's scope: all named
    nobody = identifiers.make(25, 999)
    oanh = t.person("Mai Xuân Oanh").identifier
    body = refused(caller.post(url, {"identifiers": [*ids(t, "Ngô Thị Lan"), nobody, oanh]}), 400, "Chưa ghi danh")
    assert nobody in body["detail"] and oanh in body["detail"] and len(body["problems"]) == 2
    assert "Mai Xuân Oanh" not in json.dumps(body, ensure_ascii=False)
    refused(caller.post(url, {"identifiers": []}), 400, "Chưa ghi danh")
    assert written() == before

    # someone in the caller's scope but above the class's unit
    td1 = open_class(t, "LOP-TD1", "HVHC-TD1")
    before = written()
    khai = ids(t, "Trần Quang Khải")
    body = refused(
        as_("qtv_hvhc").post(f"/classes/{td1['id']}/enrolments", {"identifiers": khai}), 400, "Chưa ghi danh"
    )
    assert "ngoài phạm vi của lớp" in body["problems"][0]
    assert Enrolment.objects.count() == 2
    assert written() == before

    # who sees the class without training there is told so; a stranger does not see it
    refused(as_("lanhdao_86").post(url, {"identifiers": [oanh]}), 404, "Không tìm thấy")
    refused(as_("outsider").post(url, {"identifiers": [oanh]}), 404, "Không tìm thấy")
    assert written() == before


def test_closing_a_class_issues_certificates_and_moves_coverage(training, as_):
    t = training
    caller = as_("qtv_hvhc")
    assert caller.get(f"/coverage/{t.units['HVHC'].pk}").json()["total"]["trained"] == 0
    klass = open_class(t, sessions=4)
    url = f"/classes/{klass['id']}"
    roster = caller.post(
        url + "/enrolments", {"identifiers": ids(t, "Bùi Văn Mạnh", "Đinh Văn Nam", "Ngô Thị Lan")}
    ).json()["enrolments"]
    by_name = {e["full_name"]: e["id"] for e in roster}

    before = written()
    body = refused(
        caller.post(
            url + "/results", {"results": [{"enrolment_id": by_name["Bùi Văn Mạnh"], "attended": 5, "score": "11"}]}
        ),
        400,
        "Chưa lưu kết quả",
    )
    assert len(body["problems"]) == 2
    refused(
        caller.post(url + "/results", {"results": [{"enrolment_id": 999999, "attended": 1, "score": "5"}]}),
        400,
        "Chưa lưu kết quả",
    )
    body = refused(
        caller.post(
            url + "/results", {"results": [{"enrolment_id": by_name["Bùi Văn Mạnh"], "attended": 4, "score": "7.25"}]}
        ),
        400,
        "Chưa lưu kết quả",
    )
    assert "một chữ số thập phân" in body["problems"][0]
    assert written() == before

    response = caller.post(
        url + "/results",
        {
            "results": [
                {"enrolment_id": by_name["Bùi Văn Mạnh"], "attended": 4, "score": "8.5"},  # passes
                {"enrolment_id": by_name["Đinh Văn Nam"], "attended": 3, "score": "9"},  # misses a session too many
                {"enrolment_id": by_name["Ngô Thị Lan"], "attended": 4, "score": "4.5"},  # below the pass mark
            ]
        },
    )
    assert response.status_code == 200, response.content.decode()
    assert {e["full_name"]: e["score"] for e in response.json()["enrolments"]}["Bùi Văn Mạnh"] == "8.5"

    response = caller.post(url + "/close")  # an empty body: the certificates are dated the class's last day
    assert response.status_code == 200, response.content.decode()
    detail = response.json()
    assert detail["is_closed"] is True
    results = {e["full_name"]: (e["passed"], e["certificate"]) for e in detail["enrolments"]}
    assert results["Đinh Văn Nam"] == (False, None) and results["Ngô Thị Lan"] == (False, None)
    passed, code = results["Bùi Văn Mạnh"]
    assert passed is True and code
    manh = t.person("Bùi Văn Mạnh")
    completion = Completion.objects.get(person=manh)
    assert completion.code == code and completion.course.code == "BHVS-CB" and completion.score == Decimal("8.5")
    assert Completion.objects.count() == 1 and BasicSkills.objects.filter(person=manh).exists()

    cov = caller.get(f"/coverage/{t.units['HVHC'].pk}").json()
    assert cov["total"] == {"people": 9, "trained": 1, "missing": 8, "pct": "11.11"}
    assert {c["unit"]: c["trained"] for c in cov["children"]} == {"HVHC-CNTT": 0, "HVHC-TD1": 1}

    # a closed class takes no more changes
    before = written()
    refused(caller.post(url + "/close"), 400, "đã kết thúc")
    refused(caller.post(url + "/enrolments", {"identifiers": ids(t, "Lý Thường Kiệt")}), 400, "đã kết thúc")
    assert written() == before

    # the certificate verifies, and the passport shows it
    cert = as_("lanhdao_86").get(f"/certificates/{code.replace('-', '').lower()}").json()
    assert cert["status"] == "valid" and cert["full_name"] == "Bùi Văn Mạnh" and cert["course"] == "BHVS-CB"
    refused(as_("lanhdao_86").get("/certificates/AAAA-BBBB-CCCC"), 404, "Không có chứng nhận")
    passport = caller.get(f"/people/{manh.pk}/passport").json()
    assert passport["basic_skills_on"] == str(timezone.localdate() - dt.timedelta(days=1))
    assert [c["code"] for c in passport["completions"]] == [code]
    refused(as_("lanhdao_86").get(f"/people/{manh.pk}/passport"), 404, "Không tìm thấy")


def test_class_detail_and_lists_stay_in_scope(training, as_):
    t = training
    klass = open_class(t)
    open_class(t, "LOP-86", "BTL86", user="lanhdao_86")
    for user in ("outsider", "lanhdao_86"):
        refused(as_(user).get(f"/classes/{klass['id']}"), 404, "Không tìm thấy")
        refused(as_(user).post(f"/classes/{klass['id']}/close"), 404, "Không tìm thấy")
    assert as_("nhaplieu_hvhc").get(f"/classes/{klass['id']}").json()["code"] == "LOP-01"
    assert [c["code"] for c in as_("nhaplieu_hvhc").get("/classes").json()["items"]] == ["LOP-01"]
    assert [c["code"] for c in as_("lanhdao_86").get("/classes").json()["items"]] == ["LOP-86"]
    assert as_("admin").get("/classes").json()["count"] == 2
    assert as_("outsider").get("/classes").json()["count"] == 0

    before = written()
    today = timezone.localdate()
    body = {
        "unit_id": t.units["HVHC"].pk,
        "code": "LOP-02",
        "course": "BHVS-CB",
        "start": str(today),
        "end": str(today),
        "place": "Phòng máy 2",
    }
    refused(as_("lanhdao_86").post("/classes", body), 404, "ngoài phạm vi")
    refused(as_("qtv_hvhc").post("/classes", body | {"course": "KHONG-CO"}), 400, "Không có khóa học")
    refused(as_("qtv_hvhc").post("/classes", body | {"online_link": "javascript:alert(1)"}), 400, "không hợp lệ")
    refused(as_("qtv_hvhc").post("/classes", body | {"code": "lop-01"}), 400, "Chưa mở được lớp")
    assert written() == before


# --- imported completions, coverage ------------------------------------------------------


def test_importing_completions(training, as_):
    t = training
    caller = as_("nhaplieu_hvhc")
    day = timezone.localdate() - dt.timedelta(days=3)
    rows = [
        (t.person("Bùi Văn Mạnh").identifier, "Bùi Văn Mạnh", "BHVS-CB", day, 9, "BDHVS-0001"),
        (t.person("Ngô Thị Lan").identifier, "Ngô Thị Lan", "bhvs-cb", day.strftime("%d/%m/%Y"), "7,5", ""),
        (t.person("Trần Quang Khải").identifier, "Trần Quang Khải", "LD-CDS", day, None, ""),
    ]
    response = caller.upload("/completions/import", {"file": sheet(rows)})
    assert response.status_code == 200, response.content.decode()
    assert response.json() == {"created": 3, "skipped": 0, "people": 3}
    lan = Completion.objects.get(person=t.person("Ngô Thị Lan"))
    assert lan.score == Decimal("7.5") and lan.source == "import" and lan.issued_by == t.units["HVHC"]
    assert BasicSkills.objects.count() == 2  # LD-CDS is not the basic course

    # the same export again: nothing new
    response = caller.upload("/completions/import", {"file": sheet(rows)})
    assert response.json() == {"created": 0, "skipped": 3, "people": 0}

    # a bad file: every problem named, the unknown identifiers listed, nothing written
    nobody = identifiers.make(25, 4242)
    bad = [
        (t.person("Đinh Văn Nam").identifier, "Đinh Văn Nam", "BHVS-CB", day, 8, ""),
        (nobody, "Người Lạ", "BHVS-CB", day, 8, ""),
        (t.person("Mai Xuân Oanh").identifier, "Mai Xuân Oanh", "BHVS-CB", day, 8, ""),
        (t.person("Lý Thường Kiệt").identifier, "Lý Thường Kiệt", "KHONG-CO", day, 3, ""),
    ]
    before = written()
    response = caller.upload("/completions/import", {"file": sheet(bad)})
    body = refused(response, 400, "Chưa có dòng nào được ghi")
    # someone outside the caller's scope is answered like someone unknown: the file tells nothing of them
    oanh = t.person("Mai Xuân Oanh").identifier
    assert body["unmatched"] == [f"Dòng 3: mã định danh {nobody}", f"Dòng 4: mã định danh {oanh}"]
    assert len(body["problems"]) == 3
    assert any(
        p.startswith("Dòng 4:") and "trong phạm vi quản lý của bạn" in p and "Oanh" not in p for p in body["problems"]
    )
    assert any(p.startswith("Dòng 5:") and "KHONG-CO" in p for p in body["problems"])
    assert written() == before

    # not a workbook at all; and someone who trains nobody
    fake = SimpleUploadedFile("ket-qua.xlsx", b"Ho va ten;Diem\n", content_type=XLSX)
    body = refused(caller.upload("/completions/import", {"file": fake}), 400, "không phải bảng tính Excel")
    assert body["unmatched"] == []
    refused(as_("outsider").upload("/completions/import", {"file": sheet(rows)}), 403, "không có quyền")
    assert written() == before


def test_coverage_counts_by_category_and_child_and_its_indicators(training, as_):
    from dxhub.plans import services as plan_services
    from dxhub.plans import targets
    from dxhub.reporting.models import Indicator, Rollup

    t = training
    admin = t.users["admin"]
    indicator = Indicator.objects.create(
        code="BHVS_TRAINED_PCT",
        name="Tỷ lệ quân số hoàn thành kỹ năng số cơ bản",
        value_type="percentage",
        min_value=0,
        max_value=100,
        source=coverage.BASIC_COVERAGE,
        source_from=dt.date(2026, 1, 1),
    )
    Rollup.objects.create(unit=t.units["HVHC"], indicator=indicator, period="2026-Q1", n=1, value=Decimal("40"))
    plan = plan_services.save_plan(
        admin,
        plan_services.PlanData(
            code="KH-BHVS-HVHC",
            title="Kế hoạch Bình dân học vụ số của Học viện",
            kind="plan",
            start=dt.date(2026, 1, 1),
            end=dt.date(2027, 12, 31),
            owner=t.units["HVHC"],
        ),
    )
    targets.create_target(
        admin,
        plan,
        targets.TargetData(
            code="CT-BHVS",
            title="Phổ cập kỹ năng số cơ bản",
            indicator_code="BHVS_TRAINED_PCT",
            value="80",
            start=dt.date(2026, 1, 1),
            deadline=dt.date(2026, 12, 31),
        ),
    )
    day = timezone.localdate() - dt.timedelta(days=3)
    rows = [
        (t.person(n).identifier, n, "BHVS-CB", day, 8, "") for n in ("Bùi Văn Mạnh", "Đinh Văn Nam", "Trần Quang Khải")
    ]
    assert as_("qtv_hvhc").upload("/completions/import", {"file": sheet(rows)}).status_code == 200

    response = as_("nhaplieu_hvhc").get(f"/coverage/{t.units['HVHC'].pk}")
    assert response.status_code == 200, response.content.decode()
    cov = response.json()
    assert cov["unit"] == "HVHC" and cov["on"] == str(timezone.localdate())
    assert cov["total"] == {"people": 9, "trained": 3, "missing": 6, "pct": "33.33"}
    assert cov["own"] == {"people": 2, "trained": 1, "missing": 1, "pct": "50.00"}
    categories = {c["category"]: (c["people"], c["trained"]) for c in cov["by_category"]}
    assert categories == {"si_quan": (5, 1), "qncn": (1, 0), "cnvqp": (1, 0), "hsq_bs": (2, 2)}
    assert all(c["label"] for c in cov["by_category"])
    children = {c["unit"]: c for c in cov["children"]}
    assert children["HVHC-TD1"] == {
        "unit_id": t.units["HVHC-TD1"].pk,
        "unit": "HVHC-TD1",
        "unit_name": "Tiểu đoàn 1 học viên",
        "has_children": True,
        "people": 5,
        "trained": 2,
        "missing": 3,
        "pct": "40.00",
    }
    assert (children["HVHC-CNTT"]["people"], children["HVHC-CNTT"]["trained"]) == (2, 0)
    assert children["HVHC-CNTT"]["has_children"] is False
    [linked] = cov["indicators"]
    assert linked["indicator"] == "BHVS_TRAINED_PCT" and linked["source"] == coverage.BASIC_COVERAGE
    assert (linked["period"], Decimal(linked["value"])) == ("2026-Q1", Decimal("40"))
    [share] = linked["targets"]
    assert share["target"] == "CT-BHVS" and share["plan"] == "KH-BHVS-HVHC"
    assert Decimal(share["value"]) == 80 and share["deadline"] == "2026-12-31" and share["status"]

    # a day before the completions, nobody was trained
    earlier = as_("nhaplieu_hvhc").get(f"/coverage/{t.units['HVHC'].pk}", on=str(day - dt.timedelta(days=1))).json()
    assert earlier["total"]["trained"] == 0

    td1 = as_("qtv_hvhc").get(f"/coverage/{t.units['HVHC-TD1'].pk}").json()
    assert td1["total"]["pct"] == "40.00" and td1["indicators"][0]["period"] is None
    bqp = as_("admin").get(f"/coverage/{t.units['BQP'].pk}").json()
    assert bqp["total"]["people"] == 13 and bqp["total"]["trained"] == 3

    for user in ("outsider", "lanhdao_86"):
        refused(as_(user).get(f"/coverage/{t.units['HVHC'].pk}"), 404, "ngoài phạm vi")
