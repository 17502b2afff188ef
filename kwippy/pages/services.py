"""Writes of the pages app: which links to fetch, what a fetch found, a copy deleted, a choice.

A `Link` is shared by everyone who saved its address, so one fetch, one check and one copy serve
them all; its `LinkPage` row is created when a save asks for a fetch, and from then on holds the
next check's date, which the periodic job (jobs.py) reads.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from kwippy.accounts.models import User
from kwippy.core.fetch import Fetched
from kwippy.pages import health
from kwippy.pages.extract import PageContent
from kwippy.pages.models import PagePreference
from kwippy.pages.selectors import fetches_private, link_saved_by
from kwippy.posts.models import PAGE_TEXT_MAX_LENGTH, Link, LinkHealth, LinkPage, Post
from kwippy.posts.services import link_get_or_create, link_health_changed, posts_title_from_pages

# A link handed to the bulk lane is not due again before this, so the next tick does not queue it
# twice; a job lost with its worker brings its link back after it.
DISPATCH_LEASE = timedelta(hours=6)
# The same for a fetch a person is waiting for: the interactive lane takes it within seconds, so a
# lease still this short is that fetch's, and any longer one is the bulk lane's (or a check's
# date), which a person's save or preview does not wait for.
INTERACTIVE_LEASE = timedelta(minutes=1)


def pages_queue_saved(
    *, user_id: int, link_ids: Collection[int], private_link_ids: Collection[int], interactive: bool
) -> list[int]:
    """Make the links of posts just saved due for a fetch, unless checked recently; return those
    to fetch now (a person is waiting: `interactive`), which the caller queues.

    Imports (`interactive` false) only make their links due: the periodic job hands due links to
    the bulk lane a few hundred at a time, so 100,000 links are not 100,000 jobs at once.
    """
    wanted = set(link_ids)
    if private_link_ids and not fetches_private(user_id=user_id):
        # Someone else's save may still fetch the link; this save does not.
        wanted -= set(private_link_ids)
    if not wanted:
        return []
    now = timezone.now()
    LinkPage.objects.bulk_create(
        [LinkPage(link_id=link_id, next_check_at=now) for link_id in sorted(wanted)],
        ignore_conflicts=True,
    )
    recent = now - timedelta(days=settings.LINK_FETCH_RECENT_DAYS)
    due, titled = [], []
    for link_id, checked_at, title in LinkPage.objects.filter(link_id__in=wanted).values_list(
        "link_id", "checked_at", "title"
    ):
        if checked_at is None or checked_at < recent:
            due.append(link_id)
        elif title:
            titled.append(link_id)
    if titled:
        # Checked recently: the page's title is known, and a bare URL gets it at once.
        posts_title_from_pages(link_ids=titled, user_id=user_id)
    if not due:
        return []
    if not interactive:
        LinkPage.objects.filter(link_id__in=due, next_check_at__gt=now).update(next_check_at=now)
        return []
    # A link the bulk lane is about to check is fetched now all the same: a person is waiting, and
    # a second fetch of one page costs less than their wait.
    LinkPage.objects.filter(link_id__in=due).update(next_check_at=now + INTERACTIVE_LEASE)
    return due


def pages_take_due(*, limit: int) -> list[int]:
    """Take up to `limit` links due for a check, oldest due first, and lease them; return them."""
    if limit <= 0:
        return []
    now = timezone.now()
    with transaction.atomic():
        due = list(
            LinkPage.objects.select_for_update(skip_locked=True)
            .filter(next_check_at__lte=now)
            .order_by("next_check_at")
            .values_list("link_id", flat=True)[:limit]
        )
        LinkPage.objects.filter(link_id__in=due).update(next_check_at=now + DISPATCH_LEASE)
    return due


def _health_set(page: LinkPage, new_health: str, moved_to: str) -> bool:
    changed = (page.health, page.moved_to) != (new_health, moved_to)
    page.health, page.moved_to = new_health, moved_to
    return changed


@transaction.atomic
def page_record_answer(*, link_id: int, fetched: Fetched, content: PageContent | None) -> None:
    """Keep what a fetch that got an answer found: health, metadata, the copy, and the title for
    posts saved without one."""
    page = LinkPage.objects.select_for_update().select_related("link").get(link_id=link_id)
    now = timezone.now()
    page.checked_at, page.status_code, page.final_url = now, fetched.status, fetched.final_url
    verdict = health.health_of_answer(
        url=page.link.url,
        status=fetched.status,
        redirects=fetched.redirects,
        final_url=fetched.final_url,
    )
    if verdict is None:
        _record_failure(page, now=now)
        return
    had_copy = bool(page.text)
    changed = _health_set(page, *verdict)
    page.failures, page.failing_since = 0, None
    page.next_check_at = health.next_check_after_success(now=now)
    if content is not None:
        page.title = content.title
        page.description = content.description
        page.site_name = content.site_name
        page.canonical_url = content.canonical_url
        page.language = content.language
        page.favicon_url = content.favicon_url
        page.fetched_at = now
        if page.keep_copy:
            page.text = content.text[:PAGE_TEXT_MAX_LENGTH]
    page.save()
    if changed or had_copy != bool(page.text):
        # The owners' lists show the badge, and the "cached copy" link once there is a copy.
        link_health_changed(link_ids=[link_id])
    if content is not None and content.title:
        posts_title_from_pages(link_ids=[link_id])


def _record_failure(page: LinkPage, *, now: datetime) -> None:
    page.failures += 1
    page.failing_since = page.failing_since or now
    page.checked_at = now
    page.next_check_at = health.next_check_after_failure(now=now, failures=page.failures)
    changed = False
    if health.is_failing(failures=page.failures, failing_since=page.failing_since, now=now):
        changed = _health_set(page, LinkHealth.FAILING, "")
    page.save()
    if changed:
        link_health_changed(link_ids=[page.link_id])


@transaction.atomic
def page_record_failure(*, link_id: int) -> None:
    """Count a check that got no usable answer (no connection, a timeout, a 5xx)."""
    page = LinkPage.objects.select_for_update().get(link_id=link_id)
    page.status_code = None
    _record_failure(page, now=timezone.now())


def page_record_refused(*, link_id: int) -> None:
    """Note that the fetcher will not reach this address (a private network, a redirect loop):
    nothing is known of its health, and it is not asked again before the next monthly check."""
    now = timezone.now()
    LinkPage.objects.filter(link_id=link_id).update(
        checked_at=now, status_code=None, next_check_at=health.next_check_after_success(now=now)
    )


def page_postpone(*, link_id: int) -> None:
    """Put off the check of a link nobody may have fetched any more (see links_fetchable)."""
    now = timezone.now()
    LinkPage.objects.filter(link_id=link_id).update(
        next_check_at=health.next_check_after_success(now=now)
    )


class Preview(NamedTuple):
    link: Link
    # The page was read recently, and this is its title ("" if it has none).
    ready: bool
    title: str
    # Nobody is fetching it: the caller queues the fetch (the lease is taken).
    to_fetch: bool


def page_preview(*, url: str) -> Preview:
    """Say what is known of the page of an address a person is typing into the add form.

    The link is created if nobody saved it: the person is most likely about to, and their save
    then finds the page already read. A link neither read recently nor being fetched for a person
    already (an interactive lease) is leased for a fetch, which the caller queues: one the bulk
    lane holds may wait there behind an import.
    """
    link = link_get_or_create(url=url)
    now = timezone.now()
    recent = now - timedelta(days=settings.LINK_FETCH_RECENT_DAYS)
    with transaction.atomic():
        page, _ = LinkPage.objects.select_for_update().get_or_create(
            link=link, defaults={"next_check_at": now}
        )
        if page.checked_at is not None and page.checked_at >= recent:
            return Preview(link=link, ready=True, title=page.title, to_fetch=False)
        to_fetch = not now < page.next_check_at <= now + INTERACTIVE_LEASE
        if to_fetch:
            page.next_check_at = now + INTERACTIVE_LEASE
            page.save(update_fields=["next_check_at"])
    return Preview(link=link, ready=False, title="", to_fetch=to_fetch)


@transaction.atomic
def link_copy_delete(*, link: Link, user: User) -> None:
    """Delete the readable copy of a link's page, for everyone who saved it, and keep none of it
    again (the checks of its health go on). Only someone who saved the link may: anyone else
    raises PermissionDenied."""
    if not link_saved_by(link=link, user=user):
        raise PermissionDenied("Only those who saved a link may delete its copy.")
    LinkPage.objects.update_or_create(link=link, defaults={"keep_copy": False, "text": ""})
    # Every saver's lists lose their "cached copy" link.
    link_health_changed(link_ids=[link.pk])


@transaction.atomic
def page_preference_set(*, user: User, fetch_private: bool) -> int:
    """Save whether the pages of a person's private bookmarks are fetched; return how many copies
    turning it off deleted: those of the links nobody else saved, which they saved privately
    (a copy someone else's save brought stays theirs)."""
    PagePreference.objects.update_or_create(user=user, defaults={"fetch_private": fetch_private})
    if fetch_private:
        return 0
    others = Post.objects.filter(link=OuterRef("link")).exclude(user=user)
    alone = Post.objects.filter(user=user, is_private=True).exclude(Exists(others))
    link_ids = list(
        LinkPage.objects.filter(link__in=alone.values("link"))
        .exclude(text="")
        .select_for_update()
        .values_list("link_id", flat=True)
    )
    LinkPage.objects.filter(link__in=link_ids).update(text="")
    link_health_changed(link_ids=link_ids)
    return len(link_ids)
