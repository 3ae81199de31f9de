from hypothesis import given
from hypothesis import strategies as st

from dxhub.org import identifiers

serials = st.integers(0, 10**9 - 1)
years = st.integers(1985, 2030)


@given(years, serials)
def test_made_identifiers_are_valid(year, serial):
    value = identifiers.make(year, serial)
    assert len(value) == 12 and identifiers.is_valid(value)


@given(years, serials, st.integers(0, 11), st.integers(1, 9))
def test_every_single_digit_error_is_caught(year, serial, pos, delta):
    value = identifiers.make(year, serial)
    wrong = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1 :]
    assert not identifiers.is_valid(wrong)


@given(years, serials, st.integers(0, 10))
def test_every_adjacent_transposition_is_caught(year, serial, pos):
    value = identifiers.make(year, serial)
    swapped = value[:pos] + value[pos + 1] + value[pos] + value[pos + 2 :]
    assert swapped == value or not identifiers.is_valid(swapped)


def test_normalise_and_problems():
    assert identifiers.normalise("25-000012345-6 ") == "250000123456"
    assert identifiers.normalise(50000123456) == "050000123456"
    assert "12 chữ số" in identifiers.problem("12345")
    good = identifiers.make(25, 12345)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert "chữ số kiểm tra" in identifiers.problem(bad)
    assert identifiers.display(good) == f"{good[:2]}-{good[2:11]}-{good[11]}"
