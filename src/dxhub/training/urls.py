from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("don-vi/<int:pk>/", views.unit_dashboard, name="unit"),
    path("khao-sat/", views.surveys, name="surveys"),
    path("khao-sat/moi/", views.survey_new, name="survey_new"),
    path("khao-sat/<int:pk>/", views.survey_detail, name="survey"),
    path("khao-sat/<int:pk>/phieu/", views.survey_answer, name="survey_answer"),
    path("khao-sat/<int:pk>/nhap-excel/", views.survey_import, name="survey_import"),
    path("khao-sat/<int:pk>/can-boi-duong/", views.survey_needs, name="survey_needs"),
    path("khao-sat/<int:pk>/ket-thuc/", views.survey_close, name="survey_close"),
    path("khoa-hoc/", views.courses, name="courses"),
    path("khoa-hoc/moi/", views.course_new, name="course_new"),
    path("lop/", views.classes, name="classes"),
    path("lop/moi/", views.class_new, name="class_new"),
    path("lop/<int:pk>/", views.class_detail, name="class"),
    path("ket-qua/nhap-excel/", views.completions_import, name="completions_import"),
    path("quan-nhan/<int:pk>/", views.passport, name="passport"),
    path("ho-so-cua-toi/", views.my_passport, name="my_passport"),
    path("chung-nhan/<int:pk>/", views.certificate, name="certificate"),
    path("chung-nhan/<int:pk>/thu-hoi/", views.certificate_revoke, name="certificate_revoke"),
    path("khung-nang-luc/", views.frameworks, name="frameworks"),
    path("nhom/moi/", views.group_edit, name="group_new"),
    path("nhom/<int:pk>/", views.group_edit, name="group_edit"),
    path("khao-sat/<int:pk>/xep-lai/", views.survey_reclassify, name="survey_reclassify"),
]
