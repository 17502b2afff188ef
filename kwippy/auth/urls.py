from django.urls import path

from kwippy.auth import views

urlpatterns = [
    path("accounts/login/", views.Login.as_view(), name="login"),
    path("settings/app-passwords/", views.app_passwords, name="app_passwords"),
    path(
        "settings/app-passwords/<int:app_password_id>/revoke/",
        views.app_password_revoke,
        name="app_password_revoke",
    ),
]
