"""The personnel identifier (mã định danh quân nhân): 12 digits, YY + serial + check.

Format (see docs/personnel-identifier.md):
  digits 1-2   the last two digits of the year the person entered service
  digits 3-11  a nine-digit serial, unique within that year
  digit 12     Damm check digit over digits 1-11

The Damm algorithm catches every single-digit error and every transposition of
adjacent digits, the two mistakes people make when copying a number by hand.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
LENGTH = 12
_FORMAT = re.compile(r"^[0-9]{12}$", re.ASCII)
_SEPARATORS = re.compile(r"[\s.\-]")


def check_digit(body: str) -> str:
    interim = 0
    for ch in body:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def make(entry_year: int, serial: int) -> str:
    if not 0 <= serial < 10**9:
        raise ValueError("serial out of range")
    body = f"{entry_year % 100:02d}{serial:09d}"
    return body + check_digit(body)


def normalise(raw) -> str:
    """Strip the separators people type ("25-000012345-6", "25 000 012 345 6").

    A spreadsheet may hold the identifier as a number, which drops leading zeros:
    numbers are padded back to twelve digits.
    """
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return f"{raw:0{LENGTH}d}"
    # NFKC turns full-width and other compatibility digits into ASCII, so "２５…" cannot
    # pass as a second identity beside "25…".
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or ""))).strip()


def problem(value: str) -> str | None:
    """None when ``value`` (already normalised) is a valid identifier, else a Vietnamese reason."""
    if not _FORMAT.match(value):
        return _("mã định danh phải gồm đúng %(length)s chữ số") % {"length": LENGTH}
    if check_digit(value[:-1]) != value[-1]:
        return _("sai chữ số kiểm tra (chữ số cuối)")
    return None


def is_valid(value: str) -> bool:
    return problem(value) is None


def display(value: str) -> str:
    """Grouped for reading aloud: 25-000012345-6."""
    return f"{value[:2]}-{value[2:11]}-{value[11:]}" if len(value) == LENGTH else value
