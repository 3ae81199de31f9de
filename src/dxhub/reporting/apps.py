from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "dxhub.reporting"
    label = "reporting"
    verbose_name = "Báo cáo định kỳ"

    def ready(self):
        from dxhub.org.signals import unit_moved

        from . import rollups

        def follow_move(sender, unit, old_path, **kwargs):
            rollups.move_subtree(unit, old_path)

        unit_moved.connect(follow_move, dispatch_uid="reporting.rollups.move_subtree", weak=False)
