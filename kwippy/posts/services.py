"""Writes to posts, links and tag counts. Every change of a post goes through here, so that the
denormalised counts (a link's public saves, a person's tag counts) always match the posts."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kwippy.accounts.changes import change_stamp_posts
from kwippy.accounts.models import User
from kwippy.posts.models import Link, Post, UserTag, url_hash
from kwippy.posts.normalize import TITLE_MAX_LENGTH, normalize_url
from kwippy.posts.tags import normalize_tag, parse_tags


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


def _adjust_counts(*, user_id: int, link_id: int, tags: Iterable[str], public: bool, delta: int):
    post_counts_apply(
        user_id=user_id,
        tag_deltas=dict.fromkeys(tags, (delta, delta if public else 0)),
        link_deltas={link_id: delta} if public else {},
    )


def post_counts_apply(
    *,
    user_id: int,
    tag_deltas: Mapping[str, tuple[int, int]],
    link_deltas: Mapping[int, int],
) -> None:
    """Add summed changes to a person's tag counts (all, public) and to links' public saves.

    For writers of many posts at once (imports): one call per batch instead of one per post.
    Rows are touched in key order, so two such batches cannot deadlock on each other.
    """
    usertag = UserTag._meta.db_table
    names = sorted(name for name, (count, public) in tag_deltas.items() if count or public)
    with connection.cursor() as cursor:
        if names:
            # Create missing rows at zero first: a negative delta never meets the >= 0 check
            # on a row about to be inserted.
            cursor.execute(
                f"""
                INSERT INTO {usertag} (user_id, name, count, public_count)
                SELECT %s, name, 0, 0 FROM unnest(%s::varchar[]) AS name
                ON CONFLICT (user_id, name) DO NOTHING
                """,
                [user_id, names],
            )
            cursor.execute(
                f"""
                UPDATE {usertag} SET count = {usertag}.count + d.count,
                    public_count = {usertag}.public_count + d.public_count
                FROM unnest(%s::varchar[], %s::int[], %s::int[]) AS d(name, count, public_count)
                WHERE {usertag}.user_id = %s AND {usertag}.name = d.name
                """,
                [
                    names,
                    [tag_deltas[name][0] for name in names],
                    [tag_deltas[name][1] for name in names],
                    user_id,
                ],
            )
            cursor.execute(
                f"DELETE FROM {usertag} WHERE user_id = %s AND name = ANY(%s) AND count <= 0",
                [user_id, names],
            )
        link_ids = sorted(link_id for link_id, delta in link_deltas.items() if delta)
        if link_ids:
            link = Link._meta.db_table
            cursor.execute(
                f"SELECT id FROM {link} WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [link_ids]
            )
            cursor.execute(
                f"""
                UPDATE {link} SET public_saves = {link}.public_saves + d.delta
                FROM unnest(%s::bigint[], %s::int[]) AS d(id, delta)
                WHERE {link}.id = d.id
                """,
                [link_ids, [link_deltas[link_id] for link_id in link_ids]],
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
                title=(title.strip() or link.url)[:TITLE_MAX_LENGTH],
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
    change_stamp_posts(user_id=user.pk, public=not is_private)
    return post


@transaction.atomic
def post_update(post: Post, **changes) -> Post:
    """Change a post's title, description, tags, privacy or to-read flag; return the saved post.

    The changes apply to the row as locked now, never to `post` as its caller read it: a field
    another request changed in between keeps that change unless this call changes it too. `post`
    is then brought up to date with what was saved.
    """
    current = Post.objects.select_for_update().get(pk=post.pk)
    was_private = current.is_private
    _adjust_counts(
        user_id=current.user_id,
        link_id=current.link_id,
        tags=current.tags,
        public=not was_private,
        delta=-1,
    )
    if "tags" in changes:
        changes["tags"] = _tag_list(changes["tags"])
    for field, value in changes.items():
        setattr(current, field, value)
    current.updated = timezone.now()
    current.save()
    _adjust_counts(
        user_id=current.user_id,
        link_id=current.link_id,
        tags=current.tags,
        public=not current.is_private,
        delta=1,
    )
    change_stamp_posts(user_id=current.user_id, public=not (was_private and current.is_private))
    for field in Post._meta.concrete_fields:
        setattr(post, field.attname, getattr(current, field.attname))
    return current


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
    change_stamp_posts(user_id=old.user_id, public=not old.is_private)


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
        post_counts_apply(user_id=user.pk, tag_deltas={name: (-changed, -public)}, link_deltas={})
        change_stamp_posts(user_id=user.pk, public=public > 0)
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
        post_counts_apply(
            user_id=user.pk,
            tag_deltas={old_name: (-changed, -public), new_name: (gained, gained_public)},
            link_deltas={},
        )
        change_stamp_posts(user_id=user.pk, public=public > 0)
    return changed
