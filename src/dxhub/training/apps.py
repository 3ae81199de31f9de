from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dxhub.training"
    label = "training"
    verbose_name = "Bình dân học vụ số"

    def ready(self):
        from dxhub.reporting import sources

        from . import coverage

        sources.register(coverage.BASIC_TRAINED, coverage.LABEL_TRAINED, coverage.trained_for_report)
        sources.register(coverage.BASIC_COVERAGE, coverage.LABEL_COVERAGE, coverage.coverage_for_report)
