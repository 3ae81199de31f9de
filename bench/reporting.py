"""Periodic-reporting benchmark at army-wide scale (20 000 units × 60 indicators × 8 quarters ≈ 9.6 million values).

Usage (from the project directory)::

    .venv/bin/python bench/reporting.py [--db sqlite|postgres|both] [--units 20000] [--indicators 60]
                                        [--quarters 8] [--repeat 5] [--slow-ms 300]

Like ``run.py``, every database gets a dedicated, recreated database (SQLite file
``var/bench/reporting.sqlite3``, PostgreSQL database ``dxhub_bench_reporting``) and
the script re-runs itself as ``reporting.py --worker <db>`` with DATABASE_URL and
DXHUB_DATA_DIR set. The worker migrates, seeds the unit tree with ``seed_scale
--people 0``, creates the indicators and the quarterly form through the catalogue
service, loads submissions and values with bulk SQL (COPY on PostgreSQL, batched
executemany on SQLite), rebuilds the roll-ups, analyses, and then times approvals,
roll-up reads, completeness, the Excel round trip and the roll-up rebuild. Figures
only: nothing is asserted about timings. Results: printed tables,
``var/bench/reporting-results.md`` (both databases side by side),
``var/bench/reporting-<db>.json`` and, for operations slower than ``--slow-ms``,
the slowest SQL with its plan in ``var/bench/reporting-slow-<db>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench.run import (  # noqa: E402
    DB_LABEL,
    OUT_DIR,
    PG_SERVER,
    Bench,
    _sqlite_depth,
    code_version,
    fmt_ms,
    fmt_rows,
    markdown_tables,
    percentile,
)

SQLITE_FILE = OUT_DIR / "reporting.sqlite3"
PG_DB = "dxhub_bench_reporting"
FORM_CODE = "BENCH-Q"
UPLOAD_MB = 100  # DXHUB_MAX_UPLOAD_MB in the worker: the 20 000-row sheet is larger than the default 10 MB
SEED = 7
# The last quarter: share of units with no submission, a draft, a sent (not yet approved) submission;
# the rest are approved. Every earlier quarter is fully approved.
LAST_ABSENT, LAST_DRAFT, LAST_SUBMITTED = 0.03, 0.02, 0.05
TOPICS = (
    "Nhận thức số",
    "Thể chế số",
    "Hạ tầng số",
    "Nhân lực số",
    "An toàn thông tin mạng",
    "Hoạt động chuyển đổi số",
)
Q4 = Decimal("0.0001")


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


def snapshot_src() -> Path:
    """A copy of ``src/`` taken once, so every database measures the same code even while
    ``src/`` is being edited."""
    import shutil

    dest = OUT_DIR / "reporting-src"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(PROJECT_DIR / "src", dest / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest / "src"


def run_worker(db: str, args, src: Path) -> dict | None:
    url = prepare_sqlite() if db == "sqlite" else prepare_postgres()
    out = OUT_DIR / f"reporting-{db}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DXHUB_DATA_DIR=str(OUT_DIR),
        DXHUB_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="dxhub.settings",
        DXHUB_LOG_LEVEL=env.get("DXHUB_LOG_LEVEL", "WARNING"),
        DXHUB_MAX_UPLOAD_MB=str(UPLOAD_MB),
        PYTHONPATH=os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p),
    )
    env.pop("DXHUB_DEBUG", None)  # DEBUG off, as in production
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", db, "--out", str(out), "--src", str(src)]
    cmd += ["--units", str(args.units), "--indicators", str(args.indicators), "--quarters", str(args.quarters)]
    cmd += ["--repeat", str(args.repeat), "--slow-ms", str(args.slow_ms)]
    print(f"\n### {DB_LABEL[db]}: {url}", flush=True)
    rc = subprocess.run(cmd, env=env, cwd=PROJECT_DIR, check=False).returncode
    if rc != 0 or not out.exists():
        print(f"!! {db} worker failed (exit code {rc})", flush=True)
        return None
    return json.loads(out.read_text())


SETUP_ROWS = [
    ("migrate (s)", "migrate_s", "{:,.1f}"),
    ("seed_scale --people 0: units (s)", "seed_s", "{:,.1f}"),
    ("catalogue: indicators, formulas, form (s)", "catalogue_s", "{:,.1f}"),
    ("submissions: bulk insert (s)", "submissions_s", "{:,.1f}"),
    ("values: generate + bulk insert (s)", "values_s", "{:,.1f}"),
    ("  values inserted per second", "values_per_s", "{:,.0f}"),
    ("ANALYZE before the rebuild (s)", "analyze_pre_s", "{:,.1f}"),
    ("full roll-up rebuild after the load (s)", "rebuild_s", "{:,.1f}"),
    ("ANALYZE after (PostgreSQL: VACUUM ANALYZE) (s)", "analyze_s", "{:,.1f}"),
    ("database size (MB)", "db_size_mb", "{:,.0f}"),
    ("  of which values + indexes (MB)", "values_mb", "{:,.0f}"),
    ("  of which roll-ups + indexes (MB)", "rollups_mb", "{:,.0f}"),
    ("units / submissions", "counts", "{}"),
    ("values / roll-up rows", "counts2", "{}"),
    ("largest level-2 unit (units in subtree)", "l2_label", "{}"),
    ("Excel: rows × indicator columns", "excel_shape", "{}"),
    ("Excel: excel.template (s, one run)", "template_s", "{:,.1f}"),
    ("Excel: filling it with openpyxl (s)", "fill_s", "{:,.1f}"),
    ("Excel: filled file (MB)", "upload_file_mb", "{:,.1f}"),
    ("Excel: upload ÷ openpyxl read-only pass (medians)", "upload_ratio", "{:,.1f}×"),
]


def combined_markdown(results: dict[str, dict], args, version: str) -> str:
    dbs = [db for db in ("sqlite", "postgres") if db in results]
    lines = [
        f"## dxhub reporting benchmark — {args.units:,} units, {args.indicators} indicators, {args.quarters} quarters, "
        f"median and p95 of {args.repeat} runs after one warm-up (ms)",
        "",
        f"Code {version}. Run {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} CPU cores; p95 is nearest-rank"
        + (f" (with {args.repeat} runs: the slowest)." if args.repeat < 20 else ".")
        + " Rows marked “1 run” were timed once.",
        "",
    ]
    lines += markdown_tables(results, dbs, SETUP_ROWS)
    return "\n".join(lines) + "\n"


def main_parent(args) -> int:
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    version = code_version()
    src = snapshot_src()
    print(f"code {version}, copied to {src}", flush=True)
    results = {}
    for db in dbs:
        data = run_worker(db, args, src)
        if data is not None:
            results[db] = data
    if not results:
        return 1
    md = combined_markdown(results, args, version)
    path = OUT_DIR / "reporting-results.md"
    path.write_text(md, encoding="utf-8")
    print("\n" + md)
    print(f"(written to {path})")
    return 0 if len(results) == len(dbs) else 1


# --- worker: timing ---------------------------------------------------------------------------------


class QueryLog:
    """An execute wrapper counting and timing every statement (pages included: the test client
    clears ``connection.queries`` at each request, and that log keeps only 9 000 entries), with
    the slowest statement as executable SQL and the most repeated statements."""

    def __init__(self, connection):
        self.connection = connection
        self.count = 0
        self.total = 0.0
        self.slowest = 0.0
        self.slowest_sql: str | None = None
        self.shapes: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - t0
            self.count += 1
            self.total += elapsed
            shape = self.shapes.setdefault(sql[:300], [0, 0.0])
            shape[0] += 1
            shape[1] += elapsed
            if elapsed > self.slowest and not sql.lstrip()[:9].upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                text = sql
                if not many:
                    try:
                        text = self.connection.ops.last_executed_query(context["cursor"], sql, params) or sql
                    except Exception:
                        text = sql
                self.slowest, self.slowest_sql = elapsed, text

    def most_repeated(self, n: int = 3) -> list[dict]:
        top = sorted(self.shapes.items(), key=lambda kv: -kv[1][0])[:n]
        return [{"count": c, "ms": round(t * 1000, 1), "sql": sql} for sql, (c, t) in top if c > 1]

    def heaviest(self, n: int = 6) -> list[dict]:
        top = sorted(self.shapes.items(), key=lambda kv: -kv[1][1])[:n]
        return [{"count": c, "ms": round(t * 1000, 1), "sql": sql} for sql, (c, t) in top]


class ReportingBench(Bench):
    """``run.py``'s Bench with a per-run ``setup`` (untimed: e.g. pick the next submission to
    approve, delete the drafts of the previous upload) and one-off operations.

    The SQL is captured during the warm-up run (whose time is discarded) instead of an extra
    run, so a heavy operation such as the 20 000-row upload runs ``repeat`` + 1 times."""

    def measure(self, key: str, label: str, fn, setup=None, once: bool = False, repeat: int | None = None):
        from django.db import connection

        def timed(arg):
            t0 = time.perf_counter()
            rows = fn(arg) if setup is not None else fn()
            return rows, (time.perf_counter() - t0) * 1000

        op = {"key": key, "label": label, "rows": None, "median_ms": None, "p95_ms": None, "queries": None}
        print(f"  {label} …", flush=True)
        log = QueryLog(connection)
        try:
            arg = setup() if setup is not None else None
            with connection.execute_wrapper(log):
                rows, first = timed(arg)
            samples = [first]
            if not once:
                samples = []
                for _ in range(repeat or self.repeat):
                    rows, ms = timed(setup() if setup is not None else None)
                    samples.append(ms)
        except Exception as exc:  # report and go on with the other operations
            op["error"] = f"{type(exc).__name__}: {exc}"
            print(f"  {label}: ERROR {op['error']}", flush=True)
            self.ops.append(op)
            return op
        op.update(
            rows=rows,
            median_ms=statistics.median(samples),
            p95_ms=percentile(samples, 95),
            samples_ms=[round(s, 2) for s in samples],
            queries=log.count,
            sql_total_ms=log.total * 1000,
            once=once,
            most_repeated=log.most_repeated(),
            heaviest=log.heaviest(),
        )
        if log.slowest_sql is not None:
            op["slowest_sql_ms"] = log.slowest * 1000
            op["slowest_sql"] = log.slowest_sql
        self.ops.append(op)
        print(
            f"    median {op['median_ms']:,.1f} ms, p95 {op['p95_ms']:,.1f} ms; {op['queries']:,} queries, "
            f"SQL {op['sql_total_ms']:,.1f} ms (warm-up run)",
            flush=True,
        )
        if op["median_ms"] > self.slow_ms and log.slowest_sql is not None:
            self.slow_notes.append(self.explain(op, log.slowest_sql))
        return op

    def explain(self, op: dict, sql: str) -> str:
        """The plan of the slowest query. PostgreSQL runs EXPLAIN ANALYZE on reads only (the
        SELECT of an INSERT … SELECT); a write is explained without being executed."""
        from django.db import connection

        select = sql
        m = re.match(r"\s*INSERT\s+INTO\b.*?\)\s*(SELECT\b.*)$", sql, re.DOTALL | re.IGNORECASE)
        if m:
            select = m.group(1)
        is_read = select.lstrip()[:6].upper() in ("SELECT", "WITH") and " FOR UPDATE" not in select.upper()
        if connection.vendor == "postgresql":
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if is_read else "EXPLAIN "
            target = select if is_read else sql
        else:
            prefix, target = "EXPLAIN QUERY PLAN ", sql
        try:
            with connection.cursor() as cur:
                cur.execute(prefix + target)
                plan_rows = cur.fetchall()
            if connection.vendor == "postgresql":
                plan = "\n".join(r[0] for r in plan_rows)
            else:
                plan = "\n".join(f"{'  ' * _sqlite_depth(plan_rows, r)}{r[-1]}" for r in plan_rows)
        except Exception as exc:
            plan = f"(EXPLAIN failed: {exc})"
        shown = sql if len(sql) <= 3000 else sql[:3000] + f" … ({len(sql):,} characters)"
        return (
            f"--- {op['label']}: median {op['median_ms']:.1f} ms, {op['queries']} queries "
            f"(SQL {op['sql_total_ms']:.1f} ms, warm-up run), slowest query {op['slowest_sql_ms']:.1f} ms:\n"
            f"{shown}\n{prefix.strip()}{' of the SELECT part' if target is select and m else ''}:\n{plan}\n"
            + "".join(
                f"repeated {r['count']:,}× ({r['ms']:,.1f} ms in all): {' '.join(r['sql'].split())[:300]}\n"
                for r in op.get("most_repeated") or []
            )
            + "".join(
                f"heaviest: {r['count']:,}× {r['ms']:,.1f} ms: {' '.join(r['sql'].split())[:300]}\n"
                for r in op.get("heaviest") or []
            )
        )

    def print_table(self, meta: dict):
        print(f"\n== {DB_LABEL[self.db]} ==", flush=True)
        for label, key, fmt in SETUP_ROWS:
            value = meta.get(key)
            print(f"  {label}: {'—' if value is None else fmt.format(value)}")
        width = max(len(op["label"]) for op in self.ops)
        print(f"{'operation':<{width}}  {'rows':>18}  {'median ms':>11}  {'p95 ms':>11}  {'SQL':>6}  {'SQL ms':>10}")
        for op in self.ops:
            if op.get("error"):
                print(f"{op['label']:<{width}}  ERROR {op['error']}")
                continue
            print(
                f"{op['label']:<{width}}  {fmt_rows(op['rows']):>18}  {fmt_ms(op['median_ms']):>11}  "
                f"{fmt_ms(op['p95_ms']):>11}  {op['queries']:>6}  {fmt_ms(op.get('sql_total_ms')):>10}"
            )
        sys.stdout.flush()


# --- worker: data generation ---------------------------------------------------------------------------


def indicator_specs(n: int) -> list[dict]:
    """``n`` indicators in form order: computed percentages (each after its denominator and
    numerator, weighted by the denominator), integer sums, yes/no questions, one maximum and
    one minimum."""
    n_pct = max(1, round(n / 12))
    n_bool = max(1, n // 10)
    n_ext = 2
    n_sum = n - 3 * n_pct - n_bool - n_ext
    if n_sum < 0:
        raise SystemExit(f"--indicators {n} is too small (at least {3 * n_pct + n_bool + n_ext})")
    rng = random.Random(SEED)
    specs: list[dict] = []

    def add(kind, name, **kw):
        code = f"BI{len(specs) + 1:02d}"
        spec = {"code": code, "kind": kind, "name": f"{name} ({code})", "topic": TOPICS[len(specs) % len(TOPICS)]}
        spec.update(kw)
        specs.append(spec)
        return spec

    for i in range(n_pct):
        den = add("den", f"Tổng số văn bản nhóm {i + 1} trong kỳ", base=rng.uniform(50, 2000))
        num = add("num", f"Số văn bản nhóm {i + 1} xử lý trên môi trường mạng", den=den["code"])
        add("pct", f"Tỷ lệ văn bản nhóm {i + 1} xử lý trên môi trường mạng", num=num["code"], den=den["code"])
    for i in range(n_sum):
        add("sum", f"Số lượng hạng mục số hóa {i + 1}", base=rng.uniform(1, 500))
    for i in range(n_bool):
        add("bool", f"Đơn vị đã triển khai nội dung {i + 1}", p_yes=rng.uniform(0.5, 0.95))
    add("max", "Thời gian gián đoạn mạng dài nhất (giờ)", base=24)
    add("min", "Băng thông đường truyền thấp nhất (Mbps)", base=200)
    return specs


def create_catalogue(specs: list[dict], quarters: int):
    """Indicators, formulas and the quarterly form through the catalogue services (user None: no
    permission check). Returns (form, version, periods, {code: Indicator})."""
    from dxhub.reporting import catalogue, progress
    from dxhub.reporting.models import Indicator

    form = catalogue.save_form(
        None,
        {
            "code": FORM_CODE,
            "name": "Báo cáo định kỳ quy mô toàn quân (benchmark)",
            "periodicity": "Q",
            "deadline_days": 10,
        },
    )
    periods = progress.recent_periods(form, quarters)
    first = periods[0].code
    by_code: dict[str, Indicator] = {}
    for spec in specs:
        kind = spec["kind"]
        data = {
            "code": spec["code"],
            "name": spec["name"],
            "topic": spec["topic"],
            "direction": "higher_better",
            "applies_to": [],
            "is_computed": kind == "pct",
        }
        if kind == "pct":
            data.update(value_type="percentage", aggregation="weighted_avg", weight=by_code[spec["den"]], unit="%")
        elif kind == "bool":
            data.update(value_type="boolean", aggregation="share_yes")
        else:
            agg = {"max": "max", "min": "min"}.get(kind, "sum")
            data.update(value_type="integer", aggregation=agg, min_value=0)
            if kind == "max":
                data.update(max_value=2208, direction="lower_better", unit="giờ")
        ind = catalogue.save_indicator(None, data)
        by_code[ind.code] = ind
        if kind == "pct":
            catalogue.add_formula(None, ind, f"{spec['num']} / {spec['den']} * 100", first)
    version = catalogue.add_form_version(None, form, [s["code"] for s in specs], first)
    return form, version, periods, by_code


class ValueMaker:
    """Deterministic, plausible values: each unit has a size factor; sums grow a little every
    quarter; numerators stay below their denominators; computed percentages are what the
    formula gives (so approval's snapshot of computed values finds nothing to change)."""

    def __init__(self, specs: list[dict], by_code: dict, rng: random.Random):
        self.rng = rng
        self.plan = []
        for spec in specs:
            self.plan.append((spec["kind"], by_code[spec["code"]].pk, spec))

    def numbers(self, factor: float, q: int, count: int | None = None) -> list[tuple[int, object]]:
        """[(indicator id, num)] for one submission (the first ``count`` indicators of the form)."""
        r = self.rng.random
        grow = 1 + 0.03 * q
        out = []
        pending: dict[str, int] = {}
        for kind, ind_id, spec in self.plan if count is None else self.plan[:count]:
            if kind == "sum":
                num = int(spec["base"] * factor * grow * (0.7 + 0.6 * r()))
            elif kind == "den":
                num = 1 + int(spec["base"] * factor * (0.8 + 0.4 * r()))
                pending[spec["code"]] = num
            elif kind == "num":
                den = pending[spec["den"]]
                num = min(den, int(den * min(1.0, 0.45 + 0.06 * q + 0.3 * r())))
                pending[spec["code"]] = num
            elif kind == "pct":
                num = (Decimal(pending[spec["num"]]) / Decimal(pending[spec["den"]]) * 100).quantize(Q4)
            elif kind == "bool":
                num = 1 if r() < spec["p_yes"] else 0
            elif kind == "max":
                num = int(r() ** 3 * 72)
            else:  # min
                num = 10 + int(r() * spec["base"] * factor)
            out.append((ind_id, num))
        return out

    def cell(self, kind: str, spec: dict, factor: float, pending: dict):
        """An Excel cell for the upload: numbers in range, "Có"/"Không" for yes/no."""
        r = self.rng.random
        if kind == "bool":
            return "Có" if r() < spec["p_yes"] else "Không"
        if kind == "den":
            pending[spec["code"]] = value = 1 + int(spec["base"] * factor * (0.8 + 0.4 * r()))
            return value
        if kind == "num":
            den = pending[spec["den"]]
            return min(den, int(den * (0.6 + 0.4 * r())))
        if kind == "sum":
            return int(spec["base"] * factor * (0.7 + 0.6 * r()))
        if kind == "max":
            return int(r() ** 3 * 72)
        return 10 + int(r() * spec["base"] * factor)


def insert_rows(table: str, cols: tuple[str, ...], rows, batch: int = 50_000) -> int:
    """COPY on PostgreSQL, executemany in batches on SQLite, in the caller's transaction."""
    from django.db import connection

    total = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    total += 1
            return total
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        buf = []
        for row in rows:
            buf.append(row)
            if len(buf) >= batch:
                cur.executemany(sql, buf)
                total += len(buf)
                buf.clear()
        if buf:
            cur.executemany(sql, buf)
            total += len(buf)
    return total


def generate(meta: dict, specs, form, version, periods, by_code, entry, reviewer) -> dict:
    """Submissions and values with bulk SQL. Returns the last quarter's sent submissions by unit."""
    from django.db import connection, transaction

    from dxhub.org.models import Unit
    from dxhub.reporting.models import Submission, Value

    rng = random.Random(SEED)
    units = list(Unit.objects.order_by("pk").values_list("pk", "depth"))
    factor = {pk: rng.lognormvariate(0, 0.6) * (1.5 if depth <= 2 else 1.0) for pk, depth in units}
    order = [pk for pk, _d in units]
    rng.shuffle(order)
    n = len(order)
    n_absent, n_draft, n_sent = round(n * LAST_ABSENT), round(n * LAST_DRAFT), max(1, round(n * LAST_SUBMITTED))
    last_status = {}
    for i, pk in enumerate(order):
        if i < n_absent:
            continue
        if i < n_absent + n_draft:
            last_status[pk] = Submission.Status.DRAFT
        elif i < n_absent + n_draft + n_sent:
            last_status[pk] = Submission.Status.SUBMITTED
        else:
            last_status[pk] = Submission.Status.APPROVED

    sqlite = connection.vendor == "sqlite"

    def ts(day: dt.date, seconds: float):
        value = dt.datetime.combine(day, dt.time(1, 0), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
        return connection.ops.adapt_datetimefield_value(value) if sqlite else value

    def date(day: dt.date):
        return connection.ops.adapt_datefield_value(day) if sqlite else day

    cols = (
        "unit_id",
        "form_id",
        "form_version_id",
        "period",
        "deadline",
        "status",
        "revision",
        "note",
        "return_reason",
        "submitted_at",
        "submitted_by_id",
        "decided_at",
        "decided_by_id",
        "updated_at",
        "updated_by_id",
    )
    A, SENT, D = Submission.Status.APPROVED, Submission.Status.SUBMITTED, Submission.Status.DRAFT

    def submission_rows():
        for qi, period in enumerate(periods):
            last = qi == len(periods) - 1
            deadline = period.deadline(form.deadline_days)
            for pk, _depth in units:
                status = last_status.get(pk) if last else A
                if status is None:
                    continue
                sent = period.end + dt.timedelta(days=1)
                sent_s = rng.uniform(0, 14 * 86400)  # some after the 10-day deadline
                if status == A:
                    decided_s = sent_s + rng.uniform(3600, 5 * 86400)
                    row = (
                        ts(sent, sent_s),
                        entry.pk,
                        ts(sent, decided_s),
                        reviewer.pk,
                        ts(sent, decided_s),
                        reviewer.pk,
                    )
                elif status == SENT:
                    row = (ts(sent, sent_s), entry.pk, None, None, ts(sent, sent_s), entry.pk)
                else:
                    row = (None, None, None, None, ts(sent, sent_s), entry.pk)
                yield (pk, form.pk, version.pk, period.code, date(deadline), status, 0, "", "", *row)

    t0 = time.perf_counter()
    with transaction.atomic():
        n_subs = insert_rows(Submission._meta.db_table, cols, submission_rows())
    meta["submissions_s"] = time.perf_counter() - t0
    print(f"  submissions: {n_subs:,} in {meta['submissions_s']:.1f} s", flush=True)

    maker = ValueMaker(specs, by_code, rng)
    q_index = {p.code: i for i, p in enumerate(periods)}
    half = len(specs) // 2
    subs = list(Submission.objects.filter(form=form).order_by("pk").values_list("pk", "unit_id", "period", "status"))

    def value_rows():
        for sub_id, unit_id, period, status in subs:
            count = half if status == D else None
            for ind_id, num in maker.numbers(factor[unit_id], q_index[period], count):
                yield (sub_id, ind_id, num, "", "")

    t0 = time.perf_counter()
    with transaction.atomic():
        n_values = insert_rows(
            Value._meta.db_table, ("submission_id", "indicator_id", "num", "text", "comment"), value_rows()
        )
    meta["values_s"] = time.perf_counter() - t0
    meta["values_per_s"] = n_values / meta["values_s"] if meta["values_s"] else None
    print(f"  values: {n_values:,} in {meta['values_s']:.1f} s", flush=True)
    return {"factor": factor, "maker": maker}


def analyse(full: bool) -> float:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM (ANALYZE)" if full else "ANALYZE")
        else:
            cur.execute("ANALYZE")
            if full:
                cur.execute("PRAGMA optimize")
                cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - t0


def sizes(meta: dict):
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT pg_database_size(current_database()), pg_total_relation_size('reporting_value'), "
                "pg_total_relation_size('reporting_rollup')"
            )
            total, values, rollups = cur.fetchone()
        else:
            name = connection.settings_dict["NAME"]
            total = sum(Path(f"{name}{s}").stat().st_size for s in ("", "-wal") if Path(f"{name}{s}").exists())
            try:  # the dbstat table is optional in SQLite builds
                cur.execute(
                    "SELECT tbl_name, name FROM sqlite_master WHERE tbl_name IN ('reporting_value', 'reporting_rollup')"
                )
                owners = {name: tbl for tbl, name in cur.fetchall()}
                cur.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
                by_table: dict[str, int] = {}
                for obj, size in cur.fetchall():
                    if obj in owners:
                        by_table[owners[obj]] = by_table.get(owners[obj], 0) + size
                values, rollups = by_table.get("reporting_value"), by_table.get("reporting_rollup")
            except Exception:
                values = rollups = None
    meta["db_size_mb"] = total / 1e6
    meta["values_mb"] = values / 1e6 if values else None
    meta["rollups_mb"] = rollups / 1e6 if rollups else None


# --- worker ----------------------------------------------------------------------------------------------


def main_worker(args) -> int:
    import django

    sys.path.insert(0, args.src or str(PROJECT_DIR / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxhub.settings")
    django.setup()
    import dxhub

    print(f"dxhub from {Path(dxhub.__file__).parent}", flush=True)

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone
    from openpyxl import load_workbook

    from dxhub.accounts import scoping
    from dxhub.accounts.models import RoleAssignment, User
    from dxhub.accounts.roles import Role
    from dxhub.audit.context import acting_as
    from dxhub.org import tree
    from dxhub.org.models import Unit
    from dxhub.reporting import excel, progress, rollups, submissions
    from dxhub.reporting.models import Indicator, Rollup, Submission, Value
    from dxhub.reporting.periods import Period

    db = args.worker
    meta: dict = {"db": db, "vendor": connection.vendor}

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    meta["migrate_s"] = time.perf_counter() - t0

    print(f"seed_scale --units {args.units} --people 0 …", flush=True)
    buf = io.StringIO()
    t0 = time.perf_counter()
    call_command("seed_scale", units=args.units, people=0, stdout=buf)
    meta["seed_s"] = time.perf_counter() - t0
    print("  " + buf.getvalue().strip().replace("\n", "\n  "), flush=True)

    root = Unit.objects.get(depth=1)
    reviewer = User.objects.create_user("bench_reviewer", full_name="Bench reviewer")
    RoleAssignment.objects.create(user=reviewer, unit=root, role=Role.REVIEWER)
    entry = User.objects.create_user("bench_entry", full_name="Bench data entry")
    RoleAssignment.objects.create(user=entry, unit=root, role=Role.DATA_ENTRY)

    print(f"catalogue, submissions and values ({args.indicators} indicators × {args.quarters} quarters) …", flush=True)
    specs = indicator_specs(args.indicators)
    with acting_as(username="bench"):
        t0 = time.perf_counter()
        form, version, periods, by_code = create_catalogue(specs, args.quarters)
        meta["catalogue_s"] = time.perf_counter() - t0
        gen = generate(meta, specs, form, version, periods, by_code, entry, reviewer)
    meta["periods"] = [p.code for p in periods]

    meta["analyze_pre_s"] = analyse(full=False)
    print("rollups.rebuild() …", flush=True)
    t0 = time.perf_counter()
    n_rollups = rollups.rebuild()
    meta["rebuild_s"] = time.perf_counter() - t0
    print(f"  {n_rollups:,} roll-up rows in {meta['rebuild_s']:.1f} s", flush=True)
    meta["analyze_s"] = analyse(full=True)
    sizes(meta)

    n_units, n_subs = Unit.objects.count(), Submission.objects.count()
    n_values, n_rollups = Value.objects.count(), Rollup.objects.count()
    meta["counts"] = f"{n_units:,} / {n_subs:,}"
    meta["counts2"] = f"{n_values:,} / {n_rollups:,}"
    meta["n"] = {"units": n_units, "submissions": n_subs, "values": n_values, "rollups": n_rollups}
    print(
        f"units {n_units:,}, submissions {n_subs:,}, values {n_values:,}, roll-up rows {n_rollups:,}; "
        f"database {meta['db_size_mb']:,.0f} MB",
        flush=True,
    )

    sizes_l2: dict[str, int] = {}
    for path in Unit.objects.filter(depth__gte=2).values_list("path", flat=True):
        prefix = path[: 2 * tree.STEP]
        sizes_l2[prefix] = sizes_l2.get(prefix, 0) + 1
    l2_path = max(sorted(sizes_l2), key=lambda p: sizes_l2[p])
    l2 = Unit.objects.get(path=l2_path)
    meta["l2_label"] = f"{l2.code} ({sizes_l2[l2_path]:,})"

    bench = ReportingBench(db, args.repeat, args.slow_ms)
    m = bench.measure
    last = periods[-1]
    print(f"measuring ({args.repeat} runs after one warm-up) …", flush=True)

    # 1. Approving one sent submission of a deep unit, roll-up update included.
    sent = list(
        Submission.objects.filter(form=form, period=last.code, status=Submission.Status.SUBMITTED).values_list(
            "pk", "unit__depth"
        )
    )
    deepest = min(5, max((d for _pk, d in sent), default=0))
    pool = [pk for pk, d in sorted(sent) if d == deepest] + [pk for pk, d in sorted(sent) if d != deepest]
    n_agg = sum(1 for s in specs if s["kind"] != "text")
    meta["approve_depth"] = deepest

    def next_submission():
        scoping.forget(reviewer)
        return Submission.objects.select_related("unit").get(pk=pool.pop(0))

    def approve(sub):
        with acting_as(user=reviewer):
            submissions.approve(reviewer, [sub])
        return sub.unit.depth * n_agg

    m("approve", f"1. approve one sent submission (level-{deepest} unit) + roll-ups", approve, setup=next_submission)

    # 2. One indicator, one period, across the whole tree.
    sum_ind = by_code[next(s["code"] for s in specs if s["kind"] == "sum")]
    m(
        "rollup_tree",
        f"2. Rollup of one indicator × period, whole tree ({sum_ind.code})",
        lambda: len(list(Rollup.objects.filter(indicator=sum_ind, period=last.code).values_list("unit_id", "value"))),
    )
    reviewer_client, entry_client = Client(), Client()
    reviewer_client.force_login(reviewer)
    entry_client.force_login(entry)

    def get(client, url):
        def run():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} -> {response.status_code}")
            return f"{len(response.content) / 1024:.0f} KB"

        return run

    m(
        "page_figures",
        "2. GET indicator figures page (root, one period)",
        get(reviewer_client, f"/bao-cao/chi-tieu/{sum_ind.code}/so-lieu/?unit={root.code}&period={last.code}"),
    )
    m(
        "page_dashboard",
        "2. GET reporting dashboard of the root",
        get(reviewer_client, f"/bao-cao/?unit={root.code}&form={FORM_CODE}&period={last.code}"),
    )

    # 3. Completeness of the largest level-2 unit (and of the root).
    m(
        "completeness_l2",
        f"3. progress.completeness(level-2 unit, {len(periods)} quarters)",
        lambda: progress.completeness(l2, form, periods)[-1].expected,
    )
    m(
        "completeness_root",
        f"3. progress.completeness(root, {len(periods)} quarters)",
        lambda: progress.completeness(root, form, periods)[-1].expected,
    )

    def whole_matrix():
        units = list(progress.expected_units(l2, form, last).order_by("path"))
        grid = progress.matrix(units, form, periods)
        return sum(len(row) for row in grid.values())

    m("matrix_l2", "3. progress.matrix: every expected unit of level-2 × quarters", whole_matrix)
    m(
        "page_completeness",
        "3. GET completeness page of the level-2 unit",
        get(reviewer_client, f"/bao-cao/tien-do/?unit={l2.code}&form={FORM_CODE}"),
    )
    m("page_queue", "3. GET review queue (reviewer on the root)", get(reviewer_client, "/bao-cao/cho-duyet/"))
    m("page_my_work", "3. GET my work (data entry on the root)", get(entry_client, "/bao-cao/viec-cua-toi/"))

    # 4. Excel: a template for the whole tree for the current quarter (it has started and has no
    # submission yet), filled with openpyxl, uploaded; every run starts from no submissions.
    current = Period.containing("Q", timezone.localdate())
    print(f"Excel template for {current.code}, whole tree …", flush=True)
    scope = excel.scope(entry, root, form, current.code, subtree=True)
    t0 = time.perf_counter()
    template = excel.template(scope)
    meta["template_s"] = time.perf_counter() - t0
    meta["template_mb"] = len(template) / 1e6
    t0 = time.perf_counter()
    wb = load_workbook(io.BytesIO(template))
    ws = wb[excel.SHEET]
    spec_by_code = {s["code"]: s for s in specs}
    maker: ValueMaker = gen["maker"]
    for n_row, unit in enumerate(scope.units):
        r = excel.FIRST_ROW + n_row
        pending: dict = {}
        for c, ind in enumerate(scope.indicators, start=excel.FIXED + 1):
            spec = spec_by_code[ind.code]
            ws.cell(r, c, maker.cell(spec["kind"], spec, gen["factor"][unit.pk], pending))
    out = io.BytesIO()
    wb.save(out)
    wb.close()
    del wb, ws
    data = out.getvalue()
    meta["fill_s"] = time.perf_counter() - t0
    meta["upload_file_mb"] = len(data) / 1e6
    meta["excel_shape"] = f"{len(scope.units):,} × {len(scope.indicators)}"
    default_limit = 10 * 1024 * 1024
    meta["upload_over_default_limit"] = len(data) > default_limit
    print(
        f"  template {meta['template_s']:.1f} s ({meta['template_mb']:.1f} MB), filled in {meta['fill_s']:.1f} s: "
        f"{meta['upload_file_mb']:.1f} MB "
        f"({'over' if meta['upload_over_default_limit'] else 'within'} the default 10 MB upload limit; "
        f"this run allows {settings.DXHUB_MAX_UPLOAD_BYTES // 1048576} MB)",
        flush=True,
    )

    def clear_current():
        with connection.cursor() as cur:
            cur.execute(
                "DELETE FROM reporting_value WHERE submission_id IN "
                "(SELECT id FROM reporting_submission WHERE form_id = %s AND period = %s)",
                [form.pk, current.code],
            )
            cur.execute("DELETE FROM reporting_submission WHERE form_id = %s AND period = %s", [form.pk, current.code])
        scoping.forget(entry)
        return SimpleUploadedFile(
            "bench.xlsx", data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def upload(f):
        with acting_as(user=entry):
            result = excel.upload(entry, f, scope)
        return result.values

    def openpyxl_pass():
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return sum(1 for _ in book[excel.SHEET].iter_rows(values_only=True))
        finally:
            book.close()

    up = m("excel_upload", f"4. excel.upload: {len(scope.units):,} rows, drafts created", upload, setup=clear_current)
    clear_current()
    rd = m("excel_openpyxl", "4. openpyxl read-only pass over the same file (rows)", openpyxl_pass)
    if up.get("median_ms") and rd.get("median_ms"):
        meta["upload_ratio"] = up["median_ms"] / rd["median_ms"]

    # 5. Roll-up rebuild: one quarter (the repair command's --period), then everything once more.
    m(
        "rebuild_period",
        f"5. rollups.rebuild('{last.code}'): one quarter ({min(args.repeat, 3)} runs)",
        lambda: rollups.rebuild(last.code),
        repeat=min(args.repeat, 3),
    )
    m("rebuild_full", "5. rollups.rebuild(): every quarter (1 run)", rollups.rebuild, once=True)

    bench.print_table(meta)
    slow_file = OUT_DIR / f"reporting-slow-{db}.txt"
    if bench.slow_notes:
        text = "\n".join(bench.slow_notes)
        slow_file.write_text(text, encoding="utf-8")
        print(f"\nOperations slower than {args.slow_ms:.0f} ms (slowest SQL and its plan):\n{text}", flush=True)
    else:
        slow_file.unlink(missing_ok=True)

    for op in bench.ops:  # keep the JSON readable: huge multi-row INSERTs are cut short
        if len(op.get("slowest_sql") or "") > 5000:
            op["slowest_sql"] = op["slowest_sql"][:5000] + " …"
    meta["indicators"] = {
        kind: sum(1 for s in specs if s["kind"] == kind) for kind in ("den", "num", "pct", "sum", "bool", "max", "min")
    }
    meta["aggregations"] = dict(Indicator.objects.values_list("aggregation").annotate(n=Count("pk")).order_by())
    Path(args.out).write_text(json.dumps({"meta": meta, "ops": bench.ops}, indent=1, ensure_ascii=False, default=str))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slow-ms", type=float, default=300.0, help="explain operations slower than this")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.quarters < 1:
        parser.error("--quarters must be at least 1")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
