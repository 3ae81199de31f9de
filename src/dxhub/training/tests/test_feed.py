"""The coverage figures fill the reporting indicators of the same meaning, so they are
never typed twice; the approved figures then move the plan targets."""

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
from dxhub.reporting import catalogue, rollups, submissions
from dxhub.reporting.models import Indicator, Rollup
from dxhub.reporting.periods import Period
from dxhub.training import coverage, excel

pytestmark = pytest.mark.django_db


class Feed:
    def __init__(self, training):
        self.t = training
        admin = training.users["admin"]
        self.quarter = Period.containing("Q", timezone.localdate())

        def make(code, **kw):
            data = {"code": code, "name": f"Chỉ tiêu {code}", "value_type": "integer", "aggregation": "sum"} | kw
            return catalogue.save_indicator(admin, data)

        self.people = make("PERSONNEL_TOTAL", name="Tổng quân số", min_value=0)
        self.trained = make("BHVS_TRAINED", name="Số người hoàn thành kỹ năng số cơ bản", min_value=0)
        self.pct = make(
            "BHVS_TRAINED_PCT",
            name="Tỷ lệ hoàn thành kỹ năng số cơ bản",
            value_type="percentage",
            aggregation="weighted_avg",
            weight=self.people,
            is_computed=True,
        )
        catalogue.add_formula(admin, self.pct, "BHVS_TRAINED / PERSONNEL_TOTAL * 100", "2020-Q1")
        self.form = catalogue.save_form(
            admin, {"code": "BC-BHVS", "name": "Báo cáo Bình dân học vụ số", "periodicity": "Q", "deadline_days": 10}
        )
        catalogue.add_form_version(admin, self.form, ["PERSONNEL_TOTAL", "BHVS_TRAINED", "BHVS_TRAINED_PCT"], "2024-Q1")
        Indicator.objects.filter(code="BHVS_TRAINED").update(
            source=coverage.BASIC_TRAINED, source_from=self.quarter.start
        )
        Indicator.objects.filter(code="BHVS_TRAINED_PCT").update(
            source=coverage.BASIC_COVERAGE, source_from=self.quarter.start
        )
        self.reviewer = User.objects.create_user("pheduyet_bqp", password="x")
        RoleAssignment.objects.create(user=self.reviewer, unit=training.units["BQP"], role=Role.REVIEWER)

    def values(self, sub) -> dict:
        return {v.indicator.code: v.num for v in sub.values.select_related("indicator")}


def _import(t, names, day):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã định danh", "Họ và tên", "Mã khóa học", "Ngày hoàn thành"])
    for name in names:
        ws.append([t.person(name).identifier, name, "BHVS-CB", day])
    buf = io.BytesIO()
    wb.save(buf)
    return excel.import_completions(t.users["nhaplieu_hvhc"], SimpleUploadedFile("kq.xlsx", buf.getvalue()))


def test_the_current_report_is_filled_from_training_and_cannot_be_typed(training):
    f, t = Feed(training), training
    officer = t.users["nhaplieu_hvhc"]
    unit = t.units["HVHC-TD1-DD1"]  # two soldiers and the fixture's officer
    sub = submissions.open_submission(officer, unit, f.form, f.quarter.code)
    assert f.values(sub) == {"BHVS_TRAINED": Decimal(0), "BHVS_TRAINED_PCT": Decimal(0)}
    with pytest.raises(DomainError) as exc:
        submissions.save_values(officer, sub, {"PERSONNEL_TOTAL": "3", "BHVS_TRAINED": "3"}, sub.revision)
    assert "do hệ thống tự lấy từ Bình dân học vụ số" in exc.value.problems["BHVS_TRAINED"]
    sub = submissions.save_values(officer, sub, {"PERSONNEL_TOTAL": "3"}, sub.revision)
    entry = {e.indicator.code: e for e in submissions.entries(sub)}
    assert entry["BHVS_TRAINED"].indicator.fed and "Bình dân học vụ số" in entry["BHVS_TRAINED"].source_label

    before = AuditEvent.objects.count()
    _import(t, ["Bùi Văn Mạnh"], timezone.localdate())
    sub.refresh_from_db()
    values = f.values(sub)
    assert values["BHVS_TRAINED"] == 1
    assert values["BHVS_TRAINED_PCT"] == Decimal("33.33")  # own people: 1 of 3, from dxhub, not the typed total
    assert AuditEvent.objects.filter(pk__gt=before, object_repr__contains="cập nhật tự động").exists()

    sub = submissions.submit(officer, sub)
    submissions.approve(f.reviewer, [sub])
    top = rollups.figures(t.units["HVHC"], f.quarter.code, [f.trained.pk])[f.trained.pk]
    assert top.value == 1


def test_earlier_periods_keep_their_typed_figures(training):
    f, t = Feed(training), training
    officer = t.users["nhaplieu_hvhc"]
    earlier = f.quarter.previous()
    sub = submissions.open_submission(officer, t.units["HVHC-TD1"], f.form, earlier.code)
    sub = submissions.save_values(officer, sub, {"PERSONNEL_TOTAL": "200", "BHVS_TRAINED": "150"}, sub.revision)
    assert f.values(sub)["BHVS_TRAINED_PCT"] == Decimal("75")
    _import(t, ["Ngô Thị Lan"], earlier.start + dt.timedelta(days=3))
    sub.refresh_from_db()
    assert f.values(sub)["BHVS_TRAINED"] == 150  # typed then, left alone


def test_approval_snapshots_the_figure_and_later_changes_leave_it(training):
    f, t = Feed(training), training
    officer = t.users["nhaplieu_hvhc"]
    unit = t.units["HVHC-TD1-DD1"]
    sub = submissions.open_submission(officer, unit, f.form, f.quarter.code)
    sub = submissions.save_values(officer, sub, {"PERSONNEL_TOTAL": "3"}, sub.revision)
    sub = submissions.submit(officer, sub)
    _import(t, ["Bùi Văn Mạnh", "Đinh Văn Nam"], timezone.localdate())  # while it waits for review
    submissions.approve(f.reviewer, [sub])
    sub.refresh_from_db()
    assert f.values(sub)["BHVS_TRAINED"] == 2  # refreshed on approval
    assert Rollup.objects.get(unit=unit, indicator=f.trained, period=f.quarter.code).value == 2
