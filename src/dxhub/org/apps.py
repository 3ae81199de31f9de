from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "dxhub.org"
    label = "org"
    verbose_name = "Tổ chức"
