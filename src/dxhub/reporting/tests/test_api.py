import json

import pytest

from dxhub.accounts.models import ApiToken
from dxhub.reporting.models import Rollup, Submission, Value


@pytest.fixture
def auth(cat):
    def header(username):
        _token, secret = ApiToken.issue(cat.users[username], "máy chủ thư")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return header


def put(client, headers, **body):
    return client.put("/api/v1/reporting/submissions", json.dumps(body), content_type="application/json", **headers)


def post(client, url, headers, body):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


BODY = {
    "unit": "HVHC-CNTT",
    "form": "BC-CDS-QUY",
    "period": "2025-Q3",
    "values": {
        "PERSONNEL": 120,
        "EMAIL_USERS": 90,
        "DOC_TOTAL": 400,
        "DOC_SIGNED": 300,
        "UPTIME": "99,5",
        "HAS_PLAN": True,
    },
}


def test_a_system_pushes_values_and_the_chain_runs_through_the_api(client, cat, auth):
    entry, reviewer = auth("nhaplieu_hvhc"), auth("pheduyet_bqp")
    r = put(client, entry, **BODY)
    assert r.status_code == 200, r.content
    sub = r.json()
    values = {v["code"]: v["value"] for v in sub["values"]}
    assert values["DOC_SIGNED_PCT"] == "75.0000" and values["HAS_PLAN"] is True
    r = post(client, f"/api/v1/reporting/submissions/{sub['id']}/submit", entry, {"revision": sub["revision"]})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = post(client, "/api/v1/reporting/submissions/approve", reviewer, {"ids": [sub["id"]]})
    assert r.status_code == 200 and r.json()[0]["status"] == "approved"
    r = client.get("/api/v1/reporting/rollups?unit=BQP&period=2025-Q3&indicator=DOC_TOTAL", **reviewer)
    assert r.json() == [
        {"unit": "BQP", "indicator": "DOC_TOTAL", "period": "2025-Q3", "value": "400.0000", "units_reported": 1}
    ]
    listed = client.get("/api/v1/reporting/submissions?period=2025-Q3&unit=HVHC&subtree=true", **entry).json()
    assert [s["unit"] for s in listed["items"]] == ["HVHC-CNTT"]


def test_the_api_applies_the_same_validation_and_writes_nothing_when_refused(client, cat, auth):
    r = put(client, auth("nhaplieu_hvhc"), **(BODY | {"values": {"PERSONNEL": -3, "UPTIME": 130}}))
    assert r.status_code == 400
    problems = r.json()["problems"]
    assert "không được âm" in problems["PERSONNEL"] and "vượt quá 100%" in problems["UPTIME"]
    assert not Value.objects.exists()


def test_the_api_refuses_stale_revisions_outside_scope_and_bad_periods(client, cat, auth):
    entry = auth("nhaplieu_hvhc")
    first = put(client, entry, **(BODY | {"revision": 0})).json()
    again = put(client, entry, **(BODY | {"values": {"PERSONNEL": 1}, "revision": 0}))
    assert again.status_code == 409 and "tải lại" in again.json()["detail"]
    assert Value.objects.get(submission_id=first["id"], indicator=cat.personnel).num == 120
    outside = put(client, entry, **(BODY | {"unit": "BTL86-TT"}))
    assert outside.status_code == 404
    bad = put(client, entry, **(BODY | {"period": "2025-Q7"}))
    assert bad.status_code == 400 and "không tồn tại" in bad.json()["detail"]
    # a reviewer outside the subtree cannot see or approve it
    post(client, f"/api/v1/reporting/submissions/{first['id']}/submit", entry, {})
    r = post(client, "/api/v1/reporting/submissions/approve", auth("pheduyet_86"), {"ids": [first["id"]]})
    assert r.status_code == 404
    assert client.get(f"/api/v1/reporting/submissions/{first['id']}", **auth("pheduyet_86")).status_code == 404
    assert Submission.objects.get(pk=first["id"]).status == "submitted"
    assert not Rollup.objects.exists()
