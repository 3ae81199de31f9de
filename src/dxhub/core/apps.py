from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dxhub.core"
    label = "core"
