"""Assessment rounds: opening, self-assessment, review, publication and correction.

The one place for the round's rules; pages, the API and commands call these. Who may
do what:

- open a round, move it on, publish, correct: ``manage_assessment`` over the round's
  organising unit (system administrators);
- score a unit and attach evidence: ``enter_data`` over the unit, during the
  self-assessment phase, until the unit sends its self-assessment;
- review a unit: ``assess`` over the unit's parent (a council reviews the units below
  it, never itself; the root is reviewed at the root), during the review phase.

Every change is audited with before and after; every write is all or nothing.
"""

import bisect
import hashlib
import os
from decimal import Decimal
from pathlib import PurePath

import numpy as np
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dxhub import engine
from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers, path_q, scope_paths
from dxhub.audit import services as audit
from dxhub.core import files
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import fold, nfc_text
from dxhub.org import tree
from dxhub.org.models import Person, Unit
from dxhub.reporting.validation import ValueProblem, to_decimal

from . import results
from .models import Criterion, Evidence, Framework, Participant, Round, Score

MAX_EVIDENCE = 20  # files or links per criterion and unit
YES_WORDS = {"co", "x", "1", "yes", "true", "dat"}
NO_WORDS = {"khong", "0", "no", "false", "chua"}


# --- who may -----------------------------------------------------------------------------


def can_manage(user, round_: Round) -> bool:
    return covers(user, Action.MANAGE_ASSESSMENT, round_.owner)


def can_self_assess(user, participant: Participant) -> bool:
    return covers(user, Action.ENTER_DATA, participant.unit)


def can_review(user, participant: Participant) -> bool:
    unit = participant.unit
    return covers(user, Action.ASSESS, unit.parent if unit.parent_id else unit)


def _require(allowed: bool, message: str | None = None):
    if not allowed:
        raise DomainError(message or _("Bạn không có quyền thực hiện thao tác này với đơn vị này."), status=403)


def _user(user):
    return user if getattr(user, "pk", None) else None


def _lock_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("framework", "owner").get(pk=round_.pk)


def _lock_for_self(participant: Participant) -> tuple[Round, Participant]:
    """Lock the round and the participant for a self-assessment change: the round must be
    in self-assessment and the unit must not have sent its self-assessment yet."""
    round_ = _lock_round(participant.round)
    _require_phase(round_, Round.Phase.SELF)
    current = Participant.objects.select_for_update().select_related("unit").get(pk=participant.pk)
    if current.submitted_at is not None:
        raise DomainError(
            _("Đơn vị đã gửi kết quả tự đánh giá lúc %(at)s; không sửa được nữa.")
            % {"at": timezone.localtime(current.submitted_at).strftime("%H:%M %d/%m/%Y")},
            status=409,
        )
    return round_, current


def _require_phase(round_: Round, phase: str):
    if round_.phase == phase:
        return
    if round_.phase == Round.Phase.PUBLISHED:
        raise DomainError(
            _("Kỳ đánh giá “%(round)s” đã công bố kết quả; mọi thay đổi phải qua điều chỉnh có lý do.")
            % {"round": round_.name},
            status=409,
        )
    messages = {
        Round.Phase.SELF: _("Kỳ đánh giá “%(round)s” không còn ở giai đoạn tự đánh giá; đơn vị không thể tự chấm nữa."),
        Round.Phase.REVIEW: _("Kỳ đánh giá “%(round)s” chưa đến giai đoạn thẩm định."),
    }
    raise DomainError(messages[phase] % {"round": round_.name}, status=409)


# --- opening a round ----------------------------------------------------------------------


def open_round(
    user,
    framework: Framework,
    owner: Unit,
    year: int,
    name: str,
    units: list[Unit],
    self_deadline=None,
    review_deadline=None,
) -> Round:
    """A round in the self-assessment phase, with every participant's leaves ready
    (applicability decided by the unit's kind and peer group) and reported figures in."""
    _require(covers(user, Action.MANAGE_ASSESSMENT, owner), _("Bạn không có quyền mở kỳ đánh giá cho đơn vị này."))
    if not framework.is_active:
        raise DomainError(_("Bộ tiêu chí %(fw)s đã ngừng sử dụng.") % {"fw": framework})
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("Năm đánh giá %(year)s không hợp lệ.") % {"year": year})
    name = nfc_text(name).strip()
    if not name:
        raise DomainError(_("Cần đặt tên kỳ đánh giá."), problems={"name": _("Cần đặt tên kỳ đánh giá.")})
    if not units:
        raise DomainError(_("Chưa chọn đơn vị tham gia đánh giá."))
    outside = [u.code for u in units if not u.path.startswith(owner.path)]
    if outside:
        raise DomainError(
            _("Đơn vị không thuộc %(owner)s: %(codes)s.") % {"owner": owner, "codes": ", ".join(outside[:20])}
        )
    inactive = [u.code for u in units if not u.is_active]
    if inactive:
        raise DomainError(_("Đơn vị đã giải thể hoặc sáp nhập: %(codes)s.") % {"codes": ", ".join(inactive[:20])})
    if Round.objects.filter(framework=framework, owner=owner, year=year).exists():
        raise DomainError(
            _("Đã có kỳ đánh giá năm %(year)s theo bộ tiêu chí %(fw)s của %(owner)s.")
            % {"year": year, "fw": framework, "owner": owner}
        )
    units = sorted({u.pk: u for u in units}.values(), key=lambda u: u.path)
    with transaction.atomic():
        round_ = Round.objects.create(
            framework=framework,
            owner=owner,
            year=year,
            name=name,
            self_deadline=self_deadline,
            review_deadline=review_deadline,
            created_by=_user(user),
        )
        headcounts = _headcounts(units)
        participants = Participant.objects.bulk_create(
            Participant(
                round=round_,
                unit=u,
                kind=u.kind,
                peer_group=u.peer_group.code if u.peer_group_id else "",
                headcount=headcounts.get(u.pk, 0),
            )
            for u in units
        )
        _create_scores(round_, framework, participants)
        results.fill_reported(round_, audited=False)  # the round's creation below records it
        results.recompute(round_)
        # audited last: the audit chain's head lock is app-wide, keep it short
        audit.record(
            "create",
            round_,
            after={**audit.snapshot(round_), "participants": [u.code for u in units]},
            unit=owner,
        )
    return round_


def _create_scores(round_: Round, framework: Framework, participants: list[Participant]) -> None:
    """Every participant × leaf score in one INSERT … SELECT (1.6 M rows at army scale),
    then the few pairs the framework does not apply to are marked, leaf by leaf."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assessment_score (participant_id, criterion_id, applicable, reported_period, self_note,"
            " review_comment) SELECT p.id, c.id, %s, '', '', '' FROM assessment_participant p"
            " CROSS JOIN assessment_criterion c WHERE p.round_id = %s AND c.framework_id = %s AND c.is_leaf = %s",
            [True, round_.pk, framework.pk, True],
        )
    spec = framework.spec
    applicable = spec.applicability([p.kind for p in participants], [p.peer_group for p in participants])
    leaf_ids = dict(Criterion.objects.filter(framework=framework, is_leaf=True).values_list("code", "pk"))
    for j, leaf in enumerate(spec.leaves):
        outside = [participants[i].pk for i in np.flatnonzero(~applicable[:, j])]
        for start in range(0, len(outside), 5000):
            Score.objects.filter(
                criterion_id=leaf_ids[leaf.code], participant_id__in=outside[start : start + 5000]
            ).update(applicable=False)


def _headcounts(units: list[Unit]) -> dict[int, int]:
    """Active personnel in each unit's subtree (the weight of a headcount-weighted index):
    one grouped count over the organiser's tree, then a range sum per unit over sorted paths."""
    if not units:
        return {}
    common = os.path.commonprefix([u.path for u in units])
    common = common[: len(common) - len(common) % tree.STEP]
    rows = sorted(
        Person.objects.filter(is_active=True, unit__path__startswith=common)
        .values_list("unit__path")
        .annotate(n=Count("pk"))
        .values_list("unit__path", "n")
    )
    paths = [p for p, _n in rows]
    running = [0]
    for _p, n in rows:
        running.append(running[-1] + n)
    out = {}
    for u in units:
        first = bisect.bisect_left(paths, u.path)
        last = bisect.bisect_left(paths, u.path + "\uffff")
        out[u.pk] = running[last] - running[first]
    return out


# --- values -------------------------------------------------------------------------------


def parse_value(criterion: Criterion, raw) -> Decimal | None:
    """A typed value for the criterion's method, checked against its bounds; None clears it."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = int(raw)
    if criterion.method == Criterion.Method.YES_NO and isinstance(raw, str):
        word = fold(raw).strip()
        if word in YES_WORDS:
            return Decimal(1)
        if word in NO_WORDS:
            return Decimal(0)
    try:  # Vietnamese notation as on the pages: 1.000 is a thousand, 7,5 is seven and a half
        value = to_decimal(raw)
    except ValueProblem as exc:
        raise DomainError(_("Tiêu chí %(code)s: %(problem)s.") % {"code": criterion.code, "problem": exc}) from None
    if not value.is_finite():
        raise DomainError(_("Tiêu chí %(code)s: giá trị không hợp lệ.") % {"code": criterion.code})
    node = criterion.framework.spec.nodes[criterion.framework.spec.node_index[criterion.code]]
    problem = engine.check_value(node, float(value))
    if problem is not None:
        raise DomainError(_("Tiêu chí %(code)s: %(problem)s") % {"code": criterion.code, "problem": problem})
    if abs(value) >= Decimal("1e12"):
        raise DomainError(_("Tiêu chí %(code)s: giá trị quá lớn.") % {"code": criterion.code})
    return value.quantize(Decimal("0.0001"))


def _score_for_update(participant: Participant, criterion: Criterion) -> Score:
    try:
        score = (
            Score.objects.select_for_update()
            .select_related("criterion__framework")
            .get(participant=participant, criterion=criterion)
        )
    except Score.DoesNotExist:
        raise NotInScope() from None
    if not score.applicable:
        raise DomainError(_("Tiêu chí %(code)s không áp dụng với đơn vị này.") % {"code": criterion.code}, status=409)
    if not criterion.is_entered:
        raise DomainError(
            _("Tiêu chí %(code)s được chấm từ số liệu báo cáo đã phê duyệt (chỉ tiêu %(indicator)s), không nhập tay.")
            % {"code": criterion.code, "indicator": criterion.indicator.code}
        )
    return score


REVIEW_FIELDS = ["reviewed_value", "review_comment", "reviewed_by", "reviewed_at"]


def _set_review(score: Score, user, value, comment: str) -> dict:
    """Save the assessor's value and comment on a score; returns the fields before."""
    before = audit.snapshot(score, REVIEW_FIELDS)
    score.reviewed_value, score.review_comment = value, comment
    score.reviewed_by, score.reviewed_at = _user(user), timezone.now()
    score.save(update_fields=REVIEW_FIELDS)
    return before


# --- self-assessment ---------------------------------------------------------------------


def save_self(user, participant: Participant, criterion: Criterion, raw, note: str = "") -> Score:
    """The unit's own value and explanation for one leaf."""
    _require(can_self_assess(user, participant), _("Bạn không có quyền tự đánh giá cho đơn vị này."))
    value = parse_value(criterion, raw)
    note = nfc_text(note or "").strip()
    with transaction.atomic():
        round_, current = _lock_for_self(participant)
        score = _score_for_update(current, criterion)
        best = results.group_best(round_, current, criterion)
        before = audit.snapshot(score, ["self_value", "self_note"])
        score.self_value, score.self_note = value, note
        score.save(update_fields=["self_value", "self_note"])
        results.refresh(round_, current, criterion, best)
        audit.record(
            "update",
            score,
            before=before,
            after=audit.snapshot(score, ["self_value", "self_note"]),
            unit=current.unit_id,
        )
    return score


def add_evidence(user, participant: Participant, criterion: Criterion, title: str, upload=None, link: str = ""):
    """Attach a file or a link to a self-assessed leaf."""
    _require(can_self_assess(user, participant), _("Bạn không có quyền tự đánh giá cho đơn vị này."))
    title = nfc_text(title or "").strip()
    link = (link or "").strip()
    if upload is None and not link:
        raise DomainError(_("Cần chọn tệp minh chứng hoặc nhập đường dẫn."))
    link = files.check_link(link)
    data, digest = b"", ""
    if upload is not None:
        data = files.evidence_bytes(upload)
        digest = hashlib.sha256(data).hexdigest()
        title = title or nfc_text(PurePath(upload.name).stem)
    title = (title or link)[:255]
    with transaction.atomic():
        current = _lock_for_self(participant)[1]
        score = _score_for_update(current, criterion) if criterion.is_entered else _any_score(current, criterion)
        if score.evidence.count() >= MAX_EVIDENCE:
            raise DomainError(
                _("Tiêu chí %(code)s đã có %(n)s minh chứng, là mức tối đa; hãy gộp bớt.")
                % {"code": criterion.code, "n": MAX_EVIDENCE}
            )
        evidence = Evidence(score=score, title=title, link=link, size=len(data), sha256=digest, uploaded_by=_user(user))
        if upload is not None:
            evidence.file.save(files.safe_name(upload.name), ContentFile(data), save=False)
        evidence.save()
        audit.record("create", evidence, after=audit.snapshot(evidence), unit=current.unit_id)
    return evidence


def _any_score(participant, criterion) -> Score:
    """Indicator-based leaves take evidence too (the unit may explain its figure)."""
    score = Score.objects.filter(participant=participant, criterion=criterion).first()
    if score is None or not score.applicable:
        raise DomainError(_("Tiêu chí %(code)s không áp dụng với đơn vị này.") % {"code": criterion.code})
    return score


def remove_evidence(user, evidence: Evidence) -> None:
    participant = evidence.score.participant
    _require(can_self_assess(user, participant), _("Bạn không có quyền tự đánh giá cho đơn vị này."))
    with transaction.atomic():
        _lock_for_self(participant)
        audit.record("delete", evidence, before=audit.snapshot(evidence), unit=participant.unit_id)
        evidence.delete()
        if evidence.file:  # the file goes only once the deletion is committed
            name, storage = evidence.file.name, evidence.file.storage
            transaction.on_commit(lambda: storage.delete(name))


def missing_for_submit(participant: Participant, reviewed_counts: bool = False) -> list[str]:
    """What stops a unit sending its self-assessment (and an assessor closing its review):
    values not entered, evidence not attached where the framework requires it and the
    criterion earns points. With ``reviewed_counts``, a criterion the assessor has
    scored is settled."""
    spec = participant.round.framework.spec
    result = participant.results.filter(version=0).only("self_leaf_points").first()
    earned = result.self_leaf_points if result else []
    scores = (
        Score.objects.filter(participant=participant, applicable=True)
        .select_related("criterion")
        .annotate(n_evidence=Count("evidence"))
        .order_by("criterion__position")
    )
    problems = []
    for s in scores:
        c = s.criterion
        if reviewed_counts and s.reviewed_value is not None:
            continue
        j = spec.leaf_index[c.code]
        points = earned[j] if j < len(earned) and earned[j] is not None else 0
        if c.is_entered and s.self_value is None:
            problems.append(_("Tiêu chí %(code)s chưa có điểm tự đánh giá.") % {"code": c.code})
        elif c.evidence_required and s.n_evidence == 0 and points > 0:
            problems.append(_("Tiêu chí %(code)s bắt buộc có minh chứng.") % {"code": c.code})
    return problems


def submit_self(user, participant: Participant) -> Participant:
    _require(can_self_assess(user, participant), _("Bạn không có quyền tự đánh giá cho đơn vị này."))
    with transaction.atomic():
        current = _lock_for_self(participant)[1]
        problems = missing_for_submit(current)
        if problems:
            raise DomainError(_("Chưa gửi được: còn %(n)s việc phải làm.") % {"n": len(problems)}, problems=problems)
        current.submitted_at, current.submitted_by = timezone.now(), _user(user)
        current.save(update_fields=["submitted_at", "submitted_by"])
        audit.record("submit", current, after={"submitted_at": current.submitted_at.isoformat()}, unit=current.unit)
    return current


# --- phases ---------------------------------------------------------------------------------


def start_review(user, round_: Round) -> Round:
    """Close self-assessment and open the review: reported figures are taken afresh."""
    _require(can_manage(user, round_), _("Bạn không có quyền điều hành kỳ đánh giá này."))
    with transaction.atomic():
        current = _lock_round(round_)
        _require_phase(current, Round.Phase.SELF)
        current.phase = Round.Phase.REVIEW
        current.save(update_fields=["phase"])
        results.fill_reported(current)
        results.recompute(current)
        audit.record("update", current, before={"phase": "self"}, after={"phase": "review"}, unit=current.owner)
    return current


# --- review -----------------------------------------------------------------------------------


def review_score(user, participant: Participant, criterion: Criterion, raw, comment: str = "") -> Score:
    """The assessor's value for one leaf; a value other than the unit's needs a comment."""
    _require(can_review(user, participant), _("Bạn không có quyền thẩm định đơn vị này."))
    value = parse_value(criterion, raw)
    comment = nfc_text(comment or "").strip()
    with transaction.atomic():
        round_ = _lock_round(participant.round)
        _require_phase(round_, Round.Phase.REVIEW)
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        score = _score_for_update(current, criterion)
        if value is not None and value != score.self_value and not comment:
            raise DomainError(
                _("Tiêu chí %(code)s: điểm thẩm định khác điểm tự đánh giá, cần ghi ý kiến thẩm định.")
                % {"code": criterion.code},
                problems={"comment": _("Cần ghi ý kiến thẩm định.")},
            )
        best = results.group_best(round_, current, criterion)
        before = _set_review(score, user, value, comment)
        results.refresh(round_, current, criterion, best)
        audit.record("update", score, before=before, after=audit.snapshot(score, REVIEW_FIELDS), unit=current.unit_id)
    return score


def finish_review(user, participants: list[Participant]) -> int:
    """Close the review of units: leaves the assessor left alone take the unit's value."""
    if not participants:
        raise DomainError(_("Chưa chọn đơn vị nào."))
    for p in participants:
        _require(can_review(user, p), _("Bạn không có quyền thẩm định đơn vị %(unit)s.") % {"unit": p.unit})
    with transaction.atomic():
        round_ = _lock_round(participants[0].round)
        if any(p.round_id != round_.pk for p in participants):
            raise DomainError(_("Các đơn vị phải cùng một kỳ đánh giá."))
        _require_phase(round_, Round.Phase.REVIEW)
        unsettled = []
        for p in participants:
            unsettled += [f"{p.unit.code}: {m}" for m in missing_for_submit(p, reviewed_counts=True)]
        if unsettled:
            raise DomainError(
                _(
                    "Chưa kết thúc thẩm định được: có tiêu chí thiếu giá trị hoặc thiếu minh chứng bắt buộc. "
                    "Hãy chấm lại các tiêu chí đó (kèm ý kiến thẩm định)."
                ),
                problems=unsettled[:50],
            )
        ids = [p.pk for p in participants]
        now = timezone.now()
        todo = Score.objects.filter(
            participant_id__in=ids, applicable=True, criterion__indicator__isnull=True, reviewed_at__isnull=True
        )
        todo.update(reviewed_at=now, reviewed_by=_user(user))
        done = Participant.objects.filter(pk__in=ids, reviewed_at__isnull=True).update(
            reviewed_at=now, reviewed_by=_user(user)
        )
        accepted_by = dict(
            Score.objects.filter(participant_id__in=ids, reviewed_at=now, reviewed_value__isnull=True)
            .values_list("participant_id")
            .annotate(n=Count("pk"))
        )
        audit.record_many(
            [
                audit.Change(
                    "review",
                    p,
                    None,
                    {"accepted_leaves": accepted_by.get(p.pk, 0), "reviewed_at": now.isoformat()},
                    p.unit_id,
                )
                for p in participants
            ]
        )
    return done


def withdraw(user, participant: Participant, reason: str) -> None:
    """Take a unit out of a round that is not yet published (dissolved, merged, moved
    away): its scores and provisional result go, the audit keeps what it had entered."""
    _require(can_manage(user, participant.round), _("Bạn không có quyền điều hành kỳ đánh giá này."))
    reason = nfc_text(reason or "").strip()
    if not reason:
        raise DomainError(_("Rút đơn vị khỏi kỳ đánh giá cần ghi lý do."), problems={"reason": _("Cần ghi lý do.")})
    with transaction.atomic():
        round_ = _lock_round(participant.round)
        if round_.phase == Round.Phase.PUBLISHED:
            raise DomainError(_("Kỳ đánh giá đã công bố; không rút đơn vị được nữa."), status=409)
        current = Participant.objects.select_for_update().select_related("unit").get(pk=participant.pk)
        entered = {
            code: str(value)
            for code, value in Score.objects.filter(participant=current, self_value__isnull=False).values_list(
                "criterion__code", "self_value"
            )
        }
        before = {"unit": current.unit.code, "submitted_at": str(current.submitted_at or ""), "self_values": entered}
        current.delete()
        results.recompute(round_)  # a peer-best leaf's best may have gone with it
        audit.record("delete", current, before=before, after={"reason": reason}, unit=current.unit)


# --- publication --------------------------------------------------------------------------------


def publish(user, round_: Round, reason: str = "") -> Round:
    """Freeze the round and publish its results (version 1), or a correction (the next
    version) when it is already published. Every unit must have been reviewed."""
    _require(can_manage(user, round_), _("Bạn không có quyền công bố kết quả kỳ đánh giá này."))
    reason = nfc_text(reason or "").strip()
    with transaction.atomic():
        current = _lock_round(round_)
        if current.phase == Round.Phase.SELF:
            raise DomainError(_("Kỳ đánh giá còn ở giai đoạn tự đánh giá; phải qua thẩm định trước khi công bố."))
        if current.phase == Round.Phase.PUBLISHED and not reason:
            raise DomainError(_("Công bố lại (điều chỉnh) cần ghi lý do."), problems={"reason": _("Cần ghi lý do.")})
        pending = list(
            Participant.objects.filter(round=current, reviewed_at__isnull=True)
            .select_related("unit")
            .values_list("unit__code", flat=True)[:30]
        )
        if pending:
            raise DomainError(
                _("Còn đơn vị chưa thẩm định xong: %(codes)s.") % {"codes": ", ".join(pending)},
                problems=[_("Đơn vị %(code)s chưa thẩm định xong.") % {"code": c} for c in pending],
            )
        results.fill_reported(current)  # figures re-approved in reporting since are taken, audited
        version = current.published_version + 1
        publication = results.publish_version(current, version, reason, _user(user))
        before = {"phase": current.phase, "published_version": current.published_version}
        current.phase, current.published_version = Round.Phase.PUBLISHED, version
        current.save(update_fields=["phase", "published_version"])
        audit.record(
            "publish",
            current,
            before=before,
            after={"phase": current.phase, "version": version, "reason": reason, "hash": publication.framework_hash},
            unit=current.owner,
        )
    return current


def correct(user, participant: Participant, criterion: Criterion, raw, reason: str) -> Round:
    """Change a leaf of a published round and publish the next version; both stay."""
    round_ = participant.round
    _require(can_manage(user, round_), _("Bạn không có quyền điều chỉnh kết quả kỳ đánh giá này."))
    reason = nfc_text(reason or "").strip()
    if not reason:
        raise DomainError(_("Điều chỉnh kết quả đã công bố cần ghi lý do."), problems={"reason": _("Cần ghi lý do.")})
    value = parse_value(criterion, raw)
    with transaction.atomic():
        current = _lock_round(round_)
        if current.phase != Round.Phase.PUBLISHED:
            raise DomainError(_("Chỉ điều chỉnh được kỳ đánh giá đã công bố; hãy sửa trong giai đoạn thẩm định."))
        score = _score_for_update(participant, criterion)
        if value == (score.reviewed_value if score.reviewed_value is not None else score.self_value):
            raise DomainError(_("Giá trị điều chỉnh trùng giá trị đang dùng; không có gì để công bố lại."))
        before = _set_review(score, user, value, f"{score.review_comment}\n{reason}".strip())
        published = publish(user, current, reason)
        audit.record(
            "correct",
            score,
            before=before,
            after={**audit.snapshot(score, REVIEW_FIELDS), "reason": reason},
            unit=participant.unit_id,
        )
    return published


# --- reading -----------------------------------------------------------------------------------


def participant_in_scope(user, round_: Round, unit_code: str, action: str = Action.VIEW) -> Participant:
    """The round's participant for the unit, if the user may see it (else 404)."""
    participant = (
        Participant.objects.restrict(user, action)
        .select_related("unit", "unit__parent", "round__framework", "round__owner")
        .filter(round=round_, unit__code=unit_code)
        .first()
    )
    if participant is None:
        raise NotInScope()
    return participant


def self_todo(user):
    """Units whose self-assessment this user may fill and that have not sent it."""
    return (
        Participant.objects.restrict(user, Action.ENTER_DATA)
        .filter(round__phase=Round.Phase.SELF, submitted_at__isnull=True)
        .select_related("unit", "round")
        .order_by("round_id", "unit__path")
    )


def review_queue(user):
    """Units in rounds under review that this user may review (assess over the unit's
    parent; the root over itself) and whose review is not finished."""
    paths = scope_paths(user, Action.ASSESS)
    if not paths:
        return Participant.objects.none()
    return (
        Participant.objects.filter(round__phase=Round.Phase.REVIEW, reviewed_at__isnull=True)
        .filter(
            # (an empty Q vanishes in "|", so each side carries its own non-empty condition)
            (Q(unit__parent__isnull=False) & path_q(paths, "unit__parent__path"))
            | (Q(unit__parent__isnull=True) & path_q(paths, "unit__path"))
        )
        .select_related("unit", "unit__parent", "round")
        .order_by("round_id", "unit__path")
    )


def rounds_for(user):
    """Rounds the user can see: those with a participant in scope, or that they run."""
    seen = Participant.objects.restrict(user).values("round_id")
    # (an empty Q vanishes in "|": the managed side carries a condition of its own)
    managed = Q(owner__isnull=False) & path_q(scope_paths(user, Action.MANAGE_ASSESSMENT), "owner__path")
    return Round.objects.filter(Q(pk__in=seen) | managed).select_related("framework", "owner").distinct()
