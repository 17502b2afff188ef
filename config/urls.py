from django.contrib import admin
from django.urls import include, path

from kwippy.core.views import healthz
from kwippy.posts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("settings/sessions/", include("kwippy.sessions.urls")),
]

# A session store outage met outside a view (in a middleware) answers 503, not 500.
handler500 = "kwippy.sessions.views.server_error"
