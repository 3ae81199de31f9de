from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree_page, name="tree"),
    path("cay/<int:pk>/", views.tree_children, name="tree_children"),
    path("tim-kiem/", views.unit_search, name="search"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit"),
    path("don-vi/<int:parent_pk>/them/", views.unit_create, name="unit_create"),
    path("don-vi/<int:pk>/sua/", views.unit_edit, name="unit_edit"),
    path("don-vi/<int:pk>/chuyen/", views.unit_move, name="unit_move"),
    path("don-vi/<int:pk>/giai-the/", views.unit_dissolve, name="unit_dissolve"),
    path("don-vi/<int:pk>/xoa/", views.unit_delete, name="unit_delete"),
    path("don-vi/<int:pk>/xuat.xlsx", views.units_export, name="units_export"),
    path("don-vi/<int:pk>/nhap/", views.units_import, name="units_import"),
    path("quan-so/", views.people_list, name="people"),
    path("quan-so/xuat.<str:fmt>", views.people_export, name="people_export"),
    path("quan-so/nhap/", views.people_import, name="people_import"),
    path("quan-so/mau-nhap.xlsx", views.people_template, name="people_template"),
    path("quan-so/them/", views.person_create, name="person_create"),
    path("quan-so/<int:pk>/", views.person_detail, name="person"),
    path("quan-so/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("quan-so/<int:pk>/xoa/", views.person_delete, name="person_delete"),
]
