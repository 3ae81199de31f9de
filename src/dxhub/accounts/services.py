"""Accounts, roles and API tokens: every change is scoped and audited."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import nfc

from . import scoping
from .models import ApiToken, RoleAssignment, User
from .roles import PERMISSIONS, Action, Role


def _require_manage(actor, unit):
    if not scoping.covers(actor, Action.MANAGE_ACCOUNTS, unit):
        raise NotInScope(_("Đơn vị không tồn tại hoặc ngoài phạm vi quản lý tài khoản của bạn."))


@transaction.atomic
def create_user(
    actor,
    username: str,
    password: str,
    full_name: str = "",
    unit=None,
    role: str | None = None,
    email: str = "",
) -> User:
    username = nfc(username).lower()
    if unit is not None:
        _require_manage(actor, unit)
    elif actor is not None and not actor.is_superuser:
        raise DomainError(_("Hãy chọn đơn vị cho tài khoản mới."))
    if not username:
        raise DomainError(_("Tên đăng nhập không được để trống."))
    if User.objects.filter(username=username).exists():
        raise DomainError(_("Tên đăng nhập “%(username)s” đã tồn tại.") % {"username": username})
    user = User(username=username, full_name=nfc(full_name), email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(_("Mật khẩu chưa đủ mạnh: %(reasons)s") % {"reasons": " ".join(exc.messages)}) from None
    user.set_password(password)
    user.save()
    audit.record("create", user, after=audit.snapshot(user), unit=unit)
    if role:
        grant_role(actor, user, unit, role)
    return user


def actions_of(role: str) -> set[str]:
    return {action for action, roles in PERMISSIONS.items() if role in roles}


def _require_can_hand_out(actor, unit, role: str) -> None:
    """One may grant or revoke a role on a unit only if one holds, on that unit,
    every right the role gives (a unit admin cannot make reviewers or system admins)."""
    _require_manage(actor, unit)
    if actor is None or actor.is_superuser:
        return
    missing = actions_of(role) - {a for a in PERMISSIONS if scoping.covers(actor, a, unit)}
    if missing:
        raise DomainError(
            _(
                "Bạn không thể cấp hoặc thu hồi vai trò “%(role)s” trên đơn vị này: "
                "vai trò đó có quyền mà chính bạn không có."
            )
            % {"role": Role(role).label}
        )


@transaction.atomic
def grant_role(actor, user: User, unit, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ."))
    if actor is not None and actor.pk == user.pk and not actor.is_superuser:
        raise DomainError(_("Không thể tự cấp vai trò cho chính mình; hãy đề nghị quản trị cấp trên."))
    _require_can_hand_out(actor, unit, role)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if not created and not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
        created = True
    if created:
        audit.record("create", assignment, after=audit.snapshot(assignment), unit=unit)
    scoping.forget(user)
    return assignment


@transaction.atomic
def revoke_role(actor, assignment: RoleAssignment) -> None:
    _require_can_hand_out(actor, assignment.unit, assignment.role)
    before = audit.snapshot(assignment)
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    audit.record("update", assignment, before=before, after=audit.snapshot(assignment), unit=assignment.unit)
    scoping.forget(assignment.user)


@transaction.atomic
def issue_token(user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
    name = nfc(name)
    if not name:
        raise DomainError(_("Hãy đặt tên cho mã truy cập (ví dụ: “Đồng bộ hệ thống văn bản”)."))
    token, secret = ApiToken.issue(user, name, expires_at)
    audit.record("create", token, after=audit.snapshot(token), object_repr=f"API token {token.prefix}…")
    return token, secret


@transaction.atomic
def revoke_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise NotInScope()
    before = audit.snapshot(token)
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record("update", token, before=before, after=audit.snapshot(token))


def record_password_change(user: User) -> None:
    audit.record("security", user, after={"event": "password_changed"})
