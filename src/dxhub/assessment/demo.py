"""Demo assessment data for ``seed_demo``: the two shipped frameworks and three yearly
rounds of the ministry's DX ranking over its 34 level-2 units.

2024 and 2025 are published (2025 with one correction, so two versions); Học viện Hậu
cần reaches 0,8330 — "Tốt" in 2025, the figure the seed article quotes. 2026 is in
self-assessment: most units have sent theirs, the academy's data-entry officer still
has to. Values typed by units are drawn from a seeded generator with a per-unit
strength, so rankings are stable and differ between units; indicator-based criteria
come from the approved demo reports.
"""

import json
import random
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from dxhub.audit import services as audit
from dxhub.org.models import Unit

from . import frameworks, results, services
from .models import Criterion, Evidence, Framework, Participant, Round, Score

DATA = Path(__file__).parent / "data"
FRAMEWORK_FILES = ("cds-bqp.json", "dti-bo.json")
ACADEMY, ACADEMY_INDEX_2025 = "HVHC", 0.833
CORRECTED = (
    "BV108",
    "5.4",
    3,
    "Bổ sung quyết định phê duyệt cấp độ hệ thống thông tin bệnh án điện tử (Hội đồng họp ngày 20/01/2026).",
)


def load_frameworks() -> list[Framework]:
    """The shipped frameworks (importing the same file again changes nothing)."""
    return [
        frameworks.import_framework(None, json.loads((DATA / name).read_text(encoding="utf-8")))
        for name in FRAMEWORK_FILES
    ]


def load_rounds() -> list[Round]:
    if Round.objects.exists():
        return []
    framework = Framework.objects.get(code="CDS-BQP", version=1)
    root = Unit.objects.get(code="BQP")
    units = list(Unit.objects.filter(parent=root, is_active=True).select_related("peer_group"))
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["quantri", "thamdinh.bqp"])}
    admin, assessor = users["quantri"], users["thamdinh.bqp"]
    made = []
    for year in (2024, 2025, 2026):
        round_ = services.open_round(
            admin,
            framework,
            root,
            year,
            f"Đánh giá, xếp hạng mức độ chuyển đổi số các cơ quan, đơn vị năm {year}",
            units,
            self_deadline=timezone.datetime(year, 12, 15).date(),
            review_deadline=timezone.datetime(year + 1, 1, 15).date(),
        )
        _self_values(round_, year)
        if year == 2026:
            _submit_all_but(round_, ACADEMY)
            made.append(round_)
            continue
        _submit_all_but(round_, None)
        services.start_review(admin, round_)
        _review(round_, assessor, year)
        services.finish_review(assessor, list(round_.participants.select_related("unit", "unit__parent", "round")))
        services.publish(admin, round_)
        if year == 2025:
            code, leaf, level, reason = CORRECTED
            p = round_.participants.select_related("unit", "round").get(unit__code=code)
            services.correct(admin, p, Criterion.objects.get(framework=framework, code=leaf), level, reason)
        made.append(round_)
    return made


def _rng(*key) -> random.Random:
    return random.Random("|".join(map(str, key)))


def _strength(unit_code: str) -> float:
    return 0.3 + 0.6 * _rng("strength", unit_code).random()


def _entered_value(c: Criterion, strength: float, year: int, r: random.Random) -> Decimal:
    """A value a unit of this strength would type for the criterion in that year."""
    level = min(1.0, max(0.0, strength + 0.06 * (year - 2024) + r.gauss(0, 0.12)))
    if c.method == Criterion.Method.YES_NO:
        return Decimal(1 if r.random() < 0.35 + 0.65 * level else 0)
    if c.method == Criterion.Method.LEVELS:
        top = len(c.params["levels"]) - 1
        return Decimal(round(level * top))
    return (Decimal(str(round(level * float(c.max_points) * 2) / 2))).quantize(Decimal("0.0001"))


def _self_values(round_: Round, year: int) -> None:
    """Every unit's self-assessment, written in bulk, with evidence links where required."""
    scores = list(
        Score.objects.filter(
            participant__round=round_, applicable=True, criterion__indicator__isnull=True
        ).select_related("criterion", "participant__unit")
    )
    for s in scores:
        unit = s.participant.unit.code
        r = _rng(unit, year, s.criterion.code)
        s.self_value = _entered_value(s.criterion, _strength(unit), year, r)
        if year == 2026 and unit == ACADEMY and r.random() < 0.6:
            s.self_value = None  # the academy's officer is still filling in the form
        s.self_note = "Theo báo cáo kết quả thực hiện chuyển đổi số năm của đơn vị."
    if year == 2025:  # the hospital's level is corrected after publication (see CORRECTED)
        code, leaf, _level, _reason = CORRECTED
        for s in scores:
            if s.participant.unit.code == code and s.criterion.code == leaf:
                s.self_value = Decimal(1)
    Score.objects.bulk_update(scores, ["self_value", "self_note"], batch_size=1000)
    if year == 2025:
        _aim(round_, ACADEMY, ACADEMY_INDEX_2025)
    evidence = [
        Evidence(
            score=s,
            title=f"Báo cáo minh chứng tiêu chí {s.criterion.code} năm {year}",
            link=f"https://cds.mil.vn/minh-chung/{year}/{s.participant.unit.code}/{s.criterion.code}",
        )
        for s in Score.objects.filter(
            participant__round=round_, applicable=True, criterion__evidence_required=True, self_value__gt=0
        ).select_related("criterion", "participant__unit")
    ]
    Evidence.objects.bulk_create(evidence)
    audit.record("import", round_, after={"self_values": len(scores), "evidence": len(evidence)}, unit=round_.owner)
    results.recompute(round_)


def _aim(round_: Round, unit_code: str, target: float) -> None:
    """Set the unit's directly scored (expert) criteria so its index lands on ``target``."""
    participant = round_.participants.get(unit__code=unit_code)
    results.recompute(round_, [participant.pk], fresh_best=True)  # values changed in bulk since the last recompute
    result = participant.results.get(version=0)
    experts = list(
        Score.objects.filter(participant=participant, applicable=True, criterion__method="expert").select_related(
            "criterion"
        )
    )
    have = sum(float(s.self_value or 0) for s in experts)
    fixed = float(result.points) - have
    room = sum(float(s.criterion.max_points) for s in experts)
    need = round(target * float(result.max_points), 2) - fixed
    share = min(1.0, max(0.0, need / room)) if room else 0.0
    for s in experts:
        s.self_value = Decimal(str(round(float(s.criterion.max_points) * share, 2)))
    rest = need - sum(float(s.self_value) for s in experts)
    if experts:  # land exactly: the rounding remainder goes to the first expert criterion
        first = experts[0]
        first.self_value = Decimal(
            str(round(min(float(first.criterion.max_points), float(first.self_value) + rest), 2))
        )
    Score.objects.bulk_update(experts, ["self_value"])
    results.recompute(round_, [participant.pk], fresh_best=True)


def _submit_all_but(round_: Round, unit_code: str | None) -> None:
    now = timezone.now()
    Participant.objects.filter(round=round_).exclude(unit__code=unit_code or "").update(submitted_at=now)


def _review(round_: Round, assessor, year: int) -> None:
    """The council lowers about one in eight directly scored criteria, with a reason."""
    scores = list(
        Score.objects.filter(participant__round=round_, applicable=True, criterion__method="expert", self_value__gt=2)
        .exclude(participant__unit__code=ACADEMY)
        .select_related("criterion", "participant__unit", "participant__round__framework")
    )
    rng = np.random.default_rng(year)
    for s in scores:
        if rng.random() < 0.125:
            services.review_score(
                assessor,
                s.participant,
                s.criterion,
                s.self_value - 2,
                "Minh chứng chưa thể hiện đầy đủ kết quả; hội đồng trừ 2 điểm.",
            )
