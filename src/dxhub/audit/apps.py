from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dxhub.audit"
    label = "audit"
    verbose_name = "Nhật ký"
