"""Keyset pagination: every list continues from the last row shown, never from an offset.

An offset page shifts when someone saves a new post while you read (you see a post twice, or
miss one) and gets slower the deeper you go. A cursor names the last row's sort key instead, so
page two is the same rows however many posts arrive meanwhile, and it costs one index range scan.
Django's Paginator counts rows and uses offsets, hence this small module of our own.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet

from kwippy.posts.models import PUBLIC_ID

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20


class BadCursor(ValueError):
    """The `before` parameter is not one this site made."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    is_first: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_size() -> int:
    """Return how many rows a page shows (the KWIPPY_PAGE_SIZE setting)."""
    return getattr(settings, "KWIPPY_PAGE_SIZE", DEFAULT_PAGE_SIZE)


def _split(cursor: str) -> tuple[str, int]:
    head, sep, tail = cursor.rpartition("_")
    if not sep or not tail.isdigit() or len(tail) > 19 or not head:
        raise BadCursor(cursor)
    return head, int(tail)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Microseconds from the epoch, signed: stored dates reach back to year 1.
_MICROS = re.compile(r"-?[0-9]{1,18}")


def recent_cursor(created: datetime, pk: int) -> str:
    """Return the cursor after a row sorted by (created, id), newest first."""
    return f"{(created - EPOCH) // timedelta(microseconds=1)}_{pk}"


def parse_recent_cursor(cursor: str) -> tuple[datetime, int]:
    """Return the (created, id) a recent cursor names, or raise BadCursor."""
    head, pk = _split(cursor)
    if not _MICROS.fullmatch(head):
        raise BadCursor(cursor)
    try:
        return EPOCH + timedelta(microseconds=int(head)), pk
    except OverflowError:
        raise BadCursor(cursor) from None


def popular_cursor(saves: int, public_id: str) -> str:
    """Return the cursor after a popular link, sorted by (saves, public id), most saved first."""
    return f"{saves}_{public_id}"


def parse_popular_cursor(cursor: str) -> tuple[int, str]:
    """Return the (saves, public id) a popular cursor names, or raise BadCursor."""
    saves, _, public_id = cursor.partition("_")
    if not (saves.isascii() and saves.isdigit() and len(saves) < 10):
        raise BadCursor(cursor)
    if not PUBLIC_ID.fullmatch(public_id):
        raise BadCursor(cursor)
    return int(saves), public_id


def paginate_recent(queryset: QuerySet[T], *, cursor: str | None, size: int) -> Page[T]:
    """Return the page of a newest-first queryset that follows `cursor` (None: the first)."""
    if cursor:
        created, pk = parse_recent_cursor(cursor)
        # The redundant `created <= …` lets PostgreSQL start its index scan at the cursor.
        queryset = queryset.filter(
            Q(created__lt=created) | Q(created=created, id__lt=pk), created__lte=created
        )
    rows = list(queryset.order_by("-created", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = recent_cursor(rows[-1].created, rows[-1].pk) if more else None
    return Page(items=rows, next_cursor=next_cursor, is_first=not cursor)


def paginate_ranked(
    queryset: QuerySet, *, cursor: str | None, size: int, load: Callable[[list[int]], QuerySet[T]]
) -> Page[T]:
    """Return the page of a queryset annotated with `rank`, best first, after `cursor`.

    Only ids and ranks are sorted; `load(ids)` then fetches the page's rows with what they show,
    so joins are made for one page rather than for every candidate.
    """
    if cursor:
        head, pk = _split(cursor)
        try:
            rank = float(head)
        except ValueError:
            raise BadCursor(cursor) from None
        if rank != rank or rank in (float("inf"), float("-inf")):
            raise BadCursor(cursor)
        queryset = queryset.filter(Q(rank__lt=rank) | Q(rank=rank, id__lt=pk))
    keys = list(queryset.order_by("-rank", "-id").values_list("pk", "rank")[: size + 1])
    more = len(keys) > size
    keys = keys[:size]
    loaded = {row.pk: row for row in load([pk for pk, _ in keys])}
    rows = [loaded[pk] for pk, _ in keys if pk in loaded]
    next_cursor = f"{keys[-1][1]!r}_{keys[-1][0]}" if more else None
    return Page(items=rows, next_cursor=next_cursor, is_first=not cursor)
