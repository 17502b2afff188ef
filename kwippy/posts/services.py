"""Writes to posts, links and tag counts. Every change of a post goes through here, so that the
denormalised counts (a link's public saves, a person's tag counts) always match the posts."""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from kwippy.accounts.models import User
from kwippy.posts.changes import change_stamp_posts
from kwippy.posts.models import Link, Post, UserTag, url_hash
from kwippy.posts.normalize import normalize_url, parse_tags


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
    if public:
        Link.objects.filter(pk=link_id).update(public_saves=F("public_saves") + delta)
    tags = list(tags)
    if not tags:
        return
    if delta < 0:
        # An upsert cannot decrement: PostgreSQL checks the proposed row (negative counts) against
        # the `count >= 0` constraints before it finds the conflict.
        UserTag.objects.filter(user_id=user_id, name__in=tags).update(
            count=F("count") + delta,
            public_count=F("public_count") + (delta if public else 0),
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
            [user_id, delta, delta if public else 0, tags],
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
    change_stamp_posts(user_id=user.pk, public=not is_private)
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
    change_stamp_posts(user_id=post.user_id, public=not (old.is_private and post.is_private))
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
    change_stamp_posts(user_id=old.user_id, public=not old.is_private)
