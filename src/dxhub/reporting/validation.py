"""Checking reported values: one place for the rules the form, the Excel upload and
the API all apply.

Two layers:
- ``parse_value`` turns what a user typed (or a spreadsheet cell, or JSON) into a
  stored value, refusing the wrong type and out-of-range values. Such errors stop
  any save.
- ``check`` looks at a whole submission: required values, rules across indicators,
  jumps against the previous period. Errors block sending; warnings need a comment
  (giải trình) on the indicator before the submission can be sent.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from dxhub.core.text import nfc_text

from . import formula
from .models import Indicator, ValidationRule

TEXT_MAX = 2000
YES = {"co", "có", "x", "1", "yes", "true", "đạt", "dat", "c"}
NO = {"khong", "không", "0", "no", "false", "k"}
_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+$")
_ONE_GROUP = re.compile(r"^-?[1-9]\d{0,2}\.\d{3}$")  # 1.500: 1500 the Vietnamese way, 1.5 the English way
LARGEST = Decimal("1e12")
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")
_BOTH = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$")


class ValueProblem(ValueError):
    """A value that cannot be stored; ``message`` is Vietnamese and names no place
    (the caller adds the field, or the sheet/row/column)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    code: str  # the indicator it is shown against
    severity: str  # "error" or "warning"
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ValidationRule.Severity.ERROR


def to_decimal(raw, whole: bool = False) -> Decimal:
    """A number from a cell, a form field or JSON; Vietnamese (1.234,5) and plain
    (1234.5) notations both accepted. "1.500" is 1500 for a whole number and refused
    as ambiguous otherwise."""
    if isinstance(raw, bool):
        raise ValueProblem(_("cần một số, không phải giá trị đúng/sai"))
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        raise ValueProblem(_("ô chứa ngày tháng, cần một số"))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueProblem(_("không phải số hợp lệ"))
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if _ONE_GROUP.match(text) and not whole:
        raise ValueProblem(
            _("“%(text)s” không rõ là số nguyên hay số thập phân: hãy viết %(a)s hoặc %(b)s")
            % {"text": text, "a": text.replace(".", ""), "b": text.replace(".", ",")}
        )
    if _THOUSANDS.match(text):
        text = text.replace(".", "")
    elif _BOTH.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        raise ValueProblem(_("“%(text)s” không phải là số") % {"text": str(raw).strip()[:40]})
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueProblem(_("“%(text)s” không phải là số") % {"text": str(raw).strip()[:40]}) from None


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_value(indicator: Indicator, raw) -> tuple[Decimal | None, str]:
    """(number, text) to store for ``raw``; (None, "") for a blank. Raises ValueProblem."""
    if is_blank(raw):
        return None, ""
    kind = indicator.value_type
    if kind == Indicator.ValueType.TEXT:
        text = nfc_text(raw)
        if len(text) > TEXT_MAX:
            raise ValueProblem(_("dài quá %(max)s ký tự") % {"max": TEXT_MAX})
        return None, text
    if kind == Indicator.ValueType.BOOLEAN:
        if isinstance(raw, bool):
            return Decimal(int(raw)), ""
        if isinstance(raw, (int, float, Decimal)) and raw in (0, 1):
            return Decimal(int(raw)), ""
        word = str(raw).strip().lower()
        if word in YES:
            return Decimal(1), ""
        if word in NO:
            return Decimal(0), ""
        raise ValueProblem(_("chỉ nhận “Có” hoặc “Không”"))
    value = to_decimal(raw, whole=kind == Indicator.ValueType.INTEGER) + 0  # + 0: no "-0"
    if kind == Indicator.ValueType.INTEGER and value != value.to_integral_value():
        raise ValueProblem(_("phải là số nguyên"))
    if abs(value) >= LARGEST:
        raise ValueProblem(_("số quá lớn (tối đa dưới %(max)s)") % {"max": show(LARGEST)})
    if value.as_tuple().exponent < -4:
        value = value.quantize(Decimal("0.0001"))
    low, high = indicator.min_value, indicator.max_value
    if low is not None and value < low:
        if low == 0:
            raise ValueProblem(_("không được âm (nhận %(value)s)") % {"value": show(value)})
        raise ValueProblem(_("nhỏ hơn mức tối thiểu %(low)s") % {"low": show(low)})
    if high is not None and value > high:
        if kind == Indicator.ValueType.PERCENTAGE:
            raise ValueProblem(_("tỷ lệ %(value)s%% vượt quá 100%%") % {"value": show(value)})
        raise ValueProblem(_("lớn hơn mức tối đa %(high)s") % {"high": show(high)})
    return value, ""


def show(value: Decimal | None) -> str:
    """A number the Vietnamese way for messages: 1.234,5."""
    if value is None:
        return ""
    value = value.normalize() if value == value.to_integral_value() else value
    sign, whole, frac = "-" if value < 0 else "", *f"{abs(value):f}".partition(".")[::2]
    whole = f"{int(whole):,}".replace(",", ".")
    frac = frac.rstrip("0")
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def display(indicator: Indicator, num: Decimal | None, text: str = "") -> str:
    """A stored value as a user types it back (form fields, templates)."""
    if indicator.value_type == Indicator.ValueType.TEXT:
        return text
    if num is None:
        return ""
    if indicator.value_type == Indicator.ValueType.BOOLEAN:
        return _("Có") if num else _("Không")
    if indicator.is_computed and indicator.value_type != Indicator.ValueType.INTEGER:
        num = num.quantize(Decimal("0.01"))
    return show(num)


def compute_all(computed: dict[str, object], values: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    """Values of computed indicators (code -> parsed formula), in dependency order."""
    out: dict[str, Decimal | None] = {}
    known = dict(values)
    pending = dict(computed)
    while pending:
        ready = [c for c, tree in pending.items() if not (formula.references(tree) & set(pending))]
        if not ready:  # a cycle (refused when formulas are saved); leave the rest empty
            out.update({c: None for c in pending})
            break
        for code in ready:
            result = formula.evaluate(pending.pop(code), known)
            if result is not None:
                # a result too large to store (a tiny denominator) is left empty; the
                # range check of its inputs' rules says why
                result = result.quantize(Decimal("0.0001")) if abs(result) < LARGEST else None
            out[code] = known[code] = result
    return out


_OPS = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: a == b,
}


def check(
    indicators: list[Indicator],
    values: dict[str, Decimal | None | str],
    comments: dict[str, str],
    previous: dict[str, Decimal | None],
    jump_threshold: Decimal,
    rules: list[ValidationRule],
    for_sending: bool,
) -> list[Problem]:
    """The problems of one submission's values (code -> number, or text for text
    indicators). Blank required values are errors only when sending."""
    problems: list[Problem] = []
    by_code = {i.code: i for i in indicators}
    for ind in indicators:
        value = values.get(ind.code)
        if ind.is_computed and isinstance(value, Decimal) and not _in_range(ind, value):
            problems.append(
                Problem(
                    ind.code,
                    "error",
                    _("“%(name)s” tính ra %(value)s, ngoài khoảng %(range)s: hãy kiểm tra các số liệu dùng để tính.")
                    % {"name": ind.name, "value": show(value.quantize(Decimal("0.01"))), "range": _range(ind)},
                )
            )
        if ind.is_computed or not getattr(ind, "required", True):
            continue
        if for_sending and is_blank(values.get(ind.code)):
            problems.append(Problem(ind.code, "error", _("Chưa nhập “%(name)s”.") % {"name": ind.name}))
    numbers = {c: v for c, v in values.items() if isinstance(v, Decimal)}
    for rule in rules:
        try:
            left, right = formula.parse(rule.left), formula.parse(rule.right)
        except formula.FormulaError:
            continue
        refs = formula.references(left) | formula.references(right)
        if not refs <= set(by_code):
            continue  # the rule reads indicators this form does not carry
        a, b = formula.evaluate(left, numbers), formula.evaluate(right, numbers)
        if a is None or b is None or _OPS[rule.operator](a, b):
            continue
        anchor = sorted(formula.references(left))[0] if formula.references(left) else sorted(refs)[0]
        message = rule.message or _("%(left)s (%(a)s) phải %(op)s %(right)s (%(b)s).") % {
            "left": _names(rule.left, by_code),
            "a": show(a),
            "op": dict(ValidationRule.Operator.choices)[rule.operator],
            "right": _names(rule.right, by_code),
            "b": show(b),
        }
        if rule.severity == ValidationRule.Severity.WARNING and comments.get(anchor, "").strip():
            continue
        problems.append(Problem(anchor, rule.severity, message))
    for ind in indicators:
        numeric = (Indicator.ValueType.INTEGER, Indicator.ValueType.DECIMAL, Indicator.ValueType.PERCENTAGE)
        if ind.value_type not in numeric or ind.is_computed:
            continue
        now, before = numbers.get(ind.code), previous.get(ind.code)
        if now is None or before is None or before == 0:
            continue
        change = (now - before) / abs(before)
        if abs(change) > jump_threshold and not comments.get(ind.code, "").strip():
            problems.append(
                Problem(
                    ind.code,
                    "warning",
                    _("“%(name)s” %(dir)s %(pct)s%% so với kỳ trước (%(before)s → %(now)s): cần giải trình.")
                    % {
                        "name": ind.name,
                        "dir": _("tăng") if change > 0 else _("giảm"),
                        "pct": show((abs(change) * 100).quantize(Decimal("1"))),
                        "before": show(before),
                        "now": show(now),
                    },
                )
            )
    return problems


def _in_range(ind: Indicator, value: Decimal) -> bool:
    return (ind.min_value is None or value >= ind.min_value) and (ind.max_value is None or value <= ind.max_value)


def _range(ind: Indicator) -> str:
    low = show(ind.min_value) if ind.min_value is not None else "…"
    high = show(ind.max_value) if ind.max_value is not None else "…"
    return f"{low}–{high}"


def _names(expression: str, by_code: dict[str, Indicator]) -> str:
    try:
        tree = formula.parse(expression)
    except formula.FormulaError:
        return expression
    if isinstance(tree, formula.Ref) and tree.code in by_code:
        return f"“{by_code[tree.code].name}”"
    return expression
