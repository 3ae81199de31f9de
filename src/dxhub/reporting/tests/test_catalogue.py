import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError, NotInScope
from dxhub.reporting import catalogue
from dxhub.reporting.models import Indicator
from dxhub.reporting.periods import Period
from dxhub.reporting.validation import compute_all


def make(user, code, **kw):
    data = {"code": code, "name": f"Chỉ tiêu {code}", "value_type": "integer", "aggregation": "sum"} | kw
    return catalogue.save_indicator(user, data)


@pytest.fixture
def docs(org):
    admin = org.users["admin"]
    total = make(admin, "DOC_TOTAL", unit="văn bản", min_value=0)
    signed = make(admin, "DOC_SIGNED", unit="văn bản", min_value=0)
    share = make(
        admin, "DOC_SIGNED_PCT", value_type="percentage", aggregation="weighted_avg", weight=total, is_computed=True
    )
    return total, signed, share


def test_percentages_get_a_0_100_range_and_are_audited(docs):
    share = docs[2]
    assert (share.min_value, share.max_value) == (Decimal(0), Decimal(100))
    assert AuditEvent.objects.filter(object_type="reporting.indicator", action="create").count() == 3


def test_only_system_admins_manage_the_catalogue(org):
    with pytest.raises(NotInScope):
        make(org.users["qtv_hvhc"], "X1")
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"code": "bad code"}, "code"),
        ({"value_type": "percentage", "max_value": 130}, "max_value"),
        ({"min_value": 10, "max_value": 5}, "max_value"),
        ({"value_type": "boolean", "min_value": 0}, "min_value"),
        ({"aggregation": "weighted_avg"}, "weight"),
        ({"aggregation": "share_yes"}, "aggregation"),
        ({"value_type": "text"}, "aggregation"),
        ({"applies_to": ["benh_vien", "phao_dai"]}, "applies_to"),
    ],
)
def test_bad_indicators_are_refused(org, kw, field):
    with pytest.raises(DomainError) as exc:
        make(org.users["admin"], kw.pop("code", "X1"), **kw)
    assert field in exc.value.problems
    assert not Indicator.objects.exists()


def test_formula_versions_apply_from_their_period(docs, org):
    admin = org.users["admin"]
    total, signed, share = docs
    catalogue.add_formula(admin, share, "DOC_SIGNED / DOC_TOTAL * 100", "2023-Q1")
    catalogue.add_formula(admin, share, "min(DOC_SIGNED / DOC_TOTAL * 100; 100)", "2025-Q1", note="QĐ 123")
    values = {"DOC_SIGNED": 72, "DOC_TOTAL": 100}
    assert "DOC_SIGNED_PCT" not in catalogue.formulas_in_force(Period.parse("2022-Q4"))  # none in force yet
    assert compute_all(catalogue.formulas_in_force(Period.parse("2024-Q4")), values)["DOC_SIGNED_PCT"] == 72
    capped = {"DOC_SIGNED": 150, "DOC_TOTAL": 100}
    assert compute_all(catalogue.formulas_in_force(Period.parse("2025-Q2")), capped)["DOC_SIGNED_PCT"] == 100
    assert catalogue.formula_in_force(share, Period.parse("2024-Q4")).valid_from == "2023-Q1"
    assert catalogue.formula_in_force(share, Period.parse("2025-Q2")).note == "QĐ 123"
    with pytest.raises(DomainError, match="phải áp dụng sau kỳ Quý I/2025"):
        catalogue.add_formula(admin, share, "DOC_SIGNED", "2024-Q3")


@pytest.mark.parametrize(
    ("expression", "period", "message"),
    [
        ("DOC_SIGNED / DOC_MISSING", "2025-Q1", "không có: DOC_MISSING"),
        ("DOC_SIGNED / (DOC_TOTAL", "2025-Q1", "Thiếu “)”"),
        ("DOC_SIGNED / DOC_TOTAL", "2025-Q5", "quý số 5"),
        ("DOC_SIGNED_PCT + 1", "2025-Q1", "vòng lặp"),
    ],
)
def test_bad_formulas_are_refused(docs, org, expression, period, message):
    with pytest.raises(DomainError, match=re.escape(message)):
        catalogue.add_formula(org.users["admin"], docs[2], expression, period)
    assert not docs[2].formulas.exists()


def test_formula_on_a_raw_indicator_is_refused(docs, org):
    with pytest.raises(DomainError, match="không phải chỉ tiêu tính toán"):
        catalogue.add_formula(org.users["admin"], docs[0], "DOC_SIGNED", "2025-Q1")


def test_catalogue_pages(client_for, docs, org):
    catalogue.add_formula(org.users["admin"], docs[2], "DOC_SIGNED / DOC_TOTAL * 100", "2023-Q1")
    c = client_for("nhaplieu_hvhc")
    html = c.get(reverse("reporting:indicators"), {"q": "doc signed"}).content.decode()
    assert "DOC_SIGNED_PCT" in html and "DOC_TOTAL<" not in html
    html = c.get(reverse("reporting:indicator", args=["DOC_TOTAL"])).content.decode()
    assert "DOC_SIGNED_PCT" in html  # used by
    html = c.get(reverse("reporting:indicator", args=["doc_signed_pct"])).content.decode()
    assert "áp dụng từ kỳ Quý I/2023" in html
    assert c.get(reverse("reporting:indicator", args=["KHONG_CO"])).status_code == 404
