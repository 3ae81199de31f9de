"""Concurrent approvals and saves on PostgreSQL (SQLite serialises writers)."""

import threading

import pytest
from django.db import connection, connections

from dxhub.core.errors import DomainError
from dxhub.reporting import rollups, submissions
from dxhub.reporting.models import Rollup, Value

pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _together(fns):
    """Run the functions in threads released at the same moment; returns their errors."""
    errors, start = [], threading.Barrier(len(fns))

    def wrap(fn):
        try:
            start.wait(5)
            fn()
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pg
@pytest.mark.django_db(transaction=True)
def test_sibling_approvals_at_the_same_moment_lose_no_update(cat, org):
    cat.form.jump_threshold = 100
    cat.form.save()
    reviewer = cat.users["pheduyet_bqp"]
    subs = [
        cat.filled("HVHC-CNTT"),
        cat.filled("HVHC-TD1", values=cat.GOOD | {"DOC_TOTAL": "100", "DOC_SIGNED": "10"}),
        cat.filled("HVHC-TD1-DD1", values=cat.GOOD | {"DOC_TOTAL": "50", "DOC_SIGNED": "5"}),
        cat.filled("BTL86-TT", user="nhaplieu_86tt", values=cat.GOOD | {"DOC_TOTAL": "7", "DOC_SIGNED": "7"}),
    ]
    errors = _together([lambda s=s: submissions.approve(reviewer, [s]) for s in subs])
    assert not errors, errors
    root = Rollup.objects.get(unit=org.units["BQP"], indicator=cat.docs, period="2025-Q3")
    assert (root.n, root.value) == (4, 557)
    live = {(r.unit_id, r.indicator_id): (r.n, r.total, r.value) for r in Rollup.objects.filter(n__gt=0)}
    rollups.rebuild()
    assert live == {(r.unit_id, r.indicator_id): (r.n, r.total, r.value) for r in Rollup.objects.filter(n__gt=0)}


@pg
@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_draft_at_once_one_is_refused(cat, org):
    user, other = cat.users["nhaplieu_hvhc"], cat.users["qtv_hvhc"]
    sub = submissions.open_submission(user, org.units["HVHC-CNTT"], cat.form, "2025-Q3")
    seen = sub.revision
    errors = _together(
        [
            lambda: submissions.save_values(user, sub, {"PERSONNEL": "120"}, seen),
            lambda: submissions.save_values(other, sub, {"PERSONNEL": "999"}, seen),
        ]
    )
    assert len(errors) == 1 and isinstance(errors[0], DomainError) and errors[0].status == 409
    assert Value.objects.get(submission=sub, indicator=cat.personnel).num in (120, 999)
    sub.refresh_from_db()
    assert sub.revision == seen + 1


@pg
@pytest.mark.django_db(transaction=True)
def test_approve_and_reopen_racing_leave_consistent_rollups(cat, org):
    reviewer = cat.users["pheduyet_bqp"]
    a = cat.filled("HVHC-CNTT")
    submissions.approve(reviewer, [a])
    b = cat.filled("HVHC-TD1")
    errors = _together(
        [lambda: submissions.approve(reviewer, [b]), lambda: submissions.reopen(reviewer, a, "Sai số liệu")]
    )
    assert not errors, errors
    live = {(r.unit_id, r.indicator_id): (r.n, r.total, r.low, r.high, r.value) for r in Rollup.objects.filter(n__gt=0)}
    rollups.rebuild()
    assert live == {
        (r.unit_id, r.indicator_id): (r.n, r.total, r.low, r.high, r.value) for r in Rollup.objects.filter(n__gt=0)
    }
