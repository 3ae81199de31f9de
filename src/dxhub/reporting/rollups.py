"""Live roll-ups: approved figures added up through the unit tree.

``apply`` runs inside the approval (or reopening) transaction and adjusts the rows of
the unit and each of its ancestors, so a dashboard reads an approved figure the
moment the approval commits; there is no nightly rebuild. ``rebuild`` recomputes
everything from the approved values with one set-based statement per tree level; it
is the repair tool (``manage.py rebuild_rollups``) and the reference the incremental
path is tested against.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Max

from dxhub.org import tree
from dxhub.org.models import Unit

from .models import Indicator, Rollup, Submission, Value
from .signals import figures_changed

A = Indicator.Aggregation
Q4 = Decimal("0.0001")
_FIELDS = ["n", "total", "weighted_total", "weight_total", "yes", "low", "high", "value"]
_UPDATE_ROW = (
    "UPDATE reporting_rollup SET n = %s, total = %s, weighted_total = %s, weight_total = %s, "
    "yes = %s, low = %s, high = %s, value = %s WHERE id = %s"
)


def derive(row: Rollup, aggregation: str) -> Decimal | None:
    """The figure shown for a roll-up row, from its running sums (rounded half up, as
    PostgreSQL's NUMERIC does in ``rebuild``)."""
    if row.n <= 0:
        return None
    if aggregation == A.SUM:
        result = row.total
    elif aggregation == A.AVG:
        result = Decimal(row.total) / row.n
    elif aggregation == A.WEIGHTED_AVG:
        result = Decimal(row.weighted_total) / Decimal(row.weight_total) if row.weight_total else None
    elif aggregation == A.MIN:
        result = row.low
    elif aggregation == A.MAX:
        result = row.high
    elif aggregation == A.SHARE_YES:
        result = Decimal(100) * row.yes / row.n
    else:
        return None
    return None if result is None else Decimal(result).quantize(Q4, rounding=ROUND_HALF_UP)


@dataclass
class Delta:
    """What one submission, or one moved subtree, adds to a roll-up row."""

    n: int
    total: Decimal
    weighted_total: Decimal
    weight_total: Decimal
    yes: int
    low: Decimal | None
    high: Decimal | None


def _submission_deltas(submission: Submission) -> dict[tuple[int, str], Delta]:
    values = list(Value.objects.filter(submission=submission, num__isnull=False).select_related("indicator"))
    by_indicator = {v.indicator_id: v.num for v in values}  # weights may be indicators not rolled up themselves
    out = {}
    for v in values:
        ind = v.indicator
        if ind.aggregation == A.NONE or ind.value_type == Indicator.ValueType.TEXT:
            continue
        weight = by_indicator.get(ind.weight_id) if ind.aggregation == A.WEIGHTED_AVG else None
        out[(ind.pk, submission.period)] = Delta(
            n=1,
            total=v.num,
            weighted_total=v.num * weight if weight is not None else Decimal(0),
            weight_total=weight if weight is not None else Decimal(0),
            yes=1 if ind.aggregation == A.SHARE_YES and v.num == 1 else 0,
            low=v.num,
            high=v.num,
        )
    return out


def apply(submission: Submission, sign: int) -> int:
    """Add (+1, on approval) or take away (-1, on reopening) a submission's values in
    the roll-ups of its unit and every ancestor. Runs in the caller's transaction."""
    assert sign in (1, -1)
    unit = submission.unit
    holders = list(Unit.objects.filter(path__in=[*tree.ancestor_paths(unit.path), unit.path]).values_list("pk", "path"))
    deltas = _submission_deltas(submission)
    changed = _adjust(holders, deltas, sign, leaving=submission if sign < 0 else None)
    _announce(holders, deltas)
    return changed


def _announce(holders, deltas) -> None:
    if holders and deltas:
        figures_changed.send(
            sender=Rollup, unit_ids=[pk for pk, _path in holders], indicator_ids=sorted({i for i, _p in deltas})
        )


def move_subtree(unit: Unit, old_path: str) -> int:
    """After ``unit`` moved (its path already changed), its subtree's approved figures
    leave the old ancestors and join the new ones. The unit's own rows hold exactly
    those figures; ancestors the old and new place share are left alone."""
    old, new = set(tree.ancestor_paths(old_path)), set(tree.ancestor_paths(unit.path))
    deltas = {
        (r.indicator_id, r.period): Delta(r.n, r.total, r.weighted_total, r.weight_total, r.yes, r.low, r.high)
        for r in Rollup.objects.filter(unit=unit, n__gt=0)
    }
    if not deltas:
        return 0
    leaving = list(Unit.objects.filter(path__in=old - new).values_list("pk", "path"))
    joining = list(Unit.objects.filter(path__in=new - old).values_list("pk", "path"))
    changed = _adjust(leaving, deltas, -1) + _adjust(joining, deltas, +1)
    _announce(leaving + joining, deltas)
    return changed


def _adjust(holders: list[tuple[int, str]], deltas: dict[tuple[int, str], Delta], sign: int, leaving=None) -> int:
    """Add ``sign`` × each delta to the rows of each holder unit.

    Rows are created (in a fixed order) and then locked in primary-key order, so
    concurrent approvals of sibling units queue on their common ancestors instead
    of losing updates or deadlocking. Rows are never deleted (a concurrent locker
    would skip a deleted row); an emptied row keeps n = 0 and no value. When a
    minimum or maximum leaves, or a row would go below zero (it did not hold what is
    taken out), the row is recomputed from the approved values instead.
    """
    if not holders or not deltas:
        return 0
    aggregations = dict(Indicator.objects.filter(pk__in={i for i, _p in deltas}).values_list("pk", "aggregation"))
    periods = sorted({p for _i, p in deltas})
    keys = sorted((u, i, p) for u, _path in holders for (i, p) in deltas)
    Rollup.objects.bulk_create([Rollup(unit_id=u, indicator_id=i, period=p) for u, i, p in keys], ignore_conflicts=True)
    rows = list(
        Rollup.objects.select_for_update()
        .filter(period__in=periods, indicator_id__in={i for i, _p in deltas}, unit_id__in=[u for u, _p in holders])
        .order_by("pk")
    )
    paths = dict(holders)
    for row in rows:
        d = deltas.get((row.indicator_id, row.period))
        if d is None:
            continue
        stale = sign < 0 and (row.n < d.n or (d.low is not None and (d.low == row.low or d.high == row.high)))
        if stale:
            _recompute(row, paths[row.unit_id], leaving, aggregations[row.indicator_id])
        else:
            row.n += sign * d.n
            row.total += sign * d.total
            row.weighted_total += sign * d.weighted_total
            row.weight_total += sign * d.weight_total
            row.yes += sign * d.yes
            if sign > 0 and d.low is not None:
                row.low = d.low if row.low is None else min(row.low, d.low)
                row.high = d.high if row.high is None else max(row.high, d.high)
        if row.n == 0:
            row.total = row.weighted_total = row.weight_total = Decimal(0)
            row.yes, row.low, row.high = 0, None, None
        row.value = derive(row, aggregations[row.indicator_id])
    _write([r for r in rows if (r.indicator_id, r.period) in deltas])
    return len(rows)


def _write(rows: list[Rollup]) -> None:
    """Save the rows' sums: one prepared UPDATE run for every row (Django's bulk_update
    builds a CASE expression per field and row, ten times slower here)."""
    with connection.cursor() as cursor:
        cursor.executemany(_UPDATE_ROW, [[getattr(r, f) for f in _FIELDS] + [r.pk] for r in rows])


def _recompute(row: Rollup, path: str, leaving: Submission | None, aggregation: str) -> None:
    """Set a row's sums from the approved values of its subtree (without ``leaving``)."""
    values = Value.objects.filter(
        indicator_id=row.indicator_id,
        num__isnull=False,
        submission__period=row.period,
        submission__status=Submission.Status.APPROVED,
        submission__unit__path__gte=path,
        submission__unit__path__lt=tree.successor(path),
    )
    if leaving is not None:
        values = values.exclude(submission=leaving)
    weights = {}
    if aggregation == A.WEIGHTED_AVG:
        weights = dict(
            Value.objects.filter(
                submission__in=values.values("submission"),
                indicator_id=Indicator.objects.filter(pk=row.indicator_id).values("weight_id")[:1],
            ).values_list("submission_id", "num")
        )
    nums = list(values.values_list("submission_id", "num"))
    row.n = len(nums)
    row.total = sum((n for _s, n in nums), Decimal(0))
    row.weighted_total = sum((n * weights[s] for s, n in nums if weights.get(s) is not None), Decimal(0))
    row.weight_total = sum((weights[s] for s, _n in nums if weights.get(s) is not None), Decimal(0))
    row.yes = sum(1 for _s, n in nums if n == 1) if aggregation == A.SHARE_YES else 0
    row.low = min((n for _s, n in nums), default=None)
    row.high = max((n for _s, n in nums), default=None)


_REBUILD_LEVEL = """
INSERT INTO reporting_rollup
    (unit_id, indicator_id, period, n, total, weighted_total, weight_total, yes, low, high, value)
SELECT a.id, v.indicator_id, s.period, COUNT(*), SUM(v.num),
       COALESCE(SUM(v.num * w.num), 0), COALESCE(SUM(w.num), 0),
       SUM(CASE WHEN i.aggregation = 'share_yes' AND v.num = 1 THEN 1 ELSE 0 END),
       MIN(v.num), MAX(v.num),
       CASE i.aggregation
           WHEN 'sum' THEN SUM(v.num)
           WHEN 'avg' THEN 1.0 * SUM(v.num) / COUNT(*)
           WHEN 'weighted_avg' THEN 1.0 * SUM(v.num * w.num) / NULLIF(SUM(w.num), 0)
           WHEN 'min' THEN MIN(v.num)
           WHEN 'max' THEN MAX(v.num)
           WHEN 'share_yes' THEN 100.0 * SUM(CASE WHEN v.num = 1 THEN 1 ELSE 0 END) / COUNT(*)
       END
FROM reporting_value v
JOIN reporting_submission s ON s.id = v.submission_id
JOIN org_unit u ON u.id = s.unit_id
JOIN reporting_indicator i ON i.id = v.indicator_id
LEFT JOIN reporting_value w
       ON i.aggregation = 'weighted_avg' AND w.submission_id = v.submission_id AND w.indicator_id = i.weight_id
JOIN org_unit a ON a.path = substr(u.path, 1, %s)
WHERE s.status = 'approved' AND v.num IS NOT NULL AND i.aggregation <> 'none' AND u.depth >= %s {period_filter}
GROUP BY a.id, v.indicator_id, s.period, i.aggregation
"""


@transaction.atomic
def rebuild(period: str | None = None, indicator_id: int | None = None) -> int:
    """Recompute the roll-up rows (of one period and/or one indicator, or all) from the
    approved values. On PostgreSQL the table is locked meanwhile, so an approval that
    commits during the rebuild waits and then adds itself to the rebuilt rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE reporting_rollup IN EXCLUSIVE MODE")
    rows = Rollup.objects.all()
    conditions, params = [], []
    if period is not None:
        rows, conditions, params = rows.filter(period=period), [*conditions, "s.period = %s"], [*params, period]
    if indicator_id is not None:
        rows = rows.filter(indicator_id=indicator_id)
        conditions, params = [*conditions, "v.indicator_id = %s"], [*params, indicator_id]
    rows.delete()
    max_depth = Unit.objects.aggregate(d=Max("depth"))["d"] or 0
    sql = _REBUILD_LEVEL.format(period_filter="".join(f" AND {c}" for c in conditions))
    with connection.cursor() as cursor:
        for depth in range(1, max_depth + 1):
            cursor.execute(sql, [depth * tree.STEP, depth, *params])
    figures_changed.send(sender=Rollup, unit_ids=None, indicator_ids=None if indicator_id is None else [indicator_id])
    return rows.count()


# --- reading --------------------------------------------------------------


def figures(unit: Unit, period: str, indicator_ids=None) -> dict[int, Rollup]:
    qs = Rollup.objects.filter(unit=unit, period=period)
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=list(indicator_ids))
    return {r.indicator_id: r for r in qs}


def trend(unit: Unit, indicator: Indicator, periods: list[str]) -> dict[str, Rollup]:
    return {r.period: r for r in Rollup.objects.filter(unit=unit, indicator=indicator, period__in=periods)}


def children(unit: Unit, indicator: Indicator, period: str) -> list[tuple[Unit, Rollup | None]]:
    kids = list(unit.children.filter(is_active=True).order_by("path"))
    rows = {r.unit_id: r for r in Rollup.objects.filter(indicator=indicator, period=period, unit__in=kids)}
    return [(kid, rows.get(kid.pk)) for kid in kids]
