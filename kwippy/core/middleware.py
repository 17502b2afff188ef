"""kwippy's own middleware: NUL characters, the client's address behind proxies, replica reads."""

import contextlib
import ipaddress

from django.conf import settings
from django.core.exceptions import BadRequest

from kwippy.core import routers

API_PREFIX = "/api/"


def refuse_null_characters(get_response):
    """Refuse requests whose address carries a NUL character, before any view sees them.

    PostgreSQL text cannot hold NUL. Django's form fields refuse it already, but path and query
    arguments (a tag, a username, a search, a cursor) reach queries without a form, where a NUL
    turns into a database error and a 500. One check here answers all of them with a 400. The
    Pinboard API is left to itself: it checks its own arguments and must answer in Pinboard's
    error shape.
    """

    def middleware(request):
        if request.path.startswith(API_PREFIX):
            return get_response(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("The address contains a NUL character.")
        return get_response(request)

    return middleware


def client_address_from_proxies(get_response):
    """Set REMOTE_ADDR to the client's address as recorded by the trusted proxies in front.

    Installed only when TRUSTED_PROXY_COUNT is above 0. Behind a proxy, REMOTE_ADDR is the proxy's
    own address, so the sign-in throttle would count every client as one and the sessions page
    would show one address for all. Each proxy appends the address it saw to X-Forwarded-For; the
    entries a client sent come first and are not to be believed, so the client is the entry
    TRUSTED_PROXY_COUNT from the end, the one our outermost proxy wrote. Django dropped its own
    middleware for this because that count belongs to each deployment; here it is a setting. A
    header too short or an entry that is not an IP address leaves REMOTE_ADDR as it was.
    """
    count = settings.TRUSTED_PROXY_COUNT

    def middleware(request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= count:
            candidate = forwarded[-count].strip()
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(candidate))
        return get_response(request)

    return middleware


PRIMARY_COOKIE = "kwippy_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def reads_from_replicas(get_response):
    """Serve a request's reads from a replica, unless it writes or its browser wrote a moment ago.

    Installed only when DATABASE_REPLICA_URLS names replicas (see kwippy/core/routers.py). A request
    that wrote sets a short cookie, so the pages that follow it (the redirect after a POST, the
    next click) read the primary for KWIPPY_PRIMARY_PIN_SECONDS, the replica lag we allow for. A
    cookie rather than the session: anonymous writers (sign-up) have none, and it costs no store
    round trip. Unsafe methods read the primary throughout: a form's checks (a free username, a URL
    not saved yet) must see what its write will meet.
    """

    def middleware(request):
        pinned = request.method not in SAFE_METHODS or PRIMARY_COOKIE in request.COOKIES
        with routers.reads_from_replicas(pinned=pinned) as reads:
            response = get_response(request)
        if reads.wrote:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=settings.KWIPPY_PRIMARY_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware
