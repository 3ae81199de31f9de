"""Personnel spreadsheets: import (all or nothing, row-level messages) and export."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import scope_paths
from dxhub.audit import services as audit
from dxhub.core import xlsx
from dxhub.core.errors import DomainError
from dxhub.core.text import nfc, number

from . import identifiers, services
from .choices import PersonnelCategory, Rank
from .models import Person, Unit

COLUMNS = {
    "identifier": gettext_lazy("Mã định danh"),
    "full_name": gettext_lazy("Họ và tên"),
    "gender": gettext_lazy("Giới tính"),
    "birth_year": gettext_lazy("Năm sinh"),
    "category": gettext_lazy("Đối tượng"),
    "rank": gettext_lazy("Cấp bậc"),
    "position": gettext_lazy("Chức vụ"),
    "unit_code": gettext_lazy("Mã đơn vị"),
    "unit_name": gettext_lazy("Tên đơn vị"),
}
REQUIRED = ("identifier", "full_name", "category", "unit_code")
MAX_ROWS = 100_000


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


def import_people(user, upload) -> ImportResult:
    """Create or update people from the first sheet of ``upload``.

    Every row is checked first; if any row is wrong nothing is written and the
    DomainError lists each problem by row and column. Rows may only place
    people in units inside the user's scope, and may only update people who are
    already inside it.
    """
    sheet = xlsx.read_table(upload, COLUMNS, REQUIRED, max_rows=MAX_ROWS)

    def where(row, key):
        return _("Trang “%(sheet)s”, dòng %(row)s, cột %(letter)s (%(column)s)") % {
            "sheet": sheet.name,
            "row": row,
            "letter": xlsx.column_letter(COLUMNS, key, sheet),
            "column": COLUMNS[key],
        }

    problems: list[str] = []
    codes = {nfc(r.get("unit_code")).upper() for _row, r in sheet.rows if r.get("unit_code")}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    allowed = scope_paths(user, Action.CHANGE_PERSON)
    idents = [identifiers.normalise(r.get("identifier")) for _row, r in sheet.rows]
    existing = {p.identifier: p for p in Person.objects.filter(identifier__in=idents).select_related("unit")}
    seen: dict[str, int] = {}
    parsed: list[tuple[int, dict]] = []
    for row, raw in sheet.rows:
        ident = identifiers.normalise(raw.get("identifier"))
        current = existing.get(ident)
        unit_code = nfc(raw.get("unit_code")).upper()
        unit = units.get(unit_code)
        data = {
            "identifier": ident,
            "full_name": raw.get("full_name"),
            "category": services.parse_category(raw.get("category")),
            "unit": unit,
        }
        # An optional column the sheet does not have keeps what is recorded: it is not a blank.
        for key, parse in OPTIONAL.items():
            if key in sheet.present:
                data[key] = parse(raw.get(key))
            else:
                data[key] = getattr(current, key) if current is not None else parse(None)
        row_errors = services.check_person(data, current)
        if data["gender"] is None:
            row_errors["gender"] = _("Giới tính “%(value)s” không hợp lệ (Nam/Nữ).") % {"value": raw.get("gender")}
        if data["category"] is None:
            row_errors["category"] = _("Đối tượng “%(value)s” không hợp lệ.") % {"value": raw.get("category") or ""}
        if data["rank"] is None:
            row_errors["rank"] = _("Cấp bậc “%(value)s” không có trong danh mục.") % {"value": raw.get("rank")}
        if unit is None:
            row_errors["unit_code"] = (
                _("Mã đơn vị “%(code)s” không tồn tại.") % {"code": unit_code}
                if unit_code
                else _("Chưa ghi mã đơn vị.")
            )
            row_errors.pop("unit", None)
        elif not _in(unit, allowed):
            row_errors["unit_code"] = _("Đơn vị “%(code)s” nằm ngoài phạm vi quản lý của bạn.") % {"code": unit_code}
        if ident and "identifier" not in row_errors:
            if ident in seen:
                row_errors["identifier"] = _("Mã định danh %(identifier)s trùng với dòng %(row)s.") % {
                    "identifier": identifiers.display(ident),
                    "row": seen[ident],
                }
            else:
                seen[ident] = row
            if current is not None and not _in(current.unit, allowed):
                row_errors["identifier"] = _(
                    "Mã định danh %(identifier)s đã thuộc một quân nhân ngoài phạm vi của bạn."
                ) % {"identifier": identifiers.display(ident)}
        for key, msg in row_errors.items():
            problems.append(f"{where(row, key if key in COLUMNS else 'unit_code')}: {msg}")
        parsed.append((row, data))
    if problems:
        raise DomainError(
            _(
                "Không nhập được tệp: %(count)s lỗi. Chưa có dữ liệu nào được ghi; hãy sửa các lỗi dưới đây "
                "rồi tải lên lại."
            )
            % {"count": len(problems)},
            problems,
        )
    try:
        return _write(parsed, existing, allowed)
    except IntegrityError:
        raise DomainError(str(_CHANGED_MEANWHILE)) from None


OPTIONAL = {
    "gender": services.parse_gender,
    "birth_year": lambda v: v,
    "rank": services.parse_rank,
    "position": nfc,
}
_CHANGED_MEANWHILE = gettext_lazy(
    "Trong lúc kiểm tra tệp, dữ liệu quân số đã được người khác thay đổi. Chưa có dữ liệu nào được ghi; "
    "hãy tải tệp lên lại."
)


def _in(unit, allowed_paths) -> bool:
    return any(unit.path.startswith(p) for p in allowed_paths)


@transaction.atomic
def _write(parsed, checked, allowed) -> ImportResult:
    """Write checked rows. The people and units they touch are read again under lock:
    if anything changed since the check (a person edited or moved, a unit moved out
    of scope, the same identifier created), nothing is written."""
    idents = [data["identifier"] for _row, data in parsed]
    fresh = {
        p.identifier: p
        for p in Person.objects.select_for_update(of=("self",)).filter(identifier__in=idents).select_related("unit")
    }
    unit_paths = dict(Unit.objects.filter(pk__in={data["unit"].pk for _row, data in parsed}).values_list("pk", "path"))
    for ident, person in fresh.items():
        old = checked.get(ident)
        if old is None or old.updated_at != person.updated_at or not _in(person.unit, allowed):
            raise DomainError(str(_CHANGED_MEANWHILE))
    if any(not any(path.startswith(p) for p in allowed) for path in unit_paths.values()):
        raise DomainError(str(_CHANGED_MEANWHILE))
    created, changes, updated, unchanged = [], [], 0, 0
    for _row, data in parsed:
        current = fresh.get(data["identifier"])
        if current is None:
            created.append(services._apply(Person(), data))
            continue
        before = audit.snapshot(current)
        services._apply(current, data)
        if audit.snapshot(current) == before:
            unchanged += 1
            continue
        current.save()
        updated += 1
        changes.append(audit.Change("update", current, before, audit.snapshot(current), current.unit_id))
    Person.objects.bulk_create(created, batch_size=1000)
    # bulk_create sets pks on both databases we support (SQLite ≥ 3.35, PostgreSQL).
    changes += [audit.Change("import", p, None, audit.snapshot(p), p.unit_id) for p in created]
    audit.record_many(changes)
    return ImportResult(len(created), updated, unchanged)


def filter_people(user, *, q: str = "", unit_code: str = "", category: str = ""):
    """People in the user's view scope, narrowed as the people list and its exports are.

    Returns (queryset, unit or None); an unknown or out-of-scope unit code is a
    DomainError, never an empty result that would hide the mistake.
    """
    qs = Person.objects.restrict(user, Action.VIEW).select_related("unit")
    unit = None
    if unit_code:
        unit = Unit.objects.restrict(user, Action.VIEW).filter(code=nfc(unit_code).upper()).first()
        if unit is None:
            raise DomainError(_("Mã đơn vị không tồn tại hoặc ngoài phạm vi của bạn."), {"unit": _("không hợp lệ")})
        qs = qs.in_subtree(unit)
    if category:
        qs = qs.filter(category=category)
    if q:
        qs = qs.search(q)
    return qs, unit


def export_rows(queryset, on_row=None):
    qs = queryset.select_related("unit").order_by("unit__path", "full_name")
    cats = dict(PersonnelCategory.choices)
    ranks = dict(Rank.choices)
    for n, p in enumerate(qs.iterator(chunk_size=2000), start=1):
        yield [
            p.identifier,
            p.full_name,
            p.get_gender_display() if p.gender else "",
            p.birth_year,
            str(cats.get(p.category, p.category)),
            ranks.get(p.rank, ""),
            p.position,
            p.unit.code,
            p.unit.name,
        ]
        if on_row is not None:
            on_row(n)


EXPORT_WIDTHS = (16, 28, 9, 9, 22, 14, 30, 16, 40)


def export_people(queryset, fmt: str, on_row=None) -> bytes:
    """The people as an .xlsx or .csv file (same columns as the import)."""
    rows = export_rows(queryset, on_row)
    headers = [str(label) for label in COLUMNS.values()]
    if fmt == "xlsx":
        return xlsx.write_xlsx(_("Quân số"), headers, rows, widths=EXPORT_WIDTHS)
    if fmt == "csv":
        return xlsx.write_csv(headers, rows)
    raise ValueError(fmt)


def import_template() -> bytes:
    """The import sheet with drop-downs for gender, category and rank."""
    keys = list(COLUMNS)
    with translation.override("vi"):
        choices = {
            keys.index("gender"): [str(label) for _code, label in Person.Gender.choices],
            keys.index("category"): [str(label) for _code, label in PersonnelCategory.choices],
            keys.index("rank"): [str(label) for _code, label in Rank.choices],
        }
    headers = [str(h) for h in COLUMNS.values()]
    return xlsx.write_template(_("Quân số"), headers, choices, widths=EXPORT_WIDTHS)


def record_export(user, filters: dict, fmt: str, count: int) -> None:
    """Exports of personal data are security events: who took which list, and how big."""
    audit.record(
        "export",
        None,
        object_type="org.person",
        object_repr=_("Xuất danh sách quân số (%(count)s người, %(format)s)") % {"count": number(count), "format": fmt},
        after={"filters": filters, "format": fmt, "rows": count},
    )
