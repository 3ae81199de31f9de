"""From stored values to indices: reported figures in, the engine run, results out.

The engine (``dxhub.engine``) does the arithmetic on arrays; this module moves data
between it and the database. Results of version 0 are provisional and follow every
change of a score; their ranks are computed when read. A publication writes a new
version with ranks, rank intervals and the framework's hash, and never touches it again.
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import connection
from django.db.models import FloatField, Max
from django.db.models.functions import Cast, Coalesce

from dxhub import engine
from dxhub.audit import services as audit
from dxhub.core import bulk
from dxhub.core.text import fold
from dxhub.reporting.models import Indicator, Rollup
from dxhub.reporting.periods import Period

from .models import Criterion, Participant, Publication, Result, Round, Score

SHARE_AS_FRACTION = Indicator.Aggregation.SHARE_YES  # 0..100 % of units saying yes -> 0..1


@dataclass
class Matrix:
    """A round's values as the engine wants them, rows in ``participants`` order."""

    participants: list[Participant]
    effective: np.ndarray  # reviewed value where the assessor set one, else the unit's; reported for indicators
    self: np.ndarray
    applicable: np.ndarray
    groups: np.ndarray
    group_names: list[str]


def _leaf_columns(round_: Round) -> dict[int, int]:
    spec = round_.framework.spec
    return {
        pk: spec.leaf_index[code]
        for pk, code in Criterion.objects.filter(framework_id=round_.framework_id, is_leaf=True).values_list(
            "pk", "code"
        )
    }


def load(round_: Round, participant_ids=None) -> Matrix:
    spec = round_.framework.spec
    parts = (
        Participant.objects.filter(round=round_).order_by("pk").only("pk", "unit_id", "peer_group", "kind", "headcount")
    )
    if participant_ids is not None and len(participant_ids) <= 5000:
        parts = parts.filter(pk__in=participant_ids)
    participants = list(parts)
    if participant_ids is not None and len(participant_ids) > 5000:
        wanted = set(participant_ids)
        participants = [p for p in participants if p.pk in wanted]
    col_of = _leaf_columns(round_)
    shape = (len(participants), len(spec.leaves))
    effective = np.full(shape, np.nan)
    own = np.full(shape, np.nan)
    applicable = np.zeros(shape, dtype=bool)
    # Read straight from a cursor into one float array (missing values as a sentinel),
    # then place it into the matrices in one vectorised step: 1.6 M rows at army scale.
    missing = -1e300
    real = "double precision" if connection.vendor == "postgresql" else "REAL"
    columns = ", ".join(
        f"COALESCE(CAST(s.{c} AS {real}), {missing})" for c in ("reported_value", "self_value", "reviewed_value")
    )
    sql = (
        f"SELECT s.participant_id, s.criterion_id, s.applicable, {columns} FROM assessment_score s"  # noqa: S608
        " JOIN assessment_participant p ON p.id = s.participant_id WHERE p.round_id = %s"
    )
    params = [round_.pk]
    ids = None if participant_ids is None else list(participant_ids)
    if ids is not None and len(ids) <= 5000:  # beyond that, filter after reading (SQLite's variable limit)
        sql += f" AND s.participant_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        data = np.array(cursor.fetchall(), dtype=float).reshape(-1, 6)
    if ids is not None and len(ids) > 5000:
        data = data[np.isin(data[:, 0], ids)]
    if len(data):
        pids = np.array([p.pk for p in participants])
        i = np.searchsorted(pids, data[:, 0].astype(np.int64))
        lookup = np.full(max(col_of) + 1, -1, dtype=np.int64)
        lookup[list(col_of)] = list(col_of.values())
        j = lookup[data[:, 1].astype(np.int64)]
        reported, mine, reviewed = (np.where(data[:, k] == missing, np.nan, data[:, k]) for k in (3, 4, 5))
        applicable[i, j] = data[:, 2] != 0
        own[i, j] = np.where(np.isnan(reported), mine, reported)
        effective[i, j] = np.where(np.isnan(reported), np.where(np.isnan(reviewed), mine, reviewed), reported)
    names = sorted({p.peer_group for p in participants})
    index = {g: k for k, g in enumerate(names)}
    groups = np.array([index[p.peer_group] for p in participants], dtype=np.int64)
    return Matrix(participants, effective, own, applicable, groups, names)


def _group_best(round_: Round, peer_group: str, exclude: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Best effective and self values of each peer_best leaf in one peer group (NaN
    elsewhere), leaving out the participant ``exclude`` (what-if: the others' best)."""
    spec = round_.framework.spec
    best, best_self = np.full(len(spec.leaves), np.nan), np.full(len(spec.leaves), np.nan)
    peer = [leaf.code for leaf in spec.leaves if leaf.method == "peer_best"]
    if not peer:
        return best, best_self
    # by participant and criterion ids, so the (participant, criterion) index is used
    members = Participant.objects.filter(round=round_, peer_group=peer_group).exclude(pk=exclude).values("pk")
    rows = (
        Score.objects.filter(
            participant_id__in=members,
            criterion_id__in=Criterion.objects.filter(framework_id=round_.framework_id, code__in=peer).values("pk"),
            applicable=True,
        )
        .values("criterion__code")
        .annotate(
            b=Cast(Max(Coalesce("reported_value", "reviewed_value", "self_value")), FloatField()),
            bs=Cast(Max(Coalesce("reported_value", "self_value")), FloatField()),
        )
    )
    for row in rows:
        j = spec.leaf_index[row["criterion__code"]]
        best[j] = np.nan if row["b"] is None else row["b"]
        best_self[j] = np.nan if row["bs"] is None else row["bs"]
    return best, best_self


# --- reported figures ----------------------------------------------------------------------


def _periods_of(year: int, codes) -> list[str]:
    """The year's period codes among ``codes``, latest end first."""
    found = []
    for code in codes:
        try:
            period = Period.parse(code)
        except ValueError:
            continue
        if period.year == year:
            found.append((period.end, code))
    return [code for _end, code in sorted(found, reverse=True)]


def fill_reported(round_: Round, audited: bool = True) -> int:
    """Take each indicator-based leaf's figure from approved reporting data: the roll-up
    of the participant's subtree in the latest period of the round's year that has any
    approved figure. Yes/no indicators give the share of units answering yes (0..1).
    Every change is audited with before and after unless ``audited`` is off (the round's
    opening records itself). Returns the number of scores changed."""
    leaves = list(
        Criterion.objects.filter(
            framework_id=round_.framework_id, is_leaf=True, indicator__isnull=False
        ).select_related("indicator")
    )
    if not leaves:
        return 0
    participants = dict(Participant.objects.filter(round=round_).values_list("unit_id", "pk"))
    unit_of = {pk: unit for unit, pk in participants.items()}
    changed, changes = [], []
    for leaf in leaves:
        indicator = leaf.indicator
        periods = _periods_of(
            round_.year,
            Rollup.objects.filter(indicator=indicator, period__startswith=str(round_.year))
            .values_list("period", flat=True)
            .distinct(),
        )
        found: dict[int, tuple[Decimal, str]] = {}
        for period in periods:
            rows = Rollup.objects.filter(indicator=indicator, period=period, n__gt=0, value__isnull=False)
            missing = [u for u in participants if u not in found]
            if not missing:
                break
            if len(missing) == len(participants):
                rows = rows.filter(unit_id__in=Participant.objects.filter(round=round_).values("unit_id"))
            else:
                rows = rows.filter(unit_id__in=missing)
            for unit_id, value in rows.values_list("unit_id", "value"):
                if indicator.aggregation == SHARE_AS_FRACTION:
                    value = (value / 100).quantize(Decimal("0.0001"))
                found[unit_id] = (value, period)
        current = Score.objects.filter(participant__round=round_, criterion=leaf).values_list(
            "pk", "participant_id", "reported_value", "reported_period"
        )
        for pk, pid, value, period in current:
            new_value, new_period = found.get(unit_of[pid], (None, ""))
            if (value, period) != (new_value, new_period):
                changed.append((new_value, new_period, pk))
                if audited:
                    changes.append(
                        audit.Change(
                            "update",
                            None,
                            {"reported_value": _str(value), "reported_period": period},
                            {"reported_value": _str(new_value), "reported_period": new_period},
                            unit_of[pid],
                            object_type="assessment.score",
                            object_id=str(pk),
                            object_repr=f"{leaf.code} · {round_.year}",
                        )
                    )
    _set_reported(changed)
    audit.record_many(changes)
    return len(changed)


def _set_reported(rows: list[tuple]) -> None:
    """(value, period, score id) rows, written a thousand at a time (one-row UPDATEs took
    half a minute for 320 000 scores on PostgreSQL)."""
    bulk.update_rows(
        "assessment_score",
        [("reported_value", "numeric"), ("reported_period", "text")],
        [(pk, value, period) for value, period, pk in rows],
    )


def _str(value) -> str | None:
    return None if value is None else str(value)


# --- provisional results ------------------------------------------------------------------------


def recompute(round_: Round, participant_ids=None, fresh_best: bool = False) -> int:
    """Rewrite the provisional results (version 0) of the round, or of some participants.
    A partial recompute takes each peer-best leaf's group best from the round's cache
    (``Round.group_best``), or from the database when ``fresh_best`` or not cached."""
    spec = round_.framework.spec
    m = load(round_, participant_ids)
    if not m.participants:
        return 0
    if participant_ids is None:
        eff, own = _compute_whole(round_, m)
        return _write(round_, 0, m, eff, own)
    written = 0
    for g, name in enumerate(m.group_names):
        rows = np.flatnonzero(m.groups == g)
        best, best_self = _bests(round_, name, fresh=fresh_best)
        eff = engine.compute(spec, m.effective[rows], m.applicable[rows], best=best)
        own = engine.compute(spec, m.self[rows], m.applicable[rows], best=best_self)
        sub = Matrix(
            [m.participants[i] for i in rows],
            m.effective[rows],
            m.self[rows],
            m.applicable[rows],
            m.groups[rows],
            m.group_names,
        )
        written += _write(round_, 0, sub, eff, own)
    return written


def _compute_whole(round_: Round, m: Matrix):
    """The engine over the whole round (effective and self-assessed values), the peer
    groups' bests cached on the round on the way."""
    spec = round_.framework.spec
    eff = engine.compute(spec, m.effective, m.applicable, m.groups)
    own = engine.compute(spec, m.self, m.applicable, m.groups)
    _cache_bests(round_, {name: _matrix_best(m, g) for g, name in enumerate(m.group_names)}, replace=True)
    return eff, own


def _matrix_best(m: Matrix, g: int) -> tuple[np.ndarray, np.ndarray]:
    """Each leaf's best known, applicable value in peer group ``g`` (NaN if none)."""
    rows = m.groups == g
    out = []
    for values in (m.effective, m.self):
        block = values[rows]
        block = np.where(m.applicable[rows] & ~np.isnan(block), block, -np.inf)
        best = block.max(axis=0, initial=-np.inf)
        out.append(np.where(np.isinf(best), np.nan, best))
    return out[0], out[1]


def _cache_bests(round_: Round, bests: dict, replace: bool = False) -> None:
    """Keep the peer-best leaves' group bests on the round (NaN written as null)."""
    spec = round_.framework.spec
    peer = [(j, leaf.code) for j, leaf in enumerate(spec.leaves) if leaf.method == "peer_best"]
    cache = {} if replace else dict(round_.group_best or {})
    for name, (best, best_self) in bests.items():
        cache[name] = {code: [_none(best[j]), _none(best_self[j])] for j, code in peer}
    round_.group_best = cache
    Round.objects.filter(pk=round_.pk).update(group_best=cache)


def _bests(round_: Round, peer_group: str, fresh: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A peer group's bests from the round's cache, or from the database (then cached)."""
    cached = (round_.group_best or {}).get(peer_group)
    if cached is not None and not fresh:
        return _from_cache(round_.framework.spec, cached)
    best, best_self = _group_best(round_, peer_group)
    _cache_bests(round_, {peer_group: (best, best_self)})
    return best, best_self


def _from_cache(spec, cached: dict) -> tuple[np.ndarray, np.ndarray]:
    best, best_self = np.full(len(spec.leaves), np.nan), np.full(len(spec.leaves), np.nan)
    for code, (b, bs) in cached.items():
        j = spec.leaf_index[code]
        best[j] = np.nan if b is None else b
        best_self[j] = np.nan if bs is None else bs
    return best, best_self


def _none(x) -> float | None:
    return None if np.isnan(x) else float(x)


def group_best(round_: Round, participant: Participant, criterion: Criterion) -> tuple | None:
    """The group's best values for a peer-best leaf (None for other leaves): taken before
    a change so ``refresh`` can tell whether the others' points move."""
    if criterion.method != Criterion.Method.PEER_BEST:
        return None
    j = round_.framework.spec.leaf_index[criterion.code]
    best, best_self = _group_best(round_, participant.peer_group)
    return (best[j], best_self[j])


def refresh(round_: Round, participant: Participant, criterion: Criterion, best_before: tuple | None = None) -> None:
    """After one score changed: the unit itself, and its whole peer group when the leaf
    is scored against the group's best and that best has moved."""
    after = group_best(round_, participant, criterion)
    if after is not None and not np.array_equal(np.array(after), np.array(best_before), equal_nan=True):
        ids = list(
            Participant.objects.filter(round=round_, peer_group=participant.peer_group).values_list("pk", flat=True)
        )
        recompute(round_, ids, fresh_best=True)
    else:
        recompute(round_, [participant.pk])


def _points(row, applicable_row) -> list:
    return [round(float(p), 2) if a else None for p, a in zip(row, applicable_row, strict=True)]


def _dec4(x) -> Decimal | None:
    return None if x is None or np.isnan(x) else Decimal(f"{x:.4f}")


def _results(round_, version, m: Matrix, eff, own, extra=None) -> list[Result]:
    spec = round_.framework.spec
    out = []
    for i, p in enumerate(m.participants):
        band = spec.bands[eff.band[i]].code if eff.band[i] >= 0 else ""
        r = Result(
            round=round_,
            participant=p,
            version=version,
            points=Decimal(f"{eff.total_points[i]:.2f}"),
            max_points=Decimal(f"{eff.total_max[i]:.2f}"),
            index=_dec4(eff.index[i]),
            self_index=_dec4(own.index[i]),
            band=band,
            pillars=[
                [round(float(eff.pillar_points[i, k]), 2), round(float(eff.pillar_max[i, k]), 2)]
                for k in range(len(spec.pillars))
            ],
            leaf_points=_points(eff.leaf_points[i], m.applicable[i]),
            self_leaf_points=_points(own.leaf_points[i], m.applicable[i]),
            framework_hash=spec.hash,
        )
        if extra:
            for field, values in extra.items():
                value = values[i]
                setattr(r, field, None if value is None or (isinstance(value, float) and np.isnan(value)) else value)
        out.append(r)
    return out


_COMPARED = ("points", "max_points", "index", "self_index", "band", "pillars", "leaf_points", "self_leaf_points")


def _write(round_, version, m, eff, own) -> int:
    """Upsert the provisional results that changed (after one score changed, that is
    one row or a peer group, not the whole round)."""
    rows = _results(round_, version, m, eff, own)
    existing = Result.objects.filter(round=round_, version=version)
    if len(rows) <= 5000:  # beyond that, read the whole version (and stay under SQLite's variable limit)
        existing = existing.filter(participant_id__in=[r.participant_id for r in rows])
    stored = {row[0]: row[1:] for row in existing.values_list("participant_id", *_COMPARED, "framework_hash")}
    rows = [
        r for r in rows if stored.get(r.participant_id) != tuple(getattr(r, f) for f in (*_COMPARED, "framework_hash"))
    ]
    Result.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["round", "participant", "version"],
        update_fields=[*_COMPARED, "framework_hash", "computed_at"],
    )
    return len(rows)


# --- publication ------------------------------------------------------------------------------


def previous_indices(round_: Round) -> dict[int, Decimal]:
    """Each unit's published index in last year's round of the same framework and organiser."""
    previous = (
        Round.objects.filter(
            framework__code=round_.framework.code,
            owner=round_.owner,
            year=round_.year - 1,
            phase=Round.Phase.PUBLISHED,
        )
        .order_by("-published_version")
        .first()
    )
    if previous is None:
        return {}
    return dict(
        Result.objects.filter(round=previous, version=previous.published_version).values_list(
            "participant__unit_id", "index"
        )
    )


def publish_version(round_: Round, version: int, reason: str, user) -> Publication:
    spec = round_.framework.spec
    m = load(round_)
    eff, own = _compute_whole(round_, m)
    u = spec.uncertainty
    intervals = engine.rank_intervals(
        eff.pillar_points, eff.pillar_max, m.groups, spread=u["spread"], draws=u["draws"], seed=u["seed"]
    )
    before = previous_indices(round_)
    extra = {
        "rank": [int(x) for x in eff.rank],
        "group_rank": [int(x) for x in eff.group_rank],
        "rank_lo": [int(x) for x in intervals.lo],
        "rank_hi": [int(x) for x in intervals.hi],
        "group_rank_lo": [int(x) for x in intervals.group_lo],
        "group_rank_hi": [int(x) for x in intervals.group_hi],
        "previous_index": [before.get(p.unit_id) for p in m.participants],
    }
    Result.objects.bulk_create(_results(round_, version, m, eff, own, extra), batch_size=1000)
    _write(round_, 0, m, eff, own)  # the provisional results follow what was just published
    return Publication.objects.create(
        round=round_, version=version, reason=reason, framework_hash=spec.hash, published_by=user
    )


# --- reading --------------------------------------------------------------------------------------


def shown_version(round_: Round) -> int:
    return round_.published_version if round_.phase == Round.Phase.PUBLISHED else 0


@dataclass
class Entry:
    """One line of a ranking before its Result is loaded: enough to order, rank and
    page 20 000 units without building 20 000 model instances."""

    pk: int
    rank: int | None
    group_rank: int | None
    index: float | None
    previous_index: float | None
    headcount: int
    name: str
    path: str


@dataclass
class Row:
    result: Result
    rank: int | None
    group_rank: int | None


SORTS = {
    "rank": None,
    "name": lambda e: (fold(e.name), e.path),
    "change": lambda e: (
        -(e.index - e.previous_index) if e.index is not None and e.previous_index is not None else 10.0,
        e.path,
    ),
}


def ranking_order(
    round_: Round, version: int, visible, peer_group: str = "", parent=None, sort: str = "rank"
) -> list[Entry]:
    """The round's results for one version, best first (or by ``sort``), restricted to
    ``visible`` (a Result queryset already scoped to the user). Provisional ranks are
    computed here over every participant, so a unit's rank does not depend on who looks."""
    shown = visible.filter(round=round_, version=version)
    if peer_group:
        shown = shown.filter(participant__peer_group=peer_group)
    if parent is not None:
        shown = shown.filter(participant__unit__path__startswith=parent.path)
    fields = (
        "pk",
        "rank",
        "group_rank",
        "index",
        "previous_index",
        "participant__headcount",
        "participant__unit__name",
        "participant__unit__path",
    )
    out = [
        Entry(pk, rank, grank, _float(index), _float(prev), headcount, name, path)
        for pk, rank, grank, index, prev, headcount, name, path in shown.values_list(*fields)
    ]
    if version == 0:
        everyone = list(
            Result.objects.filter(round=round_, version=0).values_list("pk", "index", "participant__peer_group")
        )
        ids = [pk for pk, _i, _g in everyone]
        values = np.array([np.nan if i is None else float(i) for _p, i, _g in everyone])
        names = sorted({g for _p, _i, g in everyone})
        groups = np.array([names.index(g) for _p, _i, g in everyone], dtype=np.int64)
        ranks = dict(zip(ids, engine.competition_rank(values).tolist(), strict=True))
        granks = dict(zip(ids, engine.competition_rank(values, groups).tolist(), strict=True))
        for e in out:
            e.rank, e.group_rank = ranks[e.pk], granks[e.pk]
    if SORTS.get(sort):
        out.sort(key=SORTS[sort])
    else:
        by_group = bool(peer_group)
        out.sort(key=lambda e: ((e.group_rank if by_group else e.rank) or 10**9, e.path))
    return out


def _float(value) -> float | None:
    return None if value is None else float(value)


def rows_for(entries: list[Entry]) -> list[Row]:
    """The entries' Results (without the per-leaf JSON), in the entries' order."""
    found = Result.objects.select_related("participant__unit").defer("leaf_points", "self_leaf_points")
    by_pk = found.in_bulk([e.pk for e in entries])
    return [Row(by_pk[e.pk], e.rank, e.group_rank) for e in entries if e.pk in by_pk]


def ranking(round_: Round, version: int, visible, peer_group: str = "", parent=None, sort: str = "rank") -> list[Row]:
    """Every row of a ranking, loaded (exports and the API)."""
    return rows_for(ranking_order(round_, version, visible, peer_group, parent, sort))


def subtree_index(round_: Round, entries: list[Entry]) -> float | None:
    """The index of a parent unit over its units in the round, as the framework says
    (mean, or weighted by headcount)."""
    values = np.array([np.nan if e.index is None else e.index for e in entries])
    if not len(values):
        return None
    weights = None
    if round_.framework.spec.subtree_index == "headcount":
        weights = np.array([e.headcount for e in entries], dtype=float)
    value = engine.subtree_index(values, weights)
    return None if np.isnan(value) else value


# --- one unit ------------------------------------------------------------------------------------


@dataclass
class Line:
    """A framework node on a unit's scorecard: a pillar, a criterion or a scored leaf."""

    criterion: Criterion
    score: Score | None = None
    self_points: float | None = None
    reviewed_points: float | None = None
    final_points: float | None = None
    points: float | None = None  # of a non-leaf node, in the shown version
    max_points: float | None = None
    evidence: list = None


def scorecard(participant: Participant, version: int | None = None) -> dict:
    """What a unit's scorecard shows: the result of a published version (the latest by
    default) or the provisional one, every node with self, reviewed and final points,
    evidence, the pillars, the trend over years and, before publication, the provisional rank."""
    round_ = participant.round
    spec = round_.framework.spec
    if version is None or not 0 < version <= round_.published_version:
        version = shown_version(round_)
    results = {r.version: r for r in Result.objects.filter(participant=participant, version__in={0, version})}
    current = results.get(version) or results.get(0)
    provisional = results.get(0)
    criteria = list(
        Criterion.objects.filter(framework_id=round_.framework_id).select_related("indicator").order_by("position")
    )
    scores = {s.criterion_id: s for s in Score.objects.filter(participant=participant).prefetch_related("evidence")}
    lines = []
    for c in criteria:
        line = Line(criterion=c, max_points=float(c.max_points))
        if c.is_leaf:
            j = spec.leaf_index[c.code]
            s = scores.get(c.pk)
            line.score = s
            line.evidence = list(s.evidence.all()) if s else []
            if provisional and provisional.self_leaf_points:
                line.self_points = provisional.self_leaf_points[j]
            reviewed = s and (
                s.reviewed_value is not None or s.reviewed_at or (c.indicator_id and round_.phase != "self")
            )
            if provisional and reviewed:  # set by the assessor, accepted by them, or taken from approved reports
                line.reviewed_points = provisional.leaf_points[j]
            if version and current and current.leaf_points:
                line.final_points = current.leaf_points[j]
            if s and not s.applicable:
                line.max_points = None
        elif current:
            k = spec.node_index[c.code]
            members = spec.membership[:, k]
            values = [current.leaf_points[j] for j in np.flatnonzero(members)]
            line.points = round(sum(v for v in values if v is not None), 2)
            line.max_points = round(
                sum(float(spec.leaf_max[j]) for j in np.flatnonzero(members) if current.leaf_points[j] is not None), 2
            )
        lines.append(line)
    pillars = []
    if current:
        for k, node in enumerate(spec.pillars):
            pts, mx = current.pillars[k]
            pillars.append(
                {
                    "code": node.code,
                    "name": node.name,
                    "points": pts,
                    "max": mx,
                    "index": round(pts / mx, 4) if mx else None,
                }
            )
    provisional_rank = None
    if not version and current and current.index is not None:
        others = Result.objects.filter(round=round_, version=0, index__gt=current.index)
        provisional_rank = (
            others.count() + 1,
            others.filter(participant__peer_group=participant.peer_group).count() + 1,
        )
    return {
        "version": version,
        "versions": list(range(1, round_.published_version + 1)),
        "provisional_rank": provisional_rank,
        "result": current,
        "lines": lines,
        "pillars": pillars,
        "band": next((b for b in spec.bands if current and b.code == current.band), None),
        "trend": trend(participant),
    }


def trend(participant: Participant) -> list[tuple[int, Decimal]]:
    """The unit's published index in each year of rounds with the same framework code and organiser."""
    round_ = participant.round
    rows = (
        Result.objects.filter(
            participant__unit_id=participant.unit_id,
            round__framework__code=round_.framework.code,
            round__owner_id=round_.owner_id,
            round__phase=Round.Phase.PUBLISHED,
        )
        .values_list("round__year", "version", "round__published_version", "index")
        .order_by("round__year")
    )
    return [(year, index) for year, version, published, index in rows if version == published]


def priorities(participant: Participant) -> list:
    """The leaves that would add most to the unit's index, with the value each needs."""
    round_ = participant.round
    spec = round_.framework.spec
    result = Result.objects.filter(participant=participant, version=shown_version(round_)).first()
    if result is None:
        return []
    points = np.array([0.0 if p is None else p for p in result.leaf_points])
    applicable = np.array([p is not None for p in result.leaf_points])
    best, _best_self = _bests(round_, participant.peer_group)
    return engine.priorities(spec, points, applicable, best=best)


def current_values(participant: Participant) -> dict[str, float | None]:
    """Each leaf's effective value (what the shown points come from), by code."""
    m = load(participant.round, [participant.pk])
    spec = participant.round.framework.spec
    return {
        leaf.code: (None if np.isnan(m.effective[0, j]) else float(m.effective[0, j]))
        for j, leaf in enumerate(spec.leaves)
    }


def whatif(participant: Participant, changes: dict[str, float]) -> "engine.WhatIf":
    """The unit's index, band and rank if some leaves had other values; the other units
    keep theirs (a peer-best leaf's best moves up if the new value beats it)."""
    round_ = participant.round
    spec = round_.framework.spec
    version = shown_version(round_)
    m = load(round_, [participant.pk])
    values = m.effective[0].copy()
    for code, value in changes.items():
        values[spec.leaf_index[code]] = value
    others = Result.objects.filter(round=round_, version=version).exclude(participant=participant)
    rows = list(others.values_list("index", "participant__peer_group"))
    others_index = np.array([np.nan if i is None else float(i) for i, _g in rows])
    names = sorted({g for _i, g in rows} | {participant.peer_group})
    others_groups = np.array([names.index(g) for _i, g in rows], dtype=np.int64)
    best, _best_self = _group_best(round_, participant.peer_group, exclude=participant.pk)
    return engine.whatif(
        spec,
        values,
        m.applicable[0],
        others_index,
        best=best,
        others_groups=others_groups,
        group=names.index(participant.peer_group),
    )
