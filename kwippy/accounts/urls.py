from django.urls import path

from kwippy.accounts import views

urlpatterns = [
    path("u/<str:username>/follow/", views.follow, name="follow"),
    path("u/<str:username>/unfollow/", views.unfollow, name="unfollow"),
    path("settings/", views.settings_page, name="settings"),
]
