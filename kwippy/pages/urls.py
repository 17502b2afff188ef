from django.urls import path

from kwippy.pages import views

urlpatterns = [
    path("pages/title/", views.title_preview, name="page_title_preview"),
]
