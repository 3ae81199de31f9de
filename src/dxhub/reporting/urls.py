from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("chi-tieu/", views.indicator_list, name="indicators"),
    path("chi-tieu/<str:code>/", views.indicator_detail, name="indicator"),
]
