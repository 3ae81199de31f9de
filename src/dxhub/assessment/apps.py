from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "dxhub.assessment"
    label = "assessment"
    verbose_name = "Đánh giá, xếp hạng chuyển đổi số"
