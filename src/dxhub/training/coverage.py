"""Coverage: the share of active personnel who completed basic digital skills.

Counted from ``BasicSkills`` (one row per person who holds them) joined with the
personnel of a subtree, grouped by unit and category in one query, then summed up
the tree in memory. The same counts feed the reporting indicators BHVS_TRAINED and
BHVS_TRAINED_PCT (see ``reporting/sources.py``), so they are never typed.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxhub.org import tree
from dxhub.org.choices import PersonnelCategory
from dxhub.org.models import Person, Unit

BASIC_TRAINED = "training.basic_trained"
BASIC_COVERAGE = "training.basic_coverage"
LABEL_TRAINED = _("Bình dân học vụ số (số người hoàn thành kỹ năng số cơ bản)")
LABEL_COVERAGE = _("Bình dân học vụ số (tỷ lệ quân số hoàn thành kỹ năng số cơ bản)")
SOURCES = (BASIC_TRAINED, BASIC_COVERAGE)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Count2:
    people: int = 0
    trained: int = 0

    def add(self, other: "Count2") -> None:
        self.people += other.people
        self.trained += other.trained

    @property
    def pct(self) -> Decimal | None:
        return percent(self.trained, self.people)

    @property
    def missing(self) -> int:
        return self.people - self.trained


@dataclass
class Coverage:
    """Counts of one subtree: in all, per category, per unit (own people and subtree)."""

    root: Unit
    on: dt.date
    total: Count2 = field(default_factory=Count2)
    by_category: dict[str, Count2] = field(default_factory=lambda: defaultdict(Count2))
    own: dict[int, Count2] = field(default_factory=lambda: defaultdict(Count2))
    subtree: dict[int, Count2] = field(default_factory=lambda: defaultdict(Count2))

    def categories(self) -> list[tuple[str, Count2]]:
        labels = dict(PersonnelCategory.choices)
        return [(labels[c], self.by_category[c]) for c in PersonnelCategory.values if c in self.by_category]


def _rows(people, on: dt.date):
    trained = Count("basic_skills", filter=Q(basic_skills__completed_on__lte=on))
    return (
        people.filter(is_active=True)
        .order_by()
        .values_list("unit_id", "category")
        .annotate(n=Count("id"), trained=trained)
        .values_list("unit_id", "category", "n", "trained")
    )


def coverage(root: Unit, on: dt.date | None = None) -> Coverage:
    """Coverage of ``root``'s subtree on day ``on`` (today by default)."""
    on = on or timezone.localdate()
    result = Coverage(root, on)
    rows = list(_rows(Person.objects.in_subtree(root), on))
    if not rows:
        return result
    paths = dict(Unit.objects.filter(path__startswith=root.path).values_list("pk", "path"))
    by_path = {path: pk for pk, path in paths.items()}
    for unit_id, category, people, trained in rows:
        result.by_category[category].add(Count2(people, trained))
        result.own[unit_id].add(Count2(people, trained))
    # each unit's own people once up its ancestors (not once per category)
    start = len(root.path)
    for unit_id, own in result.own.items():
        result.total.add(own)
        path = paths[unit_id]
        for end in range(start, len(path) + 1, tree.STEP):
            result.subtree[by_path[path[:end]]].add(own)
    return result


def _own_counts(units: list, on: dt.date) -> dict[int, Count2]:
    out: dict[int, Count2] = {u.pk: Count2() for u in units}
    rows = (
        Person.objects.filter(unit__in=[u.pk for u in units], is_active=True)
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"), trained=Count("basic_skills", filter=Q(basic_skills__completed_on__lte=on)))
        .values_list("unit_id", "n", "trained")
    )
    for unit_id, people, trained in rows:
        out[unit_id] = Count2(people, trained)
    return out


# --- the reporting sources: a submission holds its unit's own people ---------


def trained_for_report(units: list, period) -> dict[int, Decimal | None]:
    counts = _own_counts(units, period.end)
    return {u: (Decimal(c.trained) if c.people else None) for u, c in counts.items()}


def coverage_for_report(units: list, period) -> dict[int, Decimal | None]:
    counts = _own_counts(units, period.end)
    return {u: c.pct for u, c in counts.items()}


# --- a unit's dashboard ------------------------------------------------------------


@dataclass
class Linked:
    """A reporting indicator fed by the training data: its latest approved figure for
    the unit, and the plan targets (shares) set on it."""

    indicator: object
    approved: object  # the latest Rollup of the unit, or None
    shares: list

    @property
    def period_label(self) -> str:
        from dxhub.reporting.periods import Period

        return Period.parse(self.approved.period).label if self.approved else ""


@dataclass
class Dashboard:
    unit: Unit
    coverage: Coverage
    children: list[tuple[Unit, Count2, bool]]  # child, subtree counts, has children
    own: Count2  # people placed directly in the unit
    linked: list[Linked]
    classes: list  # the subtree's classes that are open or ended lately


def dashboard(unit: Unit, on: dt.date | None = None) -> Dashboard:
    from dxhub.plans.models import UnitTarget
    from dxhub.reporting.models import Indicator, Rollup

    from .models import TrainingClass

    cov = coverage(unit, on)
    kids = list(Unit.objects.filter(parent=unit, is_active=True).order_by("path"))
    with_kids = set(Unit.objects.filter(parent__in=kids).values_list("parent_id", flat=True).distinct())
    children = [(k, cov.subtree.get(k.pk, Count2()), k.pk in with_kids) for k in kids]
    linked = []
    for ind in Indicator.objects.filter(source__in=SOURCES).order_by("code"):
        approved = Rollup.objects.filter(unit=unit, indicator=ind, n__gt=0).order_by("-period").first()
        shares = list(UnitTarget.objects.filter(unit=unit, target__indicator=ind).select_related("target"))
        linked.append(Linked(ind, approved, shares))
    classes = list(
        TrainingClass.objects.filter(unit__path__startswith=unit.path, is_closed=False)
        .select_related("course", "unit")
        .order_by("start")[:10]
    )
    return Dashboard(unit, cov, children, cov.own.get(unit.pk, Count2()), linked, classes)
