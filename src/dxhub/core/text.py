"""Vietnamese text helpers: NFC normalisation and accent-folding for search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """Unicode NFC with collapsed whitespace: decomposed diacritics break fonts,
    search and uniqueness, so every text input goes through here."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """Lower-case, accent-free form used for search ("Học viện Hậu cần" -> "hoc vien hau can").

    đ/Đ is a separate letter in Unicode, not d plus a mark, so it is mapped by hand.
    """
    text = unicodedata.normalize("NFD", nfc(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.lower()


_NON_WORD = re.compile(r"[^0-9a-z]+")


def search_key(*parts) -> str:
    """The stored search column: folded words, each preceded by a space, so that
    ``contains(" " + term)`` matches the start of any word ("hung" finds "Hùng",
    not "Chung")."""
    return " " + _NON_WORD.sub(" ", fold(" ".join(str(p) for p in parts if p))).strip()


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search box, longest first (most selective first),
    each as the word-start pattern to look for in a ``search_key`` column."""
    words = {w for w in _NON_WORD.sub(" ", fold(query)).split(" ") if w}
    return [" " + w for w in sorted(words, key=len, reverse=True)]


def number(n: int) -> str:
    """An integer the Vietnamese way, for messages built in code: 5200 -> "5.200"."""
    return f"{n:,}".replace(",", ".")


def nfc_text(value: str | None) -> str:
    """NFC for multi-line text (notes, comments, text answers): line breaks kept,
    trailing spaces and surrounding blank lines dropped."""
    if value is None:
        return ""
    lines = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()
