"""The add form's title preview (/pages/title/): a signed-in person's POST, answered from the
link's page once a worker has read it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kwippy.pages.models import PagePreference
from kwippy.posts.models import Link, LinkPage
from kwippy.posts.services import link_get_or_create
from tests.jobs import jobs_clear
from tests.pages.test_services import fetch_jobs

PREVIEW = "/pages/title/"
URL = "https://news.example/article"


@pytest.fixture(autouse=True)
def no_jobs(db):
    jobs_clear()


def test_an_unread_page_is_queued_once_and_answered_when_read(client, alice):
    client.force_login(alice)
    first = client.post(PREVIEW, {"url": URL})
    assert first.json() == {"ready": False, "title": ""}
    link = Link.objects.get()
    assert fetch_jobs() == [(link.pk, "interactive", 0)]
    # Asked again while the fetch waits: no second job.
    assert client.post(PREVIEW, {"url": URL}).json() == {"ready": False, "title": ""}
    assert len(fetch_jobs()) == 1
    LinkPage.objects.filter(link=link).update(checked_at=timezone.now(), title="Read at last")
    assert client.post(PREVIEW, {"url": URL}).json() == {"ready": True, "title": "Read at last"}


def test_an_address_that_is_no_url_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(PREVIEW, {"url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "error" in response.json()
    assert not Link.objects.exists()


def test_only_a_signed_in_persons_post_is_answered(client, alice):
    assert client.post(PREVIEW, {"url": URL}).status_code == 302
    client.force_login(alice)
    assert client.get(PREVIEW, {"url": URL}).status_code == 405
    assert not Link.objects.exists()


def test_a_cross_site_post_is_refused(alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.post(PREVIEW, {"url": URL}).status_code == 403
    assert fetch_jobs() == []


def test_someone_who_keeps_private_pages_unfetched_is_not_offered_one(client, alice):
    PagePreference.objects.create(user=alice, fetch_private=False)
    client.force_login(alice)
    assert client.post(PREVIEW, {"url": URL}).json() == {"ready": True, "title": ""}
    assert fetch_jobs() == []


def test_a_page_waiting_on_the_bulk_lane_is_fetched_for_the_person_typing(client, alice):
    # An import made the link due and the periodic job leased it to the bulk lane, where it may
    # wait behind the import: the person typing its address does not wait for that.
    link = link_get_or_create(url=URL)
    LinkPage.objects.create(link=link, next_check_at=timezone.now() + timedelta(hours=6))
    client.force_login(alice)
    assert client.post(PREVIEW, {"url": URL}).json() == {"ready": False, "title": ""}
    assert fetch_jobs() == [(link.pk, "interactive", 0)]
