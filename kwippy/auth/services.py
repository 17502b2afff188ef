"""Writes of app passwords: create one (returning its secret, once), revoke one or all."""

import base64
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from kwippy.accounts.models import User
from kwippy.auth.models import AppPassword

APP_PASSWORD_PREFIX = "kwp_"
# 20 random bytes are 160 bits, 32 characters of lowercase base32: easy to paste, easy to type.
APP_PASSWORD_SHAPE = re.compile(r"kwp_[a-z2-7]{32}")
MAX_APP_PASSWORDS = 50
# A feed reader polls every few minutes; writing "last used" more often than this is wasted work.
LAST_USED_PRECISION = timedelta(minutes=1)


class AppPasswordError(Exception):
    """An app password cannot be created; the message says why, for the person."""


def app_password_digest(secret: str) -> str:
    """Return the stored hash of an app password's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def app_password_create(*, user: User, name: str) -> tuple[AppPassword, str]:
    """Create a named app password for a person; return it and its secret (shown only once)."""
    name = name.strip()
    if user.app_passwords.count() >= MAX_APP_PASSWORDS:
        raise AppPasswordError(
            f"You have {MAX_APP_PASSWORDS} app passwords already: revoke one you no longer use."
        )
    secret = APP_PASSWORD_PREFIX + base64.b32encode(secrets.token_bytes(20)).decode().lower()
    try:
        with transaction.atomic():
            app_password = AppPassword.objects.create(
                user=user, name=name, digest=app_password_digest(secret)
            )
    except IntegrityError:
        raise AppPasswordError(f"You already have an app password named “{name}”.") from None
    return app_password, secret


def app_password_revoke(*, user: User, app_password_id: int) -> AppPassword | None:
    """Delete one of a person's app passwords; return it, or None if they have no such one."""
    app_password = AppPassword.objects.filter(user=user, pk=app_password_id).first()
    if app_password is not None:
        app_password.delete()
    return app_password


def app_password_revoke_all(*, user: User) -> int:
    """Delete every app password of a person; return how many there were."""
    deleted, _ = AppPassword.objects.filter(user=user).delete()
    return deleted


def app_password_mark_used(*, app_password_id: int, last_used: datetime | None) -> None:
    """Record that an app password was just used, unless that was recorded a moment ago."""
    now = timezone.now()
    if last_used is None or now - last_used >= LAST_USED_PRECISION:
        AppPassword.objects.filter(pk=app_password_id).update(last_used=now)
