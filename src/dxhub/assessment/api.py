"""The assessment module through the API: frameworks, rounds, scores and results,
under the same services and scoping as the pages."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate

from dxhub.core.errors import DomainError, NotInScope
from dxhub.org.api import Paging

from . import frameworks, results, services
from .models import Criterion, Framework, Participant, Result, Round, Score

router = Router(tags=["assessment"])


class FrameworkOut(Schema):
    id: int
    code: str
    version: int
    name: str
    year: int | None
    total_points: Decimal
    hash: str
    is_active: bool


class FrameworkDetail(FrameworkOut):
    definition: dict


class RoundOut(Schema):
    id: int
    name: str
    year: int
    phase: str
    framework: str = Field(..., alias="framework.code")
    framework_version: int = Field(..., alias="framework.version")
    owner: str = Field(..., alias="owner.code")
    published_version: int
    self_deadline: dt.date | None
    review_deadline: dt.date | None


class ScoreOut(Schema):
    criterion: str
    applicable: bool
    indicator: str | None
    reported_value: Decimal | None
    reported_period: str
    self_value: Decimal | None
    self_note: str
    reviewed_value: Decimal | None
    review_comment: str
    self_points: float | None
    reviewed_points: float | None
    final_points: float | None
    evidence: list[str]


class ScoreIn(Schema):
    value: Decimal | bool | str | None = Field(
        None, description="có/không: 1/0; theo mức: số mức; chấm trực tiếp: điểm"
    )
    note: str = Field("", description="giải trình (tự đánh giá) hoặc ý kiến thẩm định")


class ResultOut(Schema):
    unit: str
    unit_name: str
    peer_group: str
    version: int
    points: Decimal
    max_points: Decimal
    index: Decimal | None
    self_index: Decimal | None
    band: str
    rank: int | None
    rank_interval: list[int] | None
    group_rank: int | None
    group_rank_interval: list[int] | None
    previous_index: Decimal | None
    pillars: list[list[float]]
    framework_hash: str


class PublishIn(Schema):
    reason: str = ""


def _round(request, pk: int) -> Round:
    round_ = services.rounds_for(request.user).filter(pk=pk).first()
    if round_ is None:
        raise NotInScope(_("Kỳ đánh giá id=%(pk)s không tồn tại hoặc ngoài phạm vi của bạn.") % {"pk": pk})
    return round_


def _criterion(round_: Round, code: str) -> Criterion:
    c = Criterion.objects.filter(framework_id=round_.framework_id, code=code, is_leaf=True).first()
    if c is None:
        raise NotInScope(_("Không có tiêu chí “%(code)s” trong bộ tiêu chí.") % {"code": code})
    return c


def _scores(participant: Participant) -> list[dict]:
    card = results.scorecard(participant)
    out = []
    for line in card["lines"]:
        if not line.criterion.is_leaf or line.score is None:
            continue
        s: Score = line.score
        out.append(
            {
                "criterion": line.criterion.code,
                "applicable": s.applicable,
                "indicator": line.criterion.indicator.code if line.criterion.indicator_id else None,
                "reported_value": s.reported_value,
                "reported_period": s.reported_period,
                "self_value": s.self_value,
                "self_note": s.self_note,
                "reviewed_value": s.reviewed_value,
                "review_comment": s.review_comment,
                "self_points": line.self_points,
                "reviewed_points": line.reviewed_points,
                "final_points": line.final_points,
                "evidence": [e.title for e in line.evidence],
            }
        )
    return out


@router.get("/assessment/frameworks", response=list[FrameworkOut])
def list_frameworks(request):
    return Framework.objects.all()


@router.get("/assessment/frameworks/{int:pk}", response=FrameworkDetail)
def get_framework(request, pk: int):
    fw = Framework.objects.filter(pk=pk).first()
    if fw is None:
        raise NotInScope()
    return fw


@router.post("/assessment/frameworks", response={201: FrameworkDetail})
def import_framework(request, body: Body[dict]):
    """Import a framework in the file format of docs/assessment-format.md (all or nothing)."""
    return Status(201, frameworks.import_framework(request.user, body))


@router.get("/assessment/rounds", response=list[RoundOut])
def list_rounds(request):
    return services.rounds_for(request.user).order_by("-year", "pk")


@router.get("/assessment/rounds/{int:pk}", response=RoundOut)
def get_round(request, pk: int):
    return _round(request, pk)


@router.get("/assessment/rounds/{int:pk}/units/{code}/scores", response=list[ScoreOut])
def get_scores(request, pk: int, code: str):
    round_ = _round(request, pk)
    return _scores(services.participant_in_scope(request.user, round_, code.strip().upper()))


@router.put("/assessment/rounds/{int:pk}/units/{code}/scores/{criterion}", response=list[ScoreOut])
def put_score(request, pk: int, code: str, criterion: str, body: ScoreIn):
    """The unit's own value during self-assessment, or the assessor's during review."""
    round_ = _round(request, pk)
    participant = services.participant_in_scope(request.user, round_, code.strip().upper())
    c = _criterion(round_, criterion.strip())
    if round_.phase == Round.Phase.REVIEW:
        services.review_score(request.user, participant, c, body.value, body.note)
    elif (
        round_.phase == Round.Phase.SELF
        and services.can_review(request.user, participant)
        and not (services.can_self_assess(request.user, participant))
    ):
        raise DomainError(_("Kỳ đánh giá chưa đến giai đoạn thẩm định."), status=409)
    else:
        services.save_self(request.user, participant, c, body.value, body.note)
    return _scores(participant)


@router.post("/assessment/rounds/{int:pk}/units/{code}/submit", response=list[ScoreOut])
def submit(request, pk: int, code: str):
    round_ = _round(request, pk)
    participant = services.participant_in_scope(request.user, round_, code.strip().upper())
    services.submit_self(request.user, participant)
    return _scores(participant)


@router.post("/assessment/rounds/{int:pk}/units/{code}/finish-review", response=list[ScoreOut])
def finish_review(request, pk: int, code: str):
    round_ = _round(request, pk)
    participant = services.participant_in_scope(request.user, round_, code.strip().upper())
    services.finish_review(request.user, [participant])
    return _scores(participant)


@router.post("/assessment/rounds/{int:pk}/review", response=RoundOut)
def start_review(request, pk: int):
    return services.start_review(request.user, _round(request, pk))


@router.post("/assessment/rounds/{int:pk}/publish", response=RoundOut)
def publish(request, pk: int, body: PublishIn):
    return services.publish(request.user, _round(request, pk), body.reason)


@router.get("/assessment/rounds/{int:pk}/results", response=list[ResultOut])
@paginate(Paging)
def list_results(request, pk: int, version: int | None = None, peer_group: str = ""):
    """Results in the caller's scope, best first; version 0 is provisional, the default
    is the latest published version (or 0 before publication)."""
    round_ = _round(request, pk)
    if version is None or not 0 <= version <= round_.published_version:
        version = results.shown_version(round_)
    rows = results.ranking(round_, version, Result.objects.restrict(request.user), peer_group)
    return [
        {
            "unit": row.result.participant.unit.code,
            "unit_name": row.result.participant.unit.name,
            "peer_group": row.result.participant.peer_group,
            "version": version,
            "points": row.result.points,
            "max_points": row.result.max_points,
            "index": row.result.index,
            "self_index": row.result.self_index,
            "band": row.result.band,
            "rank": row.rank,
            "rank_interval": [row.result.rank_lo, row.result.rank_hi] if row.result.rank_lo else None,
            "group_rank": row.group_rank,
            "group_rank_interval": (
                [row.result.group_rank_lo, row.result.group_rank_hi] if row.result.group_rank_lo else None
            ),
            "previous_index": row.result.previous_index,
            "pillars": row.result.pillars,
            "framework_hash": row.result.framework_hash,
        }
        for row in rows
    ]
