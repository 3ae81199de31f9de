"""A small indicator catalogue, one quarterly form and the accounts that report on it."""

import pytest

from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Role
from dxhub.reporting import catalogue, submissions
from dxhub.reporting.models import ValidationRule

PASSWORD = "Mat-khau-thu-2025"


class Catalogue:
    def __init__(self, org):
        admin = org.users["admin"]

        def make(code, **kw):
            data = {"code": code, "name": f"Chỉ tiêu {code}", "value_type": "integer", "aggregation": "sum"} | kw
            return catalogue.save_indicator(admin, data)

        self.personnel = make("PERSONNEL", name="Quân số", min_value=0)
        self.email = make("EMAIL_USERS", name="Người dùng thư điện tử", min_value=0)
        self.docs = make("DOC_TOTAL", name="Văn bản đi", min_value=0)
        self.signed = make("DOC_SIGNED", name="Văn bản ký số", min_value=0)
        self.share = make(
            "DOC_SIGNED_PCT",
            name="Tỷ lệ văn bản ký số",
            value_type="percentage",
            aggregation="weighted_avg",
            weight=self.docs,
            is_computed=True,
        )
        catalogue.add_formula(admin, self.share, "DOC_SIGNED / DOC_TOTAL * 100", "2020-Q1")
        self.uptime = make("UPTIME", name="Thời gian hoạt động mạng", value_type="percentage", aggregation="min")
        self.plan = make("HAS_PLAN", name="Có kế hoạch CĐS", value_type="boolean", aggregation="share_yes")
        self.issues = make("ISSUES", name="Khó khăn, kiến nghị", value_type="text", aggregation="none")
        ValidationRule.objects.create(left="EMAIL_USERS", operator="<=", right="PERSONNEL")
        ValidationRule.objects.create(left="DOC_SIGNED", operator="<=", right="DOC_TOTAL")
        self.form = catalogue.save_form(
            admin,
            {"code": "BC-CDS-QUY", "name": "Báo cáo chuyển đổi số hằng quý", "periodicity": "Q", "deadline_days": 10},
        )
        self.codes = [
            "PERSONNEL",
            "EMAIL_USERS",
            "DOC_TOTAL",
            "DOC_SIGNED",
            "DOC_SIGNED_PCT",
            "UPTIME",
            "HAS_PLAN",
            "ISSUES",
        ]
        catalogue.add_form_version(admin, self.form, self.codes, "2024-Q1", optional=("ISSUES",))
        # a reviewer above the academy, and a data-entry officer of the cyber centre
        self.users = dict(org.users)
        for username, code, role in [
            ("pheduyet_bqp", "BQP", Role.REVIEWER),
            ("nhaplieu_86tt", "BTL86-TT", Role.DATA_ENTRY),
        ]:
            user = User.objects.create_user(username, password=PASSWORD, full_name=username, email=f"{username}@mil.vn")
            RoleAssignment.objects.create(user=user, unit=org.units[code], role=role)
            self.users[username] = user
        self.users["nhaplieu_hvhc"].email = "nhaplieu_hvhc@mil.vn"
        self.users["nhaplieu_hvhc"].save()
        self.org = org

    GOOD = {
        "PERSONNEL": "120",
        "EMAIL_USERS": "90",
        "DOC_TOTAL": "400",
        "DOC_SIGNED": "300",
        "UPTIME": "99,5",
        "HAS_PLAN": "Có",
        "ISSUES": "Thiếu máy tính",
    }

    def filled(self, unit_code, period="2025-Q3", values=None, user="nhaplieu_hvhc", send=True):
        unit = self.org.units[unit_code]
        sub = submissions.open_submission(self.users[user], unit, self.form, period)
        sub = submissions.save_values(self.users[user], sub, values or self.GOOD, sub.revision)
        if send:
            sub = submissions.submit(self.users[user], sub)
        return sub


@pytest.fixture
def cat(org):
    return Catalogue(org)
