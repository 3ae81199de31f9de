"""Personnel spreadsheets: import (all or nothing, row-level messages) and export."""

from dataclasses import dataclass

from django.db import transaction

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
    "identifier": "Mã định danh",
    "full_name": "Họ và tên",
    "gender": "Giới tính",
    "birth_year": "Năm sinh",
    "category": "Đối tượng",
    "rank": "Cấp bậc",
    "position": "Chức vụ",
    "unit_code": "Mã đơn vị",
    "unit_name": "Tên đơn vị",
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
    sheet = xlsx.read_table(upload, COLUMNS, REQUIRED)
    if len(sheet.rows) > MAX_ROWS:
        raise DomainError(f"Tệp có {number(len(sheet.rows))} dòng, vượt giới hạn {number(MAX_ROWS)} dòng mỗi lần nhập.")

    def where(row, key):
        return f"Trang “{sheet.name}”, dòng {row}, cột {xlsx.column_letter(COLUMNS, key, sheet)} ({COLUMNS[key]})"

    problems: list[str] = []
    codes = {nfc(r.get("unit_code")).upper() for _, r in sheet.rows if r.get("unit_code")}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    allowed = scope_paths(user, Action.CHANGE_PERSON)
    idents = [identifiers.normalise(r.get("identifier")) for _, r in sheet.rows]
    existing = {p.identifier: p for p in Person.objects.filter(identifier__in=idents).select_related("unit")}
    seen: dict[str, int] = {}
    parsed: list[tuple[int, dict]] = []
    for row, raw in sheet.rows:
        ident = identifiers.normalise(raw.get("identifier"))
        unit_code = nfc(raw.get("unit_code")).upper()
        unit = units.get(unit_code)
        data = {
            "identifier": ident,
            "full_name": nfc(raw.get("full_name")),
            "gender": services.parse_gender(raw.get("gender")),
            "birth_year": raw.get("birth_year"),
            "category": services.parse_category(raw.get("category")),
            "rank": services.parse_rank(raw.get("rank")),
            "position": nfc(raw.get("position")),
            "unit": unit,
        }
        row_errors = services.check_person(data, existing.get(ident))
        if data["gender"] is None:
            row_errors["gender"] = f"Giới tính “{raw.get('gender')}” không hợp lệ (Nam/Nữ)."
        if data["category"] is None:
            row_errors["category"] = f"Đối tượng “{raw.get('category') or ''}” không hợp lệ."
        if data["rank"] is None:
            row_errors["rank"] = f"Cấp bậc “{raw.get('rank')}” không có trong danh mục."
        if unit is None:
            row_errors["unit_code"] = f"Mã đơn vị “{unit_code}” không tồn tại." if unit_code else "Chưa ghi mã đơn vị."
            row_errors.pop("unit", None)
        elif not any(unit.path.startswith(p) for p in allowed):
            row_errors["unit_code"] = f"Đơn vị “{unit_code}” nằm ngoài phạm vi quản lý của bạn."
        if ident and "identifier" not in row_errors:
            if ident in seen:
                row_errors["identifier"] = f"Mã định danh {identifiers.display(ident)} trùng với dòng {seen[ident]}."
            else:
                seen[ident] = row
            current = existing.get(ident)
            if current is not None and not any(current.unit.path.startswith(p) for p in allowed):
                row_errors["identifier"] = (
                    f"Mã định danh {identifiers.display(ident)} đã thuộc một quân nhân ngoài phạm vi của bạn."
                )
        for key, msg in row_errors.items():
            problems.append(f"{where(row, key if key in COLUMNS else 'unit_code')}: {msg}")
        parsed.append((row, data))
    if problems:
        raise DomainError(
            f"Không nhập được tệp: {len(problems)} lỗi. Chưa có dữ liệu nào được ghi; hãy sửa các lỗi dưới đây "
            "rồi tải lên lại.",
            problems,
        )
    return _write(parsed, existing)


@transaction.atomic
def _write(parsed, existing) -> ImportResult:
    created, changes, updated, unchanged = [], [], 0, 0
    for _row, data in parsed:
        current = existing.get(data["identifier"])
        if current is None:
            created.append(services._apply(Person(), data))
            continue
        before = audit.snapshot(current)
        services._apply(current, data)
        after = audit.snapshot(current)
        if before == after:
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
            raise DomainError("Mã đơn vị không tồn tại hoặc ngoài phạm vi của bạn.", {"unit": "không hợp lệ"})
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
    if fmt == "xlsx":
        return xlsx.write_xlsx("Quân số", list(COLUMNS.values()), rows, widths=EXPORT_WIDTHS)
    if fmt == "csv":
        return xlsx.write_csv(list(COLUMNS.values()), rows)
    raise ValueError(fmt)


def record_export(user, filters: dict, fmt: str, count: int) -> None:
    """Exports of personal data are security events: who took which list, and how big."""
    audit.record(
        "export",
        None,
        object_type="org.person",
        object_repr=f"Xuất danh sách quân số ({number(count)} người, {fmt})",
        after={"filters": filters, "format": fmt, "rows": count},
    )
