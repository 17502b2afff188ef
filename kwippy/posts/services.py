"""Writes to posts, links and tag counts. Every change of a post goes through here, so that the
denormalised counts (a link's public saves, a person's tag counts) always match the posts."""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from kwippy.accounts.models import User
from kwippy.posts.models import LastPostChange, Link, Post, UserTag, url_hash
from kwippy.posts.normalize import normalize_tag, normalize_url, parse_tags


def _tag_list(tags: str | Iterable[str]) -> list[str]:
    return parse_tags(tags if isinstance(tags, str) else " ".join(tags))


class PostExists(Exception):
    """The person has already saved this URL."""

    def __init__(self, post: Post):
        super().__init__(f"already saved: {post.link.url}")
        self.post = post


def link_for_url(url: str) -> Link:
    """Return the Link for a URL (normalised here), creating it if nobody saved it before."""
    url = normalize_url(url)
    link, _ = Link.objects.get_or_create(url_hash=url_hash(url), defaults={"url": url})
    return link


def _add_to_tag_counts(*, user_id: int, tags: list[str], count: int, public_count: int) -> None:
    """Add `count` posts (`public_count` of them public) to each of a person's `tags`.

    Negative numbers take posts away; a tag no post carries any more is dropped.
    """
    if not tags or (count == 0 and public_count == 0):
        return
    if count < 0 or public_count < 0:
        # An upsert cannot decrement: PostgreSQL checks the proposed row (negative counts) against
        # the `count >= 0` constraints before it finds the conflict.
        UserTag.objects.filter(user_id=user_id, name__in=tags).update(
            count=F("count") + count, public_count=F("public_count") + public_count
        )
        UserTag.objects.filter(user_id=user_id, name__in=tags, count__lte=0).delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {UserTag._meta.db_table} (user_id, name, count, public_count)
            SELECT %s, name, %s, %s FROM unnest(%s::varchar[]) AS name
            ON CONFLICT (user_id, name) DO UPDATE
            SET count = {UserTag._meta.db_table}.count + EXCLUDED.count,
                public_count = {UserTag._meta.db_table}.public_count + EXCLUDED.public_count
            """,
            [user_id, count, public_count, tags],
        )


def _adjust_counts(*, user_id: int, link_id: int, tags: Iterable[str], public: bool, delta: int):
    if public:
        Link.objects.filter(pk=link_id).update(public_saves=F("public_saves") + delta)
    _add_to_tag_counts(
        user_id=user_id, tags=list(tags), count=delta, public_count=delta if public else 0
    )


def _posts_changed(*, user_id: int, at: datetime) -> None:
    """Record that a person's posts changed at `at` (Pinboard's posts/update reads it)."""
    LastPostChange.objects.bulk_create(
        [LastPostChange(user_id=user_id, at=at)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["at"],
    )


@transaction.atomic
def post_create(
    *,
    user: User,
    url: str,
    title: str,
    description: str = "",
    tags: str | Iterable[str] = (),
    is_private: bool = False,
    to_read: bool = False,
    created: datetime | None = None,
) -> Post:
    """Save a link for a person; raise PostExists if they saved it already."""
    link = link_for_url(url)
    tag_list = _tag_list(tags)
    now = timezone.now()
    try:
        with transaction.atomic():
            post = Post.objects.create(
                user=user,
                link=link,
                title=title.strip() or link.url,
                description=description,
                tags=tag_list,
                is_private=is_private,
                to_read=to_read,
                created=created or now,
                updated=now,
            )
    except IntegrityError:
        raise PostExists(Post.objects.select_related("link").get(user=user, link=link)) from None
    _adjust_counts(user_id=user.pk, link_id=link.pk, tags=tag_list, public=not is_private, delta=1)
    _posts_changed(user_id=user.pk, at=now)
    return post


@transaction.atomic
def post_update(post: Post, **changes) -> Post:
    """Change a post's title, description, tags, privacy or to-read flag."""
    old = Post.objects.select_for_update().get(pk=post.pk)
    _adjust_counts(
        user_id=old.user_id, link_id=old.link_id, tags=old.tags, public=not old.is_private, delta=-1
    )
    if "tags" in changes:
        changes["tags"] = _tag_list(changes["tags"])
    for field, value in changes.items():
        setattr(post, field, value)
    post.updated = timezone.now()
    post.save()
    _adjust_counts(
        user_id=post.user_id,
        link_id=post.link_id,
        tags=post.tags,
        public=not post.is_private,
        delta=1,
    )
    _posts_changed(user_id=post.user_id, at=post.updated)
    return post


@transaction.atomic
def post_delete(post: Post) -> None:
    """Delete a post and take it out of the counts."""
    old = Post.objects.select_for_update().filter(pk=post.pk).first()
    if old is None:
        return
    _adjust_counts(
        user_id=old.user_id, link_id=old.link_id, tags=old.tags, public=not old.is_private, delta=-1
    )
    old.delete()
    _posts_changed(user_id=old.user_id, at=timezone.now())


# Both tag writes change many posts in one statement. The first CTE locks the posts in id order
# (two renames at once queue instead of deadlocking) and notes what each was before the change,
# which the counts need and which an UPDATE's RETURNING cannot see.
_TAG_DELETE = f"""
WITH target AS (
    SELECT id, is_private FROM {Post._meta.db_table}
    WHERE user_id = %(user)s AND tags @> ARRAY[%(old)s]::varchar[]
    ORDER BY id FOR UPDATE
), changed AS (
    UPDATE {Post._meta.db_table} AS post
    SET tags = array_remove(post.tags, %(old)s::varchar), updated = %(now)s
    FROM target WHERE post.id = target.id
    RETURNING target.is_private
)
SELECT count(*), count(*) FILTER (WHERE NOT is_private) FROM changed
"""

_TAG_RENAME = f"""
WITH target AS (
    SELECT id, is_private, %(new)s::varchar = ANY(tags) AS had_new FROM {Post._meta.db_table}
    WHERE user_id = %(user)s AND tags @> ARRAY[%(old)s]::varchar[]
    ORDER BY id FOR UPDATE
), changed AS (
    UPDATE {Post._meta.db_table} AS post
    SET tags = CASE WHEN target.had_new THEN array_remove(post.tags, %(old)s::varchar)
                    ELSE array_replace(post.tags, %(old)s::varchar, %(new)s::varchar) END,
        updated = %(now)s
    FROM target WHERE post.id = target.id
    RETURNING target.is_private, target.had_new
)
SELECT count(*), count(*) FILTER (WHERE NOT is_private),
       count(*) FILTER (WHERE NOT had_new), count(*) FILTER (WHERE NOT had_new AND NOT is_private)
FROM changed
"""


@transaction.atomic
def tag_delete(*, user: User, tag: str) -> int:
    """Take a tag off every one of a person's posts; return how many posts changed."""
    name = normalize_tag(tag)
    if not name:
        return 0
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_TAG_DELETE, {"user": user.pk, "old": name, "now": now})
        changed, public = cursor.fetchone()
    if changed:
        _add_to_tag_counts(user_id=user.pk, tags=[name], count=-changed, public_count=-public)
        _posts_changed(user_id=user.pk, at=now)
    return changed


@transaction.atomic
def tag_rename(*, user: User, old: str, new: str) -> int:
    """Rename a person's tag on all their posts (any case of `old`); return how many changed.

    Renaming onto a tag they already use merges the two: a post that carried both keeps one.
    """
    old_name, new_name = normalize_tag(old), normalize_tag(new)
    if not old_name or not new_name or old_name == new_name:
        return 0
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_TAG_RENAME, {"user": user.pk, "old": old_name, "new": new_name, "now": now})
        changed, public, gained, gained_public = cursor.fetchone()
    if changed:
        _add_to_tag_counts(user_id=user.pk, tags=[old_name], count=-changed, public_count=-public)
        _add_to_tag_counts(
            user_id=user.pk, tags=[new_name], count=gained, public_count=gained_public
        )
        _posts_changed(user_id=user.pk, at=now)
    return changed
