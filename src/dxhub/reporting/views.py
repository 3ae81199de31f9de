from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from dxhub.core.paging import paginate, query_without_page
from dxhub.core.text import fold, nfc

from . import catalogue, formula
from .models import Indicator


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
