from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.scoping import ScopedQuerySet


class AuditQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class AuditEvent(models.Model):
    """One change to data that matters, append-only and chained by hash.

    ``hash`` = SHA-256 over the canonical JSON of the record and the previous
    record's hash, so editing or deleting any record breaks the chain from
    there on (``manage.py verify_audit``).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xóa")
        MOVE = "move", _("Chuyển đơn vị")
        IMPORT = "import", _("Nhập từ tệp")
        EXPORT = "export", _("Xuất dữ liệu")
        LOGIN = "login", _("Đăng nhập")
        SECURITY = "security", _("An ninh tài khoản")
        SUBMIT = "submit", _("Gửi duyệt")
        APPROVE = "approve", _("Phê duyệt")
        RETURN = "return", _("Trả lại")
        REOPEN = "reopen", _("Mở lại")
        REVIEW = "review", _("Thẩm định")
        PUBLISH = "publish", _("Công bố")
        CORRECT = "correct", _("Điều chỉnh")
        ASSIGN = "assign", _("Giao nhiệm vụ, chỉ tiêu")

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150)
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        indexes = [models.Index(fields=["unit", "seq"]), models.Index(fields=["user", "seq"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def object_type_label(self) -> str:
        """The kind of object in Vietnamese ("đơn vị", "quân nhân"), for pages."""
        from django.apps import apps

        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


class AuditHead(models.Model):
    """The single row that serialises appends to the chain (locked FOR UPDATE)."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"audit head #{self.last_seq}"
