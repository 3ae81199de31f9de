import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core import mail

from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.models import Notification
from dxhub.reporting import catalogue, rollups, submissions
from dxhub.reporting.models import Rollup, Submission, Value

S = Submission.Status


def figure(org, unit_code, indicator, period="2025-Q3"):
    row = Rollup.objects.filter(unit=org.units[unit_code], indicator=indicator, period=period).first()
    return None if row is None else row.value


def test_a_whole_quarter_draft_sent_approved_and_rolled_up(cat, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sub = cat.filled("HVHC-CNTT")
    assert sub.status == S.SUBMITTED
    # the reviewer above the unit is told, in the app and by e-mail
    assert Notification.objects.filter(user=cat.users["pheduyet_bqp"], title__startswith="Phiếu chờ duyệt").exists()
    assert [m.to for m in mail.outbox] == [["pheduyet_bqp@mil.vn"]]
    values = dict(Value.objects.filter(submission=sub).values_list("indicator__code", "num"))
    assert values["DOC_SIGNED_PCT"] == Decimal("75.0000")  # computed: 300 / 400 * 100
    assert values["HAS_PLAN"] == 1 and values["UPTIME"] == Decimal("99.5")
    assert figure(org, "BQP", cat.docs) is None  # nothing counts before approval

    with django_capture_on_commit_callbacks(execute=True):
        (sub,) = submissions.approve(cat.users["pheduyet_bqp"], [sub])
    assert sub.status == S.APPROVED
    for code in ("HVHC-CNTT", "HVHC", "BQP"):
        assert figure(org, code, cat.docs) == 400
        assert figure(org, code, cat.share) == 75
        assert figure(org, code, cat.plan) == 100
    assert figure(org, "BTL86", cat.docs) is None
    assert Notification.objects.filter(user=cat.users["nhaplieu_hvhc"], title__startswith="Đã duyệt").exists()
    assert mail.outbox[-1].to == ["nhaplieu_hvhc@mil.vn"]
    actions = list(
        AuditEvent.objects.filter(object_type="reporting.submission").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["create", "update", "submit", "approve"]


def test_rollups_add_up_siblings_with_each_aggregation(cat, org):
    a = cat.filled("HVHC-CNTT")
    b = cat.filled(
        "HVHC-TD1",
        values=cat.GOOD | {"DOC_TOTAL": "100", "DOC_SIGNED": "10", "UPTIME": "90", "HAS_PLAN": "Không"},
    )
    submissions.approve(cat.users["pheduyet_bqp"], [a, b])
    assert figure(org, "HVHC", cat.docs) == 500
    assert figure(org, "HVHC", cat.share) == Decimal("62")  # (300 + 10) / (400 + 100), not the mean of 75 and 10
    assert figure(org, "HVHC", cat.uptime) == 90
    assert figure(org, "HVHC", cat.plan) == 50
    assert figure(org, "HVHC-TD1", cat.docs) == 100


def test_reopening_takes_the_values_out_and_recomputes_the_minimum(cat, org):
    a = cat.filled("HVHC-CNTT")
    b = cat.filled("HVHC-TD1", values=cat.GOOD | {"UPTIME": "90"})
    submissions.approve(cat.users["pheduyet_bqp"], [a, b])
    with pytest.raises(DomainError, match="lý do"):
        submissions.reopen(cat.users["pheduyet_bqp"], b, "  ")
    b = submissions.reopen(cat.users["pheduyet_bqp"], b, "Số liệu mạng chưa đúng")
    assert b.status == S.RETURNED and b.is_editable
    assert figure(org, "HVHC", cat.uptime) == Decimal("99.5")
    assert figure(org, "HVHC", cat.docs) == 400
    assert not Rollup.objects.filter(unit=org.units["HVHC-TD1"], n__gt=0).exists()
    assert set(Rollup.objects.filter(unit=org.units["HVHC-TD1"]).values_list("value", flat=True)) == {None}
    assert Notification.objects.filter(user=cat.users["nhaplieu_hvhc"], body__contains="Số liệu mạng").exists()


def test_return_needs_a_reason_and_gives_the_draft_back(cat):
    sub = cat.filled("HVHC-CNTT")
    with pytest.raises(DomainError, match="lý do"):
        submissions.return_submission(cat.users["pheduyet_bqp"], sub, "")
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED
    sub = submissions.return_submission(cat.users["pheduyet_bqp"], sub, "Thiếu số liệu văn bản mật")
    assert sub.status == S.RETURNED and sub.return_reason == "Thiếu số liệu văn bản mật"
    sub = submissions.save_values(cat.users["nhaplieu_hvhc"], sub, {"DOC_TOTAL": "410"}, sub.revision)
    sub = submissions.submit(cat.users["nhaplieu_hvhc"], sub)
    assert sub.status == S.SUBMITTED


def test_approved_data_is_locked(cat):
    sub = cat.filled("HVHC-CNTT")
    submissions.approve(cat.users["pheduyet_bqp"], [sub])
    with pytest.raises(DomainError, match="Đã duyệt") as err:
        submissions.save_values(cat.users["nhaplieu_hvhc"], sub, {"DOC_TOTAL": "1"}, None)
    assert err.value.status == 409
    assert Value.objects.get(submission=sub, indicator=cat.docs).num == 400


def test_the_second_of_two_concurrent_saves_is_refused(cat, org):
    user = cat.users["nhaplieu_hvhc"]
    sub = submissions.open_submission(user, org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    opened_at = sub.revision
    submissions.save_values(user, sub, {"PERSONNEL": "120"}, opened_at)  # first person saves
    with pytest.raises(DomainError, match="tải lại") as err:  # second person, from the same copy
        submissions.save_values(cat.users["qtv_hvhc"], sub, {"PERSONNEL": "999"}, opened_at)
    assert err.value.status == 409
    assert Value.objects.get(submission=sub, indicator=cat.personnel).num == 120


@pytest.mark.parametrize(
    "code, raw, message",
    [
        ("PERSONNEL", "một trăm", "không phải là số"),
        ("UPTIME", "130", "vượt quá 100%"),
        ("DOC_TOTAL", "-5", "không được âm"),
        ("PERSONNEL", dt.date(2025, 7, 1), "ngày tháng"),
        ("PERSONNEL", "12,5", "số nguyên"),
        ("HAS_PLAN", "có lẽ", "Có"),
        ("DOC_SIGNED_PCT", "80", "tính toán"),
        ("NOT_IN_FORM", "1", "không có trong biểu mẫu"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(cat, org, code, raw, message):
    user = cat.users["nhaplieu_hvhc"]
    sub = submissions.open_submission(user, org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    with pytest.raises(DomainError) as err:
        submissions.save_values(user, sub, {"DOC_TOTAL": "10", code: raw}, sub.revision)
    assert message in err.value.problems[code]
    assert not Value.objects.filter(submission=sub).exists()
    assert Submission.objects.get(pk=sub.pk).revision == sub.revision


def test_cross_rules_block_sending(cat):
    sub = cat.filled("HVHC-CNTT", values=cat.GOOD | {"EMAIL_USERS": "500"}, send=False)
    with pytest.raises(DomainError, match="Chưa gửi được") as err:
        submissions.submit(cat.users["nhaplieu_hvhc"], sub)
    assert "Quân số" in err.value.problems["EMAIL_USERS"]
    assert Submission.objects.get(pk=sub.pk).status == S.DRAFT


def test_blank_required_values_block_sending(cat):
    sub = cat.filled("HVHC-CNTT", values={"PERSONNEL": "10"}, send=False)
    with pytest.raises(DomainError) as err:
        submissions.submit(cat.users["nhaplieu_hvhc"], sub)
    assert "Chưa nhập" in err.value.problems["DOC_TOTAL"]


def test_a_jump_against_last_period_needs_a_comment(cat):
    first = cat.filled("HVHC-CNTT", period="2025-Q2")
    submissions.approve(cat.users["pheduyet_bqp"], [first])
    user = cat.users["nhaplieu_hvhc"]
    sub = cat.filled("HVHC-CNTT", values=cat.GOOD | {"DOC_TOTAL": "1000", "DOC_SIGNED": "900"}, send=False)
    with pytest.raises(DomainError) as err:
        submissions.submit(user, sub)
    assert "tăng 150%" in err.value.problems["DOC_TOTAL"]
    assert "DOC_SIGNED" in err.value.problems  # 300 -> 900 is +200 %
    sub = submissions.save_values(
        user,
        sub,
        {},
        sub.revision,
        comments={"DOC_TOTAL": "Triển khai hệ thống mới", "DOC_SIGNED": "Triển khai hệ thống mới"},
    )
    assert submissions.submit(user, sub).status == S.SUBMITTED


def test_reviewers_act_only_on_their_subtree_and_never_on_their_own(cat, org):
    sub = cat.filled("HVHC-CNTT")
    with pytest.raises(NotInScope):  # the BTL86 reviewer does not cover the academy
        submissions.approve(cat.users["pheduyet_86"], [sub])
    with pytest.raises(NotInScope):  # a data-entry officer is no reviewer
        submissions.approve(cat.users["nhaplieu_hvhc"], [sub])
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED
    # a reviewer of BTL86 may not approve BTL86's own report: that goes to the ministry
    own = cat.filled("BTL86", user="admin")
    with pytest.raises(NotInScope):
        submissions.approve(cat.users["pheduyet_86"], [own])
    with pytest.raises(DomainError, match="chính mình"):
        submissions.approve(cat.users["admin"], [own])


def test_bulk_approval_is_all_or_nothing(cat, org):
    good = cat.filled("HVHC-CNTT")
    draft = cat.filled("HVHC-TD1", send=False)
    with pytest.raises(DomainError, match="chỉ duyệt được phiếu đã gửi"):
        submissions.approve(cat.users["pheduyet_bqp"], [good, draft])
    assert Submission.objects.get(pk=good.pk).status == S.SUBMITTED
    assert not Rollup.objects.exists()


def test_data_entry_is_scoped(cat, org):
    with pytest.raises(NotInScope):
        submissions.open_submission(cat.users["nhaplieu_hvhc"], org.units["BTL86-TT"], cat.form, "2025-Q3")
    sub = cat.filled("BTL86-TT", user="nhaplieu_86tt", send=False)
    with pytest.raises(NotInScope):
        submissions.save_values(cat.users["nhaplieu_hvhc"], sub, {"PERSONNEL": "1"}, sub.revision)


@pytest.mark.parametrize(
    "period, message",
    [
        ("2025-Q5", "không tồn tại"),
        ("2025-M03", "không phù hợp"),
        ("2099-Q1", "chưa bắt đầu"),
        ("Q3/25", "không hợp lệ"),
    ],
)
def test_periods_that_do_not_exist_or_do_not_fit_are_refused(cat, org, period, message):
    with pytest.raises(DomainError, match=message):
        submissions.open_submission(cat.users["nhaplieu_hvhc"], org.units["HVHC-CNTT"], cat.form, period)
    assert not Submission.objects.exists()


def test_one_submission_per_unit_form_and_period(cat, org):
    user = cat.users["nhaplieu_hvhc"]
    first = submissions.open_submission(user, org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    again = submissions.open_submission(user, org.units["HVHC-CNTT"], cat.form, "2025-q3")
    assert first.pk == again.pk
    sub = submissions.submit(user, submissions.save_values(user, first, cat.GOOD, first.revision))
    with pytest.raises(DomainError, match="đã được gửi"):
        submissions.submit(user, sub)


def test_approved_values_keep_the_formula_they_were_approved_with(cat, org):
    sub = cat.filled("HVHC-CNTT", period="2025-Q2")
    submissions.approve(cat.users["pheduyet_bqp"], [sub])
    catalogue.add_formula(cat.users["admin"], cat.share, "DOC_SIGNED / PERSONNEL * 100", "2025-Q3")
    assert Value.objects.get(submission=sub, indicator=cat.share).num == 75
    later = cat.filled("HVHC-CNTT", values=cat.GOOD | {"DOC_SIGNED": "60"}, send=False)
    assert Value.objects.get(submission=later, indicator=cat.share).num == 50  # 60 / 120


def test_incremental_rollups_equal_a_full_rebuild(cat, org):
    rng = random.Random(7)
    cat.form.jump_threshold = 100  # random figures jump; this test is about sums
    cat.form.save()
    reviewer = cat.users["pheduyet_bqp"]
    units = ["BQP", "HVHC", "HVHC-CNTT", "HVHC-TD1", "BTL86", "BTL86-TT"]
    approved = []
    for period in ("2025-Q1", "2025-Q2"):
        for code in units:
            total = rng.randint(1, 500)
            values = {
                "PERSONNEL": str(rng.randint(50, 900)),
                "EMAIL_USERS": "10",
                "DOC_TOTAL": str(total),
                "DOC_SIGNED": str(rng.randint(0, total)),
                "UPTIME": str(rng.randint(800, 1000) / 10).replace(".", ","),
                "HAS_PLAN": rng.choice(["Có", "Không"]),
                "ISSUES": "",
            }
            user = "admin" if code in ("BQP", "BTL86") else "nhaplieu_hvhc"
            if code == "BTL86-TT":
                user = "nhaplieu_86tt"
            sub = cat.filled(code, period=period, values=values, user=user)
            if code != "BQP":
                approved.extend(submissions.approve(reviewer, [sub]))
    for sub in rng.sample(approved, 4):
        submissions.reopen(reviewer, sub, "Kiểm tra lại")
    live = {
        (r.unit_id, r.indicator_id, r.period): (r.n, r.total, r.weight_total, r.yes, r.low, r.high, r.value)
        for r in Rollup.objects.filter(n__gt=0)  # emptied rows stay, with n = 0
    }
    rollups.rebuild()
    rebuilt = {
        (r.unit_id, r.indicator_id, r.period): (r.n, r.total, r.weight_total, r.yes, r.low, r.high, r.value)
        for r in Rollup.objects.filter(n__gt=0)
    }
    assert live and live == rebuilt
