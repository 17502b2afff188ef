"""Count failed sign-ins per client address and identifier, and lock a pair out for a while.

After MAX_FAILURES failures within WINDOW_SECONDS of the pair's first failure, the pair is locked
until that window has passed: every attempt gets 429 with Retry-After, even with the right
password. Counters live in the object cache (memcached `add` + `incr`, which are atomic), never in
sessions. Django has no such throttle and the usual packages keep their counts in the database;
a counter that only needs to live fifteen minutes belongs in memcached.

If the object cache is down, nothing is counted: sign-in keeps working, unthrottled, and the slow
password hash is the only brake until memcached is back.
"""

import hashlib
import math
import time

from django.core.cache import cache
from django.http import HttpRequest

from kwippy.accounts.identifiers import identifier_fold

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


def client_address(request: HttpRequest) -> str:
    """Return the address the request came from, as the WSGI server saw it."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def _keys(client: str, identifier: str) -> tuple[str, str, str]:
    # Folded as accounts are looked up, so that every spelling naming one account shares its
    # window; hashed, as an identifier can hold characters memcached keys may not.
    pair = hashlib.sha256(f"{client}\x00{identifier_fold(identifier)}".encode()).hexdigest()
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
