import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext

from dxhub.audit import services as audit
from dxhub.audit.context import acting_as
from dxhub.org import bulk, demo_data, identifiers
from dxhub.org.choices import UnitKind
from dxhub.org.models import Person, Unit

# Unit kinds by depth for generated units (depth 1 is the ministry).
KIND_BY_DEPTH = {
    2: [
        UnitKind.MILITARY_REGION,
        UnitKind.GENERAL_DEPARTMENT,
        UnitKind.SERVICE,
        UnitKind.ACADEMY,
        UnitKind.COMMAND,
    ],
    3: [UnitKind.DIVISION, UnitKind.AGENCY, UnitKind.BRIGADE, UnitKind.PROVINCIAL_COMMAND],
    4: [UnitKind.REGIMENT, UnitKind.AGENCY],
    5: [UnitKind.BATTALION],
    6: [UnitKind.COMPANY],
}
NAME_BY_KIND = {
    UnitKind.MILITARY_REGION: "Quân khu",
    UnitKind.GENERAL_DEPARTMENT: "Tổng cục",
    UnitKind.SERVICE: "Quân chủng",
    UnitKind.ACADEMY: "Học viện",
    UnitKind.COMMAND: "Bộ Tư lệnh",
    UnitKind.DIVISION: "Sư đoàn",
    UnitKind.AGENCY: "Cục",
    UnitKind.BRIGADE: "Lữ đoàn",
    UnitKind.PROVINCIAL_COMMAND: "Bộ CHQS",
    UnitKind.REGIMENT: "Trung đoàn",
    UnitKind.BATTALION: "Tiểu đoàn",
    UnitKind.COMPANY: "Đại đội",
}
FANOUT = [40, 8, 8, 5, 4]  # children per unit at depth 1, 2, 3, 4, 5
SCALE_SERIAL_BASE = 500_000_000  # scale people never collide with demo identifiers


class Command(BaseCommand):
    # gettext at run time, not gettext_lazy: argparse cannot wrap a lazy string for --help.
    @property
    def help(self):
        return gettext("Sinh dữ liệu quy mô toàn quân (mặc định 20 000 đơn vị, 500 000 quân nhân) để đo hiệu năng.")

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=20_000)
        parser.add_argument("--people", type=int, default=500_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, units, people, seed, **options):
        rng = random.Random(seed)
        t0 = time.perf_counter()
        with acting_as(username="seed_scale"), transaction.atomic():
            specs = self._unit_specs(units, rng)
            created = bulk.insert_units(specs)
            t1 = time.perf_counter()
            self.stdout.write(f"units: {len(created)} created in {t1 - t0:.1f} s")
            unit_rows = list(Unit.objects.filter(code__startswith="S-").values("id", "code", "kind"))
            unit_ids = [u["id"] for u in unit_rows]
            start = Person.objects.count()
            names = demo_data.name_source(seed)
            rows = (
                (
                    (
                        identifiers.make(2000 + (i % 26), SCALE_SERIAL_BASE + start + i),
                        names(),
                        "M" if rng.random() < 0.88 else "F",
                        rng.randint(1966, 2006),
                        rng.choice(("si_quan", "qncn", "cnvqp", "hsq_bs", "hsq_bs")),
                        "",
                        "",
                        unit_ids[rng.randrange(len(unit_ids))],
                    )
                    for i in range(people)
                )
                if unit_ids
                else iter(())
            )
            n = bulk.insert_people_fast(rows)
            t2 = time.perf_counter()
            self.stdout.write(f"people: {n} created in {t2 - t1:.1f} s")
            audit.record(
                "import",
                None,
                object_type="org.bulk",
                object_repr="seed_scale",
                after={"units": len(created), "people": n},
            )
        self.stdout.write(self.style.SUCCESS(f"seed_scale done in {time.perf_counter() - t0:.1f} s"))

    def _unit_specs(self, target: int, rng: random.Random) -> list[dict]:
        specs = []
        root = Unit.objects.filter(depth=1).first()
        root_code = root.code if root else "BQP"
        if root is None:
            specs.append({"code": "BQP", "parent": None, "name": "Bộ Quốc phòng", "short_name": "BQP", "kind": "bo"})
        frontier = [(root_code, 1)]
        n = Unit.objects.filter(code__startswith="S-").count()
        if n >= target:
            return specs
        counter = 0
        while frontier and n < target:
            next_frontier = []
            for parent_code, depth in frontier:
                fan = FANOUT[min(depth - 1, len(FANOUT) - 1)]
                for _ in range(fan):
                    if n >= target:
                        break
                    counter += 1
                    kind = rng.choice(KIND_BY_DEPTH.get(depth + 1, [UnitKind.COMPANY]))
                    code = f"S-{counter:06d}"
                    specs.append(
                        {
                            "code": code,
                            "parent": parent_code,
                            "kind": kind,
                            "name": f"{NAME_BY_KIND.get(kind, 'Đơn vị')} {counter}",
                            "short_name": code,
                        }
                    )
                    next_frontier.append((code, depth + 1))
                    n += 1
            frontier = next_frontier
        return specs
