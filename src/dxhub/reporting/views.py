from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import scope_paths
from dxhub.audit import services as audit
from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError, NotInScope, show_on_form
from dxhub.core.paging import paginate, query_without_page
from dxhub.core.text import fold, nfc
from dxhub.core.xlsx import write_csv, write_xlsx
from dxhub.org.models import Unit

from . import catalogue, excel, formula, progress, rollups, submissions, validation
from .forms import FormulaForm, FormVersionForm, IndicatorForm, ReportFormForm, RuleForm
from .models import Indicator, ReportForm, Rollup, Submission, ValidationRule
from .periods import Period, PeriodError


@login_required
def indicator_list(request):
    """The indicator catalogue: open to every signed-in user (it holds no unit data)."""
    qs = Indicator.objects.select_related("weight").prefetch_related("formulas")
    q = nfc(request.GET.get("q"))
    topic = nfc(request.GET.get("topic"))
    if q:
        words = fold(q).split()
        matching = [i.pk for i in qs if all(w in fold(f"{i.code} {i.name} {i.definition}") for w in words)]
        qs = qs.filter(pk__in=matching)
    if topic:
        qs = qs.filter(topic=topic)
    topics = Indicator.objects.exclude(topic="").values_list("topic", flat=True).distinct().order_by("topic")
    return render(
        request,
        "reporting/indicator_list.html",
        {
            "page": paginate(request, qs, per_page=100),
            "q": q,
            "topic": topic,
            "topics": topics,
            "query": query_without_page(request),
            "total": Indicator.objects.count(),
            "can_manage": catalogue.can_manage(request.user),
        },
    )


@login_required
def indicator_detail(request, code):
    indicator = get_object_or_404(Indicator.objects.select_related("weight"), code=code.upper())
    used_by = [
        other
        for other in Indicator.objects.filter(is_computed=True).prefetch_related("formulas")
        if any(indicator.code in formula.references(formula.parse(v.expression)) for v in other.formulas.all())
    ]
    return render(
        request,
        "reporting/indicator_detail.html",
        {
            "indicator": indicator,
            "versions": indicator.formulas.order_by("-valid_from_date"),
            "used_by": [i for i in used_by if i.pk != indicator.pk],
            "can_manage": catalogue.can_manage(request.user),
        },
    )


# --- periodic reporting -------------------------------------------------------------


def _unit_in_scope(request, action=Action.VIEW, code=None) -> Unit:
    """The unit named in the request (by code), or the user's top unit; 404 outside scope."""
    code = nfc(code or request.GET.get("unit")).upper()
    if code:
        return Unit.objects.get_in_scope(request.user, action, code=code)
    roots = scope_paths(request.user, action)
    if not roots:
        raise Http404
    return Unit.objects.get(path=roots[0])


def _form_and_period(request):
    forms = list(ReportForm.objects.filter(is_active=True))
    if not forms:
        raise Http404
    code = nfc(request.GET.get("form")).upper()
    form = next((f for f in forms if f.code == code), forms[0])
    periods = progress.recent_periods(form, 8)
    try:
        period = Period.parse(request.GET["period"]) if request.GET.get("period") else periods[-1]
    except PeriodError:
        period = periods[-1]
    if period.kind != form.periodicity:
        period = periods[-1]
    return forms, form, periods, period


def _ancestors_in_scope(request, unit):
    roots = scope_paths(request.user, Action.VIEW)
    return [a for a in unit.ancestors() if any(a.path.startswith(r) for r in roots)]


@login_required
def dashboard(request):
    """The approved figures of a unit's subtree for one period, read from the live
    roll-ups, with how many units have reported."""
    unit = _unit_in_scope(request)
    forms, form, periods, period = _form_and_period(request)
    version = form.versions.filter(valid_from_date__lte=period.start).order_by("-valid_from_date").first()
    items = list(version.items.select_related("indicator").order_by("position")) if version else []
    indicators = [i.indicator for i in items if i.indicator.aggregation != Indicator.Aggregation.NONE]
    now = rollups.figures(unit, period.code, [i.pk for i in indicators])
    before = rollups.figures(unit, period.previous().code, [i.pk for i in indicators])
    rows = [(ind, now.get(ind.pk), before.get(ind.pk)) for ind in indicators]
    if request.GET.get("format") in ("xlsx", "csv"):
        headers = [
            _("Mã chỉ tiêu"),
            _("Chỉ tiêu"),
            period.label,
            period.previous().label,
            _("Đơn vị tính"),
            _("Số đơn vị"),
        ]
        table = [
            [ind.code, ind.name, n.value if n else None, b.value if b else None, ind.unit, n.n if n else 0]
            for ind, n, b in rows
        ]
        return _table_download(request, f"{form.code}-{unit.code}-{period.code}", form.name, headers, table)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "unit": unit,
            "ancestors": _ancestors_in_scope(request, unit),
            "children": unit.children.filter(is_active=True).order_by("path"),
            "forms": forms,
            "form": form,
            "period": period,
            "periods": periods,
            "rows": rows,
            "progress": progress.completeness(unit, form, periods),
        },
    )


@login_required
def my_work(request):
    lines, total = progress.to_report(request.user)
    queue = progress.to_review(request.user)
    return render(
        request,
        "reporting/my_work.html",
        {"lines": lines, "total": total, "queue": queue[:20], "queue_count": queue.count()},
    )


@login_required
def review_queue(request):
    queue = progress.to_review(request.user)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        chosen = list(queue.filter(pk__in=ids))
        try:
            if len(chosen) != len(set(ids)):
                raise DomainError(_("Có phiếu không còn chờ duyệt hoặc nằm ngoài phạm vi của bạn; hãy tải lại trang."))
            done = submissions.approve(request.user, chosen)
            messages.success(request, _("Đã duyệt %(n)s phiếu.") % {"n": len(done)})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("reporting:queue")
    return render(request, "reporting/queue.html", {"page": paginate(request, queue, per_page=100)})


@login_required
@require_POST
def start_submission(request):
    unit = _unit_in_scope(request, Action.ENTER_DATA, request.POST.get("unit"))
    form = get_object_or_404(ReportForm, code=nfc(request.POST.get("form")).upper())
    try:
        sub = submissions.open_submission(request.user, unit, form, request.POST.get("period", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:my_work")
    return redirect("reporting:submission", sub.pk)


def _submission(request, pk) -> Submission:
    return Submission.objects.select_related("unit", "form", "form_version", "submitted_by", "decided_by").get_in_scope(
        request.user, Action.VIEW, pk=pk
    )


def _entry_context(request, sub, problems=None, saved_at=None):
    entries = submissions.entries(sub)
    previous = submissions.previous_values(sub)
    for e in entries:
        e.previous = validation.display(e.indicator, previous.get(e.indicator.code))
    found = problems if problems is not None else submissions.problems(sub, for_sending=True)
    by_code = {}
    for p in found:
        by_code.setdefault(p.code, []).append(p)
    groups = {}
    for e in entries:
        groups.setdefault(e.indicator.topic or _("Chỉ tiêu"), []).append((e, by_code.get(e.indicator.code, [])))
    return {
        "sub": sub,
        "groups": groups,
        "problems": found,
        "can_enter": sub.is_editable and submissions.can_enter(request.user, sub.unit),
        "can_review": submissions.can_review(request.user, sub.unit),
        "saved_at": saved_at,
        "history": AuditEvent.objects.filter(object_type="reporting.submission", object_id=str(sub.pk)).order_by(
            "-seq"
        )[:20],
    }


@login_required
def submission_page(request, pk):
    sub = _submission(request, pk)
    return render(request, "reporting/submission.html", _entry_context(request, sub))


def _posted_values(request, sub):
    raw, comments = {}, {}
    for e in submissions.entries(sub):
        code = e.indicator.code
        if f"v_{code}" in request.POST and not e.indicator.is_computed:
            raw[code] = request.POST[f"v_{code}"]
        if f"c_{code}" in request.POST:
            comments[code] = request.POST[f"c_{code}"]
    return raw, comments


@login_required
@require_POST
def submission_save(request, pk):
    """Save a draft: the autosave (htmx, answers with the form's status area) and the
    plain button; ``send`` also sends it for approval."""
    sub = _submission(request, pk)
    raw, comments = _posted_values(request, sub)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        with transaction.atomic():  # "Gửi duyệt" saves and sends, or does neither
            sub = submissions.save_values(request.user, sub, raw, revision, comments, note=request.POST.get("note"))
            if "send" in request.POST:
                sub = submissions.submit(request.user, sub, sub.revision)
        if "send" in request.POST:
            messages.success(request, _("Đã gửi phiếu lên cấp trên phê duyệt."))
            return redirect("reporting:submission", sub.pk)
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        if request.htmx:
            return render(request, "reporting/_save_status.html", {"sub": sub, "error": exc}, status=200)
        messages.error(request, exc.message)
        if isinstance(exc.problems, dict):
            for msg in exc.problems.values():
                messages.error(request, msg)
        return redirect("reporting:submission", sub.pk)
    if request.htmx:
        return render(
            request,
            "reporting/_save_status.html",
            {"sub": sub, "saved_at": timezone.localtime(), "problems": submissions.problems(sub)},
        )
    messages.success(request, _("Đã lưu nháp."))
    return redirect("reporting:submission", sub.pk)


@login_required
@require_POST
def submission_decide(request, pk, action):
    sub = _submission(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            submissions.approve(request.user, [sub])
            messages.success(request, _("Đã duyệt phiếu."))
        elif action == "return":
            submissions.return_submission(request.user, sub, reason)
            messages.success(request, _("Đã trả lại phiếu cho đơn vị."))
        elif action == "reopen":
            submissions.reopen(request.user, sub, reason)
            messages.success(request, _("Đã mở lại phiếu để đơn vị sửa."))
        else:
            raise Http404
    except NotInScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reporting:submission", sub.pk)


@login_required
def completeness_page(request):
    unit = _unit_in_scope(request)
    forms, form, periods, _period = _form_and_period(request)
    units = progress.expected_units(unit, form, periods[-1]).order_by("path")
    page = paginate(request, units, per_page=50)
    grid = progress.matrix(list(page.object_list), form, periods)
    if request.GET.get("format") in ("xlsx", "csv"):
        all_units = list(units[: settings.DXHUB_SYNC_EXPORT_MAX_ROWS])
        grid = progress.matrix(all_units, form, periods)
        labels = dict(Submission.Status.choices)
        headers = [_("Mã đơn vị"), _("Đơn vị")] + [p.label for p in periods]
        rows = (
            [u.code, u.name]
            + [
                (str(labels.get(c.status, _("Chưa báo cáo"))) + (" (" + _("quá hạn") + ")" if c.late else ""))
                for c in grid[u.pk]
            ]
            for u in all_units
        )
        return _table_download(request, f"tien-do-{form.code}-{unit.code}", _("Tiến độ báo cáo"), headers, rows)
    return render(
        request,
        "reporting/completeness.html",
        {
            "unit": unit,
            "ancestors": _ancestors_in_scope(request, unit),
            "forms": forms,
            "form": form,
            "periods": periods,
            "page": page,
            "rows": [(u, grid[u.pk]) for u in page.object_list],
            "progress": progress.completeness(unit, form, periods),
            "query": query_without_page(request),
        },
    )


def _table_download(request, name, title, headers, rows):
    rows = list(rows)
    if request.GET.get("format") == "csv":
        response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            write_xlsx(title, headers, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    audit.record(
        "export", None, object_type="reporting.table", object_id=name, object_repr=f"{title} ({len(rows)} dòng)"
    )
    return response


@login_required
def indicator_figures(request, code):
    """One indicator for one unit: trend over periods and a drill-down through the children."""
    indicator = get_object_or_404(Indicator, code=code.upper())
    unit = _unit_in_scope(request)
    periods = sorted(set(Rollup.objects.filter(unit=unit, indicator=indicator).values_list("period", flat=True)))[-12:]
    try:
        period = Period.parse(request.GET.get("period") or (periods[-1] if periods else ""))
    except PeriodError:
        raise Http404 from None
    trend = rollups.trend(unit, indicator, periods)
    children = rollups.children(unit, indicator, period.code)
    if request.GET.get("format") in ("xlsx", "csv"):
        headers = [_("Mã đơn vị"), _("Đơn vị"), _("Giá trị"), _("Số đơn vị đã duyệt")]
        rows = [[k.code, k.name, r.value if r else None, r.n if r else 0] for k, r in children]
        return _table_download(request, f"{indicator.code}-{unit.code}-{period.code}", indicator.name, headers, rows)
    chart = {
        "labels": [Period.parse(p).label for p in periods],
        "values": [float(trend[p].value) if trend[p].value is not None else None for p in periods],
        "name": indicator.name,
        "unit": indicator.unit,
    }
    return render(
        request,
        "reporting/indicator_figures.html",
        {
            "indicator": indicator,
            "unit": unit,
            "ancestors": _ancestors_in_scope(request, unit),
            "period": period,
            "periods": [Period.parse(p) for p in periods],
            "own": trend.get(period.code),
            "children": children,
            "chart": chart,
        },
    )


@login_required
def excel_page(request):
    """Download a pre-filled template (one unit, or a unit and its subordinates) and
    upload it back."""
    forms = list(ReportForm.objects.filter(is_active=True))
    if not forms:
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    form = next((f for f in forms if f.code == nfc(params.get("form")).upper()), forms[0])
    default_period = progress.recent_periods(form, 1)[0].code
    period_code = nfc(params.get("period")) or default_period
    subtree = params.get("subtree") == "1"
    unit_code = nfc(params.get("unit")).upper()
    context = {"forms": forms, "form": form, "period_code": period_code, "subtree": subtree, "unit_code": unit_code}
    context["units"] = (
        Unit.objects.restrict(request.user, Action.ENTER_DATA).filter(is_active=True).order_by("path")[:500]
    )
    if not unit_code and context["units"]:
        context["unit_code"] = unit_code = context["units"][0].code
    if request.method == "GET" and request.GET.get("download"):
        unit = _unit_in_scope(request, Action.ENTER_DATA, unit_code)
        try:
            s = excel.scope(request.user, unit, form, period_code, subtree)
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "reporting/excel.html", context)
        response = HttpResponse(
            excel.template(s), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{form.code}-{s.period.code}-{unit.code}.xlsx"'
        audit.record(
            "export",
            None,
            object_type="reporting.template",
            object_id=f"{form.code}/{s.period.code}/{unit.code}",
            object_repr=_("Mẫu Excel %(form)s, %(period)s, %(n)s đơn vị")
            % {"form": form.code, "period": s.period.label, "n": len(s.units)},
            unit=unit,
        )
        return response
    if request.method == "POST":
        unit = _unit_in_scope(request, Action.ENTER_DATA, unit_code)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("Chưa chọn tệp Excel để tải lên."))
            s = excel.scope(request.user, unit, form, period_code, subtree)
            result = excel.upload(request.user, upload, s)
            messages.success(
                request,
                _(
                    "Đã nhập số liệu của %(units)s đơn vị (%(values)s giá trị) vào phiếu nháp; "
                    "hãy kiểm tra và gửi duyệt."
                )
                % {"units": result.units, "values": result.values},
            )
            return redirect(f"{reverse('reporting:my_work')}")
        except NotInScope:
            raise Http404 from None
        except DomainError as exc:
            context["error"] = exc
    return render(request, "reporting/excel.html", context)


# --- catalogue management (system administrators) -----------------------------------


def _require_manager(request):
    if not catalogue.can_manage(request.user):
        raise Http404


def _edit_page(request, form, title, cancel_url):
    return render(request, "reporting/edit.html", {"form": form, "title": title, "cancel_url": cancel_url})


@login_required
def indicator_edit(request, code=None):
    _require_manager(request)
    instance = get_object_or_404(Indicator, code=code.upper()) if code else None
    initial = {}
    if instance:
        initial = {f: getattr(instance, f) for f in catalogue.FIELDS}
        initial["weight"] = instance.weight.code if instance.weight else None
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = catalogue.save_indicator(request.user, form.cleaned_data, instance)
            messages.success(request, _("Đã lưu chỉ tiêu %(code)s.") % {"code": saved.code})
            return redirect("reporting:indicator", saved.code)
        except DomainError as exc:
            show_on_form(form, exc)
    title = _("Sửa chỉ tiêu %(code)s") % {"code": instance.code} if instance else _("Thêm chỉ tiêu")
    cancel = reverse("reporting:indicator", args=[instance.code]) if instance else reverse("reporting:indicators")
    return _edit_page(request, form, title, cancel)


@login_required
def formula_add(request, code):
    _require_manager(request)
    indicator = get_object_or_404(Indicator, code=code.upper())
    form = FormulaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.add_formula(request.user, indicator, **form.cleaned_data)
            messages.success(request, _("Đã thêm phiên bản công thức."))
            return redirect("reporting:indicator", indicator.code)
        except DomainError as exc:
            show_on_form(form, exc)
    title = _("Phiên bản công thức mới cho %(code)s") % {"code": indicator.code}
    return _edit_page(request, form, title, reverse("reporting:indicator", args=[indicator.code]))


@login_required
def form_list(request):
    forms = ReportForm.objects.prefetch_related("versions__items__indicator")
    return render(
        request, "reporting/form_list.html", {"forms": forms, "can_manage": catalogue.can_manage(request.user)}
    )


@login_required
def form_edit(request, code=None):
    _require_manager(request)
    instance = get_object_or_404(ReportForm, code=code.upper()) if code else None
    fields = ("code", "name", "periodicity", "applies_to", "deadline_days", "jump_threshold", "is_active")
    initial = {f: getattr(instance, f) for f in fields} if instance else {}
    form = ReportFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.save_form(request.user, form.cleaned_data, instance)
            messages.success(request, _("Đã lưu biểu mẫu."))
            return redirect("reporting:forms")
        except DomainError as exc:
            show_on_form(form, exc)
    title = _("Sửa biểu mẫu %(code)s") % {"code": instance.code} if instance else _("Thêm biểu mẫu")
    return _edit_page(request, form, title, reverse("reporting:forms"))


@login_required
def form_version_add(request, code):
    _require_manager(request)
    report_form = get_object_or_404(ReportForm, code=code.upper())
    latest = report_form.versions.order_by("-number").first()
    initial = {}
    if latest:
        items = list(latest.items.select_related("indicator"))
        initial = {
            "indicators": [i.indicator.code for i in items],
            "optional": [i.indicator.code for i in items if not i.required],
        }
    form = FormVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.add_form_version(
                request.user,
                report_form,
                [i.code for i in form.cleaned_data["indicators"]],
                form.cleaned_data["valid_from"],
                optional=tuple(i.code for i in form.cleaned_data["optional"]),
            )
            messages.success(request, _("Đã thêm phiên bản biểu mẫu."))
            return redirect("reporting:forms")
        except DomainError as exc:
            show_on_form(form, exc)
    title = _("Phiên bản mới của biểu mẫu %(code)s") % {"code": report_form.code}
    return _edit_page(request, form, title, reverse("reporting:forms"))


@login_required
def rule_list(request):
    can_manage = catalogue.can_manage(request.user)
    form = RuleForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        _require_manager(request)
        if "toggle" in request.POST:
            rule = get_object_or_404(ValidationRule, pk=request.POST.get("toggle"))
            catalogue.set_rule_active(request.user, rule, not rule.is_active)
            return redirect("reporting:rules")
        if form.is_valid():
            try:
                catalogue.add_rule(request.user, **form.cleaned_data)
                messages.success(request, _("Đã thêm quy tắc kiểm tra."))
                return redirect("reporting:rules")
            except DomainError as exc:
                show_on_form(form, exc)
    return render(
        request,
        "reporting/rules.html",
        {"rules": ValidationRule.objects.all(), "form": form, "can_manage": can_manage},
    )
