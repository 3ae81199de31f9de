import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import scope_paths
from dxhub.core.paging import paginate, query_without_page
from dxhub.core.text import nfc
from dxhub.org import tree
from dxhub.org.models import Unit

from .models import AuditEvent


class AuditFilterForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Mã đơn vị (cả cấp dưới)"), required=False)
    user = forms.CharField(label=gettext_lazy("Tài khoản"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Thao tác"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *AuditEvent.Action.choices],
    )


def _day_start(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def audit_list(request):
    user = request.user
    if not scope_paths(user, Action.VIEW_AUDIT):
        raise Http404
    qs = AuditEvent.objects.restrict(user, Action.VIEW_AUDIT).select_related("unit")
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d["unit"]:
            unit = Unit.objects.restrict(user, Action.VIEW_AUDIT).filter(code=nfc(d["unit"]).upper()).first()
            if unit is None:
                form.add_error("unit", _("Mã đơn vị không tồn tại hoặc ngoài phạm vi của bạn."))
                qs = qs.none()
            else:
                qs = qs.filter(unit__path__gte=unit.path, unit__path__lt=tree.successor(unit.path))
        if d["user"]:
            qs = qs.filter(username__icontains=nfc(d["user"]))
        if d["date_from"]:
            qs = qs.filter(at__gte=_day_start(d["date_from"]))
        if d["date_to"]:
            qs = qs.filter(at__lt=_day_start(d["date_to"] + dt.timedelta(days=1)))
        if d["action"]:
            qs = qs.filter(action=d["action"])
    return render(
        request,
        "audit/audit_list.html",
        {
            "form": form,
            "page": paginate(request, qs.order_by("-seq")),
            "query": query_without_page(request),
        },
    )


@login_required
def audit_detail(request, seq):
    event = AuditEvent.objects.restrict(request.user, Action.VIEW_AUDIT).select_related("unit").filter(seq=seq).first()
    if event is None:
        raise Http404
    keys = sorted(set(event.before or {}) | set(event.after or {}))
    rows = [
        (
            k,
            (event.before or {}).get(k),
            (event.after or {}).get(k),
            (event.before or {}).get(k) != (event.after or {}).get(k),
        )
        for k in keys
    ]
    return render(request, "audit/audit_detail.html", {"event": event, "rows": rows})
