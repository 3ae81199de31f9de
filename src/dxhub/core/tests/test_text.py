from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation

from dxhub.core.text import fold, nfc, number, search_key, search_terms


def test_nfc_and_fold():
    decomposed = "Ho\u0323c vie\u0323\u0302n Ha\u0323\u0302u ca\u0302\u0300n"  # typed with combining marks
    assert nfc(decomposed) == "Học viện Hậu cần"
    assert fold("  Đặng   Quốc HÙNG ") == "dang quoc hung"


def test_search_key_matches_word_starts():
    key = search_key("Nguyễn Văn Hưng", "HVHC-CNTT")
    assert key == " nguyen van hung hvhc cntt"
    assert all(t in key for t in search_terms("hung van"))
    assert " chung" not in search_key("Nguyễn Văn Hưng")


def test_numbers_the_vietnamese_way():
    assert number(5200) == "5.200" and number(500000) == "500.000"
    with translation.override("vi"):
        assert intcomma(5200) == "5.200"
        assert Template("{{ x }}").render(Context({"x": 0.833})) == "0,833"
