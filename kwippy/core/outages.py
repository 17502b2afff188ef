"""Outages: a service kwippy needs is down for a moment, and the answer is 503 with Retry-After.

An outage is not an error in kwippy: clients and feed readers should come back shortly, and people
should know that nothing was broken. Every outage path raises a `ServiceUnavailable` (the session
store's `SessionStoreUnavailable`, the database's `DatabaseUnavailable`), and `outage_response`
is the one place that turns one into the answer.
"""

from django.http import HttpResponse
from django.template import loader


class ServiceUnavailable(Exception):
    """A service kwippy depends on is unreachable, hung or failing."""

    template_name = "503.html"
    retry_after_seconds = 5
    # A page that may reach for the failing service in its context processors renders without
    # the request.
    render_with_request = False


class DatabaseUnavailable(ServiceUnavailable):
    """The database cannot be reached (a lost or refused connection)."""


def outage_response(request, outage: ServiceUnavailable) -> HttpResponse:
    """Return the 503 page of `outage`, with `Retry-After` and no caching."""
    response = HttpResponse(
        loader.render_to_string(
            outage.template_name, request=request if outage.render_with_request else None
        ),
        status=503,
    )
    response["Retry-After"] = str(outage.retry_after_seconds)
    response["Cache-Control"] = "no-store"
    return response
