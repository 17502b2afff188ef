from django.urls import path

from kwippy.pages import views

app_name = "pages"
urlpatterns = [
    path("url/<str:public_id>/copy/", views.link_copy, name="copy"),
    path("url/<str:public_id>/copy/delete/", views.link_copy_delete, name="copy_delete"),
    path("settings/pages/", views.page_preference, name="preference"),
    path("pages/title/", views.title_preview, name="title_preview"),
]
