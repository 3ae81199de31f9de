import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TREE
from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError, NotInScope
from dxhub.org import identifiers, services, tree
from dxhub.org.models import Unit


def test_step_encoding_round_trips_and_sorts():
    steps = [tree.encode_step(n) for n in (0, 1, 35, 36, 1295, tree.MAX_STEP)]
    assert steps == sorted(steps)
    assert [tree.decode_step(s) for s in steps] == [0, 1, 35, 36, 1295, tree.MAX_STEP]
    with pytest.raises(ValueError):
        tree.encode_step(tree.MAX_STEP + 1)


def test_successor_bounds_the_subtree():
    assert tree.successor("0001") == "0002"
    assert tree.successor("0001000Z") == "0001001"
    for inside in ("0001000Z", "0001000Z0001", "0001000ZZZZZ"):
        assert "0001000Z" <= inside < tree.successor("0001000Z")
    assert not (tree.successor("0001000Z") > "0001001")


def test_subtree_query_and_ancestors(org):
    hvhc = org.unit("HVHC")
    codes = set(Unit.objects.subtree(hvhc).values_list("code", flat=True))
    assert codes == {"HVHC", "HVHC-CNTT", "HVHC-TD1", "HVHC-TD1-DD1"}
    dd1 = org.unit("HVHC-TD1-DD1")
    assert [u.code for u in dd1.ancestors()] == ["BQP", "HVHC", "HVHC-TD1"]
    assert dd1.depth == 4


def test_create_unit_takes_next_step_and_is_audited(org):
    admin = org.users["qtv_hvhc"]
    before = AuditEvent.objects.count()
    unit = services.create_unit(admin, org.unit("HVHC"), code="hvhc-k1", name="Khoa  Chỉ huy hậu cần", kind="co_quan")
    assert unit.code == "HVHC-K1" and unit.name == "Khoa Chỉ huy hậu cần"
    assert unit.path.startswith(org.unit("HVHC").path) and unit.depth == 3
    assert AuditEvent.objects.count() == before + 1
    with pytest.raises(DomainError) as exc:
        services.create_unit(admin, org.unit("HVHC"), code="HVHC-K1", name="Trùng mã", kind="co_quan")
    assert "đã được dùng" in exc.value.problems["code"]


def test_create_unit_outside_scope_is_refused(org):
    with pytest.raises(NotInScope):
        services.create_unit(org.users["qtv_hvhc"], org.unit("BTL86"), code="X1", name="X", kind="co_quan")


def test_move_unit_moves_subtree_and_audits(org):
    admin = org.users["admin"]
    td1 = org.unit("HVHC-TD1")
    services.move_unit(admin, td1, org.unit("BTL86"))
    td1.refresh_from_db()
    dd1 = org.unit("HVHC-TD1-DD1")
    assert td1.parent.code == "BTL86"
    assert dd1.path.startswith(td1.path) and dd1.depth == td1.depth + 1
    assert set(Unit.objects.subtree(org.unit("BTL86")).values_list("code", flat=True)) >= {
        "HVHC-TD1",
        "HVHC-TD1-DD1",
    }
    ev = AuditEvent.objects.filter(action="move").get()
    assert ev.before["parent_id"] == org.unit("HVHC").pk and ev.after["units_moved"] == 2


def test_move_into_own_subtree_is_refused(org):
    admin = org.users["admin"]
    paths = dict(Unit.objects.values_list("code", "path"))
    for target in ("HVHC-TD1", "HVHC-TD1-DD1"):
        with pytest.raises(DomainError) as exc:
            services.move_unit(admin, org.unit("HVHC-TD1"), org.unit(target))
        assert "vào chính nó hoặc vào đơn vị cấp dưới" in exc.value.message
    assert dict(Unit.objects.values_list("code", "path")) == paths


def test_move_root_is_refused(org):
    with pytest.raises(DomainError, match="đơn vị gốc"):
        services.move_unit(org.users["admin"], org.unit("BQP"), org.unit("HVHC"))


def test_move_needs_rights_on_both_ends(org):
    # A unit admin of HVHC cannot move a HVHC unit under BTL86, nor pull one out of BTL86.
    with pytest.raises(NotInScope):
        services.move_unit(org.users["qtv_hvhc"], org.unit("HVHC-TD1"), org.unit("BTL86"))
    with pytest.raises(NotInScope):
        services.move_unit(org.users["qtv_hvhc"], org.unit("BTL86-TT"), org.unit("HVHC"))
    # and cannot move its own root unit away.
    with pytest.raises(NotInScope):
        services.move_unit(org.users["qtv_hvhc"], org.unit("HVHC"), org.unit("HVHC-CNTT"))


def test_delete_unit_with_children_or_people_is_refused(org):
    admin = org.users["admin"]
    with pytest.raises(DomainError) as exc:
        services.delete_unit(admin, org.unit("HVHC-TD1"))
    assert "còn 1 đơn vị trực thuộc" in exc.value.message and "còn 1 quân nhân" in exc.value.message
    assert Unit.objects.filter(code="HVHC-TD1").exists()


def test_delete_empty_unit_is_audited(org):
    admin = org.users["admin"]
    unit = services.create_unit(admin, org.unit("BTL86"), code="TAM", name="Tổ tạm thời", kind="co_quan")
    services.delete_unit(admin, unit)
    assert not Unit.objects.filter(code="TAM").exists()
    assert AuditEvent.objects.filter(action="delete", object_type="org.unit", object_id=str(unit.pk)).exists()


def test_validity_dates_checked(org):
    import datetime as dt

    with pytest.raises(DomainError) as exc:
        services.update_unit(
            org.users["admin"],
            org.unit("HVHC-CNTT"),
            valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2024, 1, 1),
        )
    assert "valid_to" in exc.value.problems


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=8))
def test_tree_invariants_hold_after_any_moves(org, moves):
    """Whatever legal moves happen, each path is parent path + one step and subtrees agree with parent links."""
    admin = org.users["admin"]
    codes = [c for c, *_ in TREE]
    for a, b in moves:
        unit, target = org.unit(codes[a]), org.unit(codes[b])
        with contextlib.suppress(DomainError):
            services.move_unit(admin, unit, target)
    units = {u.pk: u for u in Unit.objects.all()}
    for u in units.values():
        if u.parent_id is None:
            assert u.depth == 1
            continue
        parent = units[u.parent_id]
        assert u.path[: -tree.STEP] == parent.path and u.depth == parent.depth + 1
    for u in units.values():
        by_links = {u.pk}
        frontier = [u.pk]
        while frontier:
            frontier = [c.pk for c in units.values() if c.parent_id in frontier]
            by_links.update(frontier)
        assert set(Unit.objects.subtree(u).values_list("pk", flat=True)) == by_links


def test_merge_moves_children_and_people_and_keeps_the_record(org):
    import datetime as dt

    admin = org.users["admin"]
    td1 = org.unit("HVHC-TD1")
    services.dissolve_unit(admin, td1, dt.date(2025, 7, 1), successor=org.unit("HVHC-CNTT"), note="QĐ 123/QĐ-HV")
    td1.refresh_from_db()
    assert not td1.is_active and td1.valid_to == dt.date(2025, 7, 1) and "QĐ 123" in td1.note
    assert org.unit("HVHC-TD1-DD1").parent.code == "HVHC-CNTT"
    assert org.people["HVHC-TD1"].__class__.objects.get(pk=org.people["HVHC-TD1"].pk).unit.code == "HVHC-CNTT"
    assert AuditEvent.objects.filter(action="move").count() == 2  # the company and the person
    assert AuditEvent.objects.filter(action="update", object_id=str(td1.pk)).get().after["successor_id"]
    with pytest.raises(DomainError, match="đã ngừng hoạt động"):
        services.dissolve_unit(admin, td1, dt.date(2025, 8, 1))


def test_dissolve_without_successor_needs_an_empty_unit(org):
    import datetime as dt

    admin = org.users["admin"]
    with pytest.raises(DomainError) as exc:
        services.dissolve_unit(admin, org.unit("HVHC-TD1"), dt.date(2025, 7, 1))
    assert "còn 1 đơn vị trực thuộc" in exc.value.message
    with pytest.raises(DomainError, match="cấp dưới"):
        services.dissolve_unit(admin, org.unit("HVHC-TD1"), dt.date(2025, 7, 1), successor=org.unit("HVHC-TD1-DD1"))
    assert Unit.objects.get(code="HVHC-TD1").is_active
    with pytest.raises(NotInScope):
        services.dissolve_unit(
            org.users["qtv_hvhc"], org.unit("HVHC-TD1"), dt.date(2025, 7, 1), successor=org.unit("BTL86")
        )


def test_dissolved_units_take_no_new_units_or_people(org):
    import datetime as dt

    from dxhub.org.models import Person

    admin = org.users["admin"]
    cntt = org.unit("HVHC-CNTT")
    services.dissolve_unit(admin, cntt, dt.date(2025, 7, 1), successor=org.unit("HVHC"))
    cntt.refresh_from_db()
    with pytest.raises(DomainError, match="ngừng hoạt động"):
        services.create_unit(admin, cntt, code="X", name="X", kind="co_quan")
    with pytest.raises(DomainError, match="ngừng hoạt động"):
        services.move_unit(admin, org.unit("HVHC-TD1"), cntt)
    with pytest.raises(DomainError) as exc:
        services.create_person(
            admin, identifier=identifiers.make(21, 99990), full_name="A", category="si_quan", unit=cntt
        )
    assert "ngừng hoạt động" in str(exc.value.problems)
    # someone who stayed on the dissolved unit's rolls (inactive) can still be corrected
    leftover = Person(
        identifier=identifiers.make(21, 99991), full_name="Người Cũ", category="si_quan", unit=cntt, is_active=False
    )
    leftover.save()
    services.update_person(admin, leftover, full_name="Người Cũ Đã Sửa")
    assert Person.objects.get(pk=leftover.pk).full_name == "Người Cũ Đã Sửa"
