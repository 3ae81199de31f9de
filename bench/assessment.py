"""Digital-transformation index benchmark at army-wide scale (20 000 units × 80 leaves ≈ 1.6 million scores).

Usage (from the project directory)::

    .venv/bin/python bench/assessment.py [--db sqlite|postgres|both] [--units 20000] [--people 500000]
                                         [--leaves 80] [--groups 8] [--repeat 5] [--slow-ms 300] [--no-open-round]

Like ``run.py`` and ``reporting.py``, every database gets a dedicated, recreated database
(SQLite file ``var/bench/assessment.sqlite3``, PostgreSQL database ``dxhub_bench_assessment``)
and the script re-runs itself as ``assessment.py --worker <db>`` on a copy of ``src/``
(``var/bench/assessment-src/``) with DATABASE_URL and DXHUB_DATA_DIR set. The worker migrates,
seeds the unit tree and the people with ``seed_scale``, puts the units in 8 peer groups, creates
the indicators behind the indicator-based leaves with their approved roll-ups (bulk SQL), imports
a generated 6-pillar, 80-leaf, 1 000-point framework through ``frameworks.import_framework``, and
times ``services.open_round`` for all the units once (its round is dropped), builds the benchmark
round in the self-assessment phase with bulk SQL (participants, 1.6 million scores), then times the
engine alone, the whole recompute and publication, one unit's score change, and the ranking.
Figures only: nothing is asserted about timings. Results: printed tables,
``var/bench/assessment-results.md`` (both databases side by side), ``var/bench/assessment-<db>.json``
and, for operations slower than ``--slow-ms``, the slowest SQL with its plan in
``var/bench/assessment-slow-<db>.txt``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench.reporting import ReportingBench, analyse, insert_rows  # noqa: E402
from bench.run import DB_LABEL, OUT_DIR, PG_SERVER, code_version, fmt_ms, fmt_rows, markdown_tables  # noqa: E402

SQLITE_FILE = OUT_DIR / "assessment.sqlite3"
PG_DB = "dxhub_bench_assessment"
SRC_COPY = OUT_DIR / "assessment-src"
SEED = 11
YEAR = 2025  # the round's year; the roll-ups are in its last quarter
PERIOD = f"{YEAR}-Q4"
FRAMEWORK_CODE = "BENCH-DTI"
TOTAL_POINTS = 1000
PILLARS = (  # (name, points): 1 000 points, the weights of the ministries' internal DX indices
    ("Nhận thức số", 100),
    ("Thể chế số", 120),
    ("Hạ tầng số", 150),
    ("Nhân lực số", 170),
    ("An toàn thông tin mạng", 200),
    ("Hoạt động chuyển đổi số", 260),
)
METHOD_CYCLE = ("ratio", "steps", "goalposts", "peer_best", "yes_no", "levels", "expert")
INDICATOR_METHODS = ("ratio", "steps", "goalposts", "peer_best", "yes_no")
# Peer groups: share of the units in each (uneven, as in the army: many battalions, few hospitals).
GROUP_SHARES = (0.30, 0.20, 0.15, 0.10, 0.10, 0.07, 0.05, 0.03)
MISSING = 0.02  # share of applicable entered leaves a unit has not filled in yet
DRAWS, SPREAD = 1000, 0.2


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
    out = OUT_DIR / f"assessment-{db}.json"
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
    cmd += ["--units", str(args.units), "--people", str(args.people), "--leaves", str(args.leaves)]
    cmd += ["--groups", str(args.groups), "--repeat", str(args.repeat), "--slow-ms", str(args.slow_ms)]
    if not args.open_round:
        cmd.append("--no-open-round")
    print(f"\n### {DB_LABEL[db]}: {url}", flush=True)
    rc = subprocess.run(cmd, env=env, cwd=PROJECT_DIR, check=False).returncode
    if rc != 0 or not out.exists():
        print(f"!! {db} worker failed (exit code {rc})", flush=True)
        return None
    return json.loads(out.read_text())


SETUP_ROWS = [
    ("migrate (s)", "migrate_s", "{:,.1f}"),
    ("seed_scale: units + people (s)", "seed_s", "{:,.1f}"),
    ("peer groups, indicators, roll-ups (s)", "catalogue_s", "{:,.1f}"),
    ("framework: generate + import_framework (s)", "framework_s", "{:,.2f}"),
    ("framework: nodes / leaves / points", "framework_label", "{}"),
    ("  leaves by method (indicator-based)", "methods_label", "{}"),
    ("round: participants + scores, bulk insert (s)", "round_s", "{:,.1f}"),
    ("  scores inserted per second", "scores_per_s", "{:,.0f}"),
    ("ANALYZE (PostgreSQL: VACUUM ANALYZE) (s)", "analyze_s", "{:,.1f}"),
    ("database size at the end, old row versions included (MB)", "db_size_mb", "{:,.0f}"),
    ("  of which scores + indexes (MB)", "scores_mb", "{:,.0f}"),
    ("  of which results + indexes (MB)", "results_mb", "{:,.0f}"),
    ("units / people", "counts", "{}"),
    ("participants / scores / result rows", "counts2", "{}"),
    ("peer groups (participants, largest first)", "groups_label", "{}"),
    ("recompute: results equal to the engine's", "check_label", "{}"),
    ("engine.compute ÷ one matmul (medians)", "floor_ratio", "{:,.0f}×"),
    ("recompute ÷ its two engine.compute calls (medians)", "engine_share", "{:,.0f}×"),
    ("publish_version ÷ recompute (medians)", "publish_ratio", "{:,.1f}×"),
    ("load average (5 min) at start → end of the worker", "load_label", "{}"),
]


def combined_markdown(results: dict[str, dict], args, version: str) -> str:
    dbs = [db for db in ("sqlite", "postgres") if db in results]
    lines = [
        f"## dxhub assessment benchmark — {args.units:,} units × {args.leaves} leaves, {args.people:,} people, "
        f"median and p95 of {args.repeat} runs after one warm-up (ms)",
        "",
        f"Code {version}. Run {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} CPU cores; p95 is nearest-rank"
        + (f" (with {args.repeat} runs: the slowest)." if args.repeat < 20 else ".")
        + " Rows marked “1 run” were timed once; the engine rows are the same code on both sides.",
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
    path = OUT_DIR / "assessment-results.md"
    path.write_text(md, encoding="utf-8")
    print("\n" + md)
    print(f"(written to {path})")
    return 0 if len(results) == len(dbs) else 1


# --- worker: timing -------------------------------------------------------------------------------


class AssessmentBench(ReportingBench):
    """``reporting.py``'s bench (warm-up run with the SQL logged, per-run untimed ``setup``,
    one-off operations) with this benchmark's setup table."""

    def explain(self, op: dict, sql: str) -> str:
        if "%s" not in sql:
            return super().explain(op, sql)
        # An executemany (fill_reported's UPDATEs): one statement, many parameter sets, nothing to EXPLAIN.
        return (
            f"--- {op['label']}: median {op['median_ms']:.1f} ms, {op['queries']} queries "
            f"(SQL {op['sql_total_ms']:.1f} ms, warm-up run), slowest statement {op['slowest_sql_ms']:.1f} ms "
            f"(an executemany, not explained):\n{sql}\n"
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


# --- worker: data generation ------------------------------------------------------------------------


def split_points(total: int, parts: int) -> list[int]:
    """``total`` as ``parts`` integers differing by at most one (the larger first)."""
    base, rem = divmod(total, parts)
    return [base + 1 if i < rem else base for i in range(parts)]


def framework_data(n_leaves: int, group_codes: list[str]) -> tuple[dict, dict[str, dict]]:
    """A framework in the file format (``dxhub-framework/1``): 6 pillars of 1 000 points, two
    criteria per pillar, ``n_leaves`` leaves in proportion to the pillars' points, the methods in
    turn; a third of the leaves whose method can read a reporting indicator do. Four leaves apply
    to some peer groups only, one to some unit kinds. Returns (data, {indicator code: spec})."""
    if n_leaves < 2 * len(PILLARS):
        raise SystemExit(f"--leaves {n_leaves} is too small (at least {2 * len(PILLARS)})")
    # Leaves per pillar in proportion to its points (largest remainder), at least two each.
    quotas = [n_leaves * pts / TOTAL_POINTS for _name, pts in PILLARS]
    counts = [max(2, int(q)) for q in quotas]
    order = sorted(range(len(PILLARS)), key=lambda k: -(quotas[k] - int(quotas[k])))
    k = 0
    while sum(counts) < n_leaves:
        counts[order[k % len(order)]] += 1
        k += 1
    while sum(counts) > n_leaves:
        big = max(range(len(counts)), key=lambda i: counts[i])
        counts[big] -= 1
    nodes: list[dict] = []
    indicators: dict[str, dict] = {}
    j = 0  # leaf number across the framework
    n_indicator_able = 0
    restricted = {  # leaf number -> (field, codes)
        5: ("peer_groups", group_codes[-1:]),  # the smallest group only ("hospitals")
        19: ("peer_groups", group_codes[-3:-1]),
        40: ("kinds", ["co_quan", "bo_chqs", "quan_khu", "tong_cuc"]),
        54: ("peer_groups", group_codes[1:2]),
        68: ("peer_groups", group_codes[-2:]),
    }
    for p, ((name, points), n) in enumerate(zip(PILLARS, counts, strict=True), start=1):
        nodes.append({"code": f"{p}", "parent": None, "name": name, "max_points": points})
        halves = [n // 2, n - n // 2]
        leaf_points = split_points(points, n)
        offset = 0
        for c, size in enumerate(halves, start=1):
            group_points = sum(leaf_points[offset : offset + size])
            nodes.append(
                {
                    "code": f"{p}.{c}",
                    "parent": f"{p}",
                    "name": f"{name}: nhóm tiêu chí {c}",
                    "max_points": group_points,
                }
            )
            for i in range(size):
                mx = leaf_points[offset + i]
                method = METHOD_CYCLE[j % len(METHOD_CYCLE)]
                leaf = {
                    "code": f"{p}.{c}.{i + 1}",
                    "parent": f"{p}.{c}",
                    "name": f"Tiêu chí {p}.{c}.{i + 1} ({method})",
                    "max_points": mx,
                    "method": method,
                    "params": {},
                    "evidence_required": method in ("levels", "expert"),
                }
                if method == "ratio":
                    leaf["params"] = {"target": (50, 80, 90, 100)[j % 4]}
                elif method == "steps":
                    leaf["params"] = {"steps": [[1, round(mx * 0.4, 2)], [3, round(mx * 0.7, 2)], [5, mx]]}
                elif method == "goalposts":
                    leaf["params"] = {"low": 20, "high": 100}
                elif method == "levels":
                    top = 3 + j % 2
                    leaf["params"] = {"levels": [round(mx * k / top, 2) for k in range(top)] + [mx]}
                if method in INDICATOR_METHODS:
                    if n_indicator_able % 3 == 0:
                        code = f"BA{len(indicators) + 1:02d}"
                        leaf["indicator"] = code
                        indicators[code] = {"code": code, "method": method, "leaf": leaf["code"]}
                    n_indicator_able += 1
                if j in restricted:
                    field, codes = restricted[j]
                    leaf[field] = list(codes)
                nodes.append(leaf)
                j += 1
            offset += size
    data = {
        "format": "dxhub-framework/1",
        "code": FRAMEWORK_CODE,
        "name": "Bộ chỉ số chuyển đổi số quy mô toàn quân (benchmark)",
        "year": YEAR,
        "version": 1,
        "description": f"{len(PILLARS)} chỉ số thành phần, {n_leaves} tiêu chí, {TOTAL_POINTS} điểm; sinh tự động.",
        "total_points": TOTAL_POINTS,
        "bands": [
            {"code": "tot", "name": "Tốt", "min": 0.8},
            {"code": "kha", "name": "Khá", "min": 0.65},
            {"code": "trung_binh", "name": "Trung bình", "min": 0.5},
            {"code": "yeu", "name": "Yếu", "min": 0},
        ],
        "subtree_index": "mean",
        "uncertainty": {"spread": SPREAD, "draws": DRAWS, "seed": 1},
        "nodes": nodes,
    }
    return data, indicators


def create_catalogue(n_groups: int, units: list[dict], rng) -> list[str]:
    """Peer groups (uneven shares, units assigned at random). Returns the group codes, largest first."""
    from django.db import connection

    from dxhub.org.models import PeerGroup

    shares = list(GROUP_SHARES[:n_groups]) if n_groups <= len(GROUP_SHARES) else [1.0] * n_groups
    total = sum(shares)
    shares = [s / total for s in shares]
    codes = [f"bench-nhom-{k + 1}" for k in range(n_groups)]
    PeerGroup.objects.bulk_create(
        PeerGroup(code=code, name=f"Nhóm đơn vị {k + 1} (benchmark)") for k, code in enumerate(codes)
    )
    ids = dict(PeerGroup.objects.filter(code__in=codes).values_list("code", "pk"))
    picks = rng.choice(n_groups, size=len(units), p=shares)
    for u, k in zip(units, picks.tolist(), strict=True):
        u["peer_group"] = codes[k]
    with connection.cursor() as cur:
        cur.executemany(
            "UPDATE org_unit SET peer_group_id = %s WHERE id = %s", [(ids[u["peer_group"]], u["id"]) for u in units]
        )
    return codes


def create_indicators(indicators: dict[str, dict]) -> dict[str, int]:
    """The indicators behind the indicator-based leaves, through the catalogue service."""
    from dxhub.reporting import catalogue

    kinds = {
        "ratio": {"value_type": "percentage", "aggregation": "avg", "unit": "%"},
        "goalposts": {"value_type": "percentage", "aggregation": "avg", "unit": "%"},
        "steps": {"value_type": "integer", "aggregation": "sum", "min_value": 0},
        "peer_best": {"value_type": "decimal", "aggregation": "sum", "min_value": 0},
        "yes_no": {"value_type": "boolean", "aggregation": "share_yes"},
    }
    out = {}
    for code, spec in indicators.items():
        data = {
            "code": code,
            "name": f"Chỉ tiêu {code} của tiêu chí {spec['leaf']}",
            "topic": "Chuyển đổi số",
            "direction": "higher_better",
            "applies_to": [],
            **kinds[spec["method"]],
        }
        out[code] = catalogue.save_indicator(None, data).pk
    return out


def make_values(spec, units: list[dict], rng):
    """Plausible values, one row per unit (``units`` order), one column per leaf: each unit has a
    strength, and a leaf's value suits its method (a share for ratio and goalposts, a count for
    steps, a figure for peer_best, 1/0, a level, points). Indicator-based yes/no leaves hold the
    share of the subtree's units answering yes (0..1), as ``fill_reported`` derives it. Some entered
    values are missing (NaN). Returns (values, figures for the roll-ups by leaf position)."""
    import numpy as np

    n, m = len(units), len(spec.leaves)
    strength = np.clip(rng.normal(0.62, 0.16, size=n), 0.05, 1.0)
    values = np.full((n, m), np.nan)
    rollup_values: dict[int, np.ndarray] = {}
    for j, leaf in enumerate(spec.leaves):
        level = np.clip(strength + rng.normal(0, 0.15, size=n), 0, 1.15)
        p, mx = leaf.params, leaf.max_points
        match leaf.method:
            case "ratio":
                x = np.minimum(100.0, np.round(level * p["target"], 2))
            case "goalposts":
                x = np.clip(np.round(p["low"] + (p["high"] - p["low"]) * (level - 0.1), 2), 0, 100)
            case "steps":
                x = rng.poisson(6 * np.clip(level, 0.01, None)).astype(float)
            case "peer_best":
                x = np.round(np.exp(rng.normal(2.5 + 1.5 * strength, 0.5)), 2)
            case "yes_no":
                if leaf.indicator:
                    x = np.round(np.clip(level, 0, 1) * 100, 2)  # the roll-up's share of "yes", in %
                else:
                    x = (rng.random(n) < 0.25 + 0.7 * np.clip(level, 0, 1)).astype(float)
            case "levels":
                x = np.round(np.clip(level, 0, 1) * (len(p["levels"]) - 1))
            case _:  # expert: points, in half points
                x = np.round(np.clip(level, 0, 1) * mx * 2) / 2
        if leaf.indicator:
            rollup_values[j] = x
            values[:, j] = x / 100 if leaf.method == "yes_no" else x
        else:
            values[:, j] = np.where(rng.random(n) < MISSING, np.nan, x)
    return values, rollup_values


def insert_rollups(spec, units, rollup_values, indicator_ids) -> int:
    from django.db import transaction

    from dxhub.reporting.models import Rollup

    cols = ("unit_id", "indicator_id", "period", "n", "total", "weighted_total", "weight_total", "yes")
    cols += ("low", "high", "value")

    def rows():
        for j, x in rollup_values.items():
            ind = indicator_ids[spec.leaves[j].indicator]
            for u, v in zip(units, x.tolist(), strict=True):
                yes = round(v) if spec.leaves[j].method == "yes_no" else 0
                yield (u["id"], ind, PERIOD, 1, v, 0, 0, yes, v, v, v)

    with transaction.atomic():
        return insert_rows(Rollup._meta.db_table, cols, rows())


def headcounts(units: list[dict]) -> dict[int, int]:
    """Active people in each unit's subtree: one grouped count, summed up the paths."""
    from django.db.models import Count

    from dxhub.org import tree
    from dxhub.org.models import Person, Unit

    by_unit = dict(
        Person.objects.filter(is_active=True)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    paths = dict(Unit.objects.values_list("id", "path"))
    subtree: dict[str, int] = {}
    for unit_id, n in by_unit.items():
        path = paths[unit_id]
        for end in range(tree.STEP, len(path) + 1, tree.STEP):
            subtree[path[:end]] = subtree.get(path[:end], 0) + n
    return {u["id"]: subtree.get(u["path"], 0) for u in units}


def build_round(meta, framework, owner, admin, units, values, applicable):
    """The round in the self-assessment phase, as ``open_round`` leaves it plus the units' own
    values: participants and scores by bulk SQL (COPY / executemany), reported figures as
    ``fill_reported`` would take them from the roll-ups."""
    import math

    from django.db import transaction

    from dxhub.assessment.models import Criterion, Participant, Round, Score

    spec = framework.spec
    heads = headcounts(units)
    t0 = time.perf_counter()
    with transaction.atomic():
        round_ = Round.objects.create(
            framework=framework,
            owner=owner,
            year=YEAR,
            name=f"Đánh giá mức độ chuyển đổi số toàn quân năm {YEAR} (benchmark)",
            created_by=admin,
        )
        cols = ("round_id", "unit_id", "kind", "peer_group", "headcount")
        insert_rows(
            Participant._meta.db_table,
            cols,
            ((round_.pk, u["id"], u["kind"], u["peer_group"], heads[u["id"]]) for u in units),
        )
        pids = list(Participant.objects.filter(round=round_).order_by("pk").values_list("pk", "unit_id"))
        if [unit for _pk, unit in pids] != [u["id"] for u in units]:
            raise RuntimeError("participants were not inserted in unit order")
        leaves = list(
            Criterion.objects.filter(framework=framework, is_leaf=True)
            .order_by("position")
            .values_list("pk", "code", "indicator_id")
        )
        if [code for _pk, code, _ind in leaves] != [leaf.code for leaf in spec.leaves]:
            raise RuntimeError("criteria are not in the framework's leaf order")
        value_rows = values.tolist()
        app_rows = applicable.tolist()

        def rows():
            for (pid, _unit), vals, apps in zip(pids, value_rows, app_rows, strict=True):
                for (cid, _code, indicator), v, app in zip(leaves, vals, apps, strict=True):
                    known = not math.isnan(v)
                    if indicator is not None:  # filled for every participant, applicable or not
                        yield (pid, cid, app, v if known else None, PERIOD if known else "", None, "", None, "")
                    else:
                        mine = v if known and app else None
                        yield (pid, cid, app, None, "", mine, "Theo báo cáo của đơn vị." if mine else "", None, "")

        cols = ("participant_id", "criterion_id", "applicable", "reported_value", "reported_period", "self_value")
        cols += ("self_note", "reviewed_value", "review_comment")
        n_scores = insert_rows(Score._meta.db_table, cols, rows())
    meta["round_s"] = time.perf_counter() - t0
    meta["scores_per_s"] = n_scores / meta["round_s"]
    print(f"  round: {len(pids):,} participants, {n_scores:,} scores in {meta['round_s']:.1f} s", flush=True)
    return round_


def sizes(meta: dict):
    from django.db import connection

    tables = ("assessment_score", "assessment_result")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT pg_database_size(current_database()), pg_total_relation_size(%s), pg_total_relation_size(%s)",
                list(tables),
            )
            total, scores, results = cur.fetchone()
        else:
            name = connection.settings_dict["NAME"]
            total = sum(Path(f"{name}{s}").stat().st_size for s in ("", "-wal") if Path(f"{name}{s}").exists())
            try:  # the dbstat table is optional in SQLite builds
                cur.execute("SELECT tbl_name, name FROM sqlite_master WHERE tbl_name IN (%s, %s)", list(tables))
                owners = {obj: tbl for tbl, obj in cur.fetchall()}
                cur.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
                by_table: dict[str, int] = {}
                for obj, size in cur.fetchall():
                    if obj in owners:
                        by_table[owners[obj]] = by_table.get(owners[obj], 0) + size
                scores, results = by_table.get(tables[0]), by_table.get(tables[1])
            except Exception:
                scores = results = None
    meta["db_size_mb"] = total / 1e6
    meta["scores_mb"] = scores / 1e6 if scores else None
    meta["results_mb"] = results / 1e6 if results else None


def drop_round(round_id: int):
    """Delete a round and everything under it with plain SQL (the ORM's cascade would load
    1.6 million scores)."""
    from django.db import connection, transaction

    parts = "SELECT id FROM assessment_participant WHERE round_id = %s"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM assessment_result WHERE round_id = %s", [round_id])
        cur.execute("DELETE FROM assessment_publication WHERE round_id = %s", [round_id])
        scores = f"SELECT id FROM assessment_score WHERE participant_id IN ({parts})"
        cur.execute(f"DELETE FROM assessment_evidence WHERE score_id IN ({scores})", [round_id])
        cur.execute(f"DELETE FROM assessment_score WHERE participant_id IN ({parts})", [round_id])
        cur.execute("DELETE FROM assessment_participant WHERE round_id = %s", [round_id])
        cur.execute("DELETE FROM assessment_round WHERE id = %s", [round_id])


# --- worker ----------------------------------------------------------------------------------------------


def main_worker(args) -> int:
    import django

    sys.path.insert(0, args.src or str(PROJECT_DIR / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxhub.settings")
    django.setup()
    import dxhub

    print(f"dxhub from {Path(dxhub.__file__).parent}", flush=True)

    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from dxhub import engine
    from dxhub.accounts.models import RoleAssignment, User
    from dxhub.accounts.roles import Role
    from dxhub.assessment import frameworks, results, services
    from dxhub.assessment.models import Criterion, Participant, Publication, Result, Round, Score
    from dxhub.audit.context import acting_as
    from dxhub.org.models import Person, Unit

    db = args.worker
    meta: dict = {"db": db, "vendor": connection.vendor}
    rng = np.random.default_rng(SEED)
    load_start = os.getloadavg()[1]

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    meta["migrate_s"] = time.perf_counter() - t0

    print(f"seed_scale --units {args.units} --people {args.people} …", flush=True)
    buf = io.StringIO()
    t0 = time.perf_counter()
    call_command("seed_scale", units=args.units, people=args.people, stdout=buf)
    meta["seed_s"] = time.perf_counter() - t0
    print("  " + buf.getvalue().strip().replace("\n", "\n  "), flush=True)

    root = Unit.objects.get(depth=1)
    admin = User.objects.create_user("bench_admin", full_name="Bench system admin")
    RoleAssignment.objects.create(user=admin, unit=root, role=Role.SYSTEM_ADMIN)

    # Every unit below the root takes part, in path order (the order open_round gives them).
    units = list(
        Unit.objects.filter(depth__gt=1, is_active=True).order_by("path").values("id", "path", "kind", "depth")
    )
    print(f"peer groups, indicators and roll-ups ({len(units):,} units) …", flush=True)
    t0 = time.perf_counter()
    with acting_as(username="bench"):
        group_codes = create_catalogue(args.groups, units, rng)
        t1 = time.perf_counter()
        data, indicators = framework_data(args.leaves, group_codes)
        t_gen = time.perf_counter() - t1
        indicator_ids = create_indicators(indicators)
        t1 = time.perf_counter()
        framework = frameworks.import_framework(None, data)
        meta["framework_s"] = time.perf_counter() - t1 + t_gen
    spec = framework.spec
    kinds = [u["kind"] for u in units]
    peer_groups = [u["peer_group"] for u in units]
    applicable = spec.applicability(kinds, peer_groups)
    values, rollup_values = make_values(spec, units, rng)
    n_rollups = insert_rollups(spec, units, rollup_values, indicator_ids)
    meta["catalogue_s"] = time.perf_counter() - t0 - meta["framework_s"]
    print(f"  {len(group_codes)} peer groups, {len(indicator_ids)} indicators, {n_rollups:,} roll-up rows", flush=True)
    by_method = {m: sum(1 for leaf in spec.leaves if leaf.method == m) for m in METHOD_CYCLE}
    by_method_ind = {m: sum(1 for leaf in spec.leaves if leaf.method == m and leaf.indicator) for m in METHOD_CYCLE}
    meta["framework_label"] = f"{len(spec.nodes)} / {len(spec.leaves)} / {spec.total_points:,.0f}"
    meta["methods_label"] = ", ".join(f"{m} {by_method[m]} ({by_method_ind[m]})" for m in METHOD_CYCLE)
    group_sizes = {g: peer_groups.count(g) for g in group_codes}
    meta["groups_label"] = " / ".join(f"{group_sizes[g]:,}" for g in group_codes)

    analyse(full=False)
    bench = AssessmentBench(db, args.repeat, args.slow_ms)
    m = bench.measure

    # open_round for every unit, once, before the benchmark round exists (same year, so it finds
    # the roll-ups); the round it creates is dropped afterwards.
    if args.open_round:
        print(f"services.open_round for {len(units):,} units (1 run) …", flush=True)

        def all_units():
            return list(Unit.objects.filter(depth__gt=1, is_active=True).select_related("peer_group"))

        def open_round(unit_list):
            with acting_as(user=admin):
                other = services.open_round(admin, framework, root, YEAR, "Kỳ mở thử (benchmark)", unit_list)
            meta["open_round_id"] = other.pk
            return Score.objects.filter(participant__round=other).count()

        m(
            "open_round",
            f"0. services.open_round: {len(units):,} units × {len(spec.leaves)} leaves (1 run; rows = scores)",
            open_round,
            setup=all_units,
            once=True,
        )
        if meta.get("open_round_id"):
            drop_round(meta.pop("open_round_id"))

    print("round: participants and scores (bulk SQL) …", flush=True)
    round_ = build_round(meta, framework, root, admin, units, values, applicable)
    meta["analyze_s"] = analyse(full=True)

    n_units, n_people = Unit.objects.count(), Person.objects.count()
    meta["counts"] = f"{n_units:,} / {n_people:,}"
    print(f"measuring ({args.repeat} runs after one warm-up) …", flush=True)

    # 1a, 4, 5: the engine alone on the same matrix, and the floor.
    groups = np.array([group_codes.index(g) for g in peer_groups], dtype=np.int64)
    shape = f"{len(units):,} × {len(spec.leaves)}"
    many = max(args.repeat, 20)
    scores_box = {}

    def compute():
        scores_box["s"] = engine.compute(spec, values, applicable, groups)
        return shape

    m("engine_compute", f"1a. engine.compute: {shape} ({many} runs)", compute, repeat=many)
    s = scores_box["s"]

    def intervals():
        engine.rank_intervals(s.pillar_points, s.pillar_max, groups, spread=SPREAD, draws=DRAWS, seed=1)
        return f"{len(units):,} × {DRAWS}"

    m("engine_intervals", f"1a/4. engine.rank_intervals: {len(units):,} units, {DRAWS} weight draws", intervals)
    filled = np.nan_to_num(values)
    membership = spec.membership.astype(float)

    def matmul():
        filled @ membership
        return shape

    mat = m(
        "matmul",
        f"5. floor: values @ membership ({shape} @ {membership.shape[0]} × {membership.shape[1]}; {many} runs)",
        matmul,
        repeat=many,
    )
    comp = next(op for op in bench.ops if op["key"] == "engine_compute")
    if comp.get("median_ms") and mat.get("median_ms"):
        meta["floor_ratio"] = comp["median_ms"] / mat["median_ms"]
        print(f"    engine / matmul = {meta['floor_ratio']:,.0f}×", flush=True)

    # 1b: the whole recompute and a publication, database reads and writes included.
    heavy = min(args.repeat, 3)
    rec = m(
        "recompute",
        f"1b. results.recompute(round): {len(units):,} results upserted ({heavy} runs)",
        lambda: results.recompute(round_),
        repeat=heavy,
    )
    # Check: the stored provisional indices are the engine's on the same values.
    stored = np.array(
        [
            np.nan if i is None else float(i)
            for i in Result.objects.filter(round=round_, version=0)
            .order_by("participant_id")
            .values_list("index", flat=True)
        ]
    )
    expected = s.index
    same = (stored.shape == expected.shape) and int(
        np.sum((np.abs(stored - expected) < 5e-5) | (np.isnan(stored) & np.isnan(expected)))
    )
    meta["check_label"] = f"{same:,} of {len(units):,}"
    print(f"    stored indices equal to the engine's: {meta['check_label']}", flush=True)

    def fresh_version():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM assessment_result WHERE round_id = %s AND version > 0", [round_.pk])
            cur.execute("DELETE FROM assessment_publication WHERE round_id = %s", [round_.pk])
        return 1

    def publish(version):
        with acting_as(user=admin):
            results.publish_version(round_, version, "", admin)
        return len(units)

    pub = m(
        "publish_version",
        f"1b/4. results.publish_version: {len(units):,} results + rank intervals ({DRAWS} draws) ({heavy} runs)",
        publish,
        setup=fresh_version,
        repeat=heavy,
    )
    if rec.get("median_ms") and comp.get("median_ms"):
        meta["engine_share"] = rec["median_ms"] / (2 * comp["median_ms"])  # effective and self-assessed values
    if rec.get("median_ms") and pub.get("median_ms"):
        meta["publish_ratio"] = pub["median_ms"] / rec["median_ms"]

    # 2: one unit changes one of its own scores during self-assessment.
    biggest = group_codes[0]
    expert_leaf = next(
        leaf for leaf in spec.leaves if leaf.method == "expert" and not leaf.kinds and not leaf.peer_groups
    )
    peer_leaf = next(
        leaf
        for leaf in spec.leaves
        if leaf.method == "peer_best" and not leaf.indicator and not leaf.kinds and not leaf.peer_groups
    )
    members = list(
        Participant.objects.filter(round=round_, peer_group=biggest).order_by("pk").values_list("pk", flat=True)
    )
    participant = Participant.objects.select_related("unit", "round").get(pk=members[len(members) // 2])
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(
            framework=framework, code__in=[expert_leaf.code, peer_leaf.code]
        ).select_related("framework")
    }

    def changer(code, choices):
        state = {"n": 0}

        def change():
            state["n"] += 1
            value = choices[state["n"] % len(choices)]
            with acting_as(user=admin):
                services.save_self(admin, participant, criteria[code], value, f"Lần sửa {state['n']}")

        return change

    half = expert_leaf.max_points / 2
    change_expert = changer(expert_leaf.code, [half, half + 0.5])
    change_peer = changer(peer_leaf.code, ["31.5", "42.25"])
    m(
        "save_self_leaf",
        f"2. services.save_self, {expert_leaf.method} leaf {expert_leaf.code}: recomputes the unit",
        lambda: change_expert() or 1,
    )
    m(
        "save_self_peer",
        f"2. services.save_self, peer_best leaf {peer_leaf.code}: recomputes the peer group ({len(members):,} units)",
        lambda: change_peer() or len(members),
    )

    # 3: the ranking, provisional (version 0, ranks computed when read) and published (version 1).
    client = Client()
    client.force_login(admin)
    url = f"/danh-gia/ky/{round_.pk}/xep-hang/"

    def get(path):
        def run():
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} -> {response.status_code}")
            return f"{len(response.content) / 1024:.0f} KB"

        return run

    everyone = Result.objects.all()
    m("ranking_v0", "3. results.ranking(round, 0, all): provisional", lambda: len(results.ranking(round_, 0, everyone)))
    m("page_v0", f"3. GET {url} (self phase: version 0)", get(url))
    Round.objects.filter(pk=round_.pk).update(phase=Round.Phase.PUBLISHED, published_version=1)
    m("ranking_v1", "3. results.ranking(round, 1, all): published", lambda: len(results.ranking(round_, 1, everyone)))
    m("page_v1", f"3. GET {url} (published: version 1)", get(url))

    meta["load_label"] = f"{load_start:.1f} → {os.getloadavg()[1]:.1f}"
    n_results = Result.objects.filter(round=round_).count()
    meta["counts2"] = (
        f"{Participant.objects.count():,} / {Score.objects.count():,} / {n_results:,}"
        f" ({Publication.objects.filter(round=round_).count()} publication)"
    )
    sizes(meta)

    bench.print_table(meta)
    slow_file = OUT_DIR / f"assessment-slow-{db}.txt"
    if bench.slow_notes:
        text = "\n".join(bench.slow_notes)
        slow_file.write_text(text, encoding="utf-8")
        print(f"\nOperations slower than {args.slow_ms:.0f} ms (slowest SQL and its plan):\n{text}", flush=True)
    else:
        slow_file.unlink(missing_ok=True)

    for op in bench.ops:  # keep the JSON readable: huge multi-row INSERTs are cut short
        if len(op.get("slowest_sql") or "") > 5000:
            op["slowest_sql"] = op["slowest_sql"][:5000] + " …"
    meta["group_sizes"] = group_sizes
    Path(args.out).write_text(json.dumps({"meta": meta, "ops": bench.ops}, indent=1, ensure_ascii=False, default=str))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--leaves", type=int, default=80)
    parser.add_argument("--groups", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slow-ms", type=float, default=300.0, help="explain operations slower than this")
    parser.add_argument(
        "--no-open-round", dest="open_round", action="store_false", help="do not time services.open_round"
    )
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.groups < 1:
        parser.error("--groups must be at least 1")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
