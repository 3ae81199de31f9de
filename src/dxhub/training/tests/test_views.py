"""The pages of "Bình dân học vụ số": what each role sees and may do through the
browser's forms, the files they download and upload, the refusals (in Vietnamese,
writing nothing), the scope of every page and the public verification of a
certificate."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dxhub.accounts.models import User
from dxhub.audit.models import AuditEvent
from dxhub.reporting import catalogue, submissions
from dxhub.reporting.models import Indicator
from dxhub.reporting.periods import Period
from dxhub.training import coverage, services
from dxhub.training.models import (
    BasicSkills,
    Competence,
    Completion,
    Course,
    Enrolment,
    Need,
    Response,
    Survey,
    TrainingClass,
    TrainingGroup,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BASE = "/hoc-vu-so"
LOGIN = "/tai-khoan/dang-nhap/"

MANH = "Bùi Văn Mạnh"  # a soldier of Đại đội 1, HVHC
NAM = "Đinh Văn Nam"  # another soldier of Đại đội 1
KHAI = "Trần Quang Khải"  # the academy's director
OANH = "Mai Xuân Oanh"  # BTL86, outside the academy


def client_for(user=None):
    """A browser: logged in as ``user``, or nobody."""
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def page(response) -> str:
    return response.content.decode()


def workbook(headers, rows, name="tep.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def opened(response):
    """A downloaded .xlsx: its content type, then its first sheet's rows."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename=")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def written():
    """Row counts of everything the training pages can write, and the audit trail
    (less the logins of the test's own sessions)."""
    models = (Survey, Response, Need, Course, TrainingClass, Enrolment, Completion, BasicSkills)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["AuditEvent"] = AuditEvent.objects.exclude(action="login").count()
    return counts


def ratings_form(t, step=3, **overrides):
    """The answer page's POST: ``r_<code>`` per competence."""
    return {f"r_{code}": str(value) for code, value in t.ratings(step, **overrides).items()}


def answer(t, name, step=3, **overrides):
    return services.answer(t.users["nhaplieu_hvhc"], t.survey, t.person(name), t.ratings(step, **overrides))


def complete(t, name, course=None, day=None):
    """A recorded completion (e.g. imported from the national platform)."""
    course = course or t.basic
    c = Completion.objects.create(
        person=t.person(name),
        course=course,
        completed_on=day or timezone.localdate() - dt.timedelta(days=2),
        score=Decimal("8"),
        is_basic=course.is_basic,
        source=Completion.Source.IMPORT,
        issued_by=t.units["HVHC"],
    )
    services.update_basic_skills([c.person_id])
    return c


def open_class(t, code="LOP-01", unit="HVHC", sessions=2, capacity=None):
    """A class of the basic course that started last week and ends today."""
    today = timezone.localdate()
    return services.open_class(
        t.users["qtv_hvhc"],
        t.units[unit],
        services.ClassData(
            code, t.basic, today - dt.timedelta(days=7), today, sessions, "Hội trường A", capacity=capacity
        ),
    )


# --- the unit dashboard -----------------------------------------------------------------


def test_index_redirects_to_the_users_top_unit(training):
    t = training
    r = client_for(t.users["qtv_hvhc"]).get(f"{BASE}/")
    assert r.status_code == 302 and r["Location"] == f"{BASE}/don-vi/{t.units['HVHC'].pk}/"
    r = client_for(t.users["admin"]).get(f"{BASE}/")
    assert r["Location"] == f"{BASE}/don-vi/{t.units['BQP'].pk}/"
    assert client_for(t.users["outsider"]).get(f"{BASE}/").status_code == 404


def test_unit_dashboard_counts_the_trained_people(training):
    t = training
    complete(t, MANH)
    c = client_for(t.users["qtv_hvhc"])
    r = c.get(f"{BASE}/", follow=True)
    html = page(r)
    assert r.status_code == 200 and "Học viện Hậu cần" in html
    assert "Tỷ lệ quân số hoàn thành bồi dưỡng kỹ năng số cơ bản" in html
    assert 'id="dx-trained">1<' in html and "trên 9 người đang công tác" in html  # 9 people in the academy
    assert 'id="dx-coverage">11,1%<' in html
    children = html.split('id="dx-children"')[1]
    assert "Ban Công nghệ thông tin" in children and "Tiểu đoàn 1 học viên" in children
    assert "Kết quả khảo sát" in html and f"{BASE}/khao-sat/{t.survey.pk}/?unit=HVHC" in html
    assert "Mở lớp" in html and "Nhập kết quả" in html  # the academy's officer manages training
    # Đại đội 1: the fixture's officer and two soldiers, one of them trained
    html = page(c.get(f"{BASE}/don-vi/{t.units['HVHC-TD1-DD1'].pk}/"))
    assert 'id="dx-trained">1<' in html and "trên 3 người đang công tác" in html
    assert 'id="dx-coverage">33,3%<' in html
    # the breadcrumb climbs to the academy, not above it
    assert f'href="{BASE}/don-vi/{t.units["HVHC"].pk}/"' in html
    assert f'href="{BASE}/don-vi/{t.units["BQP"].pk}/"' not in html
    # another command's leader and the outsider see nothing of the academy
    for username in ("lanhdao_86", "outsider"):
        assert client_for(t.users[username]).get(f"{BASE}/don-vi/{t.units['HVHC'].pk}/").status_code == 404
    assert client_for(t.users["lanhdao_86"]).get(f"{BASE}/don-vi/{t.units['BTL86'].pk}/").status_code == 200


# --- surveys ---------------------------------------------------------------------------


def test_surveys_list_shows_the_surveys_in_scope(training):
    t = training
    html = page(client_for(t.users["nhaplieu_hvhc"]).get(f"{BASE}/khao-sat/"))
    assert "Khảo sát nhu cầu bồi dưỡng kỹ năng số" in html
    assert "KS-HVHC-2026" in html and "Rà soát nhu cầu bồi dưỡng kỹ năng số năm 2026" in html
    assert f"{BASE}/khao-sat/moi/" in html  # "Mở đợt khảo sát"
    html = page(client_for(t.users["lanhdao_86"]).get(f"{BASE}/khao-sat/"))
    assert "KS-HVHC-2026" not in html and "Chưa có đợt khảo sát nào." in html
    html = page(client_for(t.users["outsider"]).get(f"{BASE}/khao-sat/"))
    assert "KS-HVHC-2026" not in html and f"{BASE}/khao-sat/moi/" not in html


def test_survey_new_opens_a_survey_and_refuses_a_unit_outside_the_scope(training):
    t = training
    c = client_for(t.users["qtv_hvhc"])
    r = c.get(f"{BASE}/khao-sat/moi/")
    html = page(r)
    assert r.status_code == 200 and "Mở đợt khảo sát nhu cầu bồi dưỡng" in html
    assert 'name="unit"' in html and 'value="HVHC"' in html  # the user's own unit by default
    today = timezone.localdate()
    data = {
        "code": "ks-td1-2026",
        "title": "Khảo sát Tiểu đoàn 1",
        "unit": "hvhc-td1",
        "framework": t.tt02.pk,
        "opens_on": str(today),
        "closes_on": str(today + dt.timedelta(days=30)),
        "note": "Mỗi người tự đánh giá",
    }
    # a forged unit code outside the academy: refused on the form, nothing created
    before = written()
    r = c.post(f"{BASE}/khao-sat/moi/", data | {"unit": "BTL86"})
    assert r.status_code == 200 and "sai mã" in page(r)
    assert written() == before
    r = c.post(f"{BASE}/khao-sat/moi/", data | {"closes_on": str(today - dt.timedelta(days=1))})
    assert r.status_code == 200 and "Ngày kết thúc phải sau ngày bắt đầu." in page(r)
    assert written() == before
    r = c.post(f"{BASE}/khao-sat/moi/", data)
    survey = Survey.objects.get(code="KS-TD1-2026")
    assert r.status_code == 302 and r["Location"] == f"{BASE}/khao-sat/{survey.pk}/"
    assert survey.unit == t.units["HVHC-TD1"] and survey.created_by == t.users["qtv_hvhc"]
    html = page(c.get(r["Location"]))
    assert "Đã mở đợt khảo sát KS-TD1-2026." in html and "Khảo sát Tiểu đoàn 1" in html
    # the same code again
    r = c.post(f"{BASE}/khao-sat/moi/", data)
    assert r.status_code == 200 and "Mã đợt khảo sát “KS-TD1-2026” đã có." in page(r)
    assert Survey.objects.count() == 2


def test_survey_detail_for_a_unit_of_the_survey(training):
    t = training
    answer(t, MANH, 3, **{"4_1": 0, "4_2": 1, "4_3": 1})
    answer(t, KHAI, 4)
    c = client_for(t.users["qtv_hvhc"])
    html = page(c.get(f"{BASE}/khao-sat/{t.survey.pk}/"))
    assert "Rà soát nhu cầu bồi dưỡng kỹ năng số năm 2026 — Học viện Hậu cần" in html
    assert 'id="dx-answered">2<' in html and "trên 9 người" in html
    groups = html.split('id="dx-groups"')[1]
    assert "Phổ cập kỹ năng số cơ bản" in groups
    assert "Nhập phiếu thay" in html and "Nhập từ Excel" in html and "Kết thúc đợt khảo sát" in html
    r = c.get(f"{BASE}/khao-sat/{t.survey.pk}/?unit=hvhc-td1")
    html = page(r)
    assert r.status_code == 200 and "Rà soát nhu cầu bồi dưỡng kỹ năng số năm 2026 — Tiểu đoàn 1 học viên" in html
    assert 'id="dx-answered">1<' in html and "trên 5 người" in html  # Tiểu đoàn 1: 5 people, Mạnh answered
    assert f"{BASE}/khao-sat/{t.survey.pk}/can-boi-duong/?unit=HVHC-TD1" in html
    assert c.get(f"{BASE}/khao-sat/{t.survey.pk}/?unit=BTL86").status_code == 404  # not the survey's unit
    assert c.get(f"{BASE}/khao-sat/{t.survey.pk}/?unit=KHONG-CO").status_code == 404
    for username in ("lanhdao_86", "outsider"):
        assert client_for(t.users[username]).get(f"{BASE}/khao-sat/{t.survey.pk}/").status_code == 404


def test_a_person_answers_their_own_survey_and_lands_on_their_passport(training):
    t = training
    manh = User.objects.create_user("manh", password="x", full_name=MANH, person=t.person(MANH))
    c = client_for(manh)
    listing = page(c.get(f"{BASE}/khao-sat/"))
    assert "KS-HVHC-2026" in listing and f"{BASE}/khao-sat/{t.survey.pk}/phieu/" in listing
    r = c.get(f"{BASE}/khao-sat/{t.survey.pk}/phieu/")
    assert r.status_code == 200 and f"Phiếu tự đánh giá năng lực số — {MANH}" in page(r)
    r = c.post(f"{BASE}/khao-sat/{t.survey.pk}/phieu/", ratings_form(t, 3))
    assert r.status_code == 302 and r["Location"] == f"{BASE}/quan-nhan/{t.person(MANH).pk}/"
    assert Response.objects.get().source == Response.Source.SELF
    r = c.get(r["Location"])
    assert r.status_code == 200 and f"Đã lưu phiếu của {MANH}" in page(r)
    # the unit's results are not theirs to see
    assert c.get(f"{BASE}/khao-sat/{t.survey.pk}/").status_code == 404
    assert c.get(f"{BASE}/khao-sat/{t.survey.pk}/can-boi-duong/").status_code == 404


def test_needs_list_and_its_excel_export(training):
    t = training
    answer(t, MANH, 3, **{"4_1": 0, "4_2": 1, "4_3": 1})  # phổ cập
    answer(t, KHAI, 4)  # lãnh đạo
    c = client_for(t.users["nhaplieu_hvhc"])
    url = f"{BASE}/khao-sat/{t.survey.pk}/can-boi-duong/"
    r = c.get(url)
    html = page(r)
    assert r.status_code == 200 and "Ai cần bồi dưỡng nội dung gì — Học viện Hậu cần" in html
    rows = html.split('id="dx-needs"')[1]
    assert MANH in rows and KHAI in rows and "Phổ cập kỹ năng số cơ bản" in rows
    assert "dưới bậc 2" in rows  # the reason
    html = page(c.get(url, {"group": "pho-cap"}))
    rows = html.split('id="dx-needs"')[1]
    assert MANH in rows and KHAI not in rows
    html = page(c.get(url, {"unit": "HVHC-TD1-DD1"}))
    rows = html.split('id="dx-needs"')[1]
    assert "Ai cần bồi dưỡng nội dung gì — Đại đội 1" in html and MANH in rows and KHAI not in rows

    r = c.get(url, {"unit": "HVHC", "format": "xlsx"})
    assert "can-boi-duong-KS-HVHC-2026-HVHC.xlsx" in r["Content-Disposition"]
    table = opened(r)
    assert table[0][:3] == ["STT", "Mã định danh", "Họ và tên"] and table[0][-1] == "Đã hoàn thành kỹ năng số cơ bản"
    by_name = {row[2]: row for row in table[1:]}
    assert set(by_name) == {MANH, KHAI}
    assert by_name[MANH][1] == t.person(MANH).identifier
    assert by_name[MANH][6] == "Phổ cập kỹ năng số cơ bản" and "BHVS-CB" in by_name[MANH][8]
    assert by_name[MANH][9] == "Chưa"
    table = opened(c.get(url, {"group": "pho-cap", "format": "xlsx"}))
    assert [row[2] for row in table[1:]] == [MANH]
    # outside the academy: no list, no file
    for username in ("lanhdao_86", "outsider"):
        other = client_for(t.users[username])
        assert other.get(url).status_code == 404
        assert other.get(url, {"format": "xlsx"}).status_code == 404
    assert c.get(url, {"unit": "BTL86"}).status_code == 404


def test_a_ministry_survey_is_seen_by_each_command_for_its_own_branch(training):
    t = training
    today = timezone.localdate()
    survey = services.launch_survey(
        t.users["admin"],
        t.units["BQP"],
        services.SurveyData("KS-BQP-2026", "Khảo sát toàn quân", t.tt02, today - dt.timedelta(days=1), today),
    )
    low = t.ratings(3, **{"4_1": 0, "4_2": 1, "4_3": 1})
    services.answer(t.users["admin"], survey, t.person(MANH), low)
    services.answer(t.users["admin"], survey, t.person(OANH), low)
    c = client_for(t.users["lanhdao_86"])
    assert "KS-BQP-2026" in page(c.get(f"{BASE}/khao-sat/"))
    html = page(c.get(f"{BASE}/khao-sat/{survey.pk}/"))
    assert "Khảo sát toàn quân — Bộ Tư lệnh 86" in html and 'id="dx-answered">1<' in html
    url = f"{BASE}/khao-sat/{survey.pk}/can-boi-duong/"
    rows = page(c.get(url)).split('id="dx-needs"')[1]
    assert OANH in rows and MANH not in rows
    assert {row[2] for row in opened(c.get(url, {"format": "xlsx"}))[1:]} == {OANH}
    for unit in ("HVHC", "BQP"):  # above or beside the command's branch
        assert c.get(f"{BASE}/khao-sat/{survey.pk}/", {"unit": unit}).status_code == 404
        assert c.get(url, {"unit": unit}).status_code == 404
        assert c.get(url, {"unit": unit, "format": "xlsx"}).status_code == 404
    # the command's leader answers for its own people only
    r = c.get(f"{BASE}/khao-sat/{survey.pk}/phieu/", {"identifier": t.person(NAM).identifier})
    assert "trong phạm vi quản lý của bạn" in page(r) and 'name="r_1.1"' not in page(r)


# --- the answer page -----------------------------------------------------------------------


def test_answer_page_for_a_person_of_the_academy(training):
    t = training
    c = client_for(t.users["nhaplieu_hvhc"])
    url = f"{BASE}/khao-sat/{t.survey.pk}/phieu/"
    manh = t.person(MANH)
    r = c.get(url, {"identifier": manh.identifier})
    html = page(r)
    assert r.status_code == 200 and f"Phiếu tự đánh giá năng lực số — {MANH}" in html
    assert "Đại đội 1" in html and "0 = chưa đạt bậc 1" in html
    assert html.count('<select class="form-select" name="r_') == 24
    select = html.split('name="r_2.3"')[1].split("</select>")[0]
    assert '<option value="8">' in select and '<option value="9">' not in select
    before = written()
    r = c.post(url, {"identifier": manh.identifier} | ratings_form(t, 3, **{"4_1": 0, "4_2": 1, "4_3": 1}))
    assert r.status_code == 302 and r["Location"] == f"{BASE}/khao-sat/{t.survey.pk}/"
    html = page(c.get(r["Location"]))
    assert f"Đã lưu phiếu của {MANH}. Xếp nhóm: Phổ cập kỹ năng số cơ bản." in html
    response = Response.objects.get(survey=t.survey, person=manh)
    assert response.source == Response.Source.OFFICER and response.entered_by == t.users["nhaplieu_hvhc"]
    assert response.ratings["4.1"] == 0 and response.domain_steps["4"] == 1  # floor of 5 / 4
    assert written()["Response"] == before["Response"] + 1
    # opened again, the page shows the stored answer
    html = page(c.get(url, {"identifier": manh.identifier}))
    assert '<option value="3" selected>' in html.split('name="r_1.1"')[1].split("</select>")[0]


def test_a_rating_out_of_the_scale_is_refused_on_the_page(training):
    t = training
    c = client_for(t.users["nhaplieu_hvhc"])
    manh = t.person(MANH)
    before = written()
    r = c.post(
        f"{BASE}/khao-sat/{t.survey.pk}/phieu/", {"identifier": manh.identifier} | ratings_form(t, 3, **{"2_3": 9})
    )
    html = page(r)
    assert r.status_code == 200
    problems = html.split('id="dx-answer-problems"')[1].split("</div>")[0]
    assert "Phiếu tự đánh giá chưa hợp lệ: 1 lỗi; chưa lưu." in problems
    assert "Năng lực 2.3: mức tự đánh giá “9” nằm ngoài thang 0–8" in problems
    assert written() == before
    # a competence left blank
    data = {"identifier": manh.identifier} | ratings_form(t, 3)
    del data["r_6.3"]
    r = c.post(f"{BASE}/khao-sat/{t.survey.pk}/phieu/", data)
    assert "Chưa tự đánh giá 1 năng lực: 6.3." in page(r)
    assert written() == before


def test_answer_for_a_person_outside_the_users_subtree_is_refused(training):
    t = training
    url = f"{BASE}/khao-sat/{t.survey.pk}/phieu/"
    oanh = t.person(OANH)
    c = client_for(t.users["qtv_hvhc"])
    # someone outside the scope is answered like someone unknown: the page tells nothing of them
    refusal = f"Không có quân nhân mã định danh “{oanh.identifier}” trong phạm vi quản lý của bạn."
    before = written()
    r = c.get(url, {"identifier": oanh.identifier})
    assert r.status_code == 200 and refusal in page(r) and 'name="r_1.1"' not in page(r)
    r = c.post(url, {"identifier": oanh.identifier} | ratings_form(t, 3))
    assert r.status_code == 200 and refusal in page(r) and OANH not in page(r)
    assert written() == before
    r = c.post(url, {"identifier": "999999999999"} | ratings_form(t, 3))
    assert r.status_code == 200 and "Không có quân nhân mã định danh “999999999999” trong phạm vi" in page(r)
    assert written() == before
    # the other command's leader does not even see the academy's survey
    r = client_for(t.users["lanhdao_86"]).post(url, {"identifier": t.person(MANH).identifier} | ratings_form(t, 3))
    assert r.status_code == 404 and written() == before


def test_survey_close(training):
    t = training
    url = f"{BASE}/khao-sat/{t.survey.pk}/ket-thuc/"
    assert client_for(t.users["lanhdao_86"]).post(url).status_code == 404
    c = client_for(t.users["qtv_hvhc"])
    assert c.get(url).status_code == 405
    r = c.post(url, follow=True)
    assert "Đã kết thúc đợt khảo sát." in page(r)
    t.survey.refresh_from_db()
    assert t.survey.is_closed
    r = c.post(f"{BASE}/khao-sat/{t.survey.pk}/phieu/", {"identifier": t.person(MANH).identifier} | ratings_form(t, 3))
    assert "Đợt khảo sát KS-HVHC-2026 đã kết thúc, không nhận thêm phiếu." in page(r)
    assert not Response.objects.exists()


# --- survey answers from Excel --------------------------------------------------------------


def test_survey_import_template_and_uploads(training):
    t = training
    c = client_for(t.users["nhaplieu_hvhc"])
    url = f"{BASE}/khao-sat/{t.survey.pk}/nhap-excel/"
    r = c.get(url)
    html = page(r)
    assert r.status_code == 200 and "Nhập phiếu tự đánh giá từ Excel — KS-HVHC-2026" in html
    assert 'href="?template=1"' in html and 'enctype="multipart/form-data"' in html
    r = c.get(url, {"template": "1"})
    assert "tu-danh-gia-KS-HVHC-2026.xlsx" in r["Content-Disposition"]
    headers = opened(r)[0]
    assert headers == ["Mã định danh", "Họ và tên", *t.codes] and len(t.codes) == 24

    def row(name, step=3, **overrides):
        person = t.person(name)
        return [person.identifier, name, *t.ratings(step, **overrides).values()]

    before = written()
    bad = workbook(
        headers,
        [row(MANH, 3, **{"1_2": 9}), ["999999999999", "Không Có Ai", *[3] * 24], row(OANH)],
    )
    r = c.post(url, {"file": bad})
    html = page(r)
    assert r.status_code == 200 and "Tệp không nhập được: 3 lỗi." in html
    problems = html.split('id="dx-import-problems"')[1]
    assert "Dòng 2: Năng lực 1.2: mức tự đánh giá “9” nằm ngoài thang 0–8" in problems
    assert "Dòng 3: không có quân nhân mã định danh “999999999999”." in problems
    assert f"Dòng 4: quân nhân mã định danh {t.person(OANH).identifier} ngoài phạm vi quản lý của bạn." in problems
    assert written() == before
    r = c.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook", content_type=XLSX)})
    assert r.status_code == 200 and "Tệp không phải bảng tính Excel (.xlsx)." in page(r)
    assert written() == before

    good = workbook(headers, [row(MANH, 3, **{"4_1": 0, "4_2": 1, "4_3": 1}), row(NAM, 4)])
    r = c.post(url, {"file": good})
    assert r.status_code == 302 and r["Location"] == f"{BASE}/khao-sat/{t.survey.pk}/"
    assert "Đã nhập 2 phiếu tự đánh giá." in page(c.get(r["Location"]))
    assert set(Response.objects.values_list("person__full_name", "source")) == {
        (MANH, Response.Source.IMPORT),
        (NAM, Response.Source.IMPORT),
    }
    assert Need.objects.get(person=t.person(MANH)).group.code == "pho-cap"
    assert client_for(t.users["lanhdao_86"]).get(url).status_code == 404


# --- courses and classes ----------------------------------------------------------------------


def test_courses_list_and_a_new_course(training):
    t = training
    c = client_for(t.users["qtv_hvhc"])
    html = page(c.get(f"{BASE}/khoa-hoc/"))
    assert "Khóa học bồi dưỡng kỹ năng số" in html
    assert "BHVS-CB" in html and "Kiến thức, kỹ năng số cơ bản" in html and "kỹ năng số cơ bản" in html
    assert "Quản trị chuyển đổi số cho cán bộ lãnh đạo, chỉ huy" in html
    assert f"{BASE}/khoa-hoc/moi/" in html
    r = c.get(f"{BASE}/khoa-hoc/moi/")
    assert r.status_code == 200 and "Thêm khóa học" in page(r) and 'value="HVHC"' in page(r)
    comps = Competence.objects.filter(framework=t.tt02, code__in=["4.1", "4.2"])
    data = {
        "code": "atm-01",
        "title": "An toàn thông tin cho chiến sĩ",
        "owner": "HVHC",
        "provider": "Ban Công nghệ thông tin",
        "mode": "in_person",
        "hours": "4",
        "pass_score": "5",
        "framework": t.tt02.pk,
        "reached_step": "2",
        "competences": [k.pk for k in comps],
        "groups": [TrainingGroup.objects.get(code="pho-cap").pk],
    }
    before = written()
    r = c.post(f"{BASE}/khoa-hoc/moi/", data | {"owner": "BTL86"})
    assert r.status_code == 200 and "sai mã" in page(r) and written() == before
    r = c.post(f"{BASE}/khoa-hoc/moi/", data | {"hours": "0"})
    assert r.status_code == 200 and "Số giờ phải lớn hơn 0" in page(r) and written() == before
    r = c.post(f"{BASE}/khoa-hoc/moi/", data)
    assert r.status_code == 302 and r["Location"] == f"{BASE}/khoa-hoc/"
    course = Course.objects.get(code="ATM-01")
    assert course.owner == t.units["HVHC"] and set(course.competences.values_list("code", flat=True)) == {"4.1", "4.2"}
    html = page(c.get(r["Location"]))
    assert "Đã thêm khóa học ATM-01." in html and "An toàn thông tin cho chiến sĩ" in html


def test_classes_list_and_a_new_class(training):
    t = training
    c = client_for(t.users["qtv_hvhc"])
    html = page(c.get(f"{BASE}/lop/"))
    assert "Lớp tập huấn, bồi dưỡng" in html and "Không có lớp nào." in html and f"{BASE}/lop/moi/" in html
    r = c.get(f"{BASE}/lop/moi/")
    assert r.status_code == 200 and "Mở lớp tập huấn, bồi dưỡng" in page(r)
    today = timezone.localdate()
    data = {
        "code": "lop-td1-01",
        "course": t.basic.pk,
        "unit": "HVHC-TD1",
        "start": str(today + dt.timedelta(days=3)),
        "end": str(today + dt.timedelta(days=5)),
        "sessions": "3",
        "place": "Hội trường Tiểu đoàn 1",
        "instructor": "Đại úy Nguyễn Văn Thầy",
        "capacity": "40",
    }
    before = written()
    r = c.post(f"{BASE}/lop/moi/", data | {"end": str(today)})
    assert r.status_code == 200 and "Ngày bế giảng phải sau ngày khai giảng." in page(r)
    r = c.post(f"{BASE}/lop/moi/", data | {"unit": "BTL86-TT"})
    assert r.status_code == 200 and "sai mã" in page(r)
    assert written() == before
    r = c.post(f"{BASE}/lop/moi/", data)
    klass = TrainingClass.objects.get(code="LOP-TD1-01")
    assert r.status_code == 302 and r["Location"] == f"{BASE}/lop/{klass.pk}/"
    assert klass.unit == t.units["HVHC-TD1"] and klass.sessions == 3 and klass.capacity == 40
    assert "Đã mở lớp LOP-TD1-01." in page(c.get(r["Location"]))
    html = page(c.get(f"{BASE}/lop/"))
    assert "LOP-TD1-01" in html and "Kiến thức, kỹ năng số cơ bản" in html
    assert "LOP-TD1-01" not in page(client_for(t.users["lanhdao_86"]).get(f"{BASE}/lop/"))


def test_class_detail_from_enrolment_to_certificates(training):
    t = training
    klass = open_class(t)
    url = f"{BASE}/lop/{klass.pk}/"
    c = client_for(t.users["qtv_hvhc"])
    html = page(c.get(url))
    assert "LOP-01 · Học viện Hậu cần" in html and "Kiến thức, kỹ năng số cơ bản" in html
    assert "Ghi danh học viên" in html and "Chưa có học viên." in html
    assert "Điều kiện đạt: tham dự ít nhất 2 buổi và điểm từ 5 trở lên." in html
    manh, nam, oanh = t.person(MANH), t.person(NAM), t.person(OANH)

    # an unknown identifier, and one outside the user's scope: named, nobody enrolled
    before = written()
    r = c.post(url, {"action": "enrol", "enrol-identifiers": f"{manh.identifier}\n999999999999, {oanh.identifier}"})
    html = page(r)
    assert r.status_code == 200
    assert "Không tìm thấy trong phạm vi của bạn các mã định danh: " in html and "Chưa ghi danh ai." in html
    assert "999999999999" in html and oanh.identifier in html
    assert written() == before

    r = c.post(url, {"action": "enrol", "enrol-identifiers": f"{manh.identifier}\n{nam.identifier}"})
    assert r.status_code == 302 and r["Location"] == url
    html = page(c.get(url))
    assert "Đã ghi danh 2 học viên." in html and "Danh sách lớp (2 học viên)" in html
    assert set(Enrolment.objects.values_list("person__full_name", flat=True)) == {MANH, NAM}

    # the same person again
    before = written()
    r = c.post(url, {"action": "enrol", "enrol-identifiers": manh.identifier})
    html = page(r)
    assert "Chưa ghi danh: 1 lỗi; không ai được thêm vào lớp." in html
    assert "đã có trong danh sách lớp LOP-01" in html
    assert written() == before

    # attendance and scores
    e_manh = Enrolment.objects.get(person=manh)
    e_nam = Enrolment.objects.get(person=nam)
    r = c.post(url, {"action": "results", f"a_{e_manh.pk}": "3", f"s_{e_manh.pk}": "8,5"})
    html = page(r)
    assert "Chưa lưu kết quả: 1 lỗi." in html and "số buổi tham dự phải từ 0 đến 2" in html
    r = c.post(url, {"action": "results", f"a_{e_manh.pk}": "hai", f"s_{e_manh.pk}": ""})
    assert "“hai” không phải là số." in page(r)
    assert written() == before
    r = c.post(
        url,
        {
            "action": "results",
            f"a_{e_manh.pk}": "2",
            f"s_{e_manh.pk}": "8,5",
            f"a_{e_nam.pk}": "1",
            f"s_{e_nam.pk}": "9",
        },
    )
    assert r.status_code == 302
    assert "Đã lưu điểm danh và điểm." in page(c.get(url))
    e_manh.refresh_from_db()
    assert (e_manh.attended, e_manh.score) == (2, Decimal("8.5"))

    # the roster before the end
    r = c.get(url, {"format": "xlsx"})
    assert "danh-sach-lop-LOP-01.xlsx" in r["Content-Disposition"]
    table = opened(r)
    assert table[0] == [
        "STT",
        "Mã định danh",
        "Họ và tên",
        "Cấp bậc",
        "Đơn vị",
        "Số buổi tham dự",
        "Điểm",
        "Kết quả",
        "Mã xác thực chứng nhận",
    ]
    assert {row[2] for row in table[1:]} == {MANH, NAM}

    # the end of the class: Mạnh passes (8.5, 2 of 2), Nam does not (1 session of 2)
    r = c.post(url, {"action": "close"})
    assert r.status_code == 302
    html = page(c.get(url))
    assert "Lớp đã kết thúc; 1 học viên đạt được cấp giấy chứng nhận." in html
    done = Completion.objects.get()
    assert done.person == manh and done.source == Completion.Source.CLASS and done.issued_by == t.units["HVHC"]
    assert f'href="{BASE}/chung-nhan/{done.pk}/"' in html and "Không đạt" in html
    assert "Lớp đã kết thúc" in html and "Ghi danh học viên" not in html and 'name="a_' not in html
    assert BasicSkills.objects.filter(person=manh).exists()
    by_name = {row[2]: row for row in opened(c.get(url, {"format": "xlsx"}))[1:]}
    assert by_name[MANH][7] == "Đạt" and by_name[MANH][8] == done.code
    assert by_name[NAM][7] == "Không đạt" and by_name[NAM][8] in (None, "")
    # a closed class takes no one
    before = written()
    r = c.post(url, {"action": "enrol", "enrol-identifiers": t.people["HVHC"].identifier})
    assert "đã kết thúc" in page(r) and written() == before


def test_class_detail_is_404_outside_the_scope(training):
    t = training
    klass = open_class(t)
    url = f"{BASE}/lop/{klass.pk}/"
    for username in ("lanhdao_86", "outsider"):
        other = client_for(t.users[username])
        assert other.get(url).status_code == 404
        assert other.get(url, {"format": "xlsx"}).status_code == 404
        r = other.post(url, {"action": "enrol", "enrol-identifiers": t.person(MANH).identifier})
        assert r.status_code == 404
    assert not Enrolment.objects.exists()
    assert client_for(t.users["admin"]).get(url).status_code == 200


# --- completions, passports, certificates ---------------------------------------------------------


COMPLETION_HEADERS = ["Mã định danh", "Họ và tên", "Mã khóa học", "Ngày hoàn thành", "Điểm", "Số chứng nhận"]


def test_completions_import_template_and_uploads(training):
    t = training
    c = client_for(t.users["nhaplieu_hvhc"])
    url = f"{BASE}/ket-qua/nhap-excel/"
    r = c.get(url)
    html = page(r)
    assert r.status_code == 200 and "Nhập kết quả hoàn thành từ nền tảng khác" in html
    assert "ghép theo mã định danh quân nhân" in html
    r = c.get(url, {"template": "1"})
    assert "mau-ket-qua-hoan-thanh.xlsx" in r["Content-Disposition"]
    assert opened(r)[0] == COMPLETION_HEADERS

    day = timezone.localdate() - dt.timedelta(days=3)
    manh, oanh = t.person(MANH), t.person(OANH)
    before = written()
    bad = workbook(
        COMPLETION_HEADERS,
        [
            [manh.identifier, MANH, "BHVS-CB", day, 8, "BDHVS-001"],
            ["999999999999", "Không Có Ai", "BHVS-CB", day, 8, ""],
            [oanh.identifier, OANH, "BHVS-CB", day, 8, ""],
            [t.person(NAM).identifier, NAM, "KHONG-CO", day, 11, ""],
        ],
    )
    r = c.post(url, {"file": bad})
    html = page(r)
    assert r.status_code == 200 and "Tệp không nhập được: 3 lỗi." in html
    unmatched = html.split('id="dx-unmatched"')[1].split('id="dx-import-problems"')[0]
    assert "Các dòng không ghép được mã định danh" in unmatched
    assert "Dòng 3: mã định danh 999999999999" in unmatched and f"Dòng 4: mã định danh {oanh.identifier}" in unmatched
    assert manh.identifier not in unmatched
    problems = html.split('id="dx-import-problems"')[1]
    assert "không có khóa học mã “KHONG-CO”" in problems and "điểm 11 nằm ngoài thang 0–10" in problems
    assert f"không có quân nhân mã định danh {oanh.identifier} trong phạm vi quản lý của bạn" in problems
    assert OANH not in html  # nothing told about the person outside the scope
    assert written() == before

    good = workbook(COMPLETION_HEADERS, [[manh.identifier, MANH, "BHVS-CB", day, 8, "BDHVS-001"]])
    r = c.post(url, {"file": good})
    assert r.status_code == 302 and r["Location"] == f"{BASE}/"
    html = page(c.get(r["Location"], follow=True))
    assert "Đã ghi nhận 1 kết quả hoàn thành của 1 người; 0 dòng đã có từ trước nên bỏ qua." in html
    done = Completion.objects.get()
    assert done.person == manh and done.source == Completion.Source.IMPORT and done.external_ref == "BDHVS-001"
    assert BasicSkills.objects.get().person == manh


def test_passport_certificate_and_revocation(training):
    t = training
    answer(t, MANH, 3, **{"4_1": 0, "4_2": 1, "4_3": 1})
    done = complete(t, MANH)
    manh = t.person(MANH)
    url = f"{BASE}/quan-nhan/{manh.pk}/"
    c = client_for(t.users["qtv_hvhc"])
    html = page(c.get(url))
    assert "Hồ sơ năng lực số" in html and MANH in html and manh.identifier in html
    assert 'id="dx-basic">Đã hoàn thành<' in html and "Phổ cập kỹ năng số cơ bản" in html
    levels = html.split("Mức năng lực tự đánh giá")[1].split("dx-completions")[0]
    assert "KS-HVHC-2026" in levels and "4. An toàn" in levels and levels.count("bậc 3") == 5
    assert "bậc 1" in levels  # domain 4: the floor of (0 + 1 + 1 + 3) / 4
    rows = html.split('id="dx-completions"')[1]
    assert done.code in rows and "Kiến thức, kỹ năng số cơ bản" in rows
    assert f"{BASE}/chung-nhan/{done.pk}/" in rows and f"{BASE}/chung-nhan/{done.pk}/thu-hoi/" in rows

    r = c.get(f"{BASE}/chung-nhan/{done.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and f"chung-nhan-{done.code}.pdf" in r["Content-Disposition"]

    # another command's leader and the outsider: no passport, no certificate, no revocation
    for username in ("lanhdao_86", "outsider"):
        other = client_for(t.users[username])
        assert other.get(url).status_code == 404
        assert other.get(f"{BASE}/chung-nhan/{done.pk}/").status_code == 404
        assert other.post(f"{BASE}/chung-nhan/{done.pk}/thu-hoi/", {"reason": "Thử"}).status_code == 404
    # the person themself downloads their own certificate, without any role
    own = User.objects.create_user("manh", password="x", full_name=MANH, person=manh)
    r = client_for(own).get(f"{BASE}/chung-nhan/{done.pk}/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert client_for(own).get(url).status_code == 200

    # revocation: a reason is required
    revoke = f"{BASE}/chung-nhan/{done.pk}/thu-hoi/"
    assert c.get(revoke).status_code == 405
    r = c.post(revoke, {"reason": "  "}, follow=True)
    assert "Phải ghi lý do thu hồi chứng nhận." in page(r)
    done.refresh_from_db()
    assert done.revoked_at is None
    r = c.post(revoke, {"reason": "Cấp nhầm người"})
    assert r.status_code == 302 and r["Location"] == url
    html = page(c.get(url))
    assert f"Đã thu hồi chứng nhận {done.code}." in html and "đã thu hồi" in html
    assert 'id="dx-basic">Chưa hoàn thành<' in html
    done.refresh_from_db()
    assert done.revoked_at is not None and done.revoked_reason == "Cấp nhầm người"
    assert not BasicSkills.objects.exists()
    r = c.post(revoke, {"reason": "Lần nữa"}, follow=True)
    assert f"Chứng nhận {done.code} đã bị thu hồi trước đó." in page(r)


def test_a_certificate_issued_above_the_user_is_not_revoked_by_them(training):
    t = training
    done = complete(t, MANH)
    done.issued_by = t.units["BQP"]  # e.g. imported by the ministry's administrator
    done.save()
    c = client_for(t.users["qtv_hvhc"])
    r = c.post(f"{BASE}/chung-nhan/{done.pk}/thu-hoi/", {"reason": "Cấp nhầm"}, follow=True)
    assert r.status_code == 200 and "Bạn không có quyền tổ chức bồi dưỡng tại" in page(r)
    done.refresh_from_db()
    assert done.revoked_at is None and BasicSkills.objects.exists()


def test_my_passport(training):
    t = training
    manh = User.objects.create_user("manh", password="x", full_name=MANH, person=t.person(MANH))
    r = client_for(manh).get(f"{BASE}/ho-so-cua-toi/")
    assert r.status_code == 302 and r["Location"] == f"{BASE}/quan-nhan/{t.person(MANH).pk}/"
    assert MANH in page(client_for(manh).get(r["Location"]))
    # the passport of another soldier of the same company is not theirs to see
    assert client_for(manh).get(f"{BASE}/quan-nhan/{t.person(NAM).pk}/").status_code == 404
    r = client_for(t.users["qtv_hvhc"]).get(f"{BASE}/ho-so-cua-toi/", follow=True)
    assert "Tài khoản của bạn chưa gắn với hồ sơ quân nhân nào." in page(r)


def test_verify_is_public(training):
    t = training
    done = complete(t, MANH)
    anonymous = client_for()
    r = anonymous.get(f"/xac-thuc/{done.code}/")
    html = page(r)
    assert r.status_code == 200 and "Xác thực giấy chứng nhận bồi dưỡng kỹ năng số" in html
    assert 'data-status="valid"' in html and "Giấy chứng nhận hợp lệ" in html
    assert MANH in html and "Kiến thức, kỹ năng số cơ bản" in html and "Học viện Hậu cần" in html
    assert t.person(MANH).identifier not in html  # the public page does not show the identifier
    # typed loosely in the form: lower case, without the dashes
    r = anonymous.get("/xac-thuc/", {"ma": done.code.replace("-", "").lower()})
    assert 'data-status="valid"' in page(r) and done.code in page(r)
    r = anonymous.get("/xac-thuc/", {"ma": "ABCD-EFGH-JKLM"})
    html = page(r)
    assert r.status_code == 200 and 'data-status="unknown"' in html
    assert "Không có giấy chứng nhận nào mang mã xác thực “ABCD-EFGH-JKLM”." in html
    r = anonymous.get("/xac-thuc/")
    assert r.status_code == 200 and "dx-verify" not in page(r)
    services.revoke(t.users["qtv_hvhc"], done, "Gian lận khi thi")
    r = anonymous.get(f"/xac-thuc/{done.code}/")
    html = page(r)
    assert 'data-status="revoked"' in html and "Giấy chứng nhận đã bị thu hồi" in html
    assert "Gian lận khi thi" not in html  # the reason is for the unit's officers, not for the public


def test_frameworks_page(training):
    t = training
    r = client_for(t.users["outsider"]).get(f"{BASE}/khung-nang-luc/")
    html = page(r)
    assert r.status_code == 200 and "Khung năng lực số" in html and t.tt02.name in html
    assert "Ứng dụng trí tuệ nhân tạo" in html and "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số" in html
    assert "Quy tắc phân loại thành phần cần bồi dưỡng" in html and "Phổ cập kỹ năng số cơ bản" in html


# --- who may open what -------------------------------------------------------------------------------


def test_the_outsider_cannot_open_the_managing_pages(training):
    t = training
    c = client_for(t.users["outsider"])
    for url in [
        f"{BASE}/khao-sat/moi/",
        f"{BASE}/lop/moi/",
        f"{BASE}/khoa-hoc/moi/",
        f"{BASE}/ket-qua/nhap-excel/",
        f"{BASE}/ket-qua/nhap-excel/?template=1",
    ]:
        assert c.get(url).status_code == 404, url
    before = written()
    today = timezone.localdate()
    r = c.post(
        f"{BASE}/khao-sat/moi/",
        {
            "code": "KS-X",
            "title": "X",
            "unit": "BQP",
            "framework": t.tt02.pk,
            "opens_on": str(today),
            "closes_on": str(today),
        },
    )
    assert r.status_code == 404 and written() == before
    # the pages that only read render for anybody logged in, with nothing of the tree
    for url in [f"{BASE}/khao-sat/", f"{BASE}/khoa-hoc/", f"{BASE}/lop/", f"{BASE}/khung-nang-luc/"]:
        assert c.get(url).status_code == 200, url


def test_pages_need_login(training):
    t = training
    done = complete(t, MANH)
    klass = open_class(t)
    s = t.survey.pk
    anonymous = client_for()
    gets = [
        "/",
        f"/don-vi/{t.units['HVHC'].pk}/",
        "/khao-sat/",
        "/khao-sat/moi/",
        f"/khao-sat/{s}/",
        f"/khao-sat/{s}/phieu/",
        f"/khao-sat/{s}/nhap-excel/",
        f"/khao-sat/{s}/can-boi-duong/",
        "/khoa-hoc/",
        "/khoa-hoc/moi/",
        "/lop/",
        "/lop/moi/",
        f"/lop/{klass.pk}/",
        "/ket-qua/nhap-excel/",
        f"/quan-nhan/{t.person(MANH).pk}/",
        "/ho-so-cua-toi/",
        f"/chung-nhan/{done.pk}/",
        "/khung-nang-luc/",
    ]
    for url in gets:
        r = anonymous.get(BASE + url)
        assert r.status_code == 302 and r["Location"].startswith(LOGIN + "?next="), url
    before = written()
    posts = {
        "/khao-sat/moi/": {"code": "KS-X"},
        f"/khao-sat/{s}/phieu/": {"identifier": t.person(MANH).identifier} | ratings_form(t, 3),
        f"/khao-sat/{s}/ket-thuc/": {},
        "/khoa-hoc/moi/": {"code": "X"},
        "/lop/moi/": {"code": "X"},
        f"/lop/{klass.pk}/": {"action": "enrol", "enrol-identifiers": t.person(MANH).identifier},
        f"/chung-nhan/{done.pk}/thu-hoi/": {"reason": "Thử"},
    }
    for url, data in posts.items():
        r = anonymous.post(BASE + url, data)
        assert r.status_code == 302 and r["Location"].startswith(LOGIN + "?next="), url
    assert written() == before
    t.survey.refresh_from_db()
    done.refresh_from_db()
    assert not t.survey.is_closed and done.revoked_at is None


# --- the reporting form reads the training figures ---------------------------------------------


def test_the_submission_page_shows_a_fed_indicator_read_only(training):
    t = training
    admin = t.users["admin"]
    quarter = Period.containing("Q", timezone.localdate())
    for code, name in [("PERSONNEL_TOTAL", "Tổng quân số"), ("BHVS_TRAINED", "Số người hoàn thành kỹ năng số cơ bản")]:
        catalogue.save_indicator(
            admin, {"code": code, "name": name, "value_type": "integer", "aggregation": "sum", "min_value": 0}
        )
    form = catalogue.save_form(
        admin, {"code": "BC-BHVS", "name": "Báo cáo Bình dân học vụ số", "periodicity": "Q", "deadline_days": 10}
    )
    catalogue.add_form_version(admin, form, ["PERSONNEL_TOTAL", "BHVS_TRAINED"], "2024-Q1")
    Indicator.objects.filter(code="BHVS_TRAINED").update(source=coverage.BASIC_TRAINED, source_from=quarter.start)
    complete(t, MANH)
    officer = t.users["nhaplieu_hvhc"]
    sub = submissions.open_submission(officer, t.units["HVHC-TD1-DD1"], form, quarter.code)
    r = client_for(officer).get(f"/bao-cao/phieu/{sub.pk}/")
    html = page(r)
    assert r.status_code == 200
    assert re.search(r'<input class="form-control[^"]*"[^>]* name="v_PERSONNEL_TOTAL"', html)  # typed
    assert 'name="v_BHVS_TRAINED"' not in html  # fed: no input, nothing to type
    fed = html.split('data-code="BHVS_TRAINED"')[1].split('data-code="')[0]
    assert 'id="v_BHVS_TRAINED">1<' in fed  # Mạnh, of Đại đội 1's own people
    assert "tự động từ dữ liệu" in fed and "Bình dân học vụ số" in fed
