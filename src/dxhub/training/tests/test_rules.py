"""The classification rules are the organisation's to change: a system administrator
edits a group's rule, and the survey's answers are classified again."""

import pytest

from dxhub.training import services
from dxhub.training.models import Need, TrainingGroup

pytestmark = pytest.mark.django_db


def test_a_changed_rule_reclassifies_the_answers(training, client_for):
    t = training
    services.answer(t.users["nhaplieu_hvhc"], t.survey, t.person("Bùi Văn Mạnh"), t.ratings(2))
    assert not Need.objects.exists()  # steps 2 everywhere: basic reached; a soldier is not in "nâng cao"
    group = TrainingGroup.objects.get(code="nang-cao")
    page = client_for("admin").post(
        f"/hoc-vu-so/nhom/{group.pk}/",
        {
            "code": "nang-cao",
            "name": group.name,
            "position": 4,
            "below_step": 3,
            "categories": ["si_quan", "qncn", "cnvqp", "hsq_bs"],
            "is_active": "on",
        },
    )
    assert page.status_code == 302
    group.refresh_from_db()
    assert "hsq_bs" in group.categories
    page = client_for("admin").post(f"/hoc-vu-so/khao-sat/{t.survey.pk}/xep-lai/", follow=True)
    assert "Đã xếp nhóm lại" in page.content.decode()
    assert list(Need.objects.values_list("group__code", flat=True)) == ["nang-cao"]


def test_a_rule_needs_a_condition_and_an_administrator(training, client_for):
    group = TrainingGroup.objects.get(code="lanh-dao")
    data = {"code": "lanh-dao", "name": "Lãnh đạo", "position": 2, "is_active": "on"}
    page = client_for("admin").post(f"/hoc-vu-so/nhom/{group.pk}/", data)
    assert "Đặt ít nhất một điều kiện" in page.content.decode()
    assert client_for("qtv_hvhc").get(f"/hoc-vu-so/nhom/{group.pk}/").status_code == 404
    group.refresh_from_db()
    assert group.categories == ["si_quan"]
