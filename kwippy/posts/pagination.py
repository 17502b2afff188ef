"""Keyset pagination: every list continues from the last row shown, never from an offset.

An offset page shifts when someone saves a new post while you read (you see a post twice, or
miss one) and gets slower the deeper you go. A cursor names the last row's sort key instead, so
page two is the same rows however many posts arrive meanwhile, and it costs one index range scan.
Django's Paginator counts rows and uses offsets, hence this small module of our own.
"""

import re
from base64 import b64decode, urlsafe_b64encode
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

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


def _micros(moment: datetime) -> str:
    return str((moment - EPOCH) // timedelta(microseconds=1))


def _read_micros(text: str) -> datetime:
    if not _MICROS.fullmatch(text):
        raise BadCursor(text)
    return EPOCH + timedelta(microseconds=int(text))


def recent_cursor(created: datetime, pk: int) -> str:
    """Return the cursor after a row sorted by (created, id), newest first."""
    return f"{_micros(created)}_{pk}"


def parse_recent_cursor(cursor: str) -> tuple[datetime, int]:
    """Return the (created, id) a recent cursor names, or raise BadCursor."""
    head, pk = _split(cursor)
    try:
        return _read_micros(head), pk
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


@dataclass(frozen=True)
class Order:
    """A keyset order: rows sorted by one value (a field or an annotation), then by id.

    `write` turns a row's value into cursor text; `read` turns it back, raising ValueError (or
    BadCursor) for text this order never wrote.
    """

    key: str
    descending: bool
    write: Callable[[Any], str]
    read: Callable[[str], Any]

    def value(self, row) -> Any:
        return getattr(row, self.key)


def _b64(text: str) -> str:
    return urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _read_b64(text: str) -> str:
    decoded = b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True).decode()
    if "\x00" in decoded:
        raise BadCursor(text)
    return decoded


def _read_count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise BadCursor(text)
    return int(text)


NEWEST = Order("created", descending=True, write=_micros, read=_read_micros)
OLDEST = Order("created", descending=False, write=_micros, read=_read_micros)
# By title regardless of case: the queryset carries `title_key`, the title in lower case, the
# expression of the `post_user_title` index. A title can hold any "_", so it is base64 text.
BY_TITLE = Order("title_key", descending=False, write=_b64, read=_read_b64)
# People: the newest accounts, and the most followed (the queryset carries `follower_total`).
JOINED = Order("date_joined", descending=True, write=_micros, read=_read_micros)
MOST_FOLLOWED = Order("follower_total", descending=True, write=str, read=_read_count)
# Followers and followings: the newest follow first (the queryset carries `followed_at`).
FOLLOWED_SINCE = Order("followed_at", descending=True, write=_micros, read=_read_micros)


def paginate_keyset(
    queryset: QuerySet[T], *, order: Order, cursor: str | None, size: int
) -> Page[T]:
    """Return the page of `queryset`, sorted by `order`, that follows `cursor` (None: the first)."""
    if cursor:
        head, pk = _split(cursor)
        try:
            value = order.read(head)
        except (ValueError, OverflowError):
            raise BadCursor(cursor) from None
        beyond = "lt" if order.descending else "gt"
        # The redundant `key <= …` (or `>=`) lets PostgreSQL start its index scan at the cursor.
        queryset = queryset.filter(
            Q(**{f"{order.key}__{beyond}": value}) | Q(**{order.key: value, f"id__{beyond}": pk}),
            **{f"{order.key}__{beyond}e": value},
        )
    sign = "-" if order.descending else ""
    rows = list(queryset.order_by(f"{sign}{order.key}", f"{sign}id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = f"{order.write(order.value(rows[-1]))}_{rows[-1].pk}" if more else None
    return Page(items=rows, next_cursor=next_cursor, is_first=not cursor)


def paginate_recent(queryset: QuerySet[T], *, cursor: str | None, size: int) -> Page[T]:
    """Return the page of a newest-first queryset that follows `cursor` (None: the first)."""
    return paginate_keyset(queryset, order=NEWEST, cursor=cursor, size=size)


def paginate_ranked(
    queryset: QuerySet,
    *,
    cursor: str | None,
    size: int,
    load: Callable[[list[int]], QuerySet[T]],
    keep: tuple[str, ...] = (),
) -> Page[T]:
    """Return the page of a queryset annotated with `rank`, best first, after `cursor`.

    Only ids and ranks are sorted; `load(ids)` then fetches the page's rows with what they show,
    so joins are made for one page rather than for every candidate. The annotations named in
    `keep` are read with the ranks and set on the loaded rows.
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
    keys = list(queryset.order_by("-rank", "-id").values_list("pk", "rank", *keep)[: size + 1])
    more = len(keys) > size
    keys = keys[:size]
    loaded = {row.pk: row for row in load([pk for pk, *_ in keys])}
    rows = []
    for pk, _, *kept in keys:
        if pk in loaded:
            for name, value in zip(keep, kept, strict=True):
                setattr(loaded[pk], name, value)
            rows.append(loaded[pk])
    next_cursor = f"{keys[-1][1]!r}_{keys[-1][0]}" if more else None
    return Page(items=rows, next_cursor=next_cursor, is_first=not cursor)
