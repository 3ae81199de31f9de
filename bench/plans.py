"""Plans benchmark at army-wide scale (20 000 units × 200 tasks ≈ 4 million assignments, 400 000 target shares).

Usage (from the project directory)::

    .venv/bin/python bench/plans.py [--db sqlite|postgres|both] [--units 20000] [--tasks 200]
                                    [--targets 20] [--quarters 6] [--repeat 5] [--slow-ms 300]

Like ``run.py``, ``reporting.py`` and ``assessment.py``, every database gets a dedicated,
recreated database (SQLite file ``var/bench/plans.sqlite3``, PostgreSQL database
``dxhub_bench_plans``) and the script re-runs itself as ``plans.py --worker <db>`` on a copy
of ``src/`` (``var/bench/plans-src/``) with DATABASE_URL and DXHUB_DATA_DIR set. The worker
migrates, seeds the unit tree with ``seed_scale --people 0``, creates the reporting catalogue of
``reporting.py`` (60 indicators, form ``BENCH-Q``) and its approved roll-ups with set-based SQL
(level by level, bottom up), issues a programme with its tasks and targets through the plans
services, cascades every task and target to every unit with ``INSERT … SELECT`` (one statement
per tree level, each row's parent being the parent unit's row), refreshes the targets once, and
then times the heat map, the overdue lists, target progress after an approval, a progress
report at a deep leaf, handing a task down to every unit and the daily target refresh. Figures
only: nothing is asserted about timings. Results: printed tables, ``var/bench/plans-results.md``
(both databases side by side), ``var/bench/plans-<db>.json`` and, for operations slower than
``--slow-ms``, the slowest SQL with its plan in ``var/bench/plans-slow-<db>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench.reporting import ReportingBench, ValueMaker, analyse, indicator_specs, insert_rows  # noqa: E402
from bench.run import DB_LABEL, OUT_DIR, PG_SERVER, code_version, fmt_ms, fmt_rows, markdown_tables  # noqa: E402

SQLITE_FILE = OUT_DIR / "plans.sqlite3"
PG_DB = "dxhub_bench_plans"
SRC_COPY = OUT_DIR / "plans-src"
SEED = 13
N_INDICATORS = 60  # the reporting benchmark's catalogue (its form BENCH-Q)
PLAN_START, PLAN_END = dt.date(2024, 1, 1), dt.date(2030, 12, 31)
TARGET_START = dt.date(2025, 1, 1)
# Assignment states, decided per task and group of units (a level-4 unit and its subtree move together):
PAST_DONE = 78  # % of the groups done on a task whose deadline has passed (the rest are overdue)
FUTURE_DONE, FUTURE_NOT_STARTED = 9, 6  # % of the groups done early / not started on a running task
PAST_SHARE = 0.45  # share of the tasks whose deadline has passed: 45 % × 22 % ≈ 10 % overdue, ≈ 40 % done
DUE_STEP = 5  # days: a unit's deadline is this much earlier per level below the ministry


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
    """A copy of ``src/`` taken once, so both databases measure the same code even while
    ``src/`` is being edited."""
    import shutil

    shutil.rmtree(SRC_COPY, ignore_errors=True)
    shutil.copytree(PROJECT_DIR / "src", SRC_COPY / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return SRC_COPY / "src"


def run_worker(db: str, args, src: Path) -> dict | None:
    url = prepare_sqlite() if db == "sqlite" else prepare_postgres()
    out = OUT_DIR / f"plans-{db}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DXHUB_DATA_DIR=str(OUT_DIR),
        DXHUB_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="dxhub.settings",
        DXHUB_LOG_LEVEL=env.get("DXHUB_LOG_LEVEL", "WARNING"),
        PYTHONPATH=os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p),
    )
    env.pop("DXHUB_DEBUG", None)  # DEBUG off, as in production
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", db, "--out", str(out), "--src", str(src)]
    cmd += ["--units", str(args.units), "--tasks", str(args.tasks), "--targets", str(args.targets)]
    cmd += ["--quarters", str(args.quarters), "--repeat", str(args.repeat), "--slow-ms", str(args.slow_ms)]
    print(f"\n### {DB_LABEL[db]}: {url}", flush=True)
    rc = subprocess.run(cmd, env=env, cwd=PROJECT_DIR, check=False).returncode
    if rc != 0 or not out.exists():
        print(f"!! {db} worker failed (exit code {rc})", flush=True)
        return None
    return json.loads(out.read_text())


SETUP_ROWS = [
    ("migrate (s)", "migrate_s", "{:,.1f}"),
    ("seed_scale --people 0: units (s)", "seed_s", "{:,.1f}"),
    ("catalogue: 60 indicators, formulas, form (s)", "catalogue_s", "{:,.1f}"),
    ("roll-ups: INSERT … SELECT, bottom up (s)", "rollups_s", "{:,.1f}"),
    ("plan, tasks, targets through the services (s)", "services_s", "{:,.1f}"),
    ("target shares: INSERT … SELECT per level (s)", "shares_s", "{:,.1f}"),
    ("assignments: INSERT … SELECT per level (s)", "assignments_insert_s", "{:,.1f}"),
    ("assignments: parents rolled up, UPDATE … FROM per level (s)", "assignments_rollup_s", "{:,.1f}"),
    ("  assignments generated in all (s)", "assignments_s", "{:,.1f}"),
    ("  assignments inserted per second", "assignments_per_s", "{:,.0f}"),
    ("ANALYZE after the load (s)", "analyze_pre_s", "{:,.1f}"),
    ("VACUUM ANALYZE / ANALYZE + optimize after the first refresh (s)", "analyze_s", "{:,.1f}"),
    ("database size at the end (MB)", "db_size_mb", "{:,.0f}"),
    ("  of which assignments + indexes (MB)", "assignments_mb", "{:,.0f}"),
    ("  of which target shares + indexes (MB)", "shares_mb", "{:,.0f}"),
    ("  of which roll-ups + indexes (MB)", "rollups_mb", "{:,.0f}"),
    ("units / tasks / assignments", "counts", "{}"),
    ("assignments: done / overdue / behind / due in 7 days", "states", "{}"),
    ("targets / shares / roll-up rows", "counts2", "{}"),
    ("shares by status after the first refresh", "share_states", "{}"),
    ("largest level-2 unit (units / assignments in subtree)", "l2_label", "{}"),
    ("load average (5 min) at start → end of the worker", "load_label", "{}"),
]


def combined_markdown(results: dict[str, dict], args, version: str) -> str:
    dbs = [db for db in ("sqlite", "postgres") if db in results]
    lines = [
        f"## dxhub plans benchmark — {args.units:,} units × {args.tasks} tasks, {args.targets} targets, "
        f"median and p95 of {args.repeat} runs after one warm-up (ms)",
        "",
        f"Code {version}. Run {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} CPU cores; p95 is nearest-rank"
        + (f" (with {args.repeat} runs: the slowest)." if args.repeat < 20 else ".")
        + " Rows marked “1 run” were timed once.",
        "",
    ]
    lines += markdown_tables(results, dbs, SETUP_ROWS, sql=True)
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
    path = OUT_DIR / "plans-results.md"
    path.write_text(md, encoding="utf-8")
    print("\n" + md)
    print(f"(written to {path})")
    return 0 if len(results) == len(dbs) else 1


# --- worker: timing -------------------------------------------------------------------------------


class PlansBench(ReportingBench):
    """``reporting.py``'s bench (warm-up run with the SQL logged, per-run untimed ``setup``,
    one-off operations) with this benchmark's setup table."""

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


# --- worker: data generation ------------------------------------------------------------------------


def execute(sql: str, params=()) -> int:
    """One statement in the caller's transaction; its row count."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.rowcount


def adapters():
    """(date, datetime) → what a raw statement takes on this database (SQLite: text)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
    return (lambda d: d), (lambda t: t)


def helper_tables(units: list[tuple], rng: random.Random) -> dict:
    """``bench_unit``: every unit with its child count, a pseudo-random number ``h``, the number
    ``g`` of its group (its level-4 ancestor, or itself above level 4: the units that move
    together) and a per-level-2 ``bias`` of its figures. Returns {id: (depth, h, g, bias)}."""
    from django.db import transaction

    kids = Counter(parent for _pk, parent, _depth, _path in units if parent is not None)
    by_path = {path: pk for pk, _parent, _depth, path in units}
    h = {pk: rng.randrange(1_000_000) for pk, *_rest in units}
    bias = {}
    for pk, _parent, depth, _path in units:
        if depth == 2:
            bias[pk] = rng.randint(-12, 12)
    rows, info = [], {}
    for pk, parent, depth, path in units:
        top = by_path.get(path[:8]) if depth >= 2 else None
        group = by_path[path[:16]] if depth >= 4 else pk
        b = bias.get(top, 0) if top is not None else 0
        rows.append((pk, parent, depth, kids.get(pk, 0), h[pk], h[group] % 100, b))
        info[pk] = (depth, h[pk], h[group] % 100, b)
    with transaction.atomic():
        execute(
            "CREATE TABLE bench_unit (id BIGINT PRIMARY KEY, parent_id BIGINT, depth INTEGER NOT NULL, "
            "kids INTEGER NOT NULL, h INTEGER NOT NULL, g INTEGER NOT NULL, bias INTEGER NOT NULL)"
        )
        insert_rows("bench_unit", ("id", "parent_id", "depth", "kids", "h", "g", "bias"), rows)
        execute("CREATE INDEX bench_unit_depth ON bench_unit (depth, id)")
    return info


def drop_helpers():
    from django.db import transaction

    with transaction.atomic():
        for table in ("bench_prog", "bench_sched", "bench_period", "bench_ind", "bench_unit"):
            execute(f"DROP TABLE IF EXISTS {table}")


# Own figures of a unit for an indicator and quarter (q = 0 … oldest): percentages that grow 4
# points a quarter, counts that grow 5 % a quarter, yes/no, and a weight (the denominator).
_PCT = "(30 + u.bias + (u.h + i.h) %% 45 + 4 * p.q)"
_OWN = (
    f"CASE WHEN i.agg = 'weighted_avg' THEN (CASE WHEN {_PCT} > 100 THEN 100 WHEN {_PCT} < 0 THEN 0 ELSE {_PCT} END)"
    " WHEN i.agg = 'share_yes' THEN (u.h + i.h) %% 2"
    " ELSE (1 + (u.h * 7 + i.h) %% 200) * (20 + p.q) / 20 END"
)
_WEIGHT = "(10 + (u.h * 3 + i.h) %% 490)"
_ROLLUP_LEVEL = f"""
INSERT INTO reporting_rollup
    (unit_id, indicator_id, period, n, total, weighted_total, weight_total, yes, low, high, value)
SELECT x.unit_id, x.indicator_id, x.period, SUM(x.n), SUM(x.total), SUM(x.wt), SUM(x.w), SUM(x.yes),
       MIN(x.low), MAX(x.high),
       CASE bi.agg
           WHEN 'weighted_avg' THEN ROUND(1.0 * SUM(x.wt) / SUM(x.w), 4)
           WHEN 'share_yes' THEN ROUND(100.0 * SUM(x.yes) / SUM(x.n), 4)
           WHEN 'avg' THEN ROUND(1.0 * SUM(x.total) / SUM(x.n), 4)
           WHEN 'max' THEN MAX(x.high)
           WHEN 'min' THEN MIN(x.low)
           ELSE SUM(x.total)
       END
FROM (
    SELECT u.id AS unit_id, i.id AS indicator_id, p.code AS period, 1 AS n, {_OWN} AS total,
           ({_OWN}) * {_WEIGHT} AS wt, {_WEIGHT} AS w,
           CASE WHEN i.agg = 'share_yes' THEN (u.h + i.h) %% 2 ELSE 0 END AS yes, {_OWN} AS low, {_OWN} AS high
    FROM bench_unit u CROSS JOIN bench_ind i CROSS JOIN bench_period p
    WHERE u.depth = %s AND (i.is_target = 1 OR p.is_last = 1)
    UNION ALL
    SELECT c.parent_id, r.indicator_id, r.period, r.n, r.total, r.weighted_total, r.weight_total, r.yes, r.low, r.high
    FROM reporting_rollup r JOIN bench_unit c ON c.id = r.unit_id
    WHERE c.depth = %s
) x
JOIN bench_ind bi ON bi.id = x.indicator_id
GROUP BY x.unit_id, x.indicator_id, x.period, bi.agg
"""


def make_rollups(meta, periods, target_ids: set[int], max_depth: int, rng: random.Random) -> int:
    """Approved roll-ups as ``rollups.rebuild`` would leave them after every unit reported its
    own figures: the target indicators over every quarter, the other indicators over the last
    quarter only (what an approval of that quarter updates). Level by level from the leaves up,
    each level the units' own figures plus their children's roll-ups."""
    from django.db import transaction

    from dxhub.reporting.models import Indicator, Rollup

    inds = list(Indicator.objects.exclude(aggregation="none").values_list("pk", "aggregation"))
    t0 = time.perf_counter()
    with transaction.atomic():
        execute(
            "CREATE TABLE bench_ind (id BIGINT PRIMARY KEY, agg VARCHAR(20) NOT NULL, h INTEGER NOT NULL, "
            "is_target INTEGER NOT NULL)"
        )
        insert_rows(
            "bench_ind",
            ("id", "agg", "h", "is_target"),
            [(pk, agg, rng.randrange(1000), int(pk in target_ids)) for pk, agg in inds],
        )
        execute(
            "CREATE TABLE bench_period (code VARCHAR(10) PRIMARY KEY, q INTEGER NOT NULL, is_last INTEGER NOT NULL)"
        )
        insert_rows(
            "bench_period",
            ("code", "q", "is_last"),
            [(p.code, q, int(q == len(periods) - 1)) for q, p in enumerate(periods)],
        )
        for depth in range(max_depth, 0, -1):
            execute(_ROLLUP_LEVEL, [depth, depth + 1])
    meta["rollups_s"] = time.perf_counter() - t0
    n = Rollup.objects.count()
    print(f"  roll-ups: {n:,} rows in {meta['rollups_s']:.1f} s", flush=True)
    return n


def create_plan(admin, root, level2, n_tasks: int, today: dt.date):
    """The ministry's programme with 6 objectives and ``n_tasks`` tasks through the services; task
    deadlines spread so that ``PAST_SHARE`` of them have passed."""
    from dxhub.plans import services

    plan = services.save_plan(
        admin,
        services.PlanData(
            code="BENCH-DA",
            title="Đề án chuyển đổi số trong Bộ Quốc phòng giai đoạn 2024–2030 (benchmark)",
            kind="programme",
            start=PLAN_START,
            end=PLAN_END,
            owner=root,
            number="999/QĐ-BQP",
            objectives=[(f"MT{k}", f"Mục tiêu cụ thể {k}") for k in range(1, 7)],
            themes=[(2025, "Hoàn thiện hạ tầng số"), (2026, "Dữ liệu số và nền tảng số")],
        ),
    )
    objectives = list(plan.objectives.order_by("position"))
    past_days = 450
    span = past_days / PAST_SHARE
    tasks = []
    for i in range(n_tasks):
        due = today - dt.timedelta(days=past_days) + dt.timedelta(days=int(i * span / n_tasks))
        due = min(due, PLAN_END)
        start = max(PLAN_START, due - dt.timedelta(days=150 + (i * 37) % 480))
        lead = root if i % 3 == 0 else level2[i % len(level2)]
        tasks.append(
            services.save_task(
                admin,
                plan,
                services.TaskData(
                    code=f"NV{i + 1:03d}",
                    title=f"Nhiệm vụ chuyển đổi số số {i + 1}: triển khai nền tảng, dữ liệu và hạ tầng số",
                    lead=lead,
                    start=start,
                    due=due,
                    objective=objectives[i % len(objectives)],
                    priority=1 + i % 3,
                    expected_output="Báo cáo kết quả thực hiện",
                ),
            )
        )
    return plan, tasks


def create_targets(admin, plan, root, pct_codes: list[str], sum_codes: list[str], last: str):
    """Targets through ``targets.create_target`` (each with the ministry's own share): the
    percentages at 80 % by the end of 2026, the counts at the root's last figure plus 15 % by the
    end of 2026 or of 2027."""
    from dxhub.plans import targets
    from dxhub.reporting.models import Indicator, Rollup

    out = []
    objectives = list(plan.objectives.order_by("position"))
    for j, code in enumerate(pct_codes + sum_codes):
        ind = Indicator.objects.get(code=code)
        if code in pct_codes:
            value, deadline = "80", dt.date(2026, 12, 31)
        else:
            figure = Rollup.objects.get(unit=root, indicator=ind, period=last).value
            value = str(int(figure * Decimal("1.15")))
            deadline = dt.date(2026 + j % 2, 12, 31)
        out.append(
            targets.create_target(
                admin,
                plan,
                targets.TargetData(
                    code=f"CT{j + 1:02d}",
                    title=f"Chỉ tiêu kế hoạch {j + 1}: {ind.name}"[:300],
                    indicator_code=code,
                    value=value,
                    start=TARGET_START,
                    deadline=deadline,
                    objective=objectives[j % len(objectives)],
                ),
            )
        )
    return out


_SHARES_LEVEL = """
INSERT INTO plans_unittarget
    (target_id, unit_id, parent_id, value, deadline, current, period, attainment, forecast, status,
     refreshed_at, assigned_by_id)
SELECT t.id, u.id, p.id,
       CASE WHEN ri.aggregation = 'sum' AND r.value IS NOT NULL
            THEN ROUND(r.value * (100 + u.h %% 25) / 100.0, 0) ELSE t.value END,
       t.deadline, NULL, '', NULL, NULL, 'no_data', NULL, %s
FROM bench_unit u
CROSS JOIN plans_target t
JOIN reporting_indicator ri ON ri.id = t.indicator_id
JOIN plans_unittarget p ON p.target_id = t.id AND p.unit_id = u.parent_id
LEFT JOIN reporting_rollup r ON r.indicator_id = t.indicator_id AND r.period = %s AND r.unit_id = u.id
WHERE u.depth = %s
"""


def cascade_shares(meta, admin, last: str, max_depth: int) -> int:
    """Every target handed to every unit, level by level: a unit's share has the parent unit's
    share as parent; percentages keep the target's value, counts are the unit's last figure plus
    0–24 %."""
    from django.db import transaction

    from dxhub.plans.models import UnitTarget

    t0 = time.perf_counter()
    with transaction.atomic():
        for depth in range(2, max_depth + 1):
            execute(_SHARES_LEVEL, [admin.pk, last, depth])
    meta["shares_s"] = time.perf_counter() - t0
    n = UnitTarget.objects.count()
    print(f"  target shares: {n:,} in {meta['shares_s']:.1f} s", flush=True)
    return n


_ASSIGN_LEVEL = (
    """
INSERT INTO plans_assignment
    (task_id, unit_id, parent_id, start, due, status, progress, children_count, behind_from, completed_at,
     last_note, updated_at, assigned_by_id, assigned_at)
SELECT z.task_id, z.unit_id, z.parent_id, z.start, z.due, z.status, z.progress, z.kids,
       CASE WHEN z.status = 'done' THEN NULL ELSE
           (SELECT b.behind FROM bench_prog b
            WHERE b.task_id = z.task_id AND b.depth = z.depth AND b.progress = z.progress) END,
       CASE WHEN z.status = 'done' THEN z.done_at END,
       '', NULL, %s, %s
FROM (
    SELECT y.task_id, y.unit_id, y.parent_id, y.start, y.due, y.kids, y.depth, y.done_at, y.status,
           CASE WHEN y.status = 'done' THEN 100
                WHEN y.status = 'not_started' THEN 0
                WHEN y.raw < 5 THEN 5
                WHEN y.raw > 95 THEN 95
                ELSE y.raw - y.raw %% 5 END AS progress
    FROM (
        SELECT x.*,
               CASE WHEN x.past = 1 AND x.r < {past_done} THEN 'done'
                    WHEN x.past = 0 AND x.r < {future_done} THEN 'done'
                    WHEN x.past = 0 AND x.r < {future_open} THEN 'not_started'
                    ELSE 'in_progress' END AS status
        FROM (
            SELECT s.task_id, u.id AS unit_id, {parent} AS parent_id, s.start, s.due, u.kids, u.depth,
                   s.done_at, s.past, (u.g + s.th) %% 100 AS r, s.elapsed + u.h %% 61 - 40 AS raw
            FROM bench_unit u
            JOIN bench_sched s ON s.depth = u.depth
            {join}
            WHERE u.depth = %s
        ) x
    ) y
) z
ORDER BY z.task_id, z.unit_id
""".replace("{past_done}", str(PAST_DONE))
    .replace("{future_done}", str(FUTURE_DONE))
    .replace("{future_open}", str(FUTURE_DONE + FUTURE_NOT_STARTED))
)

# A parent's progress, status and completion from its children, as ``services.roll_up`` leaves them
# (a parent whose children are all done is done itself, at the last child's completion).
_ROLL_LEVEL = """
UPDATE plans_assignment SET
    progress = CASE WHEN agg.n_done = agg.n THEN 100 WHEN agg.avgp > 99 THEN 99 ELSE agg.avgp END,
    status = CASE WHEN agg.n_done = agg.n THEN 'done' WHEN agg.n_started > 0 THEN 'in_progress'
                  ELSE 'not_started' END,
    completed_at = CASE WHEN agg.n_done = agg.n THEN agg.last_done END
FROM (
    SELECT c.parent_id AS pid, COUNT(*) AS n,
           SUM(CASE WHEN c.status = 'done' THEN 1 ELSE 0 END) AS n_done,
           SUM(CASE WHEN c.status <> 'not_started' THEN 1 ELSE 0 END) AS n_started,
           CAST(ROUND(AVG(c.progress)) AS INTEGER) AS avgp, MAX(c.completed_at) AS last_done
    FROM plans_assignment c JOIN bench_unit cu ON cu.id = c.unit_id
    WHERE cu.depth = %s
    GROUP BY c.parent_id
) agg
WHERE plans_assignment.id = agg.pid
"""

_ROLL_BEHIND = """
UPDATE plans_assignment SET behind_from = CASE WHEN plans_assignment.status = 'done' THEN NULL ELSE b.behind END
FROM bench_unit u, bench_prog b
WHERE u.id = plans_assignment.unit_id AND u.depth = %s AND u.kids > 0
  AND b.task_id = plans_assignment.task_id AND b.depth = u.depth AND b.progress = plans_assignment.progress
"""


def make_assignments(meta, tasks, admin, max_depth: int, today: dt.date) -> int:
    """Every task handed to every unit as a tree (``INSERT … SELECT`` per level, the parent being the
    parent unit's assignment), then the parents' progress rolled up from the leaves (``UPDATE … FROM``
    per level). Per task and level: the unit deadline (``DUE_STEP`` days earlier per level), the
    calendar's share elapsed and, for every progress 0–100, ``services.behind_from``."""
    from django.db import connection, transaction
    from django.utils import timezone

    from dxhub.plans import services
    from dxhub.plans.models import Assignment, Task

    date, ts = adapters()
    tz = timezone.get_current_timezone()
    sched, prog = [], []
    for k, task in enumerate(tasks):
        for depth in range(1, max_depth + 1):
            due = max(task.start, task.due - dt.timedelta(days=DUE_STEP * (depth - 1)))
            length = max(1, (due - task.start).days)
            elapsed = min(100, max(0, round((today - task.start).days * 100 / length)))
            done_day = min(due - dt.timedelta(days=3), today - dt.timedelta(days=1))
            done_at = dt.datetime.combine(done_day, dt.time(9, 0), tzinfo=tz)
            th = (k * 37) % 100
            sched.append((task.pk, depth, date(task.start), date(due), elapsed, int(due < today), th, ts(done_at)))
            for p in range(101):
                behind = services.behind_from(task.start, due, p)
                prog.append((task.pk, depth, p, date(behind) if behind else None))
    now = ts(timezone.now())
    t0 = time.perf_counter()
    with transaction.atomic():
        execute(
            "CREATE TABLE bench_sched (task_id BIGINT NOT NULL, depth INTEGER NOT NULL, start DATE NOT NULL, "
            "due DATE NOT NULL, elapsed INTEGER NOT NULL, past INTEGER NOT NULL, th INTEGER NOT NULL, "
            "done_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (task_id, depth))"
        )
        insert_rows("bench_sched", ("task_id", "depth", "start", "due", "elapsed", "past", "th", "done_at"), sched)
        execute(
            "CREATE TABLE bench_prog (task_id BIGINT NOT NULL, depth INTEGER NOT NULL, progress INTEGER NOT NULL, "
            "behind DATE, PRIMARY KEY (task_id, depth, progress))"
        )
        insert_rows("bench_prog", ("task_id", "depth", "progress", "behind"), prog)
    for depth in range(1, max_depth + 1):
        if depth == 1:
            sql = _ASSIGN_LEVEL.replace("{parent}", "CAST(NULL AS BIGINT)").replace("{join}", "")
        else:
            sql = _ASSIGN_LEVEL.replace("{parent}", "pa.id").replace(
                "{join}", "JOIN plans_assignment pa ON pa.task_id = s.task_id AND pa.unit_id = u.parent_id"
            )
        t1 = time.perf_counter()
        with transaction.atomic():
            n = execute(sql, [admin.pk, now, depth])
        if connection.vendor == "postgresql":
            execute("ANALYZE plans_assignment")
        print(f"    level {depth}: {n:,} assignments in {time.perf_counter() - t1:.1f} s", flush=True)
    meta["assignments_insert_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    with transaction.atomic():
        for depth in range(max_depth - 1, 0, -1):
            execute(_ROLL_LEVEL, [depth + 1])
            execute(_ROLL_BEHIND, [depth])
        execute(
            "UPDATE plans_task SET progress = COALESCE((SELECT CAST(ROUND(AVG(a.progress)) AS INTEGER) "
            "FROM plans_assignment a WHERE a.task_id = plans_task.id AND a.parent_id IS NULL), 0)"
        )
    meta["assignments_rollup_s"] = time.perf_counter() - t1
    meta["assignments_s"] = time.perf_counter() - t0
    n = Assignment.objects.count()
    meta["assignments_per_s"] = n / meta["assignments_s"]
    print(
        f"  assignments: {n:,} in {meta['assignments_s']:.1f} s (insert {meta['assignments_insert_s']:.1f} s, "
        f"roll-up {meta['assignments_rollup_s']:.1f} s); {Task.objects.count()} tasks",
        flush=True,
    )
    return n


def sent_submissions(form, version, period, unit_ids: list[int], entry, specs, by_code, q: int, rng) -> list[int]:
    """One sent (not yet approved) submission of ``form`` for each unit, with its values, as the
    reporting benchmark makes them."""
    from django.db import transaction
    from django.utils import timezone

    from dxhub.reporting.models import Submission, Value

    date, ts = adapters()
    now = ts(timezone.now())
    deadline = date(period.deadline(form.deadline_days))
    cols = (
        "unit_id", "form_id", "form_version_id", "period", "deadline", "status", "revision", "note",
        "return_reason", "submitted_at", "submitted_by_id", "decided_at", "decided_by_id", "updated_at",
        "updated_by_id",
    )  # fmt: skip
    rows = [
        (u, form.pk, version.pk, period.code, deadline, Submission.Status.SUBMITTED, 0, "", "", now, entry.pk, None,
         None, now, entry.pk)
        for u in unit_ids
    ]  # fmt: skip
    maker = ValueMaker(specs, by_code, rng)
    with transaction.atomic():
        insert_rows(Submission._meta.db_table, cols, rows)
        subs = list(
            Submission.objects.filter(form=form, period=period.code, unit_id__in=unit_ids).values_list("pk", "unit_id")
        )
        values = [
            (pk, ind, num, "", "") for pk, _unit in subs for ind, num in maker.numbers(rng.lognormvariate(0, 0.6), q)
        ]
        insert_rows(Value._meta.db_table, ("submission_id", "indicator_id", "num", "text", "comment"), values)
    by_unit = dict((u, pk) for pk, u in subs)
    return [by_unit[u] for u in unit_ids]


def sizes(meta: dict):
    from django.db import connection

    tables = ("plans_assignment", "plans_unittarget", "reporting_rollup")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT pg_database_size(current_database()), pg_total_relation_size(%s), "
                "pg_total_relation_size(%s), pg_total_relation_size(%s)",
                list(tables),
            )
            total, *parts = cur.fetchone()
        else:
            name = connection.settings_dict["NAME"]
            total = sum(Path(f"{name}{s}").stat().st_size for s in ("", "-wal") if Path(f"{name}{s}").exists())
            parts = [None, None, None]
            try:  # the dbstat table is optional in SQLite builds
                cur.execute("SELECT tbl_name, name FROM sqlite_master WHERE tbl_name IN (%s, %s, %s)", list(tables))
                owners = {obj: tbl for tbl, obj in cur.fetchall()}
                cur.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
                by_table: dict[str, int] = {}
                for obj, size in cur.fetchall():
                    if obj in owners:
                        by_table[owners[obj]] = by_table.get(owners[obj], 0) + size
                parts = [by_table.get(t) for t in tables]
            except Exception:
                pass
    meta["db_size_mb"] = total / 1e6
    for key, size in zip(("assignments_mb", "shares_mb", "rollups_mb"), parts, strict=True):
        meta[key] = size / 1e6 if size else None


# --- worker ----------------------------------------------------------------------------------------------


def main_worker(args) -> int:
    import django

    sys.path.insert(0, args.src or str(PROJECT_DIR / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxhub.settings")
    django.setup()
    import dxhub

    print(f"dxhub from {Path(dxhub.__file__).parent}", flush=True)

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from bench.reporting import create_catalogue
    from dxhub.accounts import scoping
    from dxhub.accounts.models import RoleAssignment, User
    from dxhub.accounts.roles import Role
    from dxhub.audit.context import acting_as
    from dxhub.org import tree
    from dxhub.org.models import Unit
    from dxhub.plans import services, targets
    from dxhub.plans.models import Assignment, Task, UnitTarget
    from dxhub.reporting import submissions
    from dxhub.reporting.models import Indicator, Rollup, Submission
    from dxhub.reporting.signals import figures_changed

    db = args.worker
    meta: dict = {"db": db, "vendor": connection.vendor}
    rng = random.Random(SEED)
    load_start = os.getloadavg()[1]
    today = timezone.localdate()
    meta["today"] = today.isoformat()

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
    units = list(Unit.objects.filter(is_active=True).order_by("path").values_list("pk", "parent_id", "depth", "path"))
    max_depth = max(d for _pk, _parent, d, _path in units)
    sizes_l2: dict[str, int] = {}
    for _pk, _parent, _depth, path in units:
        if len(path) >= 2 * tree.STEP:
            sizes_l2[path[: 2 * tree.STEP]] = sizes_l2.get(path[: 2 * tree.STEP], 0) + 1
    l2_path = max(sorted(sizes_l2), key=lambda p: sizes_l2[p])
    l2 = Unit.objects.get(path=l2_path)
    level2 = list(Unit.objects.filter(depth=2).order_by("path"))

    admin = User.objects.create_user("bench_admin", full_name="Bench system admin")
    RoleAssignment.objects.create(user=admin, unit=root, role=Role.SYSTEM_ADMIN)
    reviewer = User.objects.create_user("bench_reviewer", full_name="Bench reviewer")
    RoleAssignment.objects.create(user=reviewer, unit=root, role=Role.REVIEWER)
    entry = User.objects.create_user("bench_entry", full_name="Bench data entry")
    RoleAssignment.objects.create(user=entry, unit=root, role=Role.DATA_ENTRY)
    unit_admin = User.objects.create_user("bench_unit_admin", full_name="Bench unit admin")
    RoleAssignment.objects.create(user=unit_admin, unit=l2, role=Role.UNIT_ADMIN)

    print(f"catalogue ({N_INDICATORS} indicators, {args.quarters} quarters) and roll-ups …", flush=True)
    specs = indicator_specs(N_INDICATORS)
    with acting_as(username="bench"):
        t0 = time.perf_counter()
        form, version, periods, by_code = create_catalogue(specs, args.quarters)
        meta["catalogue_s"] = time.perf_counter() - t0
    last = periods[-1]
    meta["periods"] = [p.code for p in periods]
    n_pct = min(len([s for s in specs if s["kind"] == "pct"]), max(1, args.targets // 4))
    pct_codes = [s["code"] for s in specs if s["kind"] == "pct"][:n_pct]
    sum_codes = [s["code"] for s in specs if s["kind"] == "sum"][: args.targets - n_pct]
    target_ind_ids = {by_code[c].pk for c in pct_codes + sum_codes}
    if connection.vendor == "sqlite":  # the load only: a 1 GiB page cache, reset before measuring
        execute("PRAGMA cache_size = -1048576")
        execute("PRAGMA temp_store = MEMORY")
    info = helper_tables(units, rng)
    n_rollups = make_rollups(meta, periods, target_ind_ids, max_depth, rng)

    print(f"plan, {args.tasks} tasks and {len(target_ind_ids)} targets through the services …", flush=True)
    t0 = time.perf_counter()
    with acting_as(user=admin):
        plan, tasks = create_plan(admin, root, level2, args.tasks, today)
        target_list = create_targets(admin, plan, root, pct_codes, sum_codes, last.code)
    meta["services_s"] = time.perf_counter() - t0
    n_shares = cascade_shares(meta, admin, last.code, max_depth)

    print(f"assignments: {args.tasks} tasks × {len(units):,} units …", flush=True)
    n_assign = make_assignments(meta, tasks, admin, max_depth, today)

    # Deep leaves for the per-unit operations: a sent submission each for the approvals, one
    # unit for the target refresh after an approval, one for the progress report.
    leaves = sorted(pk for pk, (depth, *_rest) in info.items() if depth == max_depth)
    rng.shuffle(leaves)
    n_approve = args.repeat + 1
    pool_with = leaves[:n_approve]
    pool_without = leaves[n_approve : 2 * n_approve]
    q_last = len(periods) - 1
    subs_with = sent_submissions(form, version, last, pool_with, entry, specs, by_code, q_last, rng)
    subs_without = sent_submissions(form, version, last, pool_without, entry, specs, by_code, q_last, rng)
    fig_leaf = Unit.objects.get(pk=leaves[2 * n_approve])
    report_leaf = Unit.objects.get(pk=leaves[2 * n_approve + 1])
    drop_helpers()
    if connection.vendor == "sqlite":
        execute("PRAGMA cache_size = -2000")  # SQLite's default, as the application runs
        execute("PRAGMA temp_store = DEFAULT")

    meta["analyze_pre_s"] = analyse(full=False)
    bench = PlansBench(db, args.repeat, args.slow_ms)
    m = bench.measure

    # 6 (first run): every share is written once, its status computed from the roll-ups.
    m(
        "refresh_first",
        f"6. targets.refresh_all: first run, {n_shares:,} shares computed and written (1 run)",
        lambda: targets.refresh_all(),
        once=True,
    )
    meta["share_states"] = ", ".join(
        f"{s} {n:,}"
        for s, n in UnitTarget.objects.values_list("status")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("status", "n")
    )
    meta["analyze_s"] = analyse(full=True)

    n_units = len(units)
    meta["counts"] = f"{n_units:,} / {len(tasks):,} / {n_assign:,}"
    meta["counts2"] = f"{len(target_list)} / {n_shares:,} / {n_rollups:,}"
    states = {
        "done": Assignment.objects.filter(status="done").count(),
        "overdue": services.overdue(admin).count(),
        "behind": services.behind(admin).count(),
        "due_soon": services.due_soon(admin).count(),
    }
    meta["states"] = (
        f"{states['done']:,} ({states['done'] / n_assign:.0%}) / {states['overdue']:,} "
        f"({states['overdue'] / n_assign:.0%}) / {states['behind']:,} / {states['due_soon']:,}"
    )
    n_l2_assign = services.in_subtree(Assignment.objects.all(), l2).count()
    meta["l2_label"] = f"{l2.code} ({sizes_l2[l2_path]:,} / {n_l2_assign:,})"
    print(f"  {meta['counts']}; {meta['states']}; shares: {meta['share_states']}", flush=True)
    print(f"measuring ({args.repeat} runs after one warm-up) …", flush=True)

    # 1. The ministry's heat map: every target handed to its direct subordinates, and the
    # matrix a page shows (one row per target, one cell per unit: status and attainment).
    def heat(unit):
        def run():
            scoping.forget(admin)
            hm = targets.heatmap(admin, unit)
            grid = [
                [
                    (c.status, c.attainment, c.current, c.value) if (c := hm.cells.get((t.pk, u.pk))) else None
                    for u in hm.units
                ]
                for t in hm.targets
            ]
            return sum(1 for row in grid for cell in row if cell is not None)

        return run

    n_kids = Unit.objects.filter(parent=root).count()
    m("heatmap_root", f"1. targets.heatmap(ministry) + cell matrix ({n_kids} units × targets)", heat(root))
    m("heatmap_l2", "1. targets.heatmap(largest level-2 unit) + cell matrix", heat(l2))

    # 2. Work lists of the largest level-2 unit, as its unit administrator reads them, and the
    # ministry's (system administrator).
    def listing(user, unit, which, page=False):
        fn = getattr(services, which)

        def run():
            scoping.forget(user)
            qs = fn(user, unit)
            if page:
                return len(list(services.for_list(qs)[:50]))
            return qs.count()

        return run

    for which in ("overdue", "due_soon", "behind"):
        m(
            f"{which}_l2_count",
            f"2. services.{which}(level-2 unit).count() (unit admin)",
            listing(unit_admin, l2, which),
        )
        m(
            f"{which}_l2_page",
            f"2. services.{which}(level-2 unit): first 50 rows, for_list (unit admin)",
            listing(unit_admin, l2, which, page=True),
        )

    def counts(user, unit):
        def run():
            scoping.forget(user)
            return sum(services.counts(user, unit).values())

        return run

    m("counts_l2", "2. services.counts(level-2 unit): the three counts (unit admin)", counts(unit_admin, l2))
    m("overdue_root_count", "2. services.overdue(ministry).count() (system admin)", listing(admin, root, "overdue"))
    m(
        "overdue_root_page",
        "2. services.overdue(ministry): first 50 rows, for_list (system admin)",
        listing(admin, root, "overdue", page=True),
    )
    m("counts_root", "2. services.counts(ministry): the three counts (system admin)", counts(admin, root))

    # 1, 2: the pages, when the plans module has them (``dxhub.plans.urls``), through the whole stack.
    try:
        urls = {
            "heatmap": reverse("plans:heatmap"),
            "alerts": reverse("plans:alerts"),
            "index": reverse("plans:index"),
        }
    except NoReverseMatch:
        urls = {}
        print("  (no plans pages in this code: only the services are timed)", flush=True)
    if urls:
        admin_client, ua_client = Client(), Client()
        admin_client.force_login(admin)
        ua_client.force_login(unit_admin)

        def get(client, url):
            def run():
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {url} -> {response.status_code}")
                return f"{len(response.content) / 1024:.0f} KB"

            return run

        m("page_heatmap_root", f"1. GET {urls['heatmap']}?unit=<ministry> (system admin)",
          get(admin_client, f"{urls['heatmap']}?unit={root.code}"))  # fmt: skip
        m("page_alerts_l2", f"2. GET {urls['alerts']}?unit=<level-2>: overdue tab (unit admin)",
          get(ua_client, f"{urls['alerts']}?unit={l2.code}&kind=overdue"))  # fmt: skip
        m("page_alerts_root", f"2. GET {urls['alerts']}?unit=<ministry>: overdue tab (system admin)",
          get(admin_client, f"{urls['alerts']}?unit={root.code}&kind=overdue"))  # fmt: skip
        m("page_index", f"2. GET {urls['index']}: plan list with the whole tree's counts (system admin)",
          get(admin_client, urls["index"]))  # fmt: skip

    # 3. Target progress after an approval: the shares of a leaf and its ancestors on the target
    # indicators, after their last-quarter figures moved (bumped by ±1 before each run, untimed).
    holders = list(Unit.objects.filter(path__in=[*tree.ancestor_paths(fig_leaf.path), fig_leaf.path]).values_list(
        "pk", flat=True))  # fmt: skip
    target_inds = sorted(target_ind_ids)
    bump = {"sign": 1}

    def move_figures():
        bump["sign"] = -bump["sign"]
        Rollup.objects.filter(unit_id__in=holders, indicator_id__in=target_inds, period=last.code).update(
            value=F("value") + bump["sign"]
        )
        return None

    n_fig_shares = UnitTarget.objects.filter(unit_id__in=holders, target__indicator_id__in=target_inds).count()

    def figures_changed_run(_arg):
        from django.db import transaction

        with transaction.atomic():  # as inside an approval
            targets.on_figures_changed(Rollup, unit_ids=holders, indicator_ids=target_inds)
        return n_fig_shares

    m(
        "figures_changed",
        f"3. targets.on_figures_changed: level-{max_depth} leaf + {len(holders) - 1} ancestors × "
        f"{len(target_inds)} indicators",
        figures_changed_run,
        setup=move_figures,
    )

    def approver(pool):
        queue = list(pool)

        def next_submission():
            scoping.forget(reviewer)
            return Submission.objects.select_related("unit").get(pk=queue.pop(0))

        def approve(sub):
            with acting_as(user=reviewer):
                submissions.approve(reviewer, [sub])
            return sub.unit.depth * sum(1 for s in specs if s["kind"] != "text")

        return next_submission, approve

    setup, fn = approver(subs_with)
    m(
        "approve_targets",
        f"3. submissions.approve, level-{max_depth} unit, {len(target_inds)} plan targets on its indicators",
        fn,
        setup=setup,
    )
    figures_changed.disconnect(dispatch_uid="plans.targets")
    try:
        setup, fn = approver(subs_without)
        m(
            "approve_plain",
            f"3. submissions.approve, level-{max_depth} unit, plans receiver disconnected",
            fn,
            setup=setup,
        )
    finally:
        figures_changed.connect(targets.on_figures_changed, dispatch_uid="plans.targets")

    # 4. A progress report at a deep leaf: the assignment and its 5 ancestors rolled up, then the task.
    chain_open = None
    for a in Assignment.objects.filter(unit=report_leaf, status="in_progress").order_by("task_id"):
        node, ok = a, True
        while node.parent_id is not None:
            node = Assignment.objects.get(pk=node.parent_id)
            ok = ok and node.status != "done"
        if ok:
            chain_open = a
            break
    meta["report_task"] = chain_open.task.code if chain_open else None
    state = {"n": 0}

    def report():
        state["n"] += 1
        with acting_as(user=admin):
            services.report_progress(
                admin, chain_open, 40 + 5 * (state["n"] % 2), f"Cập nhật lần {state['n']}: đã triển khai một phần"
            )
        return report_leaf.depth

    if chain_open is not None:
        m(
            "report_progress",
            f"4. services.report_progress at a level-{max_depth} leaf + roll-up of "
            f"{report_leaf.depth - 1} levels + task",
            report,
        )

    # 5. A new task handed down to every unit at once (the units are loaded before each run).
    made = {"task": None, "n": 0}
    all_units = list(Unit.objects.filter(is_active=True).order_by("path"))

    def new_task():
        from django.db import transaction

        with transaction.atomic():
            if made["task"] is not None:
                execute("DELETE FROM plans_assignment WHERE task_id = %s", [made["task"]])
                execute("DELETE FROM plans_task WHERE id = %s", [made["task"]])
            made["n"] += 1
            task = Task.objects.create(
                plan=plan,
                code=f"HD{made['n']:03d}",
                title=f"Nhiệm vụ giao toàn quân {made['n']}",
                lead=root,
                start=today,
                due=today + dt.timedelta(days=180),
                position=10_000 + made["n"],
            )
        made["task"] = task.pk
        return task

    def hand_down(task):
        with acting_as(user=admin):
            return len(services.hand_down(admin, task, all_units))

    m(
        "hand_down",
        f"5. services.hand_down: a new task to all {len(all_units):,} units (+ audit)",
        hand_down,
        setup=new_task,
    )
    new_task()  # the last one's assignments go
    Task.objects.filter(pk=made["task"]).delete()

    # 6. The daily refresh of every share, nothing changed since the first.
    m(
        "refresh_steady",
        f"6. targets.refresh_all: {n_shares:,} shares, nothing changed ({min(args.repeat, 3)} runs)",
        lambda: targets.refresh_all(),
        repeat=min(args.repeat, 3),
    )

    meta["load_label"] = f"{load_start:.1f} → {os.getloadavg()[1]:.1f}"
    meta["indicators"] = {"percentage": pct_codes, "sum": sum_codes}
    meta["aggregations"] = dict(Indicator.objects.values_list("aggregation").annotate(n=Count("pk")).order_by())
    sizes(meta)

    bench.print_table(meta)
    slow_file = OUT_DIR / f"plans-slow-{db}.txt"
    if bench.slow_notes:
        text = "\n".join(bench.slow_notes)
        slow_file.write_text(text, encoding="utf-8")
        print(f"\nOperations slower than {args.slow_ms:.0f} ms (slowest SQL and its plan):\n{text}", flush=True)
    else:
        slow_file.unlink(missing_ok=True)

    for op in bench.ops:  # keep the JSON readable: huge multi-row INSERTs are cut short
        if len(op.get("slowest_sql") or "") > 5000:
            op["slowest_sql"] = op["slowest_sql"][:5000] + " …"
    Path(args.out).write_text(json.dumps({"meta": meta, "ops": bench.ops}, indent=1, ensure_ascii=False, default=str))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--targets", type=int, default=20)
    parser.add_argument("--quarters", type=int, default=6)
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
    if not 1 <= args.targets <= 42:
        parser.error("--targets must be between 1 and 42 (the catalogue's percentages and counts)")
    if args.tasks < 1:
        parser.error("--tasks must be at least 1")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
