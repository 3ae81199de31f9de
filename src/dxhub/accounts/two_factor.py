"""Two-factor sign-in with a TOTP app (django-otp): turning it on and off.

The QR code is drawn on the server (segno, SVG), so nothing is fetched from outside.
"""

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxhub.audit import services as audit
from dxhub.core.errors import DomainError


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user, create: bool = False) -> TOTPDevice | None:
    """The device being set up (not yet confirmed), created on demand."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)
    return device


def qr_svg_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


def base32_key(device: TOTPDevice) -> str:
    import base64

    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm(user, token: str) -> TOTPDevice:
    device = pending_device(user)
    if device is None:
        raise DomainError(_("Chưa bắt đầu thiết lập xác thực hai lớp."))
    if not device.verify_token((token or "").strip()):
        raise DomainError(_("Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiển thị trên ứng dụng."))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("security", user, after={"event": "two_factor_enabled"})
    return device


@transaction.atomic
def disable(user, token: str) -> None:
    device = confirmed_device(user)
    if device is None:
        return
    if not device.verify_token((token or "").strip()):
        raise DomainError(_("Mã xác thực không đúng; xác thực hai lớp vẫn đang bật."))
    TOTPDevice.objects.filter(user=user).delete()
    audit.record("security", user, after={"event": "two_factor_disabled"})
