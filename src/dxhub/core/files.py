"""Uploaded evidence files: the one check of type, size and content, and safe names.

Assessment evidence and plan progress files (and any later module) go through here,
so a renamed executable or an oversized scan is refused the same way everywhere.
"""

import hashlib
import re
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError
from .text import fold

EVIDENCE_TYPES = {  # extension -> how the file must start
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
LINK = re.compile(r"^https?://[^\s]+$")


def evidence_bytes(upload) -> bytes:
    """The upload's content, refused unless its extension is an accepted type, its
    first bytes match that type, and it is not empty nor above the upload limit."""
    limit = settings.DXHUB_MAX_UPLOAD_BYTES
    if getattr(upload, "size", 0) and upload.size > limit:
        raise DomainError(_("Tệp minh chứng quá lớn; giới hạn là %(limit)s MB.") % {"limit": limit // 1048576})
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        raise DomainError(
            _("Loại tệp %(suffix)s không được nhận; chỉ nhận %(allowed)s.")
            % {"suffix": suffix or "?", "allowed": ", ".join(sorted(EVIDENCE_TYPES))}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("Tệp minh chứng quá lớn; giới hạn là %(limit)s MB.") % {"limit": limit // 1048576})
    if not data:
        raise DomainError(_("Tệp minh chứng rỗng."))
    if not data.startswith(EVIDENCE_TYPES[suffix]):
        raise DomainError(_("Nội dung tệp không đúng loại %(suffix)s.") % {"suffix": suffix})
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_name(name: str, default: str = "minh-chung") -> str:
    """An ASCII file name for storage (the shown title keeps the Vietnamese)."""
    path = PurePath(name or default)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", fold(path.stem)).strip("-") or default
    return f"{stem[:80]}{path.suffix.lower()}"


def check_link(link: str) -> str:
    link = (link or "").strip()
    if link and not LINK.match(link):
        raise DomainError(_("Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://."))
    return link
