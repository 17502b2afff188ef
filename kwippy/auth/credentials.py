"""Authenticate one request from the credentials it carries: HTTP Basic, or a Pinboard token.

Both go through the one throttle (see throttle.py) and through `authenticate()`. Neither signs
anybody in: the caller sets `request.user` for this request only.
"""

from django.contrib.auth import authenticate
from django.http import HttpRequest

from kwippy.accounts.models import User
from kwippy.auth.basic import parse_basic_authorization
from kwippy.auth.throttle import password_check_throttled


def _throttled_authenticate(request: HttpRequest, identifier: str, **secrets) -> User | None:
    return password_check_throttled(
        request=request,
        identifier=identifier,
        check=lambda: authenticate(request, username=identifier, **secrets),
    )


def basic_auth_user(request: HttpRequest) -> User | None:
    """Return the user the request's Basic credentials (account or app password) identify.

    Return None when there are no usable credentials or they are wrong; raise Throttled when this
    client has failed too often for this identifier.
    """
    credentials = parse_basic_authorization(request.headers.get("Authorization"))
    if credentials is None:
        return None
    return _throttled_authenticate(
        request,
        credentials.user_id,
        password=credentials.password,
        app_password=credentials.password,
        # A client sends the same credentials with every request: worth remembering a success.
        remember=True,
    )


def token_auth_user(request: HttpRequest, auth_token: str) -> User | None:
    """Return the user a Pinboard `auth_token` (`<username>:<app password>`) identifies.

    Only app passwords are tokens, never the account password. Return None for a malformed or
    wrong token; raise Throttled like basic_auth_user.
    """
    identifier, colon, token = auth_token.rpartition(":")
    if not colon or not identifier or not token:
        return None
    return _throttled_authenticate(request, identifier, app_password=token)
