from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationForm

from dxhub.org.forms import ScopedForm, UnitRefField

from .roles import Action, Role


class LoginForm(OTPAuthenticationForm):
    """Username and password, plus the six-digit code for users who turned on two-factor sign-in."""

    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khóa."),
    }
    otp_error_messages = OTPAuthenticationForm.otp_error_messages | {
        "token_required": _("Tài khoản này đã bật xác thực hai lớp: hãy nhập mã 6 chữ số từ ứng dụng xác thực."),
        "invalid_token": _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới."),
        "n_failed_attempts": _("Nhập sai mã quá nhiều lần; hãy chờ ít phút rồi thử lại."),
        "verification_not_allowed": _("Tạm thời chưa thể kiểm tra mã; hãy thử lại sau ít phút."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].label = _("Mã xác thực hai lớp")
        self.fields["otp_token"].help_text = _("Chỉ khi tài khoản đã bật xác thực hai lớp.")
        self.fields["otp_token"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})
        for name in ("otp_device", "otp_challenge"):
            self.fields[name].widget = forms.HiddenInput()

    def _chosen_device(self, user):
        # Each account has at most one authenticator app, so the page does not ask which.
        from .two_factor import confirmed_device

        return super()._chosen_device(user) or confirmed_device(user)

    def clean(self):
        # The code is asked only of users who turned two-factor sign-in on.
        self.cleaned_data = AuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data


class TwoFactorForm(forms.Form):
    token = forms.CharField(label=_("Mã 6 chữ số trên ứng dụng"), max_length=8)


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
