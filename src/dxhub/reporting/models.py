from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    """A figure units report each period (chỉ tiêu báo cáo), or one computed from others.

    ``aggregation`` says how values add up the unit tree; a computed indicator's
    formula is versioned by ``IndicatorFormula`` (a changed formula applies from a
    stated period on).
    """

    class ValueType(models.TextChoices):
        INTEGER = "integer", _("Số nguyên")
        DECIMAL = "decimal", _("Số thập phân")
        PERCENTAGE = "percentage", _("Tỷ lệ %")
        BOOLEAN = "boolean", _("Có/không")
        TEXT = "text", _("Văn bản")

    class Direction(models.TextChoices):
        HIGHER_BETTER = "higher_better", _("Càng cao càng tốt")
        LOWER_BETTER = "lower_better", _("Càng thấp càng tốt")
        NEUTRAL = "neutral", _("Không xét chiều")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Cộng")
        AVG = "avg", _("Trung bình")
        WEIGHTED_AVG = "weighted_avg", _("Trung bình có trọng số")
        MIN = "min", _("Nhỏ nhất")
        MAX = "max", _("Lớn nhất")
        SHARE_YES = "share_yes", _("Tỷ lệ đơn vị trả lời “có”")
        NONE = "none", _("Không tổng hợp")

    code = models.CharField(_("mã chỉ tiêu"), max_length=30, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    definition = models.TextField(_("định nghĩa, cách tính"), blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    topic = models.CharField(_("nhóm"), max_length=60, blank=True)
    value_type = models.CharField(_("kiểu giá trị"), max_length=12, choices=ValueType.choices)
    min_value = models.DecimalField(_("giá trị nhỏ nhất"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("giá trị lớn nhất"), max_digits=20, decimal_places=4, null=True, blank=True)
    direction = models.CharField(
        _("chiều đánh giá"), max_length=16, choices=Direction.choices, default=Direction.HIGHER_BETTER
    )
    aggregation = models.CharField(
        _("cách tổng hợp"), max_length=16, choices=Aggregation.choices, default=Aggregation.SUM
    )
    weight = models.ForeignKey(
        "self", verbose_name=_("chỉ tiêu trọng số"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applies_to = models.JSONField(_("loại hình đơn vị báo cáo"), default=list, blank=True)  # [] = every unit
    is_computed = models.BooleanField(_("chỉ tiêu tính toán"), default=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["topic", "code"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("danh mục chỉ tiêu")

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def applies_to_labels(self) -> list[str]:
        from dxhub.org.choices import UnitKind

        labels = dict(UnitKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.applies_to]


class IndicatorFormula(models.Model):
    """One version of a computed indicator's formula, in force from ``valid_from`` (a
    period code such as "2025-Q1") until the next version."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="formulas")
    expression = models.CharField(_("công thức"), max_length=500)
    valid_from = models.CharField(_("áp dụng từ kỳ"), max_length=10)
    valid_from_date = models.DateField(editable=False)  # the period's first day, for ordering
    note = models.CharField(_("căn cứ thay đổi"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["indicator", "valid_from_date"]
        verbose_name = _("phiên bản công thức")
        verbose_name_plural = _("phiên bản công thức")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "valid_from_date"], name="reporting_formula_one_per_start")
        ]

    def __str__(self):
        return f"{self.indicator.code} = {self.expression} (từ {self.valid_from})"

    @property
    def valid_from_label(self) -> str:
        from .periods import Period

        return Period.parse(self.valid_from).label
