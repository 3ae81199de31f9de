from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dxhub.plans"
    label = "plans"
    verbose_name = "Kế hoạch, nhiệm vụ, chỉ tiêu"

    def ready(self):
        from dxhub.reporting.signals import figures_changed

        from . import targets

        figures_changed.connect(targets.on_figures_changed, dispatch_uid="plans.targets")
