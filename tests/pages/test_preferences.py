"""The choice to fetch the pages of one's private bookmarks, on the settings page."""

import pytest

from kwippy.pages.models import PagePreference
from kwippy.pages.services import page_preference_set
from kwippy.posts import services
from kwippy.posts.models import LinkPage
from tests.pages.helpers import page_write

pytestmark = pytest.mark.django_db

LABEL = "Fetch the pages of my private bookmarks (title, health, cached copy)"


def saved_with_copy(user, url: str, *, is_private: bool):
    post = services.post_create(user=user, url=url, title=url, is_private=is_private)
    LinkPage.objects.update_or_create(link=post.link, defaults={"text": f"Text of {url}"})
    return post.link


def test_the_settings_page_offers_the_choice_on_by_default(client, alice):
    client.force_login(alice)
    html = client.get("/settings/").text
    assert '<h2 id="pages">Pages of your bookmarks</h2>' in html
    assert LABEL in html
    assert 'name="fetch_private" id="id_fetch_private" checked' in html
    assert "deletes the cached copies of the pages that only you saved, privately" in html


def test_turning_it_off_deletes_the_copies_only_this_person_saved_privately(client, alice, bob):
    alone = saved_with_copy(alice, "https://alone.example/", is_private=True)
    shared = saved_with_copy(alice, "https://shared.example/", is_private=True)
    services.post_create(user=bob, url="https://shared.example/", title="Shared", is_private=True)
    public = saved_with_copy(alice, "https://public.example/", is_private=False)
    bobs = saved_with_copy(bob, "https://bob.example/", is_private=True)
    client.force_login(alice)
    response = client.post("/settings/pages/", {})
    assert response["Location"] == "/settings/#pages"
    assert PagePreference.objects.get(user=alice).fetch_private is False
    texts = dict(LinkPage.objects.values_list("link_id", "text"))
    assert texts[alone.pk] == ""
    assert all(texts[link.pk] for link in (shared, public, bobs))
    html = client.get("/settings/").text
    assert "1 cached copy deleted" in html
    assert 'name="fetch_private" id="id_fetch_private">' in html


def test_turning_it_back_on_is_saved(client, alice):
    page_preference_set(user=alice, fetch_private=False)
    client.force_login(alice)
    client.post("/settings/pages/", {"fetch_private": "on"})
    assert PagePreference.objects.get(user=alice).fetch_private is True
    assert "will be fetched" in client.get("/settings/").text


def test_the_choice_is_made_by_a_form_only(client, alice):
    client.force_login(alice)
    assert client.get("/settings/pages/").status_code == 405
    assert not PagePreference.objects.exists()


def test_the_settings_page_links_to_the_broken_links_when_there_are_some(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(user=alice, url="https://gone.example/", title="Gone")
    client.force_login(alice)
    assert "broken link" not in client.get("/settings/").text
    with django_capture_on_commit_callbacks(execute=True):
        page_write(link=post.link, health="gone")
        services.link_health_changed(link_ids=[post.link_id])
    html = client.get("/settings/").text
    assert '<a href="/u/alice/broken/">1 of your bookmarks has a broken link</a>' in html
