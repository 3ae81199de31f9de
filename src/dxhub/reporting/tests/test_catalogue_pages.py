"""Catalogue management pages: system administrators only; everything through the services."""

from django.urls import reverse

from dxhub.audit.models import AuditEvent
from dxhub.reporting.models import FormVersion, Indicator, ReportForm, Submission, ValidationRule


def test_only_system_admins_reach_the_management_pages(client, cat):
    client.force_login(cat.users["qtv_hvhc"])
    for url in (
        reverse("reporting:indicator_add"),
        reverse("reporting:indicator_edit", args=["DOC_TOTAL"]),
        reverse("reporting:form_add"),
        reverse("reporting:form_version_add", args=["BC-CDS-QUY"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reporting:rules"), {"left": "A", "operator": "<=", "right": "B"}).status_code == 404
    assert client.get(reverse("reporting:forms")).status_code == 200  # reading is open


def test_admin_adds_an_indicator_and_a_formula_version_with_clear_errors(client, cat):
    client.force_login(cat.users["admin"])
    data = {
        "code": "MAIL_FILES",
        "name": "Số tệp gửi qua thư điện tử",
        "value_type": "integer",
        "direction": "higher_better",
        "aggregation": "sum",
        "min_value": "0",
        "applies_to": ["hoc_vien", "co_quan"],
        "is_active": "on",
    }
    r = client.post(reverse("reporting:indicator_add"), data)
    assert r.status_code == 302
    ind = Indicator.objects.get(code="MAIL_FILES")
    assert ind.applies_to == ["hoc_vien", "co_quan"]
    r = client.post(reverse("reporting:indicator_add"), data)  # the same code again
    assert "đã có" in r.content.decode()
    r = client.post(
        reverse("reporting:formula_add", args=["DOC_SIGNED_PCT"]),
        {"expression": "DOC_SIGNED / NOPE * 100", "valid_from": "2026-Q1"},
    )
    assert "NOPE" in r.content.decode()
    r = client.post(
        reverse("reporting:formula_add", args=["DOC_SIGNED_PCT"]),
        {"expression": "DOC_SIGNED / max(DOC_TOTAL; 1) * 100", "valid_from": "2026-Q1", "note": "QĐ 123"},
    )
    assert r.status_code == 302 and cat.share.formulas.count() == 2


def test_admin_versions_a_form_and_old_submissions_keep_theirs(client, cat, org):
    old = cat.filled("HVHC-CNTT", period="2025-Q3", send=False)
    client.force_login(cat.users["admin"])
    r = client.post(
        reverse("reporting:form_version_add", args=["BC-CDS-QUY"]),
        {"valid_from": "2026-Q1", "indicators": ["PERSONNEL", "DOC_TOTAL"], "optional": ["DOC_TOTAL"]},
    )
    assert r.status_code == 302
    version = FormVersion.objects.get(form__code="BC-CDS-QUY", number=2)
    assert [(i.indicator.code, i.required) for i in version.items.order_by("position")] == [
        ("DOC_TOTAL", False),  # catalogue order
        ("PERSONNEL", True),
    ]
    assert Submission.objects.get(pk=old.pk).form_version.number == 1
    new = cat.filled("HVHC-CNTT", period="2026-Q1", values={"PERSONNEL": "100"})
    assert new.form_version == version and new.status == "submitted"
    r = client.post(
        reverse("reporting:form_version_add", args=["BC-CDS-QUY"]),
        {"valid_from": "2025-Q4", "indicators": ["PERSONNEL"]},
    )
    assert "phải áp dụng sau kỳ 2026-Q1" in r.content.decode()
    r = client.post(
        reverse("reporting:form_add"),
        {"code": "BC-NAM", "name": "Báo cáo năm", "periodicity": "Y", "deadline_days": 30, "jump_threshold": "1"},
    )
    assert r.status_code == 302 and ReportForm.objects.get(code="BC-NAM").periodicity == "Y"


def test_admin_adds_and_switches_off_a_rule(client, cat):
    client.force_login(cat.users["admin"])
    r = client.post(reverse("reporting:rules"), {"left": "EMAIL_USERS", "operator": "<=", "right": "NOPE"})
    assert "NOPE" in r.content.decode() or "Không có mã" in r.content.decode()
    r = client.post(
        reverse("reporting:rules"),
        {"left": "DOC_SIGNED", "operator": "<=", "right": "PERSONNEL * 10", "severity": "warning"},
    )
    assert r.status_code == 302
    rule = ValidationRule.objects.get(right="PERSONNEL * 10")
    client.post(reverse("reporting:rules"), {"toggle": rule.pk})
    rule.refresh_from_db()
    assert not rule.is_active
    assert AuditEvent.objects.filter(object_type="reporting.validationrule").count() == 2
