from django.contrib.auth import views as django_auth_views
from django.urls import path

from kwippy.auth import views
from kwippy.auth.forms import PasswordResetForm

urlpatterns = [
    path("accounts/login/", views.Login.as_view(), name="login"),
    path("settings/app-passwords/", views.app_passwords, name="app_passwords"),
    path(
        "settings/app-passwords/<int:app_password_id>/revoke/",
        views.app_password_revoke,
        name="app_password_revoke",
    ),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/logout/", views.Logout.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        views.PasswordChange.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        django_auth_views.PasswordChangeDoneView.as_view(
            template_name="auth/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        django_auth_views.PasswordResetView.as_view(
            template_name="auth/password_reset.html",
            email_template_name="auth/password_reset_email.txt",
            subject_template_name="auth/password_reset_subject.txt",
            form_class=PasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        django_auth_views.PasswordResetDoneView.as_view(
            template_name="auth/password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        django_auth_views.PasswordResetCompleteView.as_view(
            template_name="auth/password_reset_done.html"
        ),
        name="password_reset_complete",
    ),
]
