"""In-app notifications, mirrored by e-mail through Django's mail backend."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from .models import Notification

log = logging.getLogger(__name__)


def notify(users, title: str, body: str = "", url: str = "") -> int:
    """Notify each user once, in the caller's transaction; e-mail goes out after commit
    (a failed mail server never undoes the change it reports)."""
    users = {u.pk: u for u in users if u is not None and u.is_active}
    Notification.objects.bulk_create(
        [Notification(user=u, title=title[:255], body=body, url=url[:300]) for u in users.values()]
    )
    mails = [
        (f"[dxhub] {title}", f"{body}\n\n{settings.DXHUB_BASE_URL}{url}".strip(), None, [u.email])
        for u in users.values()
        if u.email
    ]
    if mails:
        transaction.on_commit(lambda: _send(mails))
    return len(users)


def _send(mails):
    try:
        send_mass_mail(mails, fail_silently=False)
    except Exception:  # the in-app notice is there; the mail server is outside our control
        log.exception("sending %d notification e-mails failed", len(mails))


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
