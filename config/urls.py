from django.contrib import admin
from django.urls import include, path

from kwippy.core.views import healthz
from kwippy.posts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("kwippy.portability.urls")),
]
