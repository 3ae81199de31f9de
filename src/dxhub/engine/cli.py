"""Command line: ``python -m dxhub.engine score FRAMEWORK.json VALUES.csv [--out OUT.csv]``.

Scores a CSV of per-unit values with a framework file, without the web app or a database.
Bad input ends with a Vietnamese message on stderr and exit code 2.
"""

import argparse
import csv
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .framework import Framework, FrameworkError, check_value, parse_framework
from .i18n import _, vn_number
from .index import compute
from .ranking import competition_rank, round4

EXIT_BAD_INPUT = 2
MAX_LISTED = 30
META_COLUMNS = ("unit", "name", "kind", "peer_group")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")

H_UNIT = _("Đơn vị")
H_NAME = _("Tên đơn vị")
H_INDEX = _("Chỉ số")
H_BAND = _("Xếp loại")
H_RANK = _("Hạng")
H_GROUP_RANK = _("Hạng trong nhóm")


class InputError(Exception):
    """Bad input: a headline and the problems under it."""

    def __init__(self, headline: str, lines: list[str] | None = None):
        super().__init__(headline)
        self.headline = headline
        self.lines = lines or []

    def text(self) -> str:
        shown = [f"  - {line}" for line in self.lines[:MAX_LISTED]]
        if len(self.lines) > MAX_LISTED:
            shown.append("  " + _("… và %(n)s lỗi khác.") % {"n": vn_number(len(self.lines) - MAX_LISTED)})
        return "\n".join([self.headline, *shown])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dxhub.engine",
        description=_("Bộ máy tính chỉ số chuyển đổi số: chấm điểm, tính chỉ số, xếp loại và xếp hạng."),
        add_help=False,
    )
    _localise(parser)
    commands = parser.add_subparsers(dest="command", metavar=_("LỆNH"), title=_("các lệnh"))
    score = commands.add_parser(
        "score",
        add_help=False,
        help=_("tính chỉ số các đơn vị từ bộ tiêu chí và tệp số liệu"),
        description=_(
            "Tính chỉ số các đơn vị. Tệp số liệu CSV (UTF-8) có cột unit, tùy chọn name, kind, "
            "peer_group, rồi một cột cho mỗi tiêu chí lá (theo mã); ô trống là chưa có số liệu."
        ),
    )
    _localise(score)
    score.add_argument("framework", metavar="FRAMEWORK.json", help=_("tệp bộ tiêu chí (JSON, dxhub-framework/1)"))
    score.add_argument("values", metavar="VALUES.csv", help=_("tệp số liệu các đơn vị (CSV)"))
    score.add_argument("--out", metavar="OUT.csv", help=_("ghi kết quả ra tệp CSV thay vì in bảng"))
    score.add_argument(
        "--group-by",
        choices=("peer_group", "kind"),
        help=_("cột dùng để xếp hạng trong nhóm (mặc định: peer_group nếu tệp có cột này)"),
    )
    return parser


def _localise(parser: argparse.ArgumentParser) -> None:
    """Vietnamese section titles and -h help (argparse's own words are English)."""
    parser._positionals.title = _("tham số")
    parser._optionals.title = _("tùy chọn")
    parser.add_argument("-h", "--help", action="help", help=_("in hướng dẫn này rồi thoát"))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return score(args)
    except InputError as e:
        print(e.text(), file=sys.stderr)
        return EXIT_BAD_INPUT


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(
            _("Không đọc được %(what)s %(path)s: %(error)s.") % {"what": what, "path": path, "error": e.strerror or e}
        ) from None
    except UnicodeDecodeError:
        raise InputError(_("Tệp %(path)s không phải văn bản UTF-8.") % {"path": path}) from None


def load_framework(path: str) -> Framework:
    text = _read_text(path, _("tệp bộ tiêu chí"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            _("Tệp bộ tiêu chí %(path)s không phải JSON hợp lệ: dòng %(line)s, cột %(column)s (%(error)s).")
            % {"path": path, "line": e.lineno, "column": e.colno, "error": e.msg}
        ) from None
    try:
        return parse_framework(data)
    except FrameworkError as e:
        raise InputError(_("Bộ tiêu chí %(path)s có lỗi:") % {"path": path}, [str(p) for p in e.problems]) from None


def parse_number(cell: str) -> float | None:
    """A CSV cell as a number: "0,9" and "0.9" alike; None when it is not one."""
    cell = cell.strip().replace(" ", "")
    if not NUMBER.match(cell):
        return None
    return float(cell.replace(",", "."))


@dataclass
class Table:
    """The units of a values file, in file order."""

    columns: list[str]
    units: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)
    peer_groups: list[str | None] = field(default_factory=list)
    values: np.ndarray | None = None


def _cell(row: list[str], col: dict[str, int], name: str) -> str:
    return unicodedata.normalize("NFC", row[col[name]].strip()) if name in col else ""


def read_values(path: str, fw: Framework) -> Table:
    text = _read_text(path, _("tệp số liệu"))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if "\t" in first and delimiter not in first:
        delimiter = "\t"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as e:
        raise InputError(
            _("Tệp số liệu %(path)s không đọc được như CSV: %(error)s.") % {"path": path, "error": e}
        ) from None
    if not rows:
        raise InputError(_("Tệp số liệu %(path)s trống.") % {"path": path})
    header = [h.strip() for h in rows[0]]
    problems = []
    if "unit" not in header:
        raise InputError(_("Tệp số liệu %(path)s thiếu cột unit (mã đơn vị).") % {"path": path})
    for h in dict.fromkeys(h for h in header if header.count(h) > 1):
        problems.append(_("Cột %(column)s xuất hiện nhiều lần.") % {"column": h})
    unknown = [h for h in header if h not in META_COLUMNS and h not in fw.leaf_index]
    if unknown:
        problems.append(
            _("Các cột không phải mã tiêu chí lá của bộ tiêu chí: %(columns)s.")
            % {"columns": ", ".join(h or '""' for h in unknown)}
        )
    if problems:
        raise InputError(_("Tệp số liệu %(path)s có lỗi:") % {"path": path}, problems)

    table = Table(header)
    col = {h: i for i, h in enumerate(header)}
    leaf_cols = [(col[h], fw.leaf_index[h], fw.leaves[fw.leaf_index[h]]) for h in header if h in fw.leaf_index]
    values = []
    units_seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                _("Dòng %(row)s có %(cells)s ô, khác số cột của dòng tiêu đề (%(columns)s).")
                % {"row": line, "cells": len(row), "columns": len(header)}
            )
            continue
        unit = _cell(row, col, "unit")
        if not unit:
            problems.append(_("Dòng %(row)s: thiếu mã đơn vị.") % {"row": line})
        elif unit in units_seen:
            problems.append(
                _("Dòng %(row)s: đơn vị %(unit)s đã có ở dòng %(first)s.")
                % {"row": line, "unit": unit, "first": units_seen[unit]}
            )
        else:
            units_seen[unit] = line
        vals = np.full(len(fw.leaves), np.nan)
        for i, j, leaf in leaf_cols:
            cell = row[i].strip()
            if not cell:
                continue
            v = parse_number(cell)
            where = {"row": line, "column": header[i]}
            if v is None:
                problems.append(
                    _("Dòng %(row)s, cột %(column)s: “%(value)s” không phải là số.") % {**where, "value": cell}
                )
                continue
            problem = check_value(leaf, v)
            if problem is not None:
                problems.append(_("Dòng %(row)s, cột %(column)s: %(problem)s") % {**where, "problem": problem})
                continue
            vals[j] = v
        table.units.append(unit)
        table.names.append(_cell(row, col, "name"))
        table.kinds.append(_cell(row, col, "kind") or None)
        table.peer_groups.append(_cell(row, col, "peer_group") or None)
        values.append(vals)
    if problems:
        raise InputError(_("Tệp số liệu %(path)s có lỗi:") % {"path": path}, problems)
    if not values:
        raise InputError(_("Tệp số liệu %(path)s không có đơn vị nào.") % {"path": path})
    table.values = np.array(values)
    return table


def _labels(codes: list[str | None]) -> np.ndarray:
    """Group codes as integers (no code = a group of its own, label −1)."""
    distinct: dict[str, int] = {}
    return np.array([-1 if c is None else distinct.setdefault(c, len(distinct)) for c in codes], dtype=np.intp)


def score(args) -> int:
    fw = load_framework(args.framework)
    table = read_values(args.values, fw)
    group_by = args.group_by or ("peer_group" if "peer_group" in table.columns else None)
    if group_by is not None and group_by not in table.columns:
        raise InputError(_("Tệp số liệu không có cột %(column)s để xếp hạng trong nhóm.") % {"column": group_by})
    applicable = fw.applicability(table.kinds, table.peer_groups)
    peer = _labels(table.peer_groups) if "peer_group" in table.columns else None
    s = compute(fw, table.values, applicable, groups=peer)
    group_rank = None
    if group_by is not None:
        group_rank = competition_rank(s.index, _labels(table.kinds if group_by == "kind" else table.peer_groups))
    pillar_index = round4(s.pillar_index)
    has_name = "name" in table.columns

    header = [H_UNIT] + ([H_NAME] if has_name else []) + [p.code for p in fw.pillars] + [H_INDEX, H_BAND, H_RANK]
    if group_rank is not None:
        header.append(H_GROUP_RANK)
    rows = []
    order = np.lexsort((np.arange(len(table.units)), s.rank))
    for i in order:
        rows.append(
            [table.units[i]]
            + ([table.names[i]] if has_name else [])
            + list(pillar_index[i])
            + [s.index[i], fw.bands[s.band[i]].name if s.band[i] >= 0 else "", int(s.rank[i])]
            + ([int(group_rank[i])] if group_rank is not None else [])
        )

    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(header)
                for row in rows:
                    writer.writerow([_csv_cell(c) for c in row])
        except OSError as e:
            raise InputError(
                _("Không ghi được tệp %(path)s: %(error)s.") % {"path": args.out, "error": e.strerror or e}
            ) from None
        print(_("Đã ghi kết quả của %(n)s đơn vị vào %(path)s.") % {"n": vn_number(len(rows)), "path": args.out})
        return 0

    title = _("%(name)s (%(code)s, năm %(year)s): %(n)s đơn vị") if fw.year else _("%(name)s (%(code)s): %(n)s đơn vị")
    print(title % {"name": fw.name, "code": fw.code, "year": fw.year, "n": vn_number(len(rows))})
    print(_format_table(header, [[_shown_cell(c) for c in row] for row in rows]))
    legend = "; ".join(f"{p.code}: {p.name}" for p in fw.pillars)
    print(_("Chỉ số thành phần: %(legend)s") % {"legend": legend})
    return 0


def _csv_cell(c) -> str:
    if isinstance(c, float):
        return "" if np.isnan(c) else f"{c:.4f}"
    return str(c)


def _shown_cell(c) -> str:
    if isinstance(c, float):
        return "—" if np.isnan(c) else f"{c:.4f}".replace(".", ",")
    return str(c)


def _format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(header)]
    numeric = [all(r[k] == "—" or NUMBER.match(r[k]) for r in rows) for k in range(len(header))]

    def line(cells):
        return "  ".join(
            c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])
