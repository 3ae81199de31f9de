from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers, scope_paths
from dxhub.audit.models import AuditEvent
from dxhub.core import jobs
from dxhub.core.errors import DomainError, show_on_form
from dxhub.core.paging import paginate, query_without_page
from dxhub.core.text import nfc, number

from . import people_io, services, tasks, tree, units_io
from .forms import DissolveUnitForm, MoveUnitForm, PeopleFilterForm, PeopleImportForm, PersonForm, UnitForm
from .models import Person, Unit

# --- tree ---------------------------------------------------------------------


def _with_counts(qs):
    return qs.annotate(n_children=Count("children", distinct=True)).only(
        "id", "parent_id", "code", "name", "short_name", "kind", "depth", "path", "is_active"
    )


@login_required
def tree_page(request):
    roots = scope_paths(request.user, Action.VIEW)
    units = _with_counts(Unit.objects.filter(path__in=roots))
    return render(request, "org/tree.html", {"roots": units})


@login_required
def tree_children(request, pk):
    unit = Unit.objects.get_in_scope(request.user, Action.VIEW, pk=pk)
    children = _with_counts(unit.children.all().order_by("path"))
    return render(request, "org/_tree_nodes.html", {"nodes": children})


@login_required
def unit_search(request):
    q = nfc(request.GET.get("q"))
    results = []
    if len(q) >= 2:
        results = list(Unit.objects.restrict(request.user, Action.VIEW).search(q).order_by("depth", "path")[:30])
        _attach_paths(results)
    template = "org/_search_results.html" if request.htmx else "org/search.html"
    return render(request, template, {"q": q, "results": results})


def _attach_paths(units):
    """Give each unit ``path_names`` (its ancestors' short names) in one query."""
    wanted = {p for u in units for p in tree.ancestor_paths(u.path)}
    rows = Unit.objects.filter(path__in=wanted).values_list("path", "short_name", "name") if wanted else []
    names = {path: short or name for path, short, name in rows}
    for u in units:
        u.path_names = [names.get(p, "") for p in tree.ancestor_paths(u.path)]


# --- unit ---------------------------------------------------------------------


@login_required
def unit_detail(request, pk):
    user = request.user
    unit = Unit.objects.select_related("peer_group", "parent").get_in_scope(user, Action.VIEW, pk=pk)
    ancestors = list(unit.ancestors())
    for a in ancestors:
        a.visible = covers(user, Action.VIEW, a)
    children = _with_counts(unit.children.all().order_by("path")).annotate(n_people=Count("people", distinct=True))
    events = AuditEvent.objects.restrict(user, Action.VIEW_AUDIT).filter(unit=unit)[:10]
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": children,
            "headcount": services.headcount(unit),
            "events": events,
            "can_change": covers(user, Action.CHANGE_UNIT, unit),
            "can_move": unit.parent is not None and covers(user, Action.CHANGE_UNIT, unit.parent),
            "can_add_person": covers(user, Action.CHANGE_PERSON, unit),
            "today": timezone.localdate(),
        },
    )


@login_required
def unit_create(request, parent_pk):
    parent = Unit.objects.get_in_scope(request.user, Action.CHANGE_UNIT, pk=parent_pk)
    form = UnitForm(request.POST or None, initial={"peer_group": parent.peer_group})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(request.user, parent, **form.cleaned_data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã tạo đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("org:unit", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "parent": parent, "unit": None})


@login_required
def unit_edit(request, pk):
    unit = Unit.objects.get_in_scope(request.user, Action.CHANGE_UNIT, pk=pk)
    form = UnitForm.for_unit(unit, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(request.user, unit, **form.cleaned_data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("org:unit", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "parent": unit.parent, "unit": unit})


def _unit_changeable_at_parent(request, pk) -> Unit:
    """A unit whose place in the tree the user may change (moving, dissolving): that
    right is held on its parent. Anything else is 404."""
    unit = Unit.objects.select_related("parent").get_in_scope(request.user, Action.VIEW, pk=pk)
    if unit.parent is None or not covers(request.user, Action.CHANGE_UNIT, unit.parent):
        raise Http404
    return unit


@login_required
def unit_move(request, pk):
    unit = _unit_changeable_at_parent(request, pk)
    form = MoveUnitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_unit(request.user, unit, form.cleaned_data["new_parent"])
        except DomainError as exc:
            form.add_error("new_parent", exc.message)
        else:
            messages.success(request, _("Đã chuyển “%(name)s” cùng toàn bộ đơn vị trực thuộc.") % {"name": unit.name})
            return redirect("org:unit", pk=unit.pk)
    return render(request, "org/unit_move.html", {"form": form, "unit": unit})


@login_required
def unit_dissolve(request, pk):
    unit = _unit_changeable_at_parent(request, pk)
    form = DissolveUnitForm(request.POST or None, user=request.user, initial={"on_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.dissolve_unit(request.user, unit, d["on_date"], d["successor"], d["note"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("“%(name)s” đã ngừng hoạt động từ %(date)s.")
                % {"name": unit.name, "date": d["on_date"].strftime("%d/%m/%Y")},
            )
            return redirect("org:unit", pk=unit.pk)
    return render(request, "org/unit_dissolve.html", {"form": form, "unit": unit})


@login_required
@require_POST
def unit_delete(request, pk):
    unit = Unit.objects.select_related("parent").get_in_scope(request.user, Action.VIEW, pk=pk)
    parent = unit.parent
    try:
        services.delete_unit(request.user, unit)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
        return redirect("org:unit", pk=unit.pk)
    messages.success(request, _("Đã xóa đơn vị “%(name)s”.") % {"name": unit.name})
    return redirect("org:unit", pk=parent.pk)


# --- people -------------------------------------------------------------------


def _people_queryset(request):
    form = PeopleFilterForm(request.GET or None)
    filters = {"q": "", "unit": "", "category": ""}
    if form.is_valid():
        filters = {k: form.cleaned_data[k] or "" for k in filters}
    try:
        qs, unit = people_io.filter_people(
            request.user, q=filters["q"], unit_code=filters["unit"], category=filters["category"]
        )
    except DomainError as exc:
        form.add_error("unit", exc.message)
        qs, unit = Person.objects.none(), None
    return form, qs, unit, filters


@login_required
def people_list(request):
    form, qs, unit, _filters = _people_queryset(request)
    page = paginate(request, qs.order_by("full_name", "identifier"))
    return render(
        request,
        "org/people_list.html",
        {
            "form": form,
            "page": page,
            "unit": unit,
            "query": query_without_page(request),
            "can_import": bool(scope_paths(request.user, Action.CHANGE_PERSON)),
        },
    )


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@login_required
def people_export(request, fmt):
    """Small lists download at once; large ones go to the task worker with a progress page."""
    if fmt not in EXPORT_TYPES:
        raise Http404
    form, qs, _unit, filters = _people_queryset(request)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{reverse('org:people')}?{query_without_page(request)}")
    count = qs.count()
    if count > settings.DXHUB_SYNC_EXPORT_MAX_ROWS:
        job = jobs.start(
            request.user,
            "people_export",
            _("Xuất danh sách quân số (%(count)s người, %(format)s)") % {"count": number(count), "format": fmt},
            tasks.export_people,
            filters | {"format": fmt},
        )
        return redirect("core:job", pk=job.pk)
    body = people_io.export_people(qs, fmt)
    people_io.record_export(request.user, filters, fmt, count)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="quan-so-{stamp}.{fmt}"'
    return response


@login_required
def people_template(request):
    response = HttpResponse(people_io.import_template(), content_type=EXPORT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-quan-so.xlsx"'
    return response


def _import_page(request, importer, *, title, intro, columns, required, template_url, on_success):
    """The upload page shared by the spreadsheet imports: a form, then either a
    success message and redirect or the list of problems by row and column."""
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = importer(request.user, form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            problems = exc.problem_list
        else:
            return on_success(result)
    return render(
        request,
        "org/import.html",
        {
            "form": form,
            "problems": problems[:500],
            "more": max(0, len(problems) - 500),
            "title": title,
            "intro": intro,
            "columns": columns,
            "required": required,
            "template_url": template_url,
        },
    )


def _imported(request, what, result, target):
    messages.success(
        request,
        _("Đã nhập: %(created)s %(what)s mới, %(updated)s cập nhật, %(unchanged)s không thay đổi.")
        % {"created": result.created, "what": what, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect(target)


@login_required
def people_import(request):
    if not scope_paths(request.user, Action.CHANGE_PERSON):
        raise Http404
    return _import_page(
        request,
        people_io.import_people,
        title=_("Nhập quân số từ Excel"),
        intro=_(
            "Trang tính đầu tiên, dòng 1 là tiêu đề. Có thể dùng chính tệp xuất từ trang Quân số. "
            "Quân nhân đã có (cùng mã định danh) được cập nhật; quân nhân mới được thêm. "
            "Nếu có bất kỳ lỗi nào, không dòng nào được ghi."
        ),
        columns=people_io.COLUMNS,
        required=people_io.REQUIRED,
        template_url=reverse("org:people_template"),
        on_success=lambda result: _imported(request, _("quân nhân"), result, "org:people"),
    )


@login_required
def units_import(request, pk):
    unit = Unit.objects.get_in_scope(request.user, Action.CHANGE_UNIT, pk=pk)
    return _import_page(
        request,
        units_io.import_units,
        title=_("Nhập đơn vị từ Excel"),
        intro=_(
            "Mỗi dòng một đơn vị, cấp trên ghi bằng mã (đơn vị đã có trong phạm vi của bạn hoặc có trong tệp, "
            "thứ tự dòng tùy ý). Đơn vị đã có được sửa tên, loại hình; muốn đổi cấp trên hãy dùng chức năng Chuyển. "
            "Có thể dùng tệp xuất từ trang đơn vị. Nếu có bất kỳ lỗi nào, không dòng nào được ghi."
        ),
        columns=units_io.COLUMNS,
        required=units_io.REQUIRED,
        template_url=reverse("org:units_export", args=[unit.pk]),
        on_success=lambda result: _imported(request, _("đơn vị"), result, reverse("org:unit", args=[unit.pk])),
    )


@login_required
def units_export(request, pk):
    unit = Unit.objects.get_in_scope(request.user, Action.VIEW, pk=pk)
    response = HttpResponse(units_io.export_units(unit), content_type=EXPORT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="don-vi-{unit.code}.xlsx"'
    return response


@login_required
def person_detail(request, pk):
    person = Person.objects.select_related("unit").get_in_scope(request.user, Action.VIEW, pk=pk)
    events = AuditEvent.objects.restrict(request.user, Action.VIEW_AUDIT).filter(
        object_type="org.person", object_id=str(person.pk)
    )[:10]
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "events": events,
            "can_change": covers(request.user, Action.CHANGE_PERSON, person.unit),
        },
    )


@login_required
def person_create(request):
    initial = {"is_active": True, "unit": request.GET.get("unit", "")}
    form = PersonForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(request.user, **form.cleaned_data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": person.full_name})
            return redirect("org:person", pk=person.pk)
    return render(request, "org/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request, pk):
    person = Person.objects.select_related("unit").get_in_scope(request.user, Action.CHANGE_PERSON, pk=pk)
    form = PersonForm.for_person(person, request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.user, person, **form.cleaned_data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin quân nhân."))
            return redirect("org:person", pk=person.pk)
    return render(request, "org/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_delete(request, pk):
    person = Person.objects.select_related("unit").get_in_scope(request.user, Action.CHANGE_PERSON, pk=pk)
    unit = person.unit
    services.delete_person(request.user, person)
    messages.success(request, _("Đã xóa %(name)s khỏi danh sách quân số.") % {"name": person.full_name})
    return redirect("org:unit", pk=unit.pk)
