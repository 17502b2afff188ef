"""Fetching the pages behind the links, in the background.

`link_fetch` reads one link's page through the one fetcher (kwippy/core/fetch.py) and keeps what
it found (services.py). A person's own save queues it on `interactive` (the add page shows the
title when it comes); everything else (imports, the monthly re-checks) only makes links due, and
`links_check_due` hands the bulk lane a few hundred due links at a time, behind an import's own
jobs (lower priority).

A host that asks for patience (HostBusy: two fetches already running there, its minimum interval,
its Retry-After) does not hold a worker: the job is queued again for when the host is free, on
the lane it came from. A site that hangs every connection therefore costs at most two slots of a
lane for the fetcher's deadline, and the other slots go on serving mail and other hosts.
"""

import logging
import random

from django.conf import settings
from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from kwippy.core.fetch import FetchFailed, FetchRefused, HostBusy, page_fetch
from kwippy.pages import services
from kwippy.pages.extract import page_read
from kwippy.pages.selectors import links_fetchable
from kwippy.posts.models import LinkPage

log = logging.getLogger(__name__)

# Below an import's jobs (priority 0) on the bulk lane: a fetch can wait, an import is watched.
BULK_FETCH_PRIORITY = -10


@app.task(queue=settings.KWIPPY_BULK_QUEUE, pass_context=True)
def link_fetch(
    context: JobContext, *, link_id: int, previewed: bool = False, waited: int = 0
) -> None:
    """Fetch a link's page, and keep its health, metadata, copy and title.

    `previewed`: a person typing the address into the add form asked for it, before any save.
    `waited`: how many times its host was busy already (see `_later`).
    """
    page = LinkPage.objects.select_related("link").filter(link_id=link_id).first()
    if page is None:
        return
    if not previewed and not links_fetchable(link_ids=[link_id]):
        # Every save that allowed the fetch is gone, or now private with fetching turned off.
        services.page_postpone(link_id=link_id)
        return
    try:
        fetched = page_fetch(url=page.link.url)
    except HostBusy as busy:
        _later(context, link_id=link_id, previewed=previewed, waited=waited, seconds=busy.retry_in)
        return
    except FetchRefused as refused:
        log.info("pages: not fetching link %s: %s", link_id, refused)
        services.page_record_refused(link_id=link_id)
        return
    except FetchFailed as failed:
        log.info("pages: fetching link %s failed: %s", link_id, failed)
        services.page_record_failure(link_id=link_id)
        return
    if fetched.status == 429 or (fetched.status == 503 and fetched.retry_after):
        # The fetcher keeps the host waiting until then; this link is simply asked again.
        seconds = fetched.retry_after or 60
        _later(context, link_id=link_id, previewed=previewed, waited=waited, seconds=seconds)
        return
    content = None
    if fetched.body:
        content = page_read(body=fetched.body, url=fetched.final_url, charset=fetched.charset)
    services.page_record_answer(link_id=link_id, fetched=fetched, content=content)


def _later(
    context: JobContext, *, link_id: int, previewed: bool, waited: int, seconds: float
) -> None:
    """Queue the fetch again on its lane, for when its host is free, and a little later each time.

    A hundred links of one hung site would otherwise all come back every few seconds, and their
    constant coming and going would slow the lane for everyone else; spread (up to a quarter
    more), they do not come back together either.
    """
    delay = max(seconds, 1) * 2 ** min(waited, 6) * random.uniform(1, 1.25)
    link_fetch.configure(
        queue=context.job.queue,
        priority=context.job.priority,
        schedule_in={"seconds": round(delay)},
    ).defer(link_id=link_id, previewed=previewed, waited=waited + 1)


def links_fetch_now(*, link_ids: list[int], previewed: bool = False) -> None:
    """Queue a fetch of these links on the interactive lane (a person is waiting)."""
    if link_ids:
        link_fetch.configure(queue=settings.KWIPPY_INTERACTIVE_QUEUE).batch_defer(
            *({"link_id": link_id, "previewed": previewed} for link_id in link_ids)
        )


@app.periodic(cron="* * * * *")
@app.task(queue=settings.KWIPPY_BULK_QUEUE, queueing_lock="links_check_due")
def links_check_due(timestamp: int) -> None:
    """Keep the bulk lane supplied with due links, at most LINK_CHECK_QUEUE_DEPTH waiting."""
    waiting = ProcrastinateJob.objects.filter(
        task_name=link_fetch.name, queue_name=settings.KWIPPY_BULK_QUEUE, status="todo"
    ).count()
    due = services.pages_take_due(limit=settings.LINK_CHECK_QUEUE_DEPTH - waiting)
    if due:
        link_fetch.configure(
            queue=settings.KWIPPY_BULK_QUEUE, priority=BULK_FETCH_PRIORITY
        ).batch_defer(*({"link_id": link_id} for link_id in due))
