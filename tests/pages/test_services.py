"""What a save queues, and what a fetch's outcome makes of a link's health, copy and posts.

The outcomes are written as the fetcher returns them (Fetched, PageContent): the fetches
themselves are tested against a real server in tests/core/test_fetch.py and test_end_to_end.py.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kwippy.accounts.models import ChangeStamp
from kwippy.core.fetch import Fetched
from kwippy.pages import services
from kwippy.pages.extract import PageContent
from kwippy.pages.jobs import BULK_FETCH_PRIORITY, links_check_due
from kwippy.pages.models import PagePreference
from kwippy.posts import services as posts_services
from kwippy.posts.models import Link, LinkHealth, LinkPage, Post, url_hash
from tests.jobs import jobs_clear

ARTICLE = "https://news.example/2026/11/article"


def answer(status=200, *, url=ARTICLE, redirects=(), final_url=None, body=b"<html>"):
    return Fetched(
        url=url,
        final_url=final_url or url,
        status=status,
        redirects=tuple(redirects),
        content_type="text/html",
        charset="utf-8",
        body=body,
        truncated=False,
        retry_after=None,
    )


def content(title="The real title", text="Readable words of the article."):
    return PageContent(
        title=title,
        description="What the page says of itself.",
        site_name="News",
        canonical_url=ARTICLE,
        language="en",
        favicon_url="https://news.example/icon.png",
        text=text,
    )


def fetch_jobs() -> list[tuple[int, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (args->>'link_id')::int, queue_name, priority FROM procrastinate_jobs"
            " WHERE task_name = 'kwippy.pages.jobs.link_fetch' AND status = 'todo' ORDER BY id"
        )
        return cursor.fetchall()


@pytest.fixture(autouse=True)
def no_jobs(db):
    jobs_clear()


def test_a_persons_save_queues_its_link_on_the_interactive_lane(alice):
    post = posts_services.post_create(user=alice, url=ARTICLE, title="")
    assert fetch_jobs() == [(post.link_id, "interactive", 0)]
    # Leased, so the periodic job does not queue it a second time.
    assert LinkPage.objects.get(link=post.link).next_check_at > timezone.now()


def test_a_link_checked_recently_is_not_fetched_again_and_gives_its_title_at_once(alice, bob):
    posts_services.post_create(user=alice, url=ARTICLE, title="Alice's words")
    services.page_record_answer(link_id=Link.objects.get().pk, fetched=answer(), content=content())
    jobs_clear()
    post = posts_services.post_create(user=bob, url=ARTICLE, title="")
    assert fetch_jobs() == []
    post.refresh_from_db()
    assert post.title == "The real title"
    assert Post.objects.get(user=alice).title == "Alice's words"


def test_a_private_save_of_someone_who_turned_fetching_off_queues_nothing(alice):
    PagePreference.objects.create(user=alice, fetch_private=False)
    posts_services.post_create(user=alice, url=ARTICLE, title="", is_private=True)
    assert fetch_jobs() == []
    assert not LinkPage.objects.exists()
    posts_services.post_create(user=alice, url="https://news.example/public", title="")
    assert len(fetch_jobs()) == 1


def test_an_import_makes_links_due_and_the_periodic_job_hands_them_to_bulk(alice, settings):
    settings.LINK_CHECK_QUEUE_DEPTH = 5
    rows = {
        url_hash(url): posts_services.PostRow(url=url)
        for url in (f"https://many.example/{i}" for i in range(8))
    }
    posts_services.posts_bulk_upsert(
        user=alice, rows=rows, unmarked_private=False, now=timezone.now()
    )
    assert fetch_jobs() == []
    assert LinkPage.objects.filter(next_check_at__lte=timezone.now()).count() == 8
    links_check_due(timestamp=0)
    queued = fetch_jobs()
    assert len(queued) == 5
    assert {(queue, priority) for _, queue, priority in queued} == {("bulk", BULK_FETCH_PRIORITY)}
    # Five wait already: the next tick adds none until the lane takes some.
    links_check_due(timestamp=60)
    assert len(fetch_jobs()) == 5
    jobs_clear()
    links_check_due(timestamp=120)
    assert len(fetch_jobs()) == 3
    assert not LinkPage.objects.filter(next_check_at__lte=timezone.now()).exists()


def _page(alice, title="") -> LinkPage:
    post = posts_services.post_create(user=alice, url=ARTICLE, title=title)
    return LinkPage.objects.get(link_id=post.link_id)


def test_an_answer_keeps_metadata_copy_and_gives_untitled_posts_the_pages_title(alice, bob):
    page = _page(alice)
    typed = posts_services.post_create(user=bob, url=ARTICLE, title="Bob typed this")
    services.page_record_answer(link_id=page.pk, fetched=answer(), content=content())
    page.refresh_from_db()
    assert (page.health, page.status_code, page.title, page.text) == (
        LinkHealth.OK,
        200,
        "The real title",
        "Readable words of the article.",
    )
    assert page.fetched_at is not None
    assert page.next_check_at > timezone.now() + timedelta(days=20)
    assert Post.objects.get(user=alice).title == "The real title"
    typed.refresh_from_db()
    assert typed.title == "Bob typed this"


def test_a_long_bare_url_is_recognised_as_untitled(alice):
    long_url = "https://news.example/" + "a" * 400
    post = posts_services.post_create(user=alice, url=long_url, title="")
    assert len(post.title) < len(long_url)
    services.page_record_answer(
        link_id=post.link_id, fetched=answer(url=long_url), content=content()
    )
    post.refresh_from_db()
    assert post.title == "The real title"


def test_a_refused_copy_is_not_kept_again(alice):
    page = _page(alice)
    LinkPage.objects.filter(pk=page.pk).update(keep_copy=False)
    services.page_record_answer(link_id=page.pk, fetched=answer(), content=content())
    page.refresh_from_db()
    assert (page.title, page.text) == ("The real title", "")


@pytest.mark.parametrize("status", [404, 410])
def test_a_404_or_410_is_gone(alice, status):
    page = _page(alice)
    services.page_record_answer(link_id=page.pk, fetched=answer(status, body=b""), content=None)
    page.refresh_from_db()
    assert page.health == LinkHealth.GONE


@pytest.mark.parametrize(
    ("redirects", "final_url", "health"),
    [
        ([(301, "https://news.example/new-home")], "https://news.example/new-home", "moved"),
        ([(308, "https://other.example/a")], "https://other.example/a", "moved"),
        # Temporary redirects say nothing of where the page lives now.
        ([(302, "https://news.example/login")], "https://news.example/login", "ok"),
        # An upgrade to https, or a trailing slash, is the same address.
        ([(301, ARTICLE.replace("https", "http"))], ARTICLE.replace("https", "http"), "ok"),
        ([(301, ARTICLE + "/")], ARTICLE + "/", "ok"),
    ],
)
def test_a_permanent_redirect_elsewhere_is_moved(alice, redirects, final_url, health):
    page = _page(alice)
    services.page_record_answer(
        link_id=page.pk,
        fetched=answer(redirects=redirects, final_url=final_url),
        content=content(),
    )
    page.refresh_from_db()
    assert page.health == health
    assert page.moved_to == (final_url if health == "moved" else "")


def test_failing_takes_three_failed_checks_over_a_week_and_an_answer_clears_it(alice):
    page = _page(alice)
    services.page_record_answer(link_id=page.pk, fetched=answer(), content=content())
    waits = []
    for _ in range(3):
        services.page_record_failure(link_id=page.pk)
        page.refresh_from_db()
        waits.append(page.next_check_at - page.checked_at)
    # Three failures within the hour are not a failing site: it may be down for an afternoon.
    assert (page.health, page.failures) == (LinkHealth.OK, 3)
    # Each failure waits longer before the next check.
    assert waits[0] < waits[1] < waits[2]
    LinkPage.objects.filter(pk=page.pk).update(failing_since=timezone.now() - timedelta(days=8))
    services.page_record_failure(link_id=page.pk)
    page.refresh_from_db()
    assert page.health == LinkHealth.FAILING
    services.page_record_answer(link_id=page.pk, fetched=answer(503, body=b""), content=None)
    page.refresh_from_db()
    assert (page.health, page.failures) == (LinkHealth.FAILING, 5)
    services.page_record_answer(link_id=page.pk, fetched=answer(), content=content())
    page.refresh_from_db()
    assert (page.health, page.failures, page.failing_since) == (LinkHealth.OK, 0, None)


def test_a_health_change_moves_the_owners_change_stamp(alice, django_capture_on_commit_callbacks):
    page = _page(alice)
    stamp = ChangeStamp.objects.filter(user=alice).values_list("posts", flat=True)
    before = stamp.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.page_record_answer(link_id=page.pk, fetched=answer(410, body=b""), content=None)
    assert stamp.first() not in (None, before)
