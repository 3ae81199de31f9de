from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Role
from dxhub.assessment.demo import load_frameworks, load_rounds
from dxhub.assessment.models import Round
from dxhub.audit import services as audit
from dxhub.audit.context import acting_as
from dxhub.org import bulk, demo_data, identifiers
from dxhub.org.models import PeerGroup, Person, Unit
from dxhub.plans.demo import load_plans
from dxhub.plans.models import Assignment, Plan, Task, UnitTarget
from dxhub.reporting.demo import load_catalogue, load_form, load_values
from dxhub.reporting.models import Indicator, Submission
from dxhub.training import coverage
from dxhub.training.demo import load_training
from dxhub.training.models import BasicSkills, Completion, Course, Response, TrainingClass

DEMO_PASSWORD = "Dxhub@2025"  # noqa: S105 - demo data only, printed to the operator

# (username, full name, unit code, role): one account per role, on units the seeds name.
DEMO_ACCOUNTS = [
    ("quantri", "Quản trị hệ thống", "BQP", Role.SYSTEM_ADMIN),
    ("qtv.hvhc", "Đỗ Mạnh Tiến", "HVHC", Role.UNIT_ADMIN),
    ("lanhdao.bqp", "Nguyễn Quốc Hưng", "BQP", Role.LEADER),
    ("lanhdao.hvhc", "Trần Đức Thịnh", "HVHC", Role.LEADER),
    ("lanhdao.btl86", "Trần Văn Thắng", "BTL86", Role.LEADER),
    ("nhaplieu.hvhc", "Lê Thị Thu Hà", "HVHC", Role.DATA_ENTRY),
    ("nhaplieu.vphvhc", "Nguyễn Thị Thanh Hương", "HVHC-VP", Role.DATA_ENTRY),
    ("pheduyet.tckt", "Phạm Quang Huy", "TCKT", Role.REVIEWER),
    ("pheduyet.hvhc", "Nguyễn Văn Bình", "HVHC", Role.REVIEWER),
    ("pheduyet.bqp", "Vũ Thị Lan", "BQP", Role.REVIEWER),
    ("thamdinh.bqp", "Hoàng Minh Tuấn", "BQP", Role.ASSESSOR),
]


class Command(BaseCommand):
    # gettext at run time, not gettext_lazy: argparse cannot wrap a lazy string for --help.
    @property
    def help(self):
        return _(
            "Nạp tổ chức mẫu (Bộ Quốc phòng, ~300 đơn vị, ~5 000 quân nhân, tài khoản mẫu). Chạy lại không thay đổi gì."
        )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=5200)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, people, quiet, **options):
        with acting_as(username="seed_demo"), transaction.atomic():
            groups = self._peer_groups()
            specs = demo_data.demo_units()
            units = bulk.insert_units(specs)
            new_people = self._people(specs, people)
            accounts = self._accounts()
            indicators = load_catalogue()  # audits itself
            changes = [audit.Change("create", g, None, audit.snapshot(g)) for g in groups]
            changes += [audit.Change("create", u, None, audit.snapshot(u), u.pk) for u in units]
            changes += [audit.Change("import", p, None, audit.snapshot(p), p.unit_id) for p in new_people]
            changes += [audit.Change("create", a, None, audit.snapshot(a), a.unit_id) for a in accounts]
            audit.record_many(changes)
            load_form()
            new_reports = load_values()
            load_frameworks()
            new_rounds = load_rounds()
            new_plans = load_plans()
            new_training = load_training()
        if not quiet:
            self.stdout.write(
                _(
                    "Tổ chức mẫu: %(units)s đơn vị, %(people)s quân nhân "
                    "(lần này thêm %(new_units)s đơn vị, %(new_people)s quân nhân, %(new_roles)s phân quyền)."
                )
                % {
                    "units": Unit.objects.count(),
                    "people": Person.objects.count(),
                    "new_units": len(units),
                    "new_people": len(new_people),
                    "new_roles": len(accounts),
                }
            )
            self.stdout.write(
                _("Danh mục chỉ tiêu: %(n)s chỉ tiêu (lần này thêm %(new)s).")
                % {"n": Indicator.objects.count(), "new": len(indicators)}
            )
            self.stdout.write(
                _("Báo cáo định kỳ mẫu: %(n)s phiếu trong 8 quý (lần này thêm %(new)s).")
                % {"n": Submission.objects.count(), "new": new_reports}
            )
            self.stdout.write(
                _("Đánh giá chuyển đổi số: %(n)s kỳ đánh giá (lần này thêm %(new)s).")
                % {"n": Round.objects.count(), "new": len(new_rounds)}
            )
            self.stdout.write(
                _(
                    "Kế hoạch chuyển đổi số: %(n)s kế hoạch, %(tasks)s nhiệm vụ giao %(assignments)s lượt đơn vị, "
                    "%(shares)s chỉ tiêu giao đơn vị (lần này thêm %(new)s kế hoạch)."
                )
                % {
                    "n": Plan.objects.count(),
                    "tasks": Task.objects.count(),
                    "assignments": Assignment.objects.count(),
                    "shares": UnitTarget.objects.count(),
                    "new": len(new_plans),
                }
            )
            active = Person.objects.filter(is_active=True).count()
            share = coverage.percent(BasicSkills.objects.filter(person__is_active=True).count(), active)
            self.stdout.write(
                _(
                    "Bình dân học vụ số: %(courses)s khóa học, %(answers)s phiếu khảo sát nhu cầu, %(classes)s lớp, "
                    "%(certificates)s chứng nhận; %(share)s %% quân số có kỹ năng số cơ bản "
                    "(lần này thêm %(new_answers)s phiếu, %(new_certificates)s chứng nhận)."
                )
                % {
                    "courses": Course.objects.count(),
                    "answers": Response.objects.count(),
                    "classes": TrainingClass.objects.count(),
                    "certificates": Completion.objects.count(),
                    "share": str(share if share is not None else 0).replace(".", ","),
                    "new_answers": new_training["responses"],
                    "new_certificates": new_training["completions"],
                }
            )
            self.stdout.write(_("Tài khoản mẫu (mật khẩu chung: %(password)s):") % {"password": DEMO_PASSWORD})
            for username, name, code, role in DEMO_ACCOUNTS:
                self.stdout.write(f"  {username:<16} {Role(role).label} — {code} ({name})")

    def _peer_groups(self):
        created = []
        for code, name in demo_data.PEER_GROUPS:
            group, was_created = PeerGroup.objects.get_or_create(code=code, defaults={"name": name})
            if was_created:
                created.append(group)
        return created

    def _people(self, specs, count):
        unit_ids = dict(Unit.objects.values_list("code", "id"))
        batch = []
        for i, p in enumerate(demo_data.demo_people(specs, count=count)):
            batch.append(
                Person(
                    identifier=identifiers.make(p["joined_year"], 1000 + i),
                    full_name=p["full_name"],
                    gender=p["gender"],
                    birth_year=p["birth_year"],
                    category=p["category"],
                    rank=p["rank"] or "",
                    position=p["position"],
                    unit_id=unit_ids[p["unit_code"]],
                ).prepare()
            )
        existing = set(
            Person.objects.filter(identifier__in=[p.identifier for p in batch]).values_list("identifier", flat=True)
        )
        new = [p for p in batch if p.identifier not in existing]
        Person.objects.bulk_create(new, batch_size=1000)
        return new

    def _accounts(self):
        granted = []
        for username, name, code, role in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=name)
                user.set_password(DEMO_PASSWORD)
                user.save()
            unit = Unit.objects.get(code=code)
            assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
            if created:
                granted.append(assignment)
        return granted
