"""Live roll-ups: approved figures added up through the unit tree.

``apply`` runs inside the approval (or reopening) transaction and adjusts the rows of
the unit and each of its ancestors, so a dashboard reads an approved figure the
moment the approval commits; there is no nightly rebuild. ``rebuild`` recomputes
everything from the approved values with one set-based statement per tree level; it
is the repair tool (``manage.py rebuild_rollups``) and the reference the incremental
path is tested against.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Min

from dxhub.org import tree
from dxhub.org.models import Unit

from .models import Indicator, Rollup, Submission, Value

A = Indicator.Aggregation
Q4 = Decimal("0.0001")
_FIELDS = ["n", "total", "weighted_total", "weight_total", "yes", "low", "high", "value"]


def derive(row: Rollup, aggregation: str) -> Decimal | None:
    """The figure shown for a roll-up row, from its running sums."""
    if row.n == 0:
        return None
    if aggregation == A.SUM:
        result = row.total
    elif aggregation == A.AVG:
        result = row.total / row.n
    elif aggregation == A.WEIGHTED_AVG:
        result = row.weighted_total / row.weight_total if row.weight_total else None
    elif aggregation == A.MIN:
        result = row.low
    elif aggregation == A.MAX:
        result = row.high
    elif aggregation == A.SHARE_YES:
        result = Decimal(100) * row.yes / row.n
    else:
        return None
    return None if result is None else Decimal(result).quantize(Q4)


def _contributions(submission: Submission) -> dict[int, tuple[Indicator, Decimal, Decimal | None]]:
    values = list(
        Value.objects.filter(submission=submission, num__isnull=False)
        .exclude(indicator__aggregation=A.NONE)
        .select_related("indicator")
    )
    by_indicator = {v.indicator_id: v.num for v in values}
    out = {}
    for v in values:
        ind = v.indicator
        weight = by_indicator.get(ind.weight_id) if ind.aggregation == A.WEIGHTED_AVG else None
        out[ind.pk] = (ind, v.num, weight)
    return out


def apply(submission: Submission, sign: int) -> int:
    """Add (+1, on approval) or take away (-1, on reopening) a submission's values in
    the roll-ups of its unit and every ancestor. Must run in the caller's transaction;
    the rows are locked in a fixed order, so concurrent approvals of sibling units
    queue on their common ancestors instead of losing updates."""
    assert sign in (1, -1)
    contributions = _contributions(submission)
    if not contributions:
        return 0
    unit = submission.unit
    paths = [*tree.ancestor_paths(unit.path), unit.path]
    unit_ids = list(Unit.objects.filter(path__in=paths).values_list("pk", flat=True))
    period = submission.period
    Rollup.objects.bulk_create(
        [Rollup(unit_id=u, indicator_id=i, period=period) for u in unit_ids for i in contributions],
        ignore_conflicts=True,
    )
    rows = list(
        Rollup.objects.select_for_update()
        .filter(period=period, indicator_id__in=list(contributions), unit_id__in=unit_ids)
        .order_by("pk")
    )
    stale_extremes = []
    for row in rows:
        ind, num, weight = contributions[row.indicator_id]
        row.n += sign
        row.total += sign * num
        if weight is not None:
            row.weighted_total += sign * num * weight
            row.weight_total += sign * weight
        if ind.aggregation == A.SHARE_YES and num == 1:
            row.yes += sign
        if sign > 0:
            row.low = num if row.low is None else min(row.low, num)
            row.high = num if row.high is None else max(row.high, num)
        elif num in (row.low, row.high):
            stale_extremes.append(row)
    for row in stale_extremes:  # a value left that may have been the minimum or maximum
        holder = Unit.objects.only("path").get(pk=row.unit_id)
        agg = (
            _approved_values(holder.path, row.indicator_id, period)
            .exclude(submission=submission)
            .aggregate(low=Min("num"), high=Max("num"))
        )
        row.low, row.high = agg["low"], agg["high"]
    for row in rows:
        row.value = derive(row, contributions[row.indicator_id][0].aggregation)
    empty = [row.pk for row in rows if row.n == 0]
    Rollup.objects.bulk_update([r for r in rows if r.n], _FIELDS)
    if empty:
        Rollup.objects.filter(pk__in=empty).delete()
    return len(rows)


def _approved_values(path: str, indicator_id: int, period: str):
    return Value.objects.filter(
        indicator_id=indicator_id,
        num__isnull=False,
        submission__period=period,
        submission__status=Submission.Status.APPROVED,
        submission__unit__path__gte=path,
        submission__unit__path__lt=tree.successor(path),
    )


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
def rebuild(period: str | None = None) -> int:
    """Recompute every roll-up row (of one period, or all) from approved values."""
    rows = Rollup.objects.all() if period is None else Rollup.objects.filter(period=period)
    rows.delete()
    max_depth = Unit.objects.aggregate(d=Max("depth"))["d"] or 0
    sql = _REBUILD_LEVEL.format(period_filter="" if period is None else "AND s.period = %s")
    with connection.cursor() as cursor:
        for depth in range(1, max_depth + 1):
            params = [depth * tree.STEP, depth] + ([] if period is None else [period])
            cursor.execute(sql, params)
    return (Rollup.objects.all() if period is None else Rollup.objects.filter(period=period)).count()


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
