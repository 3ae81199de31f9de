"""Concurrency on PostgreSQL (SQLite serialises writers with IMMEDIATE transactions)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from dxhub.audit.context import acting_as
from dxhub.audit.services import verify_chain
from dxhub.org import identifiers, services
from dxhub.org.models import Unit

pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _run(fn, errors):
    def wrap():
        try:
            fn()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    t = threading.Thread(target=wrap)
    t.start()
    return t


@pg
@pytest.mark.django_db(transaction=True)
def test_create_child_during_move_keeps_paths_consistent(org):
    admin = org.users["admin"]
    dd1, td1, cntt = org.unit("HVHC-TD1-DD1"), org.unit("HVHC-TD1"), org.unit("HVHC-CNTT")
    created, errors = threading.Event(), []

    def create():
        with transaction.atomic():
            services.create_unit(admin, dd1, code="RACE-1", name="Trung đội mới", kind="khac")
            created.set()
            time.sleep(1.0)  # the move's UPDATE now waits on DD1's row lock

    def move():
        created.wait(5)
        services.move_unit(admin, td1, cntt)

    ts = [_run(create, errors), _run(move, errors)]
    for t in ts:
        t.join()
    assert not errors, errors
    bad = []
    for u in Unit.objects.select_related("parent").exclude(parent=None):
        if not u.path.startswith(u.parent.path) or u.depth != u.parent.depth + 1:
            bad.append((u.code, u.path, u.parent.code, u.parent.path))
    assert not bad, bad


@pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_audit_chain(org):
    admin = org.users["admin"]
    errors = []
    unit = org.unit("HVHC")

    def writer(k):
        def go():
            with acting_as(admin):
                for i in range(15):
                    services.create_person(
                        admin,
                        identifier=identifiers.make(23, k * 1000 + i),
                        full_name=f"Người {k} {i}",
                        category="si_quan",
                        unit=unit,
                    )

        return go

    ts = [_run(writer(k), errors) for k in range(6)]
    for t in ts:
        t.join()
    assert not errors, errors
    v = verify_chain()
    assert v.ok, v
