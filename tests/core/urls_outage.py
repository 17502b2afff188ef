"""Views that fail the way outages do, behind the site's own handler500."""

from django.db import InterfaceError, OperationalError
from django.urls import path

from kwippy.core.outages import ServiceUnavailable


class SearchIndexUnavailable(ServiceUnavailable):
    """A service of a future app: its outage needs nothing but this class."""

    retry_after_seconds = 30


def database_down(request):
    raise OperationalError("connection refused")


def connection_lost(request):
    raise InterfaceError("connection already closed")


def search_index_down(request):
    raise SearchIndexUnavailable("search index unreachable")


def broken(request):
    raise ValueError("a bug")


urlpatterns = [
    path("database-down/", database_down),
    path("connection-lost/", connection_lost),
    path("search-index-down/", search_index_down),
    path("broken/", broken),
]
handler500 = "kwippy.core.views.server_error"
