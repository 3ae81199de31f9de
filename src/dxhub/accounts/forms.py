from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from dxhub.org.forms import ScopedForm, UnitRefField

from .roles import Action, Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khóa."),
    }


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên mã truy cập"), max_length=80)
    expires_at = forms.DateField(label=_("Hết hạn"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class NewUserForm(ScopedForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, min_length=10)
    unit = UnitRefField(label=_("Mã đơn vị"), action=Action.MANAGE_ACCOUNTS)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)


class GrantRoleForm(ScopedForm):
    unit = UnitRefField(label=_("Mã đơn vị"), action=Action.MANAGE_ACCOUNTS)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
