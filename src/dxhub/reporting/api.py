"""Reporting through the API: other systems (the document system, the mail server)
push their figures into submissions under the same validation, scoping and approval
chain as the pages."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from dxhub.accounts.roles import Action
from dxhub.core.errors import DomainError, NotInScope
from dxhub.org.api import Paging
from dxhub.org.models import Unit

from . import submissions
from .models import Indicator, ReportForm, Rollup, Submission
from .periods import Period, PeriodError

router = Router(tags=["reporting"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    value_type: str
    min_value: Decimal | None
    max_value: Decimal | None
    direction: str
    aggregation: str
    is_computed: bool
    applies_to: list[str]


class FormOut(Schema):
    code: str
    name: str
    periodicity: str
    deadline_days: int
    applies_to: list[str]
    indicators: list[str]


class ValueOut(Schema):
    code: str
    value: Decimal | bool | str | None
    comment: str


class SubmissionOut(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    form: str = Field(..., alias="form.code")
    period: str
    status: str
    revision: int
    deadline: dt.date
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    return_reason: str


class SubmissionDetail(SubmissionOut):
    values: list[ValueOut] = Field(..., alias="api_values")
    problems: list[dict] = Field(..., alias="api_problems")


class SubmissionIn(Schema):
    unit: str = Field(..., description="mã đơn vị")
    form: str = Field(..., description="mã biểu mẫu")
    period: str = Field(..., description="kỳ báo cáo: 2025-Q3, 2025-M03, 2025-H1, 2025")
    values: dict[str, Decimal | bool | str | None] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)
    revision: int | None = Field(None, description="bản đã đọc; bỏ trống để ghi đè có chủ đích")


class RevisionIn(Schema):
    revision: int | None = None


class ReasonIn(Schema):
    reason: str


class ApproveIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=500)


class RollupOut(Schema):
    unit: str
    indicator: str
    period: str
    value: Decimal | None
    units_reported: int


def _unit(request, code: str, action: str) -> Unit:
    unit = Unit.objects.restrict(request.user, action).filter(code=code.strip().upper()).first()
    if unit is None:
        raise NotInScope(_("Đơn vị “%(code)s” không tồn tại hoặc ngoài phạm vi của bạn.") % {"code": code})
    return unit


def _submission(request, pk: int) -> Submission:
    sub = (
        Submission.objects.restrict(request.user, Action.VIEW)
        .select_related("unit", "form", "form_version")
        .filter(pk=pk)
        .first()
    )
    if sub is None:
        raise NotInScope(_("Phiếu id=%(pk)s không tồn tại hoặc ngoài phạm vi của bạn.") % {"pk": pk})
    return sub


def _form(code: str) -> ReportForm:
    form = ReportForm.objects.filter(code=code.strip().upper(), is_active=True).first()
    if form is None:
        raise NotInScope(_("Biểu mẫu “%(code)s” không tồn tại.") % {"code": code})
    return form


def _detail(sub: Submission) -> Submission:
    values = []
    for e in submissions.entries(sub):
        if e.indicator.value_type == Indicator.ValueType.BOOLEAN and e.num is not None:
            value = bool(e.num)
        else:
            value = e.raw if e.raw not in ("",) else None
        values.append({"code": e.indicator.code, "value": value, "comment": e.comment})
    problems = []
    if sub.is_editable:
        problems = [{"code": p.code, "severity": p.severity, "message": p.message} for p in submissions.problems(sub)]
    sub.api_values, sub.api_problems = values, problems
    return sub


@router.get("/reporting/indicators", response=list[IndicatorOut])
def list_indicators(request):
    return Indicator.objects.filter(is_active=True).order_by("code")


@router.get("/reporting/forms", response=list[FormOut])
def list_forms(request):
    out = []
    for form in ReportForm.objects.filter(is_active=True):
        version = form.versions.order_by("-number").first()
        codes = list(version.items.order_by("position").values_list("indicator__code", flat=True)) if version else []
        form.indicators = codes
        out.append(form)
    return out


@router.get("/reporting/submissions", response=list[SubmissionOut])
@paginate(Paging)
def list_submissions(
    request, form: str = "", period: str = "", unit: str = "", status: str = "", subtree: bool = False
):
    """Submissions in the caller's scope; ``unit`` (with ``subtree``) narrows them."""
    qs = Submission.objects.restrict(request.user, Action.VIEW).select_related("unit", "form")
    if form:
        qs = qs.filter(form=_form(form))
    if period:
        qs = qs.filter(period=period.strip().upper())
    if unit:
        u = _unit(request, unit, Action.VIEW)
        qs = qs.filter(unit__path__startswith=u.path) if subtree else qs.filter(unit=u)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period", "unit__path")


@router.get("/reporting/submissions/{int:pk}", response=SubmissionDetail)
def get_submission(request, pk: int):
    return _detail(_submission(request, pk))


@router.put("/reporting/submissions", response=SubmissionDetail)
def put_values(request, body: SubmissionIn):
    """Write values into the unit's draft for the form and period (started if needed).
    Values are checked as on the form; a refused value writes nothing. Pass the
    ``revision`` you read to be protected from overwriting someone else's save."""
    unit = _unit(request, body.unit, Action.ENTER_DATA)
    raw = {code.strip().upper(): value for code, value in body.values.items()}
    comments = {code.strip().upper(): text for code, text in body.comments.items()}
    with transaction.atomic():  # a refused PUT leaves no new draft behind
        sub = submissions.open_submission(request.user, unit, _form(body.form), body.period)
        sub = submissions.save_values(request.user, sub, raw, body.revision, comments)
    return _detail(_submission(request, sub.pk))


@router.post("/reporting/submissions/{int:pk}/submit", response=SubmissionDetail)
def submit(request, pk: int, body: RevisionIn):
    sub = submissions.submit(request.user, _submission(request, pk), body.revision)
    return _detail(sub)


@router.post("/reporting/submissions/approve", response=list[SubmissionOut])
def approve(request, body: ApproveIn):
    """Approve sent submissions, all or none."""
    subs = list(Submission.objects.restrict(request.user, Action.REVIEW).filter(pk__in=body.ids))
    if len(subs) != len(set(body.ids)):
        raise NotInScope(_("Có phiếu không tồn tại hoặc ngoài phạm vi phê duyệt của bạn."))
    return submissions.approve(request.user, subs)


@router.post("/reporting/submissions/{int:pk}/return", response=SubmissionOut)
def return_submission(request, pk: int, body: ReasonIn):
    return submissions.return_submission(request.user, _submission(request, pk), body.reason)


@router.post("/reporting/submissions/{int:pk}/reopen", response=SubmissionOut)
def reopen(request, pk: int, body: ReasonIn):
    return submissions.reopen(request.user, _submission(request, pk), body.reason)


@router.get("/reporting/rollups", response=list[RollupOut])
def get_rollups(request, unit: str, period: str, indicator: str = "", children: bool = False):
    """Approved figures of a unit's subtree (or of each of its children) for a period."""
    try:
        period = Period.parse(period).code
    except PeriodError as exc:
        raise DomainError(str(exc)) from None
    u = _unit(request, unit, Action.VIEW)
    holders = list(u.children.all()) if children else [u]
    qs = Rollup.objects.filter(unit__in=holders, period=period).select_related("unit", "indicator")
    if indicator:
        qs = qs.filter(indicator__code=indicator.strip().upper())
    return [
        {
            "unit": r.unit.code,
            "indicator": r.indicator.code,
            "period": r.period,
            "value": r.value,
            "units_reported": r.n,
        }
        for r in qs.order_by("unit__path", "indicator__code")
    ]
