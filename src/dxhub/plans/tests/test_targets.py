"""Targets follow approved figures; the forecast; cascading and its refusals."""

import datetime as dt
from decimal import Decimal

import pytest

from dxhub.core.errors import DomainError, NotInScope
from dxhub.plans import targets
from dxhub.plans.models import Target, UnitTarget
from dxhub.reporting import submissions

D = Decimal


def test_forecast_and_status_arithmetic():
    pts = [(dt.date(2025, 3, 31), "2025-Q1", D(40)), (dt.date(2025, 6, 30), "2025-Q2", D(50))]
    # +10 per quarter: 60 at the end of Q3, the deadline
    p = targets.assess(pts, D(60), dt.date(2025, 9, 30), False, dt.date(2025, 7, 1))
    assert p.status == "on_track" and abs(p.forecast - D(60)) < D("0.2") and p.attainment == D("0.8333")
    p = targets.assess(pts, D(65), dt.date(2025, 9, 30), False, dt.date(2025, 7, 1))
    assert p.status == "at_risk"  # 60 is within 10 % of 65
    p = targets.assess(pts, D(90), dt.date(2025, 9, 30), False, dt.date(2025, 7, 1))
    assert p.status == "off_track"
    p = targets.assess(pts, D(90), dt.date(2025, 9, 30), False, dt.date(2025, 10, 1))
    assert p.status == "missed"
    p = targets.assess(pts, D(50), dt.date(2025, 9, 30), False, dt.date(2025, 7, 1))
    assert p.status == "achieved" and p.attainment == 1
    # lower is better: open incidents falling from 10 to 6 per quarter, aiming at 0
    low = [(dt.date(2025, 3, 31), "2025-Q1", D(10)), (dt.date(2025, 6, 30), "2025-Q2", D(6))]
    assert targets.assess(low, D(0), dt.date(2025, 12, 31), True, dt.date(2025, 7, 1)).status == "on_track"
    assert targets.assess([], D(0), dt.date(2025, 12, 31), True, dt.date(2025, 7, 1)).status == "no_data"


def test_progress_follows_approval_and_reopening(plans):
    target = plans.target("80")
    share = target.shares.get()
    assert share.status == "no_data"
    plans.approve("HVHC", "2025-Q3", dict(plans.cat.GOOD, DOC_TOTAL="400", DOC_SIGNED="300"))
    share.refresh_from_db()
    assert share.current == D("75.0000") and share.period == "2025-Q3" and share.attainment == D("0.9375")
    sub = plans.approve("BTL86", "2025-Q3", dict(plans.cat.GOOD, DOC_TOTAL="100", DOC_SIGNED="100"), user="admin")
    share.refresh_from_db()
    assert share.current == D("80.0000") and share.status == "achieved"  # 400 of 500 signed
    submissions.reopen(plans.user("pheduyet_bqp"), sub, "Sai số liệu")
    share.refresh_from_db()
    assert share.current == D("75.0000") and share.status != "achieved"


def test_cascade_two_levels(plans):
    u = plans.units
    target = plans.target("90")
    top = target.shares.get()
    made = targets.cascade(plans.user("lanhdao_bqp"), top, {u["HVHC"]: "95", u["BTL86"]: None})
    assert {s.unit.code: s.value for s in made} == {"HVHC": D(95), "BTL86": D(90)}
    academy = UnitTarget.objects.get(target=target, unit=u["HVHC"])
    targets.cascade(plans.user("qtv_hvhc"), academy, {u["HVHC-TD1"]: "100"})
    plans.approve(
        "HVHC-TD1",
        "2025-Q3",
        dict(plans.cat.GOOD, DOC_TOTAL="10", DOC_SIGNED="10"),
        user="admin",
        reviewer="pheduyet_hvhc",
    )
    td1 = UnitTarget.objects.get(target=target, unit=u["HVHC-TD1"])
    academy.refresh_from_db()
    assert td1.status == "achieved" and academy.current == D(100)
    heat = targets.heatmap(plans.user("lanhdao_bqp"), u["BQP"])
    assert [k.code for k in heat.units] == ["HVHC", "BTL86"] and heat.targets == [target]
    assert heat.cells[(target.pk, u["HVHC"].pk)].attainment == D(1)


def test_target_refusals(plans):
    u = plans.units
    with pytest.raises(DomainError, match="không có trong danh mục"):
        plans.target(indicator="NO_SUCH")
    with pytest.raises(DomainError, match="ngoài khoảng"):
        plans.target(value="120")  # a percentage
    with pytest.raises(DomainError, match="không tổng hợp"):
        plans.target(indicator="ISSUES")
    assert not Target.objects.exists()
    target = plans.target("90")
    top = target.shares.get()
    with pytest.raises(DomainError) as exc:
        targets.cascade(plans.user("lanhdao_bqp"), top, {u["HVHC"]: "95", u["BTL86"]: "-5"})
    assert "Bộ Tư lệnh 86" in exc.value.problem_list[0] and "ngoài khoảng" in exc.value.problem_list[0]
    academy_share = targets.cascade(plans.user("lanhdao_bqp"), top, {u["HVHC"]: "95"})[0]
    with pytest.raises(NotInScope):
        targets.cascade(plans.user("qtv_hvhc"), academy_share, {u["HVHC-TD1"]: "90", u["BTL86-TT"]: "90"})
    with pytest.raises(DomainError, match="đã được giao"):
        targets.cascade(plans.user("lanhdao_bqp"), top, {u["HVHC"]: "95"})
    assert UnitTarget.objects.count() == 2


def test_cascade_deadline_and_dissolved_unit(plans):
    u = plans.units
    top = plans.target("90").shares.get()
    with pytest.raises(DomainError) as exc:
        targets.cascade(plans.user("lanhdao_bqp"), top, {u["HVHC"]: "95"}, deadline=dt.date(2020, 1, 1))
    assert "trước ngày bắt đầu" in exc.value.problem_list[0]
    u["BTL86"].is_active = False
    u["BTL86"].save()
    with pytest.raises(DomainError) as exc:
        targets.cascade(plans.user("lanhdao_bqp"), top, {u["HVHC"]: "95", u["BTL86"]: "90"})
    assert "giải thể" in exc.value.problem_list[0]
    assert UnitTarget.objects.count() == 1


def test_forecast_stays_inside_the_indicator_range():
    pts = [(dt.date(2025, 3, 31), "2025-Q1", D(60)), (dt.date(2025, 6, 30), "2025-Q2", D(90))]
    p = targets.assess(pts, D(100), dt.date(2030, 12, 31), False, dt.date(2025, 7, 1), D(0), D(100))
    assert p.forecast == D(100) and p.status == "on_track"
    falling = [(d, c, 100 - v) for d, c, v in pts]
    assert (
        targets.assess(falling, D(100), dt.date(2030, 12, 31), False, dt.date(2025, 7, 1), D(0), D(100)).forecast == 0
    )
