"""A private post is seen by its owner only: tested in every place a post or its count shows."""

import pytest
from django.urls import reverse

from kwippy.accounts.services import follow_create
from kwippy.posts import selectors, services
from kwippy.posts.models import Link, UserTag

SECRET_URL = "https://secret.example/plans"


@pytest.fixture
def secret(alice):
    """Alice's private post, with a tag nobody else uses."""
    return services.post_create(
        user=alice,
        url=SECRET_URL,
        title="Surprise party plans",
        description="hush",
        tags="hushhush",
        is_private=True,
    )


@pytest.fixture
def shared(alice, bob):
    """A link bob saved publicly and alice privately."""
    services.post_create(user=bob, url="https://shared.example/", title="Shared", tags="both")
    return services.post_create(
        user=alice,
        url="https://shared.example/",
        title="Shared privately",
        tags="both",
        is_private=True,
    )


def _login(client, user):
    client.force_login(user)
    return client


def test_profile_shows_private_posts_to_the_owner_only(client, alice, bob, secret):
    assert "Surprise party plans" not in client.get("/u/alice/").text
    assert "Surprise party plans" not in _login(client, bob).get("/u/alice/").text
    assert "Surprise party plans" in _login(client, alice).get("/u/alice/").text


def test_person_tag_page_hides_private_posts_from_others(client, alice, bob, secret):
    assert "Surprise party plans" not in client.get("/u/alice/t/hushhush/").text
    assert "Surprise party plans" not in _login(client, bob).get("/u/alice/t/hushhush/").text
    assert "Surprise party plans" in _login(client, alice).get("/u/alice/t/hushhush/").text


def test_site_tag_page_never_shows_private_posts(client, alice, secret):
    assert "Surprise party plans" not in client.get("/t/hushhush/").text
    assert "Surprise party plans" not in _login(client, alice).get("/t/hushhush/").text


def test_tag_cloud_leaves_out_tags_only_on_private_posts(client, alice, bob, secret):
    assert "hushhush" not in client.get("/u/alice/").text
    assert "hushhush" not in _login(client, bob).get("/u/alice/").text
    assert "hushhush" in _login(client, alice).get("/u/alice/").text
    assert selectors.tag_cloud(owner=alice, viewer=None) == []


def test_public_tag_counts_leave_out_private_posts(alice, shared):
    assert UserTag.objects.get(user=alice, name="both").public_count == 0
    assert UserTag.objects.get(user=alice, name="both").count == 1


def test_home_shows_followers_the_public_posts_only(client, alice, bob, secret):
    follow_create(follower=bob, followee=alice)
    services.post_create(user=alice, url="https://open.example/", title="Open to all")
    page = _login(client, bob).get("/").text
    assert "Open to all" in page
    assert "Surprise party plans" not in page
    assert "Surprise party plans" in _login(client, alice).get("/").text


def test_anonymous_home_never_shows_private_posts(client, secret):
    assert "Surprise party plans" not in client.get("/").text


def test_popular_leaves_out_private_saves(client, alice, bob, charlie, shared):
    services.post_create(user=charlie, url=SECRET_URL, title="x", is_private=True)
    services.post_create(user=bob, url=SECRET_URL, title="y", is_private=True)
    page = client.get("/popular/").text
    assert "secret.example" not in page
    rows, _ = selectors.links_popular(after=None, size=10)
    assert [(row.link.url, row.saves) for row in rows] == [("https://shared.example/", 1)]


def test_search_finds_private_posts_for_their_owner_only(client, alice, bob, secret):
    assert "Surprise party plans" not in client.get("/search/", {"q": "surprise"}).text
    assert "Surprise party plans" not in _login(client, bob).get("/search/", {"q": "party"}).text
    assert "Surprise party plans" in _login(client, alice).get("/search/", {"q": "party"}).text


def test_others_saved_count_leaves_out_private_saves(client, bob, shared):
    link = Link.objects.get(url="https://shared.example/")
    assert link.public_saves == 1
    page = client.get("/u/bob/").text
    assert "nobody else saved this" in page
    assert "1 other saved this" not in page


def test_url_page_lists_public_saves_only(client, alice, bob, shared):
    link = Link.objects.get(url="https://shared.example/")
    page = client.get(reverse("link", args=[link.public_id])).text
    assert "Bob Baker" in page
    assert "Shared privately" not in page
    assert "Alice Archer" not in page
    assert "1 person saved this publicly" in page


def test_url_page_of_a_link_saved_only_privately_is_not_found(client, alice, bob, secret):
    link = Link.objects.get(url=SECRET_URL)
    assert client.get(f"/url/{link.public_id}/").status_code == 404
    assert _login(client, bob).get(f"/url/{link.public_id}/").status_code == 404
    owner_page = _login(client, alice).get(f"/url/{link.public_id}/")
    assert owner_page.status_code == 200
    assert "You saved this privately" in owner_page.text


def test_someone_elses_private_post_cannot_be_edited_or_deleted(client, alice, bob, secret):
    _login(client, bob)
    assert client.get(f"/p/{secret.pk}/edit/").status_code == 404
    assert client.post(f"/p/{secret.pk}/edit/", {"title": "mine now"}).status_code == 404
    assert client.post(f"/p/{secret.pk}/delete/").status_code == 404
    secret.refresh_from_db()
    assert secret.title == "Surprise party plans"


def test_save_this_too_does_not_reveal_private_saves(client, bob, secret):
    page = _login(client, bob).get("/add/", {"url": SECRET_URL}).text
    assert "You saved this link already" not in page
    assert "Surprise party plans" not in page


def test_public_feed_links_do_not_point_at_private_feeds_for_visitors(client, secret):
    page = client.get("/u/alice/").text
    assert 'href="/feeds/u/alice/"' in page
    assert "/feeds/private/" not in page


def test_popular_drops_a_link_made_private_while_its_ranking_is_cached(client, alice):
    post = services.post_create(user=alice, url="https://soon-private.example/", title="Soon")
    assert "Soon" in client.get("/popular/").text
    services.post_update(post=post, is_private=True)
    assert "Soon" not in client.get("/popular/").text
