from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("ca-nhan/", views.profile, name="profile"),
    path("ca-nhan/xac-thuc-hai-lop/", views.two_factor_page, name="two_factor"),
    path("ca-nhan/ma-truy-cap/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("quan-ly/", views.user_list, name="users"),
    path("quan-ly/<int:pk>/", views.user_detail, name="user"),
    path("vai-tro/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
]
