"""The indicator catalogue: rules for indicators and their versioned formulas."""

import re
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import scope_paths
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import nfc
from dxhub.org.choices import UnitKind

from . import formula, rollups
from .models import FormItem, FormVersion, Indicator, IndicatorFormula, ReportForm, ValidationRule
from .periods import Period, PeriodError

_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,29}$", re.ASCII)
FIELDS = (
    "code",
    "name",
    "definition",
    "unit",
    "topic",
    "value_type",
    "min_value",
    "max_value",
    "direction",
    "aggregation",
    "weight",
    "applies_to",
    "is_computed",
    "is_active",
)


def can_manage(user) -> bool:
    return bool(scope_paths(user, Action.MANAGE_CATALOGUE))


def _require_manage(user):
    if user is not None and not can_manage(user):
        raise NotInScope(_("Chỉ quản trị hệ thống được sửa danh mục chỉ tiêu."))


def check_indicator(data: dict, instance: Indicator | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = nfc(data.get("code")).upper()
    if not _CODE.match(code):
        errors["code"] = _("Mã chỉ tiêu gồm chữ in hoa không dấu, chữ số và “_”, bắt đầu bằng chữ, tối đa 30 ký tự.")
    elif Indicator.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["code"] = _("Mã chỉ tiêu “%(code)s” đã có.") % {"code": code}
    if not nfc(data.get("name")):
        errors["name"] = _("Tên chỉ tiêu không được để trống.")
    value_type = data.get("value_type")
    if value_type not in Indicator.ValueType.values:
        errors["value_type"] = _("Kiểu giá trị không hợp lệ.")
    low, high = data.get("min_value"), data.get("max_value")
    if value_type in (Indicator.ValueType.BOOLEAN, Indicator.ValueType.TEXT) and (low is not None or high is not None):
        errors["min_value"] = _("Chỉ tiêu có/không hoặc văn bản không có khoảng giá trị.")
    elif low is not None and high is not None and Decimal(low) > Decimal(high):
        errors["max_value"] = _("Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất.")
    elif value_type == Indicator.ValueType.PERCENTAGE and (
        (low is not None and Decimal(low) < 0) or (high is not None and Decimal(high) > 100)
    ):
        errors["max_value"] = _("Tỷ lệ phần trăm nằm trong khoảng 0–100.")
    aggregation = data.get("aggregation")
    if aggregation not in Indicator.Aggregation.values:
        errors["aggregation"] = _("Cách tổng hợp không hợp lệ.")
    elif aggregation == Indicator.Aggregation.WEIGHTED_AVG and data.get("weight") is None:
        errors["weight"] = _("Trung bình có trọng số cần chọn chỉ tiêu làm trọng số.")
    elif aggregation == Indicator.Aggregation.SHARE_YES and value_type != Indicator.ValueType.BOOLEAN:
        errors["aggregation"] = _("“Tỷ lệ đơn vị trả lời có” chỉ dùng cho chỉ tiêu có/không.")
    elif aggregation not in (Indicator.Aggregation.NONE,) and value_type == Indicator.ValueType.TEXT:
        errors["aggregation"] = _("Chỉ tiêu văn bản không tổng hợp được.")
    weight = data.get("weight")
    if weight is not None and weight.value_type not in (Indicator.ValueType.INTEGER, Indicator.ValueType.DECIMAL):
        errors["weight"] = _("Chỉ tiêu trọng số phải là số.")
    unknown = [k for k in data.get("applies_to") or [] if k not in UnitKind.values]
    if unknown:
        errors["applies_to"] = _("Loại hình đơn vị không hợp lệ: %(kinds)s.") % {"kinds": ", ".join(unknown)}
    if data.get("direction") not in Indicator.Direction.values:
        errors["direction"] = _("Chiều đánh giá không hợp lệ.")
    return errors


@transaction.atomic
def save_indicator(user, data: dict, instance: Indicator | None = None) -> Indicator:
    _require_manage(user)
    data = {k: v for k, v in data.items() if k in FIELDS}
    merged = ({f: getattr(instance, f) for f in FIELDS} if instance else {}) | data
    merged.setdefault("direction", Indicator.Direction.HIGHER_BETTER)
    merged.setdefault("aggregation", Indicator.Aggregation.SUM)
    if merged.get("value_type") == Indicator.ValueType.PERCENTAGE:
        merged["min_value"] = 0 if merged.get("min_value") is None else merged["min_value"]
        merged["max_value"] = 100 if merged.get("max_value") is None else merged["max_value"]
    errors = check_indicator(merged, instance)
    if errors:
        raise DomainError(_("Thông tin chỉ tiêu chưa hợp lệ."), errors)
    before = audit.snapshot(instance) if instance else None
    indicator = instance or Indicator()
    for key, value in merged.items():
        setattr(indicator, key, value)
    indicator.code = nfc(indicator.code).upper()
    indicator.name = nfc(indicator.name)
    indicator.save()
    if instance and (before["aggregation"], before["weight_id"]) != (indicator.aggregation, indicator.weight_id):
        rollups.rebuild(indicator_id=indicator.pk)  # the figures add up differently now
    audit.record("update" if instance else "create", indicator, before=before, after=audit.snapshot(indicator))
    return indicator


def formula_in_force(indicator: Indicator, period: Period) -> IndicatorFormula | None:
    return indicator.formulas.filter(valid_from_date__lte=period.start).order_by("-valid_from_date").first()


def formulas_in_force(period: Period) -> dict[str, object]:
    """The parsed formula in force for ``period`` of every computed indicator (one query)."""
    latest = {}
    for f in IndicatorFormula.objects.filter(valid_from_date__lte=period.start).select_related("indicator"):
        if f.indicator.code not in latest or f.valid_from_date > latest[f.indicator.code].valid_from_date:
            latest[f.indicator.code] = f
    return {code: formula.parse(f.expression) for code, f in latest.items()}


def _formulas_in_force(period: Period, replacing: Indicator | None = None, tree=None) -> dict[str, object]:
    out = formulas_in_force(period)
    if replacing is not None:
        out[replacing.code] = tree
    return out


@transaction.atomic
def add_formula(user, indicator: Indicator, expression: str, valid_from: str, note: str = "") -> IndicatorFormula:
    """A new version of a computed indicator's formula, in force from ``valid_from`` on.

    Versions only move forward: values of earlier periods keep the formula they
    were computed with.
    """
    _require_manage(user)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if not indicator.is_computed:
        raise DomainError(_("“%(code)s” không phải chỉ tiêu tính toán.") % {"code": indicator.code})
    try:
        period = Period.parse(valid_from)
    except PeriodError as exc:
        raise DomainError(str(exc), {"valid_from": str(exc)}) from None
    try:
        tree = formula.parse(expression)
    except formula.FormulaError as exc:
        raise DomainError(
            _("Công thức không hợp lệ: %(why)s") % {"why": exc.message}, {"expression": exc.message}
        ) from None
    refs = formula.references(tree)
    known = dict(Indicator.objects.filter(code__in=refs).values_list("code", "value_type"))
    missing = sorted(refs - set(known))
    if missing:
        raise DomainError(
            _("Công thức dùng mã chỉ tiêu không có: %(codes)s.") % {"codes": ", ".join(missing)},
            {"expression": ", ".join(missing)},
        )
    if any(t in (Indicator.ValueType.TEXT, Indicator.ValueType.BOOLEAN) for t in known.values()):
        raise DomainError(_("Công thức chỉ dùng được chỉ tiêu dạng số."), {"expression": _("chỉ tiêu không phải số")})
    cycle = formula.find_cycle(indicator.code, _formulas_in_force(period, indicator, tree))
    if cycle:
        raise DomainError(
            _("Công thức tạo vòng lặp: %(cycle)s.") % {"cycle": " → ".join(cycle)}, {"expression": " → ".join(cycle)}
        )
    latest = indicator.formulas.order_by("-valid_from_date").first()
    if latest is not None and period.start <= latest.valid_from_date:
        raise DomainError(
            _("Phiên bản mới phải áp dụng sau kỳ %(period)s của phiên bản hiện hành.")
            % {"period": Period.parse(latest.valid_from).label},
            {"valid_from": _("phải sau %(code)s") % {"code": latest.valid_from}},
        )
    version = IndicatorFormula.objects.create(
        indicator=indicator,
        expression=expression.strip(),
        valid_from=period.code,
        valid_from_date=period.start,
        note=nfc(note),
        created_by=user if getattr(user, "pk", None) else None,
    )
    audit.record("create", version, after=audit.snapshot(version), object_repr=str(version)[:255])
    return version


# --- report forms -----------------------------------------------------------


@transaction.atomic
def save_form(user, data: dict, instance: ReportForm | None = None) -> ReportForm:
    """Create or change a report form's heading (not its indicator list: see
    ``add_form_version``)."""
    _require_manage(user)
    errors = {}
    code = nfc(data.get("code", instance.code if instance else "")).upper()
    if not re.match(r"^[A-Z0-9][A-Z0-9_\-]{0,29}$", code, re.ASCII):
        errors["code"] = _("Mã biểu mẫu gồm chữ in hoa không dấu, chữ số, “-” và “_”, tối đa 30 ký tự.")
    elif ReportForm.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["code"] = _("Mã biểu mẫu “%(code)s” đã có.") % {"code": code}
    if data.get("periodicity", getattr(instance, "periodicity", None)) not in ReportForm.Periodicity.values:
        errors["periodicity"] = _("Kỳ báo cáo phải là tháng, quý, 6 tháng hoặc năm.")
    unknown = [k for k in data.get("applies_to") or [] if k not in UnitKind.values]
    if unknown:
        errors["applies_to"] = _("Loại hình đơn vị không hợp lệ: %(kinds)s.") % {"kinds": ", ".join(unknown)}
    days = data.get("deadline_days", getattr(instance, "deadline_days", 10))
    if not isinstance(days, int) or not 0 <= days <= 366:
        errors["deadline_days"] = _("Hạn nộp là số ngày sau khi hết kỳ, từ 0 đến 366.")
    if errors:
        raise DomainError(_("Thông tin biểu mẫu chưa hợp lệ."), errors)
    before = audit.snapshot(instance) if instance else None
    form = instance or ReportForm()
    for key in ("name", "periodicity", "applies_to", "deadline_days", "jump_threshold", "is_active"):
        if key in data:
            setattr(form, key, nfc(data[key]) if key == "name" else data[key])
    form.code = code
    form.save()
    audit.record("update" if instance else "create", form, before=before, after=audit.snapshot(form))
    return form


@transaction.atomic
def add_form_version(
    user, form: ReportForm, indicator_codes: list[str], valid_from: str, optional: tuple[str, ...] = ()
) -> FormVersion:
    """A new indicator list for the form from period ``valid_from`` on; submissions
    already started keep the version they began with."""
    _require_manage(user)
    form = ReportForm.objects.select_for_update().get(pk=form.pk)
    try:
        period = Period.parse(valid_from)
    except PeriodError as exc:
        raise DomainError(str(exc), {"valid_from": str(exc)}) from None
    if period.kind != form.periodicity:
        raise DomainError(_("Kỳ áp dụng phải cùng loại kỳ với biểu mẫu."), {"valid_from": valid_from})
    codes = [nfc(c).upper() for c in indicator_codes]
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes, is_active=True)}
    missing = [c for c in codes if c not in found]
    if missing or not codes or len(set(codes)) != len(codes):
        raise DomainError(
            _("Danh sách chỉ tiêu không hợp lệ (trống, trùng hoặc không có mã: %(codes)s).")
            % {"codes": ", ".join(missing) or "—"}
        )
    clash = (
        FormItem.objects.filter(
            indicator__code__in=codes,
            version__form__periodicity=form.periodicity,
            version__form__is_active=True,
        )
        .exclude(version__form=form)
        .values_list("indicator__code", "version__form__code")
        .distinct()
    )
    if clash:
        pairs = sorted(set(clash))
        raise DomainError(
            _(
                "Mỗi chỉ tiêu chỉ báo cáo trong một biểu mẫu cùng kỳ (nếu không, số liệu tổng hợp bị cộng hai lần): "
                "%(pairs)s."
            )
            % {"pairs": ", ".join(f"{c} ({f})" for c, f in pairs[:10])}
        )
    latest = form.versions.order_by("-number").first()
    if latest is not None and period.start <= latest.valid_from_date:
        raise DomainError(_("Phiên bản mới phải áp dụng sau kỳ %(code)s.") % {"code": latest.valid_from})
    version = FormVersion.objects.create(
        form=form, number=(latest.number + 1) if latest else 1, valid_from=period.code, valid_from_date=period.start
    )
    FormItem.objects.bulk_create(
        [
            FormItem(version=version, indicator=found[c], position=n, required=c not in optional)
            for n, c in enumerate(codes, start=1)
        ]
    )
    audit.record("create", version, after={"form": form.code, "valid_from": period.code, "indicators": codes})
    return version


# --- validation rules ------------------------------------------------------------


@transaction.atomic
def add_rule(user, left: str, operator: str, right: str, severity: str, message: str = "") -> ValidationRule:
    """A rule across indicators (``EMAIL_USERS <= PERSONNEL_TOTAL``), both sides formulas
    over numeric indicators."""
    _require_manage(user)
    errors = {}
    refs = set()
    for side, text in (("left", left), ("right", right)):
        try:
            refs |= formula.references(formula.parse(text))
        except formula.FormulaError as exc:
            errors[side] = exc.message
    if operator not in ValidationRule.Operator.values:
        errors["operator"] = _("Phép so sánh không hợp lệ.")
    if severity not in ValidationRule.Severity.values:
        errors["severity"] = _("Mức độ không hợp lệ.")
    known = dict(Indicator.objects.filter(code__in=refs).values_list("code", "value_type"))
    missing = sorted(refs - set(known))
    if missing:
        errors["left"] = _("Không có mã chỉ tiêu: %(codes)s.") % {"codes": ", ".join(missing)}
    elif any(t == Indicator.ValueType.TEXT for t in known.values()):
        errors["left"] = _("Quy tắc chỉ dùng được chỉ tiêu dạng số hoặc có/không.")
    if errors:
        raise DomainError(_("Quy tắc kiểm tra chưa hợp lệ."), errors)
    rule = ValidationRule.objects.create(
        left=left.strip(), operator=operator, right=right.strip(), severity=severity, message=nfc(message)
    )
    audit.record("create", rule, after=audit.snapshot(rule))
    return rule


@transaction.atomic
def set_rule_active(user, rule: ValidationRule, active: bool) -> ValidationRule:
    _require_manage(user)
    before = audit.snapshot(rule)
    rule.is_active = active
    rule.save(update_fields=["is_active"])
    audit.record("update", rule, before=before, after=audit.snapshot(rule))
    return rule
