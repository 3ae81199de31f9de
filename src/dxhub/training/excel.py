"""Excel in and out for training: completions exported from another platform (e.g.
binhdanhocvuso.gov.vn) matched by personnel identifier, survey answers typed by
units, and the list of who must be trained in what.

Imports are all or nothing: every problem of every row is named at once, and no row
is written while one is wrong. A completion already on record (same person, same
course) is skipped and counted, so the same export can be imported twice.
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import scope_paths
from dxhub.audit import services as audit
from dxhub.core import xlsx
from dxhub.core.errors import DomainError
from dxhub.core.text import fold, nfc, number
from dxhub.org.identifiers import normalise
from dxhub.org.models import Person, Unit

from . import services
from .models import Completion, Course, Response, Survey

COMPLETION_COLUMNS = {
    "identifier": gettext_lazy("Mã định danh"),
    "full_name": gettext_lazy("Họ và tên"),
    "course": gettext_lazy("Mã khóa học"),
    "completed_on": gettext_lazy("Ngày hoàn thành"),
    "score": gettext_lazy("Điểm"),
    "external_ref": gettext_lazy("Số chứng nhận"),
}
COMPLETION_REQUIRED = ("identifier", "course", "completed_on")
MAX_ROWS = 200_000
CHUNK = 5000  # SQLite takes at most 32 766 parameters per statement


def _headline(n: int) -> str:
    return _("Tệp không nhập được: %(n)s lỗi. Chưa có dòng nào được ghi; hãy sửa các lỗi dưới đây rồi tải lên lại.") % {
        "n": number(n)
    }


@dataclass
class Imported:
    created: int
    skipped: int  # already on record
    people: int
    problems: list[str] = field(default_factory=list)


def _score(value) -> tuple[Decimal | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None, _("điểm “%(v)s” không phải là số") % {"v": value}
    if not 0 <= score <= 10:
        return None, _("điểm %(v)s nằm ngoài thang 0–10") % {"v": value}
    return score.quantize(Decimal("0.1")), None


def import_completions(user, upload, today: dt.date | None = None) -> Imported:
    """Record the completions of a sheet (columns ``COMPLETION_COLUMNS``), matched by
    personnel identifier, for people in the user's training scope."""
    roots = scope_paths(user, Action.MANAGE_TRAINING)
    if not roots:
        raise DomainError(_("Bạn không có quyền ghi nhận kết quả bồi dưỡng."), status=403)
    data = xlsx.upload_bytes(upload)
    sheet = xlsx.read_table(io.BytesIO(data), COMPLETION_COLUMNS, COMPLETION_REQUIRED, max_rows=MAX_ROWS)
    structure = xlsx.structure_problems(data, [sheet.name])
    if structure:
        raise DomainError(_headline(len(structure)), structure)
    today = today or timezone.localdate()
    courses = {c.code: c for c in Course.objects.all()}
    wanted = {normalise(raw.get("identifier")) for _row, raw in sheet.rows}
    people = {}
    wanted_list = sorted(w for w in wanted if w)
    for i in range(0, len(wanted_list), CHUNK):
        for pid, ident, name, path in (
            Person.objects.filter(identifier__in=wanted_list[i : i + CHUNK])
            .order_by()
            .values_list("pk", "identifier", "full_name", "unit__path")
        ):
            people[ident] = (pid, name, path)
    problems, unmatched, rows, seen = [], [], [], {}
    label = COMPLETION_COLUMNS
    for row, raw in sheet.rows:
        ident = normalise(raw.get("identifier"))
        where = _("Dòng %(row)s") % {"row": row}
        errs = []
        person = people.get(ident)
        if not ident:
            errs.append(_("thiếu “%(col)s”") % {"col": label["identifier"]})
        elif person is None or not any(person[2].startswith(p) for p in roots):
            # one message for both: the file must not tell who exists outside the user's scope
            person = None
            unmatched.append(_("Dòng %(row)s: mã định danh %(id)s") % {"row": row, "id": ident})
            errs.append(_("không có quân nhân mã định danh %(id)s trong phạm vi quản lý của bạn") % {"id": ident})
        name = nfc(xlsx.cell_text(raw.get("full_name")))
        if person and name and fold(name) != fold(person[1]):
            errs.append(
                _("mã định danh %(id)s là của “%(real)s”, không phải “%(name)s”")
                % {"id": ident, "real": person[1], "name": name}
            )
        code = nfc(xlsx.cell_text(raw.get("course"))).upper()
        course = courses.get(code)
        if course is None:
            errs.append(_("không có khóa học mã “%(code)s”") % {"code": code} if code else _("thiếu mã khóa học"))
        day, why = xlsx.cell_date(raw.get("completed_on"))
        if why:
            errs.append(f"{label['completed_on']}: {why}")
        elif day > today:
            errs.append(_("ngày hoàn thành %(day)s ở tương lai") % {"day": day.strftime("%d/%m/%Y")})
        score, why = _score(raw.get("score"))
        if why:
            errs.append(why)
        elif course is not None and score is not None and score < course.pass_score:
            errs.append(_("điểm %(s)s dưới điểm đạt %(p)s của khóa học") % {"s": score, "p": course.pass_score})
        ref = nfc(xlsx.cell_text(raw.get("external_ref")))[:60]
        if person and course:
            key = (person[0], course.pk)
            if key in seen:
                errs.append(_("trùng với dòng %(other)s (cùng người, cùng khóa học)") % {"other": seen[key]})
            seen.setdefault(key, row)
        if errs:
            problems.append(f"{where}: " + "; ".join(errs) + ".")
        else:
            rows.append((person, course, day, score, ref))
    if problems:
        exc = DomainError(_headline(len(problems)), problems[:200])
        exc.unmatched = unmatched
        raise exc
    return _write_completions(user, rows, roots, data, getattr(upload, "name", ""))


def _issuer(path: str, roots: list[str], units: dict[str, int]) -> int:
    root = max((r for r in roots if path.startswith(r)), key=len)
    return units[root]


def _write_completions(user, rows, roots, data: bytes, filename: str) -> Imported:
    units = dict(Unit.objects.filter(path__in=roots).values_list("path", "pk"))
    existing = set()
    by_course: dict[int, list[int]] = {}
    for (pid, _n, _p), course, *_rest in rows:
        by_course.setdefault(course.pk, []).append(pid)
    for course_id, pids in by_course.items():
        for i in range(0, len(pids), CHUNK):
            existing |= set(
                Completion.objects.filter(course_id=course_id, person_id__in=pids[i : i + CHUNK]).values_list(
                    "person_id", "course_id"
                )
            )
    made = [
        Completion(
            person_id=pid,
            course=course,
            completed_on=day,
            score=score,
            is_basic=course.is_basic,
            source=Completion.Source.IMPORT,
            external_ref=ref,
            issued_by_id=_issuer(path, roots, units),
            recorded_by=services._user(user),
        )
        for (pid, _name, path), course, day, score, ref in rows
        if (pid, course.pk) not in existing
    ]
    try:
        with transaction.atomic():
            Completion.objects.bulk_create(made, batch_size=CHUNK)
            audit.record(
                "import",
                None,
                object_type="training.completion",
                object_repr=_("Nhập %(n)s kết quả hoàn thành từ %(file)s") % {"n": number(len(made)), "file": filename},
                after={
                    "created": len(made),
                    "skipped": len(rows) - len(made),
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
            )
            services._after_completions(made)
    except IntegrityError:
        raise DomainError(
            _("Kết quả vừa được người khác ghi nhận cùng lúc; chưa ghi dòng nào, hãy tải lên lại.")
        ) from None
    return Imported(len(made), len(rows) - len(made), len({c.person_id for c in made}))


def completions_template() -> bytes:
    headers = [str(v) for v in COMPLETION_COLUMNS.values()]
    return xlsx.write_template(_("Kết quả"), headers, {}, widths=(16, 28, 16, 16, 8, 20))


# --- survey answers ------------------------------------------------------------


def answers_template(survey: Survey) -> bytes:
    scale = services.Scale.of(survey.framework)
    headers = [str(_("Mã định danh")), str(_("Họ và tên"))] + [c.code for c in scale.competences]
    steps = [str(s) for s in range(0, scale.max_step + 1)]
    choices = {i + 2: steps for i in range(len(scale.competences))}
    return xlsx.write_template(_("Tự đánh giá"), headers, choices, widths=[16, 28] + [6] * len(scale.competences))


def import_answers(user, survey: Survey, upload) -> int:
    """Answers typed by a unit: one row per person, a column per competence code with the
    step 0..8. All or nothing; returns the number of answers stored."""
    scale = services.Scale.of(survey.framework)
    columns = {"identifier": str(_("Mã định danh")), "full_name": str(_("Họ và tên"))}
    columns |= {c.code: c.code for c in scale.competences}
    data = xlsx.upload_bytes(upload)
    sheet = xlsx.read_table(
        io.BytesIO(data), columns, ["identifier", *[c.code for c in scale.competences]], max_rows=20_000
    )
    services._require_open(survey)
    idents = [normalise(raw.get("identifier")) for _r, raw in sheet.rows]
    people = {
        p.identifier: p for p in Person.objects.filter(identifier__in=[i for i in idents if i]).select_related("unit")
    }
    problems, todo, seen = [], [], {}
    for row, raw in sheet.rows:
        ident = normalise(raw.get("identifier"))
        person = people.get(ident)
        where = _("Dòng %(row)s") % {"row": row}
        if person is None:
            problems.append(_("%(where)s: không có quân nhân mã định danh “%(id)s”.") % {"where": where, "id": ident})
            continue
        if ident in seen:
            problems.append(_("%(where)s: trùng người với dòng %(other)s.") % {"where": where, "other": seen[ident]})
            continue
        seen[ident] = row
        if not services.can_manage(user, person.unit):
            problems.append(
                _("%(where)s: quân nhân mã định danh %(id)s ngoài phạm vi quản lý của bạn.")
                % {"where": where, "id": ident}
            )
            continue
        if not person.unit.path.startswith(survey.unit.path):
            problems.append(
                _("%(where)s: %(person)s không thuộc phạm vi đợt khảo sát.")
                % {"where": where, "person": person.full_name}
            )
            continue
        ratings = {c.code: raw.get(c.code) for c in scale.competences}
        clean, errs = scale.check({k: v for k, v in ratings.items() if v is not None and v != ""})
        if errs:
            problems.extend(f"{where}: {e}" for e in errs)
            continue
        todo.append((person, clean))
    if problems:
        raise DomainError(_headline(len(problems)), problems[:200])
    rules = services.Rules.load()
    with transaction.atomic():
        for person, clean in todo:
            services._store(user, survey, person, clean, scale, rules, Response.Source.IMPORT)
        audit.record(
            "import",
            survey,
            object_repr=_("%(code)s: nhập %(n)s phiếu tự đánh giá") % {"code": survey.code, "n": len(todo)},
            after={"answers": len(todo), "sha256": hashlib.sha256(data).hexdigest()},
            unit=survey.unit_id,
        )
    return len(todo)


# --- exports -----------------------------------------------------------------------


def export_needs(survey: Survey, unit: Unit, group=None) -> bytes:
    headers = [
        _("STT"),
        _("Mã định danh"),
        _("Họ và tên"),
        _("Cấp bậc"),
        _("Chức vụ"),
        _("Đơn vị"),
        _("Nhóm cần bồi dưỡng"),
        _("Lý do"),
        _("Khóa học đề xuất"),
        _("Đã hoàn thành kỹ năng số cơ bản"),
    ]
    courses: dict[int, str] = {}
    for course in Course.objects.filter(is_active=True).prefetch_related("groups"):
        for g in course.groups.all():
            courses[g.pk] = (courses[g.pk] + "; " if g.pk in courses else "") + course.code
    needs = services.needs_list(survey, unit, group)
    basic = set(
        Person.objects.filter(pk__in=needs.values("person_id"), basic_skills__isnull=False).values_list("pk", flat=True)
    )
    rows = (
        (
            i,
            n.person.identifier,
            n.person.full_name,
            n.person.get_rank_display(),
            n.person.position,
            n.unit.name,
            n.group.name,
            n.reason,
            courses.get(n.group_id, ""),
            _("Có") if n.person_id in basic else _("Chưa"),
        )
        for i, n in enumerate(needs.iterator(chunk_size=2000), start=1)
    )
    return xlsx.write_xlsx(_("Cần bồi dưỡng"), headers, rows, widths=(6, 15, 26, 12, 28, 30, 28, 50, 20, 14))


def export_roster(klass) -> bytes:
    headers = [_("STT"), _("Mã định danh"), _("Họ và tên"), _("Cấp bậc"), _("Đơn vị"), _("Số buổi tham dự"), _("Điểm")]
    headers += [_("Kết quả"), _("Mã xác thực chứng nhận")]
    rows = []
    for i, e in enumerate(
        klass.enrolments.select_related("person", "person__unit", "completion").order_by("person__full_name"), start=1
    ):
        done = getattr(e, "completion", None)
        result = "" if e.passed is None else (_("Đạt") if e.passed else _("Không đạt"))
        rows.append(
            (
                i,
                e.person.identifier,
                e.person.full_name,
                e.person.get_rank_display(),
                e.person.unit.name,
                e.attended,
                e.score,
                result,
                done.code if done else "",
            )
        )
    return xlsx.write_xlsx(_("Danh sách lớp"), headers, rows, widths=(6, 15, 26, 12, 30, 10, 8, 10, 18))
