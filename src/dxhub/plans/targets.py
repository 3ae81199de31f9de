"""Targets (chỉ tiêu) handed down the tree, with progress read from approved figures.

A target names an indicator of the reporting catalogue and a value to reach by a
deadline. Each unit's share (``UnitTarget``) is compared with the approved roll-up of
that unit's subtree, so progress is never typed: it moves when a report is approved
(``on_figures_changed``, inside the approval's transaction) and when the date moves
(``refresh_all``, run daily by ``plans_digest``).

The forecast is a least-squares line through the approved figures of the periods
since a year before the target's start, read at the deadline. Status:

- achieved: the latest figure meets the value;
- missed: the deadline has passed and it does not;
- on track: the forecast meets the value;
- at risk: the forecast comes within ``RISK_TOLERANCE`` (10 % of the value);
- off track: otherwise; no data: nothing approved yet.
"""

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers
from dxhub.audit import services as audit
from dxhub.core import bulk
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import nfc_text
from dxhub.org.models import Unit
from dxhub.reporting.models import Indicator, Rollup
from dxhub.reporting.periods import Period, PeriodError
from dxhub.reporting.validation import to_decimal

from .models import Objective, Plan, Target, UnitTarget
from .services import _require, _user, can_manage, in_subtree

ST = UnitTarget.Status
RISK_TOLERANCE = Decimal("0.10")
Q4 = Decimal("0.0001")
HISTORY_DAYS = 366  # figures this long before the start still count for the trend
FILLED = Decimal("0.9")  # share of the previous period's reports a sum's latest period needs
CHUNK = 2000


# --- the arithmetic ----------------------------------------------------------------------


@dataclass
class Progress:
    current: Decimal | None
    period: str
    attainment: Decimal | None
    forecast: Decimal | None
    status: str


def attainment(current: Decimal, value: Decimal, lower_better: bool) -> Decimal:
    """How much of the target is reached, 0..1."""
    if lower_better:
        if current <= value:
            return Decimal(1)
        return max(Decimal(0), value / current) if current > 0 else Decimal(0)
    if current >= value:
        return Decimal(1)
    return max(Decimal(0), current / value) if value > 0 else Decimal(0)


def forecast(points: list[tuple[dt.date, Decimal]], deadline: dt.date) -> Decimal | None:
    """The least-squares line through ``points`` (day, value), read at ``deadline``;
    one point is its own forecast."""
    if not points:
        return None
    if len(points) == 1:
        return points[0][1]
    x0 = points[0][0]
    xs = [float((d - x0).days) for d, _v in points]
    ys = [float(v) for _d, v in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return Decimal(str(my))
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    value = my + slope * ((deadline - x0).days - mx)
    return Decimal(str(round(value, 4)))


def assess(
    points: list[tuple[dt.date, str, Decimal]],
    value: Decimal,
    deadline: dt.date,
    lower_better: bool,
    today: dt.date,
    lo: Decimal | None = None,
    hi: Decimal | None = None,
) -> Progress:
    """Progress of one share from its approved figures (period end, period code, value),
    in time order; the forecast stays inside the indicator's bounds ``lo``..``hi``."""
    if not points:
        return Progress(None, "", None, None, ST.NO_DATA)
    _end, period, current = points[-1]
    reached = attainment(current, value, lower_better).quantize(Q4, rounding=ROUND_HALF_UP)
    ahead = forecast([(d, v) for d, _p, v in points], deadline)
    if lo is not None:
        ahead = max(ahead, lo)
    if hi is not None:
        ahead = min(ahead, hi)
    if lower_better:
        met, near = (lambda v: v <= value), (lambda v: v <= value + abs(value) * RISK_TOLERANCE)
    else:
        met, near = (lambda v: v >= value), (lambda v: v >= value - abs(value) * RISK_TOLERANCE)
    if met(current):
        status = ST.ACHIEVED
    elif today > deadline:
        status = ST.MISSED
    elif met(ahead):
        status = ST.ON_TRACK
    elif near(ahead):
        status = ST.AT_RISK
    else:
        status = ST.OFF_TRACK
    return Progress(current, period, reached, ahead, status)


# --- refreshing from the roll-ups ------------------------------------------------------


def refresh(shares: list[UnitTarget], today: dt.date | None = None) -> int:
    """Recompute the shares' progress from the roll-ups; write the ones that changed."""
    today = today or timezone.localdate()
    by_target = defaultdict(list)
    for s in shares:
        by_target[s.target_id].append(s)
    targets = {t.pk: t for t in Target.objects.filter(pk__in=list(by_target)).select_related("indicator")}
    changed = []
    now = timezone.now()
    for target_id, group in by_target.items():
        target = targets[target_id]
        lower = target.indicator.direction == Indicator.Direction.LOWER_BETTER
        lo, hi = bounds(target.indicator)
        additive = target.indicator.aggregation == Indicator.Aggregation.SUM
        since = target.start - dt.timedelta(days=HISTORY_DAYS)
        for i in range(0, len(group), CHUNK):
            chunk = group[i : i + CHUNK]
            by_unit = series(target.indicator_id, [s.unit_id for s in chunk], since, today, additive)
            for s in chunk:
                points = [p for p in by_unit.get(s.unit_id, []) if p[0] <= s.deadline]  # judged at the deadline
                p = assess(points, s.value, s.deadline, lower, today, lo, hi)
                new = (p.current, p.period, p.attainment, p.forecast, p.status)
                if new != (s.current, s.period, s.attainment, s.forecast, s.status):
                    s.current, s.period, s.attainment, s.forecast, s.status = new
                    s.refreshed_at = now
                    changed.append(s)
    bulk.update_rows(
        UnitTarget._meta.db_table,
        [
            ("current", "numeric"),
            ("period", "text"),
            ("attainment", "numeric"),
            ("forecast", "numeric"),
            ("status", "text"),
            ("refreshed_at", "timestamptz"),
        ],
        [(s.pk, _str(s.current), s.period, _str(s.attainment), _str(s.forecast), s.status, now) for s in changed],
    )
    return len(changed)


def _str(value) -> str | None:
    return None if value is None else str(value)


def series(indicator_id: int, unit_ids: list[int], since: dt.date, today: dt.date, additive: bool = False) -> dict:
    """Approved figures per unit, (period end, period code, value) in time order, of the
    one periodicity most recently reported (a yearly and a quarterly figure are not one
    series), for periods that have begun by ``today`` (a period still running counts
    with what has been approved so far: a figure the system fills, such as the
    training coverage, may be sent and approved before the quarter ends).

    An ``additive`` indicator (a sum) reads low while a period's reports are still being
    approved: a latest period with markedly fewer approved reports (``n``) than the one
    before it is left out until it fills up, so a half-approved quarter is not taken
    for a fall."""
    rows = Rollup.objects.filter(indicator_id=indicator_id, unit_id__in=unit_ids, n__gt=0, value__isnull=False)
    by_unit = defaultdict(list)
    periods = {}  # a few distinct codes for many rows: parse each once
    for unit_id, code, value, n in rows.values_list("unit_id", "period", "value", "n"):
        if code not in periods:
            try:
                period = Period.parse(code)
                periods[code] = (period, period.end)
            except PeriodError:
                periods[code] = (None, None)
        period, end = periods[code]
        if period is not None and since <= end and period.start <= today:
            by_unit[unit_id].append((period, end, value, n))
    out = {}
    for unit_id, items in by_unit.items():
        items.sort(key=lambda item: (item[1], item[0].kind))
        kind = items[-1][0].kind
        items = [i for i in items if i[0].kind == kind]
        while additive and len(items) > 1 and items[-1][3] < FILLED * items[-2][3]:
            items.pop()
        out[unit_id] = [(end, p.code, Decimal(v)) for p, end, v, _n in items]
    return out


def on_figures_changed(sender, unit_ids, indicator_ids, **kwargs):
    """Approved figures moved (an approval, a reopening, a unit moved): the shares of
    those units on targets over those indicators follow, in the same transaction. A
    rebuild of the roll-ups (``unit_ids`` None) refreshes every share."""
    if unit_ids is None:
        refresh_all(indicator_ids=indicator_ids)
        return
    shares = list(UnitTarget.objects.filter(unit_id__in=unit_ids, target__indicator_id__in=indicator_ids).order_by())
    if shares:
        refresh(shares)


def refresh_all(today: dt.date | None = None, indicator_ids=None) -> int:
    n = 0
    qs = Target.objects.all() if indicator_ids is None else Target.objects.filter(indicator_id__in=indicator_ids)
    for target in qs:
        n += refresh(list(target.shares.order_by("pk")), today)  # no joins for the default ordering
    return n


# --- issuing and cascading ---------------------------------------------------------------


@dataclass
class TargetData:
    code: str
    title: str
    indicator_code: str
    value: object
    start: dt.date
    deadline: dt.date
    objective: Objective | None = None


def bounds(indicator: Indicator) -> tuple[Decimal | None, Decimal | None]:
    """What the indicator's roll-up can show (a yes/no indicator rolls up as a
    percentage of units; counts are never negative)."""
    lo, hi = indicator.min_value, indicator.max_value
    if indicator.value_type in (Indicator.ValueType.PERCENTAGE, Indicator.ValueType.BOOLEAN):
        lo, hi = Decimal(0), Decimal(100)
    elif lo is None and indicator.aggregation == Indicator.Aggregation.SUM:
        lo = Decimal(0)
    return lo, hi


def check_value(indicator: Indicator, raw) -> Decimal:
    """A target value, read as reporting reads figures, inside the indicator's bounds."""
    value = to_decimal(raw, indicator.value_type == Indicator.ValueType.INTEGER)
    lo, hi = bounds(indicator)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        message = _("Giá trị %(value)s nằm ngoài khoảng của chỉ tiêu %(code)s (%(lo)s – %(hi)s).") % {
            "value": raw,
            "code": indicator.code,
            "lo": lo if lo is not None else "…",
            "hi": hi if hi is not None else "…",
        }
        raise DomainError(message, {"value": message})
    return value


def _indicator(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=(code or "").strip().upper(), is_active=True).first()
    if indicator is None:
        message = _("Chỉ tiêu báo cáo “%(code)s” không có trong danh mục.") % {"code": code}
        raise DomainError(message, {"indicator": message})
    if indicator.value_type == Indicator.ValueType.TEXT or indicator.aggregation == Indicator.Aggregation.NONE:
        raise DomainError(
            _("Chỉ tiêu %(code)s không tổng hợp được thành số, không dùng làm chỉ tiêu kế hoạch.")
            % {"code": indicator.code},
            {"indicator": _("Chỉ tiêu %(code)s không tổng hợp được thành số.") % {"code": indicator.code}},
        )
    return indicator


def create_target(user, plan: Plan, data: TargetData) -> Target:
    """A target of the plan, with the owning unit's own share (its whole subtree)."""
    _require(can_manage(user, plan.owner), _("Bạn không có quyền giao chỉ tiêu của kế hoạch này."))
    code, title = nfc_text(data.code).strip(), nfc_text(data.title).strip()
    indicator = _indicator(data.indicator_code)
    value = _parse(indicator, data.value)
    problems = {}
    if not code:
        problems["code"] = _("Cần mã chỉ tiêu.")
    elif Target.objects.filter(plan=plan, code=code).exists():
        problems["code"] = _("Mã chỉ tiêu %(code)s đã có trong kế hoạch.") % {"code": code}
    if not title:
        problems["title"] = _("Cần tên chỉ tiêu.")
    if data.deadline < data.start:
        problems["deadline"] = _("Thời hạn trước ngày bắt đầu tính.")
    elif data.deadline > plan.end or data.deadline < plan.start:
        problems["deadline"] = _("Thời hạn phải nằm trong thời gian kế hoạch.")
    if data.objective is not None and data.objective.plan_id != plan.pk:
        problems["objective"] = _("Mục tiêu không thuộc kế hoạch này.")
    if problems:
        raise DomainError(_("Chỉ tiêu chưa hợp lệ."), problems)
    with transaction.atomic():
        target = Target.objects.create(
            plan=plan,
            objective=data.objective,
            code=code,
            title=title,
            indicator=indicator,
            value=value,
            start=data.start,
            deadline=data.deadline,
            position=plan.targets.count() + 1,
            created_by=_user(user),
        )
        share = UnitTarget.objects.create(
            target=target, unit=plan.owner, value=value, deadline=data.deadline, assigned_by=_user(user)
        )
        audit.record("create", target, after=audit.snapshot(target), unit=plan.owner)
        refresh([share])
    return target


def _parse(indicator: Indicator, raw) -> Decimal:
    try:
        return check_value(indicator, raw)
    except DomainError:
        raise
    except Exception as exc:  # ValueProblem and friends: the reading's own message
        raise DomainError(str(exc), {"value": str(exc)}) from None


def cascade(user, share: UnitTarget, values: dict[Unit, object], deadline: dt.date | None = None) -> list[UnitTarget]:
    """Hand ``share`` down: each unit below gets its own value (by default the same).
    All or none; a unit that already has the target is refused."""
    giver = share.unit
    _require(
        covers(user, Action.MANAGE_PLAN, giver), _("Bạn không có quyền giao chỉ tiêu thay %(unit)s.") % {"unit": giver}
    )
    if not values:
        raise DomainError(_("Chưa chọn đơn vị nhận chỉ tiêu."))
    target = share.target
    deadline = deadline or share.deadline
    problems = []
    if deadline > share.deadline:
        problems.append(
            _("Thời hạn giao (%(d)s) muộn hơn thời hạn của chỉ tiêu (%(limit)s).")
            % {"d": deadline.strftime("%d/%m/%Y"), "limit": share.deadline.strftime("%d/%m/%Y")}
        )
    if deadline < target.start:
        problems.append(
            _("Thời hạn giao (%(d)s) trước ngày bắt đầu tính chỉ tiêu (%(start)s).")
            % {"d": deadline.strftime("%d/%m/%Y"), "start": target.start.strftime("%d/%m/%Y")}
        )
    reporting = _reporting_paths(target.indicator, giver)
    parsed = {}
    for unit, raw in sorted(values.items(), key=lambda kv: kv[0].path):
        if not unit.path.startswith(giver.path) or unit.pk == giver.pk:
            raise NotInScope(
                _("Đơn vị %(unit)s không thuộc quyền giao của %(giver)s.") % {"unit": unit, "giver": giver}
            )
        if not unit.is_active:
            problems.append(_("Đơn vị %(unit)s đã giải thể hoặc sáp nhập.") % {"unit": unit})
            continue
        if reporting is not None and not _reports(unit, reporting):
            problems.append(
                _("%(unit)s và các đơn vị trực thuộc không báo cáo chỉ tiêu %(code)s, nên sẽ không có số liệu.")
                % {"unit": unit, "code": target.indicator.code}
            )
            continue
        try:
            parsed[unit] = _parse(target.indicator, share.value if raw in (None, "") else raw)
        except DomainError as exc:
            problems.append(f"{unit}: {exc.message}")
    if problems:
        raise DomainError(_("Không giao được chỉ tiêu."), problems)
    with transaction.atomic():
        taken = list(UnitTarget.objects.filter(target=target, unit__in=list(parsed)).select_related("unit"))
        if taken:
            raise DomainError(
                _("Chỉ tiêu %(code)s đã được giao cho: %(units)s.")
                % {"code": target.code, "units": ", ".join(str(t.unit) for t in taken)},
                status=409,
            )
        made = UnitTarget.objects.bulk_create(
            [
                UnitTarget(target=target, unit=u, parent=share, value=v, deadline=deadline, assigned_by=_user(user))
                for u, v in parsed.items()
            ]
        )
        audit.record_many(
            [
                audit.Change(
                    "assign", s, None, audit.snapshot(s), s.unit_id, object_repr=f"{target.code} · {s.unit.code}"
                )
                for s in made
            ]
        )
        refresh(made)
    return made


def _reporting_paths(indicator: Indicator, root: Unit) -> list[str] | None:
    """Sorted paths of the active units under ``root`` that report ``indicator``; None
    when every unit does."""
    if not indicator.applies_to:
        return None
    qs = Unit.objects.subtree(root).filter(kind__in=indicator.applies_to, is_active=True)
    return sorted(qs.values_list("path", flat=True))


def _reports(unit: Unit, paths: list[str]) -> bool:
    """Does a unit of ``paths`` (sorted) lie in ``unit``'s subtree?"""
    i = bisect.bisect_left(paths, unit.path)
    return i < len(paths) and paths[i].startswith(unit.path)


def shares_for(user, unit: Unit | None = None):
    qs = UnitTarget.objects.restrict(user, Action.VIEW)
    return in_subtree(qs, unit) if unit is not None else qs


# --- the heat map ------------------------------------------------------------------------


@dataclass
class HeatMap:
    unit: Unit
    units: list[Unit]  # columns: the unit's direct subordinates
    targets: list[Target]  # rows
    cells: dict[tuple[int, int], UnitTarget]  # (target id, unit id)


def heatmap(user, unit: Unit, plan: Plan | None = None, current_only: bool = False) -> HeatMap:
    """Attainment of every target handed to ``unit``'s direct subordinates (of one plan,
    or of the plans still running when ``current_only``)."""
    if not covers(user, Action.VIEW, unit):
        raise NotInScope()
    kids = list(unit.children.filter(is_active=True).order_by("path"))
    qs = UnitTarget.objects.filter(unit__in=kids).only(
        "id", "target_id", "unit_id", "value", "current", "attainment", "status", "forecast", "period"
    )
    if plan is not None:
        qs = qs.filter(target__plan=plan)
    elif current_only:
        qs = qs.filter(target__plan__end__gte=timezone.localdate())
    cells = {(s.target_id, s.unit_id): s for s in qs}
    target_ids = {t for t, _u in cells}
    targets = list(
        Target.objects.filter(pk__in=target_ids)
        .select_related("indicator", "plan")
        .order_by("plan__start", "plan_id", "position")
    )
    used = {u for _t, u in cells}
    return HeatMap(unit, [k for k in kids if k.pk in used], targets, cells)
