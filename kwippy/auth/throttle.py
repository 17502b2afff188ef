"""Count failed sign-ins per client address and identifier, and lock a pair out for a while.

Every place that checks a password (the login form, the admin's, the password-change form, HTTP
Basic, the API's `auth_token`) goes through `password_check_throttled`, so they share one count.

After MAX_FAILURES failures within WINDOW_SECONDS of the pair's first failure, the pair is locked
until that window has passed: every attempt gets 429 with Retry-After, even with the right
password. Counters live in the object cache (memcached `add` + `incr`, which are atomic), never in
sessions. Django has no such throttle and the usual packages keep their counts in the database;
a counter that only needs to live fifteen minutes belongs in memcached.

Password-reset mail is limited the same way, per address and per client address, by
`password_reset_mail_allowed`; whoever is refused sees the same answer as everyone else.

If the object cache is down, nothing is counted: sign-in keeps working, unthrottled, and the slow
password hash is the only brake until memcached is back.
"""

import hashlib
import math
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kwippy.accounts.identifiers import identifier_fold

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60

# Password-reset mail: a person who did not get the first mail asks again once or twice; a script
# filling someone's inbox asks fifteen times a second.
RESET_MAILS_PER_ADDRESS = 3
RESET_MAILS_PER_CLIENT = 10
RESET_WINDOW_SECONDS = 60 * 60

T = TypeVar("T")


class Throttled(ValidationError):
    """Too many failures from this client for this identifier; retry after `retry_after` s.

    A ValidationError, so that a form checking a password through the throttle shows the refusal
    as one of its errors with nothing to translate; HTTP Basic and the API answer it with a 429.
    """

    def __init__(self, retry_after: int):
        super().__init__(
            "Too many failed attempts. Try again in %(minutes)s minutes.",
            code="throttled",
            params={"minutes": max(1, round(retry_after / 60))},
        )
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    """Return the address the request came from, as the WSGI server saw it."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def _digest(*parts: str) -> str:
    # Hashed: an address or identifier can hold characters memcached keys may not.
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _keys(client: str, identifier: str) -> tuple[str, str, str]:
    # Folded as accounts are looked up, so that every spelling naming one account shares its
    # window.
    pair = _digest(client, identifier_fold(identifier))
    return (
        f"httpauth:failures:{pair}",
        f"httpauth:failures-since:{pair}",
        f"httpauth:locked-until:{pair}",
    )


def lockout_seconds(*, client: str, identifier: str) -> int:
    """Return how long the pair must wait before trying again; 0 when it may try now."""
    _, _, locked_key = _keys(client, identifier)
    locked_until = cache.get(locked_key)
    if locked_until is None:
        return 0
    return max(1, math.ceil(locked_until - time.time()))


def failure_record(*, client: str, identifier: str) -> None:
    """Count one failed attempt of the pair, and lock it out when that makes MAX_FAILURES."""
    count_key, since_key, locked_key = _keys(client, identifier)
    now = time.time()
    if cache.add(count_key, 0, WINDOW_SECONDS):
        cache.set(since_key, now, WINDOW_SECONDS)
    try:
        failures = cache.incr(count_key)
    except ValueError:
        # The counter expired between add and incr, or memcached is unreachable: count nothing.
        return
    if failures >= MAX_FAILURES:
        since = cache.get(since_key, now)
        remaining = max(1, math.ceil(since + WINDOW_SECONDS - now))
        cache.add(locked_key, now + remaining, remaining)


def password_check_throttled(*, request: HttpRequest, identifier: str, check: Callable[[], T]) -> T:
    """Return `check()`, a password check, unless this client and identifier are locked out.

    Raise Throttled when they are, without checking. A check fails by returning None or by
    raising ValidationError (a form's way); a failure is counted. A form calls this from its
    clean method, so a Throttled becomes one of its errors.
    """
    client = client_address(request)
    retry_after = lockout_seconds(client=client, identifier=identifier)
    if retry_after:
        raise Throttled(retry_after)
    try:
        result = check()
    except ValidationError:
        failure_record(client=client, identifier=identifier)
        raise
    if result is None:
        failure_record(client=client, identifier=identifier)
    return result


def _count(key: str, window: int) -> int | None:
    """Count one event under `key` in a window from its first event; None if nothing counts."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:
        # The counter expired between add and incr, or memcached is unreachable.
        return None


def password_reset_mail_allowed(*, request: HttpRequest, email: str) -> bool:
    """Count a request for a password-reset mail; return whether a mail may be sent for it.

    Every request counts, whether or not the address belongs to an account, against its address
    (folded, as accounts are looked up) and against the client's address.
    """
    limits = [
        (
            f"httpauth:reset-mails:address:{_digest(identifier_fold(email))}",
            RESET_MAILS_PER_ADDRESS,
        ),
        (f"httpauth:reset-mails:client:{_digest(client_address(request))}", RESET_MAILS_PER_CLIENT),
    ]
    counts = [(_count(key, RESET_WINDOW_SECONDS), limit) for key, limit in limits]
    return all(count is None or count <= limit for count, limit in counts)
