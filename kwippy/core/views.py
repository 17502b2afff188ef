from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from kwippy.core.health import health_report


@never_cache
def healthz(request):
    """Say whether the database, the object cache and the session store answer."""
    report = health_report()
    healthy = all(report.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if up else "down" for name, up in report.items()})
    return JsonResponse(body, status=200 if healthy else 503)
