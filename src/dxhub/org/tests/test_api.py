"""The REST API: token and session auth, scoping, paging, and refused bad bodies."""

import pytest

from dxhub.accounts.models import ApiToken
from dxhub.audit.models import AuditEvent
from dxhub.org import identifiers
from dxhub.org.models import Person


@pytest.fixture
def token_for(org):
    def issue(username):
        _token, secret = ApiToken.issue(org.users[username], "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return issue


def test_no_auth_is_401(client, org):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer dxh_wrong").status_code == 401


def test_token_stored_hashed(org):
    token, secret = ApiToken.issue(org.users["admin"], "x")
    assert secret not in token.digest and token.digest == ApiToken.hash(secret)
    assert not ApiToken.objects.filter(digest=secret).exists()


def test_revoked_and_expired_tokens_fail(client, org):
    import datetime as dt

    from django.utils import timezone

    token, secret = ApiToken.issue(org.users["admin"], "x")
    token.revoked = True
    token.save()
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    _t2, secret2 = ApiToken.issue(org.users["admin"], "y", expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {secret2}").status_code == 401


def test_units_list_scoped_with_paging(client, org, token_for):
    body = client.get("/api/v1/units?limit=2", **token_for("qtv_hvhc")).json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert {u["code"] for u in client.get("/api/v1/units", **token_for("qtv_hvhc")).json()["items"]} == {
        "HVHC",
        "HVHC-CNTT",
        "HVHC-TD1",
        "HVHC-TD1-DD1",
    }
    assert client.get("/api/v1/units?limit=100000", **token_for("admin")).status_code == 422


def test_subtree_filter_and_children(client, org, token_for):
    auth = token_for("admin")
    td1 = org.unit("HVHC-TD1").pk
    codes = {u["code"] for u in client.get(f"/api/v1/units?subtree_of={td1}", **auth).json()["items"]}
    assert codes == {"HVHC-TD1", "HVHC-TD1-DD1"}
    kids = client.get(f"/api/v1/units/{org.unit('BQP').pk}/children", **auth).json()["items"]
    assert [k["code"] for k in kids] == ["HVHC", "BTL86"]
    found = client.get("/api/v1/units?q=hoc vien hau can", **auth).json()["items"]
    assert [u["code"] for u in found] == ["HVHC"]


def test_outside_scope_is_404_never_data(client, org, token_for):
    auth = token_for("qtv_hvhc")
    btl = org.unit("BTL86")
    for url in (
        f"/api/v1/units/{btl.pk}",
        f"/api/v1/units/{btl.pk}/children",
        f"/api/v1/units?subtree_of={btl.pk}",
        f"/api/v1/people/{org.people['BTL86'].pk}",
        f"/api/v1/people?unit_id={btl.pk}",
    ):
        response = client.get(url, **auth)
        assert response.status_code == 404, url
        assert "Bộ Tư lệnh 86" not in response.content.decode()


def test_session_auth_works_and_needs_csrf_for_writes(org):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(org.users["admin"])
    assert c.get("/api/v1/people").status_code == 200
    body = {
        "identifier": identifiers.make(24, 9100),
        "full_name": "A",
        "category": "si_quan",
        "unit_id": org.unit("HVHC").pk,
    }
    assert c.post("/api/v1/people", body, content_type="application/json").status_code == 403


def test_create_and_update_person(client, org, token_for):
    auth = token_for("nhaplieu_hvhc")
    body = {
        "identifier": identifiers.display(identifiers.make(24, 9200)),
        "full_name": "Bùi  Thị Lan",
        "category": "qncn",
        "rank": "thuong_uy",
        "unit_id": org.unit("HVHC-CNTT").pk,
        "gender": "F",
    }
    response = client.post("/api/v1/people", body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["full_name"] == "Bùi Thị Lan" and created["identifier"] == identifiers.make(24, 9200)
    response = client.patch(
        f"/api/v1/people/{created['id']}",
        {"position": "Trợ lý CNTT"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["position"] == "Trợ lý CNTT"
    events = AuditEvent.objects.filter(object_type="org.person", object_id=str(created["id"]))
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]
    assert events.filter(action="update").get().username == "nhaplieu_hvhc"


def test_forged_unit_id_in_body_is_refused(client, org, token_for):
    auth = token_for("nhaplieu_hvhc")
    body = {
        "identifier": identifiers.make(24, 9300),
        "full_name": "Giả Mạo",
        "category": "si_quan",
        "unit_id": org.unit("BTL86-TT").pk,
    }
    response = client.post("/api/v1/people", body, content_type="application/json", **auth)
    assert response.status_code == 404 and "ngoài phạm vi" in response.json()["detail"]
    body["unit_id"] = 987654
    assert client.post("/api/v1/people", body, content_type="application/json", **auth).status_code == 404
    mine = org.people["HVHC"]
    response = client.patch(
        f"/api/v1/people/{mine.pk}",
        {"unit_id": org.unit("BTL86").pk},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404
    assert not Person.objects.filter(full_name="Giả Mạo").exists()
    mine.refresh_from_db()
    assert mine.unit.code == "HVHC"


def test_bad_values_get_vietnamese_messages(client, org, token_for):
    auth = token_for("nhaplieu_hvhc")
    body = {
        "identifier": "250000000000",
        "full_name": "",
        "category": "si_quan",
        "unit_id": org.unit("HVHC").pk,
    }
    response = client.post("/api/v1/people", body, content_type="application/json", **auth)
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert "chữ số kiểm tra" in problems["identifier"] and "không được để trống" in problems["full_name"]
    body = {
        "identifier": org.people["HVHC"].identifier,
        "full_name": "Trùng",
        "category": "si_quan",
        "unit_id": org.unit("HVHC").pk,
    }
    response = client.post("/api/v1/people", body, content_type="application/json", **auth)
    assert response.status_code == 400 and "đã được dùng" in response.json()["problems"]["identifier"]
    response = client.post("/api/v1/people", {"full_name": "x"}, content_type="application/json", **auth)
    assert response.status_code == 422 and response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."


def test_move_via_api(client, org, token_for):
    td1 = org.unit("HVHC-TD1")
    response = client.post(
        f"/api/v1/units/{td1.pk}/move",
        {"new_parent_id": org.unit("HVHC-TD1-DD1").pk},
        content_type="application/json",
        **token_for("admin"),
    )
    assert response.status_code == 400 and "cấp dưới" in response.json()["detail"]
    response = client.post(
        f"/api/v1/units/{td1.pk}/move",
        {"new_parent_id": org.unit("BTL86").pk},
        content_type="application/json",
        **token_for("admin"),
    )
    assert response.status_code == 200 and response.json()["parent_id"] == org.unit("BTL86").pk
    assert AuditEvent.objects.get(action="move").username == "admin"


def test_openapi_schema(client, org):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in schema["paths"] and "/api/v1/people/{pk}" in schema["paths"]
    assert client.get("/api/docs").status_code == 302
