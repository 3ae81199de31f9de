"""Loading the demo indicator catalogue (``demo_indicators.INDICATORS``), idempotently."""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dxhub.accounts.models import User
from dxhub.audit import services as audit
from dxhub.org.choices import UnitKind
from dxhub.org.models import Unit

from . import catalogue, rollups, submissions
from .demo_indicators import INDICATORS
from .models import Indicator, ReportForm, Submission, ValidationRule, Value
from .progress import recent_periods

S = Submission.Status

FIRST_PERIOD = "2021-Q1"  # the 2021-2025 programme's first quarter


@transaction.atomic
def load_catalogue(user=None) -> list[Indicator]:
    """Create the demo indicators that do not exist yet; returns those created."""
    specs = {spec["code"]: spec for spec in INDICATORS}
    existing = set(Indicator.objects.values_list("code", flat=True))
    todo = [spec for code, spec in specs.items() if code not in existing]
    created = []
    # weights first: a weighted average needs its weight indicator to exist
    for spec in sorted(todo, key=lambda s: s["weight"] is not None):
        data = {k: spec[k] for k in catalogue.FIELDS if k in spec and k != "weight"}
        data["applies_to"] = spec["applies_to"] or []
        data["weight"] = Indicator.objects.get(code=spec["weight"]) if spec["weight"] else None
        data["is_computed"] = spec["formula"] is not None
        created.append(catalogue.save_indicator(user, data))
    for indicator in created:
        if expression := specs[indicator.code]["formula"]:
            catalogue.add_formula(user, indicator, expression, FIRST_PERIOD, note="Danh mục mẫu")
    return created


FORM_CODE = "BC-CDS-QUY"
QUARTERS = 8


@transaction.atomic
def load_form(user=None) -> ReportForm | None:
    """The quarterly DX report form with every demo indicator, and the cross-indicator
    rules of the catalogue; None when it exists already."""
    if ReportForm.objects.filter(code=FORM_CODE).exists():
        return None
    form = catalogue.save_form(
        user,
        {
            "code": FORM_CODE,
            "name": "Báo cáo kết quả chuyển đổi số hằng quý",
            "periodicity": "Q",
            "applies_to": [k for k in UnitKind.values if k != UnitKind.COMPANY],
            "deadline_days": 10,
        },
    )
    text = [s["code"] for s in INDICATORS if s["value_type"] == "text"]
    catalogue.add_form_version(user, form, [s["code"] for s in INDICATORS], FIRST_PERIOD, optional=tuple(text))
    for spec in INDICATORS:
        for rule in spec["validations"]:
            left, op, right = rule.split()
            ValidationRule.objects.get_or_create(left=left, operator=op, right=right)
    return form


def _sample(spec: dict, rng: random.Random, quarter: int, scale: float):
    sample = spec["sample"]
    if spec["value_type"] == "text":
        return None, rng.choice(TEXT_NOTES)
    if sample is None:
        return None, ""
    if "p_yes" in sample:
        return Decimal(1 if rng.random() < min(1.0, sample["p_yes"] + 0.02 * quarter) else 0), ""
    value = sample["base"] * scale * (1 + sample["growth_per_quarter"]) ** quarter
    value *= 1 + rng.uniform(-sample["noise"], sample["noise"])
    if spec["value_type"] == "integer":
        return Decimal(max(0, round(value))), ""
    return Decimal(str(round(max(0.0, value), 2))), ""


TEXT_NOTES = [
    "",
    "Thiếu máy tính cấu hình đủ để cài phần mềm ký số.",
    "Đường truyền đến các đơn vị cấp 4 còn chậm; đề nghị nâng cấp.",
    "Cán bộ nhân viên mới chưa được tập huấn sử dụng thư điện tử quân sự.",
]


def _clamp(values: dict[str, Decimal | None]) -> None:
    """Make the demo figures satisfy the catalogue's ``A <= B`` rules."""
    rules = [r.split() for s in INDICATORS for r in s["validations"]]
    for _round in range(3):
        for left, op, right in rules:
            a, b = values.get(left), values.get(right)
            if a is None or b is None:
                continue
            if op == "<=" and a > b or op == ">=" and a < b:
                values[left] = b


# The last quarter's states across the army: (cumulative share, state); None = not started.
LAST_QUARTER = [(0.08, None), (0.14, S.DRAFT), (0.18, S.RETURNED), (0.32, S.SUBMITTED), (1.0, S.APPROVED)]
# The demo data-entry officer's academy still has most of its quarter to do.
LAST_QUARTER_ACADEMY = [(0.7, None), (0.8, S.RETURNED), (1.0, S.SUBMITTED)]


def _status(roll: float, last: bool, in_academy: bool):
    if not last:
        return S.APPROVED
    for share, status in LAST_QUARTER_ACADEMY if in_academy else LAST_QUARTER:
        if roll < share:
            return status
    return S.APPROVED


@transaction.atomic
def load_values(today: dt.date | None = None, seed: int = 2025) -> int:
    """Eight quarters of plausible reports from every unit that reports the form: the
    older quarters approved (a few sent late), the last one in every state (approved,
    waiting for review, returned, draft, not started), then the roll-ups rebuilt.
    Returns the number of submissions created (0 when the demo already has them)."""
    form = ReportForm.objects.get(code=FORM_CODE)
    if Submission.objects.filter(form=form).exists():
        return 0
    today = today or timezone.localdate()
    periods = recent_periods(form, QUARTERS, today)
    version = form.versions.order_by("-number").first()
    indicators = [i.indicator for i in version.items.select_related("indicator").order_by("position")]
    specs = {s["code"]: s for s in INDICATORS}
    units = list(Unit.objects.filter(is_active=True, kind__in=form.applies_to).order_by("path"))
    children = Counter(Unit.objects.exclude(parent=None).values_list("parent_id", flat=True))
    reviewer = User.objects.filter(username="pheduyet.tckt").first()
    entry = User.objects.filter(username="nhaplieu.hvhc").first()
    tz = timezone.get_current_timezone()
    academy = Unit.objects.filter(code="HVHC").values_list("path", flat=True).first() or "-"
    subs, pending_values = [], []
    for unit in units:
        rng = random.Random(f"{seed}-{unit.code}")
        scale = 1.0 + min(children[unit.pk], 10) * 0.3  # bigger units have more of everything
        for q, period in enumerate(periods):
            last = q == len(periods) - 1
            roll = rng.random()
            status = _status(roll, last, unit.path.startswith(academy))
            if status is None:
                continue  # not started: late
            deadline = period.deadline(form.deadline_days)
            sent_day = deadline + dt.timedelta(days=rng.randint(-9, -1) if rng.random() > 0.08 else rng.randint(1, 12))
            sent_day = min(sent_day, today)
            sent = dt.datetime.combine(sent_day, dt.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=tz)
            sub = Submission(
                unit=unit,
                form=form,
                form_version=version,
                period=period.code,
                deadline=deadline,
                status=status,
                revision=3,
                submitted_at=sent if status in (S.SUBMITTED, S.APPROVED) else None,
                submitted_by=entry if status in (S.SUBMITTED, S.APPROVED) else None,
                decided_at=sent + dt.timedelta(days=2) if status in (S.APPROVED, S.RETURNED) else None,
                decided_by=reviewer if status in (S.APPROVED, S.RETURNED) else None,
                return_reason="Số liệu văn bản ký số lớn hơn tổng số văn bản điện tử; đề nghị rà soát lại."
                if status == S.RETURNED
                else "",
            )
            raw = {}
            for ind in indicators:
                spec = specs[ind.code]
                if ind.applies_to and unit.kind not in ind.applies_to:
                    continue
                raw[ind.code] = _sample(spec, rng, q, scale)
            numbers = {c: n for c, (n, _t) in raw.items()}
            _clamp(numbers)
            applicable = [i for i in indicators if not i.applies_to or unit.kind in i.applies_to]
            numbers.update(submissions.computed_values(applicable, period, numbers))
            subs.append(sub)
            pending_values.append(
                [(ind, numbers.get(ind.code), raw.get(ind.code, (None, ""))[1]) for ind in applicable]
            )
    Submission.objects.bulk_create(subs, batch_size=1000)
    Value.objects.bulk_create(
        (
            Value(submission=sub, indicator=ind, num=num, text=text)
            for sub, rows in zip(subs, pending_values, strict=True)
            for ind, num, text in rows
            if num is not None or text
        ),
        batch_size=5000,
    )
    rollups.rebuild()
    audit.record(
        "import",
        None,
        object_type="reporting.submission",
        object_repr=f"Dữ liệu mẫu: {len(subs)} phiếu báo cáo, {len(periods)} quý",
    )
    return len(subs)
