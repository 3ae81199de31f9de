"""Reading uploaded spreadsheets defensively and writing safe ones."""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .errors import DomainError
from .text import fold, nfc, nfc_text, number

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """Neutralise spreadsheet formula injection in exported text (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (Excel row number, {column key: value})
    present: set[str]  # the column keys the sheet has


def upload_bytes(upload) -> bytes:
    """The bytes of an uploaded .xlsx after the checks every upload gets: size limit,
    not empty, a zip holding an Excel workbook (not Word, not another archive), and no
    macros (.xlsm)."""
    size = getattr(upload, "size", None)
    limit = settings.DXHUB_MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise DomainError(
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit)s MB. Hãy chia thành nhiều tệp nhỏ hơn.")
            % {"size": size / 1048576, "limit": limit // 1048576}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("Tệp quá lớn; giới hạn là %(limit)s MB.") % {"limit": limit // 1048576})
    if not data:
        raise DomainError(_("Tệp rỗng, không có dữ liệu."))
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise DomainError(_("Tệp không phải bảng tính Excel (.xlsx). Hãy lưu lại tệp dưới dạng Excel Workbook."))
    with zipfile.ZipFile(buffer) as zf:
        names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        kind = _("tài liệu Word") if "word/document.xml" in names else _("tệp nén không phải Excel")
        raise DomainError(_("Tệp tải lên là %(kind)s, không phải bảng tính Excel (.xlsx).") % {"kind": kind})
    if any(n.lower().endswith("vbaproject.bin") for n in names) or "macroEnabled" in _content_types(buffer):
        raise DomainError(
            _("Tệp có chứa macro (.xlsm) không được chấp nhận. Hãy lưu lại dưới dạng Excel Workbook (.xlsx).")
        )
    return data


def _content_types(buffer) -> str:
    with zipfile.ZipFile(buffer) as zf:
        try:
            return zf.read("[Content_Types].xml").decode("utf-8", "replace")
        except KeyError:
            return ""


def read_table(
    upload, columns: dict[str, str], required: Sequence[str], max_rows: int = 100_000, sheet: str | None = None
) -> Sheet:
    """Read the first sheet (or the sheet named ``sheet``) of an uploaded .xlsx into
    rows keyed by column key.

    ``columns`` maps column key -> Vietnamese header. Headers match without
    accents or case. Raises DomainError with a Vietnamese message for a file
    that is too big, not an Excel workbook, damaged, empty, missing columns, or
    longer than ``max_rows`` (reading stops there).
    """
    buffer = io.BytesIO(upload_bytes(upload))
    try:
        wb = load_workbook(buffer, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise DomainError(_("Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx.")) from exc
    if sheet is None:
        ws = wb.worksheets[0]
    else:
        by_name = {fold(name): name for name in wb.sheetnames}
        if fold(sheet) not in by_name:
            wb.close()
            raise DomainError(_("Bảng tính thiếu trang tính “%(sheet)s”.") % {"sheet": sheet})
        ws = wb[by_name[fold(sheet)]]
    try:  # read-only workbooks parse the sheet while it is read: damage shows up here
        it = ws.iter_rows(values_only=True)
        header_row = next(it, None)
        if header_row is None or not any(c not in (None, "") for c in header_row):
            raise DomainError(_("Trang tính “%(sheet)s” rỗng: không có dòng tiêu đề.") % {"sheet": ws.title})
        by_folded = {fold(label): key for key, label in columns.items()}
        by_folded.update({fold(key): key for key in columns})
        positions: dict[int, str] = {}
        header = []
        for idx, cell in enumerate(header_row):
            label = nfc(cell) if cell is not None else ""
            header.append(label)
            key = by_folded.get(fold(label))
            if key:
                positions[idx] = key
        missing = [columns[k] for k in required if k not in positions.values()]
        if missing:
            raise DomainError(
                _("Trang tính “%(sheet)s” thiếu cột: %(columns)s.")
                % {"sheet": ws.title, "columns": ", ".join(f"“{m}”" for m in missing)},
                problems=[_("Thiếu cột “%(column)s”") % {"column": m} for m in missing],
            )
        rows = []
        for row_no, values in enumerate(it, start=2):
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if len(rows) >= max_rows:
                raise DomainError(
                    _("Trang tính “%(sheet)s” có hơn %(max_rows)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                    % {"sheet": ws.title, "max_rows": number(max_rows)}
                )
            rows.append((row_no, {key: (values[idx] if idx < len(values) else None) for idx, key in positions.items()}))
    except DomainError:
        raise
    except Exception as exc:  # broken XML inside the zip, unsupported content
        raise DomainError(_("Không đọc được bảng tính: nội dung tệp bị hỏng hoặc không đúng định dạng .xlsx.")) from exc
    finally:
        wb.close()
    if not rows:
        raise DomainError(
            _("Trang tính “%(sheet)s” không có dòng dữ liệu nào dưới dòng tiêu đề.") % {"sheet": ws.title}
        )
    return Sheet(ws.title, header, rows, set(positions.values()))


def column_letter(columns: dict[str, str], key: str, sheet: Sheet | None = None) -> str:
    """Excel column letter of ``key`` in an uploaded sheet (or in the export layout)."""
    label = columns[key]
    if sheet is not None:
        for idx, h in enumerate(sheet.header):
            if fold(h) in (fold(label), fold(key)):
                return get_column_letter(idx + 1)
    return get_column_letter(list(columns).index(key) + 1)


DATE_FORMAT = "dd/mm/yyyy"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook, streamed (write-only) so large exports stay small in memory.
    Dates are real Excel dates shown dd/mm/yyyy (times in local time), numbers stay
    numbers, text is guarded against formula injection."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_BAD_TITLE.sub(" ", str(title))[:31] or "Sheet1")
    headers = [str(h) for h in headers]
    for i, header in enumerate(headers, start=1):
        width = widths[i - 1] if i - 1 < len(widths) else max(12, len(header) + 4)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="206BC4")
        head.append(cell)
    ws.append(head)
    for row in rows:
        ws.append([_export_cell(ws, v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _export_cell(ws, value):
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        cell = WriteOnlyCell(ws, value=value.replace(tzinfo=None))
        cell.number_format = DATE_FORMAT + " hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return safe_cell(value)


def write_template(title: str, headers: Sequence[str], choices: dict[int, Sequence[str]], widths=(), rows=500) -> bytes:
    """An empty import sheet: bold, frozen header and drop-down lists (``choices`` by
    0-based column) on the first ``rows`` data rows, so values are picked, not typed."""
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for i, cell in enumerate(ws[1], start=1):
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="206BC4")
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1] if i - 1 < len(widths) else 18
    ws.freeze_panes = "A2"
    for col, values in choices.items():
        letter = get_column_letter(col + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.error = _("Hãy chọn một giá trị trong danh sách.")
        dv.errorTitle = _("Giá trị không hợp lệ")
        dv.showErrorMessage = True
        dv.add(f"{letter}2:{letter}{rows + 1}")
        ws.add_data_validation(dv)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # BOM so Excel opens UTF-8 Vietnamese correctly
    w = csv.writer(out)
    w.writerow(headers)
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


# Names in SpreadsheetML may carry any namespace prefix (x:row, a-b:f …); attribute
# values may use either quote and spaces around "=".
_P = r"<(?:[^\s<>:/!?\"']+:)?"
_FORMULA = re.compile((_P + r"f[\s>/]").encode())
_CELL_REF = re.compile((_P + r"c\b[^>]*?\br\s*=\s*[\"']([A-Z]+[0-9]+)[\"']").encode())
_ROW = re.compile((_P + r"row\b[^>]*>").encode())
_HIDDEN = re.compile(rb"\bhidden\s*=\s*[\"'](?:1|true)[\"']")
_ZERO_HEIGHT = re.compile(rb"\bht\s*=\s*[\"']0*(?:\.0*)?[\"']")
_ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"']([0-9]+)[\"']")
_MERGE = re.compile((_P + r"mergeCell\b[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']").encode())
_ROWS_HIDDEN_BY_DEFAULT = re.compile((_P + r"sheetFormatPr\b[^>]*?\bzeroHeight\s*=\s*[\"'](?:1|true)[\"']").encode())
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
SHEET_XML_MAX = 512 * 1024 * 1024


def _sheet_files(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> part name inside the zip, read with an XML parser (quotes,
    prefixes and attribute order do not matter)."""
    from defusedxml import ElementTree  # no entity expansion, no external entities

    rels = {}
    for rel in ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels")):
        target = rel.get("Target", "")
        rels[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for el in ElementTree.fromstring(zf.read("xl/workbook.xml")).iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet":
            out[el.get("name")] = rels.get(el.get(_NS_REL + "id"), "")
    return out


def structure_problems(data: bytes, sheets: Sequence[str]) -> list[str]:
    """Formulas, merged cells and hidden rows in the named sheets of a workbook, found
    by scanning the sheet XML (openpyxl's fast read-only mode cannot see merges or
    hidden rows). Each problem names the sheet and the cell or row, in Vietnamese.
    Fails closed: a sheet whose XML cannot be found or is too large is a problem."""
    unreadable = _("Không đọc được cấu trúc trang tính “%(sheet)s”: tệp bị hỏng hoặc không phải mẫu của dxhub.")
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            files = _sheet_files(zf)
        except Exception:
            return [unreadable % {"sheet": ", ".join(sheets)}]
        for title in sheets:
            part = files.get(title)
            try:
                info = zf.getinfo(part)
            except KeyError:
                problems.append(unreadable % {"sheet": title})
                continue
            if info.file_size > SHEET_XML_MAX:
                problems.append(
                    _("Trang tính “%(sheet)s” quá lớn sau khi giải nén; hãy chia nhỏ tệp.") % {"sheet": title}
                )
                continue
            problems += _scan(zf.read(part), title)
    return problems


def _scan(xml: bytes, title: str) -> list[str]:
    problems = []
    f = _FORMULA.search(xml)
    if f:
        refs = list(_CELL_REF.finditer(xml, max(0, f.start() - 4096), f.start()))
        cell = refs[-1][1].decode() if refs else "?"
        problems.append(
            _("Trang tính “%(sheet)s”, ô %(cell)s có công thức: chỉ nhận giá trị, hãy dán giá trị (Paste Values).")
            % {"sheet": title, "cell": cell}
        )
    for m in list(_MERGE.finditer(xml))[:3]:
        problems.append(
            _("Trang tính “%(sheet)s” có ô gộp %(ref)s: hãy bỏ gộp ô.") % {"sheet": title, "ref": m[1].decode()}
        )
    if _ROWS_HIDDEN_BY_DEFAULT.search(xml):
        problems.append(
            _("Trang tính “%(sheet)s” đặt các dòng ẩn theo mặc định: hãy hiện lại mọi dòng.") % {"sheet": title}
        )
    hidden = 0
    for m in _ROW.finditer(xml):
        tag = m[0]
        if _HIDDEN.search(tag) or _ZERO_HEIGHT.search(tag):
            row = _ROW_NUMBER.search(tag)
            problems.append(
                _("Trang tính “%(sheet)s”, dòng %(row)s đang bị ẩn: hãy hiện lại hoặc xóa dòng đó.")
                % {"sheet": title, "row": row[1].decode() if row else "?"}
            )
            hidden += 1
            if hidden == 3:
                break
    return problems


# --- reading cells of an import ---------------------------------------------

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_IMPORT_GUARDED = ("=", "+", "-", "@")


def cell_text(value) -> str:
    """A cell as NFC text; an exported cell that ``safe_cell`` guarded gets its
    apostrophe back off, so an export re-imports unchanged."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = nfc_text(str(value))
    if len(text) > 1 and text[0] == "'" and text[1] in _IMPORT_GUARDED:
        text = text[1:]
    return text


def cell_date(value) -> tuple[dt.date | None, str | None]:
    """(the date, None) or (None, why not)."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    text = nfc(cell_text(value))
    parts = None
    if isinstance(value, str):  # a bare number is not taken for a date serial
        if m := _DMY.match(text):
            parts = (int(m[3]), int(m[2]), int(m[1]))
        elif m := _YMD.match(text):
            parts = (int(m[1]), int(m[2]), int(m[3]))
    if parts is None:
        return None, _("“%(value)s” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy.") % {"value": text}
    try:
        return dt.date(*parts), None
    except ValueError:
        return None, _("ngày %(value)s không hợp lệ.") % {"value": text}
