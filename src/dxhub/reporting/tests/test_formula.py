from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxhub.reporting.formula import FormulaError, evaluate, find_cycle, parse, references


def value(text, **values):
    return evaluate(parse(text), {k.upper(): v for k, v in values.items()})


def test_share_of_signed_documents():
    assert value("DOC_SIGNED / DOC_TOTAL * 100", doc_signed=72, doc_total=100) == Decimal(72)
    assert references(parse("DOC_SIGNED / DOC_TOTAL * 100")) == {"DOC_SIGNED", "DOC_TOTAL"}


def test_precedence_unary_minus_parentheses_and_functions():
    assert value("1 + 2 * 3") == 7
    assert value("(1 + 2) * 3") == 9
    assert value("-2 * -3") == 6
    assert value("10 - 4 - 3") == 3
    assert value("24 / 4 / 3") == 2
    assert value("max(A; B; 3) - min(A; B)", a=1, b=5) == 4
    assert value("abs(A - B)", a=1, b=5) == 4
    assert value("0,5 * 4") == 2 and value("0.25 * 4") == 1


def test_missing_values_and_division_by_zero_are_undefined_not_zero():
    assert value("A / B", a=1, b=0) is None
    assert value("A + B", a=1) is None
    assert value("max(A; B)", a=1) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "trống"),
        ("A +", "Thiếu số hoặc mã chỉ tiêu"),
        ("(A + B", "Thiếu “)”"),
        ("A B", "Thừa “B”"),
        ("A $ B", "Ký tự không hợp lệ “$” ở vị trí 3"),
        ("__import__('os')", "Ký tự không hợp lệ"),
        ("exec(A)", "không được hỗ trợ"),
        ("abs(A; B)", "sai số đối số"),
        ("A" + " + A" * 200, "quá dài"),
        ("(" * 60 + "A" + ")" * 60, "quá sâu"),
        ("A ** 2", "Thiếu số hoặc mã chỉ tiêu"),
    ],
)
def test_bad_formulas_are_refused_with_a_position(text, fragment):
    with pytest.raises(FormulaError) as exc:
        parse(text)
    assert fragment in exc.value.message


def test_dotted_names_are_codes_not_attribute_access():
    assert references(parse("A.__class__ + 1")) == {"A.__CLASS__"}
    assert value("A.__class__ + 1") is None  # an unknown code has no value


def test_cycles_between_computed_indicators():
    formulas = {"A": parse("B + 1"), "B": parse("C * 2"), "C": parse("A - 1"), "D": parse("X")}
    assert find_cycle("A", formulas) == ["A", "B", "C", "A"]
    assert find_cycle("D", formulas) is None


@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=8))
def test_sums_match_python(numbers):
    text = " + ".join(f"({n})" if n < 0 else str(n) for n in numbers).replace("(-", "(0-")
    assert value(text) == sum(numbers)


@given(st.text(max_size=40))
def test_any_text_parses_or_fails_cleanly(text):
    try:
        tree = parse(text)
    except FormulaError:
        return
    assert isinstance(references(tree), set)
