from django.core.management import call_command
from django.db.models import Max

from dxhub.accounts.models import RoleAssignment
from dxhub.accounts.roles import Role
from dxhub.audit.models import AuditEvent
from dxhub.audit.services import verify_chain
from dxhub.org import identifiers
from dxhub.org.models import Person, Unit


def test_seed_demo_builds_the_organisation_and_is_idempotent(db):
    call_command("seed_demo", quiet=True)
    assert Unit.objects.count() >= 300
    assert Unit.objects.aggregate(d=Max("depth"))["d"] >= 5
    assert Person.objects.count() >= 5000
    root = Unit.objects.get(depth=1)
    assert root.name == "Bộ Quốc phòng"
    level2 = set(Unit.objects.filter(depth=2).values_list("name", flat=True))
    for body in (
        "Bộ Tổng Tham mưu",
        "Tổng cục Kỹ thuật",
        "Bộ Tư lệnh 86",
        "Bộ Tư lệnh Thủ đô Hà Nội",
        "Học viện Hậu cần",
    ):
        assert body in level2
    assert any(n.startswith("Tổng cục Chính trị") for n in level2)
    assert Unit.objects.filter(kind="benh_vien").count() >= 2
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(identifiers.is_valid(i) for i in Person.objects.values_list("identifier", flat=True)[:500])
    from dxhub.reporting import catalogue
    from dxhub.reporting.models import Indicator
    from dxhub.reporting.periods import Period
    from dxhub.reporting.validation import compute_all

    assert Indicator.objects.count() >= 40
    share = Indicator.objects.get(code="DOC_SIGNED_PCT")
    assert share.weight.code == "DOC_TOTAL" and share.formulas.count() == 1
    in_force = catalogue.formulas_in_force(Period.parse("2023-Q4"))
    assert compute_all({"DOC_SIGNED_PCT": in_force["DOC_SIGNED_PCT"]}, {"DOC_SIGNED": 72, "DOC_TOTAL": 100}) == {
        "DOC_SIGNED_PCT": 72
    }
    from dxhub.assessment.models import Result, Round

    rounds = {r.year: r for r in Round.objects.all()}
    assert {y: r.phase for y, r in rounds.items()} == {2024: "published", 2025: "published", 2026: "self"}
    assert rounds[2025].published_version == 2  # one correction after publication
    academy = Result.objects.get(round=rounds[2025], version=2, participant__unit__code="HVHC")
    assert (str(academy.index), academy.band) == ("0.8330", "tot")  # "đạt chỉ số 0.833, xếp hạng Tốt"
    assert academy.previous_index is not None and academy.rank_lo <= academy.rank <= academy.rank_hi
    assert rounds[2026].participants.get(unit__code="HVHC").submitted_at is None
    snapshot = (
        Unit.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.count(),
        RoleAssignment.objects.count(),
    )
    call_command("seed_demo", quiet=True)
    assert (
        Unit.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.count(),
        RoleAssignment.objects.count(),
    ) == snapshot
    assert verify_chain().ok


def test_seed_scale_small(db):
    call_command("seed_scale", units=1000, people=2000, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Unit.objects.filter(code__startswith="S-").count() == 1000
    assert Person.objects.count() == 2000
    assert Unit.objects.aggregate(d=Max("depth"))["d"] >= 4
    sample = Person.objects.order_by("?")[:50]
    assert all(identifiers.is_valid(p.identifier) and p.search_text.startswith(" ") for p in sample)
    # the generated tree is consistent: every subtree query agrees with the parent links
    some = Unit.objects.filter(depth=2).first()
    by_links, frontier = {some.pk}, [some.pk]
    while frontier:
        frontier = list(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        by_links.update(frontier)
    assert set(Unit.objects.subtree(some).values_list("pk", flat=True)) == by_links


def test_postgres_has_trigram_search_indexes(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        import pytest

        pytest.skip("trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%search_trgm'")
        assert {r[0] for r in cur.fetchall()} == {"org_person_search_trgm", "org_unit_search_trgm"}


def test_only_one_root(db):
    import pytest
    from django.db import IntegrityError

    from dxhub.org import bulk

    bulk.insert_units([{"code": "BQP", "parent": None, "name": "Bộ Quốc phòng", "kind": "bo"}])
    with pytest.raises(ValueError):
        bulk.insert_units([{"code": "GOC2", "parent": None, "name": "Gốc thứ hai", "kind": "bo"}])
    with pytest.raises(IntegrityError):
        Unit(code="GOC3", name="Gốc ba", kind="bo", path="0002", depth=1).save()
