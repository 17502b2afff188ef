"""Authentication backends: the account password, and app passwords.

Both are reached only through `django.contrib.auth.authenticate()`, so inactive accounts are
refused and `user_login_failed` fires, like everywhere else in Django. The identifier is a username
or an email address, ignoring case; an identifier that matches several accounts (an email two
accounts share) names none of them.

`authenticate(request, username=…, password=…)` checks the account password (the login forms);
`authenticate(request, username=…, app_password=…)` checks an app password (API tokens); HTTP Basic
passes both keywords with the same secret, so either is accepted there, and `remember=True`.
`AppPasswordBackend` comes first in AUTHENTICATION_BACKENDS: an app password is recognised by its
shape and checked with one query, before the account backend would spend a PBKDF2 run on it.

How long a check takes must not tell a right password from a wrong one for an account that may not
sign in where it is checked (an inactive one anywhere, a non-staff one at the admin): for such an
account every check costs one hash, as a wrong password does, and nothing is remembered.
"""

from django.contrib.auth.backends import BaseBackend
from django.core.cache import cache
from django.db.models import F, FilteredRelation, Q
from django.utils.crypto import salted_hmac

from kwippy.accounts.backends import CachedModelBackend
from kwippy.accounts.models import User
from kwippy.auth.selectors import (
    identifier_is_usable,
    user_get_by_identifier,
    users_matching_identifier,
)
from kwippy.auth.services import (
    APP_PASSWORD_SHAPE,
    app_password_digest,
    app_password_mark_used,
)

# How long a successful account-password check is remembered. Long enough that a feed reader
# polling every few minutes skips PBKDF2; short enough that little is ever held in memcached.
REMEMBER_SECONDS = 10 * 60


def _remembered_check_key(user: User, password: str) -> str:
    # Keyed with SECRET_KEY, so memcached holds nothing an attacker can test passwords against
    # without it; the stored hash is part of the message, so a password change (or any re-hash)
    # makes every remembered check miss at once.
    digest = salted_hmac(
        "kwippy.auth.remembered-password-check",
        "\x00".join((str(user.pk), user.password, password)),
        algorithm="sha256",
    ).hexdigest()
    return f"httpauth:password-ok:{digest}"


class AccountPasswordBackend(CachedModelBackend):
    """Check a username-or-email and the account password.

    With `remember=True` (HTTP Basic, whose clients resend the same credentials with every
    request) a success is remembered for a while, and the next check of the same password skips
    the hash. Only HTTP Basic does, where every active account may sign in: the login forms, the
    admin's included, always hash. Sessions signed in through this backend find their user in the
    object cache (`CachedModelBackend`).
    """

    def authenticate(self, request, username=None, password=None, remember=False, **kwargs):
        if not username or not password or "\x00" in password:
            return None
        user = user_get_by_identifier(identifier=username)
        if user is None:
            # Hash anyway, so that an unknown identifier takes as long as a wrong password.
            User().set_password(password)
            return None
        if not self.user_can_authenticate(user):
            # One hash, as for a wrong password, and never the remembered shortcut.
            user.check_password(password)
            return None
        if remember and cache.get(_remembered_check_key(user, password)) is not None:
            return user
        if not user.check_password(password):
            return None
        if remember:
            # check_password may have upgraded the stored hash: key on the current one.
            cache.set(_remembered_check_key(user, password), True, REMEMBER_SECONDS)
        return user


class AppPasswordBackend(BaseBackend):
    """Check a username-or-email and an app password, in one query.

    An app password authenticates one request and signs nobody in (the login form never passes
    `app_password`); `get_user` only serves sessions that name this backend, as Django's test
    client `force_login` does with the first backend.
    """

    def get_user(self, user_id):
        return AccountPasswordBackend().get_user(user_id)

    def authenticate(self, request, username=None, app_password=None, **kwargs):
        if (
            not app_password
            or not APP_PASSWORD_SHAPE.fullmatch(app_password)
            or not identifier_is_usable(username)
        ):
            return None
        users = list(
            users_matching_identifier(identifier=username)
            .annotate(
                matching_app_password=FilteredRelation(
                    "app_passwords",
                    condition=Q(app_passwords__digest=app_password_digest(app_password)),
                )
            )
            .annotate(
                app_password_id=F("matching_app_password__id"),
                app_password_last_used=F("matching_app_password__last_used"),
            )[:2]
        )
        if len(users) != 1 or users[0].app_password_id is None:
            return None
        user = users[0]
        if not user.is_active:
            # Refused as a wrong secret is: the account backend then spends its one hash on it,
            # so the timing does not tell that this app password was right.
            return None
        app_password_mark_used(
            app_password_id=user.app_password_id, last_used=user.app_password_last_used
        )
        return user
