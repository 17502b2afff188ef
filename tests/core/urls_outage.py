"""Views that fail the way outages do, behind the site's own handler500."""

from django.db import InterfaceError, OperationalError
from django.urls import path


def database_down(request):
    raise OperationalError("connection refused")


def connection_lost(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise ValueError("a bug")


urlpatterns = [
    path("database-down/", database_down),
    path("connection-lost/", connection_lost),
    path("broken/", broken),
]
handler500 = "kwippy.core.views.server_error"
