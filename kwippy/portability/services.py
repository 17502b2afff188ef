"""Import a Netscape bookmark file into a person's posts, and export their posts as one.

The import streams: the file is parsed a block at a time (twice: first to find the last copy of
each URL, then to write) and written in batches, each batch in a short transaction of its own, so
a file of tens of megabytes never holds one transaction open for minutes. A batch writes posts in
bulk (the single-post services would cost a few queries per post) and then adjusts the
denormalised counts once through `post_counts_apply`, so links' public saves and tag counts always
match the posts.
"""

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kwippy.accounts.changes import change_stamp_posts
from kwippy.accounts.models import User
from kwippy.portability import netscape
from kwippy.posts.models import Link, Post, url_hash
from kwippy.posts.normalize import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    InvalidURL,
    is_in_future,
    normalize_url,
)
from kwippy.posts.services import post_counts_apply
from kwippy.posts.tags import MAX_TAGS, TAG_MAX_LENGTH, normalize_tag

BATCH_SIZE = 1000
READ_SIZE = 256 * 1024
EXAMPLES_PER_REASON = 5
BATCH_ATTEMPTS = 3
EXPORT_CHUNK = 2000
ELLIPSIS = "…"
SHORTENED_TITLE = "titles"
SHORTENED_TAG = "tags"
SHORTENED_DESCRIPTION = "descriptions"
SHORTENED_TAG_LIST = f"tag lists (over {MAX_TAGS} tags)"
POST_FIELDS = ["title", "description", "tags", "is_private", "to_read", "created", "updated"]


class NotABookmarkFile(ValueError):
    """The uploaded file is not a Netscape bookmark file."""


@dataclass
class ImportResult:
    """What an import did: counts of posts, and what was skipped or shortened, and why."""

    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: Counter = field(default_factory=Counter)
    skipped_examples: dict[str, list[str]] = field(default_factory=dict)
    shortened: Counter = field(default_factory=Counter)
    future_dates: int = 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skip(self, reason: str, url: str) -> None:
        """Count one bookmark left out, keeping a few URLs as examples."""
        self.skipped[reason] += 1
        examples = self.skipped_examples.setdefault(reason, [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append(url[:200])

    def skipped_reasons(self) -> list[tuple[str, int, list[str]]]:
        """Return each reason for skipping, most frequent first, with its count and examples."""
        return [
            (reason, count, self.skipped_examples.get(reason, []))
            for reason, count in self.skipped.most_common()
        ]

    def shortened_fields(self) -> list[tuple[str, int]]:
        """Return what kind of field was shortened and how many times, by kind."""
        return sorted(self.shortened.items())

    def summary_lines(self) -> list[str]:
        """Return the result as short lines of text, for a terminal or a log."""
        lines = [
            f"read {self.read:,} bookmarks: {self.imported:,} imported, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {self.skipped_total:,} skipped"
        ]
        for reason, count, examples in self.skipped_reasons():
            lines.append(f"skipped {count:,}: {reason} (for example {', '.join(examples)})")
        if self.duplicates:
            lines.append(
                "bookmarks in the file more than once (the later copy was kept): "
                f"{self.duplicates:,}"
            )
        for what, count in self.shortened_fields():
            lines.append(f"{what} shortened to fit our limits: {count:,}")
        if self.future_dates:
            lines.append(
                f"dates in the future, set to the time of the import: {self.future_dates:,}"
            )
        return lines


@dataclass
class _Row:
    """One cleaned bookmark, ready to write; `None` where the file said nothing."""

    url: str
    title: str | None
    description: str | None
    tags: list[str]
    is_private: bool | None
    to_read: bool | None
    created: datetime | None
    updated: datetime | None


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _printable(text: str) -> str:
    # PostgreSQL text cannot hold NUL; nothing else in a bookmark file is worth refusing.
    return text.replace("\x00", "")


def _clean_tags(words: Iterable[str], *, result: ImportResult) -> list[str]:
    """Return the stored form of a bookmark's tags, at most MAX_TAGS, counting what was cut."""
    tags: dict[str, None] = {}
    for word in words:
        tag = normalize_tag(_printable(word))
        if not tag or tag in tags:
            continue
        if len(tags) == MAX_TAGS:
            result.shortened[SHORTENED_TAG_LIST] += 1
            break
        # One tag per comma-separated entry: "web design" is the tag "web-design".
        if len("-".join(_printable(word).replace(",", " ").split())) > TAG_MAX_LENGTH:
            result.shortened[SHORTENED_TAG] += 1
        tags[tag] = None
    return list(tags)


def _believed(moment: datetime | None, *, now: datetime) -> datetime | None:
    """Return a date of the file, or None (unknown) for one in the future, as the API does."""
    return None if moment is None or is_in_future(moment, now=now) else moment


def _clean(
    bookmark: netscape.NetscapeBookmark,
    *,
    folders_as_tags: bool,
    now: datetime,
    result: ImportResult,
) -> _Row | None:
    try:
        url = normalize_url(bookmark.url)
    except InvalidURL as error:
        result.skip(str(error), bookmark.url)
        return None
    # A blank title or note says nothing: a post already saved keeps its own.
    title = _printable(bookmark.title).strip()
    if len(title) > TITLE_MAX_LENGTH:
        result.shortened[SHORTENED_TITLE] += 1
    description = _printable(bookmark.description).strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        result.shortened[SHORTENED_DESCRIPTION] += 1
    folders = bookmark.folders if folders_as_tags else ()
    created = _believed(bookmark.add_date, now=now)
    updated = _believed(bookmark.last_modified, now=now)
    if (created, updated) != (bookmark.add_date, bookmark.last_modified):
        result.future_dates += 1
    return _Row(
        url=url,
        title=_shorten(title, TITLE_MAX_LENGTH) or None,
        description=_shorten(description, DESCRIPTION_MAX_LENGTH) or None,
        tags=_clean_tags(itertools.chain(bookmark.tags, folders), result=result),
        is_private=bookmark.private,
        to_read=bookmark.to_read,
        created=created,
        updated=updated or created,
    )


def _same_second(a: datetime, b: datetime) -> bool:
    # Files hold whole seconds, rounded down (before 1970 too).
    return a.replace(microsecond=0) == b.replace(microsecond=0)


@dataclass
class _BatchOutcome:
    created: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    unchanged: set[str] = field(default_factory=set)


class _Counts:
    """Summed count changes of one batch, for `post_counts_apply`."""

    def __init__(self):
        self.tags: dict[str, list[int]] = {}
        self.links: Counter = Counter()

    def add(self, post: Post, delta: int) -> None:
        public = not post.is_private
        for tag in post.tags:
            counts = self.tags.setdefault(tag, [0, 0])
            counts[0] += delta
            counts[1] += delta if public else 0
        if public:
            self.links[post.link_id] += delta


# Links and posts are inserted by hand with one UNNEST each: `bulk_create` cannot use UNNEST for a
# table with an array column, and building its many-placeholder statements took a third of the
# import's time. Tags travel comma-joined (a stored tag has no comma) and are split back in SQL.
def _insert_links(rows: dict[str, _Row], now: datetime) -> None:
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


def _write_batch(
    *, user: User, rows: dict[str, _Row], unmarked_private: bool, now: datetime
) -> _BatchOutcome:
    """Create or update the posts of one batch and their counts, in one short transaction."""
    outcome = _BatchOutcome()
    counts = _Counts()
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
        # Whether anything others can see changed: then public feeds must move too.
        touched_public = False
        for key, row in rows.items():
            post = existing.get(link_ids[key])
            if post is None:
                created = row.created or now
                post = Post(
                    user=user,
                    link_id=link_ids[key],
                    title=row.title or _shorten(row.url, TITLE_MAX_LENGTH),
                    description=row.description or "",
                    tags=row.tags,
                    is_private=unmarked_private if row.is_private is None else row.is_private,
                    to_read=bool(row.to_read),
                    created=created,
                    updated=row.updated or created,
                )
                creates.append(post)
                touched_public |= not post.is_private
                counts.add(post, 1)
                outcome.created.add(key)
                continue
            # Where the file says nothing about a field, the post keeps its own.
            wanted = {
                "title": post.title if row.title is None else row.title,
                "description": post.description if row.description is None else row.description,
                "tags": row.tags,
                "is_private": post.is_private if row.is_private is None else row.is_private,
                "to_read": post.to_read if row.to_read is None else row.to_read,
            }
            changed = {
                name: value for name, value in wanted.items() if getattr(post, name) != value
            }
            if row.created and not _same_second(row.created, post.created):
                changed["created"] = row.created
            if row.updated and not _same_second(row.updated, post.updated):
                changed["updated"] = row.updated
            if not changed:
                outcome.unchanged.add(key)
                continue
            counts.add(post, -1)
            touched_public |= not post.is_private
            for name, value in changed.items():
                setattr(post, name, value)
            if "updated" not in changed:
                post.updated = now
            counts.add(post, 1)
            touched_public |= not post.is_private
            updates.append(post)
            outcome.updated.add(key)
        _insert_posts(creates)
        Post.objects.bulk_update(updates, POST_FIELDS)
        post_counts_apply(
            user_id=user.pk,
            tag_deltas={name: (c[0], c[1]) for name, c in counts.tags.items()},
            link_deltas=counts.links,
        )
        if creates or updates:
            change_stamp_posts(user_id=user.pk, public=touched_public)
    return outcome


def _blocks(stream: BinaryIO, progress: Callable[[int], None] | None) -> Iterator[bytes]:
    while block := stream.read(READ_SIZE):
        if progress is not None:
            progress(len(block))
        yield block


def _last_copies(stream: BinaryIO, progress) -> tuple[dict[str, int], bool]:
    """Return where in the file each stored URL last appears, and whether it is a bookmark file."""
    parser = netscape.NetscapeParser()
    last: dict[str, int] = {}
    for position, bookmark in enumerate(parser.read(netscape.decode(_blocks(stream, progress)))):
        try:
            last[url_hash(normalize_url(bookmark.url))] = position
        except InvalidURL:
            continue
    return last, parser.is_bookmark_file


def bookmarks_import(
    *,
    user: User,
    stream: BinaryIO,
    folders_as_tags: bool = True,
    unmarked_private: bool = True,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a Netscape bookmark file into a person's posts and return what happened.

    Bookmarks whose file gives no PRIVATE mark (browsers never do) are private unless
    `unmarked_private` is False. A URL already saved is updated with the file's data; a URL the
    file holds twice is saved once, with the later copy's data. Raise NotABookmarkFile, having
    stored nothing, when the stream is not a bookmark file.

    The stream is read twice, so it must be seekable: first to find the last copy of every URL
    (a copy and a later one can be a whole batch apart), then to write. `progress` is called with
    the number of bytes read, so it adds up to twice the file's size.
    """
    start = stream.tell()
    last, is_bookmark_file = _last_copies(stream, progress)
    if not is_bookmark_file:
        raise NotABookmarkFile(
            "This is not a Netscape bookmark file (the HTML file browsers and bookmarking sites "
            "export); nothing was imported."
        )
    stream.seek(start)
    result = ImportResult()
    now = timezone.now()
    pending: dict[str, _Row] = {}

    def flush():
        for attempt in range(BATCH_ATTEMPTS):
            try:
                outcome = _write_batch(
                    user=user, rows=pending, unmarked_private=unmarked_private, now=now
                )
                break
            except IntegrityError:
                # The person saved one of these URLs while the batch ran: read again, retry.
                if attempt == BATCH_ATTEMPTS - 1:
                    raise
        result.imported += len(outcome.created)
        result.updated += len(outcome.updated)
        result.unchanged += len(outcome.unchanged)
        pending.clear()

    bookmarks = netscape.NetscapeParser().read(netscape.decode(_blocks(stream, progress)))
    for position, bookmark in enumerate(bookmarks):
        result.read += 1
        row = _clean(bookmark, folders_as_tags=folders_as_tags, now=now, result=result)
        if row is None:
            continue
        key = url_hash(row.url)
        if last.get(key, position) != position:
            result.duplicates += 1
            continue
        pending[key] = row
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    return result


def _exported(rows: Iterable[tuple]) -> Iterator[netscape.NetscapeBookmark]:
    for url, title, description, tags, is_private, to_read, created, updated in rows:
        yield netscape.NetscapeBookmark(
            url=url,
            title=title,
            description=description,
            tags=tuple(tags),
            add_date=created,
            last_modified=updated,
            private=is_private,
            to_read=to_read,
        )


def bookmarks_export(*, user: User) -> Iterator[str]:
    """Yield all of a person's posts, private ones included, as a Netscape bookmark file."""
    rows = (
        Post.objects.filter(user=user)
        .order_by("-created", "-id")
        .values_list(
            "link__url",
            "title",
            "description",
            "tags",
            "is_private",
            "to_read",
            "created",
            "updated",
        )
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    return netscape.render(_exported(rows), title=f"{user.username}'s kwippy bookmarks")
