"""Stamp and read when posts last changed, so that feeds can answer "not modified" correctly.

A feed's ETag and Last-Modified must move on every change that can alter it, deletions included,
and a deleted post leaves no row to date it. So every write of a post (and of a follow, and of the
name shown on posts) stamps its person's `ChangeStamp` row, and feeds read the stamps:

- one person's feeds: their own row;
- everyone's public feeds: the newest `public_posts` of all rows (one index probe, and no single
  hot row that every write in the site would queue on);
- a network feed: whom the person follows, and the newest public change among those people.

Stamps are written after the transaction commits, with the database's clock, one statement each.
Written inside the transaction, a slow transaction could commit a stamp older than one a reader
has already seen, and that reader's feed would never show its post. After the commit, anyone who
reads a stamp and then the posts sees every post the stamp stands for. Each new stamp is also
later than the one it replaces, even if the clock stepped back, so that it always differs.

Why not the object cache alone: a stamp lost to a restart or an eviction could not be told apart
from "never changed", and the database is where the posts are, one cheap query away.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max, Q

from kwippy.accounts.models import ChangeStamp, Follow, User


def _stamp(columns: tuple[str, ...], user_ids: Iterable[int] | None) -> None:
    table = ChangeStamp._meta.db_table
    now = "statement_timestamp()"
    later = ", ".join(
        f"{column} = GREATEST({now}, stamp.{column} + interval '1 microsecond')"
        for column in columns
    )
    # None: everyone, for bulk writes that bypassed the services.
    everyone = f"SELECT id FROM {User._meta.db_table}"
    source = everyone if user_ids is None else "SELECT unnest(%s::bigint[])"
    params = [] if user_ids is None else [list(user_ids)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} AS stamp (user_id, {", ".join(columns)})
            SELECT id, {", ".join(now for _ in columns)} FROM ({source}) AS people (id)
            ON CONFLICT (user_id) DO UPDATE SET {later}
            """,
            params,
        )


def change_stamp_posts(*, user_id: int, public: bool) -> None:
    """Stamp, once the transaction commits, that a person's posts changed (`public`: visibly)."""
    columns = ("posts", "public_posts") if public else ("posts",)
    # robust: the post is saved by then; a failed stamp must not turn that into an error page.
    transaction.on_commit(lambda: _stamp(columns, [user_id]), robust=True)


def change_stamp_own_posts(*, user_ids: Iterable[int]) -> None:
    """Stamp, once the transaction commits, that what these people see of their own posts changed
    (what only an owner sees: their links' health, their copies), not what others see."""
    user_ids = sorted(set(user_ids))
    if user_ids:
        transaction.on_commit(lambda: _stamp(("posts",), user_ids), robust=True)


def change_stamp_follows(*, follower_id: int) -> None:
    """Stamp, once the transaction commits, that whom a person follows changed."""
    transaction.on_commit(lambda: _stamp(("following",), [follower_id]), robust=True)


def change_stamp_everyone() -> None:
    """Stamp every change for every person (after bulk writes that bypassed the services)."""
    transaction.on_commit(lambda: _stamp(("posts", "public_posts", "following"), None))


def last_change_public() -> datetime | None:
    """Return when anyone's public posts last changed (None: never recorded)."""
    return ChangeStamp.objects.aggregate(last=Max("public_posts"))["last"]


def last_change_user(*, user_id: int, private: bool) -> datetime | None:
    """Return when a person's posts last changed: all of them if `private`, else the public ones."""
    column = "posts" if private else "public_posts"
    return ChangeStamp.objects.filter(pk=user_id).values_list(column, flat=True).first()


def last_change_network(*, user_id: int) -> datetime | None:
    """Return when whom a person follows, or those people's public posts, last changed."""
    followed = Follow.objects.filter(follower_id=user_id).values("followee_id")
    row = ChangeStamp.objects.filter(Q(pk=user_id) | Q(pk__in=followed)).aggregate(
        following=Max("following", filter=Q(pk=user_id)),
        public=Max("public_posts", filter=Q(pk__in=followed)),
    )
    return max(filter(None, row.values()), default=None)


_TIMELINE_STAMPS_SQL = f"""
SELECT me.posts, me.following,
    (SELECT max(stamp.public_posts) FROM {ChangeStamp._meta.db_table} AS stamp
     JOIN {Follow._meta.db_table} AS follow ON follow.followee_id = stamp.user_id
     WHERE follow.follower_id = %(me)s),
    (SELECT count(*) FROM {Follow._meta.db_table} WHERE follower_id = %(me)s)
FROM (SELECT 1) AS one
LEFT JOIN {ChangeStamp._meta.db_table} AS me ON me.user_id = %(me)s
"""


def timeline_stamps(*, user_id: int) -> tuple:
    """Return what a person's network timeline changes with, in one query.

    Their own posts' stamp (private ones too), whom they follow, the newest public change among
    those people, and how many they are: a followed account deleted takes its stamp with it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_TIMELINE_STAMPS_SQL, {"me": user_id})
        return tuple(cursor.fetchone())
