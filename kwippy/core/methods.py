"""Addresses that only a form's button may use: a GET gets a page that explains, not a blank 405."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string

# What the 405 page offers: a button's label for this request and the view's arguments, or None.
Offer = Callable[..., str | None]


def post_only(offer: Offer | None = None):
    """Let only POST reach the view, like Django's `require_POST`; answer any other method with
    the 405 page (`Allow: POST`), which says why and, when `offer` names one, shows the button
    that sends the POST (CSRF token included) to the same address."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                return view(request, *args, **kwargs)
            button = offer(request, *args, **kwargs) if offer else None
            page = render_to_string("405.html", {"button": button}, request=request)
            return HttpResponseNotAllowed(["POST"], content=page)

        return wrapped

    return decorator
