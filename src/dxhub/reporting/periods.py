"""Reporting periods: month, quarter, half-year, year, with their Vietnamese labels.

A period is written as a short code that sorts in time within one periodicity:
``2025-M03`` (Tháng 3/2025), ``2025-Q3`` (Quý III/2025), ``2025-H1`` (6 tháng đầu
năm 2025), ``2025`` (Năm 2025).
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_IN = {"M": 1, "Q": 3, "H": 6, "Y": 12}
COUNT_IN_YEAR = {"M": 12, "Q": 4, "H": 2, "Y": 1}
_CODE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<kind>[MQH])(?P<number>[0-9]{1,2}))?$", re.ASCII)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # "M", "Q", "H" or "Y"
    year: int
    number: int = 1  # month 1-12, quarter 1-4, half 1-2; 1 for a year

    def __post_init__(self):
        if self.kind not in MONTHS_IN:
            raise PeriodError(f"Loại kỳ “{self.kind}” không hợp lệ.")
        if not 1 <= self.number <= COUNT_IN_YEAR[self.kind]:
            names = {"M": "tháng", "Q": "quý", "H": "nửa năm", "Y": "năm"}
            raise PeriodError(
                f"Kỳ báo cáo không tồn tại: {names[self.kind]} số {self.number} "
                f"(chỉ có từ 1 đến {COUNT_IN_YEAR[self.kind]})."
            )
        if not 1990 <= self.year <= 2100:
            raise PeriodError(f"Năm {self.year} nằm ngoài khoảng hợp lệ.")

    @classmethod
    def parse(cls, code: str) -> "Period":
        m = _CODE.match(str(code or "").strip().upper())
        if m is None:
            raise PeriodError(f"Kỳ báo cáo “{code}” không hợp lệ (ví dụ: 2025-M03, 2025-Q3, 2025-H1, 2025).")
        kind = m["kind"] or "Y"
        return cls(kind, int(m["year"]), int(m["number"] or 1))

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> "Period":
        return cls(kind, day.year, (day.month - 1) // MONTHS_IN[kind] + 1)

    @property
    def code(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        width = 2 if self.kind == "M" else 1
        return f"{self.year}-{self.kind}{self.number:0{width}d}"

    @property
    def label(self) -> str:
        if self.kind == "M":
            return f"Tháng {self.number}/{self.year}"
        if self.kind == "Q":
            return f"Quý {ROMAN[self.number]}/{self.year}"
        if self.kind == "H":
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * MONTHS_IN[self.kind] + 1, 1)

    @property
    def end(self) -> dt.date:
        month = self.number * MONTHS_IN[self.kind]
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def deadline(self, days_after_end: int) -> dt.date:
        """E.g. the 10th day after the period ends."""
        return self.end + dt.timedelta(days=days_after_end)

    def shift(self, steps: int) -> "Period":
        n = COUNT_IN_YEAR[self.kind]
        index = self.year * n + (self.number - 1) + steps
        return Period(self.kind, index // n, index % n + 1)

    def previous(self) -> "Period":
        return self.shift(-1)

    def same_period_last_year(self) -> "Period":
        return Period(self.kind, self.year - 1, self.number)

    def __str__(self):
        return self.label


def between(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """Every period of ``kind`` that overlaps [first, last], oldest first."""
    out, p = [], Period.containing(kind, first)
    while p.start <= last:
        out.append(p)
        p = p.shift(1)
    return out
