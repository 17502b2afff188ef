"""Organising one's own bookmarks: the reading list, mark read, the filters of one's own lists."""

import pytest

from kwippy.posts import services
from kwippy.posts.models import Post


def _save(user, url, title="A page", **extra):
    return services.post_create(user=user, url=url, title=title, **extra)


@pytest.fixture
def reading(alice):
    """Alice's bookmarks: one public to read, one private to read, one read, one untagged."""
    return {
        "public": _save(alice, "https://later.example/", "Read later", tags="news", to_read=True),
        "private": _save(
            alice,
            "https://secret.example/",
            "Secret later",
            tags="x",
            to_read=True,
            is_private=True,
        ),
        "read": _save(alice, "https://done.example/", "Already read", tags="done"),
        "untagged": _save(alice, "https://bare.example/", "No tags at all"),
    }


def test_the_reading_list_shows_the_owner_their_posts_to_read(client, alice, reading):
    client.force_login(alice)
    page = client.get("/u/alice/toread/").text
    assert "Read later" in page
    assert "Secret later" in page
    assert "Already read" not in page
    assert "No tags at all" not in page


@pytest.mark.parametrize("who", [None, "bob"])
def test_the_reading_list_is_not_found_for_anyone_else(client, alice, bob, reading, who):
    if who:
        client.force_login(bob)
    assert client.get("/u/alice/toread/").status_code == 404


def test_visitors_never_see_the_to_read_badge_or_button(client, alice, bob, reading):
    for viewer in (None, bob):
        if viewer:
            client.force_login(viewer)
        for address in ("/u/alice/", "/t/news/", "/", "/search/?q=later"):
            page = client.get(address).text
            assert "to read</span>" not in page, address
            assert "Mark read" not in page, address
    client.force_login(alice)
    page = client.get("/u/alice/").text
    assert "to read</span>" in page
    assert "Mark read" in page


def test_mark_read_takes_the_post_off_the_list_and_returns_to_it(client, alice, reading):
    client.force_login(alice)
    post = reading["public"]
    back = "/u/alice/toread/?sort=oldest"
    response = client.post(f"/p/{post.pk}/read/", {"next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    post.refresh_from_db()
    assert not post.to_read
    assert "https://later.example/" not in client.get("/u/alice/toread/").text


def test_mark_read_refuses_a_get_and_someone_elses_post(client, alice, bob, reading):
    post = reading["public"]
    client.force_login(bob)
    assert client.post(f"/p/{post.pk}/read/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/p/{post.pk}/read/").status_code == 405
    post.refresh_from_db()
    assert post.to_read


def test_mark_read_needs_the_csrf_token(alice, reading):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(f"/p/{reading['public'].pk}/read/").status_code == 403
    assert Post.objects.get(pk=reading["public"].pk).to_read


@pytest.mark.parametrize(
    ("only", "shown"),
    [
        ("toread", {"Read later", "Secret later"}),
        ("untagged", {"No tags at all"}),
        ("private", {"Secret later"}),
        ("", {"Read later", "Secret later", "Already read", "No tags at all"}),
    ],
)
def test_the_owner_filters_their_own_list(client, alice, reading, only, shown):
    client.force_login(alice)
    page = client.get("/u/alice/", {"filter": only}).text
    titles = {"Read later", "Secret later", "Already read", "No tags at all"}
    assert {title for title in titles if title in page} == shown


def test_a_filter_is_ignored_on_someone_elses_list(client, alice, bob, reading):
    client.force_login(bob)
    page = client.get("/u/alice/", {"filter": "toread"}).text
    assert "Already read" in page
    assert "Secret later" not in page
    assert 'aria-label="Show only"' not in page
