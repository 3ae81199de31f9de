"""Surveys and classification, classes and completions, certificates, coverage, and the
bad input each must refuse with nothing half-written."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Role
from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError
from dxhub.org.models import Person
from dxhub.training import coverage, excel, services
from dxhub.training.models import BasicSkills, Completion, Enrolment, Need, Response, TrainingClass

pytestmark = pytest.mark.django_db

MANH = "Bùi Văn Mạnh"  # a soldier of Đại đội 1, HVHC
KHAI = "Trần Quang Khải"  # the academy's director
KIET = "Lý Thường Kiệt"  # IT staff of the academy
OANH = "Mai Xuân Oanh"  # BTL86, outside the academy


def test_the_shipped_frameworks_have_their_structure(training):
    tt02 = training.tt02
    assert tt02.domains.count() == 6 and tt02.competences.count() == 24 and tt02.max_step == 8
    assert tt02.domains.get(code="6").name == "Ứng dụng trí tuệ nhân tạo"
    assert sorted(set(tt02.levels.values_list("band", flat=True))) == ["Chuyên sâu", "Cơ bản", "Nâng cao", "Trung cấp"]
    from dxhub.training.models import Framework

    digcomp = Framework.objects.get(code="DIGCOMP-2.2")
    assert digcomp.domains.count() == 5 and digcomp.competences.count() == 21


def test_answers_classify_people_into_groups(training):
    t, officer = training, training.users["nhaplieu_hvhc"]
    low = services.answer(officer, t.survey, t.person(MANH), t.ratings(3, **{"4_1": 0, "4_2": 1, "4_3": 1}))
    groups = {n.group.code: n.reason for n in low.needs.select_related("group")}
    assert set(groups) == {"pho-cap"}  # "nâng cao" waits until basic is reached
    assert "4. An toàn" in groups["pho-cap"] and "(bậc 1)" in groups["pho-cap"]
    assert low.domain_steps["4"] == 1 and low.domain_steps["1"] == 3
    assert low.source == Response.Source.OFFICER
    chief = services.answer(officer, t.survey, t.person(KHAI), t.ratings(4))
    assert {n.group.code for n in chief.needs.select_related("group")} == {"lanh-dao"}
    it = services.answer(officer, t.survey, t.person(KIET), t.ratings(6))
    assert {n.group.code for n in it.needs.select_related("group")} == {"chuyen-sau"}
    middling = services.answer(officer, t.survey, t.people["HVHC-TD1"], t.ratings(2))  # an officer, steps 2
    assert {n.group.code for n in middling.needs.select_related("group")} == {"nang-cao"}


def test_answering_again_replaces_the_answer(training):
    t, officer = training, training.users["nhaplieu_hvhc"]
    services.answer(officer, t.survey, t.person(MANH), t.ratings(1))
    services.answer(officer, t.survey, t.person(MANH), t.ratings(3))
    assert Response.objects.filter(survey=t.survey, person=t.person(MANH)).count() == 1
    assert not Need.objects.filter(person=t.person(MANH)).exists()


def test_a_person_answers_for_themself(training):
    t = training
    user = User.objects.create_user("manh", password="x", full_name=MANH, person=t.person(MANH))
    r = services.answer(user, t.survey, t.person(MANH), t.ratings(2))
    assert r.source == Response.Source.SELF
    with pytest.raises(DomainError, match="ngoài phạm vi quản lý"):
        services.answer(user, t.survey, t.person("Đinh Văn Nam"), t.ratings(2))


@pytest.mark.parametrize("bad", [9, -1, "2,5", "abc", None, True])
def test_a_rating_outside_the_scale_is_refused(training, bad):
    t = training
    with pytest.raises(DomainError) as exc:
        services.answer(t.users["nhaplieu_hvhc"], t.survey, t.person(MANH), t.ratings(3, **{"2_3": bad}))
    assert any("2.3" in p and "thang 0–8" in p for p in exc.value.problem_list)
    assert not Response.objects.exists() and not Need.objects.exists()


def test_a_missing_or_unknown_competence_is_refused(training):
    t = training
    ratings = t.ratings(3)
    del ratings["6.3"]
    ratings["9.9"] = 3
    with pytest.raises(DomainError) as exc:
        services.answer(t.users["nhaplieu_hvhc"], t.survey, t.person(MANH), ratings)
    problems = " ".join(exc.value.problem_list)
    assert "6.3" in problems and "9.9" in problems
    assert not Response.objects.exists()


def test_an_officer_cannot_answer_for_people_outside_their_subtree(training):
    t = training
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="ngoài phạm vi quản lý của bạn") as exc:
        services.answer(t.users["lanhdao_86"], t.survey, t.person(MANH), t.ratings(3))
    assert exc.value.status == 403
    # and a person outside the survey's subtree cannot be put in it, even by the admin
    with pytest.raises(DomainError, match="không thuộc phạm vi đợt khảo sát"):
        services.answer(t.users["admin"], t.survey, t.person(OANH), t.ratings(3))
    assert not Response.objects.exists() and AuditEvent.objects.count() == before


def test_a_closed_or_expired_survey_takes_no_answer(training):
    t = training
    services.close_survey(t.users["qtv_hvhc"], t.survey)
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.answer(t.users["nhaplieu_hvhc"], t.survey, t.person(MANH), t.ratings(3))
    t.survey.is_closed = False
    t.survey.closes_on = timezone.localdate() - dt.timedelta(days=1)
    t.survey.save()
    with pytest.raises(DomainError, match="đã hết hạn"):
        services.answer(t.users["nhaplieu_hvhc"], t.survey, t.person(MANH), t.ratings(3))
    assert not Response.objects.exists()


def test_results_count_answers_and_groups_per_unit(training):
    t, officer = training, training.users["nhaplieu_hvhc"]
    services.answer(officer, t.survey, t.person(MANH), t.ratings(1))
    services.answer(officer, t.survey, t.person("Đinh Văn Nam"), t.ratings(1))
    services.answer(officer, t.survey, t.person(KHAI), t.ratings(4))
    res = services.results(t.survey, t.units["HVHC"])
    assert res.expected == Person.objects.in_subtree(t.units["HVHC"]).filter(is_active=True).count()
    assert res.answered == 3
    lines = {g.group.code: (g.people, g.done) for g in res.groups}
    assert lines == {"pho-cap": (2, 0), "lanh-dao": (1, 0)}
    td1 = next(row for row in res.by_unit if row[0].code == "HVHC-TD1")
    assert td1[2] == 2 and sum(td1[3].values()) == 2
    assert dict((c, m) for c, _n, m in res.domain_mean)["1"] == Decimal("2.0")
    needs = list(services.needs_list(t.survey, t.units["HVHC-TD1"]))
    assert [n.person.full_name for n in needs] == [MANH, "Đinh Văn Nam"]


def _class(t, code="LOP-01", unit="HVHC", sessions=4, capacity=None):
    return services.open_class(
        t.users["nhaplieu_hvhc"],
        t.units[unit],
        services.ClassData(
            code,
            t.basic,
            dt.date(2026, 10, 5),
            dt.date(2026, 10, 9),
            sessions=sessions,
            place="Hội trường A, Học viện Hậu cần",
            capacity=capacity,
        ),
    )


def test_a_person_enrolled_twice_in_one_class_is_refused(training):
    t = training
    klass = _class(t)
    officer = t.users["nhaplieu_hvhc"]
    with pytest.raises(DomainError) as exc:
        services.enrol(officer, klass, [t.person(MANH), t.person("Đinh Văn Nam"), t.person(MANH)])
    assert any(MANH in p and "đã có trong danh sách" in p for p in exc.value.problem_list)
    assert not Enrolment.objects.exists()
    services.enrol(officer, klass, [t.person(MANH)])
    with pytest.raises(DomainError, match="không ai được thêm"):
        services.enrol(officer, klass, [t.person("Đinh Văn Nam"), t.person(MANH)])
    assert list(Enrolment.objects.values_list("person__full_name", flat=True)) == [MANH]


def test_enrolment_stays_inside_the_class_unit_and_capacity(training):
    t = training
    klass = _class(t, capacity=1)
    with pytest.raises(DomainError) as exc:
        services.enrol(t.users["admin"], klass, [t.person(OANH)])
    assert "ngoài phạm vi" in " ".join(exc.value.problem_list)
    with pytest.raises(DomainError) as exc:
        services.enrol(t.users["nhaplieu_hvhc"], klass, [t.person(MANH), t.person(KHAI)])
    assert "chỉ nhận 1 học viên" in " ".join(exc.value.problem_list)
    with pytest.raises(DomainError) as exc:
        services.enrol(t.users["lanhdao_86"], klass, [t.person(MANH)])
    assert exc.value.status == 403
    assert not Enrolment.objects.exists()


def test_closing_a_class_certifies_who_passed_and_moves_coverage(training):
    t = training
    klass = _class(t)
    officer = t.users["nhaplieu_hvhc"]
    passer, low_score, absent = t.person(MANH), t.person("Đinh Văn Nam"), t.person(KHAI)
    rows = services.enrol(officer, klass, [passer, low_score, absent])
    by_person = {e.person_id: e.pk for e in rows}
    before = coverage.coverage(t.units["HVHC"]).total
    with pytest.raises(DomainError) as exc:
        services.record_results(officer, klass, {by_person[passer.pk]: (4, Decimal("11"))})
    assert "ngoài thang 0–10" in exc.value.problem_list[0]
    with pytest.raises(DomainError) as exc:
        services.record_results(officer, klass, {by_person[passer.pk]: (5, Decimal("8"))})
    assert "số buổi tham dự phải từ 0 đến 4" in exc.value.problem_list[0]
    assert not Enrolment.objects.exclude(score=None).exists()
    services.record_results(
        officer,
        klass,
        {
            by_person[passer.pk]: (4, Decimal("8.5")),
            by_person[low_score.pk]: (4, Decimal("4")),
            by_person[absent.pk]: (2, Decimal("9")),  # 2 of 4 sessions: under 80 %
        },
    )
    made = services.close_class(officer, klass)
    assert [c.person_id for c in made] == [passer.pk]
    assert dict(Enrolment.objects.values_list("person_id", "passed")) == {
        passer.pk: True,
        low_score.pk: False,
        absent.pk: False,
    }
    assert BasicSkills.objects.get(person=passer).completed_on == klass.end
    after = coverage.coverage(t.units["HVHC"])
    assert after.total.trained == before.trained + 1
    assert after.subtree[t.units["HVHC-TD1"].pk].trained == 1
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.enrol(officer, klass, [t.person(KIET)])
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.close_class(officer, klass)


def test_certificates_verify_and_revoke(training):
    t = training
    klass = _class(t)
    officer = t.users["nhaplieu_hvhc"]
    (e,) = services.enrol(officer, klass, [t.person(MANH)])
    services.record_results(officer, klass, {e.pk: (4, Decimal("7"))})
    (c,) = services.close_class(officer, klass)
    assert services.verify(c.code.lower().replace("-", " ")).status == "valid"
    assert services.verify("ABCD-EFGH-JKLM").status == "unknown"
    assert services.verify("hello").status == "unknown"
    with pytest.raises(DomainError, match="lý do"):
        services.revoke(officer, c, "  ")
    with pytest.raises(DomainError):
        services.revoke(t.users["lanhdao_86"], c, "Sai")
    services.revoke(officer, c, "Ghi nhầm người học")
    assert services.verify(c.code).status == "revoked"
    assert not BasicSkills.objects.filter(person=t.person(MANH)).exists()
    with pytest.raises(DomainError, match="đã bị thu hồi"):
        services.revoke(officer, Completion.objects.get(pk=c.pk), "Lần nữa")


# --- importing completions ----------------------------------------------------


def _sheet(rows, header=("Mã định danh", "Họ và tên", "Mã khóa học", "Ngày hoàn thành", "Điểm", "Số chứng nhận")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("ket-qua.xlsx", buf.getvalue())


def test_completions_import_matches_identifiers_and_skips_what_is_known(training):
    t = training
    manh, nam = t.person(MANH), t.person("Đinh Văn Nam")
    rows = [
        (manh.identifier, MANH, "BHVS-CB", "12/09/2026", 9, "BDHVS-2026-000001"),
        (int(nam.identifier), "", "bhvs-cb", dt.date(2026, 9, 14), "7,5", ""),
        (t.person(KHAI).identifier, KHAI, "LD-CDS", "20/09/2026", None, ""),
    ]
    done = excel.import_completions(t.users["nhaplieu_hvhc"], _sheet(rows))
    assert (done.created, done.skipped, done.people) == (3, 0, 3)
    assert BasicSkills.objects.count() == 2  # LD-CDS is not a basic course
    c = Completion.objects.get(person=nam)
    assert c.score == Decimal("7.5") and c.source == Completion.Source.IMPORT and c.issued_by.code == "HVHC"
    again = excel.import_completions(t.users["nhaplieu_hvhc"], _sheet(rows))
    assert (again.created, again.skipped) == (0, 3)
    assert Completion.objects.count() == 3


def test_a_completion_for_an_unknown_identifier_refuses_the_file(training):
    t = training
    rows = [
        (t.person(MANH).identifier, MANH, "BHVS-CB", "12/09/2026", 9, ""),
        ("210000009999", "Người Lạ", "BHVS-CB", "12/09/2026", 9, ""),
    ]
    with pytest.raises(DomainError, match="Chưa có dòng nào được ghi") as exc:
        excel.import_completions(t.users["nhaplieu_hvhc"], _sheet(rows))
    assert any("Dòng 3" in p and "210000009999" in p for p in exc.value.problem_list)
    assert exc.value.unmatched == ["Dòng 3: mã định danh 210000009999"]
    assert not Completion.objects.exists() and not BasicSkills.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("OANH", OANH, "BHVS-CB", "12/09/2026", 9, ""), "trong phạm vi quản lý của bạn"),
        (("MANH", "Nguyễn Văn Khác", "BHVS-CB", "12/09/2026", 9, ""), "không phải “Nguyễn Văn Khác”"),
        (("MANH", MANH, "KHONG-CO", "12/09/2026", 9, ""), "không có khóa học mã “KHONG-CO”"),
        (("MANH", MANH, "BHVS-CB", "31/02/2026", 9, ""), "không hợp lệ"),
        (("MANH", MANH, "BHVS-CB", "12/09/2099", 9, ""), "ở tương lai"),
        (("MANH", MANH, "BHVS-CB", "12/09/2026", 11, ""), "ngoài thang 0–10"),
        (("MANH", MANH, "BHVS-CB", "12/09/2026", 3, ""), "dưới điểm đạt"),
    ],
)
def test_each_bad_row_is_named(training, row, message):
    t = training
    names = {"OANH": t.person(OANH), "MANH": t.person(MANH)}
    row = (names[row[0]].identifier, *row[1:])
    with pytest.raises(DomainError) as exc:
        excel.import_completions(t.users["nhaplieu_hvhc"], _sheet([row]))
    assert any(p.startswith("Dòng 2:") and message in p for p in exc.value.problem_list), exc.value.problem_list
    assert not Completion.objects.exists()


def test_the_same_completion_twice_in_one_file_is_refused(training):
    t = training
    ident = t.person(MANH).identifier
    rows = [(ident, MANH, "BHVS-CB", "12/09/2026", 9, ""), (ident, MANH, "BHVS-CB", "13/09/2026", 8, "")]
    with pytest.raises(DomainError) as exc:
        excel.import_completions(t.users["nhaplieu_hvhc"], _sheet(rows))
    assert any("Dòng 3" in p and "trùng với dòng 2" in p for p in exc.value.problem_list)
    assert not Completion.objects.exists()


def test_a_malformed_file_is_refused(training):
    t = training
    with pytest.raises(DomainError, match="không đúng định dạng|không phải|hỏng"):
        excel.import_completions(t.users["nhaplieu_hvhc"], SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not a workbook"))
    with pytest.raises(DomainError, match="thiếu cột"):
        excel.import_completions(t.users["nhaplieu_hvhc"], _sheet([("1", "2")], header=("Mã", "Tên")))
    with pytest.raises(DomainError) as exc:
        excel.import_completions(t.users["outsider"], _sheet([]))
    assert exc.value.status == 403
    assert not Completion.objects.exists()


def test_answers_import_all_or_nothing(training):
    t = training
    codes = t.codes

    def sheet(rows):
        return _sheet(rows, header=("Mã định danh", "Họ và tên", *codes))

    good = [(t.person(MANH).identifier, MANH, *([1] * 24)), (t.person(KHAI).identifier, KHAI, *([4] * 24))]
    assert excel.import_answers(t.users["nhaplieu_hvhc"], t.survey, sheet(good)) == 2
    assert Response.objects.filter(source=Response.Source.IMPORT).count() == 2
    bad = [(t.person(KIET).identifier, KIET, *([6] * 23), 12), (t.person(OANH).identifier, OANH, *([3] * 24))]
    with pytest.raises(DomainError) as exc:
        excel.import_answers(t.users["nhaplieu_hvhc"], t.survey, sheet(bad))
    text = " ".join(exc.value.problem_list)
    assert "Dòng 2" in text and "6.3" in text and "Dòng 3" in text and "ngoài phạm vi" in text
    assert Response.objects.count() == 2


def test_coverage_counts_by_subtree_category_and_day(training):
    t = training
    officer = t.users["nhaplieu_hvhc"]
    rows = [
        (t.person(MANH).identifier, MANH, "BHVS-CB", "12/09/2026", 9, ""),
        (t.person(OANH).identifier, OANH, "BHVS-CB", "01/10/2026", 9, ""),
    ]
    excel.import_completions(officer, _sheet(rows[:1]))
    excel.import_completions(t.users["admin"], _sheet(rows[1:]))
    whole = coverage.coverage(t.units["BQP"], on=dt.date(2026, 12, 31))
    assert whole.total.people == Person.objects.filter(is_active=True).count()
    assert whole.total.trained == 2
    assert whole.subtree[t.units["HVHC"].pk].trained == 1 and whole.subtree[t.units["BTL86"].pk].trained == 1
    assert dict((label, c.trained) for label, c in whole.categories())["Hạ sĩ quan - binh sĩ"] == 1
    early = coverage.coverage(t.units["BQP"], on=dt.date(2026, 9, 30))
    assert early.total.trained == 1
    hvhc = coverage.coverage(t.units["HVHC"])
    assert hvhc.total.pct == coverage.percent(1, hvhc.total.people)


def test_a_leader_of_a_unit_runs_training_only_in_it(training):
    t = training
    leader = User.objects.create_user("cdt", password="x")
    RoleAssignment.objects.create(user=leader, unit=t.units["HVHC-TD1"], role=Role.LEADER)
    with pytest.raises(DomainError) as exc:
        _class_for(t, leader, "HVHC")
    assert exc.value.status == 403
    klass = _class_for(t, leader, "HVHC-TD1")
    assert TrainingClass.objects.get(pk=klass.pk).unit.code == "HVHC-TD1"


def _class_for(t, user, unit):
    return services.open_class(
        user,
        t.units[unit],
        services.ClassData(f"LOP-{unit}", t.basic, dt.date(2026, 11, 2), dt.date(2026, 11, 3), 2, "Phòng học 2"),
    )
