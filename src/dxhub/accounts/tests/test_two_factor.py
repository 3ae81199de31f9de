from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from dxhub.audit.models import AuditEvent


def code(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def enable(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "data:image/svg+xml" in page and 'id="totp-key"' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert client.post(reverse("accounts:two_factor"), {"token": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_enable_then_login_needs_the_code(client, org):
    user = org.users["qtv_hvhc"]
    device = enable(client, user)
    assert AuditEvent.objects.filter(action="security", after__event="two_factor_enabled").exists()
    client.logout()
    login = reverse("accounts:login")
    html = client.post(login, {"username": "qtv_hvhc", "password": PASSWORD}).content.decode()
    assert "hãy nhập mã 6 chữ số" in html
    assert client.get(reverse("core:home")).status_code == 302
    html = client.post(login, {"username": "qtv_hvhc", "password": PASSWORD, "otp_token": "12345"}).content.decode()
    assert "Mã xác thực không đúng" in html
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(login, {"username": "qtv_hvhc", "password": PASSWORD, "otp_token": code(device, 1)})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_users_without_two_factor_log_in_with_password_only(client, org):
    response = client.post(reverse("accounts:login"), {"username": "lanhdao_86", "password": PASSWORD})
    assert response.status_code == 302


def test_unverified_session_of_a_two_factor_user_is_ended(client, org):
    user = org.users["qtv_hvhc"]
    device = enable(client, user)
    assert device.confirmed
    client.force_login(user)  # a session that never passed the second factor
    response = client.get(reverse("org:tree"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_disable_needs_a_valid_code(client, org):
    user = org.users["qtv_hvhc"]
    device = enable(client, user)
    client.force_login(user)
    from django_otp import login as otp_login

    session_request = type("R", (), {"user": user, "session": client.session})()
    otp_login(session_request, device)
    session_request.session.save()
    assert "Mã xác thực không đúng" in client.post(reverse("accounts:two_factor"), {"token": "99999"}).content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(reverse("accounts:two_factor"), {"token": code(device, 1)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="security", after__event="two_factor_disabled").exists()


def test_roles_can_require_two_factor(client, org, settings):
    settings.DXHUB_REQUIRE_2FA_ROLES = ["unit_admin"]
    client.force_login(org.users["qtv_hvhc"])
    response = client.get(reverse("org:tree"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    page = client.get(response["Location"]).content.decode()
    assert "bắt buộc xác thực hai lớp" in page
    enable(client, org.users["qtv_hvhc"])
    client.force_login(org.users["qtv_hvhc"])
    from django_otp import login as otp_login

    device = TOTPDevice.objects.get(user=org.users["qtv_hvhc"])
    request = type("R", (), {"user": org.users["qtv_hvhc"], "session": client.session})()
    otp_login(request, device)
    request.session.save()
    assert client.get(reverse("org:tree")).status_code == 200
    client.force_login(org.users["lanhdao_86"])  # a role not in the list
    assert client.get(reverse("org:tree")).status_code == 200
