from django.contrib import admin
from django.urls import include, path

from kwippy.core.views import healthz

urlpatterns = [
    path("", include("kwippy.posts.urls")),
    path("", include("kwippy.accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("kwippy.auth.urls")),
    path("", include("kwippy.portability.urls")),
    path("", include("kwippy.pages.urls")),
    path("api/v1/", include("kwippy.api.urls")),
    path("", include("kwippy.feeds.urls")),
    path("settings/sessions/", include("kwippy.sessions.urls")),
]

# Outages (the session store, the database) answer 503 with Retry-After; anything else our 500.
handler500 = "kwippy.core.views.server_error"
