"""The "Bình dân học vụ số" movement: digital competence, training needs, courses,
classes, completions and the certificates that prove them.

- A competence ``Framework`` (DigComp 2.2, Thông tư 02/2025/TT-BGDĐT…) has domains,
  competences and proficiency steps (bậc) grouped in levels; a new version is a new
  framework, so old surveys keep theirs.
- A ``Survey`` launched by a unit asks everyone in its subtree for a self-rating per
  competence (``Response``); the ``TrainingGroup`` rules classify each person into the
  groups that must be trained (``Need``).
- A ``Course`` (internal or on the national platform binhdanhocvuso.gov.vn) is taught
  in classes (``TrainingClass``) with ``Enrolment`` and attendance; a ``Completion``
  (from a class, or imported from another platform) carries a score and a certificate
  with a verification code.
- ``BasicSkills`` keeps, per person, the first completion of a basic digital-skills
  course: coverage (the share of personnel who hold it) is a count over it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.scoping import ScopedQuerySet
from dxhub.org.choices import PersonnelCategory

NOT_YET = 0  # the rating "not yet at step 1"


class Framework(models.Model):
    code = models.CharField(_("mã khung"), max_length=30, unique=True)
    name = models.CharField(_("tên khung năng lực"), max_length=255)
    version = models.CharField(_("phiên bản"), max_length=20)
    basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    basic_step = models.PositiveSmallIntegerField(
        _("bậc của mức cơ bản"), default=2, help_text=_("Đạt bậc này ở mọi lĩnh vực là đạt kỹ năng số cơ bản.")
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("khung năng lực số")

    def __str__(self):
        return f"{self.name} ({self.version})"

    @property
    def max_step(self) -> int:
        return max((lv.step for lv in self.levels.all()), default=8)


class Level(models.Model):
    """A proficiency step (bậc 1–8) and the level (mức) it belongs to."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    step = models.PositiveSmallIntegerField(_("bậc"))
    band = models.CharField(_("mức"), max_length=60)
    band_order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "step"]
        constraints = [models.UniqueConstraint(fields=["framework", "step"], name="training_level_step")]

    def __str__(self):
        return f"{_('Bậc')} {self.step} · {self.band}"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("lĩnh vực"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="training_domain_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Competence(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competences")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("năng lực thành phần"), max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="training_competence_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class TrainingGroup(models.Model):
    """A group to train (thành phần cần tập huấn, bồi dưỡng) and the rule that puts a
    surveyed person in it. Every condition that is set must hold; at least one is set."""

    code = models.SlugField(_("mã nhóm"), max_length=30, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=200)
    description = models.TextField(_("nội dung cần bồi dưỡng"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_basic = models.BooleanField(
        _("phổ cập kỹ năng số cơ bản"), default=False, help_text=_("Nhóm học chương trình kỹ năng số cơ bản.")
    )
    below_step = models.PositiveSmallIntegerField(
        _("có lĩnh vực dưới bậc"), null=True, blank=True, help_text=_("Trống = không xét tự đánh giá.")
    )
    categories = models.JSONField(_("đối tượng"), default=list, blank=True)  # [] = any
    position_keywords = models.CharField(
        _("chức vụ chứa một trong các từ"),
        max_length=500,
        blank=True,
        help_text=_("Phân cách bằng dấu phẩy; không phân biệt dấu, hoa thường."),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("nhóm cần bồi dưỡng")

    def __str__(self):
        return self.name

    @property
    def keywords(self) -> list[str]:
        return [k.strip() for k in self.position_keywords.split(",") if k.strip()]

    def category_labels(self) -> list[str]:
        labels = dict(PersonnelCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class SurveyQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class Survey(models.Model):
    """A needs survey (rà soát nhu cầu bồi dưỡng) a unit runs over its subtree."""

    code = models.CharField(_("mã đợt khảo sát"), max_length=40, unique=True)
    title = models.CharField(_("tên đợt khảo sát"), max_length=255)
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(Framework, verbose_name=_("khung năng lực"), on_delete=models.PROTECT)
    opens_on = models.DateField(_("từ ngày"))
    closes_on = models.DateField(_("đến ngày"))
    is_closed = models.BooleanField(_("đã kết thúc"), default=False)
    note = models.TextField(_("hướng dẫn"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("đợt khảo sát nhu cầu")
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="training_survey_dates")]

    def __str__(self):
        return f"{self.code} — {self.title}"


class Response(models.Model):
    """One person's self-rating: ``ratings`` maps competence code to step (0 = not yet
    at step 1); ``domain_steps`` is each domain's step (the floor of its competences'
    mean), kept for the rules and the results."""

    class Source(models.TextChoices):
        SELF = "self", _("tự đánh giá")
        OFFICER = "officer", _("cán bộ nhập thay")
        IMPORT = "import", _("nhập từ Excel")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")  # the person's unit then
    ratings = models.JSONField(default=dict)
    domain_steps = models.JSONField(default=dict)
    source = models.CharField(max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="training_response_once")]
        indexes = [models.Index(fields=["survey", "unit"], name="training_response_unit")]

    def __str__(self):
        return f"{self.survey_id} · {self.person_id}"


class Need(models.Model):
    """A surveyed person classified into a training group, and why."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="needs")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(TrainingGroup, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "group"], name="training_need_once")]
        indexes = [
            models.Index(fields=["survey", "group", "unit"], name="training_need_group"),
            models.Index(fields=["person"], name="training_need_person"),
        ]

    def __str__(self):
        return f"{self.person_id} → {self.group_id}"


class Course(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        IN_PERSON = "in_person", _("Trực tiếp")
        BLENDED = "blended", _("Kết hợp")

    code = models.CharField(_("mã khóa học"), max_length=40, unique=True)
    title = models.CharField(_("tên khóa học"), max_length=255)
    provider = models.CharField(_("đơn vị cung cấp"), max_length=200)
    on_national_platform = models.BooleanField(_("trên nền tảng binhdanhocvuso.gov.vn"), default=False)
    link = models.URLField(_("đường dẫn"), blank=True)
    mode = models.CharField(_("hình thức"), max_length=10, choices=Mode.choices, default=Mode.BLENDED)
    hours = models.DecimalField(_("số giờ"), max_digits=5, decimal_places=1)
    is_basic = models.BooleanField(
        _("chương trình kỹ năng số cơ bản"),
        default=False,
        help_text=_("Hoàn thành khóa này được tính là đã bồi dưỡng kỹ năng số cơ bản (QĐ 757/QĐ-BKHCN)."),
    )
    pass_score = models.DecimalField(_("điểm đạt"), max_digits=4, decimal_places=1, default=5)
    framework = models.ForeignKey(Framework, verbose_name=_("khung năng lực"), on_delete=models.PROTECT)
    reached_step = models.PositiveSmallIntegerField(_("bậc đạt được"))
    competences = models.ManyToManyField(Competence, verbose_name=_("năng lực bồi dưỡng"), related_name="courses")
    groups = models.ManyToManyField(TrainingGroup, verbose_name=_("dành cho nhóm"), related_name="courses", blank=True)
    description = models.TextField(_("nội dung"), blank=True)
    owner = models.ForeignKey("org.Unit", verbose_name=_("đơn vị quản lý"), on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("khóa học")

    def __str__(self):
        return f"{self.code} — {self.title}"


class ClassQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class TrainingClass(models.Model):
    """A class (lớp tập huấn, bồi dưỡng) of a course, organised by a unit."""

    code = models.CharField(_("mã lớp"), max_length=40, unique=True)
    course = models.ForeignKey(Course, verbose_name=_("khóa học"), on_delete=models.PROTECT, related_name="classes")
    unit = models.ForeignKey("org.Unit", verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("khai giảng"))
    end = models.DateField(_("bế giảng"))
    sessions = models.PositiveSmallIntegerField(_("số buổi"), default=1)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    online_link = models.URLField(_("đường dẫn học trực tuyến"), blank=True)
    instructor = models.CharField(_("giảng viên"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("số học viên tối đa"), null=True, blank=True)
    is_closed = models.BooleanField(_("đã kết thúc"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("lớp tập huấn")
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="training_class_dates")]

    def __str__(self):
        return f"{self.code} — {self.course.title}"


class Enrolment(models.Model):
    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    attended = models.PositiveSmallIntegerField(_("số buổi tham dự"), default=0)
    score = models.DecimalField(_("điểm"), max_digits=4, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("đạt"), null=True)  # None until the class is closed
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["training_class", "person"], name="training_enrolment_once")]
        indexes = [models.Index(fields=["person"], name="training_enrolment_person")]

    def __str__(self):
        return f"{self.training_class_id} · {self.person_id}"


def new_code() -> str:
    """A certificate's verification code: 12 characters without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 letters: a byte modulo 32 is unbiased
    raw = "".join(alphabet[b % 32] for b in secrets.token_bytes(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Completion(models.Model):
    """A person passed a course (in a class here, or on another platform); the
    certificate is this record, verified by ``code``."""

    class Source(models.TextChoices):
        CLASS = "class", _("lớp tập huấn")
        IMPORT = "import", _("nhập từ nền tảng khác")

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    enrolment = models.OneToOneField(
        Enrolment, null=True, blank=True, on_delete=models.SET_NULL, related_name="completion"
    )
    completed_on = models.DateField(_("ngày hoàn thành"))
    score = models.DecimalField(_("điểm"), max_digits=4, decimal_places=1, null=True, blank=True)
    is_basic = models.BooleanField(default=False)  # the course's flag, copied for coverage counts
    source = models.CharField(max_length=10, choices=Source.choices)
    external_ref = models.CharField(_("số chứng nhận nơi cấp"), max_length=60, blank=True)
    code = models.CharField(_("mã xác thực"), max_length=14, unique=True, default=new_code)
    issued_by = models.ForeignKey(
        "org.Unit", verbose_name=_("đơn vị xác nhận"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "course"], name="training_completion_once")]
        indexes = [models.Index(fields=["course", "completed_on"], name="training_completion_course")]

    def __str__(self):
        return self.code


class BasicSkills(models.Model):
    """A person who holds basic digital skills: the first valid completion of a basic
    course. One row per person, so coverage is a join of people with this table."""

    person = models.OneToOneField("org.Person", primary_key=True, on_delete=models.CASCADE, related_name="basic_skills")
    completion = models.ForeignKey(Completion, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()

    def __str__(self):
        return f"{self.person_id}: {self.completed_on}"
