"""Reads for the API: one person's own posts (private ones included) and tags, in few queries."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from kwippy.accounts.models import User
from kwippy.posts.models import Link, Post, UserTag, url_hash

SUGGESTIONS = 10
# posts/all streams rows from a server-side cursor, this many at a time.
ALL_CHUNK = 2000


def _own_posts(*, user: User, tags: list[str]) -> QuerySet[Post]:
    queryset = Post.objects.filter(user=user)
    if tags:
        queryset = queryset.filter(tags__contains=tags)
    # The search vector is the largest column, and no answer shows it.
    return queryset.select_related("link").defer("search_vector").order_by("-created", "-id")


def _day_bounds(day: date) -> tuple[datetime, datetime | None]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    try:
        return start, start + timedelta(days=1)
    except OverflowError:
        return start, None


def posts_recent(*, user: User, tags: list[str], count: int) -> list[Post]:
    """Return a person's newest posts carrying all of `tags`."""
    return list(_own_posts(user=user, tags=tags)[:count])


def posts_of_day(
    *, user: User, tags: list[str], day: date | None, url: str | None
) -> tuple[date | None, list[Post]]:
    """Return a day and a person's posts of it carrying all of `tags`, newest first.

    With `url`, only the post of that URL (on `day`, if one is given). With neither, the day is
    that of the newest such post (None when there is none).
    """
    queryset = _own_posts(user=user, tags=tags)
    if url is not None:
        queryset = queryset.filter(link__url_hash=url_hash(url))
    elif day is None:
        newest = queryset.values_list("created", flat=True).first()
        if newest is None:
            return None, []
        day = newest.astimezone(UTC).date()
    if day is not None:
        start, end = _day_bounds(day)
        queryset = queryset.filter(created__gte=start)
        if end is not None:
            queryset = queryset.filter(created__lt=end)
    return day, list(queryset)


def post_dates(*, user: User, tags: list[str]) -> list[tuple[date, int]]:
    """Return each day (UTC) a person saved posts carrying all of `tags`, newest first."""
    queryset = Post.objects.filter(user=user)
    if tags:
        queryset = queryset.filter(tags__contains=tags)
    rows = (
        queryset.annotate(day=TruncDate("created", tzinfo=UTC))
        .values("day")
        .annotate(count=Count("id"))
        .order_by("-day")
        .values_list("day", "count")
    )
    return list(rows)


def posts_all(
    *,
    user: User,
    tags: list[str],
    start: int,
    results: int | None,
    since: datetime | None,
    until: datetime | None,
    to_read: bool | None = None,
) -> Iterator[Post]:
    """Yield a person's posts carrying all of `tags`, newest first, created within the bounds.

    With `to_read`, only the posts marked to read (True) or only the others (False). `start` posts
    are skipped and at most `results` yielded. The rows come from one query through a server-side
    cursor, so a large account is never held in memory at once.
    """
    queryset = _own_posts(user=user, tags=tags)
    if to_read is not None:
        queryset = queryset.filter(to_read=to_read)
    if since is not None:
        queryset = queryset.filter(created__gte=since)
    if until is not None:
        queryset = queryset.filter(created__lte=until)
    queryset = queryset[start:] if results is None else queryset[start : start + results]
    return queryset.iterator(chunk_size=ALL_CHUNK)


def tags_suggested(*, user: User, url: str) -> tuple[list[str], list[str]]:
    """Return the popular tags for a URL (everyone's public ones) and those recommended to `user`.

    Recommended are the person's own tags on it if they saved it, then the popular tags they
    already use, most used first.
    """
    link = Link.objects.filter(url_hash=url_hash(url)).first()
    if link is None:
        return [], []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT tag FROM {Post._meta.db_table}, unnest(tags) AS tag
            WHERE link_id = %s AND NOT is_private
            GROUP BY tag ORDER BY count(*) DESC, tag LIMIT %s
            """,
            [link.pk, SUGGESTIONS],
        )
        popular = [row[0] for row in cursor.fetchall()]
    own = Post.objects.filter(user=user, link=link).values_list("tags", flat=True).first() or []
    used = (
        UserTag.objects.filter(user=user, name__in=popular)
        .exclude(name__in=own)
        .order_by("-count", "name")
        .values_list("name", flat=True)
    )
    return popular, [*own, *used][:SUGGESTIONS]


def tag_counts(*, user: User) -> list[tuple[str, int]]:
    """Return each of a person's tags with how many of their posts (private too) carry it."""
    return list(
        UserTag.objects.filter(user=user, count__gt=0).order_by("name").values_list("name", "count")
    )
