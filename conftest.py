"""Shared fixtures: a small unit tree with people and one account per role."""

import pytest

from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Role
from dxhub.org import bulk, identifiers
from dxhub.org.models import PeerGroup, Person, Unit

PASSWORD = "Mat-khau-thu-2025"

TREE = [
    ("BQP", None, "Bộ Quốc phòng", "bo"),
    ("HVHC", "BQP", "Học viện Hậu cần", "hoc_vien"),
    ("HVHC-CNTT", "HVHC", "Ban Công nghệ thông tin", "co_quan"),
    ("HVHC-TD1", "HVHC", "Tiểu đoàn 1 học viên", "tieu_doan"),
    ("HVHC-TD1-DD1", "HVHC-TD1", "Đại đội 1", "dai_doi"),
    ("BTL86", "BQP", "Bộ Tư lệnh 86", "bo_tu_lenh"),
    ("BTL86-TT", "BTL86", "Trung tâm An ninh mạng", "co_quan"),
]


class Org:
    def __init__(self):
        PeerGroup.objects.create(code="hoc_vien_nha_truong", name="Học viện, nhà trường")
        bulk.insert_units(
            {
                "code": c,
                "parent": p,
                "name": n,
                "short_name": c,
                "kind": k,
                "peer_group": "hoc_vien_nha_truong",
            }
            for c, p, n, k in TREE
        )
        self.units = {u.code: u for u in Unit.objects.all()}
        self.people = {}
        names = [
            "Nguyễn Văn An",
            "Trần Thị Bích",
            "Lê Đức Cường",
            "Phạm Minh Đức",
            "Hoàng Thị Én",
            "Vũ Văn Giang",
            "Đặng Quốc Hùng",
        ]
        for i, (code, *_rest) in enumerate(TREE):
            p = Person(
                identifier=identifiers.make(20, 100 + i),
                full_name=names[i],
                category="si_quan",
                rank="dai_uy",
                position="Trợ lý",
                unit=self.units[code],
            )
            p.save()
            self.people[code] = p
        self.users = {}
        for username, code, role in [
            ("admin", "BQP", Role.SYSTEM_ADMIN),
            ("qtv_hvhc", "HVHC", Role.UNIT_ADMIN),
            ("nhaplieu_hvhc", "HVHC", Role.DATA_ENTRY),
            ("lanhdao_86", "BTL86", Role.LEADER),
            ("pheduyet_86", "BTL86", Role.REVIEWER),
        ]:
            user = User.objects.create_user(username, password=PASSWORD, full_name=username)
            RoleAssignment.objects.create(user=user, unit=self.units[code], role=role)
            self.users[username] = user
        self.users["outsider"] = User.objects.create_user("outsider", password=PASSWORD)

    def unit(self, code):
        return Unit.objects.get(code=code)


@pytest.fixture
def org(db):
    return Org()


@pytest.fixture
def client_for(client, org):
    def login(username):
        client.force_login(org.users[username])
        return client

    return login


@pytest.fixture(autouse=True)
def _fast_passwords(settings, request):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
