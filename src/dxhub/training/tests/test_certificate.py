"""The certificate PDF, read back with pypdf: one A4 landscape page, Vietnamese text
intact, the identifier masked, fonts embedded, revoked papers marked."""

import datetime as dt
import io
import unicodedata
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from dxhub.training.certificate import certificate_pdf, masked, vn_date
from dxhub.training.models import Completion

URL = "https://dxhub.bqp/xac-thuc/{}/"


@pytest.fixture
def completion(training):
    return Completion.objects.create(
        person=training.person("Trần Quang Khải"),
        course=training.basic,
        completed_on=dt.date(2026, 10, 15),
        score=Decimal("8.5"),
        is_basic=True,
        source="class",
        issued_by=training.units["HVHC"],
    )


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, unicodedata.normalize("NFC", text)


def test_one_landscape_a4_page_with_the_person_and_code(completion):
    reader, text = read(certificate_pdf(completion, URL.format(completion.code)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 841.9) < 2 and abs(float(box.height) - 595.3) < 2
    flat = " ".join(text.split())
    assert "Trần Quang Khải" in flat
    assert "GIẤY CHỨNG NHẬN" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Bình dân học vụ số" in flat
    assert completion.code in flat
    assert "Học viện Hậu cần".upper() in flat
    assert "Thời lượng: 8 giờ" in flat
    assert "8,5" in flat
    assert "ngày 15 tháng 10 năm 2026" in flat
    assert "Bậc 2 — Cơ bản" in flat
    assert "ĐÃ THU HỒI" not in flat
    assert reader.metadata.title == f"Giấy chứng nhận {completion.code}"
    assert reader.metadata.author == "Học viện Hậu cần"


def test_identifier_is_masked(completion):
    identifier = completion.person.identifier
    _reader, text = read(certificate_pdf(completion, URL.format(completion.code)))
    flat = "".join(text.split())
    assert "********" + identifier[-4:] in flat
    assert identifier not in flat
    assert identifier[:8] not in flat


def test_fonts_are_embedded(completion):
    reader, _text = read(certificate_pdf(completion, URL.format(completion.code)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        if font["/Subtype"] == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_revoked_certificate_is_marked(completion):
    completion.revoked_at = timezone.now()
    completion.revoked_reason = "Cấp nhầm người"
    completion.save()
    reader, text = read(certificate_pdf(completion, URL.format(completion.code)))
    flat = " ".join(text.split())
    assert len(reader.pages) == 1
    assert "ĐÃ THU HỒI" in flat
    assert "Cấp nhầm người" in flat


def test_long_texts_still_fit_one_page(completion, training):
    person = completion.person
    person.full_name = "Tôn Thất Nguyễn Phúc Hoàng Trọng Bảo Quốc Khánh Minh"
    person.position = "Phó Chủ nhiệm Khoa Chỉ huy tham mưu hậu cần, kiêm Trưởng ban Chuyển đổi số " * 2
    person.save()
    course = completion.course
    course.title = "Bồi dưỡng kiến thức, kỹ năng số, an toàn thông tin và ứng dụng trí tuệ nhân tạo " * 3
    course.save()
    reader, _text = read(certificate_pdf(completion, URL.format(completion.code), place="Hà Nội"))
    assert len(reader.pages) == 1


def test_vietnamese_dates_and_masks():
    assert vn_date(dt.date(2026, 10, 15)) == "ngày 15 tháng 10 năm 2026"
    assert vn_date(dt.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert vn_date(dt.date(2026, 3, 1)) == "ngày 01 tháng 3 năm 2026"
    assert masked("201234561234") == "********1234"
