"""The "Bình dân học vụ số" movement through the API: competence frameworks and
training groups, needs surveys and their answers, courses, classes with their
rosters and results, imported completions, a unit's coverage, a person's digital
competence passport and certificate look-up, under the same services and scoping
as the pages.

Every object named by id is looked up in the caller's scope first: an unknown or
foreign id is answered 404, never with data. A unit named in a body that gets work
(a survey, a class, a course's owner) must lie in the caller's ``manage_training``
scope; units read (results, coverage) in the ``view`` scope. People are named by
their personnel identifier and looked up in the caller's scope too. The services
then decide what the caller may do (403) and whether the change is valid (400).
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError as InvalidValue
from django.core.validators import URLValidator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers, scope_paths
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import nfc
from dxhub.org.api import Paging
from dxhub.org.choices import PersonnelCategory
from dxhub.org.identifiers import normalise
from dxhub.org.models import Person, Unit

from . import coverage, excel, services
from .models import Competence, Course, Enrolment, Framework, Survey, TrainingClass, TrainingGroup
from .models import Response as SurveyResponse

router = Router(tags=["Bình dân học vụ số"])

CourseMode = Literal[tuple(Course.Mode.values)]


# --- schemas -------------------------------------------------------------------------------


class FrameworkBase(Schema):
    id: int
    code: str
    name: str
    version: str
    basis: str
    issued_on: dt.date | None
    basic_step: int
    is_active: bool


class CompetenceFrameworkOut(FrameworkBase):
    domains: int = Field(..., alias="n_domains", description="số lĩnh vực")
    competences: int = Field(..., alias="n_competences", description="số năng lực thành phần")


class LevelOut(Schema):
    step: int
    band: str
    band_order: int


class CompetenceOut(Schema):
    code: str
    name: str


class DomainOut(Schema):
    code: str
    name: str
    competences: list[CompetenceOut]

    @staticmethod
    def resolve_competences(obj) -> list:
        return list(obj.competences.all())


class CompetenceFrameworkDetail(FrameworkBase):
    max_step: int
    levels: list[LevelOut]
    domains: list[DomainOut] = Field(..., alias="api_domains")
    competences: int = Field(..., alias="n_competences", description="số năng lực thành phần")

    @staticmethod
    def resolve_levels(obj) -> list:
        return list(obj.levels.all())


class GroupOut(Schema):
    id: int
    code: str
    name: str
    description: str
    position: int
    is_basic: bool
    below_step: int | None = Field(None, description="có lĩnh vực dưới bậc này (trống: không xét tự đánh giá)")
    categories: list[str]
    category_labels: list[str]
    keywords: list[str] = Field(..., description="chức vụ chứa một trong các từ")
    is_active: bool
    courses: list[str] = Field(..., description="mã các khóa học dành cho nhóm (đang mở)")

    @staticmethod
    def resolve_category_labels(obj) -> list[str]:
        return obj.category_labels()

    @staticmethod
    def resolve_courses(obj) -> list[str]:
        return [c.code for c in obj.courses.all() if c.is_active]


class SurveyOut(Schema):
    id: int
    code: str
    title: str
    unit_id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    framework: str = Field(..., alias="framework.code")
    opens_on: dt.date
    closes_on: dt.date
    is_closed: bool
    is_open: bool = Field(..., description="đang nhận phiếu (trong thời hạn, chưa kết thúc)")
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_is_open(obj) -> bool:
        return not obj.is_closed and obj.opens_on <= timezone.localdate() <= obj.closes_on


class SurveyIn(Schema):
    unit_id: int = Field(..., description="id đơn vị tổ chức khảo sát (khảo sát toàn bộ đơn vị cấp dưới)")
    code: str
    title: str
    framework: str = Field(..., description="mã khung năng lực, ví dụ TT02-2025")
    opens_on: dt.date
    closes_on: dt.date
    note: str = ""


class GroupLineOut(Schema):
    group: str
    name: str
    is_basic: bool
    people: int
    done: int = Field(..., description="số người trong nhóm đã hoàn thành khóa học dành cho nhóm")
    pct: Decimal | None


class UnitLineOut(Schema):
    unit_id: int
    unit: str
    unit_name: str
    people: int
    answered: int
    groups: dict[str, int] = Field(..., description="mã nhóm → số người")


class DomainMeanOut(Schema):
    domain: str
    name: str
    mean: Decimal | None


class ResultsOut(Schema):
    survey: str
    unit_id: int
    unit: str
    unit_name: str
    expected: int = Field(..., description="quân số đang công tác trong đơn vị")
    answered: int
    answered_pct: Decimal | None
    groups: list[GroupLineOut]
    by_unit: list[UnitLineOut]
    domains: list[DomainMeanOut]


class NeedOut(Schema):
    id: int
    person_id: int
    identifier: str = Field(..., alias="person.identifier")
    full_name: str = Field(..., alias="person.full_name")
    rank: str = Field(..., alias="person.rank")
    position: str = Field(..., alias="person.position")
    unit_id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    group: str = Field(..., alias="group.code")
    group_name: str = Field(..., alias="group.name")
    reason: str


class AnswerIn(Schema):
    person: str = Field(..., description="mã định danh quân nhân")
    ratings: dict[str, Any] = Field(
        ..., description="mã năng lực → bậc tự đánh giá (số nguyên 0–8; 0 = chưa đạt bậc 1)", max_length=200
    )


class NeedBrief(Schema):
    group: str = Field(..., alias="group.code")
    name: str = Field(..., alias="group.name")
    reason: str


class ResponseOut(Schema):
    id: int
    survey: str = Field(..., alias="survey.code")
    person_id: int
    identifier: str = Field(..., alias="person.identifier")
    full_name: str = Field(..., alias="person.full_name")
    unit_id: int
    unit: str = Field(..., alias="unit.code")
    ratings: dict[str, int]
    domain_steps: dict[str, int]
    source: str
    needs: list[NeedBrief]
    updated_at: dt.datetime

    @staticmethod
    def resolve_needs(obj) -> list:
        return list(obj.needs.select_related("group").order_by("group__position"))


class CourseOut(Schema):
    id: int
    code: str
    title: str
    provider: str
    on_national_platform: bool
    link: str
    mode: str
    hours: Decimal
    is_basic: bool
    pass_score: Decimal
    framework: str = Field(..., alias="framework.code")
    reached_step: int
    competences: list[str]
    groups: list[str]
    description: str
    owner_id: int
    owner: str = Field(..., alias="owner.code")
    is_active: bool

    @staticmethod
    def resolve_competences(obj) -> list[str]:
        return [c.code for c in obj.competences.all()]

    @staticmethod
    def resolve_groups(obj) -> list[str]:
        return [g.code for g in obj.groups.all()]


class CourseIn(Schema):
    code: str
    title: str = Field(..., min_length=1, max_length=255)
    provider: str = Field(..., min_length=1, max_length=200)
    owner_id: int = Field(..., description="id đơn vị quản lý khóa học")
    framework: str = Field(..., description="mã khung năng lực")
    reached_step: int = Field(..., description="bậc đạt được sau khóa học")
    hours: Decimal
    competences: list[str] = Field(..., description="mã các năng lực bồi dưỡng", max_length=200)
    groups: list[str] = Field(default_factory=list, description="mã các nhóm cần bồi dưỡng", max_length=50)
    on_national_platform: bool = False
    link: str = Field("", description="đường dẫn (http:// hoặc https://)")
    mode: CourseMode = Course.Mode.BLENDED.value
    is_basic: bool = False
    pass_score: Decimal = Decimal("5")
    description: str = ""
    is_active: bool = True


class ClassOut(Schema):
    id: int
    code: str
    course: str = Field(..., alias="course.code")
    course_title: str = Field(..., alias="course.title")
    unit_id: int
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    start: dt.date
    end: dt.date
    sessions: int
    place: str
    online_link: str
    instructor: str
    capacity: int | None
    is_closed: bool
    created_at: dt.datetime


class EnrolmentOut(Schema):
    id: int
    person_id: int
    identifier: str = Field(..., alias="person.identifier")
    full_name: str = Field(..., alias="person.full_name")
    rank: str = Field(..., alias="person.rank")
    unit: str = Field(..., alias="person.unit.code")
    attended: int
    score: Decimal | None
    passed: bool | None = Field(None, description="trống cho đến khi lớp kết thúc")
    certificate: str | None = Field(None, description="mã xác thực chứng nhận (nếu đạt)")

    @staticmethod
    def resolve_certificate(obj) -> str | None:
        done = _completion_of(obj)
        return done.code if done else None


class ClassDetail(ClassOut):
    enrolments: list[EnrolmentOut] = Field(..., alias="api_roster")


class ClassIn(Schema):
    unit_id: int = Field(..., description="id đơn vị tổ chức lớp")
    code: str
    course: str = Field(..., description="mã khóa học")
    start: dt.date
    end: dt.date
    sessions: int = 1
    place: str = ""
    online_link: str = Field("", description="đường dẫn học trực tuyến (http:// hoặc https://)")
    instructor: str = ""
    capacity: int | None = Field(None, ge=1)


class EnrolIn(Schema):
    identifiers: list[str] = Field(..., description="mã định danh các học viên", max_length=2000)


class ResultIn(Schema):
    enrolment_id: int
    attended: int = Field(..., description="số buổi tham dự")
    score: Decimal | None = Field(None, description="điểm 0–10, một chữ số thập phân")


class ResultsIn(Schema):
    results: list[ResultIn] = Field(..., max_length=2000)


class CloseIn(Schema):
    on: dt.date | None = Field(None, description="ngày hoàn thành ghi trên chứng nhận (trống: ngày bế giảng)")


class ImportOut(Schema):
    created: int
    skipped: int = Field(..., description="đã có trong hệ thống (cùng người, cùng khóa học)")
    people: int


class ImportRefused(Schema):
    detail: str
    problems: list[str] | dict[str, str]
    unmatched: list[str] = Field(..., description="các dòng có mã định danh không khớp quân nhân nào")


class CountOut(Schema):
    people: int
    trained: int
    missing: int
    pct: Decimal | None = Field(None, description="tỷ lệ % đã hoàn thành kỹ năng số cơ bản")


class CategoryCountOut(CountOut):
    category: str
    label: str


class ChildCountOut(CountOut):
    unit_id: int
    unit: str
    unit_name: str
    has_children: bool


class ShareOut(Schema):
    target: str
    title: str
    plan: str
    value: Decimal
    deadline: dt.date
    current: Decimal | None
    period: str
    attainment: Decimal | None
    status: str


class LinkedOut(Schema):
    indicator: str
    name: str
    source: str
    period: str | None = Field(None, description="kỳ báo cáo đã duyệt gần nhất")
    value: Decimal | None
    targets: list[ShareOut]


class CoverageClassOut(Schema):
    id: int
    code: str
    course: str
    unit: str
    start: dt.date
    end: dt.date


class CoverageOut(Schema):
    unit_id: int
    unit: str
    unit_name: str
    on: dt.date
    total: CountOut
    own: CountOut = Field(..., description="quân số đặt trực tiếp tại đơn vị")
    by_category: list[CategoryCountOut]
    children: list[ChildCountOut]
    indicators: list[LinkedOut]
    classes: list[CoverageClassOut] = Field(..., description="các lớp đang mở trong đơn vị")


class PersonBrief(Schema):
    id: int
    identifier: str
    full_name: str
    category: str
    rank: str
    position: str
    unit_id: int
    unit: str
    unit_name: str


class LevelStepOut(Schema):
    domain: str
    name: str
    step: int | None


class CompletionOut(Schema):
    code: str
    course: str
    course_title: str
    completed_on: dt.date
    score: Decimal | None
    is_basic: bool
    source: str
    external_ref: str
    issued_by: str
    revoked_at: dt.datetime | None
    revoked_reason: str


class OpenEnrolmentOut(Schema):
    class_id: int
    code: str
    course: str
    start: dt.date
    end: dt.date


class PassportOut(Schema):
    person: PersonBrief
    survey: str | None = Field(None, description="đợt khảo sát của lần tự đánh giá gần nhất")
    framework: str | None
    levels: list[LevelStepOut]
    basic_skills_on: dt.date | None = Field(None, description="ngày hoàn thành kỹ năng số cơ bản")
    completions: list[CompletionOut]
    enrolments: list[OpenEnrolmentOut]
    needs: list[NeedBrief]


class CertificateOut(Schema):
    code: str
    status: Literal["valid", "revoked"]
    full_name: str
    course: str
    course_title: str
    hours: Decimal
    completed_on: dt.date
    score: Decimal | None
    issued_by: str
    revoked_at: dt.datetime | None
    revoked_reason: str


# --- lookups -------------------------------------------------------------------------------


def _unit(request, pk: int, action: str) -> Unit:
    unit = Unit.objects.restrict(request.user, action).filter(pk=pk).first()
    if unit is None:
        raise NotInScope(_("Đơn vị id=%(pk)s không tồn tại hoặc ngoài phạm vi quản lý của bạn.") % {"pk": pk})
    return unit


def _framework(code: str) -> Framework:
    code = nfc(code).upper()
    framework = Framework.objects.filter(code=code).first()
    if framework is None:
        raise DomainError(
            _("Không có khung năng lực mã “%(code)s”.") % {"code": code}, {"framework": _("không có trong danh mục")}
        )
    return framework


def _group(code: str) -> TrainingGroup:
    group = TrainingGroup.objects.filter(code=nfc(code).lower()).first()
    if group is None:
        raise DomainError(_("Không có nhóm cần bồi dưỡng mã “%(code)s”.") % {"code": code}, {"group": _("không có")})
    return group


def _course(code: str) -> Course:
    code = nfc(code).upper()
    course = Course.objects.select_related("framework", "owner").filter(code=code).first()
    if course is None:
        raise DomainError(_("Không có khóa học mã “%(code)s”.") % {"code": code}, {"course": _("không có")})
    return course


def _check_link(value: str, field: str) -> str:
    """Only web addresses: a link is shown as a button on the pages."""
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except InvalidValue:
            raise DomainError(
                _("Đường dẫn “%(link)s” không hợp lệ: cần địa chỉ bắt đầu bằng http:// hoặc https://.")
                % {"link": value},
                {field: _("đường dẫn không hợp lệ")},
            ) from None
    return value


def _person(request, raw: str) -> Person:
    """A person named by identifier: in the caller's view scope, or the caller themself."""
    user = request.user
    ident = normalise(raw)
    person = None
    if ident:
        person = services.people_in_scope(user, Action.VIEW).select_related("unit").filter(identifier=ident).first()
        if person is None and getattr(user, "person_id", None):
            person = Person.objects.select_related("unit").filter(pk=user.person_id, identifier=ident).first()
    if person is None:
        raise NotInScope(
            _("Không có quân nhân mang mã định danh “%(id)s” trong phạm vi quản lý của bạn.") % {"id": ident or raw}
        )
    return person


def _survey_unit(request, survey: Survey, unit_id: int | None) -> Unit:
    """The unit whose part of the survey is asked: given, or by default the survey's
    unit when the caller sees it, or the caller's one unit inside the survey."""
    user = request.user
    if unit_id is not None:
        unit = _unit(request, unit_id, Action.VIEW)
        if not unit.path.startswith(survey.unit.path):
            raise NotInScope(
                _("Đơn vị %(unit)s không thuộc phạm vi đợt khảo sát %(code)s.") % {"unit": unit, "code": survey.code}
            )
        return unit
    if covers(user, Action.VIEW, survey.unit):
        return survey.unit
    roots = [p for p in scope_paths(user, Action.VIEW) if p.startswith(survey.unit.path)]
    if len(roots) == 1:
        return Unit.objects.get(path=roots[0])
    raise DomainError(
        _("Hãy chọn đơn vị (unit_id) để xem kết quả đợt khảo sát %(code)s.") % {"code": survey.code},
        {"unit_id": _("chưa chọn đơn vị")},
    )


def _completion_of(enrolment: Enrolment):
    try:
        return enrolment.completion
    except Enrolment.completion.RelatedObjectDoesNotExist:
        return None


def _framework_detail(framework: Framework) -> Framework:
    framework = (
        Framework.objects.annotate(
            n_domains=Count("domains", distinct=True), n_competences=Count("competences", distinct=True)
        )
        .prefetch_related("levels")
        .get(pk=framework.pk)
    )
    framework.api_domains = list(framework.domains.order_by("position").prefetch_related("competences"))
    return framework


def _courses():
    return Course.objects.select_related("framework", "owner").prefetch_related("competences", "groups")


def _class_detail(klass: TrainingClass) -> TrainingClass:
    klass = TrainingClass.objects.select_related("course", "unit").get(pk=klass.pk)
    klass.api_roster = list(
        Enrolment.objects.filter(training_class=klass)
        .select_related("person", "person__unit", "completion")
        .order_by("person__full_name", "person__identifier")
    )
    return klass


def _counts(c: coverage.Count2) -> dict:
    return {"people": c.people, "trained": c.trained, "missing": c.missing, "pct": c.pct}


def _coverage_out(board: coverage.Dashboard) -> dict:
    from dxhub.reporting.periods import Period, PeriodError

    cov = board.coverage
    labels = dict(PersonnelCategory.choices)
    categories = [
        {"category": c, "label": str(labels[c]), **_counts(cov.by_category[c])}
        for c in PersonnelCategory.values
        if c in cov.by_category
    ]
    children = [
        {"unit_id": u.pk, "unit": u.code, "unit_name": u.name, "has_children": more, **_counts(c)}
        for u, c, more in board.children
    ]
    indicators = []
    for link in board.linked:
        ind, approved = link.indicator, link.approved
        period = None
        if approved is not None:
            try:
                period = Period.parse(approved.period).code
            except PeriodError:
                period = approved.period
        indicators.append(
            {
                "indicator": ind.code,
                "name": ind.name,
                "source": ind.source,
                "period": period,
                "value": approved.value if approved is not None else None,
                "targets": [
                    {
                        "target": s.target.code,
                        "title": s.target.title,
                        "plan": s.target.plan.code,
                        "value": s.value,
                        "deadline": s.deadline,
                        "current": s.current,
                        "period": s.period,
                        "attainment": s.attainment,
                        "status": s.status,
                    }
                    for s in link.shares
                ],
            }
        )
    classes = [
        {"id": k.pk, "code": k.code, "course": k.course.code, "unit": k.unit.code, "start": k.start, "end": k.end}
        for k in board.classes
    ]
    return {
        "unit_id": board.unit.pk,
        "unit": board.unit.code,
        "unit_name": board.unit.name,
        "on": cov.on,
        "total": _counts(cov.total),
        "own": _counts(board.own),
        "by_category": categories,
        "children": children,
        "indicators": indicators,
        "classes": classes,
    }


# --- frameworks and groups -----------------------------------------------------------------


@router.get("/training/frameworks", response=list[CompetenceFrameworkOut])
def list_frameworks(request, active: bool | None = None):
    """The digital competence frameworks (TT 02/2025, DigComp 2.2…) with their sizes."""
    qs = Framework.objects.annotate(
        n_domains=Count("domains", distinct=True), n_competences=Count("competences", distinct=True)
    )
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("code")


@router.get("/training/frameworks/{code}", response=CompetenceFrameworkDetail)
def get_framework(request, code: str):
    """A framework with its domains, their competences, and the steps (bậc) by level (mức)."""
    framework = Framework.objects.filter(code=nfc(code).upper()).first()
    if framework is None:
        raise NotInScope(_("Không có khung năng lực mã “%(code)s”.") % {"code": code})
    return _framework_detail(framework)


@router.get("/training/groups", response=list[GroupOut])
def list_groups(request, active: bool | None = None):
    """The groups to train and the rules that classify a surveyed person into them."""
    qs = TrainingGroup.objects.prefetch_related("courses")
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("position", "code")


# --- surveys -------------------------------------------------------------------------------


@router.get("/training/surveys", response=list[SurveyOut])
@paginate(Paging)
def list_surveys(request, unit_id: int | None = None, open: bool | None = None):
    """Surveys launched in the caller's scope and above it (those its units answer)."""
    qs = services.visible_surveys(request.user)
    if unit_id is not None:
        qs = qs.filter(unit=_unit(request, unit_id, Action.VIEW))
    if open is not None:
        today = timezone.localdate()
        is_open = {"is_closed": False, "opens_on__lte": today, "closes_on__gte": today}
        qs = qs.filter(**is_open) if open else qs.exclude(**is_open)
    return qs.order_by("-opens_on", "code")


@router.post("/training/surveys", response={201: SurveyOut})
def launch_survey(request, body: SurveyIn):
    """Launch a needs survey over the subtree of a unit the caller trains."""
    unit = _unit(request, body.unit_id, Action.MANAGE_TRAINING)
    data = services.SurveyData(
        code=body.code,
        title=body.title,
        framework=_framework(body.framework),
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        note=body.note,
    )
    survey = services.launch_survey(request.user, unit, data)
    return Status(201, services.survey_in_scope(request.user, survey.pk))


@router.get("/training/surveys/{int:pk}", response=SurveyOut)
def get_survey(request, pk: int):
    return services.survey_in_scope(request.user, pk)


@router.get("/training/surveys/{int:pk}/results", response=ResultsOut)
def survey_results(request, pk: int, unit_id: int | None = None):
    """Answers, people per group (and how many are trained since), per child unit, and
    each domain's mean step, in a unit of the caller's scope inside the survey."""
    survey = services.survey_in_scope(request.user, pk)
    unit = _survey_unit(request, survey, unit_id)
    res = services.results(survey, unit)
    codes = dict(TrainingGroup.objects.values_list("pk", "code"))
    return {
        "survey": survey.code,
        "unit_id": unit.pk,
        "unit": unit.code,
        "unit_name": unit.name,
        "expected": res.expected,
        "answered": res.answered,
        "answered_pct": res.answered_pct,
        "groups": [
            {
                "group": g.group.code,
                "name": g.group.name,
                "is_basic": g.group.is_basic,
                "people": g.people,
                "done": g.done,
                "pct": g.pct,
            }
            for g in res.groups
        ],
        "by_unit": [
            {
                "unit_id": u.pk,
                "unit": u.code,
                "unit_name": u.name,
                "people": people,
                "answered": answered,
                "groups": {codes[g]: n for g, n in per_group.items()},
            }
            for u, people, answered, per_group in res.by_unit
        ],
        "domains": [{"domain": d, "name": name, "mean": mean} for d, name, mean in res.domain_mean],
    }


@router.get("/training/surveys/{int:pk}/needs", response=list[NeedOut])
@paginate(Paging)
def survey_needs(request, pk: int, unit_id: int | None = None, group: str | None = None):
    """Who must be trained in what, in a unit of the caller's scope inside the survey."""
    survey = services.survey_in_scope(request.user, pk)
    unit = _survey_unit(request, survey, unit_id)
    g = _group(group) if group else None
    # Paging through personal data by API is an export: leave a trace of who took which slice.
    audit.record(
        "export",
        survey,
        object_repr=_("API: danh sách cần bồi dưỡng %(code)s") % {"code": survey.code},
        after={
            "filters": {"unit_id": unit.pk, "group": g.code if g else ""},
            "limit": request.GET.get("limit", "50"),
            "offset": request.GET.get("offset", "0"),
        },
        unit=unit,
    )
    return services.needs_list(survey, unit, g)


@router.post("/training/surveys/{int:pk}/answers", response={201: ResponseOut})
def answer(request, pk: int, body: AnswerIn):
    """Store (or replace) one person's self-rating and classify them into the groups
    to train: the person themself, or an officer who trains the person's unit."""
    survey = services.survey_in_scope(request.user, pk)
    person = _person(request, body.person)
    response = services.answer(request.user, survey, person, body.ratings)
    return Status(201, SurveyResponse.objects.select_related("survey", "person", "unit").get(pk=response.pk))


# --- courses -------------------------------------------------------------------------------


@router.get("/training/courses", response=list[CourseOut])
@paginate(Paging)
def list_courses(request, active: bool | None = None, basic: bool | None = None, group: str | None = None, q: str = ""):
    """The catalogue of courses (shared by every unit)."""
    qs = _courses()
    if active is not None:
        qs = qs.filter(is_active=active)
    if basic is not None:
        qs = qs.filter(is_basic=basic)
    if group:
        qs = qs.filter(groups=_group(group))
    if q:
        qs = qs.filter(Q(title__icontains=nfc(q)) | Q(code__icontains=nfc(q)))
    return qs.order_by("code")


@router.post("/training/courses", response={201: CourseOut})
def create_course(request, body: CourseIn):
    """A course of the catalogue, managed by a unit the caller trains."""
    owner = _unit(request, body.owner_id, Action.MANAGE_TRAINING)
    framework = _framework(body.framework)
    wanted = [nfc(c) for c in body.competences]
    competences = {c.code: c for c in Competence.objects.filter(framework=framework, code__in=wanted)}
    group_codes = [nfc(g).lower() for g in body.groups]
    groups = {g.code: g for g in TrainingGroup.objects.filter(code__in=group_codes)}
    problems = {}
    unknown = [c for c in wanted if c not in competences]
    if unknown:
        problems["competences"] = _("Khung %(fw)s không có năng lực: %(codes)s.") % {
            "fw": framework.code,
            "codes": ", ".join(unknown),
        }
    unknown = [g for g in group_codes if g not in groups]
    if unknown:
        problems["groups"] = _("Không có nhóm cần bồi dưỡng: %(codes)s.") % {"codes": ", ".join(unknown)}
    if problems:
        raise DomainError(_("Chưa lưu được khóa học: %(n)s lỗi.") % {"n": len(problems)}, problems)
    data = {
        "code": body.code,
        "title": body.title,
        "provider": body.provider,
        "on_national_platform": body.on_national_platform,
        "link": _check_link(body.link, "link"),
        "mode": body.mode,
        "hours": body.hours,
        "is_basic": body.is_basic,
        "pass_score": body.pass_score,
        "framework": framework,
        "reached_step": body.reached_step,
        "competences": [competences[c] for c in dict.fromkeys(wanted)],
        "groups": [groups[g] for g in dict.fromkeys(group_codes)],
        "description": body.description,
        "is_active": body.is_active,
    }
    course = services.save_course(request.user, owner, data)
    return Status(201, _courses().get(pk=course.pk))


# --- classes -------------------------------------------------------------------------------


@router.get("/training/classes", response=list[ClassOut])
@paginate(Paging)
def list_classes(request, unit_id: int | None = None, course: str | None = None, closed: bool | None = None):
    """Classes organised in the caller's scope; ``unit_id`` narrows to a unit's subtree."""
    qs = TrainingClass.objects.restrict(request.user).select_related("course", "unit")
    if unit_id is not None:
        qs = qs.filter(unit__path__startswith=_unit(request, unit_id, Action.VIEW).path)
    if course:
        qs = qs.filter(course__code=nfc(course).upper())
    if closed is not None:
        qs = qs.filter(is_closed=closed)
    return qs.order_by("-start", "code")


@router.post("/training/classes", response={201: ClassDetail})
def open_class(request, body: ClassIn):
    """Open a class of a course in a unit the caller trains."""
    unit = _unit(request, body.unit_id, Action.MANAGE_TRAINING)
    data = services.ClassData(
        code=body.code,
        course=_course(body.course),
        start=body.start,
        end=body.end,
        sessions=body.sessions,
        place=body.place,
        online_link=_check_link(body.online_link, "online_link"),
        instructor=body.instructor,
        capacity=body.capacity,
    )
    klass = services.open_class(request.user, unit, data)
    return Status(201, _class_detail(klass))


@router.get("/training/classes/{int:pk}", response=ClassDetail)
def get_class(request, pk: int):
    """A class with its roster: attendance, score, result and certificate of each trainee."""
    return _class_detail(services.class_in_scope(request.user, pk))


@router.post("/training/classes/{int:pk}/enrolments", response={201: ClassDetail})
def enrol(request, pk: int, body: EnrolIn):
    """Enrol people named by identifier, all or none."""
    user = request.user
    klass = services.class_in_scope(user, pk)
    if not services.can_manage(user, klass.unit):
        raise DomainError(_("Bạn không có quyền tổ chức bồi dưỡng tại %(unit)s.") % {"unit": klass.unit}, status=403)
    people, unknown = services.people_by_identifiers(user, body.identifiers)
    if unknown:
        raise DomainError(
            _("Chưa ghi danh: %(n)s mã định danh không có trong phạm vi quản lý của bạn: %(ids)s.")
            % {"n": len(unknown), "ids": ", ".join(unknown)},
            [_("Không có quân nhân mang mã định danh %(id)s trong phạm vi của bạn.") % {"id": i} for i in unknown],
        )
    services.enrol(user, klass, people)
    return Status(201, _class_detail(klass))


@router.post("/training/classes/{int:pk}/results", response=ClassDetail)
def record_results(request, pk: int, body: ResultsIn):
    """Attendance and score per enrolment id, checked all at once."""
    klass = services.class_in_scope(request.user, pk)
    problems, seen = [], set()
    for r in body.results:
        if r.enrolment_id in seen:
            problems.append(_("Mã ghi danh %(pk)s được gửi hai lần.") % {"pk": r.enrolment_id})
        seen.add(r.enrolment_id)
        if r.score is not None and r.score != r.score.quantize(Decimal("0.1")):
            problems.append(
                _("Mã ghi danh %(pk)s: điểm %(score)s chỉ được có một chữ số thập phân.")
                % {"pk": r.enrolment_id, "score": r.score}
            )
    if problems:
        raise DomainError(_("Chưa lưu kết quả: %(n)s lỗi.") % {"n": len(problems)}, problems)
    services.record_results(request.user, klass, {r.enrolment_id: (r.attended, r.score) for r in body.results})
    return _class_detail(klass)


@router.post("/training/classes/{int:pk}/close", response=ClassDetail)
def close_class(request, pk: int, body: Body[CloseIn | None] = None):
    """End the class: who passed gets a completion and a certificate."""
    klass = services.class_in_scope(request.user, pk)
    services.close_class(request.user, klass, body.on if body else None)
    return _class_detail(klass)


# --- completions, coverage, passport, certificates -----------------------------------------


@router.post("/training/completions/import", response={200: ImportOut, 400: ImportRefused})
def import_completions(request, file: File[UploadedFile]):
    """Completions exported from another platform (.xlsx, columns “Mã định danh”, “Họ và
    tên”, “Mã khóa học”, “Ngày hoàn thành”, “Điểm”, “Số chứng nhận”), all or nothing;
    a completion already on record is skipped."""
    try:
        return excel.import_completions(request.user, file)
    except DomainError as exc:
        if exc.status != 400:
            raise
        return Status(
            400, {"detail": exc.message, "problems": exc.problems, "unmatched": list(getattr(exc, "unmatched", []))}
        )


@router.get("/training/coverage/{int:unit_id}", response=CoverageOut)
def unit_coverage(request, unit_id: int, on: dt.date | None = None):
    """The share of a unit's active personnel who completed basic digital skills: in
    all, by category, by child unit; the reporting indicators it feeds and their targets."""
    unit = _unit(request, unit_id, Action.VIEW)
    return _coverage_out(coverage.dashboard(unit, on))


@router.get("/training/people/{int:pk}/passport", response=PassportOut)
def passport(request, pk: int):
    """A person's digital competence passport: latest self-rating by domain, needs,
    certificates and open classes."""
    p = services.passport(services.person_in_scope(request.user, pk))
    person = p.person
    return {
        "person": {
            "id": person.pk,
            "identifier": person.identifier,
            "full_name": person.full_name,
            "category": person.category,
            "rank": person.rank,
            "position": person.position,
            "unit_id": person.unit_id,
            "unit": person.unit.code,
            "unit_name": person.unit.name,
        },
        "survey": p.response.survey.code if p.response else None,
        "framework": p.response.survey.framework.code if p.response else None,
        "levels": [{"domain": d, "name": name, "step": step} for d, name, step in p.levels],
        "basic_skills_on": p.basic.completed_on if p.basic else None,
        "completions": [
            {
                "code": c.code,
                "course": c.course.code,
                "course_title": c.course.title,
                "completed_on": c.completed_on,
                "score": c.score,
                "is_basic": c.is_basic,
                "source": c.source,
                "external_ref": c.external_ref,
                "issued_by": c.issued_by.name,
                "revoked_at": c.revoked_at,
                "revoked_reason": c.revoked_reason,
            }
            for c in p.completions
        ],
        "enrolments": [
            {
                "class_id": e.training_class_id,
                "code": e.training_class.code,
                "course": e.training_class.course.code,
                "start": e.training_class.start,
                "end": e.training_class.end,
            }
            for e in p.enrolments
        ],
        "needs": p.needs,
    }


@router.get("/training/certificates/{code}", response=CertificateOut)
def certificate(request, code: str):
    """Verify a certificate by its code (the public page shows the same)."""
    v = services.verify(code)
    c = v.completion
    if c is None:
        raise NotInScope(_("Không có chứng nhận mang mã xác thực “%(code)s”.") % {"code": v.code})
    return {
        "code": c.code,
        "status": v.status,
        "full_name": c.person.full_name,
        "course": c.course.code,
        "course_title": c.course.title,
        "hours": c.course.hours,
        "completed_on": c.completed_on,
        "score": c.score,
        "issued_by": c.issued_by.name,
        "revoked_at": c.revoked_at,
        "revoked_reason": c.revoked_reason,
    }
