import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxhub.reporting.periods import Period, PeriodError, between


@pytest.mark.parametrize(
    ("code", "label", "start", "end"),
    [
        ("2025-Q3", "Quý III/2025", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("2025-H1", "6 tháng đầu năm 2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
        ("2025-H2", "6 tháng cuối năm 2025", dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        ("2024-M02", "Tháng 2/2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2025", "Năm 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_labels_and_bounds(code, label, start, end):
    p = Period.parse(code)
    assert (p.code, p.label, p.start, p.end) == (code, label, start, end)


def test_deadline_and_neighbours():
    q3 = Period.parse("2025-Q3")
    assert q3.deadline(10) == dt.date(2025, 10, 10)
    assert q3.previous().code == "2025-Q2" and Period.parse("2025-Q1").previous().code == "2024-Q4"
    assert q3.same_period_last_year().code == "2024-Q3"
    assert [p.code for p in between("Q", dt.date(2024, 11, 5), dt.date(2025, 4, 1))] == [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
    ]


@pytest.mark.parametrize("code", ["2025-Q5", "2025-M13", "2025-H0", "25-Q1", "2025Q1", "", "2025-X1", "３０２５"])
def test_periods_that_do_not_exist(code):
    with pytest.raises(PeriodError):
        Period.parse(code)


@given(st.sampled_from("MQHY"), st.integers(2040, 2060), st.integers(-30, 30))
def test_shift_round_trips_and_codes_sort_in_time(kind, year, steps):
    p = Period(kind, year, 1)
    q = p.shift(steps)
    assert q.shift(-steps) == p
    assert (q.code > p.code) == (steps > 0) or steps == 0
    assert Period.parse(q.code) == q
