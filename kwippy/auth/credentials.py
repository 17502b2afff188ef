"""Authenticate one request from the credentials it carries: HTTP Basic, or a Pinboard token.

Both go through the one throttle (see throttle.py) and through `authenticate()`. Neither signs
anybody in: the caller sets `request.user` for this request only.
"""

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.http import HttpRequest

from kwippy.accounts.models import User
from kwippy.auth.backends import AppPasswordBackend
from kwippy.auth.basic import parse_basic_authorization
from kwippy.auth.throttle import password_check_throttled

# authenticate() marks the user it returns with the dotted path of the backend that accepted.
_APP_PASSWORD_BACKEND = f"{AppPasswordBackend.__module__}.{AppPasswordBackend.__qualname__}"


@dataclass(frozen=True)
class Authenticated:
    """Who a request's credentials name, and the app password they used.

    `app_password` is the secret the request sent when it was an app password, None when it was
    the account password.
    """

    user: User
    app_password: str | None


def _throttled_authenticate(request: HttpRequest, identifier: str, **secrets) -> User | None:
    return password_check_throttled(
        request=request,
        identifier=identifier,
        check=lambda: authenticate(request, username=identifier, **secrets),
    )


def basic_credentials_authenticate(*, request: HttpRequest) -> Authenticated | None:
    """Return who the request's Basic credentials (account or app password) identify.

    Return None when there are no usable credentials or they are wrong; raise Throttled when this
    client has failed too often for this identifier.
    """
    credentials = parse_basic_authorization(request.headers.get("Authorization"))
    if credentials is None:
        return None
    user = _throttled_authenticate(
        request,
        credentials.user_id,
        password=credentials.password,
        app_password=credentials.password,
        # A client sends the same credentials with every request: worth remembering a success.
        remember=True,
    )
    if user is None:
        return None
    by_app_password = user.backend == _APP_PASSWORD_BACKEND
    return Authenticated(user, credentials.password if by_app_password else None)


def auth_token_authenticate(*, request: HttpRequest, auth_token: str) -> Authenticated | None:
    """Return who a Pinboard `auth_token` (`<username>:<app password>`) identifies.

    Only app passwords are tokens, never the account password. Return None for a malformed or
    wrong token; raise Throttled like basic_credentials_authenticate.
    """
    identifier, colon, token = auth_token.rpartition(":")
    if not colon or not identifier or not token:
        return None
    user = _throttled_authenticate(request, identifier, app_password=token)
    if user is None:
        return None
    return Authenticated(user, token)
