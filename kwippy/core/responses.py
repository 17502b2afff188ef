"""Small answers shared by every app's views: a 400 page, plain text for clients that are not
browsers, and where `next` may send people."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme


def bad_request(request, message: str) -> HttpResponse:
    """Return a 400 page that says what was wrong with the address."""
    return HttpResponse(
        render_to_string("400.html", {"message": message}, request=request), status=400
    )


def text_response(message: str, *, status: int) -> HttpResponse:
    """Return `message` and a newline as plain text: for feed readers and scripts to show as is."""
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def safe_next(request, fallback: str) -> str:
    """Return the `next` parameter if it is a path on this site, else `fallback`: no open redirect.

    Only a path ("/u/alice/?before=…") is taken, never a whole address, even one of this site's:
    `//host`, `/\\host` and `javascript:` are addresses elsewhere, and a control character would
    make the redirect's Location header fail.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return target
    return fallback
