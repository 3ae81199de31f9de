from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None):
    """A page of a queryset for list pages; bad page numbers fall back to the nearest page."""
    paginator = Paginator(queryset, per_page or settings.DXHUB_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The list's filter parameters, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
