"""Writes to posts, links and tag counts. Every change of a post goes through here, so that the
denormalised counts (a link's public saves, a person's tag counts) always match the posts."""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, TypedDict, Unpack

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kwippy.accounts.changes import change_stamp_own_posts, change_stamp_posts
from kwippy.accounts.models import User
from kwippy.posts.models import Link, Post, UserTag, url_hash
from kwippy.posts.normalize import TITLE_MAX_LENGTH, normalize_url, shorten
from kwippy.posts.signals import links_saved
from kwippy.posts.tags import MAX_TAGS, TooManyTags, normalize_tag, parse_tags


def _tag_list(tags: str | Iterable[str]) -> list[str]:
    return parse_tags(tags if isinstance(tags, str) else " ".join(tags))


class PostExists(Exception):
    """The person has already saved this URL."""

    def __init__(self, post: Post):
        super().__init__(f"already saved: {post.link.url}")
        self.post = post


def untitled(url: str) -> str:
    """Return the title of a post saved without one: its address, until the page gives it one."""
    return shorten(url, TITLE_MAX_LENGTH)


def posts_title_from_pages(*, link_ids: Iterable[int], user_id: int | None = None) -> int:
    """Give the posts of these links saved without a title (of one person, if named) the title
    their link's page gave (LinkPage); return how many changed.

    A title a person typed is theirs and is never replaced: only a post whose title is still its
    address (`untitled`) takes the page's. Two queries however many posts, for an import's batch.
    """
    posts = Post.objects.filter(link_id__in=list(link_ids)).exclude(link__page__title="")
    if user_id is not None:
        posts = posts.filter(user_id=user_id)
    changed = []
    for post in posts.select_related("link__page").only(
        "id", "user_id", "is_private", "title", "link__url", "link__page__title"
    ):
        title = shorten(" ".join(post.link.page.title.split()), TITLE_MAX_LENGTH)
        if title and post.title == untitled(post.link.url):
            post.title = title
            changed.append(post)
    Post.objects.bulk_update(changed, ["title"])
    # One stamp a person, however many of their posts an import's batch titled.
    publicly: dict[int, bool] = {}
    for post in changed:
        publicly[post.user_id] = publicly.get(post.user_id, False) or not post.is_private
    for user_id, public in publicly.items():
        change_stamp_posts(user_id=user_id, public=public)
    return len(changed)


def link_get_or_create(*, url: str) -> Link:
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

    For writers of many posts at once: one call per batch instead of one per post.
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
    link = link_get_or_create(url=url)
    tag_list = _tag_list(tags)
    now = timezone.now()
    try:
        with transaction.atomic():
            post = Post.objects.create(
                user=user,
                link=link,
                title=title.strip()[:TITLE_MAX_LENGTH] or untitled(link.url),
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
    _tell_saved(user_id=user.pk, posts=[post], interactive=True)
    return post


def _tell_saved(*, user_id: int, posts: Iterable[Post], interactive: bool) -> None:
    posts = list(posts)
    if posts:
        links_saved.send(
            sender=Post,
            user_id=user_id,
            link_ids=[post.link_id for post in posts],
            private_link_ids={post.link_id for post in posts if post.is_private},
            interactive=interactive,
        )


class PostChanges(TypedDict, total=False):
    """The fields of a post that `post_update` changes; those left out keep their value."""

    url: str
    title: str
    description: str
    tags: str | Iterable[str]
    is_private: bool
    to_read: bool
    created: datetime


@transaction.atomic
def post_update(*, post: Post, **changes: Unpack[PostChanges]) -> Post:
    """Change a post's URL, title, description, tags, privacy, to-read flag or date; return it.

    A URL the owner saved in another post raises PostExists, naming that post: two posts of one
    person never share a link, and which of the two to keep is theirs to say.

    The changes apply to the row as locked now, never to `post` as its caller read it: a field
    another request changed in between keeps that change unless this call changes it too. `post`
    is then brought up to date with what was saved.
    """
    current = Post.objects.select_for_update().get(pk=post.pk)
    link = None
    if "url" in changes:
        link = link_get_or_create(url=changes.pop("url"))
        # A post moves to an address its owner saved already only by editing that other post.
        other = Post.objects.filter(user_id=current.user_id, link=link).exclude(pk=current.pk)
        if other.exists():
            raise PostExists(other.select_related("link").get())
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
    for name, value in changes.items():
        setattr(current, name, value)
    if link is not None:
        current.link = link
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
    if link is not None:
        _tell_saved(user_id=current.user_id, posts=[current], interactive=True)
    for concrete in Post._meta.concrete_fields:
        setattr(post, concrete.attname, getattr(current, concrete.attname))
    return current


@transaction.atomic
def post_delete(*, post: Post) -> None:
    """Delete a post and take it out of the counts."""
    old = Post.objects.select_for_update().filter(pk=post.pk).first()
    if old is None:
        return
    _adjust_counts(
        user_id=old.user_id, link_id=old.link_id, tags=old.tags, public=not old.is_private, delta=-1
    )
    old.delete()
    change_stamp_posts(user_id=old.user_id, public=not old.is_private)


class BulkChange(TypedDict, total=False):
    """What `posts_bulk_edit` does to every post it is given; what is left out stays."""

    add_tags: Iterable[str]
    remove_tags: Iterable[str]
    is_private: bool
    to_read: bool
    delete: bool


class _CountDeltas:
    """The summed count changes of posts written together, applied with one `post_counts_apply`.

    Each post is added as it was (-1) and as it becomes (+1).
    """

    def __init__(self):
        self.tags: dict[str, list[int]] = {}
        self.links: Counter = Counter()
        # Whether anything others can see changed: then public feeds must move too.
        self.public = False

    def add(self, post: Post, delta: int) -> None:
        public = not post.is_private
        for tag in post.tags:
            counts = self.tags.setdefault(tag, [0, 0])
            counts[0] += delta
            counts[1] += delta if public else 0
        if public:
            self.links[post.link_id] += delta
            self.public = True

    def apply(self, *, user_id: int) -> None:
        post_counts_apply(
            user_id=user_id,
            tag_deltas={name: (count, public) for name, (count, public) in self.tags.items()},
            link_deltas=self.links,
        )


@transaction.atomic
def posts_bulk_edit(*, user: User, post_ids: Iterable[int], **change: Unpack[BulkChange]) -> int:
    """Make one change to many of a person's own posts in one transaction; return how many.

    Ids of other people's posts, or of none, are ignored. Tags are removed before others are
    added; a post left with more than MAX_TAGS raises TooManyTags and changes nothing. The
    person's feeds are stamped once, whatever the number of posts.
    """
    posts = list(
        Post.objects.select_for_update().filter(user=user, pk__in=list(post_ids)).order_by("pk")
    )
    if not posts:
        return 0
    counts = _CountDeltas()
    for post in posts:
        counts.add(post, -1)
    if change.get("delete"):
        Post.objects.filter(pk__in=[post.pk for post in posts]).delete()
    else:
        removed = set(_tag_list(change.get("remove_tags", ())))
        added = _tag_list(change.get("add_tags", ()))
        now = timezone.now()
        for post in posts:
            kept = [tag for tag in post.tags if tag not in removed]
            post.tags = kept + [tag for tag in added if tag not in kept]
            if len(post.tags) > MAX_TAGS:
                raise TooManyTags(post.title)
            for flag in ("is_private", "to_read"):
                if flag in change:
                    setattr(post, flag, change[flag])
            post.updated = now
            counts.add(post, 1)
        Post.objects.bulk_update(posts, ["tags", "is_private", "to_read", "updated"])
    counts.apply(user_id=user.pk)
    change_stamp_posts(user_id=user.pk, public=counts.public)
    return len(posts)


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


def link_health_changed(*, link_ids: Iterable[int]) -> None:
    """Stamp the owners of every post of these links, once the transaction commits, after what
    their own lists show of the links' pages changed: the health (a badge appears, changes or
    goes) or whether a copy is kept (the "cached copy" link).

    Call it whenever a `LinkPage`'s `health` moves, or its `text` turns empty or not, in the same
    transaction: a person's pages are kept rendered under their change stamp
    (`fragments.person_fragment`), so without a new stamp they would show the old badge for as
    long as they are kept. Only the owners' own view moves (the badges are theirs alone); their
    public pages and feeds keep their stamps.
    """
    owners = Post.objects.filter(link_id__in=list(link_ids)).values_list("user_id", flat=True)
    change_stamp_own_posts(user_ids=owners.distinct())


@dataclass(frozen=True)
class PostRow:
    """One post to write in bulk, by its normalised URL; `None` where its source says nothing."""

    url: str
    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    is_private: bool | None = None
    to_read: bool | None = None
    created: datetime | None = None
    updated: datetime | None = None


class PostValues(NamedTuple):
    """The fields of a post that a bulk write sets."""

    title: str
    description: str
    tags: list[str]
    is_private: bool
    to_read: bool
    created: datetime
    updated: datetime


@dataclass
class BulkUpsertResult:
    """What a bulk write did, by URL hash; `updated` holds each changed post as it was before."""

    created: set[str] = field(default_factory=set)
    updated: dict[str, PostValues] = field(default_factory=dict)
    unchanged: set[str] = field(default_factory=set)


def _same_second(a: datetime, b: datetime) -> bool:
    # Bookmark files hold whole seconds, rounded down (before 1970 too).
    return a.replace(microsecond=0) == b.replace(microsecond=0)


def _values_of(post: Post) -> PostValues:
    return PostValues._make(getattr(post, name) for name in PostValues._fields)


def _merged(
    row: PostRow, base: PostValues | None, *, unmarked_private: bool, now: datetime
) -> PostValues:
    """Return the post that `row` makes of `base` (None: no post yet); `base` if nothing changes."""
    if base is None:
        created = row.created or now
        return PostValues(
            title=row.title or untitled(row.url),
            description=row.description or "",
            tags=row.tags or [],
            is_private=unmarked_private if row.is_private is None else row.is_private,
            to_read=bool(row.to_read),
            created=created,
            updated=row.updated or created,
        )
    # Where the row says nothing about a field, the post keeps its own.
    merged = PostValues(
        title=base.title if row.title is None else row.title,
        description=base.description if row.description is None else row.description,
        tags=base.tags if row.tags is None else row.tags,
        is_private=base.is_private if row.is_private is None else row.is_private,
        to_read=base.to_read if row.to_read is None else row.to_read,
        created=base.created
        if row.created is None or _same_second(row.created, base.created)
        else row.created,
        updated=base.updated
        if row.updated is None or _same_second(row.updated, base.updated)
        else row.updated,
    )
    if merged != base and merged.updated == base.updated:
        # Changed, and the row gives no other moment of the change: it changed now.
        merged = merged._replace(updated=now)
    return merged


# Links and posts are inserted by hand with one UNNEST each: `bulk_create` cannot use UNNEST for a
# table with an array column, and building its many-placeholder statements took a third of an
# import's time. Tags travel comma-joined (a stored tag has no comma) and are split back in SQL.
def _insert_links(rows: Mapping[str, PostRow], now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Link._meta.db_table} (url, url_hash, public_saves, created)
            SELECT url, url_hash, 0, %s FROM unnest(%s::text[], %s::varchar[]) AS t(url, url_hash)
            ON CONFLICT (url_hash) DO NOTHING
            """,
            [now, [row.url for row in rows.values()], list(rows)],
        )


def _insert_posts(posts: list[Post]) -> None:
    if not posts:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Post._meta.db_table}
                (user_id, link_id, title, description, tags, is_private, to_read, created, updated)
            SELECT user_id, link_id, title, description, string_to_array(tags, ','), is_private,
                to_read, created, updated
            FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::text[], %s::text[],
                %s::boolean[], %s::boolean[], %s::timestamptz[], %s::timestamptz[])
                AS t(user_id, link_id, title, description, tags, is_private, to_read, created,
                     updated)
            """,
            [
                [post.user_id for post in posts],
                [post.link_id for post in posts],
                [post.title for post in posts],
                [post.description for post in posts],
                [",".join(post.tags) for post in posts],
                [post.is_private for post in posts],
                [post.to_read for post in posts],
                [post.created for post in posts],
                [post.updated for post in posts],
            ],
        )


def posts_bulk_upsert(
    *,
    user: User,
    rows: Mapping[str, PostRow],
    unmarked_private: bool,
    now: datetime,
    originals: Mapping[str, PostValues | None] | None = None,
) -> BulkUpsertResult:
    """Create or update a person's posts of many URLs at once, in one short transaction.

    `rows` are keyed by the `url_hash` of their URL, one row a URL. A post already saved keeps its
    own value of every field its row says nothing about; a new post is private when its row says
    nothing of privacy if `unmarked_private`, and dated `now` when its row gives no date. Raise
    IntegrityError if the person saved one of the URLs meanwhile (read again and retry).

    A writer of many batches that meets a URL again passes, in `originals`, the post as it was
    before its first batch (None: there was none): the row then applies to that, so the later row
    replaces the earlier one instead of adding to it, and the result says what the two did together.

    A handful of statements whatever the number of rows, where the single-post services would cost
    a few per post: the counts move once, and the change stamps once.
    """
    originals = originals or {}
    result = BulkUpsertResult()
    counts = _CountDeltas()
    with transaction.atomic():
        _insert_links(rows, now)
        link_ids = dict(Link.objects.filter(url_hash__in=rows).values_list("url_hash", "id"))
        existing = {
            post.link_id: post
            for post in Post.objects.select_for_update().filter(
                user=user, link_id__in=link_ids.values()
            )
        }
        creates, updates = [], []
        for key, row in rows.items():
            post = existing.get(link_ids[key])
            current = None if post is None else _values_of(post)
            base = originals.get(key, current)
            wanted = _merged(row, base, unmarked_private=unmarked_private, now=now)
            if base is None:
                result.created.add(key)
            elif wanted == base:
                result.unchanged.add(key)
            else:
                result.updated[key] = base
            if wanted == current:
                continue
            if post is None:
                post = Post(user=user, link_id=link_ids[key], **wanted._asdict())
                creates.append(post)
            else:
                counts.add(post, -1)
                for name, value in wanted._asdict().items():
                    setattr(post, name, value)
                updates.append(post)
            counts.add(post, 1)
        _insert_posts(creates)
        Post.objects.bulk_update(updates, PostValues._fields)
        counts.apply(user_id=user.pk)
        if creates or updates:
            change_stamp_posts(user_id=user.pk, public=counts.public)
        _tell_saved(user_id=user.pk, posts=creates, interactive=False)
    return result
