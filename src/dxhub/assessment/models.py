"""The digital-transformation index: criteria frameworks, assessment rounds, scores, results.

A framework (bộ tiêu chí) is stored twice on purpose: ``definition`` is the canonical
file the engine parses (its sha256 is ``hash``, copied onto every published result),
and ``Criterion`` rows mirror its nodes so scores can point at them. A framework is
never edited in place: a changed set is imported as a new version.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.scoping import ScopedQuerySet


class Framework(models.Model):
    code = models.CharField(_("mã bộ tiêu chí"), max_length=40)
    version = models.PositiveSmallIntegerField(_("phiên bản"))
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm áp dụng"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    total_points = models.DecimalField(_("tổng điểm"), max_digits=9, decimal_places=2)
    definition = models.JSONField()
    hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="assessment_framework_version")]

    def __str__(self):
        return f"{self.code} v{self.version}"

    @property
    def spec(self):
        """The engine's parsed framework (cached on the instance)."""
        cached = getattr(self, "_spec", None)
        if cached is None:
            from dxhub import engine

            cached = self._spec = engine.parse_framework(self.definition)
        return cached


class Criterion(models.Model):
    """A node of a framework: a pillar (no parent), a criterion or a scored leaf."""

    class Method(models.TextChoices):
        RATIO = "ratio", _("Tỷ lệ so với chỉ tiêu")
        STEPS = "steps", _("Theo bậc ngưỡng")
        GOALPOSTS = "goalposts", _("Chuẩn hóa theo cận dưới, cận trên")
        PEER_BEST = "peer_best", _("So với đơn vị cao nhất cùng nhóm")
        YES_NO = "yes_no", _("Có/không")
        LEVELS = "levels", _("Theo mức độ")
        EXPERT = "expert", _("Chấm điểm trực tiếp")
        FRACTION = "fraction", _("Chỉ số 0–1")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã tiêu chí"), max_length=40)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("tên tiêu chí"), max_length=500)
    position = models.PositiveSmallIntegerField()
    depth = models.PositiveSmallIntegerField()
    is_leaf = models.BooleanField()
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=9, decimal_places=2)
    method = models.CharField(_("cách chấm"), max_length=12, choices=Method.choices, blank=True)
    indicator = models.ForeignKey(
        "reporting.Indicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    kinds = models.JSONField(default=list, blank=True)
    peer_groups = models.JSONField(default=list, blank=True)
    evidence_required = models.BooleanField(_("bắt buộc minh chứng"), default=False)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="assessment_criterion_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def is_entered(self) -> bool:
        """Scored from a value someone types (not from approved reporting data)."""
        return self.is_leaf and self.indicator_id is None


class Round(models.Model):
    """An assessment round (kỳ đánh giá): one framework, one year, the participating units.

    Phases run forward only: self-assessment → review → published. A published round
    is frozen; a correction publishes a new version and keeps the old one."""

    class Phase(models.TextChoices):
        SELF = "self", _("Tự đánh giá")
        REVIEW = "review", _("Thẩm định")
        PUBLISHED = "published", _("Đã công bố")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    owner = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị tổ chức"))
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    name = models.CharField(_("tên kỳ đánh giá"), max_length=255)
    phase = models.CharField(_("giai đoạn"), max_length=10, choices=Phase.choices, default=Phase.SELF)
    self_deadline = models.DateField(_("hạn tự đánh giá"), null=True, blank=True)
    review_deadline = models.DateField(_("hạn thẩm định"), null=True, blank=True)
    published_version = models.PositiveSmallIntegerField(default=0)
    # {peer group: {leaf code: [best value, best self-assessed value]}} for peer-best
    # leaves, kept by every recompute so a one-unit recompute needs no group scan
    group_best = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        constraints = [models.UniqueConstraint(fields=["framework", "owner", "year"], name="assessment_round_once")]

    def __str__(self):
        return self.name


class ParticipantQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class Participant(models.Model):
    """A unit in a round, with what decides its leaves' applicability and its weight in
    a parent's index, as they were when the round opened."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    peer_group = models.CharField(max_length=40, blank=True)
    headcount = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("gửi tự đánh giá lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("thẩm định xong lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["round", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="assessment_participant_once")]

    def __str__(self):
        return f"{self.round} · {self.unit}"


class ScoreQuerySet(ScopedQuerySet):
    scope_path_field = "participant__unit__path"


class Score(models.Model):
    """One leaf for one participant: what the unit typed (``self_value``), what the
    assessor set (``reviewed_value``) or, for a leaf tied to an indicator, the approved
    reported figure. Values are what was typed (yes/no as 1/0, a level, points, a
    figure); the points come from the engine and are kept per version on ``Result``
    (self, reviewed and final points: the three scores DTI keeps)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    applicable = models.BooleanField(default=True)
    reported_value = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    reported_period = models.CharField(max_length=10, blank=True)
    self_value = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    self_note = models.TextField(_("giải trình"), blank=True)
    reviewed_value = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)
    review_comment = models.TextField(_("ý kiến thẩm định"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScoreQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "criterion"], name="assessment_score_once")]

    def __str__(self):
        return f"{self.participant} · {self.criterion.code}"


def evidence_path(instance, filename):
    return f"minh-chung/{instance.score.participant.round_id}/{instance.score.participant.unit_id}/{filename}"


class Evidence(models.Model):
    """A file or a link backing a self-assessed score (minh chứng)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("tên minh chứng"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=evidence_path, blank=True, max_length=255)
    link = models.URLField(_("đường dẫn"), blank=True, max_length=500)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.title


class Publication(models.Model):
    """A published version of a round's results; a correction adds the next one."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="publications")
    version = models.PositiveSmallIntegerField()
    reason = models.TextField(_("lý do"), blank=True)
    framework_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "version"]
        constraints = [models.UniqueConstraint(fields=["round", "version"], name="assessment_publication_once")]

    def __str__(self):
        return f"{self.round} · v{self.version}"


class ResultQuerySet(ScopedQuerySet):
    scope_path_field = "participant__unit__path"


class Result(models.Model):
    """A participant's index in one version of a round's results.

    Version 0 is provisional (recomputed as scores change; ranks are computed when
    read). Versions 1, 2 … are published and never change; they carry their ranks,
    rank intervals and the hash of the framework they came from."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="results")
    version = models.PositiveSmallIntegerField(default=0)
    points = models.DecimalField(max_digits=9, decimal_places=2)
    max_points = models.DecimalField(max_digits=9, decimal_places=2)
    index = models.DecimalField(max_digits=5, decimal_places=4, null=True)
    self_index = models.DecimalField(max_digits=5, decimal_places=4, null=True)
    band = models.CharField(max_length=40, blank=True)
    pillars = models.JSONField(default=list)  # [[points, applicable max], …] in pillar order
    leaf_points = models.JSONField(default=list)  # points per leaf, framework order (None: not applicable)
    self_leaf_points = models.JSONField(default=list)  # the same from the self-assessed values
    rank = models.PositiveIntegerField(null=True)
    rank_lo = models.PositiveIntegerField(null=True)
    rank_hi = models.PositiveIntegerField(null=True)
    group_rank = models.PositiveIntegerField(null=True)
    group_rank_lo = models.PositiveIntegerField(null=True)
    group_rank_hi = models.PositiveIntegerField(null=True)
    previous_index = models.DecimalField(max_digits=5, decimal_places=4, null=True)
    framework_hash = models.CharField(max_length=64)
    computed_at = models.DateTimeField(auto_now=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["round", "version", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "participant", "version"], name="assessment_result_once")
        ]
        indexes = [models.Index(fields=["round", "version", "index"], name="assessment_result_rank")]

    def __str__(self):
        return f"{self.participant} · v{self.version}: {self.index}"
