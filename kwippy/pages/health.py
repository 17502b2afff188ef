"""When a link is checked again, and what a check's outcome says of its health.

One check a link a month or so, spread: each next check is drawn within ±10% of its interval, so
the links of a 100,000-bookmark import, fetched in one week, do not all come due again in the
same week a month later. A failed check comes back sooner and then less and less often (1, 2, 4,
8, 16 days, then monthly), so that a site down for an afternoon is not called failing and a dead
one is not asked every day. "Failing" needs failures on LINK_FAILING_CHECKS checks in a row
spanning LINK_FAILING_DAYS: with that backoff, the fourth check, a week after the first.

Pure functions of times and outcomes; the writes are in services.py.
"""

import random
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings

from kwippy.posts.models import LinkHealth

# Statuses that say the page is there, though kwippy may not read it: a login wall, a bot wall.
# Calling such links failing would badge half the web.
REACHABLE_REFUSALS = frozenset({401, 402, 403, 451})
GONE = frozenset({404, 410})
PERMANENT_REDIRECTS = frozenset({301, 308})


def _spread(interval: timedelta) -> timedelta:
    return interval * random.uniform(0.9, 1.1)


def next_check_after_success(*, now: datetime) -> datetime:
    return now + _spread(timedelta(days=settings.LINK_CHECK_INTERVAL_DAYS))


def next_check_after_failure(*, now: datetime, failures: int) -> datetime:
    days = min(2 ** max(failures - 1, 0), settings.LINK_CHECK_INTERVAL_DAYS)
    return now + _spread(timedelta(days=days))


def is_failing(*, failures: int, failing_since: datetime | None, now: datetime) -> bool:
    return (
        failures >= settings.LINK_FAILING_CHECKS
        and failing_since is not None
        and now - failing_since >= timedelta(days=settings.LINK_FAILING_DAYS)
    )


def _same_address(a: str, b: str) -> bool:
    """Tell whether two URLs differ only by an upgrade to https or a trailing slash.

    Sites moved to https years ago answer every old http address with a 301; calling all those
    bookmarks "moved" would badge links that work.
    """
    first, second = urlsplit(a), urlsplit(b)
    return (
        first.netloc.lower() == second.netloc.lower()
        and {first.scheme, second.scheme} <= {"http", "https"}
        and first.path.rstrip("/") == second.path.rstrip("/")
        and first.query == second.query
    )


def health_of_answer(
    *, url: str, status: int, redirects: tuple[tuple[int, str], ...], final_url: str
) -> tuple[str, str] | None:
    """Return (health, moved_to) for a page that answered, or None if the answer is a failure.

    Moved: the first hop is a permanent redirect and the chain ends, answering, elsewhere than an
    https or trailing-slash spelling of the same address.
    """
    if status in GONE:
        return LinkHealth.GONE, ""
    if 200 <= status < 300 or status in REACHABLE_REFUSALS:
        if (
            redirects
            and redirects[0][0] in PERMANENT_REDIRECTS
            and not _same_address(url, final_url)
        ):
            return LinkHealth.MOVED, final_url
        return LinkHealth.OK, ""
    return None
