"""A test-only URLconf: the site, plus Django's stock login and logout views and probe views."""

from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def whoami(request):
    return HttpResponse(request.user.username or "anonymous", content_type="text/plain")


def failing(request):
    """Read the session (who is signed in) and answer with the status asked for."""
    return HttpResponse(request.user.username, status=int(request.GET["status"]))


async def awhoami(request):
    user = await request.auser()
    return HttpResponse(user.username or "anonymous", content_type="text/plain")


def remember(request):
    request.session["remembered"] = request.GET.get("value", "yes")
    return HttpResponse("remembered", content_type="text/plain")


def logged_out_elsewhere(request):
    """Delete the request's session meanwhile, as a logout in another tab would, then change it."""
    request.session.get("anything")
    type(request.session)().delete(request.session.session_key)
    request.session["remembered"] = "too late"
    return HttpResponse("changed", content_type="text/plain")


async def aremember(request):
    await request.session.aset("remembered", request.GET.get("value", "yes"))
    return HttpResponse("remembered", content_type="text/plain")


urlpatterns = [
    # base.html stands in for a login template: these tests only POST to it.
    path("accounts/login/", LoginView.as_view(template_name="base.html"), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("whoami/", whoami),
    path("failing/", failing),
    path("awhoami/", awhoami),
    path("remember/", remember),
    path("aremember/", aremember),
    path("logged-out-elsewhere/", logged_out_elsewhere),
    *site_urlpatterns,
]

handler500 = "kwippy.core.views.server_error"
