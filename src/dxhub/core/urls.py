from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sap-co/<slug:module>/", views.coming_soon, name="coming_soon"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("tac-vu/<int:pk>/", views.job_detail, name="job"),
    path("tac-vu/<int:pk>/tai-ve/", views.job_download, name="job_download"),
]
