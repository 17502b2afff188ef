"""Authenticate an API request: a Pinboard `auth_token`, or HTTP Basic credentials.

`auth_token=<username>:<app password>`, or Basic with the account password or an app password,
all through auth's throttled checks. A browser session is deliberately not enough: every
method, the writes included, is a GET, so honouring the session cookie would let any other site's
page add or delete a signed-in person's bookmarks.
"""

from dataclasses import dataclass

from django.http import HttpRequest

from kwippy.accounts.models import User
from kwippy.api.errors import ApiError
from kwippy.api.params import Params
from kwippy.auth.basic import parse_basic_authorization
from kwippy.auth.credentials import basic_auth_user, token_auth_user
from kwippy.auth.throttle import Throttled

REALM = "kwippy API"


@dataclass(frozen=True)
class Caller:
    user: User
    # The app password this request authenticated with; None for the account password.
    app_password: str | None


def _unauthorized() -> ApiError:
    return ApiError(
        "wrong or missing credentials",
        status=401,
        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
    )


def api_caller(request: HttpRequest, params: Params) -> Caller:
    """Return who is calling, or raise ApiError (401 for no or wrong credentials, 429 throttled)."""
    token = params.get("auth_token")
    try:
        if token:
            user = token_auth_user(request, token)
            if user is not None:
                return Caller(user, token.rpartition(":")[2])
        else:
            user = basic_auth_user(request)
            if user is not None:
                # auth's app password backend marks the users it authenticates so.
                secret = None
                if getattr(user, "app_password_id", None) is not None:
                    secret = parse_basic_authorization(request.headers["Authorization"]).password
                return Caller(user, secret)
    except Throttled as throttled:
        raise ApiError(
            "too many failed attempts",
            status=429,
            headers={"Retry-After": str(throttled.retry_after)},
        ) from None
    raise _unauthorized()
