"""Pages of the "Bình dân học vụ số" module: thin wrappers over ``services``,
``coverage`` and ``excel``."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers, scope_paths
from dxhub.core.errors import DomainError, NotInScope, show_on_form
from dxhub.core.paging import paginate, query_without_page
from dxhub.core.text import nfc
from dxhub.org.models import Person, Unit

from . import coverage, excel, services
from .forms import ClassForm, CourseForm, EnrolForm, GroupForm, ReasonForm, SurveyForm, UploadForm
from .models import Course, Framework, Response, TrainingClass, TrainingGroup

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _flash(request, exc: DomainError) -> None:
    messages.error(request, exc.message)
    for problem in exc.problem_list[:20]:
        messages.warning(request, problem)


def _in_scope(getter, *args):
    try:
        return getter(*args)
    except NotInScope:
        raise Http404 from None


def _unit_by_code(request, code: str, action=Action.VIEW) -> Unit:
    unit = Unit.objects.restrict(request.user, action).filter(code=nfc(code).upper()).first()
    if unit is None:
        raise DomainError(
            _("Mã đơn vị “%(code)s” không có hoặc nằm ngoài phạm vi của bạn.") % {"code": code}, {"unit": _("sai mã")}
        )
    return unit


def _top_unit(request, action=Action.VIEW) -> Unit:
    roots = scope_paths(request.user, action)
    if not roots:
        raise Http404
    return Unit.objects.get(path=roots[0])


@login_required
def index(request):
    return redirect("training:unit", _top_unit(request).pk)


@login_required
def unit_dashboard(request, pk):
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not covers(request.user, Action.VIEW, unit):
        raise Http404
    board = coverage.dashboard(unit)
    chart = {
        "labels": [u.short_name or u.name for u, _c, _k in board.children],
        "values": [float(c.pct) if c.pct is not None else None for _u, c, _k in board.children],
    }
    survey = services.latest_survey(unit)
    return render(
        request,
        "training/unit.html",
        {
            "unit": unit,
            "board": board,
            "chart": chart,
            "ancestors": unit.ancestors().filter(path__in=_visible_paths(request, unit)),
            "survey": survey,
            "can_manage": services.can_manage(request.user, unit),
        },
    )


def _visible_paths(request, unit: Unit) -> list[str]:
    paths = [unit.path[:i] for i in range(4, len(unit.path), 4)]
    return [p for p in paths if any(p.startswith(r) for r in scope_paths(request.user, Action.VIEW))]


# --- surveys ------------------------------------------------------------------


@login_required
def surveys(request):
    return render(
        request,
        "training/surveys.html",
        {
            "surveys": _with_results_flag(request, services.visible_surveys(request.user).order_by("-opens_on")),
            "can_launch": bool(scope_paths(request.user, Action.MANAGE_TRAINING)),
        },
    )


def _with_results_flag(request, surveys):
    """Mark the surveys whose results the user may read (their scope meets the survey's
    subtree); the others they can only answer for themself."""
    paths = scope_paths(request.user, Action.VIEW)
    out = list(surveys)
    for s in out:
        s.results_visible = any(p.startswith(s.unit.path) or s.unit.path.startswith(p) for p in paths)
    return out


@login_required
def survey_new(request):
    if not scope_paths(request.user, Action.MANAGE_TRAINING):
        raise Http404
    form = SurveyForm(request.POST or None, initial={"unit": _top_unit(request, Action.MANAGE_TRAINING).code})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = _unit_by_code(request, d["unit"], Action.MANAGE_TRAINING)
            survey = services.launch_survey(
                request.user,
                unit,
                services.SurveyData(d["code"], d["title"], d["framework"], d["opens_on"], d["closes_on"], d["note"]),
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã mở đợt khảo sát %(code)s.") % {"code": survey.code})
            return redirect("training:survey", survey.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Mở đợt khảo sát nhu cầu bồi dưỡng")})


def _survey_unit(request, survey) -> Unit:
    """The unit whose results are shown: ``?unit=CODE`` inside the survey and the user's
    scope, else the user's top unit inside the survey (or the survey's own unit)."""
    code = request.GET.get("unit")
    if code:
        unit = Unit.objects.restrict(request.user).filter(code=nfc(code).upper(), path__startswith=survey.unit.path)
        unit = unit.first()
        if unit is None:
            raise Http404
        return unit
    if covers(request.user, Action.VIEW, survey.unit):
        return survey.unit
    roots = [p for p in scope_paths(request.user, Action.VIEW) if p.startswith(survey.unit.path)]
    if not roots:  # someone who only answers for themself sees no unit's results
        raise Http404
    return Unit.objects.get(path=roots[0])


@login_required
def survey_detail(request, pk):
    survey = _in_scope(services.survey_in_scope, request.user, pk)
    unit = _survey_unit(request, survey)
    res = services.results(survey, unit)
    radar = {
        "indicators": [
            {"name": f"{code}. {name}", "max": survey.framework.max_step} for code, name, _m in res.domain_mean
        ],
        "series": [
            {
                "name": unit.short_name or unit.name,
                "values": [float(m) if m is not None else 0 for _c, _n, m in res.domain_mean],
            }
        ],
    }
    return render(
        request,
        "training/survey.html",
        {
            "survey": survey,
            "unit": unit,
            "res": res,
            "radar": radar,
            "can_manage": services.can_manage(request.user, unit),
            "own": getattr(request.user, "person", None),
            "is_open": services._is_open(survey),
        },
    )


@login_required
def survey_needs(request, pk):
    survey = _in_scope(services.survey_in_scope, request.user, pk)
    unit = _survey_unit(request, survey)
    group = TrainingGroup.objects.filter(code=request.GET.get("group")).first()
    if request.GET.get("format") == "xlsx":
        return _xlsx(excel.export_needs(survey, unit, group), f"can-boi-duong-{survey.code}-{unit.code}.xlsx")
    page = paginate(request, services.needs_list(survey, unit, group), per_page=50)
    return render(
        request,
        "training/needs.html",
        {
            "survey": survey,
            "unit": unit,
            "group": group,
            "page": page,
            "query": query_without_page(request),
            "groups": TrainingGroup.objects.all(),
            "can_edit_rules": bool(scope_paths(request.user, Action.MANAGE_CATALOGUE)),
        },
    )


@login_required
def survey_answer(request, pk):
    """One person's self-rating, typed by themself or by an officer for them."""
    survey = _in_scope(services.survey_in_scope, request.user, pk)
    scale = services.Scale.of(survey.framework)
    ident = nfc(request.POST.get("identifier") or request.GET.get("identifier") or "")
    person = None
    if ident:
        person = Person.objects.select_related("unit").filter(identifier=ident).first()
    elif getattr(request.user, "person_id", None):
        person = request.user.person
    problems = []
    current = {}
    if person is not None and not services.can_answer_for(request.user, person):
        person = None  # answered like an unknown identifier: the page tells nothing of people outside the scope
    if ident and person is None:
        problems.append(_("Không có quân nhân mã định danh “%(id)s” trong phạm vi quản lý của bạn.") % {"id": ident})
    if person is not None:
        existing = Response.objects.filter(survey=survey, person=person).first()
        current = existing.ratings if existing else {}
    if request.method == "POST" and person is not None:
        ratings = {c.code: request.POST.get(f"r_{c.code}", "") for c in scale.competences}
        ratings = {k: v for k, v in ratings.items() if v != ""}
        current = ratings
        try:
            response = services.answer(request.user, survey, person, ratings, scale)
        except DomainError as exc:
            problems = [exc.message, *exc.problem_list]
        else:
            groups = ", ".join(n.group.name for n in response.needs.select_related("group")) or _(
                "không cần bồi dưỡng thêm"
            )
            messages.success(
                request,
                _("Đã lưu phiếu của %(person)s. Xếp nhóm: %(groups)s.")
                % {"person": person.full_name, "groups": groups},
            )
            if response.source == Response.Source.SELF:
                return redirect("training:passport", person.pk)
            return redirect(reverse("training:survey", args=[survey.pk]))
    domains = []
    for code, comps in scale.domains.items():
        domains.append(
            (
                code,
                scale.domain_names[code],
                [(c, current.get(c.code, "")) for c in scale.competences if c.code in comps],
            )
        )
    return render(
        request,
        "training/answer.html",
        {
            "survey": survey,
            "person": person,
            "ident": ident,
            "domains": domains,
            "steps": list(range(0, scale.max_step + 1)),
            "levels": list(survey.framework.levels.all()),
            "problems": problems,
        },
    )


@login_required
def survey_import(request, pk):
    survey = _in_scope(services.survey_in_scope, request.user, pk)
    if request.GET.get("template"):
        return _xlsx(excel.answers_template(survey), f"tu-danh-gia-{survey.code}.xlsx")
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            n = excel.import_answers(request.user, survey, form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            problems = exc.problem_list
        else:
            messages.success(request, _("Đã nhập %(n)s phiếu tự đánh giá.") % {"n": n})
            return redirect("training:survey", survey.pk)
    return render(
        request,
        "training/import.html",
        {
            "form": form,
            "problems": problems,
            "title": _("Nhập phiếu tự đánh giá từ Excel — %(code)s") % {"code": survey.code},
            "hint": _(
                "Mỗi dòng một người: mã định danh, họ tên, và một cột cho mỗi năng lực (mã 1.1, 1.2…) ghi bậc tự đánh "
                "giá từ 0 đến 8 (0 = chưa đạt bậc 1). Tệp được nhận cả hoặc không nhận dòng nào."
            ),
            "back": reverse("training:survey", args=[survey.pk]),
        },
    )


@login_required
@require_POST
def survey_close(request, pk):
    survey = _in_scope(services.survey_in_scope, request.user, pk)
    try:
        services.close_survey(request.user, survey)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Đã kết thúc đợt khảo sát."))
    return redirect("training:survey", survey.pk)


# --- courses and classes --------------------------------------------------------------


@login_required
def courses(request):
    return render(
        request,
        "training/courses.html",
        {
            "courses": Course.objects.select_related("framework", "owner").prefetch_related("groups", "competences"),
            "can_add": bool(scope_paths(request.user, Action.MANAGE_TRAINING)),
            "frameworks": Framework.objects.all(),
            "groups": TrainingGroup.objects.all(),
            "can_edit_rules": bool(scope_paths(request.user, Action.MANAGE_CATALOGUE)),
        },
    )


@login_required
def course_new(request):
    if not scope_paths(request.user, Action.MANAGE_TRAINING):
        raise Http404
    form = CourseForm(request.POST or None, initial={"owner": _top_unit(request, Action.MANAGE_TRAINING).code})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            owner = _unit_by_code(request, d.pop("owner"), Action.MANAGE_TRAINING)
            d["competences"], d["groups"] = list(d["competences"]), list(d["groups"])
            course = services.save_course(request.user, owner, d)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã thêm khóa học %(code)s.") % {"code": course.code})
            return redirect("training:courses")
    return render(request, "training/form.html", {"form": form, "title": _("Thêm khóa học")})


@login_required
def classes(request):
    qs = TrainingClass.objects.restrict(request.user).select_related("course", "unit")
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.filter(is_closed=False).order_by("start")
    return render(
        request,
        "training/classes.html",
        {
            "page": paginate(request, qs, per_page=50),
            "query": query_without_page(request),
            "show": show,
            "can_add": bool(scope_paths(request.user, Action.MANAGE_TRAINING)),
        },
    )


@login_required
def class_new(request):
    if not scope_paths(request.user, Action.MANAGE_TRAINING):
        raise Http404
    form = ClassForm(request.POST or None, initial={"unit": _top_unit(request, Action.MANAGE_TRAINING).code})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = _unit_by_code(request, d["unit"], Action.MANAGE_TRAINING)
            klass = services.open_class(
                request.user,
                unit,
                services.ClassData(
                    d["code"],
                    d["course"],
                    d["start"],
                    d["end"],
                    d["sessions"],
                    d["place"],
                    d["online_link"],
                    d["instructor"],
                    d["capacity"],
                ),
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã mở lớp %(code)s.") % {"code": klass.code})
            return redirect("training:class", klass.pk)
    return render(request, "training/form.html", {"form": form, "title": _("Mở lớp tập huấn, bồi dưỡng")})


def _number(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise DomainError(_("“%(v)s” không phải là số.") % {"v": raw}) from None


@login_required
def class_detail(request, pk):
    klass = _in_scope(services.class_in_scope, request.user, pk)
    can_manage = services.can_manage(request.user, klass.unit)
    if request.GET.get("format") == "xlsx":
        return _xlsx(excel.export_roster(klass), f"danh-sach-lop-{klass.code}.xlsx")
    enrol_form = EnrolForm(prefix="enrol")
    if request.method == "POST" and can_manage:
        action = request.POST.get("action")
        try:
            if action == "enrol":
                enrol_form = EnrolForm(request.POST, prefix="enrol")
                if enrol_form.is_valid():
                    people, unknown = services.people_by_identifiers(request.user, enrol_form.identifier_list())
                    if unknown:
                        raise DomainError(
                            _("Không tìm thấy trong phạm vi của bạn các mã định danh: %(ids)s. Chưa ghi danh ai.")
                            % {"ids": ", ".join(unknown)}
                        )
                    services.enrol(request.user, klass, people)
                    messages.success(request, _("Đã ghi danh %(n)s học viên.") % {"n": len(people)})
                    return redirect("training:class", klass.pk)
            elif action == "results":
                results = {}
                for e in klass.enrolments.all():
                    attended = request.POST.get(f"a_{e.pk}")
                    if attended is None:
                        continue
                    a = _number(attended)
                    results[e.pk] = (
                        int(a) if a is not None and a == int(a) else -1,
                        _number(request.POST.get(f"s_{e.pk}")),
                    )
                services.record_results(request.user, klass, results)
                messages.success(request, _("Đã lưu điểm danh và điểm."))
                return redirect("training:class", klass.pk)
            elif action == "close":
                made = services.close_class(request.user, klass)
                messages.success(
                    request, _("Lớp đã kết thúc; %(n)s học viên đạt được cấp giấy chứng nhận.") % {"n": len(made)}
                )
                return redirect("training:class", klass.pk)
        except DomainError as exc:
            _flash(request, exc)
    enrolments = list(
        klass.enrolments.select_related("person", "person__unit", "completion").order_by("person__full_name")
    )
    return render(
        request,
        "training/class.html",
        {
            "klass": klass,
            "enrolments": enrolments,
            "need": services.sessions_needed(klass),
            "can_manage": can_manage,
            "enrol_form": enrol_form,
        },
    )


# --- completions, certificates, passports --------------------------------------------------


@login_required
def completions_import(request):
    if not scope_paths(request.user, Action.MANAGE_TRAINING):
        raise Http404
    if request.GET.get("template"):
        return _xlsx(excel.completions_template(), "mau-ket-qua-hoan-thanh.xlsx")
    form = UploadForm(request.POST or None, request.FILES or None)
    problems, unmatched = [], []
    if request.method == "POST" and form.is_valid():
        try:
            done = excel.import_completions(request.user, form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            problems = exc.problem_list
            unmatched = getattr(exc, "unmatched", [])
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(n)s kết quả hoàn thành của %(p)s người; %(s)s dòng đã có từ trước nên bỏ qua.")
                % {"n": done.created, "p": done.people, "s": done.skipped},
            )
            return redirect("training:index")
    return render(
        request,
        "training/import.html",
        {
            "form": form,
            "problems": problems,
            "unmatched": unmatched,
            "title": _("Nhập kết quả hoàn thành từ nền tảng khác"),
            "hint": _(
                "Tệp xuất từ nền tảng Bình dân học vụ số hoặc hệ thống khác: mỗi dòng một người hoàn thành một khóa "
                "học, ghép theo mã định danh quân nhân. Tệp được nhận cả hoặc không nhận dòng nào; kết quả đã có "
                "(cùng người, cùng khóa học) được bỏ qua."
            ),
            "back": reverse("training:index"),
            "template_link": True,
        },
    )


@login_required
def passport(request, pk):
    person = _in_scope(services.person_in_scope, request.user, pk)
    p = services.passport(person)
    own = getattr(request.user, "person_id", None) == person.pk
    survey = services.latest_survey(person.unit) if own else None
    for c in p.completions:  # the unit that confirmed a certificate is the one that may withdraw it
        c.can_revoke = services.can_manage(request.user, c.issued_by)
    return render(
        request,
        "training/passport.html",
        {"p": p, "survey": survey if survey and services._is_open(survey) else None},
    )


@login_required
def my_passport(request):
    if not getattr(request.user, "person_id", None):
        messages.info(request, _("Tài khoản của bạn chưa gắn với hồ sơ quân nhân nào."))
        return redirect("core:home")
    return redirect("training:passport", request.user.person_id)


@login_required
def certificate(request, pk):
    from .certificate import certificate_pdf

    completion = _in_scope(services.completion_in_scope, request.user, pk)
    url = request.build_absolute_uri(reverse("training_verify", args=[completion.code]))
    response = HttpResponse(certificate_pdf(completion, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{completion.code}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke(request, pk):
    completion = _in_scope(services.completion_in_scope, request.user, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Phải ghi lý do thu hồi chứng nhận."))
        services.revoke(request.user, completion, form.cleaned_data["reason"])
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Đã thu hồi chứng nhận %(code)s.") % {"code": completion.code})
    return redirect("training:passport", completion.person_id)


def verify(request, code=None):
    """Public: anyone holding a certificate's code can check it, without logging in."""
    code = code or request.GET.get("ma", "")
    result = services.verify(code) if code.strip() else None
    return render(request, "training/verify.html", {"result": result, "code": code})


@login_required
def group_edit(request, pk=None):
    if not scope_paths(request.user, Action.MANAGE_CATALOGUE):
        raise Http404
    group = TrainingGroup.objects.filter(pk=pk).first() if pk else None
    if pk and group is None:
        raise Http404
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_group(request.user, form)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(
                request, _("Đã lưu quy tắc. Bấm “Xếp nhóm lại” trong đợt khảo sát để áp dụng cho phiếu đã có.")
            )
            return redirect("training:frameworks")
    return render(request, "training/form.html", {"form": form, "title": _("Quy tắc phân loại nhóm cần bồi dưỡng")})


@login_required
@require_POST
def survey_reclassify(request, pk):
    survey = _in_scope(services.survey_in_scope, request.user, pk)
    try:
        n = services.reclassify(request.user, survey)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Đã xếp nhóm lại theo quy tắc hiện hành: %(n)s lượt cần bồi dưỡng.") % {"n": n})
    return redirect("training:survey", survey.pk)


@login_required
def frameworks(request):
    return render(
        request,
        "training/frameworks.html",
        {
            "frameworks": Framework.objects.prefetch_related("levels", "domains__competences"),
            "groups": TrainingGroup.objects.all(),
            "can_edit_rules": bool(scope_paths(request.user, Action.MANAGE_CATALOGUE)),
        },
    )
