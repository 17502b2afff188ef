"""View decorators that accept a browser session or HTTP Basic credentials (RFC 7617).

Feed readers and API clients cannot fill in a login form, but all of them send Basic credentials.
Django's `login_required` and `permission_required` redirect to the login page instead, so these
are ours: one private factory, two thin public wrappers, usable with or without parentheses on
function views, `as_view()` results and syndication `Feed` instances:

    @logged_in_or_basicauth
    def private_view(request): ...

    path("feeds/private/", logged_in_or_basicauth(realm="kwippy feeds")(PrivatePostsFeed()))

A Basic user is set on the request only: no `login()`, no session, no cookie, so a reader polling
every five minutes leaves nothing behind.
"""

import re
from collections.abc import Callable, Iterable
from functools import update_wrapper

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from kwippy.auth.credentials import basic_credentials_authenticate
from kwippy.auth.throttle import Throttled
from kwippy.core.responses import text_response

DEFAULT_REALM = "kwippy"
# A realm goes inside a quoted-string of a response header: printable ASCII only.
_REALM = re.compile(r"[\x20-\x7e]+")


def _challenge(realm: str) -> HttpResponse:
    response = text_response("Sign in with your username (or email) and password.", status=401)
    quoted = realm.replace("\\", "\\\\").replace('"', '\\"')
    response["WWW-Authenticate"] = f'Basic realm="{quoted}", charset="UTF-8"'
    return response


def _too_many_attempts(retry_after: int) -> HttpResponse:
    response = text_response("Too many failed sign-in attempts. Try again later.", status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _denied() -> HttpResponse:
    return text_response("You do not have permission to see this.", status=403)


def _copy_identity(wrapper: Callable, view: Callable) -> None:
    update_wrapper(wrapper, view)
    if not hasattr(view, "__name__"):
        # A Feed (or any callable object) has no name of its own: name the wrapper after its class.
        wrapper.__name__ = type(view).__name__
        wrapper.__qualname__ = type(view).__qualname__
        wrapper.__doc__ = type(view).__doc__


def _any_user(user) -> bool:
    return True


def _view_or_basicauth(test: Callable, realm: str) -> Callable:
    if not isinstance(realm, str) or not _REALM.fullmatch(realm):
        raise ValueError(f"a realm must be printable ASCII, got {realm!r}")

    def decorator(view: Callable) -> Callable:
        if iscoroutinefunction(view) or iscoroutinefunction(type(view).__call__):
            raise TypeError(f"{view!r} is asynchronous; these decorators guard synchronous views")

        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not (request.user.is_authenticated and test(request.user)):
                refusal = _authenticate_basic(request, test, realm)
                if refusal is not None:
                    patch_vary_headers(refusal, ["Authorization"])
                    return refusal
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Authorization"])
            # What an authenticated person sees is theirs alone: shared caches must not keep it.
            patch_cache_control(response, private=True)
            return response

        _copy_identity(wrapper, view)
        # Django's LoginRequiredMiddleware must let the request through: we authenticate here.
        wrapper.login_required = False
        return wrapper

    return decorator


def _authenticate_basic(request: HttpRequest, test: Callable, realm: str) -> HttpResponse | None:
    """Set request.user from the Basic credentials and return None, or return the refusal."""
    try:
        authenticated = basic_credentials_authenticate(request=request)
    except Throttled as throttled:
        return _too_many_attempts(throttled.retry_after)
    if authenticated is None:
        if request.user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META:
            # Signed in but lacking the permission: a password prompt would not help.
            return _denied()
        return _challenge(realm)
    user = authenticated.user
    if not test(user):
        return _denied()
    # This request only: no login(), so no session is created and no cookie is set.
    request.user = user

    async def auser():
        return user

    request.auser = auser
    return None


def logged_in_or_basicauth(realm: str | Callable = DEFAULT_REALM) -> Callable:
    """Let a signed-in session or valid Basic credentials through; challenge anyone else (401)."""
    if callable(realm):
        return _view_or_basicauth(_any_user, DEFAULT_REALM)(realm)
    return _view_or_basicauth(_any_user, realm)


def has_perm_or_basicauth(perm: str | Iterable[str], realm: str = DEFAULT_REALM) -> Callable:
    """Like logged_in_or_basicauth, and the user must also have `perm` (403 if they lack it)."""
    if callable(perm):
        raise TypeError("has_perm_or_basicauth needs a permission: @has_perm_or_basicauth('a.b')")
    perms = (perm,) if isinstance(perm, str) else tuple(perm)
    return _view_or_basicauth(lambda user: user.has_perms(perms), realm)
