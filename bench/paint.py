"""Browser figure for the tree page: first contentful paint and the moment the
root's children (loaded by htmx) are on screen, in Debian's Chromium, against a
server on the benchmark database that bench/run.py built.

    .venv/bin/python bench/paint.py [--db sqlite|postgres] [--repeat 5]
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASES = {
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.sqlite3'}",
    "postgres": os.environ.get("DXHUB_BENCH_PG", "postgres://postgres@127.0.0.1:5432") + "/dxhub_bench",
}
USERNAME, PASSWORD = "bench_paint", "Bench-paint-2025"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=DATABASES, default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = os.environ | {
        "DATABASE_URL": DATABASES[args.db],
        "DXHUB_DATA_DIR": str(ROOT / "var" / "bench"),
        "DXHUB_ALLOWED_HOSTS": "127.0.0.1",
    }
    py = str(ROOT / ".venv" / "bin" / "python")
    script = (
        "from dxhub.accounts.models import User, RoleAssignment; from dxhub.org.models import Unit;"
        f"u, _ = User.objects.get_or_create(username='{USERNAME}'); u.set_password('{PASSWORD}'); u.save();"
        "RoleAssignment.objects.get_or_create(user=u, unit=Unit.objects.get(depth=1), role='system_admin');"
        "print(Unit.objects.count(), Unit.objects.get(depth=1).pk)"
    )
    out = subprocess.run(
        [py, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    units, root_id = int(out[0]), int(out[1])
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "dxhub.wsgi",
            "--pythonpath",
            "src",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            )
            page = browser.new_page()
            page.goto(f"{base}/tai-khoan/dang-nhap/")
            page.fill("input[name=username]", USERNAME)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            fcp, ready = [], []
            for i in range(args.repeat + 1):
                page.goto(f"{base}/to-chuc/")
                page.wait_for_selector(f"#dx-children-{root_id} > li a")
                t_fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
                t_ready = page.evaluate("performance.now()")
                if i:  # the first load warms caches
                    fcp.append(t_fcp)
                    ready.append(t_ready)
            browser.close()
    finally:
        server.terminate()
        server.wait()
    print(f"tree page in Chromium, {args.db}, {units:,} units, median of {args.repeat} (ms):")
    print(f"  first contentful paint          {statistics.median(fcp):8.1f}")
    print(f"  root's children on screen (htmx) {statistics.median(ready):8.1f}")


if __name__ == "__main__":
    sys.exit(main())
