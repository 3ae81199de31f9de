"""Security events into the audit chain: logins and lock-outs."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from dxhub.audit import services as audit
from dxhub.audit.context import bind_user


def _address(request):
    return getattr(request, "META", {}).get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    bind_user(user)
    audit.record("login", user, after={"ip": _address(request)})


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(
        "security",
        None,
        object_type="accounts.user",
        object_id="",
        object_repr=str(username or "")[:150],
        after={"event": "locked_out", "ip": ip_address},
    )
