"""Import a Netscape bookmark file into a person's posts, and export their posts as one.

The import streams: the file is read once, parsed a block at a time and written in batches, each
batch in a short transaction of its own, so a file of tens of megabytes never holds one
transaction open for minutes. The posts app writes each batch (`posts_bulk_upsert`: a handful of
statements a batch, the counts and change stamps with them); this module reads, cleans and
reports.

An import run by a job checkpoints each batch in the batch's own transaction (an ImportBatch: how
far the file was read, the counts so far, what the batch did to each URL), so no kill leaves a
checkpoint ahead of the posts or behind them. Run again, the job skips the bookmarks already read
and goes on with the counts it had: its posts and its summary are a single run's.
"""

import dataclasses
import io
import itertools
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone

from kwippy.accounts.models import User
from kwippy.portability import jobs, netscape
from kwippy.portability.models import Import, ImportBatch, ImportFile
from kwippy.posts.models import Post, url_hash
from kwippy.posts.normalize import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    InvalidURL,
    is_in_future,
    normalize_url,
    shorten,
)
from kwippy.posts.services import BulkUpsertResult, PostRow, PostValues, posts_bulk_upsert
from kwippy.posts.tags import MAX_TAGS, TAG_MAX_LENGTH, normalize_tag

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
READ_SIZE = 256 * 1024
EXAMPLES_PER_REASON = 5
BATCH_ATTEMPTS = 3
EXPORT_CHUNK = 2000
SHORTENED_TITLE = "titles"
SHORTENED_TAG = "tags"
SHORTENED_DESCRIPTION = "descriptions"
SHORTENED_TAG_LIST = f"tag lists (over {MAX_TAGS} tags)"
# An import's page reads its progress; writing it more often would only slow the import.
PROGRESS_SECONDS = 1.0
# A failed import's file stays this long, so the job can be retried from the admin.
FAILED_FILE_KEPT = timedelta(days=1)


class NotABookmarkFile(ValueError):
    """The uploaded file is not a Netscape bookmark file."""


@dataclasses.dataclass
class ImportResult:
    """What an import did: counts of posts, and what was skipped or shortened, and why."""

    read: int = 0
    written: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: Counter = dataclasses.field(default_factory=Counter)
    skipped_examples: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    shortened: Counter = dataclasses.field(default_factory=Counter)
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

    def as_json(self) -> dict:
        """Return the result as JSON-ready data, which `from_json` reads back."""
        # Not dataclasses.asdict, which rebuilds a Counter by counting its (key, value) pairs.
        return {
            **{field.name: getattr(self, field.name) for field in dataclasses.fields(self)},
            "skipped": dict(self.skipped),
            "shortened": dict(self.shortened),
        }

    @classmethod
    def from_json(cls, data: dict) -> "ImportResult":
        fields = {
            **data,
            "skipped": Counter(data.get("skipped", {})),
            "shortened": Counter(data.get("shortened", {})),
        }
        return cls(**fields)


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


# What separates the words of a folder's name ("Web / Frontend", "Lisboa (Portugal)", "Pasta &
# Noodles"). Marks that are part of a word ("C++", "Node.js", "C#") stay.
_FOLDER_SEPARATORS = re.compile(r"[\s/\\|&()\[\]{}<>,;:\"'\-\u2013\u2014\u00b7]+")


def folder_tag(folder: str) -> str:
    """Return the tag a folder's name becomes: its words in lower case, joined by "-"."""
    return "-".join(word for word in _FOLDER_SEPARATORS.split(folder) if word).lower()


def _believed(moment: datetime | None, *, now: datetime) -> datetime | None:
    """Return a date of the file, or None (unknown) for one in the future, as the API does."""
    return None if moment is None or is_in_future(moment, now=now) else moment


def _clean(
    bookmark: netscape.NetscapeBookmark,
    *,
    folders_as_tags: bool,
    now: datetime,
    result: ImportResult,
) -> PostRow | None:
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
    folders = [folder_tag(name) for name in bookmark.folders] if folders_as_tags else []
    folders = [tag for tag in folders if tag]
    created = _believed(bookmark.add_date, now=now)
    updated = _believed(bookmark.last_modified, now=now)
    if (created, updated) != (bookmark.add_date, bookmark.last_modified):
        result.future_dates += 1
    return PostRow(
        url=url,
        title=shorten(title, TITLE_MAX_LENGTH) or None,
        description=shorten(description, DESCRIPTION_MAX_LENGTH) or None,
        # A file silent on tags (no TAGS, no folder to take them from) keeps the stored ones.
        tags=None
        if bookmark.tags is None and not folders
        else _clean_tags(itertools.chain(bookmark.tags or (), folders), result=result),
        is_private=bookmark.private,
        to_read=bookmark.to_read,
        created=created,
        updated=updated or created,
    )


def _blocks(stream: BinaryIO, progress: Callable[[int], None] | None) -> Iterator[bytes]:
    while block := stream.read(READ_SIZE):
        if progress is not None:
            progress(len(block))
        yield block


def _values_json(values: PostValues) -> dict:
    return {
        **values._asdict(),
        "created": values.created.isoformat(),
        "updated": values.updated.isoformat(),
    }


def _values_from_json(data: dict) -> PostValues:
    return PostValues(
        **{
            **data,
            "created": datetime.fromisoformat(data["created"]),
            "updated": datetime.fromisoformat(data["updated"]),
        }
    )


@dataclasses.dataclass
class ImportState:
    """How far an import has gone: its counts, and what it did to each URL written so far.

    For each URL a batch created or changed it keeps the post as it was before the import: a later
    copy in a later batch applies to that, not on top of the earlier copy (a copy and a later one
    can be a whole batch apart).
    """

    result: ImportResult = dataclasses.field(default_factory=ImportResult)
    outcomes: dict[str, str] = dataclasses.field(default_factory=dict)
    originals: dict[str, PostValues | None] = dataclasses.field(default_factory=dict)

    def record(self, outcome: BulkUpsertResult) -> None:
        """Take in what a written batch did."""
        for key in outcome.created:
            self.originals[key] = None
            self.outcomes[key] = "created"
        for key, before in outcome.updated.items():
            self.originals.setdefault(key, before)
            self.outcomes[key] = "updated"
        for key in outcome.unchanged:
            self.outcomes[key] = "unchanged"
        self.result.written = len(self.outcomes)

    def batch_fields(self, outcome: BulkUpsertResult) -> dict:
        """Return the fields of the ImportBatch that checkpoints this state, `outcome` its last."""
        return {"result": self.result.as_json(), "outcome": _outcome_json(outcome)}

    @classmethod
    def from_batches(cls, batches: Iterable[ImportBatch]) -> "ImportState":
        """Return the state an import's checkpointed batches, in order, left it in."""
        state = cls()
        for batch in batches:
            state.record(_outcome_from_json(batch.outcome))
            state.result = ImportResult.from_json(batch.result)
        return state


def _outcome_json(outcome: BulkUpsertResult) -> dict:
    return {
        "created": sorted(outcome.created),
        "updated": {key: _values_json(before) for key, before in outcome.updated.items()},
        "unchanged": sorted(outcome.unchanged),
    }


def _outcome_from_json(data: dict) -> BulkUpsertResult:
    return BulkUpsertResult(
        created=set(data["created"]),
        updated={key: _values_from_json(before) for key, before in data["updated"].items()},
        unchanged=set(data["unchanged"]),
    )


def bookmarks_import(
    *,
    user: User,
    stream: BinaryIO,
    folders_as_tags: bool = True,
    unmarked_private: bool = True,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    batch_written: Callable[[ImportResult], None] | None = None,
    resume: ImportState | None = None,
    checkpoint: Callable[[ImportState, BulkUpsertResult], None] | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Import a Netscape bookmark file into a person's posts and return what happened.

    Bookmarks whose file gives no PRIVATE mark (browsers never do) are private unless
    `unmarked_private` is False. A URL already saved is updated with the file's data; a URL the
    file holds twice is saved once, with the later copy's data. Raise NotABookmarkFile, having
    stored nothing, when the stream is not a bookmark file.

    The stream is read once, from where it stands; `progress` is called with the number of bytes
    read each time, so it adds up to the file's size. `batch_written` is called with the result so
    far (`written` counts the links stored) after each batch is committed; `checkpoint` with the
    state and the batch's outcome inside the batch's transaction, before it commits.

    With `resume`, the state a checkpoint left, the file's first `resume.result.read` bookmarks are
    passed over and the import goes on from there; `now` is then the first run's (the time given
    to undated bookmarks and against which dates are in the future).
    """
    state = resume or ImportState()
    result = state.result
    now = now or timezone.now()
    already_read = result.read
    pending: dict[str, PostRow] = {}

    def written_batch() -> BulkUpsertResult:
        for attempt in itertools.count(1):
            try:
                return posts_bulk_upsert(
                    user=user,
                    rows=pending,
                    unmarked_private=unmarked_private,
                    now=now,
                    originals=state.originals,
                )
            except IntegrityError:
                # The person saved one of these URLs while the batch ran: read again, retry.
                if attempt == BATCH_ATTEMPTS:
                    raise

    def flush():
        with transaction.atomic():
            outcome = written_batch()
            state.record(outcome)
            if checkpoint is not None:
                checkpoint(state, outcome)
        pending.clear()
        if batch_written is not None:
            batch_written(result)

    parser = netscape.NetscapeParser()
    bookmarks = parser.read(netscape.decode(_blocks(stream, progress)))
    for bookmark in itertools.islice(bookmarks, already_read, None):
        result.read += 1
        row = _clean(bookmark, folders_as_tags=folders_as_tags, now=now, result=result)
        if row is None:
            continue
        key = url_hash(row.url)
        if key in pending or key in state.outcomes:
            result.duplicates += 1
            # The later copy takes the earlier one's place, and is written in its own turn.
            pending.pop(key, None)
        pending[key] = row
        if len(pending) >= batch_size:
            flush()
    # Nothing is written before this is known: a file with no bookmark in it is no bookmark file.
    if not parser.is_bookmark_file:
        raise NotABookmarkFile(
            "This is not a Netscape bookmark file (the HTML file browsers and bookmarking sites "
            "export); nothing was imported."
        )
    if pending:
        flush()
    tally = Counter(state.outcomes.values())
    result.imported, result.updated, result.unchanged = (
        tally["created"],
        tally["updated"],
        tally["unchanged"],
    )
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


def import_queue(
    *, owner: User, filename: str, data: bytes, folders_as_tags: bool, unmarked_private: bool
) -> Import:
    """Store a bookmark file and queue its import, in one transaction; return the Import."""
    with transaction.atomic():
        upload = Import.objects.create(
            owner=owner,
            filename=filename[:255],
            size=len(data),
            folders_as_tags=folders_as_tags,
            unmarked_private=unmarked_private,
        )
        ImportFile.objects.create(upload=upload, data=data)
        # One person's imports run one after the other: interleaved, a later file's data could
        # be overwritten by an earlier one's.
        jobs.import_run.configure(lock=f"imports-of-user-{owner.pk}").defer(import_id=upload.pk)
    return upload


def import_run(*, import_id: int) -> None:
    """Run a queued import from its stored file, writing its progress as it goes.

    Run again after a lost worker, it goes on after the last batch it wrote (an ImportBatch), with
    the counts and the starting time it had then.
    """
    upload = Import.objects.select_related("owner").get(pk=import_id)
    if upload.state == Import.State.DONE:
        return
    stored = ImportFile.objects.get(upload=upload)
    state = ImportState.from_batches(stored.batches.order_by("pk"))
    started = upload.started or timezone.now()
    Import.objects.filter(pk=import_id).update(
        state=Import.State.RUNNING,
        started=started,
        finished=None,
        bytes_read=0,
        result=state.result.as_json(),
        error="",
    )
    bytes_read = 0
    last_written = time.monotonic()

    def count_bytes(size: int) -> None:
        nonlocal bytes_read
        bytes_read += size

    def save_batch(state: ImportState, outcome: BulkUpsertResult) -> None:
        ImportBatch.objects.create(file=stored, **state.batch_fields(outcome))

    def write_progress(result: ImportResult) -> None:
        nonlocal last_written
        if time.monotonic() - last_written >= PROGRESS_SECONDS:
            last_written = time.monotonic()
            Import.objects.filter(pk=import_id).update(
                bytes_read=bytes_read, result=result.as_json()
            )

    try:
        result = bookmarks_import(
            user=upload.owner,
            stream=io.BytesIO(bytes(stored.data)),
            folders_as_tags=upload.folders_as_tags,
            unmarked_private=upload.unmarked_private,
            progress=count_bytes,
            batch_written=write_progress,
            resume=state,
            checkpoint=save_batch,
            now=started,
        )
    except NotABookmarkFile as error:
        _import_failed(import_id=import_id, error=str(error))
        return
    except Exception:
        log.exception("imports: import %s failed", import_id)
        _import_failed(
            import_id=import_id,
            error="The import stopped on an error on our side; it will be looked into.",
        )
        raise
    with transaction.atomic():
        Import.objects.filter(pk=import_id).update(
            state=Import.State.DONE,
            bytes_read=bytes_read,
            result=result.as_json(),
            finished=timezone.now(),
        )
        ImportFile.objects.filter(upload_id=import_id).delete()


def _import_failed(*, import_id: int, error: str) -> None:
    Import.objects.filter(pk=import_id).update(
        state=Import.State.FAILED, error=error, finished=timezone.now()
    )


def import_files_delete_expired(*, now: datetime) -> int:
    """Delete the files of imports that failed over FAILED_FILE_KEPT ago; return how many."""
    _, deleted = ImportFile.objects.filter(
        upload__state=Import.State.FAILED, upload__finished__lt=now - FAILED_FILE_KEPT
    ).delete()
    # Their batches go with them, and count apart.
    return deleted.get(ImportFile._meta.label, 0)
