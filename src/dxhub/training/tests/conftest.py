"""Training fixtures: people of several kinds in the small tree, two courses and an
open survey of the academy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dxhub.org import identifiers
from dxhub.org.models import Person
from dxhub.training import services
from dxhub.training.models import Competence, Framework, TrainingGroup

PEOPLE = [
    # (unit, name, category, rank, position)
    ("HVHC", "Trần Quang Khải", "si_quan", "dai_ta", "Giám đốc Học viện"),
    ("HVHC-CNTT", "Lý Thường Kiệt", "qncn", "thieu_ta", "Kỹ thuật viên công nghệ thông tin"),
    ("HVHC-TD1", "Ngô Thị Lan", "cnvqp", "", "Nhân viên văn thư"),
    ("HVHC-TD1-DD1", "Bùi Văn Mạnh", "hsq_bs", "ha_si", "Chiến sĩ"),
    ("HVHC-TD1-DD1", "Đinh Văn Nam", "hsq_bs", "binh_nhat", "Chiến sĩ"),
    ("BTL86-TT", "Mai Xuân Oanh", "si_quan", "thieu_ta", "Trợ lý an toàn thông tin"),
]


class Training:
    def __init__(self, org):
        self.org = org
        self.users = org.users
        self.units = org.units
        self.people = dict(org.people)  # by unit code: the fixture's first person of each unit
        self.named = {}
        for i, (code, name, cat, rank, position) in enumerate(PEOPLE):
            p = Person(
                identifier=identifiers.make(21, 500 + i),
                full_name=name,
                category=cat,
                rank=rank,
                position=position,
                unit=org.units[code],
            )
            p.save()
            self.named[name] = p
        self.tt02 = Framework.objects.get(code="TT02-2025")
        self.codes = list(self.tt02.competences.order_by("position").values_list("code", flat=True))
        admin = org.users["admin"]
        self.basic = services.save_course(
            admin,
            org.units["BQP"],
            {
                "code": "BHVS-CB",
                "title": "Kiến thức, kỹ năng số cơ bản",
                "provider": "Nền tảng Bình dân học vụ số",
                "on_national_platform": True,
                "mode": "online",
                "hours": Decimal("8"),
                "is_basic": True,
                "pass_score": Decimal("5"),
                "framework": self.tt02,
                "reached_step": 2,
                "competences": list(Competence.objects.filter(framework=self.tt02, code__in=["1.1", "2.1", "4.1"])),
                "groups": [TrainingGroup.objects.get(code="pho-cap")],
            },
        )
        self.leader_course = services.save_course(
            admin,
            org.units["BQP"],
            {
                "code": "LD-CDS",
                "title": "Quản trị chuyển đổi số cho cán bộ lãnh đạo, chỉ huy",
                "provider": "Học viện Quốc phòng",
                "mode": "blended",
                "hours": Decimal("24"),
                "framework": self.tt02,
                "reached_step": 4,
                "competences": list(Competence.objects.filter(framework=self.tt02, code__in=["5.2", "6.2"])),
                "groups": [TrainingGroup.objects.get(code="lanh-dao")],
            },
        )
        today = timezone.localdate()
        self.survey = services.launch_survey(
            org.users["qtv_hvhc"],
            org.units["HVHC"],
            services.SurveyData(
                code="KS-HVHC-2026",
                title="Rà soát nhu cầu bồi dưỡng kỹ năng số năm 2026",
                framework=self.tt02,
                opens_on=today - dt.timedelta(days=10),
                closes_on=today + dt.timedelta(days=20),
            ),
        )

    def ratings(self, step: int = 3, **overrides) -> dict:
        """Every competence at ``step``; overrides by competence code ("1_1" for "1.1")."""
        out = dict.fromkeys(self.codes, step)
        out.update({k.replace("_", "."): v for k, v in overrides.items()})
        return out

    def person(self, name) -> Person:
        return self.named[name]


@pytest.fixture
def training(org):
    return Training(org)
