"""A small framework, approved reports to feed it, and the people of an assessment round."""

import copy

import pytest

from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Role
from dxhub.assessment import frameworks, services
from dxhub.reporting import submissions
from dxhub.reporting.tests.conftest import Catalogue

PASSWORD = "Mat-khau-thu-2025"

# Pillar A 40 points, pillar B 60; B.3 applies to hospitals only, so the academy and the
# command are scored out of 90.
FRAMEWORK = {
    "format": "dxhub-framework/1",
    "code": "THU",
    "name": "Bộ tiêu chí thử",
    "year": 2025,
    "version": 1,
    "total_points": 100,
    "bands": [
        {"code": "tot", "name": "Tốt", "min": 0.8},
        {"code": "kha", "name": "Khá", "min": 0.65},
        {"code": "trung_binh", "name": "Trung bình", "min": 0.5},
        {"code": "yeu", "name": "Yếu", "min": 0},
    ],
    "uncertainty": {"spread": 0.2, "draws": 200, "seed": 7},
    "nodes": [
        {"code": "A", "parent": None, "name": "Nhận thức số", "max_points": 40},
        {
            "code": "A.1",
            "parent": "A",
            "name": "Có Ban Chỉ đạo",
            "max_points": 10,
            "method": "yes_no",
            "evidence_required": True,
        },
        {
            "code": "A.2",
            "parent": "A",
            "name": "Mức độ chỉ đạo",
            "max_points": 20,
            "method": "levels",
            "params": {"levels": [0, 5, 10, 15, 20]},
        },
        {"code": "A.3", "parent": "A", "name": "Tuyên truyền", "max_points": 10, "method": "expert"},
        {"code": "B", "parent": None, "name": "Hoạt động chuyển đổi số", "max_points": 60},
        {
            "code": "B.1",
            "parent": "B",
            "name": "Tỷ lệ văn bản ký số",
            "max_points": 30,
            "method": "ratio",
            "indicator": "DOC_SIGNED_PCT",
            "params": {"target": 100},
        },
        {"code": "B.2", "parent": "B", "name": "Số phần mềm dùng chung", "max_points": 20, "method": "peer_best"},
        {
            "code": "B.3",
            "parent": "B",
            "name": "Bệnh án điện tử",
            "max_points": 10,
            "method": "expert",
            "peer_groups": ["benh_vien"],
        },
    ],
}


class Assessment:
    def __init__(self, org):
        self.org = org
        self.cat = Catalogue(org)
        self.users = dict(self.cat.users)
        for username, code, role in [
            ("thamdinh_bqp", "BQP", Role.ASSESSOR),
            ("thamdinh_hvhc", "HVHC", Role.ASSESSOR),
            ("thamdinh_86", "BTL86", Role.ASSESSOR),
        ]:
            user = User.objects.create_user(username, password=PASSWORD, full_name=username)
            RoleAssignment.objects.create(user=user, unit=org.units[code], role=role)
            self.users[username] = user
        from dxhub.org.models import PeerGroup

        PeerGroup.objects.get_or_create(code="benh_vien", defaults={"name": "Bệnh viện"})
        self.admin = self.users["admin"]
        self.framework = frameworks.import_framework(self.admin, copy.deepcopy(FRAMEWORK))

    def approved(self, unit_code, period, signed, total=400, user="nhaplieu_hvhc"):
        values = dict(Catalogue.GOOD, DOC_TOTAL=str(total), DOC_SIGNED=str(signed))
        sub = self.cat.filled(unit_code, period, values, user=user)
        return submissions.approve(self.users["pheduyet_bqp"], [sub])[0]

    def open(self, year=2025, units=("HVHC", "BTL86"), owner="BQP"):
        return services.open_round(
            self.admin,
            self.framework,
            self.org.units[owner],
            year,
            f"Đánh giá năm {year}",
            [self.org.unit(c) for c in units],
        )

    def participant(self, round_, code):
        return round_.participants.select_related("unit", "unit__parent", "round__framework").get(unit__code=code)

    def criterion(self, code):
        return self.framework.criteria.get(code=code)


@pytest.fixture
def assess(org):
    return Assessment(org)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Evidence files go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
