import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache

from kwippy.core.health import health_report
from kwippy.sessions.exceptions import SessionStoreUnavailable
from kwippy.sessions.views import unavailable_response


@never_cache
def healthz(request):
    """Say whether the database, the object cache and the session store answer."""
    report = health_report()
    healthy = all(report.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if up else "down" for name, up in report.items()})
    return JsonResponse(body, status=200 if healthy else 503)


DATABASE_RETRY_AFTER_SECONDS = 5


def server_error(request):
    """Answer an outage with 503 and Retry-After, any other failure with our 500 page.

    A lost database connection or a session store that is down are moments to wait out, not
    errors in kwippy: clients and feed readers should come back shortly, and people should know
    that nothing was broken.
    """
    error = sys.exception()
    if isinstance(error, SessionStoreUnavailable):
        return unavailable_response(request)
    if isinstance(error, OperationalError | InterfaceError):
        # Rendered without the request: its context processors could reach for the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
