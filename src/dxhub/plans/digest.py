"""The daily digest: each officer's overdue, due-soon and behind-schedule tasks and the
targets at risk, in the app and by e-mail. Run once a day by a timer
(``manage.py plans_digest``); a second run on the same day sends nothing twice."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxhub.accounts.models import User
from dxhub.accounts.roles import Action, roles_allowing
from dxhub.core.models import Notification
from dxhub.core.notify import notify

from . import services, targets
from .models import UnitTarget

SHOWN = 10  # lines per section in the message


def title_for(day: dt.date) -> str:
    return _("Tóm tắt tiến độ nhiệm vụ ngày %(d)s") % {"d": day.strftime("%d/%m/%Y")}


def body_for(user, today: dt.date) -> str:
    """The digest of one user, or "" when nothing needs their attention. Officers read
    their own units; commanders also the subtree they hand work to."""
    desks = services.my_units(user)
    if not desks:
        return ""
    lines = []
    sections = [
        (_("Quá hạn"), services.overdue),
        (_("Đến hạn trong %(n)s ngày") % {"n": services.DUE_SOON_DAYS}, services.due_soon),
        (_("Chậm so với tiến độ"), services.behind),
    ]
    for label, fn in sections:
        qs = services.for_list(fn(user, today=today).filter(unit__in=desks))
        n = qs.count()
        if n:
            lines.append(f"{label}: {n}")
            for a in qs[:SHOWN]:
                lines.append(
                    f"  - {a.task.code}. {a.task.title[:90]} — {a.unit.short_name or a.unit.name}, "
                    + _("hạn %(d)s") % {"d": a.due.strftime("%d/%m/%Y")}
                )
    managed = [u for u in desks if services.can_manage(user, u)]
    if managed:
        late_below = sum(services.overdue(user, u, today).exclude(unit=u).count() for u in managed)
        if late_below:
            lines.append(_("Đơn vị cấp dưới có %(n)s nhiệm vụ quá hạn.") % {"n": late_below})
        risky = UnitTarget.objects.filter(
            unit__in=managed, status__in=[UnitTarget.Status.AT_RISK, UnitTarget.Status.OFF_TRACK]
        ).select_related("target", "unit")
        for s in risky[:SHOWN]:
            lines.append(
                _("Chỉ tiêu %(code)s (%(unit)s): %(status)s, hiện đạt %(cur)s / %(value)s")
                % {
                    "code": s.target.code,
                    "unit": s.unit.short_name or s.unit.name,
                    "status": s.get_status_display().lower(),
                    "cur": s.current if s.current is not None else "—",
                    "value": s.value,
                }
            )
    return "\n".join(lines)


def run(today: dt.date | None = None) -> tuple[int, int]:
    """Refresh every target (statuses move with the date), then tell each officer.
    Returns (shares changed, users notified)."""
    today = today or timezone.localdate()
    changed = targets.refresh_all(today)
    title = title_for(today)
    roles = roles_allowing(Action.REPORT_PROGRESS) | roles_allowing(Action.MANAGE_PLAN)
    users = User.objects.filter(
        is_active=True, role_assignments__is_active=True, role_assignments__role__in=roles
    ).distinct()
    already = set(Notification.objects.filter(title=title).values_list("user_id", flat=True))
    sent = 0
    for user in users.order_by("pk").iterator():
        if user.pk in already:
            continue
        body = body_for(user, today)
        if body:
            with transaction.atomic():
                sent += notify([user], title, body, "/ke-hoach/viec-cua-don-vi/")
    return changed, sent
