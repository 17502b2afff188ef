"""Authenticate an API request: a Pinboard `auth_token`, or HTTP Basic credentials.

`auth_token=<username>:<app password>`, or Basic with the account password or an app password,
all through auth's throttled checks. A browser session is deliberately not enough: every
method, the writes included, is a GET, so honouring the session cookie would let any other site's
page add or delete a signed-in person's bookmarks.
"""

from django.http import HttpRequest

from kwippy.api.errors import ApiError
from kwippy.api.params import Params
from kwippy.auth.credentials import (
    Authenticated,
    auth_token_authenticate,
    basic_credentials_authenticate,
)
from kwippy.auth.throttle import Throttled

REALM = "kwippy API"


def _unauthorized() -> ApiError:
    return ApiError(
        "wrong or missing credentials",
        status=401,
        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
    )


def api_caller(request: HttpRequest, params: Params) -> Authenticated:
    """Return who is calling, or raise ApiError (401 for no or wrong credentials, 429 throttled)."""
    token = params.get("auth_token")
    try:
        if token:
            caller = auth_token_authenticate(request=request, auth_token=token)
        else:
            caller = basic_credentials_authenticate(request=request)
    except Throttled as throttled:
        raise ApiError(
            "too many failed attempts",
            status=429,
            headers={"Retry-After": str(throttled.retry_after)},
        ) from None
    if caller is None:
        raise _unauthorized()
    return caller
