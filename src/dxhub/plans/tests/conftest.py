"""A plan of the ministry with a task and a target, and the accounts that work on it."""

import datetime as dt

import pytest

from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Role
from dxhub.plans import services, targets
from dxhub.reporting.tests.conftest import Catalogue

PASSWORD = "Mat-khau-thu-2025"


class Plans:
    def __init__(self, org):
        self.org = org
        self.cat = Catalogue(org)
        self.users = dict(self.cat.users)
        for username, code, role in [
            ("lanhdao_bqp", "BQP", Role.LEADER),
            ("lanhdao_hvhc", "HVHC", Role.LEADER),
            ("nhaplieu_td1", "HVHC-TD1", Role.DATA_ENTRY),
            ("pheduyet_hvhc", "HVHC", Role.REVIEWER),
        ]:
            user = User.objects.create_user(username, password=PASSWORD, full_name=username, email=f"{username}@mil.vn")
            RoleAssignment.objects.create(user=user, unit=org.units[code], role=role)
            self.users[username] = user
        self.units = org.units
        self.plan = services.save_plan(
            self.users["lanhdao_bqp"],
            services.PlanData(
                code="KH-CDS-2630",
                title="Kế hoạch chuyển đổi số giai đoạn 2026–2030",
                kind="plan",
                start=dt.date(2025, 1, 1),
                end=dt.date(2030, 12, 31),
                owner=org.units["BQP"],
                number="125/KH-BQP",
                objectives=[("MT1", "Hạ tầng số"), ("MT2", "Chính phủ số")],
                themes=[(2026, "Hoàn thiện hạ tầng số")],
            ),
        )
        self.objective = self.plan.objectives.get(code="MT1")
        self.task = services.save_task(
            self.users["lanhdao_bqp"],
            self.plan,
            services.TaskData(
                code="NV01",
                title="Mở rộng mạng truyền số liệu quân sự đến cấp 4",
                lead=org.units["BQP"],
                start=dt.date(2026, 1, 1),
                due=dt.date(2026, 12, 31),
                objective=self.objective,
                expected_output="Báo cáo kết quả kết nối",
            ),
        )

    def user(self, name):
        return self.users[name]

    def target(self, value="90", indicator="DOC_SIGNED_PCT", code="CT01"):
        return targets.create_target(
            self.users["lanhdao_bqp"],
            self.plan,
            targets.TargetData(
                code=code,
                title="Tỷ lệ văn bản đi được ký số",
                indicator_code=indicator,
                value=value,
                start=dt.date(2025, 1, 1),
                deadline=dt.date(2026, 12, 31),
            ),
        )

    def approve(self, unit_code, period, values, user="nhaplieu_hvhc", reviewer="pheduyet_bqp"):
        from dxhub.reporting import submissions

        sub = self.cat.filled(unit_code, period, values, user=user)
        return submissions.approve(self.users[reviewer], [sub])[0]


@pytest.fixture
def plans(org):
    return Plans(org)
