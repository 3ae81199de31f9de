from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("viec-cua-toi/", views.my_work, name="my_work"),
    path("cho-duyet/", views.review_queue, name="queue"),
    path("tien-do/", views.completeness_page, name="completeness"),
    path("phieu/mo/", views.start_submission, name="start"),
    path("excel/", views.excel_page, name="excel"),
    path("phieu/<int:pk>/", views.submission_page, name="submission"),
    path("phieu/<int:pk>/luu/", views.submission_save, name="save"),
    path("phieu/<int:pk>/<str:action>/", views.submission_decide, name="decide"),
    path("chi-tieu/", views.indicator_list, name="indicators"),
    path("chi-tieu/them/", views.indicator_edit, name="indicator_add"),
    path("chi-tieu/<str:code>/sua/", views.indicator_edit, name="indicator_edit"),
    path("chi-tieu/<str:code>/cong-thuc/", views.formula_add, name="formula_add"),
    path("bieu-mau/", views.form_list, name="forms"),
    path("bieu-mau/them/", views.form_edit, name="form_add"),
    path("bieu-mau/<str:code>/sua/", views.form_edit, name="form_edit"),
    path("bieu-mau/<str:code>/phien-ban/", views.form_version_add, name="form_version_add"),
    path("quy-tac/", views.rule_list, name="rules"),
    path("chi-tieu/<str:code>/", views.indicator_detail, name="indicator"),
    path("chi-tieu/<str:code>/so-lieu/", views.indicator_figures, name="figures"),
]
