"""Find the signed-in user without a query: user rows cached in the object cache.

`AuthenticationMiddleware` asks the session's auth backend for the user on every signed-in request;
`ModelBackend` answers with a query. `CachedModelBackend` keeps the row in the object cache as JSON
(never pickled), without the password hash (see `CachedUser`). A row never outlives a change made
with `save()` or `delete()`: the receivers in `receivers.py` drop it at once, and again when the
surrounding transaction commits, so a reader that raced the write cannot put the old row back for
long. Changes that bypass `save()` (`QuerySet.update()`, SQL) are bounded by `USER_CACHE_SECONDS`.
Django still compares the session's auth hash with the row's, so a password change signs the other
sessions out; the cached hash is tied to `SECRET_KEY` so rotating the key keeps that check right.
"""

import datetime
import functools
import json
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.crypto import salted_hmac

from kwippy.accounts.models import CachedUser, User

log = logging.getLogger(__name__)

USER_CACHE_SECONDS = 300
_FIELDS = [field for field in User._meta.concrete_fields if field.attname != "password"]
_FIELD_NAMES = [field.attname for field in _FIELDS]


def _cache_key(user_id) -> str:
    return f"kwippy.user:{user_id}"


def _secret_fingerprint() -> str:
    return _fingerprint_of(settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _fingerprint_of(secret: str) -> str:
    return salted_hmac("kwippy.user-cache", "", secret, algorithm="sha256").hexdigest()[:16]


def _json_value(value):
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"cannot cache a {type(value).__name__} in a user row")


def user_cache_get(*, user_id) -> CachedUser | None:
    """Return the cached row of a user as a `CachedUser`, or None on a miss."""
    raw = caches["default"].get(_cache_key(user_id))
    if not isinstance(raw, str):
        return None
    try:
        cached = json.loads(raw)
        if cached["secret"] != _secret_fingerprint():
            return None
        values = [field.to_python(cached["row"][field.attname]) for field in _FIELDS]
        user = CachedUser.from_db(DEFAULT_DB_ALIAS, _FIELD_NAMES, values)
        user.cached_session_auth_hash = cached["hash"]
    except (ValueError, KeyError, TypeError, ValidationError):
        log.warning("user cache: ignoring a malformed row for user %s", user_id)
        return None
    return user


def user_cache_put(*, user: User) -> None:
    """Cache a user's row (without the password hash) for the next signed-in requests."""
    row = {field.attname: field.value_from_object(user) for field in _FIELDS}
    value = {
        "row": row,
        "hash": User.get_session_auth_hash(user),
        "secret": _secret_fingerprint(),
    }
    caches["default"].set(
        _cache_key(user.pk), json.dumps(value, default=_json_value), USER_CACHE_SECONDS
    )


def user_cache_forget(*, user_id) -> None:
    """Drop a user's cached row now, and again once the current transaction commits."""
    key = _cache_key(user_id)
    caches["default"].delete(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: caches["default"].delete(key))


class CachedModelBackend(ModelBackend):
    """`ModelBackend` whose `get_user` reads the object cache before the database."""

    def get_user(self, user_id):
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = user_cache_get(user_id=user_id)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                user_cache_put(user=user)
        return user if user is not None and self.user_can_authenticate(user) else None
