"""Training benchmark ("Bình dân học vụ số") at army-wide scale: 20 000 units, 500 000 people,
100 000 classes, 5 million enrolments, about 3 million completions.

Usage (from the project directory)::

    .venv/bin/python bench/training.py [--db sqlite|postgres|both] [--units 20000] [--people 500000]
                                       [--per-person 10] [--classes 100000] [--answers 200000]
                                       [--import-rows 100000] [--repeat 5] [--import-repeat 3]
                                       [--slow-ms 300] [--profile-ms 2000] [--no-survey] [--reuse]

Like ``plans.py``, every database gets a dedicated, recreated database (SQLite file
``var/bench/training.sqlite3``, PostgreSQL database ``dxhub_bench_training``) and the script
re-runs itself as ``training.py --worker <db>`` on a copy of ``src/`` (``var/bench/training-src/``)
with DATABASE_URL and DXHUB_DATA_DIR set. The worker migrates, seeds units and people with
``seed_scale``, creates 20 courses through ``services.save_course``, plans classes, enrolments
and results in memory (NumPy) and loads them with bulk SQL (COPY on PostgreSQL, ``executemany``
on SQLite), derives ``BasicSkills`` with one ``INSERT … SELECT`` following
``services.update_basic_skills``'s rule, launches a survey at the root through the services and
loads 200 000 answers with their classified needs, analyses, and then times coverage, the unit
dashboard (service and page), the Excel import of 100 000 completions, the survey results and a
few other paths. ``--reuse`` skips the generation and measures again on the databases of the
previous run (after ``migrate``; the code is copied afresh). Figures only: nothing is asserted
about timings. Results: printed tables, ``var/bench/training-results.md`` (both databases side
by side), ``var/bench/training-<db>.json``, the slowest SQL with its plan for operations slower
than ``--slow-ms`` in ``var/bench/training-slow-<db>.txt``, and cProfile listings of the
operations slower than ``--profile-ms`` (and of the import) in ``var/bench/training-profile-<db>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

from bench.plans import adapters  # noqa: E402
from bench.reporting import ReportingBench, analyse, insert_rows  # noqa: E402
from bench.run import DB_LABEL, OUT_DIR, PG_SERVER, code_version, fmt_ms, fmt_rows, markdown_tables  # noqa: E402

SQLITE_FILE = OUT_DIR / "training.sqlite3"
PG_DB = "dxhub_bench_training"
SRC_COPY = OUT_DIR / "training-src"
UPLOAD_MB = 100  # DXHUB_MAX_UPLOAD_MB in the worker; the output says whether the file fits the default 10 MB
SEED = 17

# Courses: the first N_BASIC are the basic digital-skills programme (is_basic), the rest optional.
N_COURSES, N_BASIC = 20, 3
BASIC_SHARE = (0.6, 0.25, 0.15)  # which basic course people take (national platform first)
BASIC_COUNT = (0.04, 0.68, 0.28)  # share of people enrolled in 0, 1, 2 basic courses
ORGANISER_DEPTH = {2: 0.10, 3: 0.40, 4: 0.50}  # a class is organised this far up the person's chain
OPEN_AFTER_END = 0.03  # share of ended classes not closed yet
REVOKED = 0.002  # share of certificates withdrawn
PASS_SCORE = 5


# --- parent: one subprocess per database -----------------------------------------------------------


def prepare_sqlite(reuse: bool) -> str:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    if not reuse:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    elif not SQLITE_FILE.exists():
        raise SystemExit(f"--reuse: {SQLITE_FILE} does not exist; run once without --reuse")
    return f"sqlite:///{SQLITE_FILE}"


def prepare_postgres(reuse: bool) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if reuse:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone():
                raise SystemExit(f"--reuse: database {PG_DB} does not exist; run once without --reuse")
        else:
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
    url = prepare_sqlite(args.reuse) if db == "sqlite" else prepare_postgres(args.reuse)
    out = OUT_DIR / f"training-{db}.json"
    if not args.reuse:
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
    cmd += ["--units", str(args.units), "--people", str(args.people), "--per-person", str(args.per_person)]
    cmd += ["--classes", str(args.classes), "--answers", str(args.answers), "--import-rows", str(args.import_rows)]
    cmd += ["--repeat", str(args.repeat), "--import-repeat", str(args.import_repeat), "--slow-ms", str(args.slow_ms)]
    cmd += ["--profile-ms", str(args.profile_ms)]
    cmd += ["--no-survey"] if args.no_survey else []
    cmd += ["--reuse"] if args.reuse else []
    print(f"\n### {DB_LABEL[db]}: {url}", flush=True)
    before = out.stat().st_mtime if out.exists() else None
    rc = subprocess.run(cmd, env=env, cwd=PROJECT_DIR, check=False).returncode
    if rc != 0 or not out.exists() or out.stat().st_mtime == before:
        print(f"!! {db} worker failed (exit code {rc})", flush=True)
        return None
    return json.loads(out.read_text())


SETUP_ROWS = [
    ("migrate (s)", "migrate_s", "{:,.1f}"),
    ("seed_scale: units (s)", "seed_units_s", "{:,.1f}"),
    ("seed_scale: people (s)", "seed_people_s", "{:,.1f}"),
    ("20 courses through services.save_course (s)", "courses_s", "{:,.1f}"),
    ("plan in memory: classes, enrolments, results (NumPy) (s)", "plan_s", "{:,.1f}"),
    ("classes: bulk insert (s)", "classes_s", "{:,.1f}"),
    ("enrolments: bulk insert (s)", "enrolments_s", "{:,.1f}"),
    ("  enrolments inserted per second", "enrolments_per_s", "{:,.0f}"),
    ("completions: bulk insert (s)", "completions_s", "{:,.1f}"),
    ("BasicSkills: INSERT … SELECT, earliest valid basic completion (s)", "basic_s", "{:,.1f}"),
    ("survey: launch + answers + needs (s)", "survey_s", "{:,.1f}"),
    ("generation in all, seed_scale included (s)", "generation_s", "{:,.1f}"),
    ("ANALYZE (PostgreSQL: VACUUM ANALYZE) (s)", "analyze_s", "{:,.1f}"),
    ("database size (MB)", "db_size_mb", "{:,.0f}"),
    ("  of which enrolments + indexes (MB)", "enrolments_mb", "{:,.0f}"),
    ("  of which completions + indexes (MB)", "completions_mb", "{:,.0f}"),
    ("  of which survey answers + needs + indexes (MB)", "survey_mb", "{:,.0f}"),
    ("  of which people + indexes (MB)", "people_mb", "{:,.0f}"),
    ("units / people / courses / classes", "counts", "{}"),
    ("enrolments / completions / BasicSkills", "counts2", "{}"),
    ("survey: answers / needs", "counts3", "{}"),
    ("largest level-2 unit (units / people in subtree)", "l2_label", "{}"),
    ("import file: rows (basic courses) / size / openpyxl write (s)", "import_label", "{}"),
    ("import phases, median of the timed runs (s)", "import_phases", "{}"),
    ("load average (5 min) at start → end of the worker", "load_label", "{}"),
    ("CPU probe: 5 M-step Python loop at start → end (s; lower is faster)", "probe_label", "{}"),
]


def combined_markdown(results: dict[str, dict], args, version: str) -> str:
    dbs = [db for db in ("sqlite", "postgres") if db in results]
    lines = [
        f"## dxhub training benchmark — {args.units:,} units, {args.people:,} people, ~{args.per_person} enrolments "
        f"per person, median and p95 of {args.repeat} runs after one warm-up (ms)",
        "",
        f"Code {version}. Run {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} CPU cores; p95 is nearest-rank"
        + (f" (with {args.repeat} runs: the slowest)." if args.repeat < 20 else ".")
        + f" The import ran {args.import_repeat} times after its warm-up. SQL: statements of the warm-up run.",
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
    path = OUT_DIR / "training-results.md"
    path.write_text(md, encoding="utf-8")
    print("\n" + md)
    print(f"(written to {path})")
    return 0 if len(results) == len(dbs) else 1


# --- worker: timing -----------------------------------------------------------------------------------


class TrainingBench(ReportingBench):
    """``reporting.py``'s bench (warm-up run with the SQL logged, per-run untimed ``setup``,
    one-off operations) with this benchmark's setup table; the warm-up run can be profiled."""

    def __init__(self, db: str, repeat: int, slow_ms: float, profile_ms: float):
        super().__init__(db, repeat, slow_ms)
        self.profile_ms = profile_ms
        self.profiles: list[str] = []

    def measure(self, key, label, fn, setup=None, once=False, repeat=None, profile=None):
        """As ``ReportingBench.measure``; the warm-up run (discarded) runs under cProfile, whose
        listing is kept when the median is over ``profile_ms`` or ``profile`` is True."""
        import cProfile

        state = {"prof": None, "first": True}

        def wrapped(*a):
            if state["first"] and not once:
                state["first"] = False
                prof = cProfile.Profile()
                prof.enable()
                try:
                    return fn(*a)
                finally:
                    prof.disable()
                    state["prof"] = prof
            return fn(*a)

        op = super().measure(key, label, wrapped, setup=setup, once=once, repeat=repeat)
        prof = state["prof"]
        if prof is not None and not op.get("error") and (profile or (op["median_ms"] or 0) > self.profile_ms):
            self.profiles.append(profile_text(op, prof))
        return op

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


def profile_text(op: dict, prof) -> str:
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    text = "\n".join(line for line in out.getvalue().splitlines() if line.strip())
    return f"=== {op['label']}: median {op['median_ms']:,.1f} ms (profile of the warm-up run, cProfile)\n{text}\n"


class Phases:
    """Wall-clock time spent in named functions during one call, by patching module attributes
    that the code under test looks up at call time (a wrapper costs a microsecond per call).
    ``targets``: {phase: (module, attribute)}; ``bulk_model``: also time ``QuerySet.bulk_create``
    of that model."""

    def __init__(self, targets: dict, bulk_model=None):
        self.targets = targets
        self.bulk_model = bulk_model
        self.runs: list[dict[str, float]] = []

    def __enter__(self):
        from django.db.models.query import QuerySet

        times: dict[str, float] = {name: 0.0 for name in self.targets}
        self.runs.append(times)
        self._saved = []

        def timed(name, fn, check=None):
            def wrapper(*a, **kw):
                if check is not None and not check(*a):
                    return fn(*a, **kw)
                t0 = time.perf_counter()
                try:
                    return fn(*a, **kw)
                finally:
                    times[name] += time.perf_counter() - t0

            return wrapper

        for name, (module, attr) in self.targets.items():
            original = getattr(module, attr)
            self._saved.append((module, attr, original))
            setattr(module, attr, timed(name, original))
        if self.bulk_model is not None:
            times["bulk_create"] = 0.0
            original = QuerySet.bulk_create
            self._saved.append((QuerySet, "bulk_create", original))
            QuerySet.bulk_create = timed("bulk_create", original, lambda qs, *_a: qs.model is self.bulk_model)
        return times

    def __exit__(self, *exc):
        for module, attr, original in reversed(self._saved):
            setattr(module, attr, original)
        return False

    def medians_ms(self, skip_first: bool = True) -> dict[str, float]:
        import statistics

        runs = self.runs[1:] if skip_first and len(self.runs) > 1 else self.runs
        return {name: statistics.median(r[name] for r in runs) * 1000 for name in runs[0]}


# --- worker: data generation ----------------------------------------------------------------------------


def cpu_probe() -> float:
    """Seconds for a fixed pure-Python loop: how fast this (shared, 2-core) machine runs now."""
    t0 = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - t0


def run_sql(sql: str, params=None) -> int:
    """One statement in the caller's transaction (no parameters: ``%`` is literal); its row count."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def reset_sequences(*models):
    from django.core.management.color import no_style
    from django.db import connection

    for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
        run_sql(sql)


def make_courses(admin, root) -> list:
    """20 courses of the TT02-2025 framework through ``services.save_course``: 3 basic courses
    (the national platform's programme, in person, blended) and 17 others for the other groups."""
    from decimal import Decimal

    from dxhub.training import services
    from dxhub.training.models import Competence, Course, Framework, TrainingGroup

    fw = Framework.objects.get(code="TT02-2025")
    comps = list(Competence.objects.filter(framework=fw).order_by("position"))
    groups = {g.code: g for g in TrainingGroup.objects.all()}
    others = [g for code, g in groups.items() if code != "pho-cap"] or list(groups.values())
    basic_titles = [
        ("BHVS-CB", "Kiến thức, kỹ năng số cơ bản (nền tảng Bình dân học vụ số)", "online", True),
        ("BHVS-CB-TT", "Kỹ năng số cơ bản cho chiến sĩ (lớp trực tiếp)", "in_person", False),
        ("BHVS-CB-KH", "Kỹ năng số cơ bản cho cán bộ, nhân viên (kết hợp)", "blended", False),
    ]
    out = []
    for i in range(N_COURSES):
        if i < N_BASIC:
            code, title, mode, national = basic_titles[i]
            data = {"is_basic": True, "reached_step": 2, "groups": [groups["pho-cap"]] if "pho-cap" in groups else []}
        else:
            code, title = f"KNS-{i - N_BASIC + 1:02d}", f"Chuyên đề kỹ năng số {i - N_BASIC + 1}"
            mode, national = ("online", "in_person", "blended")[i % 3], i % 4 == 0
            data = {"is_basic": False, "reached_step": 3 + i % 4, "groups": [others[i % len(others)]]}
        data.update(
            code=code,
            title=title,
            provider="Nền tảng Bình dân học vụ số" if national else "Học viện Kỹ thuật quân sự",
            on_national_platform=national,
            mode=mode,
            hours=Decimal(4 + 4 * (i % 6)),
            pass_score=Decimal(PASS_SCORE),
            framework=fw,
            competences=[comps[(i * 3 + j) % len(comps)] for j in range(3)],
        )
        out.append(services.save_course(admin, root, data))
    return list(Course.objects.filter(pk__in=[c.pk for c in out]).order_by("pk"))


def certificate_codes(n: int) -> list[str]:
    """Certificate codes for ids 1..n: a bijection of the id mod 2^60 written in the 32
    characters of ``models.new_code``, so they are unique and look random."""
    import numpy as np

    alphabet = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
    ids = np.arange(1, n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = (ids * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x5DEECE66D)) & np.uint64((1 << 60) - 1)
    chars = np.empty((n, 14), dtype="<U1")
    pos = [0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13]
    for k, p in enumerate(pos):
        chars[:, p] = alphabet[((x >> np.uint64(5 * (11 - k))) & np.uint64(31)).astype(np.int64)]
    chars[:, 4] = chars[:, 9] = "-"
    return chars.view("<U14").ravel().tolist()


class Plan:
    """Classes, enrolments and results planned in memory (NumPy arrays), then bulk-loaded."""

    def __init__(self, units, people, courses, args, today: dt.date):
        import numpy as np

        rng = np.random.default_rng(SEED)
        self.today = today
        n_units = len(units)
        unit_idx = {pk: i for i, (pk, _parent, _depth, _path) in enumerate(units)}
        by_path = {path: i for i, (_pk, _parent, _depth, path) in enumerate(units)}
        udepth = np.array([d for _pk, _p, d, _path in units], dtype=np.int64)
        max_depth = int(udepth.max())
        anc = np.zeros((max_depth + 1, n_units), dtype=np.int64)
        for i, (_pk, _parent, depth, path) in enumerate(units):
            for d in range(1, max_depth + 1):
                anc[d, i] = by_path[path[: 4 * d]] if d <= depth else i
        self.unit_pk = np.array([pk for pk, *_r in units], dtype=np.int64)
        self.person_pk = np.array([pk for pk, _u in people], dtype=np.int64)
        pu = np.array([unit_idx[u] for _pk, u in people], dtype=np.int64)
        n = len(people)

        # Courses per person, distinct (so (person, course) is unique for completions): 0–2 of the
        # basic programme, the rest from the optional courses by popularity.
        n_other = N_COURSES - N_BASIC
        nb = rng.choice(len(BASIC_COUNT), size=n, p=BASIC_COUNT)
        k = np.clip(rng.poisson(args.per_person, n), 1, N_COURSES)
        nn = np.clip(k - nb, 0, n_other)

        def pick(counts, weights):
            keys = rng.random((n, len(weights))) ** (1.0 / np.asarray(weights))
            order = np.argsort(-keys, axis=1)
            rank = np.empty_like(order)
            np.put_along_axis(rank, order, np.broadcast_to(np.arange(len(weights)), order.shape), axis=1)
            return np.nonzero(rank < counts[:, None])

        pb, cb = pick(nb, BASIC_SHARE)
        po, co = pick(nn, [1.0 / (j + 1) ** 0.5 for j in range(n_other)])
        P = np.concatenate([pb, po])
        C = np.concatenate([cb, co + N_BASIC])

        # Organiser: an ancestor of the person's unit (or the unit itself) at a drawn level.
        depths = np.array(sorted(ORGANISER_DEPTH))
        d = rng.choice(depths, size=len(P), p=[ORGANISER_DEPTH[x] for x in depths])
        d = np.minimum(d, udepth[pu[P]])
        org = anc[d, pu[P]]

        # Classes: per (organiser, course), as many classes as make ~``args.classes`` in all.
        key = org * N_COURSES + C
        ukeys, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        lo, hi = 1.0, float(counts.max())
        for _ in range(60):
            mid = (lo + hi) / 2
            if np.ceil(counts / mid).sum() > args.classes:
                lo = mid
            else:
                hi = mid
        ncls = np.ceil(counts / hi).astype(np.int64)
        offset = np.concatenate([[0], np.cumsum(ncls)[:-1]])
        order = np.argsort(inverse, kind="stable")
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        pos = np.empty(len(P), dtype=np.int64)
        pos[order] = np.arange(len(P)) - starts[inverse[order]]
        raw_class = offset[inverse] + pos % ncls[inverse]
        n_cls = int(ncls.sum())
        cls_course = np.repeat(ukeys % N_COURSES, ncls)
        cls_unit = np.repeat(ukeys // N_COURSES, ncls)
        self.class_size = hi

        # Class calendar: starts over the last two years and the next six weeks; numbered by start.
        days_ago = rng.integers(-45, 730, n_cls)
        course_days = rng.integers(1, 21, N_COURSES)
        course_sessions = rng.integers(2, 11, N_COURSES)
        by_start = np.argsort(-days_ago, kind="stable")  # oldest first
        rank = np.empty(n_cls, dtype=np.int64)
        rank[by_start] = np.arange(n_cls)
        self.cls_course = cls_course[by_start]
        self.cls_unit = cls_unit[by_start]
        start_ago = days_ago[by_start]
        end_ago = start_ago - course_days[self.cls_course]
        self.cls_start_ago, self.cls_end_ago = start_ago, end_ago
        self.cls_sessions = course_sessions[self.cls_course]
        ended = end_ago > 0
        self.cls_closed = ended & (rng.random(n_cls) >= OPEN_AFTER_END)
        cls = rank[raw_class]

        # Enrolments ordered by class (a class's list is entered together), then person.
        eo = np.lexsort((P, cls))
        self.e_class, self.e_person, self.e_course = cls[eo], P[eo], C[eo]
        m = len(eo)
        sess = self.cls_sessions[self.e_class]
        closed = self.cls_closed[self.e_class]
        started = self.cls_start_ago[self.e_class] >= 0
        miss = rng.binomial(sess, 0.08)
        length = np.maximum(1, start_ago - end_ago)[self.e_class]
        progress = np.clip(self.cls_start_ago[self.e_class] / length, 0, 1)
        attended = np.where(closed, sess - miss, np.where(started, np.floor((sess - miss) * progress), 0))
        score = np.round(np.clip(rng.normal(6.3, 1.8, m), 0, 10), 1)
        has_score = closed & (attended > 0)
        need = np.ceil(sess * 0.8)
        self.e_attended = attended.astype(np.int64)
        self.e_score = np.where(has_score, score, np.nan)
        self.e_passed = np.where(closed, has_score & (score >= PASS_SCORE) & (attended >= need), False)
        self.e_closed = closed
        # Completions: the passed enrolments, numbered in the order they were recorded (class end).
        passed = np.nonzero(self.e_passed)[0]
        co_order = np.lexsort((passed, -self.cls_end_ago[self.e_class[passed]]))
        self.c_enrol = passed[co_order]
        self.c_revoked = rng.random(len(self.c_enrol)) < REVOKED
        self.n_people, self.n_units = n, n_units


def load_plan(meta: dict, plan: Plan, courses, admin) -> dict:
    """Classes, enrolments and completions with bulk SQL, explicit ids, in one transaction each."""
    from django.db import transaction
    from django.utils import timezone

    from dxhub.training.models import Completion, Enrolment, TrainingClass

    date, ts = adapters()
    tz = timezone.get_current_timezone()
    today = plan.today
    course_pk = [c.pk for c in courses]
    course_basic = [c.is_basic for c in courses]
    unit_pk = plan.unit_pk.tolist()
    person_pk = plan.person_pk.tolist()

    n_cls = len(plan.cls_course)
    c_course = plan.cls_course.tolist()
    c_unit = plan.cls_unit.tolist()
    c_start = [today - dt.timedelta(days=int(x)) for x in plan.cls_start_ago.tolist()]
    c_end = [today - dt.timedelta(days=int(x)) for x in plan.cls_end_ago.tolist()]
    c_sessions = plan.cls_sessions.tolist()
    c_closed = plan.cls_closed.tolist()
    enrolled_at = [ts(dt.datetime.combine(s - dt.timedelta(days=7), dt.time(8, 0), tzinfo=tz)) for s in c_start]
    now = timezone.now()
    recorded_at = [dt.datetime.combine(e + dt.timedelta(days=1), dt.time(9, 0), tzinfo=tz) for e in c_end]

    def class_rows():
        for i in range(n_cls):
            course = c_course[i]
            online = course % 3 == 0
            yield (
                i + 1,
                f"L{c_start[i].year}-{i + 1:07d}",
                course_pk[course],
                unit_pk[c_unit[i]],
                date(c_start[i]),
                date(c_end[i]),
                c_sessions[i],
                "" if online else "Hội trường đơn vị",
                "https://binhdanhocvuso.gov.vn/lop" if online else "",
                "",
                None,
                c_closed[i],
                admin.pk,
                enrolled_at[i],
            )

    cols = ("id", "code", "course_id", "unit_id", '"start"', '"end"', "sessions", "place", "online_link")
    cols += ("instructor", "capacity", "is_closed", "created_by_id", "created_at")
    t0 = time.perf_counter()
    with transaction.atomic():
        insert_rows(TrainingClass._meta.db_table, cols, class_rows())
        reset_sequences(TrainingClass)
    meta["classes_s"] = time.perf_counter() - t0
    print(f"  classes: {n_cls:,} in {meta['classes_s']:.1f} s (about {plan.class_size:.0f} per class)", flush=True)

    e_class = plan.e_class.tolist()
    e_person = plan.e_person.tolist()
    e_att = plan.e_attended.tolist()
    e_score = [None if math.isnan(s) else s for s in plan.e_score.tolist()]
    e_closed = plan.e_closed.tolist()
    e_passed = plan.e_passed.tolist()
    m = len(e_class)

    def enrolment_rows():
        for i in range(m):
            c = e_class[i]
            yield (
                i + 1,
                c + 1,
                person_pk[e_person[i]],
                e_att[i],
                e_score[i],
                e_passed[i] if e_closed[i] else None,
                admin.pk,
                enrolled_at[c],
            )

    cols = ("id", "training_class_id", "person_id", "attended", "score", "passed", "enrolled_by_id", "enrolled_at")
    t0 = time.perf_counter()
    with transaction.atomic():
        insert_rows(Enrolment._meta.db_table, cols, enrolment_rows())
        reset_sequences(Enrolment)
    meta["enrolments_s"] = time.perf_counter() - t0
    meta["enrolments_per_s"] = m / meta["enrolments_s"]
    print(f"  enrolments: {m:,} in {meta['enrolments_s']:.1f} s", flush=True)

    c_enrol = plan.c_enrol.tolist()
    c_revoked = plan.c_revoked.tolist()
    n_done = len(c_enrol)
    codes = certificate_codes(n_done)

    def completion_rows():
        for j in range(n_done):
            i = c_enrol[j]
            c = e_class[i]
            course = c_course[c]
            revoked = c_revoked[j]
            rec = recorded_at[c]
            yield (
                j + 1,
                person_pk[e_person[i]],
                course_pk[course],
                i + 1,
                date(c_end[c]),
                e_score[i],
                course_basic[course],
                "class",
                "",
                codes[j],
                unit_pk[c_unit[c]],
                admin.pk,
                ts(rec),
                ts(min(rec + dt.timedelta(days=30), now)) if revoked else None,
                "Ghi nhận nhầm người học" if revoked else "",
            )

    cols = ("id", "person_id", "course_id", "enrolment_id", "completed_on", "score", "is_basic", "source")
    cols += ("external_ref", "code", "issued_by_id", "recorded_by_id", "recorded_at", "revoked_at", "revoked_reason")
    t0 = time.perf_counter()
    with transaction.atomic():
        insert_rows(Completion._meta.db_table, cols, completion_rows())
        reset_sequences(Completion)
    meta["completions_s"] = time.perf_counter() - t0
    print(f"  completions: {n_done:,} in {meta['completions_s']:.1f} s", flush=True)
    return {"classes": n_cls, "enrolments": m, "completions": n_done}


BASIC_SKILLS_SQL = """
INSERT INTO training_basicskills (person_id, completion_id, completed_on)
SELECT x.person_id, x.id, x.completed_on
FROM (
    SELECT c.person_id, c.id, c.completed_on,
           ROW_NUMBER() OVER (PARTITION BY c.person_id ORDER BY c.completed_on, c.id) AS rn
    FROM training_completion c
    WHERE c.is_basic AND c.revoked_at IS NULL
) x
WHERE x.rn = 1
"""


def make_basic_skills(meta: dict) -> int:
    """``BasicSkills`` in one statement, by ``services.update_basic_skills``'s rule: per person the
    valid (not revoked) basic completion with the smallest (completed_on, id)."""
    from django.db import transaction

    t0 = time.perf_counter()
    with transaction.atomic():
        n = run_sql(BASIC_SKILLS_SQL)
    meta["basic_s"] = time.perf_counter() - t0
    print(f"  BasicSkills: {n:,} in {meta['basic_s']:.1f} s", flush=True)
    return n


# Positions: seed_scale leaves them empty; some officers command, some people work in IT, so the
# leadership and IT groups of the survey have members.
POSITIONS_SQL = """
UPDATE org_person SET position = CASE
    WHEN category = 'si_quan' AND id % 10 = 0 THEN 'Chỉ huy trưởng'
    WHEN category = 'si_quan' AND id % 10 = 5 THEN 'Trưởng phòng Tham mưu'
    ELSE 'Trợ lý công nghệ thông tin' END
WHERE (category = 'si_quan' AND id % 5 = 0) OR id % 31 = 0
"""


def position_of(pk: int, category: str) -> str:
    if category == "si_quan" and pk % 10 == 0:
        return "Chỉ huy trưởng"
    if category == "si_quan" and pk % 10 == 5:
        return "Trưởng phòng Tham mưu"
    if pk % 31 == 0:
        return "Trợ lý công nghệ thông tin"
    return ""


def make_survey(meta: dict, admin, root, n_answers: int, today: dt.date):
    """A survey launched at the root through the services, ``n_answers`` self-ratings loaded with
    bulk SQL and each person classified by ``services.Rules.classify`` (the needs)."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from dxhub.audit.context import acting_as
    from dxhub.org.models import Person
    from dxhub.training import services
    from dxhub.training.models import BasicSkills, Framework, Need, Response

    t0 = time.perf_counter()
    with transaction.atomic():
        run_sql(POSITIONS_SQL)
    fw = Framework.objects.get(code="TT02-2025")
    with acting_as(user=admin):
        survey = services.launch_survey(
            admin,
            root,
            services.SurveyData(
                code="KS-BQP-2026",
                title="Rà soát nhu cầu bồi dưỡng kỹ năng số toàn quân năm 2026",
                framework=fw,
                opens_on=today - dt.timedelta(days=20),
                closes_on=today + dt.timedelta(days=40),
            ),
        )
    scale = services.Scale.of(fw)
    rules = services.Rules.load()
    codes = [c.code for c in scale.competences]
    rng = random.Random(SEED)
    people = list(Person.objects.filter(is_active=True).order_by("pk").values_list("pk", "unit_id", "category"))
    chosen = sorted(rng.sample(range(len(people)), min(n_answers, len(people))))
    basic = set(BasicSkills.objects.values_list("person_id", flat=True))
    nrng = np.random.default_rng(SEED)
    ability = nrng.normal(2.6, 1.3, len(chosen))
    ratings_all = nrng.normal(0, 1.0, (len(chosen), len(codes)))
    date, ts = adapters()
    tz = timezone.get_current_timezone()
    opened = dt.datetime.combine(survey.opens_on, dt.time(8, 0), tzinfo=tz)
    responses, needs = [], []
    n_need = 0
    for j, i in enumerate(chosen):
        pk, unit_id, category = people[i]
        a = ability[j] + (0.8 if pk in basic else 0.0)
        steps = [min(8, max(0, round(a + x))) for x in ratings_all[j]]
        ratings = dict(zip(codes, steps, strict=True))
        dsteps = scale.domain_steps(ratings)
        kind = ("self", "self", "self", "officer", "import")[j % 5]
        at = opened + dt.timedelta(seconds=(j * 7919) % (20 * 86400))
        responses.append(
            (
                j + 1,
                survey.pk,
                pk,
                unit_id,
                json.dumps(ratings),
                json.dumps(dsteps),
                kind,
                None if kind == "self" else admin.pk,
                ts(at),
            )
        )
        person = Person(pk=pk, unit_id=unit_id, category=category, position=position_of(pk, category))
        for group, why in rules.classify(person, dsteps, scale.domain_names):
            n_need += 1
            needs.append((n_need, survey.pk, j + 1, pk, unit_id, group.pk, why))
    with transaction.atomic():
        cols = ("id", "survey_id", "person_id", "unit_id", "ratings", "domain_steps", "source", "entered_by_id")
        insert_rows(Response._meta.db_table, (*cols, "updated_at"), responses)
        insert_rows(
            Need._meta.db_table, ("id", "survey_id", "response_id", "person_id", "unit_id", "group_id", "reason"), needs
        )
        reset_sequences(Response, Need)
    meta["survey_s"] = time.perf_counter() - t0
    print(f"  survey {survey.code}: {len(responses):,} answers, {len(needs):,} needs in {meta['survey_s']:.1f} s")
    return survey


# --- worker: the import file ---------------------------------------------------------------------------------


def import_plan(n_rows: int, courses, today: dt.date) -> list[tuple]:
    """``n_rows`` (person, course) pairs not on record, one per person, people drawn at random:
    a basic course for those without basic skills, else an optional course they have not done.
    Returns [(person id, identifier, full name, course code, is basic, day, score, ref)]."""
    from dxhub.org.models import Person
    from dxhub.training.models import BasicSkills, Completion

    rng = random.Random(SEED + 1)
    ids = list(Person.objects.filter(is_active=True).values_list("pk", flat=True))
    sample = rng.sample(ids, min(len(ids), int(n_rows * 1.05) + 100))
    basic = [c for c in courses if c.is_basic]
    other = [c for c in courses if not c.is_basic]
    out = []
    for i in range(0, len(sample), 5000):
        chunk = sample[i : i + 5000]
        done: dict[int, set[int]] = {}
        for pid, cid in Completion.objects.filter(person_id__in=chunk).values_list("person_id", "course_id"):
            done.setdefault(pid, set()).add(cid)
        has_basic = set(BasicSkills.objects.filter(person_id__in=chunk).values_list("person_id", flat=True))
        names = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "identifier"))
        full = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "full_name"))
        for pid in chunk:
            if len(out) >= n_rows:
                break
            mine = done.get(pid, set())
            pool = [c for c in basic if c.pk not in mine] if pid not in has_basic else []
            pool = pool or [c for c in other if c.pk not in mine]
            if not pool:
                continue
            course = pool[0] if pool[0].is_basic else rng.choice(pool)
            day = today - dt.timedelta(days=rng.randrange(1, 365))
            score = round(rng.uniform(PASS_SCORE, 10), 1)
            ref = f"BHVS-{len(out) + 1:07d}"
            out.append((pid, names[pid], full[pid], course.code, course.is_basic, day, score, ref))
    return out


def import_workbook(rows: list[tuple]) -> bytes:
    """The sheet another platform would export, saved as Excel saves it (with its ``<dimension>``;
    openpyxl's write-only files have none, and a read-only pass then parses the sheet twice):
    identifier as text, the name, the course code, the day as a date cell, the score and the
    certificate number."""
    from openpyxl import Workbook

    from dxhub.training.excel import COMPLETION_COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ws.append([str(v) for v in COMPLETION_COLUMNS.values()])
    for _pid, ident, name, code, _basic, day, score, ref in rows:
        ws.append([ident, name, code, day, score, ref])
    for cell in ws["D"][1:]:
        cell.number_format = "DD/MM/YYYY"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- worker: sizes --------------------------------------------------------------------------------------------


def sizes(meta: dict):
    from django.db import connection

    groups = {
        "enrolments_mb": ["training_enrolment"],
        "completions_mb": ["training_completion", "training_basicskills"],
        "survey_mb": ["training_response", "training_need"],
        "people_mb": ["org_person"],
    }
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
            total = cur.fetchone()[0]
            for key, tables in groups.items():
                cur.execute(
                    "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname = ANY(%s)", [tables]
                )
                size = cur.fetchone()[0]
                meta[key] = float(size) / 1e6 if size else None
        else:
            name = connection.settings_dict["NAME"]
            total = sum(Path(f"{name}{s}").stat().st_size for s in ("", "-wal") if Path(f"{name}{s}").exists())
            try:  # the dbstat table is optional in SQLite builds
                cur.execute("SELECT tbl_name, name FROM sqlite_master")
                owners = {obj: tbl for tbl, obj in cur.fetchall()}
                cur.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
                by_table: dict[str, int] = {}
                for obj, size in cur.fetchall():
                    if obj in owners:
                        by_table[owners[obj]] = by_table.get(owners[obj], 0) + size
                for key, tables in groups.items():
                    meta[key] = sum(by_table.get(t, 0) for t in tables) / 1e6
            except Exception:
                pass
    meta["db_size_mb"] = total / 1e6


# --- worker ------------------------------------------------------------------------------------------------------

GENERATION_KEYS = (
    "migrate_s", "seed_units_s", "seed_people_s", "seed_s", "courses_s", "plan_s", "classes_s", "enrolments_s",
    "enrolments_per_s", "completions_s", "basic_s", "survey_s", "generation_s", "analyze_s", "class_size",
)  # fmt: skip


def main_worker(args) -> int:
    import re

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
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from dxhub.accounts import scoping
    from dxhub.accounts.models import RoleAssignment, User
    from dxhub.accounts.roles import Role
    from dxhub.audit.context import acting_as
    from dxhub.core import xlsx
    from dxhub.org import tree
    from dxhub.org.models import Person, Unit
    from dxhub.training import coverage, excel, services
    from dxhub.training.models import (
        BasicSkills,
        Completion,
        Course,
        Enrolment,
        Need,
        Response,
        Survey,
        TrainingClass,
        new_code,
    )

    db = args.worker
    meta: dict = {"db": db, "vendor": connection.vendor}
    if args.reuse and Path(args.out).exists():
        old = json.loads(Path(args.out).read_text())["meta"]
        meta.update({k: old[k] for k in GENERATION_KEYS if k in old})
        meta["reused"] = True
    load_start = os.getloadavg()[1]
    probe_start = cpu_probe()
    today = timezone.localdate()
    meta["today"] = today.isoformat()
    gen_start = time.perf_counter()

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not args.reuse:
        meta["migrate_s"] = time.perf_counter() - t0

    if not args.reuse:
        print(f"seed_scale --units {args.units} --people {args.people} …", flush=True)
        buf = io.StringIO()
        t0 = time.perf_counter()
        call_command("seed_scale", units=args.units, people=args.people, stdout=buf)
        meta["seed_s"] = time.perf_counter() - t0
        seed_out = buf.getvalue()
        print("  " + seed_out.strip().replace("\n", "\n  "), flush=True)
        for what in ("units", "people"):
            found = re.search(rf"^{what}: \d+ created in ([\d.]+) s", seed_out, re.MULTILINE)
            meta[f"seed_{what}_s"] = float(found.group(1)) if found else None

    root = Unit.objects.get(depth=1)
    units = list(Unit.objects.filter(is_active=True).order_by("path").values_list("pk", "parent_id", "depth", "path"))
    sizes_l2: dict[str, int] = {}
    for _pk, _parent, _depth, path in units:
        if len(path) >= 2 * tree.STEP:
            sizes_l2[path[: 2 * tree.STEP]] = sizes_l2.get(path[: 2 * tree.STEP], 0) + 1
    l2_path = max(sorted(sizes_l2), key=lambda p: sizes_l2[p])
    l2 = Unit.objects.get(path=l2_path)

    admin, made = User.objects.get_or_create(username="bench_admin", defaults={"full_name": "Bench system admin"})
    if made:
        RoleAssignment.objects.create(user=admin, unit=root, role=Role.SYSTEM_ADMIN)
    unit_admin, made = User.objects.get_or_create(
        username="bench_unit_admin", defaults={"full_name": "Bench unit admin"}
    )
    if made:
        RoleAssignment.objects.create(user=unit_admin, unit=l2, role=Role.UNIT_ADMIN)

    if not args.reuse:
        if connection.vendor == "sqlite":  # the load only: a 1 GiB page cache, reset before measuring
            run_sql("PRAGMA cache_size = -1048576")
            run_sql("PRAGMA temp_store = MEMORY")
        print("courses, classes, enrolments, completions …", flush=True)
        t0 = time.perf_counter()
        with acting_as(user=admin):
            courses = make_courses(admin, root)
        meta["courses_s"] = time.perf_counter() - t0
        people = list(Person.objects.filter(is_active=True).order_by("pk").values_list("pk", "unit_id"))
        t0 = time.perf_counter()
        plan = Plan(units, people, courses, args, today)
        meta["plan_s"] = time.perf_counter() - t0
        meta["class_size"] = plan.class_size
        print(f"  planned in {meta['plan_s']:.1f} s", flush=True)
        load_plan(meta, plan, courses, admin)
        del plan, people
        make_basic_skills(meta)
        if not args.no_survey:
            print(f"survey with {args.answers:,} answers …", flush=True)
            make_survey(meta, admin, root, args.answers, today)
        if connection.vendor == "sqlite":
            run_sql("PRAGMA cache_size = -2000")  # SQLite's default, as the application runs
            run_sql("PRAGMA temp_store = DEFAULT")
        meta["generation_s"] = time.perf_counter() - gen_start
        meta["analyze_s"] = analyse(full=True)
        print(f"generation {meta['generation_s']:.1f} s, analyse {meta['analyze_s']:.1f} s", flush=True)

    sizes(meta)
    courses = list(Course.objects.order_by("pk"))
    n_people = Person.objects.filter(is_active=True).count()
    n_cls, n_enrol = TrainingClass.objects.count(), Enrolment.objects.count()
    n_done, n_basic = Completion.objects.count(), BasicSkills.objects.count()
    survey = Survey.objects.filter(code="KS-BQP-2026").first()
    n_resp = Response.objects.filter(survey=survey).count() if survey else 0
    n_need = Need.objects.filter(survey=survey).count() if survey else 0
    l2_people = Person.objects.in_subtree(l2).count()
    meta["counts"] = f"{len(units):,} / {n_people:,} / {len(courses)} / {n_cls:,}"
    meta["counts2"] = (
        f"{n_enrol:,} / {n_done:,} ({n_done / max(1, n_enrol):.0%} of enrolments) / "
        f"{n_basic:,} ({n_basic / max(1, n_people):.0%} of people)"
    )
    meta["counts3"] = f"{n_resp:,} / {n_need:,}" if survey else "— (--no-survey)"
    meta["l2_label"] = f"{l2.code} ({sizes_l2[l2_path]:,} / {l2_people:,})"
    meta["n"] = {"units": len(units), "people": n_people, "classes": n_cls, "enrolments": n_enrol}
    meta["n"].update(completions=n_done, basic=n_basic, answers=n_resp, needs=n_need, l2_people=l2_people)
    if survey:
        meta["needs_by_group"] = dict(
            Need.objects.filter(survey=survey).values_list("group__code").annotate(n=Count("id")).order_by()
        )
    print(f"  {meta['counts']}; {meta['counts2']}; survey {meta['counts3']}; size {meta['db_size_mb']:,.0f} MB")

    # The import file: built before measuring (untimed, but its build time is shown).
    n_import = min(args.import_rows, n_people // 4)
    t0 = time.perf_counter()
    rows = import_plan(n_import, courses, today)
    data = import_workbook(rows)
    write_s = time.perf_counter() - t0
    n_import_basic = sum(1 for r in rows if r[4])
    within = len(data) <= 10 * 1024 * 1024
    meta["import_label"] = (
        f"{len(rows):,} ({n_import_basic:,}) / {len(data) / 1e6:.1f} MB"
        f"{'' if within else ' (over the default 10 MB limit)'} / {write_s:.1f}"
    )
    meta["import_file_mb"] = len(data) / 1e6
    meta["import_over_default_limit"] = not within
    basic_people = [r[0] for r in rows if r[4]]
    (OUT_DIR / f"training-import-{db}.xlsx").write_bytes(data)
    print(f"  import file: {meta['import_label']}", flush=True)

    bench = TrainingBench(db, args.repeat, args.slow_ms, args.profile_ms)
    m = bench.measure
    print(f"measuring ({args.repeat} runs after one warm-up) …", flush=True)

    admin_client, ua_client = Client(), Client()
    admin_client.force_login(admin)
    ua_client.force_login(unit_admin)

    def page(key, label, client, name, args=(), query=""):
        """GET a page of the module through the whole stack; the URL comes from its name, so a
        page not there yet (another engineer writes the views) is reported, not fatal."""
        try:
            url = reverse(name, args=args) + query
        except NoReverseMatch:
            bench.ops.append({"key": key, "label": label, "rows": None, "median_ms": None, "p95_ms": None,
                              "queries": None, "error": f"no page {name} in this code"})  # fmt: skip
            print(f"  {label}: no page {name} in this code", flush=True)
            return

        def run():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} -> {response.status_code}")
            return f"{len(response.content) / 1024:.0f} KB"

        m(key, label, run)

    # a. Coverage of the whole tree, and the ministry's page (which computes it).
    m("coverage_root", "a. coverage.coverage(root): whole tree", lambda: coverage.coverage(root).total.people)
    m("dashboard_root", "a. coverage.dashboard(root)", lambda: len(coverage.dashboard(root).children))
    page("page_root", "a. GET /hoc-vu-so/don-vi/<root>/ (system admin)", admin_client, "training:unit", [root.pk])

    # b. The largest level-2 unit: coverage, the dashboard, the page as its unit administrator.
    m("coverage_l2", "b. coverage.coverage(level-2 unit)", lambda: coverage.coverage(l2).total.people)
    m("dashboard_l2", "b. coverage.dashboard(level-2 unit)", lambda: len(coverage.dashboard(l2).children))
    page("page_l2", "b. GET /hoc-vu-so/don-vi/<level-2>/ (unit admin)", ua_client, "training:unit", [l2.pk])

    # d. Survey results: the services and their pages.
    if survey is not None:
        m("results_l2", "d. services.results(survey, level-2 unit)", lambda: services.results(survey, l2).answered)
        m("results_root", "d. services.results(survey, root)", lambda: services.results(survey, root).answered)
        page("page_survey_l2", "d. GET /hoc-vu-so/khao-sat/<pk>/ (unit admin: level-2 results)", ua_client,
             "training:survey", [survey.pk])  # fmt: skip
        page("page_survey_root", "d. GET /hoc-vu-so/khao-sat/<pk>/ (system admin: whole tree)", admin_client,
             "training:survey", [survey.pk])  # fmt: skip
        m("needs_l2_count", "d. services.needs_list(survey, level-2 unit).count()",
          lambda: services.needs_list(survey, l2).count())  # fmt: skip
        m("needs_l2_page", "d. services.needs_list(survey, level-2 unit): first 50 rows",
          lambda: len(list(services.needs_list(survey, l2)[:50])))  # fmt: skip
        page("page_needs_l2", "d. GET …/khao-sat/<pk>/can-boi-duong/ (unit admin)", ua_client,
             "training:survey_needs", [survey.pk])  # fmt: skip
        page("page_needs_root", "d. GET …/khao-sat/<pk>/can-boi-duong/ (system admin)", admin_client,
             "training:survey_needs", [survey.pk])  # fmt: skip
        m(
            "export_needs_l2",
            "d. excel.export_needs(survey, level-2 unit)",
            lambda: f"{len(excel.export_needs(survey, l2)) / 1e6:.1f} MB",
            repeat=min(args.repeat, 3),
        )

    # e. Lists of classes.
    page("page_classes_l2", "e. GET /hoc-vu-so/lop/: open classes (unit admin)", ua_client, "training:classes")
    page("page_classes_root", "e. GET /hoc-vu-so/lop/?show=all (system admin)", admin_client, "training:classes",
         query="?show=all")  # fmt: skip

    # c. Importing completions from another platform, as the system administrator.
    m("import_read", "c. read the file: xlsx.read_table", lambda: len(
        xlsx.read_table(io.BytesIO(data), excel.COMPLETION_COLUMNS, excel.COMPLETION_REQUIRED,
                        max_rows=excel.MAX_ROWS).rows))  # fmt: skip

    def structure():
        problems = xlsx.structure_problems(data, ["Kết quả"])
        if problems:
            raise RuntimeError(f"structure problems: {problems[:3]}")
        return len(rows)

    m("import_structure", "c. structure check: xlsx.structure_problems", structure)
    max_before = Completion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def restore():
        """Back to the state before the import (untimed): its completions and their BasicSkills
        go, ``update_basic_skills`` runs for the people concerned."""
        from django.db import transaction

        with transaction.atomic():
            run_sql("DELETE FROM training_basicskills WHERE completion_id > %s", [max_before])
            gone = run_sql("DELETE FROM training_completion WHERE id > %s", [max_before])
            services.update_basic_skills(basic_people)
        if connection.vendor == "postgresql" and gone:
            run_sql("VACUUM (ANALYZE) training_completion, training_basicskills")

    def fresh_upload():
        restore()
        scoping.forget(admin)
        return SimpleUploadedFile("ket-qua-binh-dan-hoc-vu-so.xlsx", data)

    phases = Phases(
        {
            "read": (xlsx, "read_table"),
            "structure": (xlsx, "structure_problems"),
            "write": (excel, "_write_completions"),
            "after": (services, "_after_completions"),
            "basic_skills": (services, "update_basic_skills"),
        },
        bulk_model=Completion,
    )

    def do_import(upload):
        with acting_as(user=admin), phases as times:
            t0 = time.perf_counter()
            result = excel.import_completions(admin, upload, today=today)
            times["total"] = time.perf_counter() - t0
        return result.created

    def do_reimport():
        scoping.forget(admin)
        with acting_as(user=admin):
            result = excel.import_completions(admin, SimpleUploadedFile("ket-qua.xlsx", data), today=today)
        return f"{result.created} new, {result.skipped:,} skipped"

    restore()
    m(
        "import",
        f"c. excel.import_completions: {len(rows):,} new completions (system admin)",
        do_import,
        setup=fresh_upload,
        repeat=args.import_repeat,
        profile=True,
    )
    n_after = BasicSkills.objects.count()
    meta["import_basic_added"] = n_after - n_basic
    if len(phases.runs) > 1:
        ph = phases.medians_ms()  # the timed runs (the warm-up ran under cProfile)
        meta["import_phases_ms"] = ph
        check = ph["total"] - ph["read"] - ph["structure"] - ph["write"]
        build = ph["write"] - ph["bulk_create"] - ph["after"]
        meta["import_phases"] = (
            f"read {ph['read'] / 1000:.1f} + structure {ph['structure'] / 1000:.1f} + rows matched and checked "
            f"{check / 1000:.1f} + objects built, duplicates looked up {build / 1000:.1f} + bulk_create "
            f"{ph['bulk_create'] / 1000:.1f} + BasicSkills {ph['basic_skills'] / 1000:.1f} + report refresh "
            f"{(ph['after'] - ph['basic_skills']) / 1000:.1f} = {ph['total'] / 1000:.1f}"
        )
        print(f"    phases (median s): {meta['import_phases']}", flush=True)
    m(
        "reimport",
        "c. the same file again: every row already on record",
        do_reimport,
        repeat=min(args.repeat, 3),
    )
    restore()
    m(
        "new_code",
        f"c. models.new_code() × {len(rows):,} (certificate codes of the import)",
        lambda: len({new_code() for _ in rows}),
    )

    # Other paths: a class closed (a basic course: certificates, BasicSkills, report refresh),
    # a person's passport.
    open_basic = list(
        TrainingClass.objects.filter(is_closed=False, course__is_basic=True, start__lte=today)
        .annotate(n=Count("enrolments"))
        .filter(n__gte=10)
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[: args.repeat + 1]
    )

    def next_class():
        klass = TrainingClass.objects.select_related("course", "unit").get(pk=open_basic.pop(0))
        Enrolment.objects.filter(training_class=klass).update(attended=klass.sessions, score=7.5)
        scoping.forget(admin)
        return klass

    def close(klass):
        with acting_as(user=admin):
            return len(services.close_class(admin, klass))

    if len(open_basic) == args.repeat + 1:
        m("close_class", "e. services.close_class: an open basic class, everyone passes", close, setup=next_class)
    busy = (
        Enrolment.objects.filter(person__unit__path__startswith=l2.path)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n", "person_id")
        .values_list("person_id", flat=True)
    )
    person = Person.objects.get(pk=busy[:1][0])

    def passport():
        p = services.passport(person)
        return len(p.completions) + len(p.enrolments)

    m("passport", "e. services.passport(a person with many enrolments)", passport)
    page("page_passport", "e. GET /hoc-vu-so/quan-nhan/<pk>/ (unit admin)", ua_client, "training:passport", [person.pk])

    meta["load_label"] = f"{load_start:.1f} → {os.getloadavg()[1]:.1f}"
    meta["probe_label"] = f"{probe_start:.2f} → {cpu_probe():.2f}"
    meta["max_upload_mb"] = settings.DXHUB_MAX_UPLOAD_BYTES // (1024 * 1024)
    sizes(meta)

    bench.print_table(meta)
    slow_file = OUT_DIR / f"training-slow-{db}.txt"
    if bench.slow_notes:
        text = "\n".join(bench.slow_notes)
        slow_file.write_text(text, encoding="utf-8")
        print(f"\nOperations slower than {args.slow_ms:.0f} ms (slowest SQL and its plan):\n{text}", flush=True)
    else:
        slow_file.unlink(missing_ok=True)
    profile_file = OUT_DIR / f"training-profile-{db}.txt"
    if bench.profiles:
        profile_file.write_text("\n".join(bench.profiles), encoding="utf-8")
        print(f"(cProfile listings in {profile_file})", flush=True)
    else:
        profile_file.unlink(missing_ok=True)

    for op in bench.ops:  # keep the JSON readable: huge multi-row statements are cut short
        if len(op.get("slowest_sql") or "") > 5000:
            op["slowest_sql"] = op["slowest_sql"][:5000] + " …"
    Path(args.out).write_text(json.dumps({"meta": meta, "ops": bench.ops}, indent=1, ensure_ascii=False, default=str))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=500_000)
    parser.add_argument("--per-person", type=int, default=10, help="mean enrolments per person")
    parser.add_argument("--classes", type=int, default=None, help="about this many classes (default: people / 5)")
    parser.add_argument("--answers", type=int, default=None, help="survey answers (default: 40 %% of people)")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-repeat", type=int, default=3, help="timed imports after the warm-up")
    parser.add_argument("--slow-ms", type=float, default=300.0, help="explain operations slower than this")
    parser.add_argument("--profile-ms", type=float, default=2000.0, help="keep the profile of operations over this")
    parser.add_argument("--no-survey", action="store_true", help="no survey, answers, needs (saves time)")
    parser.add_argument("--reuse", action="store_true", help="measure again on the previous run's databases")
    parser.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.classes is None:
        args.classes = max(1, args.people // 5)
    if args.answers is None:
        args.answers = args.people * 2 // 5
    if args.repeat < 1 or args.import_repeat < 1:
        parser.error("--repeat and --import-repeat must be at least 1")
    if not 1 <= args.per_person <= N_COURSES:
        parser.error(f"--per-person must be between 1 and {N_COURSES} (the courses)")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
