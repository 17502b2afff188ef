from django.urls import path

from kwippy.sessions import views

app_name = "kwippy_sessions"

urlpatterns = [
    path("", views.session_list_view, name="list"),
    path("sign-out-others/", views.session_end_others_view, name="end_others"),
    path("<str:session_id>/sign-out/", views.session_end_view, name="end"),
]
