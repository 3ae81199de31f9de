"""The certificate (giấy chứng nhận) of a ``Completion``: one A4 landscape PDF page.

Whoever passes a course of the "Bình dân học vụ số" movement, in a class here or on
another platform, holds this paper. Nobody signs it: it is proved by its verification
code, printed large, and by a QR code of the public verification page (``verify_url``)
that tells whether the record exists and is still valid. A revoked completion still
prints, under a red "ĐÃ THU HỒI" and the reason, so an old copy cannot pass for a good one.

WeasyPrint draws ``training/certificate.html`` with the machine's fonts (the stack ends
on DejaVu Serif, which has every Vietnamese glyph) and may open ``data:`` URIs only:
nothing is fetched from outside, the networks it runs on are air-gapped.
"""

import datetime as dt
from decimal import Decimal

import segno
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

SCALES = (1.0, 0.88, 0.76)  # font scales tried in turn until everything fits on one page


def vn_date(day: dt.date) -> str:
    """ "ngày 05 tháng 02 năm 2026": a zero before days 1-9 and months 1-2 (Nghị định 30/2020)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def masked(identifier: str) -> str:
    return "*" * (len(identifier) - 4) + identifier[-4:]


def _number(value: Decimal) -> str:
    """Vietnamese decimal comma, no ",0" on whole numbers: "8", "1,5", "8,5"."""
    return formats.number_format(value, decimal_pos=0 if value == value.to_integral_value() else 1, use_l10n=True)


def _unit_label(unit) -> str:
    """The unit and its parent, unless the parent is the ministry at the root."""
    parent = unit.parent
    return f"{unit.name}, {parent.name}" if parent and parent.depth > 1 else unit.name


def _context(completion, verify_url: str, place: str) -> dict:
    person, course, unit = completion.person, completion.course, completion.issued_by
    level = course.framework.levels.filter(step=course.reached_step).first()
    issued = timezone.localdate(completion.recorded_at) if completion.recorded_at else completion.completed_on
    revoked = timezone.localdate(completion.revoked_at) if completion.revoked_at else None
    return {
        "c": completion,
        "person": person,
        "course": course,
        "unit": unit,
        "parent": unit.parent,
        "rank": person.get_rank_display() if person.rank else "",
        "person_unit": _unit_label(person.unit),
        "identifier": masked(person.identifier),
        "hours": _number(course.hours),
        "level": f"{level.step} — {level.band}" if level else str(course.reached_step),
        "score": _number(completion.score) if completion.score is not None else "",
        "completed": vn_date(completion.completed_on),
        "place_date": f"{place}, {vn_date(issued)}" if place else vn_date(issued).capitalize(),
        "revoked": vn_date(revoked) if revoked else "",
        "verify_url": verify_url,
        "qr": segno.make_qr(verify_url, error="m").svg_data_uri(scale=4),
    }


def certificate_pdf(completion, verify_url: str, *, place: str = "") -> bytes:
    """The PDF of ``completion``; ``verify_url`` is the absolute address of its public
    verification page, ``place`` the town of the place/date line ("Hà Nội")."""
    with translation.override("vi"):
        context = _context(completion, verify_url, place)
        for scale in SCALES:  # a long name, course or unit must not spill onto a second page
            html = render_to_string("training/certificate.html", {**context, "font_size": f"{13 * scale:.2f}pt"})
            document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).render()
            if len(document.pages) == 1:
                break
        return document.write_pdf()
