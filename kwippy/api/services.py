"""The app passwords the API hands out: user/api_token's token and user/secret's feed secret.

An app password's secret is shown once and only its hash is kept, but Pinboard's clients ask for
the token again whenever they like (typically right after signing in with the account password),
and two clients asking must get the same one. So each of these two app passwords has a reserved
name, and its secret is derived from SECRET_KEY, the person and the moment it was made: it can be
derived again, is never stored, and changes when the person revokes it (the next one is made at
another moment). A row under a reserved name whose hash matches no derivation (made by hand, or
under a SECRET_KEY since dropped) cannot be shown again, so it is replaced.
"""

import base64
from datetime import UTC

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kwippy.accounts.models import User
from kwippy.auth.models import AppPassword
from kwippy.auth.services import (
    APP_PASSWORD_PREFIX,
    MAX_APP_PASSWORDS,
    AppPasswordError,
    app_password_digest,
)

API_TOKEN_NAME = "Pinboard API token"
FEED_SECRET_NAME = "Pinboard feed secret"


def _derived_secret(app_password: AppPassword, key: str) -> str:
    made = app_password.created.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    mac = salted_hmac(
        f"kwippy.api.derived-app-password:{app_password.name}",
        f"{app_password.user_id}:{made}",
        secret=key,
        algorithm="sha256",
    ).digest()
    return APP_PASSWORD_PREFIX + base64.b32encode(mac[:20]).decode().lower()


def _secret_of(app_password: AppPassword) -> str | None:
    for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        secret = _derived_secret(app_password, key)
        if app_password_digest(secret) == app_password.digest:
            return secret
    return None


def app_password_derived_secret(*, user: User, name: str) -> str:
    """Return the secret of the person's app password `name`, making it on first use.

    Raise AppPasswordError when it must be made and the person has too many already.
    """
    for _ in range(2):
        existing = AppPassword.objects.filter(user=user, name=name).first()
        if existing is not None:
            secret = _secret_of(existing)
            if secret is not None:
                return secret
            existing.delete()
        elif user.app_passwords.count() >= MAX_APP_PASSWORDS:
            raise AppPasswordError(f"{MAX_APP_PASSWORDS} app passwords already")
        app_password = AppPassword(user=user, name=name, created=timezone.now())
        secret = _derived_secret(app_password, settings.SECRET_KEY)
        app_password.digest = app_password_digest(secret)
        try:
            with transaction.atomic():
                app_password.save()
        except IntegrityError:
            # Another request made it a moment ago: read theirs.
            continue
        return secret
    raise AppPasswordError("could not make the app password")
