import pytest
from django.urls import reverse

from conftest import PASSWORD
from dxhub.accounts import scoping, services
from dxhub.accounts.models import RoleAssignment, User
from dxhub.accounts.roles import Action, Role
from dxhub.audit.models import AuditEvent
from dxhub.core.errors import DomainError, NotInScope
from dxhub.org.models import Person, Unit


@pytest.mark.argon2
def test_passwords_hashed_with_argon2(db):
    user = User.objects.create_user("a", password="Mot-mat-khau-dai")
    assert user.password.startswith("argon2$")


def test_login_and_logout(client, org):
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.get(action="login").username == "admin"
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_message_in_vietnamese(client, org):
    html = client.post(reverse("accounts:login"), {"username": "admin", "password": "sai"}).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html


def test_lockout_after_repeated_failures(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "admin", "password": "sai-mat-khau"})
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    event = AuditEvent.objects.filter(action="security").first()
    assert event.object_repr == "admin" and event.after["event"] == "locked_out"


def test_password_change_is_audited(client, org):
    client.force_login(org.users["qtv_hvhc"])
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="qtv_hvhc").check_password("Mat-khau-moi-2026")
    assert AuditEvent.objects.filter(action="security", object_id=str(org.users["qtv_hvhc"].pk)).exists()


def test_scope_is_the_union_of_role_subtrees(org):
    user = org.users["qtv_hvhc"]
    RoleAssignment.objects.create(user=user, unit=org.unit("BTL86-TT"), role=Role.LEADER)
    RoleAssignment.objects.create(user=user, unit=org.unit("HVHC-TD1"), role=Role.LEADER)  # nested: no effect
    scoping.forget(user)
    view = set(Unit.objects.restrict(user, Action.VIEW).values_list("code", flat=True))
    assert view == {"HVHC", "HVHC-CNTT", "HVHC-TD1", "HVHC-TD1-DD1", "BTL86-TT"}
    change = set(Unit.objects.restrict(user, Action.CHANGE_UNIT).values_list("code", flat=True))
    assert "BTL86-TT" not in change and "HVHC" in change
    assert len(scoping.scope_paths(user, Action.VIEW)) == 2


def test_inactive_role_and_outsider_see_nothing(org):
    assert not Unit.objects.restrict(org.users["outsider"], Action.VIEW).exists()
    assert not Person.objects.restrict(org.users["outsider"], Action.VIEW).exists()
    RoleAssignment.objects.filter(user=org.users["lanhdao_86"]).update(is_active=False)
    user = User.objects.get(username="lanhdao_86")
    assert not Unit.objects.restrict(user, Action.VIEW).exists()


def test_unit_admin_creates_account_in_scope_only(org):
    admin = org.users["qtv_hvhc"]
    user = services.create_user(
        admin, "Tro.Ly.CNTT", "Mat-khau-2025-ok", "Trợ lý CNTT", org.unit("HVHC-CNTT"), Role.DATA_ENTRY
    )
    assert user.username == "tro.ly.cntt"
    assert AuditEvent.objects.filter(object_type="accounts.roleassignment").exists()
    with pytest.raises(NotInScope):
        services.create_user(admin, "ngoai", "Mat-khau-2025-ok", "X", org.unit("BTL86"), Role.LEADER)
    assert not User.objects.filter(username="ngoai").exists()
    with pytest.raises(DomainError, match="Quản trị hệ thống"):
        services.grant_role(admin, user, org.unit("HVHC"), Role.SYSTEM_ADMIN)
    with pytest.raises(DomainError, match="Mật khẩu"):
        services.create_user(admin, "yeu", "123", "X", org.unit("HVHC"), Role.LEADER)


def test_accounts_pages_scoped(client_for, org):
    c = client_for("qtv_hvhc")
    html = c.get(reverse("accounts:users")).content.decode()
    assert "nhaplieu_hvhc" in html and "lanhdao_86" not in html
    assert c.get(reverse("accounts:user", args=[org.users["lanhdao_86"].pk])).status_code == 404
    other = RoleAssignment.objects.get(user=org.users["lanhdao_86"])
    assert c.post(reverse("accounts:role_revoke", args=[other.pk])).status_code == 404
    assert RoleAssignment.objects.get(pk=other.pk).is_active


def test_token_page_shows_secret_once(client_for, org):
    c = client_for("admin")
    html = c.post(reverse("accounts:profile"), {"name": "Hệ thống văn bản"}).content.decode()
    assert "chỉ hiển thị một lần" in html
    token = org.users["admin"].api_tokens.get()
    secret = html.split('id="new-token">')[1].split("<")[0]
    assert token.digest == token.hash(secret)
    assert secret not in c.get(reverse("accounts:profile")).content.decode()
