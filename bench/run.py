"""dxhub benchmark at army-wide scale (20 000 units, 500 000 people by default).

Usage (from the project directory)::

    .venv/bin/python bench/run.py [--db sqlite|postgres|both] [--units 20000] [--people 500000] [--repeat 5]

For each database the script recreates a dedicated database (SQLite file
``var/bench/bench.sqlite3``, PostgreSQL database ``dxhub_bench``), then re-runs
itself as ``run.py --worker <db>`` in a subprocess with DATABASE_URL and
DXHUB_DATA_DIR set, so every database gets fresh Django settings. The worker
migrates, times ``seed_scale``, analyses, creates two users and measures the
tree, scoping, search and page operations. Figures only: nothing is asserted
about timings. Results: printed tables, ``var/bench/results.md`` (combined
Markdown table), ``var/bench/results-<db>.json`` and, for operations slower than
``--slow-ms``, the slowest SQL with its plan in ``var/bench/slow-<db>.txt``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
OUT_DIR = PROJECT_DIR / "var" / "bench"
SQLITE_FILE = OUT_DIR / "bench.sqlite3"
PG_DB = "dxhub_bench"
PG_SERVER = os.environ.get("DXHUB_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_LABEL = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

PERSON_QUERY = "nguyen van hung"
UNIT_QUERY = "tieu doan 12"


# --- parent: one subprocess per database ---------------------------------------------------------


def prepare_sqlite() -> str:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_FILE}"


def prepare_postgres() -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return f"{PG_SERVER}/{PG_DB}"


def run_worker(db: str, args) -> dict | None:
    url = prepare_sqlite() if db == "sqlite" else prepare_postgres()
    out = OUT_DIR / f"results-{db}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DXHUB_DATA_DIR=str(OUT_DIR),
        DXHUB_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="dxhub.settings",
        DXHUB_LOG_LEVEL=env.get("DXHUB_LOG_LEVEL", "WARNING"),
        PYTHONPATH=os.pathsep.join(p for p in (str(PROJECT_DIR / "src"), env.get("PYTHONPATH")) if p),
    )
    env.pop("DXHUB_DEBUG", None)  # DEBUG off: no query log kept, cached template loader, as in production
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", db, "--out", str(out)]
    cmd += ["--units", str(args.units), "--people", str(args.people), "--repeat", str(args.repeat)]
    cmd += ["--slow-ms", str(args.slow_ms)]
    print(f"\n### {DB_LABEL[db]}: {url}", flush=True)
    rc = subprocess.run(cmd, env=env, cwd=PROJECT_DIR, check=False).returncode
    if rc != 0 or not out.exists():
        print(f"!! {db} worker failed (exit code {rc})", flush=True)
        return None
    return json.loads(out.read_text())


def fmt_rows(value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


def fmt_ms(value) -> str:
    return "—" if value is None else f"{value:,.1f}"


def code_version() -> str:
    """The commit measured, flagged when ``src`` has uncommitted changes."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{sha}{' + uncommitted changes in src/' if dirty else ''}"


def markdown_tables(results: dict[str, dict], dbs: list[str], setup_rows, sql: bool = False) -> list[str]:
    """The setup-figures table and the operations table, databases side by side (shared
    by every benchmark's results file); ``sql`` adds each operation's statement count."""
    lines = ["| figure | " + " | ".join(DB_LABEL[db] for db in dbs) + " |", "|---|" + "---:|" * len(dbs)]
    for label, key, fmt in setup_rows:
        values = [results[db]["meta"].get(key) for db in dbs]
        lines.append(f"| {label} | " + " | ".join("—" if v is None else fmt.format(v) for v in values) + " |")
    lines.append("")
    columns = "rows | median | p95" + (" | SQL" if sql else "")
    n = 4 if sql else 3
    lines += [
        "| operation | " + " | ".join(f"{DB_LABEL[db]} {columns}" for db in dbs) + " |",
        "|---|" + "---:|" * (n * len(dbs)),
    ]
    labels: dict[str, str] = {}
    for db in dbs:
        for op in results[db]["ops"]:
            labels.setdefault(op["key"], op["label"])
    for key, label in labels.items():
        cells = []
        for db in dbs:
            op = next((o for o in results[db]["ops"] if o["key"] == key), None)
            if op is None:
                cell = ["—"] * n
            elif op.get("error"):
                cell = ["error", op["error"][:40]] + ["—"] * (n - 2)
            else:
                cell = [fmt_rows(op["rows"]), fmt_ms(op["median_ms"]), fmt_ms(op["p95_ms"])]
                cell += [f"{op['queries']:,}"] if sql else []
            cells.append(" | ".join(cell))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def combined_markdown(results: dict[str, dict], args, version: str) -> str:
    dbs = [db for db in ("sqlite", "postgres") if db in results]
    lines = [
        f"## dxhub benchmark — {args.units:,} units, {args.people:,} people, "
        f"median and p95 of {args.repeat} runs after one warm-up (ms)",
        "",
        f"Code {version}. Run {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} CPU cores; p95 is nearest-rank"
        + (f" (with {args.repeat} runs: the slowest)." if args.repeat < 20 else "."),
        "",
    ]
    setup_rows = [
        ("seed_scale (s)", "seed_s", "{:,.1f}"),
        ("  of which units (s)", "seed_units_s", "{:,.1f}"),
        ("  of which people (s)", "seed_people_s", "{:,.1f}"),
        ("migrate (s)", "migrate_s", "{:,.1f}"),
        ("ANALYZE (PostgreSQL: VACUUM ANALYZE) (s)", "analyze_s", "{:,.1f}"),
        ("database size (MB)", "db_size_mb", "{:,.0f}"),
        ("units / people", "counts", "{}"),
        ("largest level-2 unit (units in subtree)", "l2_label", "{}"),
    ]
    lines += markdown_tables(results, dbs, setup_rows)
    return "\n".join(lines) + "\n"


def main_parent(args) -> int:
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    version = code_version()
    results = {}
    for db in dbs:
        data = run_worker(db, args)
        if data is not None:
            results[db] = data
    if not results:
        return 1
    md = combined_markdown(results, args, version)
    (OUT_DIR / "results.md").write_text(md, encoding="utf-8")
    print("\n" + md)
    print(f"(written to {OUT_DIR / 'results.md'})")
    return 0 if len(results) == len(dbs) else 1


# --- worker: runs inside one database -----------------------------------------------------------


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


class Bench:
    def __init__(self, db: str, repeat: int, slow_ms: float):
        self.db = db
        self.repeat = repeat
        self.slow_ms = slow_ms
        self.ops: list[dict] = []
        self.slow_notes: list[str] = []

    def measure(self, key: str, label: str, fn):
        """Warm up once, time ``repeat`` runs, then one more run with the SQL captured.

        ``fn`` returns what goes in the rows column (a count, or a page description)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        op = {"key": key, "label": label, "rows": None, "median_ms": None, "p95_ms": None, "queries": None}
        try:
            fn()
            samples = []
            rows = None
            for _ in range(self.repeat):
                t0 = time.perf_counter()
                rows = fn()
                samples.append((time.perf_counter() - t0) * 1000)
            with CaptureQueriesContext(connection) as ctx:
                fn()
        except Exception as exc:  # report and go on with the other operations
            op["error"] = f"{type(exc).__name__}: {exc}"
            print(f"  {label}: ERROR {op['error']}", flush=True)
            self.ops.append(op)
            return op
        captured = ctx.captured_queries
        op.update(
            rows=rows,
            median_ms=statistics.median(samples),
            p95_ms=percentile(samples, 95),
            samples_ms=[round(s, 2) for s in samples],
            queries=len(captured),
        )
        if captured:
            slowest = max(captured, key=lambda q: float(q["time"]))
            op["slowest_sql_ms"] = float(slowest["time"]) * 1000
            op["slowest_sql"] = slowest["sql"]
            op["sql_total_ms"] = sum(float(q["time"]) for q in captured) * 1000
        self.ops.append(op)
        if op["median_ms"] > self.slow_ms and captured:
            self.slow_notes.append(self.explain(op))
        return op

    def explain(self, op: dict) -> str:
        from django.db import connection

        sql = op["slowest_sql"]
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        try:
            with connection.cursor() as cur:
                cur.execute(prefix + sql)
                plan_rows = cur.fetchall()
            if connection.vendor == "postgresql":
                plan = "\n".join(r[0] for r in plan_rows)
            else:
                plan = "\n".join(f"{'  ' * _sqlite_depth(plan_rows, r)}{r[-1]}" for r in plan_rows)
        except Exception as exc:
            plan = f"(EXPLAIN failed: {exc})"
        return (
            f"--- {op['label']}: median {op['median_ms']:.1f} ms, {op['queries']} queries "
            f"(SQL {op['sql_total_ms']:.1f} ms), slowest query {op['slowest_sql_ms']:.1f} ms:\n"
            f"{sql}\n{plan}\n"
        )

    def print_table(self, meta: dict):
        print(f"\n== {DB_LABEL[self.db]}: {meta['counts']} ==", flush=True)
        print(
            f"seed_scale {meta['seed_s']:.1f} s (units {meta.get('seed_units_s') or 0:.1f} s, "
            f"people {meta.get('seed_people_s') or 0:.1f} s); migrate {meta['migrate_s']:.1f} s; "
            f"ANALYZE {meta['analyze_s']:.1f} s; size {meta['db_size_mb']:.0f} MB; "
            f"largest level-2 unit: {meta['l2_label']}"
        )
        width = max(len(op["label"]) for op in self.ops)
        print(f"{'operation':<{width}}  {'rows':>16}  {'median ms':>10}  {'p95 ms':>10}  {'SQL':>4}  {'SQL ms':>8}")
        for op in self.ops:
            if op.get("error"):
                print(f"{op['label']:<{width}}  ERROR {op['error']}")
                continue
            print(
                f"{op['label']:<{width}}  {fmt_rows(op['rows']):>16}  {fmt_ms(op['median_ms']):>10}  "
                f"{fmt_ms(op['p95_ms']):>10}  {op['queries']:>4}  {fmt_ms(op.get('sql_total_ms')):>8}"
            )
        sys.stdout.flush()


def _sqlite_depth(rows, row) -> int:
    """Indentation of an EXPLAIN QUERY PLAN row (id, parent, notused, detail)."""
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth += 1
        parent = parents[parent]
    return depth


def main_worker(args) -> int:
    import io

    import django

    sys.path.insert(0, str(PROJECT_DIR / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxhub.settings")
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from dxhub.accounts import scoping
    from dxhub.accounts.models import RoleAssignment, User
    from dxhub.accounts.roles import Action, Role
    from dxhub.org import services, tree
    from dxhub.org.models import Person, Unit

    db = args.worker
    meta: dict = {"db": db, "vendor": connection.vendor}

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    meta["migrate_s"] = time.perf_counter() - t0

    print(f"seed_scale --units {args.units} --people {args.people} …", flush=True)
    buf = io.StringIO()
    t0 = time.perf_counter()
    call_command("seed_scale", units=args.units, people=args.people, stdout=buf)
    meta["seed_s"] = time.perf_counter() - t0
    seed_out = buf.getvalue()
    print("  " + seed_out.strip().replace("\n", "\n  "), flush=True)
    for what in ("units", "people"):
        m = re.search(rf"^{what}: \d+ created in ([\d.]+) s", seed_out, re.MULTILINE)
        meta[f"seed_{what}_s"] = float(m.group(1)) if m else None

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # VACUUM as well as ANALYZE: sets the visibility map (index-only scans) and keeps
            # autovacuum from starting on the fresh 500k rows in the middle of the measurements.
            cur.execute("VACUUM (ANALYZE)")
        else:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA optimize")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    meta["analyze_s"] = time.perf_counter() - t0

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
            size = cur.fetchone()[0]
        else:
            size = sum(
                Path(f"{connection.settings_dict['NAME']}{s}").stat().st_size
                for s in ("", "-wal")
                if Path(f"{connection.settings_dict['NAME']}{s}").exists()
            )
    meta["db_size_mb"] = size / 1e6

    n_units, n_people = Unit.objects.count(), Person.objects.count()
    meta["counts"] = f"{n_units:,} / {n_people:,}"

    # Users: a system admin on the root, a unit admin on the level-2 unit with the largest subtree.
    root = Unit.objects.filter(depth=1).order_by("path").first()
    sizes: dict[str, int] = {}
    for path in Unit.objects.filter(depth__gte=2).values_list("path", flat=True):
        prefix = path[: 2 * tree.STEP]
        sizes[prefix] = sizes.get(prefix, 0) + 1
    l2_path = max(sorted(sizes), key=lambda p: sizes[p])
    l2 = Unit.objects.get(path=l2_path)
    meta["l2_label"] = f"{l2.code} ({sizes[l2_path]:,})"

    admin = User.objects.create_user("bench_admin", full_name="Bench system admin")
    RoleAssignment.objects.create(user=admin, unit=root, role=Role.SYSTEM_ADMIN)
    unit_admin = User.objects.create_user("bench_unit_admin", full_name="Bench unit admin")
    RoleAssignment.objects.create(user=unit_admin, unit=l2, role=Role.UNIT_ADMIN)

    bench = Bench(db, args.repeat, args.slow_ms)
    m = bench.measure
    print(f"measuring ({args.repeat} runs after one warm-up) …", flush=True)

    # a, b: subtree range scans.
    m(
        "subtree_root",
        "a. root subtree: unit ids",
        lambda: len(list(Unit.objects.subtree(root).values_list("id", flat=True))),
    )
    m(
        "subtree_l2",
        "b. level-2 subtree: unit ids",
        lambda: len(list(Unit.objects.subtree(l2).values_list("id", flat=True))),
    )
    m("people_l2", "b. level-2 subtree: people count", lambda: Person.objects.in_subtree(l2).count())

    # c: scoping. The scope cache lives on the user object, which a request loads afresh,
    # so it is dropped before every run: the role lookup is part of the figure.
    def restricted(model):
        def run():
            scoping.forget(unit_admin)
            return model.objects.restrict(unit_admin, Action.VIEW).count()

        return run

    m("restrict_units", "c. unit admin: restrict units count", restricted(Unit))
    m("restrict_people", "c. unit admin: restrict people count", restricted(Person))

    # d: tree page and its htmx fragments, through the whole Django stack.
    admin_client, ua_client = Client(), Client()
    admin_client.force_login(admin)
    ua_client.force_login(unit_admin)

    def get(client, url, htmx=False):
        def run():
            extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = client.get(url, **extra)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} -> {response.status_code}")
            return f"{len(response.content) / 1024:.0f} KB"

        return run

    tree_url, root_frag, l2_frag = "/to-chuc/", f"/to-chuc/cay/{root.pk}/", f"/to-chuc/cay/{l2.pk}/"
    m("page_tree", "d. GET tree page /to-chuc/", get(admin_client, tree_url))
    m("frag_root", "d. GET fragment: root's children", get(admin_client, root_frag, htmx=True))
    m("frag_l2", "d. GET fragment: level-2 unit's children", get(admin_client, l2_frag, htmx=True))

    def first_paint():
        for url, htmx in ((tree_url, False), (root_frag, True), (l2_frag, True)):
            get(admin_client, url, htmx)()
        return "3 requests"

    m("tree_sum", "d. tree page + both fragments (sum)", first_paint)

    # e: name search, first page as the people list shows it, and the pages themselves.
    def people_search(user, count=False):
        def run():
            scoping.forget(user)
            qs = Person.objects.restrict(user, Action.VIEW).search(PERSON_QUERY)
            if count:
                return qs.count()
            return len(list(qs.select_related("unit").order_by("full_name", "identifier")[:50]))

        return run

    m("search_people_count", f"e. people search '{PERSON_QUERY}': count (admin)", people_search(admin, count=True))
    m("search_people_page", "e. people search: first 50 rows (admin)", people_search(admin))
    q = PERSON_QUERY.replace(" ", "+")
    m("page_people_admin", "e. GET people list ?q= (system admin)", get(admin_client, f"/to-chuc/quan-so/?q={q}"))
    m("page_people_ua", "e. GET people list ?q= (unit admin)", get(ua_client, f"/to-chuc/quan-so/?q={q}"))
    m("page_people_all", "e. GET people list, no filter (system admin)", get(admin_client, "/to-chuc/quan-so/"))
    m(
        "page_unit_search",
        f"e. GET unit search '{UNIT_QUERY}' (htmx)",
        get(admin_client, f"/to-chuc/tim-kiem/?q={UNIT_QUERY.replace(' ', '+')}", htmx=True),
    )

    # f: unit detail of the root (headcount over the whole subtree).
    m("headcount_root", "f. services.headcount(root)", lambda: services.headcount(root)["subtree"])
    m("page_unit_root", "f. GET unit detail of the root", get(admin_client, f"/to-chuc/don-vi/{root.pk}/"))

    # g: reorganisation: the largest level-2 subtree moves under another unit and back (last: it changes paths).
    other = Unit.objects.filter(depth=2).exclude(pk=l2.pk).order_by("path").first()

    def move_and_back():
        services.move_unit(admin, Unit.objects.get(pk=l2.pk), other)
        services.move_unit(admin, Unit.objects.get(pk=l2.pk), root)
        return sizes[l2_path] + 1

    m("move_l2", "g. move the largest level-2 subtree and back (2 moves, audited)", move_and_back)

    bench.print_table(meta)
    slow_file = OUT_DIR / f"slow-{db}.txt"
    if bench.slow_notes:
        text = "\n".join(bench.slow_notes)
        slow_file.write_text(text, encoding="utf-8")
        print(f"\nOperations slower than {args.slow_ms:.0f} ms (slowest SQL and its plan):\n{text}", flush=True)
    else:
        slow_file.unlink(missing_ok=True)

    Path(args.out).write_text(json.dumps({"meta": meta, "ops": bench.ops}, indent=1, ensure_ascii=False))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slow-ms", type=float, default=300.0, help="explain operations slower than this")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
