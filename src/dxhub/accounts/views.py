import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxhub.core.errors import DomainError
from dxhub.core.paging import paginate
from dxhub.core.text import nfc

from . import services, two_factor
from .forms import GrantRoleForm, LoginForm, NewUserForm, TokenForm, TwoFactorForm
from .models import ApiToken, RoleAssignment, User
from .roles import Action
from .scoping import covers, path_q, scope_paths


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_password_change(self.request.user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


@login_required
def profile(request):
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        expires = form.cleaned_data["expires_at"]
        expires_at = timezone.make_aware(dt.datetime.combine(expires, dt.time.max)) if expires else None
        try:
            _token, new_secret = services.issue_token(request.user, form.cleaned_data["name"], expires_at)
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            form = TokenForm()
    roles = request.user.role_assignments.filter(is_active=True).select_related("unit").order_by("unit__path")
    tokens = request.user.api_tokens.order_by("-created_at")
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": roles,
            "tokens": tokens,
            "form": form,
            "new_secret": new_secret,
            "two_factor_on": two_factor.confirmed_device(request.user) is not None,
        },
    )


@login_required
def two_factor_page(request):
    """Turn two-factor sign-in on (scan the QR code, confirm a code) or off (confirm a code)."""
    user = request.user
    device = two_factor.confirmed_device(user)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        try:
            if device is None:
                two_factor.confirm(user, token)
                messages.success(
                    request, _("Đã bật xác thực hai lớp. Từ lần đăng nhập sau, hãy nhập thêm mã từ ứng dụng.")
                )
            else:
                two_factor.disable(user, token)
                messages.success(request, _("Đã tắt xác thực hai lớp."))
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            return redirect("accounts:profile")
    pending = None if device else two_factor.pending_device(user, create=True)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "enabled": device is not None,
            "qr": two_factor.qr_svg_data_uri(pending) if pending else None,
            "key": two_factor.base32_key(pending) if pending else None,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is not None and not token.revoked:
        services.revoke_token(request.user, token)
        messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("accounts:profile")


def _managed_users(user):
    """Accounts holding a role inside the user's account-management scope, with only
    those roles attached (roles elsewhere are not the manager's business)."""
    in_scope = RoleAssignment.objects.filter(path_q(scope_paths(user, Action.MANAGE_ACCOUNTS), "unit__path"))
    return User.objects.filter(pk__in=in_scope.filter(is_active=True).values("user_id")).prefetch_related(
        Prefetch("role_assignments", queryset=in_scope.filter(is_active=True).select_related("unit"))
    )


@login_required
def user_list(request):
    if not scope_paths(request.user, Action.MANAGE_ACCOUNTS):
        return redirect("core:home")
    q = nfc(request.GET.get("q"))
    users = _managed_users(request.user).order_by("username")
    if q:
        users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
    form = NewUserForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created = services.create_user(
                request.user, d["username"], d["password"], d["full_name"], d["unit"], d["role"], d["email"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã tạo tài khoản “%(username)s”.") % {"username": created.username})
            return redirect("accounts:user", pk=created.pk)
    return render(request, "accounts/user_list.html", {"page": paginate(request, users), "form": form, "q": q})


@login_required
def user_detail(request, pk):
    target = _managed_users(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    form = GrantRoleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(request.user, target, form.cleaned_data["unit"], form.cleaned_data["role"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã cấp vai trò."))
            return redirect("accounts:user", pk=target.pk)
    roles = [(a, covers(request.user, Action.MANAGE_ACCOUNTS, a.unit)) for a in target.role_assignments.all()]
    return render(request, "accounts/user_detail.html", {"target": target, "roles": roles, "form": form})


@login_required
@require_POST
def role_revoke(request, pk):
    assignment = RoleAssignment.objects.select_related("unit", "user").filter(pk=pk, is_active=True).first()
    if assignment is None or not covers(request.user, Action.MANAGE_ACCOUNTS, assignment.unit):
        raise Http404
    try:
        services.revoke_role(request.user, assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thu hồi vai trò."))
    return redirect("accounts:user", pk=assignment.user_id)
