from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.scoping import ScopedQuerySet


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
    # Filled by dxhub itself from ``source_from`` on (see reporting/sources.py), never typed.
    source = models.CharField(_("nguồn số liệu tự động"), max_length=40, blank=True)
    source_from = models.DateField(_("lấy tự động từ ngày"), null=True, blank=True)
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


class ReportForm(models.Model):
    """A report form (biểu mẫu báo cáo): which indicators units of which kinds report,
    how often, and by when. Its indicator list is versioned by ``FormVersion``."""

    class Periodicity(models.TextChoices):
        MONTH = "M", _("Hằng tháng")
        QUARTER = "Q", _("Hằng quý")
        HALF = "H", _("6 tháng")
        YEAR = "Y", _("Hằng năm")

    code = models.CharField(_("mã biểu mẫu"), max_length=30, unique=True)
    name = models.CharField(_("tên biểu mẫu"), max_length=255)
    periodicity = models.CharField(_("kỳ báo cáo"), max_length=1, choices=Periodicity.choices)
    applies_to = models.JSONField(_("loại hình đơn vị phải báo cáo"), default=list, blank=True)  # [] = every unit
    deadline_days = models.PositiveSmallIntegerField(_("hạn nộp (số ngày sau khi hết kỳ)"), default=10)
    jump_threshold = models.DecimalField(
        _("ngưỡng biến động so với kỳ trước"), max_digits=6, decimal_places=3, default=Decimal("0.5")
    )  # 0.5 = a change of more than 50 % is flagged
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("biểu mẫu báo cáo")
        verbose_name_plural = _("biểu mẫu báo cáo")

    def __str__(self):
        return f"{self.code} — {self.name}"

    def applies_to_kind(self, kind: str) -> bool:
        return not self.applies_to or kind in self.applies_to


class FormVersion(models.Model):
    """The indicator list of a form from period ``valid_from`` on; a submission keeps
    the version it was started with."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    valid_from = models.CharField(_("áp dụng từ kỳ"), max_length=10)
    valid_from_date = models.DateField(editable=False)
    indicators = models.ManyToManyField(Indicator, through="FormItem", related_name="form_versions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form", "number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="reporting_formversion_number")]

    def __str__(self):
        return f"{self.form.code} v{self.number}"


class FormItem(models.Model):
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "indicator"], name="reporting_formitem_once")]

    def __str__(self):
        return f"{self.version} #{self.position}"


class ValidationRule(models.Model):
    """A rule across indicators, e.g. ``EMAIL_USERS <= PERSONNEL_TOTAL``. Both sides are
    formulas; the rule is checked when every indicator it reads has a value."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Lỗi (chặn gửi)")
        WARNING = "warning", _("Cảnh báo (cần giải trình)")

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        GE = ">=", "≥"
        GT = ">", ">"
        EQ = "==", "="

    left = models.CharField(_("vế trái"), max_length=300)
    operator = models.CharField(_("so sánh"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("vế phải"), max_length=300)
    severity = models.CharField(_("mức độ"), max_length=8, choices=Severity.choices, default=Severity.ERROR)
    message = models.CharField(_("thông báo"), max_length=300, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra")

    def __str__(self):
        return f"{self.left} {self.operator} {self.right}"


class SubmissionQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class Submission(models.Model):
    """One unit's report for one form and period (phiếu báo cáo), with its state in
    the approval chain. ``revision`` grows with every save, so a save based on an
    older revision is refused instead of silently overwriting someone else's."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Trả lại")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="submissions")
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="submissions")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(_("kỳ báo cáo"), max_length=10)
    deadline = models.DateField(_("hạn nộp"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(default=0)
    note = models.TextField(_("ghi chú của đơn vị"), blank=True)
    return_reason = models.TextField(_("lý do trả lại / mở lại"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "unit__path"]
        verbose_name = _("phiếu báo cáo")
        verbose_name_plural = _("phiếu báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["unit", "form", "period"], name="reporting_submission_once"),
        ]
        indexes = [models.Index(fields=["form", "period", "status"], name="reporting_sub_form_period")]

    def __str__(self):
        return f"{self.form.code} · {self.period_label} · {self.unit}"

    @property
    def period_obj(self):
        from .periods import Period

        return Period.parse(self.period)

    @property
    def period_label(self) -> str:
        return self.period_obj.label

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_late(self) -> bool:
        """Sent after the deadline, or not sent and the deadline has passed."""
        from django.utils import timezone

        if self.submitted_at is not None and self.status != self.Status.RETURNED:
            return timezone.localdate(self.submitted_at) > self.deadline
        return timezone.localdate() > self.deadline


class Value(models.Model):
    """One reported (or, for computed indicators, computed and snapshotted) value.
    Yes/no values are stored as 1/0 in ``num``; text in ``text``."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    num = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    comment = models.CharField(_("giải trình"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "indicator"], name="reporting_value_once")]

    def __str__(self):
        return f"{self.indicator_id}={self.num if self.num is not None else self.text}"


class Rollup(models.Model):
    """The approved figures of ``unit``'s whole subtree (itself included) for one
    indicator and period, kept up to date inside every approval transaction.

    The running sums make every aggregation incremental: sum/avg from ``total`` and
    ``n``, weighted average from ``weighted_total``/``weight_total``, share of "yes"
    from ``yes``/``n``; ``low``/``high`` are recomputed when a value leaves.
    """

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    n = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    weighted_total = models.DecimalField(max_digits=36, decimal_places=4, default=0)  # values < 1e12 × weights
    weight_total = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    yes = models.PositiveIntegerField(default=0)
    low = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    high = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "unit"], name="reporting_rollup_key"),
        ]
        indexes = [models.Index(fields=["unit", "indicator", "period"], name="reporting_rollup_unit")]

    def __str__(self):
        return f"{self.indicator_id}@{self.unit_id} {self.period} = {self.value}"
