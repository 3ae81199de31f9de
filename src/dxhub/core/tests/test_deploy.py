import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_check_deploy_is_clean_under_production_settings():
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DXHUB_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-" + "z" * 20,
        "DXHUB_ALLOWED_HOSTS": "cds.example.vn",
        "DXHUB_BEHIND_TLS_PROXY": "1",
        "DXHUB_STATIC_MANIFEST": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret():
    env = {k: v for k, v in os.environ.items() if k != "DXHUB_SECRET_KEY"} | {"DXHUB_BEHIND_TLS_PROXY": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DXHUB_SECRET_KEY" in result.stderr


def test_security_headers(client, org):
    client.force_login(org.users["admin"])
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY" and len(response["X-Request-ID"]) >= 8
