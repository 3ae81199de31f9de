from django.utils.translation import gettext_lazy

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import scope_paths

from .notify import unread_count

# Navigation: the modules of dxhub; those not built yet show where they will be.
MODULES = [
    ("thi-dua", gettext_lazy("Thi đua, khen thưởng")),
    ("hoc-lieu", gettext_lazy("Kho học liệu")),
    ("van-ban", gettext_lazy("Văn bản, báo cáo")),
]


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from dxhub.org.models import Unit

    roots = scope_paths(user, Action.VIEW)
    scope_units = list(Unit.objects.filter(path__in=roots).only("id", "name", "short_name", "code")) if roots else []
    return {
        "nav_modules": MODULES,
        "scope_units": scope_units,
        "can_audit": bool(scope_paths(user, Action.VIEW_AUDIT)),
        "can_manage_accounts": bool(scope_paths(user, Action.MANAGE_ACCOUNTS)),
        "unread_notifications": unread_count(user),
    }
