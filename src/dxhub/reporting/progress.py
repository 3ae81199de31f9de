"""Who has reported what: completeness per unit and period, and the work lists
("Việc của tôi") of data-entry officers and reviewers."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import path_q, scope_paths
from dxhub.org import tree
from dxhub.org.models import Unit

from .models import ReportForm, Submission
from .periods import Period

S = Submission.Status


def expected_units(unit: Unit, form: ReportForm, period: Period):
    """Units of ``unit``'s subtree that must report ``form`` for ``period``: of a kind the
    form applies to, and in existence during the period."""
    qs = Unit.objects.subtree(unit).filter(
        Q(is_active=True) | Q(valid_to__gte=period.start),
        Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
    )
    if form.applies_to:
        qs = qs.filter(kind__in=form.applies_to)
    return qs


@dataclass
class Completeness:
    period: Period
    expected: int
    by_status: Counter = field(default_factory=Counter)
    deadline: object = None

    @property
    def reported(self) -> int:
        """Sent or approved."""
        return self.by_status[S.SUBMITTED] + self.by_status[S.APPROVED]

    @property
    def approved(self) -> int:
        return self.by_status[S.APPROVED]

    @property
    def overdue(self) -> int:
        """Not sent although the deadline has passed."""
        return self.expected - self.reported if timezone.localdate() > self.deadline else 0

    @property
    def percent(self) -> int:
        return round(100 * self.reported / self.expected) if self.expected else 0


def completeness(unit: Unit, form: ReportForm, periods: list[Period]) -> list[Completeness]:
    """ "Đã báo cáo 245/300 đơn vị, 12 quá hạn" for each period, in two queries per period
    at most (the expected count) plus one for all submissions."""
    out = []
    counts = Counter()
    subs = Submission.objects.filter(
        form=form,
        period__in=[p.code for p in periods],
        unit__path__gte=unit.path,
        unit__path__lt=tree.successor(unit.path),
    )
    if form.applies_to:
        subs = subs.filter(unit__kind__in=form.applies_to)
    for row in subs.values("period", "status").annotate(n=Count("pk")):
        counts[(row["period"], row["status"])] = row["n"]
    for period in periods:
        c = Completeness(
            period, expected_units(unit, form, period).count(), deadline=period.deadline(form.deadline_days)
        )
        for status in S.values:
            c.by_status[status] = counts[(period.code, status)]
        out.append(c)
    return out


@dataclass
class Cell:
    status: str  # a Submission.Status, or "" when nothing was started
    late: bool
    submission_id: int | None


def matrix(units: list[Unit], form: ReportForm, periods: list[Period]) -> dict[int, list[Cell]]:
    """State of each unit's submission in each period (one query)."""
    codes = [p.code for p in periods]
    found = {
        (s.unit_id, s.period): s
        for s in Submission.objects.filter(form=form, unit__in=units, period__in=codes).only(
            "pk", "unit_id", "period", "status", "submitted_at", "deadline"
        )
    }
    today = timezone.localdate()
    out = {}
    for u in units:
        row = []
        for p in periods:
            s = found.get((u.pk, p.code))
            if s is None:
                row.append(Cell("", today > p.deadline(form.deadline_days), None))
            else:
                row.append(Cell(s.status, s.is_late, s.pk))
        out[u.pk] = row
    return out


def recent_periods(form: ReportForm, count: int, today=None) -> list[Period]:
    """The last ``count`` periods of the form that have ended, oldest first."""
    today = today or timezone.localdate()
    last = Period.containing(form.periodicity, today).previous()
    return [last.shift(-i) for i in range(count - 1, -1, -1)]


# --- work lists -------------------------------------------------------------


def to_review(user):
    """Sent submissions the user may decide on: in a review subtree, below its root."""
    roots = scope_paths(user, Action.REVIEW)
    qs = Submission.objects.filter(status=S.SUBMITTED).filter(path_q(roots, "unit__path"))
    own_roots = [p for p in roots if tree.depth_of(p) > 1]
    if own_roots:  # a reviewer of a unit decides on the units below it, not on the unit itself
        qs = qs.exclude(unit__path__in=own_roots)
    return qs.select_related("unit", "form", "submitted_by").order_by("deadline", "unit__path")


def to_report(user, limit: int = 200) -> tuple[list[dict], int]:
    """What the user's units still have to send: for each active form, the last ended
    period (and any older one left as a draft or returned). Returns up to ``limit``
    lines and the total count; the counting is done by the database."""
    roots = scope_paths(user, Action.ENTER_DATA)
    if not roots:
        return [], 0
    lines, total = [], 0
    for form in ReportForm.objects.filter(is_active=True):
        period = recent_periods(form, 1)[0]
        sent = Submission.objects.filter(form=form, period=period.code, status__in=[S.SUBMITTED, S.APPROVED])
        units = Unit.objects.filter(path_q(roots, "path"), is_active=True).exclude(pk__in=sent.values("unit_id"))
        if form.applies_to:
            units = units.filter(kind__in=form.applies_to)
        total += units.count()
        page = list(units.order_by("path")[: max(0, limit - len(lines))])
        started = {s.unit_id: s for s in Submission.objects.filter(form=form, period=period.code, unit__in=page)}
        lines += [{"unit": u, "form": form, "period": period, "submission": started.get(u.pk)} for u in page]
        older = (
            Submission.objects.filter(form=form, status__in=[S.DRAFT, S.RETURNED])
            .exclude(period=period.code)
            .filter(path_q(roots, "unit__path"))
            .select_related("unit")
            .order_by("period", "unit__path")
        )
        total += older.count()
        lines += [
            {"unit": s.unit, "form": form, "period": s.period_obj, "submission": s}
            for s in older[: max(0, limit - len(lines))]
        ]
    return lines, total
