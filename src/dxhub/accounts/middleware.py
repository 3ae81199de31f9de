from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device


class SecondFactorMiddleware:
    """Two-factor sign-in, enforced.

    A user who has turned it on must have passed it in this session, or the
    session ends. A user holding a role listed in ``DXHUB_REQUIRE_2FA_ROLES``
    who has not turned it on yet can only reach the set-up page until they do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if user_has_device(user):
            if not user.is_verified():
                logout(request)
                return redirect("accounts:login")
        elif self._required(user) and not self._exempt(request.path):
            messages.warning(request, _("Vai trò của bạn bắt buộc xác thực hai lớp: hãy bật trước khi tiếp tục."))
            return redirect("accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def _required(user) -> bool:
        roles = settings.DXHUB_REQUIRE_2FA_ROLES
        return bool(roles) and user.role_assignments.filter(is_active=True, role__in=roles).exists()

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("accounts:two_factor"), reverse("accounts:logout"), settings.STATIC_URL)
        return path.startswith(allowed)
