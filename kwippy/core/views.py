import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache

from kwippy.core.health import health_report, workers_ok
from kwippy.core.outages import DatabaseUnavailable, ServiceUnavailable, outage_response


@never_cache
def healthz(request):
    """Say whether the database, the object cache and the session store answer, and the workers.

    Status and code speak for pages. With every worker down pages still work (jobs wait in the
    queue until one returns), so `"workers": "down"` comes with `"status": "ok"` and 200.
    """
    report = health_report()
    healthy = all(report.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if up else "down" for name, up in report.items()})
    body["workers"] = "ok" if workers_ok() else "down"
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """Answer an outage with 503 and Retry-After, any other failure with our 500 page."""
    error = sys.exception()
    if isinstance(error, OperationalError | InterfaceError):
        error = DatabaseUnavailable(str(error))
    if isinstance(error, ServiceUnavailable):
        return outage_response(request, error)
    return defaults.server_error(request)
