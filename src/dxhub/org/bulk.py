"""Fast bulk loading of units and people (demo and scale data, large imports).

Paths are computed in memory from parent codes, so a whole tree goes in with a
few multi-row INSERTs instead of one locked read-modify-write per unit.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from dxhub.core.text import nfc, search_key

from . import tree
from .models import PeerGroup, Person, Unit


@transaction.atomic
def insert_units(specs: Iterable[dict]) -> list[Unit]:
    """Insert units given parent-before-child as dicts (code, parent, name, short_name,
    kind, peer_group code). Units whose code exists already are skipped (idempotent).
    Returns the units created."""
    known = {u.code: u for u in Unit.objects.only("id", "code", "path", "depth", "child_seq")}
    groups = {g.code: g.pk for g in PeerGroup.objects.all()}
    seq = {u.code: u.child_seq for u in known.values()}
    created: list[Unit] = []
    for spec in specs:
        code = spec["code"].upper()
        if code in known:
            continue
        parent_code = spec.get("parent")
        if parent_code is None:
            if any(u.depth == 1 for u in known.values()):
                raise ValueError(f"the tree already has a root; {code} needs a parent")
            path, depth = tree.child_path("", 1), 1
            parent = None
        else:
            parent = known[parent_code.upper()]
            seq[parent.code] = seq.get(parent.code, 0) + 1
            path, depth = tree.child_path(parent.path, seq[parent.code]), parent.depth + 1
        unit = Unit(
            code=code,
            name=nfc(spec["name"]),
            short_name=nfc(spec.get("short_name", "")),
            kind=spec["kind"],
            peer_group_id=groups.get(spec.get("peer_group")),
            parent=parent,
            path=path,
            depth=depth,
            valid_from=spec.get("valid_from"),
        )
        unit.search_text = search_key(unit.code, unit.short_name, unit.name)
        known[code] = unit
        seq[code] = 0
        created.append(unit)
    # One INSERT batch per level, so every parent has its id before its children go in.
    for depth in sorted({u.depth for u in created}):
        Unit.objects.bulk_create([u for u in created if u.depth == depth], batch_size=2000)
    # child_seq must follow the steps handed out, or later children would reuse a path.
    changed = []
    for code, n in seq.items():
        unit = known[code]
        if n != unit.child_seq:
            unit.child_seq = n
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["child_seq"], batch_size=2000)
    return created


def insert_people_fast(rows: Iterable[tuple], batch: int = 5000) -> int:
    """Bulk insert for scale data, skipping model overhead: rows are (identifier,
    full_name, gender, birth_year, category, rank, position, unit_id). PostgreSQL
    takes them through COPY; SQLite through multi-row executemany."""
    table = Person._meta.db_table
    cols = (
        "identifier",
        "full_name",
        "gender",
        "birth_year",
        "category",
        "rank",
        "position",
        "unit_id",
        "is_active",
        "search_text",
        "updated_at",
    )
    now = timezone.now()

    def prepared():
        for r in rows:
            ident, name = r[0], nfc(r[1])
            yield (ident, name, r[2], r[3], r[4], r[5], nfc(r[6]), r[7], True, search_key(name, ident), now)

    total = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in prepared():
                    copy.write_row(row)
                    total += 1
            return total
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
        buf = []
        for row in prepared():
            buf.append(row)
            if len(buf) >= batch:
                cur.executemany(sql, buf)
                total += len(buf)
                buf.clear()
        if buf:
            cur.executemany(sql, buf)
            total += len(buf)
    return total
