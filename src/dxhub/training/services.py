"""The training module's rules: surveys and classification, courses, classes,
enrolments, completions and certificates. Views, the API, imports and commands all
call these; every write is checked against the user's scope and audited."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers, path_q, scope_paths
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import fold, nfc, nfc_text
from dxhub.org import tree
from dxhub.org.models import Person, Unit
from dxhub.reporting import sources

from . import coverage
from .models import (
    NOT_YET,
    BasicSkills,
    Competence,
    Completion,
    Course,
    Enrolment,
    Framework,
    Need,
    Response,
    Survey,
    TrainingClass,
    TrainingGroup,
)

ATTENDANCE_SHARE = Decimal("0.8")  # a trainee must attend 80 % of the sessions to pass


def _user(user):
    return user if getattr(user, "pk", None) else None


def can_manage(user, unit: Unit) -> bool:
    return covers(user, Action.MANAGE_TRAINING, unit)


def _require_manage(user, unit: Unit, message: str | None = None) -> None:
    if not can_manage(user, unit):
        raise DomainError(
            message or _("Bạn không có quyền tổ chức bồi dưỡng tại %(unit)s.") % {"unit": unit}, status=403
        )


def people_in_scope(user, action: str = Action.VIEW):
    return Person.objects.filter(path_q(scope_paths(user, action), "unit__path"))


def survey_in_scope(user, pk) -> Survey:
    """A survey the user may see: launched in their scope, or above it (a ministry
    survey is answered by every unit)."""
    survey = Survey.objects.select_related("unit", "framework").filter(pk=pk).first()
    if survey is None or not (covers(user, Action.VIEW, survey.unit) or _reaches(user, survey.unit)):
        raise NotInScope()
    return survey


def _own_path(user) -> str | None:
    person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
    return person.unit.path if person is not None else None


def _reaches(user, unit: Unit) -> bool:
    """Does the survey of ``unit`` concern the user: their scope or their own person
    lies in its subtree."""
    own = _own_path(user)
    return any(p.startswith(unit.path) for p in scope_paths(user, Action.VIEW)) or bool(
        own and own.startswith(unit.path)
    )


def latest_survey(unit: Unit) -> Survey | None:
    """The newest survey that covers ``unit`` (launched by it or a unit above it)."""
    paths = [unit.path[:i] for i in range(4, len(unit.path) + 1, 4)]
    return Survey.objects.filter(unit__path__in=paths).select_related("unit").order_by("-opens_on", "-pk").first()


def visible_surveys(user):
    paths = scope_paths(user, Action.VIEW)
    q = path_q(paths, "unit__path")
    own = _own_path(user)
    for p in [*paths, *([own] if own else [])]:  # and those launched above the user's units or person
        q |= Q(unit__path__in=[*tree.ancestor_paths(p), p])
    return Survey.objects.filter(q).select_related("unit", "framework")


def class_in_scope(user, pk, action: str = Action.VIEW) -> TrainingClass:
    klass = TrainingClass.objects.select_related("course", "unit").filter(pk=pk).first()
    if klass is None or not covers(user, action, klass.unit):
        raise NotInScope()
    return klass


# --- surveys -----------------------------------------------------------------


@dataclass
class SurveyData:
    code: str
    title: str
    framework: Framework
    opens_on: dt.date
    closes_on: dt.date
    note: str = ""


def launch_survey(user, unit: Unit, data: SurveyData) -> Survey:
    _require_manage(user, unit)
    code = nfc(data.code).upper()
    problems = {}
    if not code:
        problems["code"] = _("Chưa nhập mã đợt khảo sát.")
    elif Survey.objects.filter(code=code).exists():
        problems["code"] = _("Mã đợt khảo sát “%(code)s” đã có.") % {"code": code}
    if not nfc(data.title):
        problems["title"] = _("Chưa nhập tên đợt khảo sát.")
    if data.closes_on < data.opens_on:
        problems["closes_on"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    if not data.framework.is_active:
        problems["framework"] = _("Khung năng lực này không còn dùng.")
    if problems:
        raise DomainError(_("Chưa mở được đợt khảo sát: %(n)s lỗi.") % {"n": len(problems)}, problems)
    with transaction.atomic():
        survey = Survey.objects.create(
            code=code,
            title=nfc(data.title),
            unit=unit,
            framework=data.framework,
            opens_on=data.opens_on,
            closes_on=data.closes_on,
            note=nfc_text(data.note),
            created_by=_user(user),
        )
        audit.record("create", survey, after=audit.snapshot(survey), unit=unit)
    return survey


def close_survey(user, survey: Survey) -> Survey:
    _require_manage(user, survey.unit)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        survey.is_closed = True
        survey.save(update_fields=["is_closed"])
        audit.record("update", survey, before={"is_closed": False}, after={"is_closed": True}, unit=survey.unit_id)
    return survey


def _is_open(survey: Survey, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return not survey.is_closed and survey.opens_on <= today <= survey.closes_on


def _require_open(survey: Survey) -> None:
    if survey.is_closed:
        raise DomainError(_("Đợt khảo sát %(code)s đã kết thúc, không nhận thêm phiếu.") % {"code": survey.code})
    today = timezone.localdate()
    if today < survey.opens_on:
        raise DomainError(
            _("Đợt khảo sát %(code)s bắt đầu từ %(day)s.")
            % {"code": survey.code, "day": survey.opens_on.strftime("%d/%m/%Y")}
        )
    if today > survey.closes_on:
        raise DomainError(
            _("Đợt khảo sát %(code)s đã hết hạn ngày %(day)s.")
            % {"code": survey.code, "day": survey.closes_on.strftime("%d/%m/%Y")}
        )


@dataclass
class Scale:
    """What a survey of one framework asks: its competences by domain and the steps."""

    framework: Framework
    competences: list[Competence]
    domains: dict[str, list[str]]  # domain code -> competence codes
    domain_names: dict[str, str]
    max_step: int

    @classmethod
    def of(cls, framework: Framework) -> "Scale":
        comps = list(framework.competences.select_related("domain").order_by("position"))
        domains: dict[str, list[str]] = defaultdict(list)
        names = {}
        for c in comps:
            domains[c.domain.code].append(c.code)
            names[c.domain.code] = c.domain.name
        return cls(framework, comps, dict(domains), names, framework.max_step)

    def check(self, ratings: dict) -> tuple[dict[str, int], list[str]]:
        """(ratings as ints, problems): every competence rated with a whole step 0..max."""
        known = {c.code: c for c in self.competences}
        out, problems = {}, []
        for code, value in ratings.items():
            code = str(code).strip()
            if code not in known:
                problems.append(
                    _("Năng lực “%(code)s” không có trong khung %(fw)s.") % {"code": code, "fw": self.framework.code}
                )
                continue
            step = _step(value)
            if step is None or not NOT_YET <= step <= self.max_step:
                problems.append(
                    _("Năng lực %(code)s: mức tự đánh giá “%(value)s” nằm ngoài thang 0–%(max)s (0 = chưa đạt bậc 1).")
                    % {"code": code, "value": value, "max": self.max_step}
                )
                continue
            out[code] = step
        missing = [c for c in known if c not in out and c not in {p for p in ratings}]
        if missing:
            problems.append(
                _("Chưa tự đánh giá %(n)s năng lực: %(codes)s.") % {"n": len(missing), "codes": ", ".join(missing)}
            )
        return out, problems

    def domain_steps(self, ratings: dict[str, int]) -> dict[str, int]:
        """Each domain's step: the floor of the mean of its competences' steps."""
        return {d: math.floor(sum(ratings[c] for c in codes) / len(codes)) for d, codes in self.domains.items()}


def _step(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else None


@dataclass
class Rules:
    """The active training groups, ready to classify many people."""

    groups: list[TrainingGroup]
    keywords: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Rules":
        groups = list(TrainingGroup.objects.filter(is_active=True).order_by("position", "code"))
        return cls(groups, {g.pk: [fold(k) for k in g.keywords] for g in groups})

    def classify(self, person: Person, steps: dict[str, int], names: dict[str, str]) -> list[tuple[TrainingGroup, str]]:
        """The groups ``person`` belongs to and why. Basic training comes first: while a
        person is in a basic group, the other step-based groups wait."""
        out = []
        position = fold(person.position or "")
        basic = False
        for g in self.groups:
            if g.below_step is not None and basic and not g.is_basic:
                continue
            reasons = []
            if g.categories:
                if person.category not in g.categories:
                    continue
                reasons.append(person.get_category_display())
            if self.keywords[g.pk]:
                hit = next((k for k in self.keywords[g.pk] if k in position), None)
                if hit is None:
                    continue
                reasons.append(_("chức vụ: %(position)s") % {"position": person.position})
            if g.below_step is not None:
                low = [d for d, s in steps.items() if s < g.below_step]
                if not low:
                    continue
                reasons.append(
                    _("dưới bậc %(step)s: %(domains)s")
                    % {"step": g.below_step, "domains": "; ".join(f"{d}. {names[d]} (bậc {steps[d]})" for d in low)}
                )
            if not reasons:
                continue  # a group with no condition set classifies nobody
            out.append((g, "; ".join(reasons)[:300]))
            basic = basic or g.is_basic
        return out


def can_answer_for(user, person: Person) -> bool:
    own = getattr(user, "person_id", None) == person.pk
    return own or can_manage(user, person.unit)


def answer(user, survey: Survey, person: Person, ratings: dict, scale: Scale | None = None, rules=None) -> Response:
    """Store (or replace) one person's self-rating and classify them. The person answers
    for themself, or an officer whose scope covers the person's unit enters it."""
    own = getattr(user, "person_id", None) == person.pk
    if not own and not can_manage(user, person.unit):
        raise DomainError(
            _("Quân nhân mã định danh %(id)s nằm ngoài phạm vi quản lý của bạn: không nhập phiếu thay được.")
            % {"id": person.identifier},
            status=403,
        )
    if not person.unit.path.startswith(survey.unit.path):
        raise DomainError(
            _("%(person)s không thuộc phạm vi đợt khảo sát %(code)s (%(unit)s).")
            % {"person": person.full_name, "code": survey.code, "unit": survey.unit}
        )
    survey.refresh_from_db(fields=["is_closed", "opens_on", "closes_on"])
    _require_open(survey)
    scale = scale or Scale.of(survey.framework)
    clean, problems = scale.check(ratings)
    if problems:
        raise DomainError(_("Phiếu tự đánh giá chưa hợp lệ: %(n)s lỗi; chưa lưu.") % {"n": len(problems)}, problems)
    source = Response.Source.SELF if own else Response.Source.OFFICER
    with transaction.atomic():
        response = _store(user, survey, person, clean, scale, rules or Rules.load(), source)
        audit.record(
            "update" if response.was_there else "create",
            response,
            after={"ratings": clean, "source": source},
            unit=person.unit_id,
            object_repr=f"{survey.code} · {person}",
        )
    return response


def _store(user, survey, person, ratings, scale, rules, source) -> Response:
    steps = scale.domain_steps(ratings)
    response, created = Response.objects.update_or_create(
        survey=survey,
        person=person,
        defaults={
            "unit_id": person.unit_id,
            "ratings": ratings,
            "domain_steps": steps,
            "source": source,
            "entered_by": _user(user),
        },
    )
    response.was_there = not created
    Need.objects.filter(response=response).delete()
    Need.objects.bulk_create(
        Need(survey=survey, response=response, person=person, unit_id=person.unit_id, group=g, reason=why)
        for g, why in rules.classify(person, steps, scale.domain_names)
    )
    return response


def save_group(user, form) -> TrainingGroup:
    """Save a training group's rule (organisation-wide: system administrators)."""
    if not scope_paths(user, Action.MANAGE_CATALOGUE):
        raise DomainError(_("Chỉ quản trị hệ thống sửa được quy tắc phân loại."), status=403)
    with transaction.atomic():
        before = audit.snapshot(TrainingGroup.objects.get(pk=form.instance.pk)) if form.instance.pk else None
        group = form.save()
        audit.record("update" if before else "create", group, before=before, after=audit.snapshot(group))
    return group


def reclassify(user, survey: Survey) -> int:
    """Apply the groups' current rules to every answer of the survey again."""
    _require_manage(user, survey.unit)
    scale, rules = Scale.of(survey.framework), Rules.load()
    count = 0
    with transaction.atomic():
        Need.objects.filter(survey=survey).delete()
        batch = []
        for r in Response.objects.filter(survey=survey).select_related("person"):
            for g, why in rules.classify(r.person, r.domain_steps, scale.domain_names):
                batch.append(Need(survey=survey, response=r, person=r.person, unit_id=r.unit_id, group=g, reason=why))
            if len(batch) > 5000:
                Need.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        Need.objects.bulk_create(batch)
        count += len(batch)
        audit.record("update", survey, after={"reclassified": count}, unit=survey.unit_id)
    return count


@dataclass
class GroupLine:
    group: TrainingGroup
    people: int
    done: int  # of them, those who completed a course for the group (or, for a basic group, basic skills)

    @property
    def pct(self):
        return coverage.percent(self.done, self.people)


@dataclass
class SurveyResults:
    survey: Survey
    unit: Unit
    expected: int  # active people in the subtree
    answered: int
    groups: list[GroupLine]
    by_unit: list[tuple[Unit, int, int, dict[int, int]]]  # child subtree, people, answered, {group id: n}
    domain_mean: list[tuple[str, str, Decimal | None]]

    @property
    def answered_pct(self):
        return coverage.percent(self.answered, self.expected)


def results(survey: Survey, unit: Unit) -> SurveyResults:
    """The survey's results in ``unit``'s subtree: answers, people per group (and how
    many of them are trained since), per child unit, and each domain's mean step."""
    in_sub = Q(unit__path__startswith=unit.path)
    responses = Response.objects.filter(survey=survey).filter(in_sub)
    needs = Need.objects.filter(survey=survey).filter(in_sub)
    expected = Person.objects.in_subtree(unit).filter(is_active=True).count()
    answered = responses.count()
    groups = list(TrainingGroup.objects.filter(pk__in=needs.values("group_id")).order_by("position"))
    lines = []
    for g in groups:
        members = needs.filter(group=g)
        if g.is_basic:
            done = members.filter(person__basic_skills__isnull=False).count()
        else:
            done = members.filter(
                person_id__in=Completion.objects.filter(
                    revoked_at=None, course__groups=g, completed_on__gte=survey.opens_on
                ).values("person_id")
            ).count()
        lines.append(GroupLine(g, members.count(), done))
    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("path"))
    # per child subtree, from three grouped queries instead of three per child
    step = len(unit.path) + tree.STEP
    child_of = {c.path: c.pk for c in children}
    paths = dict(Unit.objects.filter(path__startswith=unit.path).values_list("pk", "path"))

    def child(unit_id):
        return child_of.get(paths.get(unit_id, "")[:step])

    people: dict[int, int] = defaultdict(int)
    for unit_id, n in (
        Person.objects.in_subtree(unit).filter(is_active=True).order_by().values_list("unit_id").annotate(n=Count("id"))
    ):
        people[child(unit_id)] += n
    answers: dict[int, int] = defaultdict(int)
    for unit_id, n in responses.order_by().values_list("unit_id").annotate(n=Count("id")):
        answers[child(unit_id)] += n
    per_group: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, group_id, n in needs.order_by().values_list("unit_id", "group_id").annotate(n=Count("id")):
        per_group[child(unit_id)][group_id] += n
    by_unit = [(c, people[c.pk], answers[c.pk], dict(per_group[c.pk])) for c in children]
    scale = Scale.of(survey.framework)
    sums: dict[str, int] = defaultdict(int)
    n = 0
    for steps in responses.values_list("domain_steps", flat=True).iterator():
        n += 1
        for d, s in steps.items():
            sums[d] += s
    means = [
        (d, scale.domain_names[d], (Decimal(sums[d]) / n).quantize(Decimal("0.1")) if n else None)
        for d in scale.domains
    ]
    return SurveyResults(survey, unit, expected, answered, lines, by_unit, means)


def needs_list(survey: Survey, unit: Unit, group: TrainingGroup | None = None):
    """Who must be trained in what: the survey's needs in ``unit``'s subtree."""
    qs = Need.objects.filter(survey=survey, unit__path__startswith=unit.path)
    if group is not None:
        qs = qs.filter(group=group)
    return qs.select_related("person", "unit", "group").order_by("unit__path", "person__full_name", "group__position")


# --- courses and classes ----------------------------------------------------------


def check_course(data: dict, course: Course | None = None) -> dict[str, str]:
    problems = {}
    code = nfc(data.get("code", "")).upper()
    if not code:
        problems["code"] = _("Chưa nhập mã khóa học.")
    elif Course.objects.filter(code=code).exclude(pk=getattr(course, "pk", None)).exists():
        problems["code"] = _("Mã khóa học “%(code)s” đã có.") % {"code": code}
    if not nfc(data.get("title") or ""):
        problems["title"] = _("Chưa nhập tên khóa học.")
    if not nfc(data.get("provider") or ""):
        problems["provider"] = _("Chưa nhập đơn vị cung cấp.")
    if data.get("mode", Course.Mode.BLENDED) not in Course.Mode.values:
        problems["mode"] = _("Hình thức học không hợp lệ.")
    if not _web_link(data.get("link") or ""):
        problems["link"] = _("Đường dẫn phải bắt đầu bằng http:// hoặc https://.")
    hours = data.get("hours")
    if hours is None or hours <= 0 or hours > 2000:
        problems["hours"] = _("Số giờ phải lớn hơn 0 và không quá 2 000.")
    fw = data.get("framework")
    step = data.get("reached_step")
    if fw is not None and (step is None or not 1 <= step <= fw.max_step):
        problems["reached_step"] = _("Bậc đạt được phải từ 1 đến %(max)s.") % {"max": fw.max_step}
    comps = data.get("competences") or []
    if not comps:
        problems["competences"] = _("Chọn ít nhất một năng lực mà khóa học bồi dưỡng.")
    elif fw is not None and any(c.framework_id != fw.pk for c in comps):
        problems["competences"] = _("Các năng lực phải thuộc cùng khung năng lực của khóa học.")
    score = data.get("pass_score")
    if score is not None and not 0 <= score <= 10:
        problems["pass_score"] = _("Điểm đạt phải trong thang 0–10.")
    return problems


def save_course(user, owner: Unit, data: dict, course: Course | None = None) -> Course:
    _require_manage(user, owner)
    if course is not None:
        _require_manage(user, course.owner)
    problems = check_course(data, course)
    if problems:
        raise DomainError(_("Chưa lưu được khóa học: %(n)s lỗi.") % {"n": len(problems)}, problems)
    fields = ["title", "provider", "on_national_platform", "link", "mode", "hours", "is_basic", "pass_score"]
    fields += ["framework", "reached_step", "description", "is_active"]
    with transaction.atomic():
        before = audit.snapshot(course) if course else None
        course = course or Course(owner=owner)
        course.code = nfc(data["code"]).upper()
        for f in fields:
            if f in data:
                value = data[f]
                setattr(course, f, nfc_text(value) if isinstance(value, str) else value)
        course.save()
        course.competences.set(data.get("competences") or [])
        course.groups.set(data.get("groups") or [])
        audit.record("update" if before else "create", course, before=before, after=audit.snapshot(course), unit=owner)
    return course


def _web_link(link: str) -> bool:
    return not link or link.lower().startswith(("http://", "https://"))


@dataclass
class ClassData:
    code: str
    course: Course
    start: dt.date
    end: dt.date
    sessions: int = 1
    place: str = ""
    online_link: str = ""
    instructor: str = ""
    capacity: int | None = None


def open_class(user, unit: Unit, data: ClassData) -> TrainingClass:
    _require_manage(user, unit)
    code = nfc(data.code).upper()
    problems = {}
    if not code:
        problems["code"] = _("Chưa nhập mã lớp.")
    elif TrainingClass.objects.filter(code=code).exists():
        problems["code"] = _("Mã lớp “%(code)s” đã có.") % {"code": code}
    if data.end < data.start:
        problems["end"] = _("Ngày bế giảng phải sau ngày khai giảng.")
    if not data.course.is_active:
        problems["course"] = _("Khóa học %(code)s đã đóng.") % {"code": data.course.code}
    if not 1 <= data.sessions <= 200:
        problems["sessions"] = _("Số buổi phải từ 1 đến 200.")
    if not _web_link(data.online_link):
        problems["online_link"] = _("Đường dẫn phải bắt đầu bằng http:// hoặc https://.")
    if not data.place and not data.online_link:
        problems["place"] = _("Nhập địa điểm học hoặc đường dẫn học trực tuyến.")
    if not unit.is_active:
        problems["unit"] = _("Đơn vị %(unit)s đã giải thể hoặc sáp nhập.") % {"unit": unit}
    if problems:
        raise DomainError(_("Chưa mở được lớp: %(n)s lỗi.") % {"n": len(problems)}, problems)
    with transaction.atomic():
        klass = TrainingClass.objects.create(
            code=code,
            course=data.course,
            unit=unit,
            start=data.start,
            end=data.end,
            sessions=data.sessions,
            place=nfc(data.place),
            online_link=data.online_link,
            instructor=nfc(data.instructor),
            capacity=data.capacity,
            created_by=_user(user),
        )
        audit.record("create", klass, after=audit.snapshot(klass), unit=unit)
    return klass


def _require_class_open(klass: TrainingClass) -> None:
    if klass.is_closed:
        raise DomainError(_("Lớp %(code)s đã kết thúc, không sửa danh sách, điểm danh được.") % {"code": klass.code})


def enrol(user, klass: TrainingClass, people: list[Person]) -> list[Enrolment]:
    """Enrol people in a class, all or none: each must be in the organising unit's
    subtree and the user's scope, not yet in the class, and the class not full."""
    _require_manage(user, klass.unit)
    try:
        with transaction.atomic():
            klass = TrainingClass.objects.select_for_update().select_related("unit").get(pk=klass.pk)
            return _enrol(user, klass, people)
    except IntegrityError:
        raise DomainError(_("Danh sách lớp vừa được người khác thay đổi; chưa ghi danh ai, hãy thử lại.")) from None


def _enrol(user, klass: TrainingClass, people: list[Person]) -> list[Enrolment]:
    _require_class_open(klass)
    problems = []
    seen = set()
    already = set(
        Enrolment.objects.filter(training_class=klass, person__in=[p.pk for p in people]).values_list(
            "person_id", flat=True
        )
    )
    for p in people:
        if p.pk in seen or p.pk in already:
            problems.append(_("%(person)s đã có trong danh sách lớp %(code)s.") % {"person": p, "code": klass.code})
        elif not p.unit.path.startswith(klass.unit.path) or not can_manage(user, p.unit):
            problems.append(
                _("%(person)s thuộc %(unit)s, ngoài phạm vi của lớp hoặc của bạn.") % {"person": p, "unit": p.unit}
            )
        elif not p.is_active:
            problems.append(_("%(person)s không còn công tác.") % {"person": p})
        seen.add(p.pk)
    if klass.capacity is not None:
        count = Enrolment.objects.filter(training_class=klass).count()
        if count + len(people) > klass.capacity:
            problems.append(
                _("Lớp %(code)s chỉ nhận %(cap)s học viên; đã có %(n)s.")
                % {"code": klass.code, "cap": klass.capacity, "n": count}
            )
    if not people:
        problems.append(_("Chưa chọn học viên nào."))
    if problems:
        raise DomainError(_("Chưa ghi danh: %(n)s lỗi; không ai được thêm vào lớp.") % {"n": len(problems)}, problems)
    rows = Enrolment.objects.bulk_create(
        [Enrolment(training_class=klass, person=p, enrolled_by=_user(user)) for p in people]
    )
    audit.record(
        "update",
        klass,
        after={"enrolled": [p.identifier for p in people]},
        unit=klass.unit,
        object_repr=_("%(code)s: ghi danh %(n)s học viên") % {"code": klass.code, "n": len(people)},
    )
    return rows


def people_by_identifiers(user, identifiers: list[str]) -> tuple[list[Person], list[str]]:
    """The people with these identifiers in the user's training scope, and the
    identifiers not found there."""
    from dxhub.org.identifiers import normalise

    wanted = [normalise(i) for i in identifiers if normalise(i)]
    found = {
        p.identifier: p
        for p in people_in_scope(user, Action.MANAGE_TRAINING).filter(identifier__in=wanted).select_related("unit")
    }
    return [found[i] for i in wanted if i in found], [i for i in wanted if i not in found]


def record_results(user, klass: TrainingClass, results: dict[int, tuple[int, Decimal | None]]) -> None:
    """Attendance and score per enrolment id, checked all at once."""
    _require_manage(user, klass.unit)
    with transaction.atomic():
        klass = TrainingClass.objects.select_for_update().select_related("unit").get(pk=klass.pk)
        _require_class_open(klass)
        _record_results(klass, results)


def _record_results(klass: TrainingClass, results: dict[int, tuple[int, Decimal | None]]) -> None:
    enrolments = {e.pk: e for e in Enrolment.objects.filter(training_class=klass).select_related("person")}
    problems = []
    for pk, (attended, score) in results.items():
        e = enrolments.get(pk)
        if e is None:
            problems.append(_("Học viên (mã ghi danh %(pk)s) không có trong lớp.") % {"pk": pk})
            continue
        if attended is None or not 0 <= attended <= klass.sessions:
            problems.append(
                _("%(person)s: số buổi tham dự phải từ 0 đến %(max)s.") % {"person": e.person, "max": klass.sessions}
            )
        if score is not None and score != score.quantize(Decimal("0.1")):
            problems.append(
                _("%(person)s: điểm %(score)s chỉ ghi tối đa một chữ số thập phân.")
                % {"person": e.person, "score": score}
            )
        elif score is not None and not 0 <= score <= 10:
            problems.append(
                _("%(person)s: điểm %(score)s nằm ngoài thang 0–10.") % {"person": e.person, "score": score}
            )
    if problems:
        raise DomainError(_("Chưa lưu kết quả: %(n)s lỗi.") % {"n": len(problems)}, problems)
    changed = []
    for pk, (attended, score) in results.items():
        e = enrolments[pk]
        if (e.attended, e.score) != (attended, score):
            e.attended, e.score = attended, score
            changed.append(e)
    Enrolment.objects.bulk_update(changed, ["attended", "score"])
    if changed:
        audit.record(
            "update",
            klass,
            after={e.person.identifier: [e.attended, str(e.score) if e.score is not None else None] for e in changed},
            unit=klass.unit,
            object_repr=_("%(code)s: điểm danh, điểm") % {"code": klass.code},
        )


def sessions_needed(klass: TrainingClass) -> int:
    return math.ceil(klass.sessions * ATTENDANCE_SHARE)


def passes(klass: TrainingClass, e: Enrolment) -> bool:
    return e.score is not None and e.score >= klass.course.pass_score and e.attended >= sessions_needed(klass)


def close_class(user, klass: TrainingClass, on: dt.date | None = None) -> list[Completion]:
    """End the class: who passed (score at least the course's pass mark and 80 % of
    the sessions attended) gets a completion and a certificate."""
    _require_manage(user, klass.unit)
    today = timezone.localdate()
    with transaction.atomic():
        klass = TrainingClass.objects.select_for_update().select_related("course", "unit").get(pk=klass.pk)
        _require_class_open(klass)
        on = on or min(klass.end, today)
        if today < klass.start or not klass.start <= on <= today:
            raise DomainError(
                _("Lớp %(code)s khai giảng ngày %(day)s: chỉ kết thúc được khi lớp đã học, vào ngày không ở tương lai.")
                % {"code": klass.code, "day": klass.start.strftime("%d/%m/%Y")}
            )
        enrolments = list(Enrolment.objects.filter(training_class=klass).select_related("person"))
        if not enrolments:
            raise DomainError(_("Lớp %(code)s chưa có học viên.") % {"code": klass.code})
        unscored = [e for e in enrolments if e.score is None and e.attended > 0]
        if unscored:
            raise DomainError(
                _("Còn %(n)s học viên chưa có điểm: %(names)s.")
                % {"n": len(unscored), "names": ", ".join(e.person.full_name for e in unscored[:10])}
            )
        have = set(
            Completion.objects.filter(course=klass.course, person__in=[e.person_id for e in enrolments]).values_list(
                "person_id", flat=True
            )
        )
        made = []
        for e in enrolments:
            e.passed = passes(klass, e)
            if e.passed and e.person_id not in have:
                made.append(
                    Completion(
                        person=e.person,
                        course=klass.course,
                        enrolment=e,
                        completed_on=on,
                        score=e.score,
                        is_basic=klass.course.is_basic,
                        source=Completion.Source.CLASS,
                        issued_by=klass.unit,
                        recorded_by=_user(user),
                    )
                )
        Enrolment.objects.bulk_update(enrolments, ["passed"])
        Completion.objects.bulk_create(made)
        klass.is_closed = True
        klass.save(update_fields=["is_closed"])
        audit.record(
            "update",
            klass,
            before={"is_closed": False},
            after={"is_closed": True, "passed": sum(e.passed for e in enrolments), "certificates": len(made)},
            unit=klass.unit,
        )
        _after_completions(made)
    return made


def _after_completions(made: list[Completion]) -> None:
    """Keep ``BasicSkills`` (the earliest valid basic completion per person) and refresh
    the fed report values of the units concerned."""
    basic = [c for c in made if c.is_basic]
    if not basic:
        return
    person_ids = [c.person_id for c in basic]
    update_basic_skills(person_ids)
    units = set()
    for i in range(0, len(person_ids), 5000):
        units |= set(Person.objects.filter(pk__in=person_ids[i : i + 5000]).values_list("unit_id", flat=True))
    sources.refresh(coverage.SOURCES, units)


def update_basic_skills(person_ids: list[int]) -> None:
    """Recompute the ``BasicSkills`` rows of these people from their valid completions."""
    for i in range(0, len(person_ids), 5000):
        chunk = person_ids[i : i + 5000]
        best: dict[int, tuple[dt.date, int]] = {}
        for pid, day, cid in (
            Completion.objects.filter(person__in=chunk, is_basic=True, revoked_at=None)
            .order_by()
            .values_list("person_id", "completed_on", "pk")
        ):
            if pid not in best or (day, cid) < best[pid]:
                best[pid] = (day, cid)
        BasicSkills.objects.filter(person__in=chunk).delete()
        BasicSkills.objects.bulk_create(
            [BasicSkills(person_id=pid, completed_on=day, completion_id=cid) for pid, (day, cid) in best.items()],
            batch_size=5000,
        )


def revoke(user, completion: Completion, reason: str) -> Completion:
    """Withdraw a certificate (a mistake, a fraud): it stays on record, shown revoked."""
    reason = nfc(reason)
    if not reason:
        raise DomainError(_("Phải ghi lý do thu hồi chứng nhận."))
    _require_manage(user, completion.issued_by)
    with transaction.atomic():
        current = Completion.objects.select_for_update().get(pk=completion.pk)
        if current.revoked_at:
            raise DomainError(_("Chứng nhận %(code)s đã bị thu hồi trước đó.") % {"code": current.code}, status=409)
        current.revoked_at = timezone.now()
        current.revoked_reason = reason
        current.save(update_fields=["revoked_at", "revoked_reason"])
        audit.record(
            "update", current, before={"revoked_at": None}, after={"revoked_reason": reason}, unit=current.issued_by_id
        )
        if current.is_basic:
            update_basic_skills([current.person_id])
            sources.refresh(coverage.SOURCES, [Person.objects.get(pk=current.person_id).unit_id])
    return current


@dataclass
class Verification:
    code: str
    completion: Completion | None

    @property
    def status(self) -> str:
        if self.completion is None:
            return "unknown"
        return "revoked" if self.completion.revoked_at else "valid"


def verify(code: str) -> Verification:
    """Look a certificate up by its verification code (public, no login)."""
    clean = "".join(ch for ch in nfc(code).upper() if ch.isalnum())
    formatted = f"{clean[:4]}-{clean[4:8]}-{clean[8:]}" if len(clean) == 12 else nfc(code).upper()
    completion = (
        Completion.objects.select_related("person", "course", "issued_by__parent").filter(code=formatted).first()
        if len(clean) == 12
        else None
    )
    return Verification(formatted, completion)


def completion_in_scope(user, pk) -> Completion:
    c = (
        Completion.objects.select_related("person__unit__parent", "course__framework", "issued_by__parent")
        .filter(pk=pk)
        .first()
    )
    if c is None or not (covers(user, Action.VIEW, c.person.unit) or getattr(user, "person_id", None) == c.person_id):
        raise NotInScope()
    return c


# --- a person's passport -----------------------------------------------------------


@dataclass
class Passport:
    person: Person
    response: Response | None
    levels: list[tuple[str, str, int | None]]  # domain code, name, step
    completions: list[Completion]
    enrolments: list[Enrolment]
    needs: list[Need]
    basic: BasicSkills | None


def person_in_scope(user, pk) -> Person:
    person = Person.objects.select_related("unit").filter(pk=pk).first()
    if person is None or not (covers(user, Action.VIEW, person.unit) or getattr(user, "person_id", None) == person.pk):
        raise NotInScope()
    return person


def passport(person: Person) -> Passport:
    response = (
        Response.objects.filter(person=person)
        .select_related("survey", "survey__framework")
        .order_by("-updated_at")
        .first()
    )
    levels = []
    if response is not None:
        scale = Scale.of(response.survey.framework)
        levels = [(d, scale.domain_names[d], response.domain_steps.get(d)) for d in scale.domains]
    return Passport(
        person,
        response,
        levels,
        list(Completion.objects.filter(person=person).select_related("course", "issued_by").order_by("-completed_on")),
        list(
            Enrolment.objects.filter(person=person, training_class__is_closed=False)
            .select_related("training_class", "training_class__course")
            .order_by("training_class__start")
        ),
        list(Need.objects.filter(response=response).select_related("group")) if response else [],
        BasicSkills.objects.filter(person=person).first(),
    )
