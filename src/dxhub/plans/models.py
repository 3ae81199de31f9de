"""Programmes and plans, the tasks and targets they hand down the unit tree.

A plan (Đề án, Kế hoạch) belongs to a unit and may implement its superior's plan. Its
tasks (nhiệm vụ) are handed down as one ``Assignment`` per unit; a unit holding an
assignment may hand it on to units below it (child assignments), and progress rolls
up from the children. Its targets (chỉ tiêu) name a reporting indicator and a value;
each unit's share is a ``UnitTarget`` whose progress is read from approved figures,
never typed.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.scoping import ScopedQuerySet


class PlanQuerySet(ScopedQuerySet):
    scope_path_field = "owner__path"


class Plan(models.Model):
    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("Đề án, chương trình")
        PLAN = "plan", _("Kế hoạch giai đoạn")
        YEARLY = "yearly", _("Kế hoạch năm")

    code = models.CharField(_("mã kế hoạch"), max_length=40, unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.PLAN)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    title = models.CharField(_("tên"), max_length=300)
    decision = models.CharField(_("quyết định ban hành"), max_length=200, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    owner = models.ForeignKey("org.Unit", verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thực hiện kế hoạch cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    summary = models.TextField(_("mục tiêu chung"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["start", "code"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="plans_plan_period")]

    def __str__(self):
        return f"{self.number or self.code} — {self.title}"


class Objective(models.Model):
    """A numbered objective (mục tiêu cụ thể) of a plan; tasks and targets group under it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("mục tiêu"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plans_objective_code")]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Theme(models.Model):
    """The year's theme of a plan (chủ đề năm), e.g. 2024: "Mở rộng hạ tầng số …"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("chủ đề"), max_length=300)

    class Meta:
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="plans_theme_year")]

    def __str__(self):
        return f"{self.year}: {self.title}"


class Priority(models.IntegerChoices):
    HIGH = 1, _("Cao")
    NORMAL = 2, _("Trung bình")
    LOW = 3, _("Thấp")


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    objective = models.ForeignKey(
        Objective, verbose_name=_("mục tiêu"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    code = models.CharField(_("mã nhiệm vụ"), max_length=20)
    title = models.CharField(_("tên nhiệm vụ"), max_length=300)
    description = models.TextField(_("nội dung"), blank=True)
    lead = models.ForeignKey("org.Unit", verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="+")
    cooperating = models.ManyToManyField("org.Unit", verbose_name=_("đơn vị phối hợp"), blank=True, related_name="+")
    start = models.DateField(_("ngày bắt đầu"))
    due = models.DateField(_("hạn hoàn thành"))
    priority = models.PositiveSmallIntegerField(_("mức ưu tiên"), choices=Priority.choices, default=Priority.NORMAL)
    expected_output = models.CharField(_("sản phẩm"), max_length=300, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)  # rolled up from assignments
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plans_task_code"),
            models.CheckConstraint(condition=Q(due__gte=F("start")), name="plans_task_period"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class AssignmentQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class Assignment(models.Model):
    """A task given to one unit (giao nhiệm vụ), tracked on its own.

    ``behind_from`` is the day from which the assignment counts as behind schedule:
    when the time elapsed since the start runs ahead of the reported progress by
    ``services.BEHIND_MARGIN`` points. It is stored at every update so the "at risk"
    list is one indexed comparison with today."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    start = models.DateField(_("ngày bắt đầu"))
    due = models.DateField(_("hạn hoàn thành"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    children_count = models.PositiveIntegerField(default=0)
    behind_from = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_note = models.CharField(_("ghi chú gần nhất"), max_length=500, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["task", "unit__path"]
        verbose_name = _("nhiệm vụ được giao")
        verbose_name_plural = _("nhiệm vụ được giao")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="plans_assignment_once"),
            models.CheckConstraint(condition=Q(due__gte=F("start")), name="plans_assignment_period"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="plans_assignment_progress"),
        ]
        # The alert lists read open assignments only (partial indexes, on both databases):
        # by due date for the whole tree, by unit and due date or behind-from day for a subtree.
        indexes = [
            models.Index(fields=["due", "id"], condition=~Q(status="done"), name="plans_asg_open_due"),
            models.Index(fields=["unit", "due"], condition=~Q(status="done"), name="plans_asg_open_unit_due"),
            models.Index(
                fields=["unit", "behind_from"], condition=~Q(status="done"), name="plans_asg_open_unit_behind"
            ),
            models.Index(fields=["task", "parent"], name="plans_asg_task_parent"),
        ]

    def __str__(self):
        return f"{self.task.code} · {self.unit}"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def days_late(self) -> int:
        """Days past the due date: until today while open, until completion once done."""
        from django.utils import timezone

        end = timezone.localdate(self.completed_at) if self.completed_at else timezone.localdate()
        return max(0, (end - self.due).days)


class ProgressUpdate(models.Model):
    """One report on an assignment (báo cáo tiến độ): the progress, a note, files."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Assignment.Status.choices)
    note = models.CharField(_("nội dung, kết quả, vướng mắc"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assignment", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.assignment} {self.progress}%"


class UpdateFile(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("tên"), max_length=255)
    file = models.FileField(upload_to="ke-hoach/%Y/%m/", blank=True)
    link = models.URLField(max_length=500, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    is_output = models.BooleanField(_("là sản phẩm"), default=False)

    class Meta:
        ordering = ["update", "pk"]

    def __str__(self):
        return self.title


class Target(models.Model):
    """A target (chỉ tiêu) of a plan: an indicator of the reporting catalogue to bring
    to ``value`` by ``deadline``, e.g. DIGSIG_IN_USE = 100 % by 31/12/2025."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    objective = models.ForeignKey(
        Objective, verbose_name=_("mục tiêu"), null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    code = models.CharField(_("mã chỉ tiêu kế hoạch"), max_length=20)
    title = models.CharField(_("tên chỉ tiêu"), max_length=300)
    indicator = models.ForeignKey(
        "reporting.Indicator", verbose_name=_("chỉ tiêu báo cáo"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("giá trị phải đạt"), max_digits=20, decimal_places=4)
    start = models.DateField(_("tính từ ngày"))
    deadline = models.DateField(_("thời hạn"))
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plans_target_code"),
            models.CheckConstraint(condition=Q(deadline__gte=F("start")), name="plans_target_period"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    @property
    def value_unit(self) -> str:
        """The unit of the value: a yes/no indicator is targeted as a share of units."""
        if self.indicator.value_type == "boolean":
            return str(_("% đơn vị"))
        return self.indicator.unit


class UnitTargetQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class UnitTarget(models.Model):
    """One unit's share of a target, with its progress read from the approved roll-up
    of the unit's subtree (``targets.refresh``): the latest figure, its attainment,
    and a straight-line forecast to the deadline."""

    class Status(models.TextChoices):
        ACHIEVED = "achieved", _("Đã đạt")
        ON_TRACK = "on_track", _("Đúng tiến độ")
        AT_RISK = "at_risk", _("Có nguy cơ chậm")
        OFF_TRACK = "off_track", _("Không kịp tiến độ")
        MISSED = "missed", _("Không đạt")
        NO_DATA = "no_data", _("Chưa có số liệu")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    value = models.DecimalField(_("giá trị phải đạt"), max_digits=20, decimal_places=4)
    deadline = models.DateField(_("thời hạn"))
    current = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    period = models.CharField(max_length=10, blank=True)  # of ``current``
    attainment = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)  # 0..1
    forecast = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NO_DATA)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UnitTargetQuerySet.as_manager()

    class Meta:
        ordering = ["target", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["target", "unit"], name="plans_unittarget_once")]
        indexes = [
            models.Index(fields=["unit", "status"], name="plans_ut_unit_status"),
            models.Index(fields=["target", "parent"], name="plans_ut_target_parent"),
        ]

    def __str__(self):
        return f"{self.target.code} · {self.unit}"

    @property
    def period_label(self) -> str:
        """The period of ``current`` as people write it (Quý III/2025)."""
        from dxhub.reporting.periods import Period, PeriodError

        try:
            return Period.parse(self.period).label if self.period else ""
        except PeriodError:
            return self.period
