"""The REST API (/api/v1/), django-ninja. Endpoints live in each app's api.py."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, django_auth

from dxhub.accounts.models import ApiToken
from dxhub.audit.context import bind_user
from dxhub.core.errors import DomainError


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dxh_…`` — a personal token issued on the profile page."""

    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
            bind_user(user)
        return user


api = NinjaAPI(
    title="dxhub API",
    version="1",
    description=gettext_lazy(
        "API của dxhub: đơn vị, quân số. Xác thực bằng phiên đăng nhập hoặc mã truy cập cá nhân (Bearer)."
    ),
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.message, "problems": exc.problems}, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": _("Không tìm thấy hoặc nằm ngoài phạm vi quản lý của bạn.")}, status=404
    )


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(
        request, {"detail": _("Chưa xác thực: cần đăng nhập hoặc mã truy cập hợp lệ.")}, status=401
    )


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    problems = [f"{'.'.join(str(p) for p in e.get('loc', [])[1:]) or 'body'}: {e.get('msg', '')}" for e in exc.errors]
    return api.create_response(
        request, {"detail": _("Dữ liệu gửi lên không hợp lệ."), "problems": problems}, status=422
    )


api.add_router("/", "dxhub.org.api.router")
api.add_router("/", "dxhub.reporting.api.router")
api.add_router("/", "dxhub.assessment.api.router")
api.add_router("/", "dxhub.plans.api.router")
api.add_router("/", "dxhub.training.api.router")
