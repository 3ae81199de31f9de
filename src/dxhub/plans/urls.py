from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.index, name="index"),
    path("moi/", views.plan_new, name="plan_new"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/nhiem-vu/moi/", views.task_new, name="task_new"),
    path("<int:pk>/nhap-excel/", views.task_import, name="task_import"),
    path("<int:pk>/chi-tieu/moi/", views.target_new, name="target_new"),
    path("<int:pk>/lo-trinh/", views.roadmap, name="roadmap"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task"),
    path("giao/<int:pk>/", views.assignment_detail, name="assignment"),
    path("tep/<int:pk>/", views.update_file, name="file"),
    path("chi-tieu/<int:pk>/", views.share_detail, name="share"),
    path("viec-cua-don-vi/", views.my_tasks, name="my_tasks"),
    path("canh-bao/", views.alerts, name="alerts"),
    path("ban-do-nhiet/", views.heatmap, name="heatmap"),
    path("so-ket/", views.review, name="review"),
]
