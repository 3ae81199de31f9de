"""A round from opening to correction, and every refusal on the way."""

import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dxhub.assessment import results, services
from dxhub.assessment.models import Evidence, Participant, Publication, Result, Round, Score
from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fill_self(a, round_, code, values):
    p = a.participant(round_, code)
    for leaf, value in values.items():
        services.save_self(a.admin, p, a.criterion(leaf), value, "")
    return p


def _result(p, version=0) -> Result:
    return Result.objects.get(participant=p, version=version)


def test_opening_decides_applicability_and_takes_reported_figures(assess):
    assess.approved("HVHC", "2025-Q3", signed=200)
    assess.approved("HVHC", "2025-Q4", signed=300)  # the latest period of the year wins
    round_ = assess.open()
    p = assess.participant(round_, "HVHC")
    scores = {s.criterion.code: s for s in Score.objects.filter(participant=p).select_related("criterion")}
    assert set(scores) == {"A.1", "A.2", "A.3", "B.1", "B.2", "B.3"}
    assert not scores["B.3"].applicable and scores["A.1"].applicable
    assert scores["B.1"].reported_value == Decimal("75.0000") and scores["B.1"].reported_period == "2025-Q4"
    result = _result(p)
    assert result.max_points == Decimal("90.00")  # the hospital-only criterion leaves the maximum
    assert result.points == Decimal("22.50")  # 75 % of the 30-point target criterion
    assert result.index == Decimal("0.2500")
    btl = _result(assess.participant(round_, "BTL86"))
    assert btl.points == 0 and btl.index == Decimal("0.0000")  # no approved figure: nothing earned


def test_a_unit_outside_the_organiser_is_refused_and_nothing_is_written(assess):
    with pytest.raises(DomainError, match="không thuộc"):
        assess.open(owner="HVHC", units=("HVHC-CNTT", "BTL86"))
    assert not Round.objects.exists() and not Participant.objects.exists()


def test_self_values_are_checked_against_the_method(assess):
    round_ = assess.open()
    p = assess.participant(round_, "HVHC")
    user = assess.users["nhaplieu_hvhc"]
    for leaf, raw, message in [
        ("A.3", "12", "vượt"),  # over the maximum of 10
        ("A.3", "-1", "âm"),
        ("A.2", "7", "(?i)mức"),  # levels 0..4
        ("A.1", "2", "A.1"),  # yes/no is 1 or 0
        ("A.3", "mười", "không phải là số"),
    ]:
        with pytest.raises(DomainError, match=message):
            services.save_self(user, p, assess.criterion(leaf), raw)
    with pytest.raises(DomainError, match="số liệu báo cáo"):
        services.save_self(user, p, assess.criterion("B.1"), "90")
    with pytest.raises(DomainError, match="không áp dụng"):
        services.save_self(user, p, assess.criterion("B.3"), "5")
    assert not Score.objects.filter(participant=p, self_value__isnull=False).exists()
    services.save_self(user, p, assess.criterion("A.1"), "Có", "Quyết định số 12/QĐ-HV")
    services.save_self(user, p, assess.criterion("A.3"), "7,5")
    assert _result(p).points == Decimal("17.50")
    assert AuditEvent.objects.filter(action="update", object_type="assessment.score").count() == 2


def test_only_the_unit_and_those_above_it_may_score_it(assess):
    round_ = assess.open()
    p = assess.participant(round_, "HVHC")
    for who in ("outsider", "lanhdao_86", "nhaplieu_86tt", "thamdinh_bqp"):
        with pytest.raises(DomainError) as exc:
            services.save_self(assess.users[who], p, assess.criterion("A.3"), "5")
        assert exc.value.status == 403


def test_sending_needs_every_value_and_the_required_evidence(assess):
    round_ = assess.open()
    user = assess.users["nhaplieu_hvhc"]
    p = _fill_self(assess, round_, "HVHC", {"A.1": "1", "A.2": "3"})
    with pytest.raises(DomainError) as exc:
        services.submit_self(user, p)
    assert any("A.3" in m for m in exc.value.problems) and any("B.2" in m for m in exc.value.problems)
    assert any("A.1" in m and "minh chứng" in m for m in exc.value.problems)
    services.save_self(user, p, assess.criterion("A.3"), "8")
    services.save_self(user, p, assess.criterion("B.2"), "12")
    services.add_evidence(user, p, assess.criterion("A.1"), "Quyết định thành lập", link="https://cds.mil.vn/qd-12")
    services.submit_self(user, p)
    with pytest.raises(DomainError, match="đã gửi") as exc:
        services.submit_self(user, p)
    assert exc.value.status == 409
    with pytest.raises(DomainError, match="đã gửi"):
        services.save_self(user, p, assess.criterion("A.3"), "9")
    assert Score.objects.get(participant=p, criterion__code="A.3").self_value == Decimal("8.0000")


def test_evidence_files_are_checked_and_fingerprinted(assess):
    round_ = assess.open()
    user = assess.users["nhaplieu_hvhc"]
    p = assess.participant(round_, "HVHC")
    c = assess.criterion("A.1")
    with pytest.raises(DomainError, match="Loại tệp"):
        services.add_evidence(user, p, c, "x", SimpleUploadedFile("a.exe", b"MZ..."))
    with pytest.raises(DomainError, match="không đúng loại"):
        services.add_evidence(user, p, c, "x", SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>"))
    with pytest.raises(DomainError, match="http"):
        services.add_evidence(user, p, c, "x", link="javascript:alert(1)")
    assert not Evidence.objects.exists()
    e = services.add_evidence(user, p, c, "", SimpleUploadedFile("Quyết định số 12.pdf", PDF))
    assert e.sha256 == hashlib.sha256(PDF).hexdigest() and e.title == "Quyết định số 12"
    assert e.file.read() == PDF and e.file.name.endswith(".pdf")


def _through_self(a, round_):
    p = _fill_self(a, round_, "HVHC", {"A.1": "1", "A.2": "3", "A.3": "8", "B.2": "12"})
    services.add_evidence(a.admin, p, a.criterion("A.1"), "Quyết định thành lập", link="https://cds.mil.vn/qd-12")
    _fill_self(a, round_, "BTL86", {"A.1": "0", "A.2": "4", "A.3": "10", "B.2": "6"})
    services.start_review(a.admin, round_)
    round_.refresh_from_db()
    return round_


def test_review_rights_follow_the_tree(assess):
    round_ = _through_self(assess, assess.open())
    p = assess.participant(round_, "HVHC")
    c = assess.criterion("A.3")
    for who in ("thamdinh_86", "thamdinh_hvhc", "nhaplieu_hvhc"):  # another branch, the unit itself, not a council
        with pytest.raises(DomainError) as exc:
            services.review_score(assess.users[who], p, c, "5", "trừ điểm")
        assert exc.value.status == 403
    with pytest.raises(DomainError, match="ý kiến"):
        services.review_score(assess.users["thamdinh_bqp"], p, c, "5")
    services.review_score(assess.users["thamdinh_bqp"], p, c, "5", "Thiếu kế hoạch tuyên truyền")
    result = _result(p)
    # A.1 10 + A.2 15 + A.3 5 (reviewed) + B.2 20 (the group's best: 12) = 50 of 90; self index counts A.3 as 8
    assert result.points == Decimal("50.00")
    assert result.index == Decimal("0.5556") and result.self_index == Decimal("0.5889")
    with pytest.raises(DomainError, match="không còn ở giai đoạn tự đánh giá") as exc:
        services.save_self(assess.admin, p, c, "10")
    assert exc.value.status == 409


def test_peer_best_follows_the_group(assess):
    round_ = _through_self(assess, assess.open())
    btl = assess.participant(round_, "BTL86")
    assert Decimal(_result(btl).leaf_points[4]) == Decimal(10)  # 6 of the best 12 → half of 20
    services.review_score(
        assess.users["thamdinh_bqp"], assess.participant(round_, "HVHC"), assess.criterion("B.2"), "6", "Chỉ 6 phần mềm"
    )
    assert Decimal(_result(btl).leaf_points[4]) == Decimal(20)  # now BTL86 is the best too


def test_publication_freezes_and_a_correction_adds_a_version(assess):
    assess.approved("HVHC", "2025-Q4", signed=400)
    round_ = _through_self(assess, assess.open())
    with pytest.raises(DomainError, match="chưa thẩm định xong") as exc:
        services.publish(assess.admin, round_)
    assert len(exc.value.problems) == 2
    services.finish_review(assess.users["thamdinh_bqp"], list(round_.participants.select_related("unit", "round")))
    services.publish(assess.admin, round_)
    round_.refresh_from_db()
    assert round_.phase == "published" and round_.published_version == 1
    v1 = {
        r.participant.unit.code: r
        for r in Result.objects.filter(round=round_, version=1).select_related("participant__unit")
    }
    # HVHC: 10 + 15 + 8 + 30 (100 % signed) + 20 = 83 of 90; BTL86: 0 + 20 + 10 + 0 + 10 = 40 of 90
    assert v1["HVHC"].index == Decimal("0.9222") and v1["HVHC"].band == "tot" and v1["HVHC"].rank == 1
    assert v1["BTL86"].index == Decimal("0.4444") and v1["BTL86"].band == "yeu" and v1["BTL86"].rank == 2
    assert v1["HVHC"].framework_hash == assess.framework.hash
    assert v1["HVHC"].rank_lo == v1["HVHC"].rank_hi == 1  # far ahead whatever the weights
    p = assess.participant(round_, "BTL86")
    for call in (
        lambda: services.save_self(assess.admin, p, assess.criterion("A.3"), "1"),
        lambda: services.review_score(assess.users["thamdinh_bqp"], p, assess.criterion("A.3"), "1", "x"),
    ):
        with pytest.raises(DomainError, match="đã công bố") as exc:
            call()
        assert exc.value.status == 409
    with pytest.raises(DomainError, match="lý do"):
        services.correct(assess.admin, p, assess.criterion("A.1"), "1", "")
    with pytest.raises(DomainError):
        services.correct(assess.users["thamdinh_bqp"], p, assess.criterion("A.1"), "1", "Bổ sung quyết định")
    services.correct(assess.admin, p, assess.criterion("A.1"), "1", "Bổ sung quyết định thành lập Ban Chỉ đạo")
    round_.refresh_from_db()
    assert round_.published_version == 2
    assert Result.objects.get(participant=p, version=1).index == Decimal("0.4444")  # the old version stays
    assert Result.objects.get(participant=p, version=2).index == Decimal("0.5556")
    assert list(Publication.objects.filter(round=round_).values_list("version", flat=True)) == [1, 2]
    assert AuditEvent.objects.filter(action__in=["publish", "correct"]).count() == 3


def test_last_years_index_and_the_trend(assess):
    assess.approved("HVHC", "2024-Q4", signed=200)
    first = _through_self(assess, assess.open(year=2024))
    services.finish_review(assess.users["thamdinh_bqp"], list(first.participants.select_related("unit", "round")))
    services.publish(assess.admin, first)
    second = _through_self(assess, assess.open(year=2025))
    services.finish_review(assess.users["thamdinh_bqp"], list(second.participants.select_related("unit", "round")))
    services.publish(assess.admin, second)
    p = assess.participant(second, "HVHC")
    last_year = Result.objects.get(participant__round=first, participant__unit__code="HVHC", version=1).index
    assert _result(p, 1).previous_index == last_year
    assert [year for year, _i in results.trend(p)] == [2024, 2025]


def test_headcount_covers_the_whole_subtree(assess):
    round_ = assess.open(units=("HVHC", "BTL86", "HVHC-TD1"))
    counts = dict(round_.participants.values_list("unit__code", "headcount"))
    # one person per unit in the fixture: HVHC has 4 units in its subtree, BTL86 2, HVHC-TD1 2
    assert counts == {"HVHC": 4, "BTL86": 2, "HVHC-TD1": 2}


def test_a_review_cannot_close_over_missing_values_or_evidence(assess):
    round_ = assess.open()
    hvhc = _fill_self(assess, round_, "HVHC", {"A.1": "1", "A.2": "3", "A.3": "8"})  # B.2 empty, no evidence
    _fill_self(assess, round_, "BTL86", {"A.1": "0", "A.2": "4", "A.3": "10", "B.2": "6"})
    services.start_review(assess.admin, round_)
    assessor = assess.users["thamdinh_bqp"]
    everyone = list(round_.participants.select_related("unit", "round"))
    with pytest.raises(DomainError, match="thiếu minh chứng") as exc:
        services.finish_review(assessor, everyone)
    assert exc.value.problems == [
        "HVHC: Tiêu chí A.1 bắt buộc có minh chứng.",
        "HVHC: Tiêu chí B.2 chưa có điểm tự đánh giá.",
    ]
    assert not Participant.objects.filter(reviewed_at__isnull=False).exists()  # BTL86 was not closed either
    services.review_score(assessor, hvhc, assess.criterion("A.1"), "0", "Không có quyết định thành lập")
    services.review_score(assessor, hvhc, assess.criterion("B.2"), "3", "Theo danh mục phần mềm của Cục CNTT")
    assert services.finish_review(assessor, everyone) == 2


def test_vietnamese_numbers_as_the_pages_write_them(assess):
    round_ = assess.open()
    p = assess.participant(round_, "HVHC")
    services.save_self(assess.admin, p, assess.criterion("B.2"), "1.234,5")  # as the pages write numbers
    assert Score.objects.get(participant=p, criterion__code="B.2").self_value == Decimal("1234.5")
    services.save_self(assess.admin, p, assess.criterion("A.3"), "7,5")
    assert Score.objects.get(participant=p, criterion__code="A.3").self_value == Decimal("7.5")
    with pytest.raises(DomainError, match="không rõ"):  # 1500 or 1,5? the same rule as in reports
        services.save_self(assess.admin, p, assess.criterion("B.2"), "1.500")


def test_republication_takes_re_approved_figures_and_refreshes_the_provisional_results(assess):
    sub = assess.approved("HVHC", "2025-Q4", signed=200)
    round_ = _through_self(assess, assess.open())
    services.finish_review(assess.users["thamdinh_bqp"], list(round_.participants.select_related("unit", "round")))
    services.publish(assess.admin, round_)
    hvhc = assess.participant(round_, "HVHC")
    # the report is reopened, corrected and approved again in the reporting module
    from dxhub.reporting import submissions

    submissions.reopen(assess.users["pheduyet_bqp"], sub, "Sai số văn bản ký số")
    assess.approved("HVHC", "2025-Q4", signed=400)
    services.publish(assess.admin, round_, "Số liệu quý IV được phê duyệt lại")
    b1 = Score.objects.get(participant=hvhc, criterion__code="B.1")
    assert b1.reported_value == 100
    assert AuditEvent.objects.filter(object_type="assessment.score", object_id=str(b1.pk), action="update").exists()
    assert _result(hvhc, 2).points - _result(hvhc, 1).points == Decimal("15.00")
    assert _result(hvhc, 0).index == _result(hvhc, 2).index  # provisional follows the published version


def test_whatif_matches_a_real_recompute_when_the_unit_leads_its_group(assess):
    round_ = _through_self(assess, assess.open())  # B.2: HVHC 12 (the best), BTL86 6
    hvhc = assess.participant(round_, "HVHC")
    guess = results.whatif(hvhc, {"B.2": 6.0})
    services.review_score(
        assess.users["thamdinh_bqp"], hvhc, assess.criterion("B.2"), "6", "Chỉ tính phần mềm dùng chung"
    )
    assert guess.index == pytest.approx(float(_result(hvhc).index))
    assert _result(hvhc).leaf_points[4] == 20  # 6 is now the group's best


def test_a_dissolved_unit_is_withdrawn_with_a_reason(assess):
    round_ = _through_self(assess, assess.open())
    btl = assess.participant(round_, "BTL86")
    with pytest.raises(DomainError, match="lý do"):
        services.withdraw(assess.admin, btl, " ")
    with pytest.raises(DomainError) as exc:
        services.withdraw(assess.users["thamdinh_bqp"], btl, "Sáp nhập")
    assert exc.value.status == 403
    services.withdraw(assess.admin, btl, "Sáp nhập theo Quyết định số 15/QĐ-BQP")
    assert list(round_.participants.values_list("unit__code", flat=True)) == ["HVHC"]
    event = AuditEvent.objects.filter(action="delete", object_type="assessment.participant").get()
    assert event.before["self_values"]["A.3"] == "10.0000" and "15/QĐ-BQP" in event.after["reason"]
    services.finish_review(assess.users["thamdinh_bqp"], [assess.participant(round_, "HVHC")])
    services.publish(assess.admin, round_)
    with pytest.raises(DomainError, match="đã công bố"):
        services.withdraw(assess.admin, assess.participant(round_, "HVHC"), "x")


def test_provisional_results_after_many_saves_equal_a_full_recompute(assess):
    round_ = _through_self(assess, assess.open(units=("HVHC", "BTL86", "HVHC-CNTT", "HVHC-TD1")))
    assessor = assess.users["thamdinh_bqp"]
    steps = [("HVHC-CNTT", "B.2", "30"), ("HVHC", "A.3", "2"), ("HVHC-CNTT", "B.2", "1"), ("BTL86", "B.2", "40")]
    for code, leaf, value in steps:
        p = assess.participant(round_, code)
        reviewer = assessor if code in ("HVHC", "BTL86") else assess.users["thamdinh_hvhc"]
        services.review_score(reviewer, p, assess.criterion(leaf), value, "Hội đồng chấm lại")
    incremental = dict(Result.objects.filter(round=round_, version=0).values_list("participant_id", "points"))
    results.recompute(round_)
    assert dict(Result.objects.filter(round=round_, version=0).values_list("participant_id", "points")) == incremental


def test_evidence_removed_with_its_file_and_capped_per_criterion(assess, django_capture_on_commit_callbacks):
    round_ = assess.open()
    user = assess.users["nhaplieu_hvhc"]
    p = assess.participant(round_, "HVHC")
    c = assess.criterion("A.1")
    e = services.add_evidence(user, p, c, "", SimpleUploadedFile("qd.pdf", PDF))
    storage, name = e.file.storage, e.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(user, e)
    assert not storage.exists(name) and not Evidence.objects.exists()
    for i in range(services.MAX_EVIDENCE):
        services.add_evidence(user, p, c, f"Văn bản {i}", link=f"https://cds.mil.vn/vb/{i}")
    with pytest.raises(DomainError, match="tối đa"):
        services.add_evidence(user, p, c, "Thêm nữa", link="https://cds.mil.vn/vb/x")
    assert Evidence.objects.count() == services.MAX_EVIDENCE
