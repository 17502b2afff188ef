from django.contrib import admin
from django.urls import include, path

from kwippy.core.views import healthz

urlpatterns = [
    path("", include("kwippy.posts.urls")),
    path("", include("kwippy.accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("kwippy.httpauth.urls")),
    path("", include("kwippy.portability.urls")),
    path("api/v1/", include("kwippy.api.urls")),
    path("", include("kwippy.feeds.urls")),
    path("settings/sessions/", include("kwippy.sessions.urls")),
]

# A session store outage met outside a view (in a middleware) answers 503, not 500.
handler500 = "kwippy.sessions.views.server_error"
