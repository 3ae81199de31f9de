"""Indicators whose value dxhub already knows, so that nobody types it twice.

An indicator with a ``source`` is, from ``source_from`` on, filled by the module that
registered the source (e.g. the training module's count of people who completed
basic digital skills) instead of by the unit: in the submission form it shows as
read-only, an import refuses a typed value, and the value is refreshed each time the
draft is saved, when the module's data change, and one last time on approval (where
it is snapshotted like every value). Periods before ``source_from`` keep the figures
typed then.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from .periods import Period

# (units, period) -> {unit id: value or None}; a unit's own figure, as a submission holds it.
Provider = Callable[[list, Period], dict[int, Decimal | None]]


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    provider: Provider


_SOURCES: dict[str, Source] = {}


def register(code: str, label: str, provider: Provider) -> None:
    _SOURCES[code] = Source(code, label, provider)


def get(code: str) -> Source | None:
    return _SOURCES.get(code)


def choices() -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in _SOURCES.values()]


def in_force(indicator, period: Period) -> bool:
    """Is ``indicator`` filled by its source (not typed) in ``period``?"""
    return bool(indicator.source) and indicator.source_from is not None and period.start >= indicator.source_from


def mark(indicators: Iterable, period: Period) -> list:
    """Mark the indicators fed in ``period``: from then on they are computed ones whose
    value comes from their source (``fed`` is True), never typed."""
    out = []
    for ind in indicators:
        ind.fed = in_force(ind, period) and ind.source in _SOURCES
        if ind.fed:
            ind.is_computed = True
        out.append(ind)
    return out


def label_of(indicator) -> str:
    source = _SOURCES.get(indicator.source)
    return source.label if source else ""


def values_for(indicators: Iterable, unit, period: Period) -> dict[str, Decimal | None]:
    """The fed indicators' values for one unit's submission."""
    out = {}
    for ind in indicators:
        if getattr(ind, "fed", False):
            out[ind.code] = _SOURCES[ind.source].provider([unit], period).get(unit.pk)
    return out


def refresh(source_codes: Iterable[str], unit_ids: Iterable[int] | None) -> int:
    """Refresh the fed values in the editable submissions (draft, returned) of these
    units (None = every unit) after the source's data changed; returns how many
    submissions changed. Sent submissions are refreshed when they are approved."""
    from .models import Indicator, Submission
    from .submissions import refresh_fed

    codes = [c for c in source_codes if c in _SOURCES]
    fed = list(Indicator.objects.filter(source__in=codes, source_from__isnull=False))
    if not fed:
        return 0
    editable = (Submission.Status.DRAFT, Submission.Status.RETURNED)
    qs = Submission.objects.filter(
        status__in=editable, form_version__items__indicator__in=fed, deadline__gte=min(i.source_from for i in fed)
    ).distinct()
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        if not unit_ids:
            return 0
        qs = qs.filter(unit_id__in=unit_ids)
    changed = 0
    with transaction.atomic():
        for submission in qs.select_related("unit", "form", "form_version").order_by("pk"):
            if any(in_force(i, submission.period_obj) for i in fed):  # older periods keep their typed figures
                changed += refresh_fed(submission, _("cập nhật tự động số liệu hệ thống"))
    return changed
