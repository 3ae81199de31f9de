from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("bo-tieu-chi/", views.framework_list, name="frameworks"),
    path("bo-tieu-chi/<int:pk>/", views.framework_detail, name="framework"),
    path("tham-dinh/", views.review_queue, name="queue"),
    path("ky/moi/", views.round_new, name="round_new"),
    path("ky/<int:pk>/", views.round_detail, name="round"),
    path("ky/<int:pk>/chuyen-giai-doan/", views.round_advance, name="advance"),
    path("ky/<int:pk>/xep-hang/", views.ranking, name="ranking"),
    path("ky/<int:pk>/don-vi/<str:code>/", views.unit_page, name="unit"),
    path("ky/<int:pk>/don-vi/<str:code>/gia-dinh/", views.whatif, name="whatif"),
    path("minh-chung/<int:pk>/tai-ve/", views.evidence_file, name="evidence_file"),
    path("minh-chung/<int:pk>/xoa/", views.evidence_delete, name="evidence_delete"),
]
