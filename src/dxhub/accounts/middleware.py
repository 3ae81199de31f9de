from django.contrib.auth import logout
from django.shortcuts import redirect
from django_otp import user_has_device


class SecondFactorMiddleware:
    """A user who has turned on two-factor sign-in must have passed it in this
    session; otherwise the session ends and the login page asks again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified() and user_has_device(user):
            logout(request)
            return redirect("accounts:login")
        return self.get_response(request)
