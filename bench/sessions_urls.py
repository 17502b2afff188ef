"""The benchmark's URLs: a minimal signed-in page, and the site (its home page)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def minimal(request):
    """Greet the signed-in person: the session and the user lookup, and nothing else."""
    user = getattr(request, "user", None)
    name = user.username if user is not None and user.is_authenticated else "nobody"
    return HttpResponse(f"hello {name}\n", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *site_urlpatterns]
