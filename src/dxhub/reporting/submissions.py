"""Submissions and the approval chain (Nháp → Đã gửi → Đã duyệt, or Trả lại → Nháp).

Every page, the Excel upload and the API go through these functions:

- ``open_submission`` starts (or finds) the one submission of a unit, form and period;
- ``save_values`` stores a draft's values, all or nothing, refusing a save based on
  an older revision than the one stored (two people never silently overwrite each
  other);
- ``submit``, ``approve``, ``return_submission`` and ``reopen`` move it through the
  chain, each audited and notified. Approval and reopening adjust the live roll-ups
  in the same transaction.

Who may do what: data-entry rights on the unit to fill and send; review rights on
the unit's parent (a reviewer above the unit, never the unit itself) to approve,
return or reopen; nobody approves a submission they sent themselves.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxhub.accounts.models import RoleAssignment
from dxhub.accounts.roles import Action, Role
from dxhub.accounts.scoping import covers
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.notify import notify
from dxhub.core.text import nfc_text
from dxhub.org import tree
from dxhub.org.models import Unit

from . import catalogue, rollups, sources, validation
from .models import FormVersion, Indicator, ReportForm, Submission, ValidationRule, Value
from .periods import Period, PeriodError

S = Submission.Status
COMMENT_MAX = 500


def by_indicator(problems: list[validation.Problem]) -> dict[str, str]:
    """Problems keyed by indicator code, several on one indicator joined."""
    out: dict[str, str] = {}
    for p in problems:
        out[p.code] = f"{out[p.code]} {p.message}" if p.code in out else p.message
    return out


# --- forms and periods ----------------------------------------------------


def parse_period(form: ReportForm, code: str) -> Period:
    """The period ``code`` names, checked against the form's periodicity and today."""
    try:
        period = Period.parse(code)
    except PeriodError as exc:
        raise DomainError(str(exc), {"period": str(exc)}) from None
    if period.kind != form.periodicity:
        raise DomainError(
            _("Biểu mẫu “%(form)s” báo cáo %(every)s; kỳ “%(code)s” không phù hợp.")
            % {"form": form.code, "every": form.get_periodicity_display().lower(), "code": code},
            {"period": _("sai loại kỳ")},
        )
    if period.start > timezone.localdate():
        raise DomainError(
            _("Kỳ %(period)s chưa bắt đầu, chưa thể báo cáo.") % {"period": period.label},
            {"period": _("kỳ chưa bắt đầu")},
        )
    return period


def version_for(form: ReportForm, period: Period) -> FormVersion:
    version = form.versions.filter(valid_from_date__lte=period.start).order_by("-valid_from_date").first()
    if version is None:
        raise DomainError(
            _("Biểu mẫu “%(form)s” chưa áp dụng cho kỳ %(period)s.") % {"form": form.code, "period": period.label}
        )
    return version


def indicators_for(version: FormVersion, unit: Unit, period: Period | None = None) -> list[Indicator]:
    """The version's indicators that units of ``unit``'s kind report, in form order;
    with ``period``, those fed by a source then are marked (see ``sources``)."""
    items = version.items.select_related("indicator", "indicator__weight").order_by("position")
    out = []
    for item in items:
        if not item.indicator.applies_to or unit.kind in item.indicator.applies_to:
            item.indicator.required = item.required  # the form decides, not the catalogue
            out.append(item.indicator)
    return sources.mark(out, period) if period is not None else out


def indicators_of(submission: Submission) -> list[Indicator]:
    return indicators_for(submission.form_version, submission.unit, submission.period_obj)


def forms_for(unit: Unit):
    return [f for f in ReportForm.objects.filter(is_active=True) if f.applies_to_kind(unit.kind)]


# --- rights ---------------------------------------------------------------


def can_enter(user, unit: Unit) -> bool:
    return covers(user, Action.ENTER_DATA, unit)


def can_review(user, unit: Unit) -> bool:
    """A reviewer of the parent unit (or above); the root's own reports go to a
    reviewer holding the whole tree."""
    if unit.parent_id is None:
        return covers(user, Action.REVIEW, unit)
    return covers(user, Action.REVIEW, Unit(path=unit.path[: -tree.STEP]))


def _require(allowed: bool, message: str | None = None):
    if not allowed:
        raise NotInScope(message)


# --- reading ---------------------------------------------------------------


@dataclass
class Entry:
    """One line of a submission as the form shows it."""

    indicator: Indicator
    num: Decimal | None
    text: str
    comment: str
    previous: str = ""  # the approved value of the previous period, as shown

    @property
    def display(self) -> str:
        return validation.display(self.indicator, self.num, self.text)

    @property
    def source_label(self) -> str:
        return sources.label_of(self.indicator)

    @property
    def raw(self):
        return self.text if self.indicator.value_type == Indicator.ValueType.TEXT else self.num


def entries(submission: Submission) -> list[Entry]:
    stored = {v.indicator_id: v for v in submission.values.all()}
    out = []
    for ind in indicators_of(submission):
        v = stored.get(ind.pk)
        out.append(Entry(ind, v.num if v else None, v.text if v else "", v.comment if v else ""))
    return out


def previous_values(submission: Submission) -> dict[str, Decimal | None]:
    """The unit's approved values of the previous period of the same form."""
    previous = submission.period_obj.previous().code
    return {
        code: num
        for code, num in Value.objects.filter(
            submission__unit=submission.unit,
            submission__form=submission.form,
            submission__period=previous,
            submission__status=S.APPROVED,
        ).values_list("indicator__code", "num")
    }


def problems(submission: Submission, for_sending: bool = True) -> list[validation.Problem]:
    items = entries(submission)
    return validation.check(
        [e.indicator for e in items],
        {e.indicator.code: e.raw for e in items},
        {e.indicator.code: e.comment for e in items},
        previous_values(submission),
        submission.form.jump_threshold,
        list(ValidationRule.objects.filter(is_active=True)),
        for_sending=for_sending,
    )


def url_of(submission: Submission) -> str:
    return reverse("reporting:submission", args=[submission.pk])


# --- writing ---------------------------------------------------------------


def open_submission(user, unit: Unit, form: ReportForm, period_code: str) -> Submission:
    """The unit's submission for the form and period, started as a draft if none exists."""
    _require(can_enter(user, unit))
    if not form.is_active or not form.applies_to_kind(unit.kind):
        raise DomainError(
            _("Đơn vị %(unit)s không thuộc diện báo cáo biểu mẫu “%(form)s”.") % {"unit": unit, "form": form.code}
        )
    if not unit.is_active:
        raise DomainError(_("Đơn vị %(unit)s đã giải thể hoặc sáp nhập.") % {"unit": unit})
    period = parse_period(form, period_code)
    existing = Submission.objects.filter(unit=unit, form=form, period=period.code).first()
    if existing:
        return existing
    version = version_for(form, period)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                unit=unit,
                form=form,
                form_version=version,
                period=period.code,
                deadline=period.deadline(form.deadline_days),
                updated_by=_user(user),
            )
            audit.record("create", submission, after=audit.snapshot(submission), unit=unit)
            _write_values(submission, indicators_of(submission), {}, {})  # the fed values, if any
    except IntegrityError:  # someone else started it a moment ago: use theirs
        return Submission.objects.get(unit=unit, form=form, period=period.code)
    return submission


def _user(user):
    return user if getattr(user, "pk", None) else None


def _lock(submission: Submission) -> Submission:
    """The submission, re-read and locked (its row only: the form and unit rows it joins
    stay free, so work on other submissions of the same form does not queue)."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("unit", "form", "form_version")
        .get(pk=submission.pk)
    )


def _conflict(current: Submission):
    who = current.updated_by.get_full_name() or current.updated_by.username if current.updated_by else _("người khác")
    raise DomainError(
        _(
            "Phiếu đã được %(who)s lưu lúc %(time)s, sau khi bạn mở. Số liệu của bạn chưa được lưu: "
            "hãy tải lại phiếu để xem bản mới nhất rồi nhập lại phần thay đổi."
        )
        % {"who": who, "time": timezone.localtime(current.updated_at).strftime("%H:%M:%S %d/%m/%Y")},
        status=409,
    )


def parse_values(indicators: list[Indicator], raw: dict[str, object]) -> tuple[dict, dict[str, str]]:
    """Parse raw inputs keyed by indicator code; returns (parsed, errors by code)."""
    by_code = {i.code: i for i in indicators}
    parsed, errors = {}, {}
    for code, value in raw.items():
        ind = by_code.get(code)
        if ind is None:
            errors[code] = _("Chỉ tiêu “%(code)s” không có trong biểu mẫu của đơn vị.") % {"code": code}
            continue
        if getattr(ind, "fed", False):
            if not validation.is_blank(value):
                errors[code] = _("“%(name)s” do hệ thống tự lấy từ %(source)s, không nhập.") % {
                    "name": ind.name,
                    "source": sources.label_of(ind),
                }
            continue
        if ind.is_computed:
            if not validation.is_blank(value):
                errors[code] = _("“%(name)s” là chỉ tiêu tính toán, không nhập.") % {"name": ind.name}
            continue
        try:
            parsed[code] = validation.parse_value(ind, value)
        except validation.ValueProblem as exc:
            errors[code] = f"“{ind.name}”: {exc.message}"
    return parsed, errors


def save_values(
    user,
    submission: Submission,
    raw: dict[str, object],
    revision: int | None,
    comments: dict[str, str] | None = None,
    note: str | None = None,
) -> Submission:
    """Store values (code -> raw input; a blank clears) and comments of a draft.

    ``revision`` is the revision the user's copy was based on; ``None`` skips that
    check (the API's explicit overwrite). Nothing is written when any value is
    refused.
    """
    _require(can_enter(user, submission.unit))
    indicators = indicators_of(submission)
    parsed, errors = parse_values(indicators, raw)
    known = {i.code for i in indicators}
    for code, comment in (comments or {}).items():
        if code not in known:
            errors.setdefault(code, _("Chỉ tiêu “%(code)s” không có trong biểu mẫu của đơn vị.") % {"code": code})
        elif len(nfc_text(comment)) > COMMENT_MAX:
            errors.setdefault(code, _("Giải trình dài quá %(max)s ký tự.") % {"max": COMMENT_MAX})
    if errors:
        raise DomainError(_("Có %(n)s giá trị chưa hợp lệ; phiếu chưa được lưu.") % {"n": len(errors)}, errors)
    with transaction.atomic():
        current = _lock(submission)
        _require_editable(current)
        if revision is not None and current.revision != revision:
            _conflict(current)
        changes = _write_values(current, indicators, parsed, comments or {})
        if note is not None:
            current.note = nfc_text(note)
        current.revision += 1
        current.updated_by = _user(user)
        current.save(update_fields=["note", "revision", "updated_by", "updated_at"])
        if changes:
            audit.record(
                "update",
                current,
                before={c: b for c, (b, _a) in changes.items()},
                after={c: a for c, (_b, a) in changes.items()},
                unit=current.unit,
            )
    return current


def _require_editable(current: Submission):
    if not current.is_editable:
        raise DomainError(
            _("Phiếu %(what)s đang ở trạng thái “%(status)s”, không sửa được. %(hint)s")
            % {
                "what": current,
                "status": current.get_status_display(),
                "hint": _("Cần cán bộ phê duyệt mở lại phiếu.")
                if current.status == S.APPROVED
                else _("Cần cán bộ phê duyệt trả lại phiếu."),
            },
            status=409,
        )


def _write_values(current, indicators, parsed, comments) -> dict[str, tuple]:
    """Write parsed values and comments, and the computed indicators recomputed from the
    values as they now stand; one write per indicator. Returns {code: (before, after)}
    of what changed."""
    stored = {v.indicator_id: v for v in current.values.all()}
    by_code = {i.code: i for i in indicators}
    wanted = {}  # code -> (num, text, comment or None = keep)
    for code, (num, text) in parsed.items():
        wanted[code] = (num, text, None)
    numbers = {i.code: stored[i.pk].num for i in indicators if i.pk in stored}
    numbers.update({c: n for c, (n, _t) in parsed.items()})
    fed = sources.values_for(indicators, current.unit, current.period_obj)
    numbers.update(fed)
    for code, num in fed.items():
        wanted[code] = (num, "", None)
    for code, num in computed_values(indicators, current.period_obj, numbers).items():
        wanted[code] = (num, "", None)
    for code, comment in comments.items():
        old = stored.get(by_code[code].pk)
        num, text, _keep = wanted.get(code, (old.num, old.text, None) if old else (None, "", None))
        wanted[code] = (num, text, nfc_text(comment))
    changes: dict[str, tuple] = {}
    to_create, to_update, to_delete = [], [], []
    for code, (num, text, comment) in wanted.items():
        ind, old = by_code[code], stored.get(by_code[code].pk)
        before = (old.num, old.text, old.comment) if old else (None, "", "")
        after = (num, text, before[2] if comment is None else comment)
        if before == after:
            continue
        changes[code] = (_show(before), _show(after))
        if after == (None, "", ""):
            if old:
                to_delete.append(old.pk)
        elif old:
            old.num, old.text, old.comment = after
            to_update.append(old)
        else:
            to_create.append(Value(submission=current, indicator=ind, num=num, text=text, comment=after[2]))
    Value.objects.bulk_create(to_create)
    Value.objects.bulk_update(to_update, ["num", "text", "comment"])
    Value.objects.filter(pk__in=to_delete).delete()
    return changes


def _show(triple) -> dict | str | None:
    num, text, comment = triple
    value = text if text else (str(num) if num is not None else None)
    return {"value": value, "comment": comment} if comment else value


def computed_values(
    indicators: list[Indicator], period: Period, numbers: dict, in_force: dict | None = None
) -> dict[str, Decimal | None]:
    """Values of the computed indicators among ``indicators``, with the formulas in
    force for ``period`` (pass ``in_force`` to reuse them across many units)."""
    if in_force is None:
        in_force = catalogue.formulas_in_force(period)
    computed = {
        i.code: in_force[i.code]
        for i in indicators
        if i.is_computed and not getattr(i, "fed", False) and i.code in in_force
    }
    return validation.compute_all(computed, numbers)


def submit(user, submission: Submission, revision: int | None = None) -> Submission:
    """Send a draft up for approval: refused while errors or uncommented warnings remain."""
    _require(can_enter(user, submission.unit))
    with transaction.atomic():
        current = _lock(submission)
        if current.status == S.SUBMITTED:
            raise DomainError(_("Phiếu %(what)s đã được gửi trước đó.") % {"what": current}, status=409)
        _require_editable(current)
        if revision is not None and current.revision != revision:
            _conflict(current)
        found = problems(current, for_sending=True)
        if found:
            raise DomainError(
                _("Chưa gửi được: còn %(n)s lỗi hoặc cảnh báo chưa giải trình.") % {"n": len(found)},
                by_indicator(found),
            )
        before = audit.snapshot(current, ["status"])
        current.status = S.SUBMITTED
        current.submitted_at = timezone.now()
        current.submitted_by = _user(user)
        current.revision += 1
        current.updated_by = _user(user)
        current.save()
        audit.record("submit", current, before=before, after=audit.snapshot(current, ["status"]), unit=current.unit)
        notify(
            _nearest_holders(Role.REVIEWER, current.unit, above=True),
            _("Phiếu chờ duyệt: %(what)s") % {"what": current},
            _("%(who)s đã gửi phiếu báo cáo, hạn nộp %(deadline)s.")
            % {"who": _name(user), "deadline": current.deadline.strftime("%d/%m/%Y")},
            url_of(current),
        )
    return current


def approve(user, submissions: list[Submission]) -> list[Submission]:
    """Approve sent submissions (one, or a reviewer's selection), all or none; each
    approval adds the values to the live roll-ups in the same transaction."""
    if not submissions:
        raise DomainError(_("Chưa chọn phiếu nào để duyệt."))
    done = []
    with transaction.atomic():
        for submission in sorted(submissions, key=lambda s: s.pk):
            current = _lock(submission)
            _require(
                can_review(user, current.unit),
                _("Phiếu %(what)s nằm ngoài phạm vi phê duyệt của bạn.") % {"what": current},
            )
            if current.status != S.SUBMITTED:
                raise DomainError(
                    _("Phiếu %(what)s đang ở trạng thái “%(status)s”, chỉ duyệt được phiếu đã gửi.")
                    % {"what": current, "status": current.get_status_display()},
                    status=409,
                )
            if current.submitted_by_id and current.submitted_by_id == getattr(user, "pk", None):
                raise DomainError(_("Không tự duyệt phiếu do chính mình gửi (%(what)s).") % {"what": current})
            _snapshot_computed(current)
            rollups.apply(current, +1)  # before the audit record: every path locks roll-ups, then the audit head
            _decide(user, current, S.APPROVED, "approve", "")
            notify(
                _concerned(current),
                _("Đã duyệt: %(what)s") % {"what": current},
                _("%(who)s đã duyệt phiếu báo cáo.") % {"who": _name(user)},
                url_of(current),
            )
            done.append(current)
    return done


def _snapshot_computed(current: Submission):
    """Approved values keep the formula in force when they were approved; a formula
    version added since the last save changes them here, on the record."""
    refresh_fed(current, _("tính lại chỉ tiêu tính toán khi duyệt"))


def refresh_fed(current: Submission, why: str) -> int:
    """Recompute the computed and fed values of a submission as they stand now; the
    change, if any, is audited with ``why``. Returns 1 when something changed."""
    changes = _write_values(current, indicators_of(current), {}, {})
    if changes:
        audit.record(
            "update",
            current,
            before={c: b for c, (b, _a) in changes.items()},
            after={c: a for c, (_b, a) in changes.items()},
            unit=current.unit,
            object_repr=f"{current}: {why}",
        )
    return 1 if changes else 0


def return_submission(user, submission: Submission, reason: str) -> Submission:
    return _send_back(user, submission, reason, S.SUBMITTED, "return", _("Trả lại"))


def reopen(user, submission: Submission, reason: str) -> Submission:
    """Unlock an approved submission for correction; its values leave the roll-ups."""
    return _send_back(user, submission, reason, S.APPROVED, "reopen", _("Mở lại"))


def _send_back(user, submission, reason, expected, action, label) -> Submission:
    reason = nfc_text(reason)
    if not reason:
        raise DomainError(_("Cần ghi rõ lý do %(what)s.") % {"what": label.lower()}, {"reason": _("bắt buộc")})
    with transaction.atomic():
        current = _lock(submission)
        _require(
            can_review(user, current.unit), _("Phiếu %(what)s nằm ngoài phạm vi phê duyệt của bạn.") % {"what": current}
        )
        if current.status != expected:
            raise DomainError(
                _("Phiếu %(what)s đang ở trạng thái “%(status)s”, không %(action)s được.")
                % {"what": current, "status": current.get_status_display(), "action": label.lower()},
                status=409,
            )
        if expected == S.APPROVED:
            rollups.apply(current, -1)
        _decide(user, current, S.RETURNED, action, reason)
        notify(
            _concerned(current),
            _("%(label)s: %(what)s") % {"label": label, "what": current},
            _("%(who)s: %(reason)s") % {"who": _name(user), "reason": reason},
            url_of(current),
        )
    return current


def _decide(user, current: Submission, status: str, action: str, reason: str):
    before = audit.snapshot(current, ["status", "return_reason"])
    current.status = status
    current.return_reason = reason
    current.decided_at = timezone.now()
    current.decided_by = _user(user)
    current.revision += 1
    current.updated_by = _user(user)
    current.save()
    audit.record(
        action, current, before=before, after=audit.snapshot(current, ["status", "return_reason"]), unit=current.unit
    )


# --- who is told ------------------------------------------------------------


def _nearest_holders(role: str, unit: Unit, above: bool):
    """Users holding ``role`` on the nearest unit (the unit itself unless ``above``,
    then its ancestors) where anyone holds it."""
    paths = tree.ancestor_paths(unit.path) + ([] if above else [unit.path])
    if not paths:
        paths = [unit.path]
    found = {}
    for ra in RoleAssignment.objects.filter(role=role, is_active=True, unit__path__in=paths).select_related(
        "user", "unit"
    ):
        found.setdefault(ra.unit.path, []).append(ra.user)
    for path in sorted(found, reverse=True):
        return found[path]
    return []


def _concerned(current: Submission):
    users = list(_nearest_holders(Role.DATA_ENTRY, current.unit, above=False))
    if current.submitted_by is not None:
        users.append(current.submitted_by)
    return users


def _name(user) -> str:
    if not getattr(user, "pk", None):
        return _("Hệ thống")
    return user.get_full_name() or user.username


_INSERT_VALUE = (
    "INSERT INTO reporting_value (submission_id, indicator_id, num, text, comment) VALUES (%s, %s, %s, %s, '')"
)
_UPDATE_VALUE = "UPDATE reporting_value SET num = %s, text = %s WHERE id = %s"


@dataclass
class BulkSaved:
    units: int  # submissions written
    created: int  # drafts the upload started
    values: int  # values written or changed


def save_many(
    user,
    form: ReportForm,
    period: Period,
    rows: list[tuple[Unit, dict, int]],
    revisions: dict[str, int] | None = None,
    sheet: str = "",
) -> BulkSaved:
    """Store parsed values ({code: (num, text)}, blank = clear) for many units at once
    (an Excel upload), as drafts, in one transaction: every row or none.

    ``rows`` carry their sheet row number for messages; ``revisions`` are the revisions
    the file was made from, by unit code. A row refuses the lot when it would change
    a submission that was sent or approved, or one saved by someone after the file was
    made. Rows that change nothing are left alone (a subtree template carries the
    locked rows of units that have sent).
    """
    for unit, _values, _row in rows:
        _require(can_enter(user, unit))
    revisions = revisions or {}
    version = version_for(form, period)
    units = [u for u, _v, _r in rows]
    in_force = catalogue.formulas_in_force(period)
    where = (
        (lambda r: _("Trang tính “%(sheet)s”, dòng %(row)s") % {"sheet": sheet, "row": r})
        if sheet
        else (lambda r: _("Dòng %(row)s") % {"row": r})
    )
    try:
        with transaction.atomic():
            return _save_many(user, form, period, rows, revisions, version, units, in_force, where)
    except IntegrityError:  # a draft started by someone else meanwhile
        raise DomainError(
            _("Một số phiếu vừa được người khác bắt đầu nhập; chưa nhập dòng nào. Hãy tải lên lại."), status=409
        ) from None


def _save_many(user, form, period, rows, revisions, version, units, in_force, where) -> BulkSaved:
    existing = {
        s.unit_id: s
        for s in Submission.objects.select_for_update(of=("self",))
        .select_related("unit", "form", "updated_by")
        .filter(form=form, period=period.code, unit__in=units)
    }
    stored, by_submission = {}, {}
    for v in Value.objects.filter(submission__in=list(existing.values())).select_related("indicator"):
        stored[(v.submission_id, v.indicator.code)] = v
        by_submission.setdefault(v.submission_id, {})[v.indicator.code] = v.num
    problems, todo = [], []
    for unit, parsed, row in rows:
        sub = existing.get(unit.pk)
        old = {
            c: ((stored[(sub.pk, c)].num, stored[(sub.pk, c)].text) if sub and (sub.pk, c) in stored else (None, ""))
            for c in parsed
        }
        if old == parsed:
            continue  # nothing changes for this unit
        if sub is None and all(v == (None, "") for v in parsed.values()):
            continue  # an empty row of a unit that has not started
        if sub is not None and not sub.is_editable:
            problems.append(
                _("%(where)s: phiếu của %(unit)s đang ở trạng thái “%(status)s”, không sửa được.")
                % {"where": where(row), "unit": unit.name, "status": sub.get_status_display()}
            )
        elif sub is not None and sub.revision > revisions.get(unit.code, 0):
            who = (sub.updated_by.get_full_name() or sub.updated_by.username) if sub.updated_by else _("người khác")
            problems.append(
                _("%(where)s: phiếu của %(unit)s đã được %(who)s sửa lúc %(time)s, sau khi tải mẫu này.")
                % {
                    "where": where(row),
                    "unit": unit.name,
                    "who": who,
                    "time": timezone.localtime(sub.updated_at).strftime("%H:%M %d/%m/%Y"),
                }
            )
        else:
            todo.append((unit, parsed, old))
    if problems:
        raise DomainError(
            _("Có %(n)s đơn vị không nhập được; chưa nhập dòng nào. Hãy tải mẫu mới.") % {"n": len(problems)},
            problems[:100],
            status=409,
        )
    now = timezone.now()
    fresh = [
        Submission(
            unit=u,
            form=form,
            form_version=version,
            period=period.code,
            deadline=period.deadline(form.deadline_days),
            updated_by=_user(user),
        )
        for u, _p, _o in todo
        if u.pk not in existing
    ]
    Submission.objects.bulk_create(fresh, batch_size=1000)
    by_unit = existing | {s.unit_id: s for s in fresh}
    items = {}
    to_create, to_update, to_delete, changes = [], [], [], []
    for unit, parsed, _old in todo:
        sub = by_unit[unit.pk]
        if sub.form_version_id not in items:
            items[sub.form_version_id] = list(
                FormVersion.objects.get(pk=sub.form_version_id).items.select_related("indicator").order_by("position")
            )
        indicators = sources.mark(
            [
                i.indicator
                for i in items[sub.form_version_id]
                if not i.indicator.applies_to or unit.kind in i.indicator.applies_to
            ],
            period,
        )
        by_code = {i.code: i for i in indicators}
        numbers = dict(by_submission.get(sub.pk, {})) if unit.pk in existing else {}
        numbers.update({c: n for c, (n, _t) in parsed.items()})
        fed = sources.values_for(indicators, unit, period)
        numbers.update(fed)
        wanted = {c: v for c, v in parsed.items() if c in by_code}
        wanted.update({c: (n, "") for c, n in fed.items()})
        wanted.update({c: (n, "") for c, n in computed_values(indicators, period, numbers, in_force).items()})
        before, after = {}, {}
        for code, (num, text) in wanted.items():
            current = stored.get((sub.pk, code)) if unit.pk in existing else None
            prior = (current.num, current.text, "") if current else (None, "", "")
            if current is None:
                if num is not None or text:
                    to_create.append((sub.pk, by_code[code].pk, num, text))
                else:
                    continue
            elif (current.num, current.text) == (num, text):
                continue
            elif num is None and not text and not current.comment:
                to_delete.append(current.pk)
            else:
                to_update.append((num, text, current.pk))
            before[code], after[code] = _show(prior), _show((num, text, ""))
        changes.append(
            audit.Change("import", sub, before=before, after=after, unit_id=unit.pk, object_repr=str(sub)[:255])
        )
    with connection.cursor() as cursor:  # plain prepared statements: model instances cost 10× more here
        cursor.executemany(_INSERT_VALUE, to_create)
        cursor.executemany(_UPDATE_VALUE, to_update)
    Value.objects.filter(pk__in=to_delete).delete()
    Submission.objects.filter(pk__in=[by_unit[u.pk].pk for u, _p, _o in todo]).update(
        revision=models.F("revision") + 1, updated_by=_user(user), updated_at=now
    )
    audit.record_many(changes)
    return BulkSaved(len(todo), len(fresh), len(to_create) + len(to_update) + len(to_delete))
