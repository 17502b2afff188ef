from datetime import timedelta

import pytest
from django.utils import timezone

from kwippy.accounts.models import ChangeStamp
from kwippy.accounts.services import follow_create
from kwippy.posts.models import Post
from tests.conftest import PASSWORD
from tests.feeds.helpers import (
    PRIVATE_FEEDS,
    PUBLIC_FEEDS,
    as_user,
    cached_feed_documents,
    parsed,
    titles,
)

SECRETS = {"Alice's secret", "Bob's secret"}
PRIVATE_DOCUMENTS = [path + suffix for path in PRIVATE_FEEDS for suffix in ("", "atom/")]


@pytest.mark.parametrize("path", [p + s for p in PUBLIC_FEEDS for s in ("", "atom/")])
def test_public_feeds_never_show_private_posts_whoever_asks_first(client, posts, alice, path):
    client.force_login(alice)
    signed_in = titles(client.get(path))
    client.logout()
    with_basic = titles(client.get(path, **as_user("alice")))
    anonymous = titles(client.get(path))
    assert signed_in == with_basic == anonymous
    assert anonymous
    assert not anonymous & SECRETS


def test_a_tag_only_private_posts_carry_has_empty_public_feeds(client, posts):
    assert parsed(client.get("/feeds/t/secret/")).entries == []
    assert parsed(client.get("/feeds/u/alice/t/secret/")).entries == []


def test_the_network_feed_has_the_public_posts_of_people_followed_and_nothing_else(client, posts):
    assert titles(client.get("/feeds/network/", **as_user("alice"))) == {"Bob's public"}
    assert titles(client.get("/feeds/network/", **as_user("charlie"))) == set()


def test_the_private_feeds_show_all_of_ones_own(client, posts):
    alice = as_user("alice")
    everything = {"Alice's public bookmark", "Alice again", "Alice's secret"}
    assert titles(client.get("/feeds/private/", **alice)) == everything
    assert titles(client.get("/feeds/private/t/python/atom/", **alice)) == everything
    assert titles(client.get("/feeds/private/t/secret/", **alice)) == {"Alice's secret"}
    assert titles(client.get("/feeds/private/t/python+web/", **alice)) == {
        "Alice's public bookmark"
    }
    assert titles(client.get("/feeds/toread/", **alice)) == {"Alice's secret"}


@pytest.mark.parametrize("path", PRIVATE_FEEDS)
def test_someone_elses_credentials_show_their_data_never_mine(client, posts, path):
    mine = titles(client.get(path, **as_user("alice")))
    theirs = titles(client.get(path, **as_user("bob")))
    assert not theirs & {"Alice's secret", "Alice's public bookmark", "Alice again"}
    assert theirs != mine
    assert parsed(client.get(path, **as_user("bob"))).feed.title.count("bob") == 1


@pytest.mark.parametrize("path", [p + s for p in PRIVATE_FEEDS for s in ("", "atom/")])
def test_private_feeds_ask_for_credentials(client, posts, path):
    for extra in ({}, as_user("alice", "wrong"), as_user("nobody", PASSWORD)):
        response = client.get(path, **extra)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith('Basic realm="kwippy feeds"')
        assert b"Alice" not in response.content


def test_a_browser_session_opens_the_private_feeds(client, posts, alice):
    client.force_login(alice)
    assert "Alice's secret" in titles(client.get("/feeds/private/"))


def test_an_inactive_persons_credentials_are_refused(client, posts, alice):
    alice.is_active = False
    alice.save()
    assert client.get("/feeds/private/", **as_user("alice")).status_code == 401


def test_private_documents_are_marked_for_their_reader_only(client, posts):
    response = client.get("/feeds/private/", **as_user("alice"))
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
    public = client.get("/feeds/recent/")
    assert "private" not in public.get("Cache-Control", "")
    assert not public.has_header("Set-Cookie")


@pytest.mark.parametrize("path", PRIVATE_DOCUMENTS)
def test_private_feeds_are_never_kept_in_the_object_cache_nor_marked_public(client, posts, path):
    response = client.get(path, **as_user("alice"))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert cached_feed_documents() == []
    # What would be seen if it were: a public feed's document.
    client.get("/feeds/recent/")
    assert len(cached_feed_documents()) == 1


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (path + suffix, shown)
        for path, shown in [
            ("/feeds/private/", "alice private"),
            ("/feeds/private/t/python/", "alice private"),
            ("/feeds/network/", "bob public"),
            ("/feeds/toread/", "alice private"),
        ]
        for suffix in ("", "atom/")
    ],
)
def test_private_feeds_are_built_for_every_request_never_served_from_the_cache(
    client, posts, path, shown
):
    assert posts[shown].title in titles(client.get(path, **as_user("alice")))
    # Renamed behind the services' back: no stamp moves, so only a fresh build shows the name.
    Post.objects.filter(pk=posts[shown].pk).update(title="Renamed quietly")
    assert "Renamed quietly" in titles(client.get(path, **as_user("alice")))


@pytest.mark.parametrize("path", PRIVATE_DOCUMENTS)
def test_a_second_reader_never_gets_the_first_readers_document(
    client, posts, committed, bob, charlie, path
):
    with committed():
        follow_create(follower=bob, followee=charlie)
    # Every change at one instant: a document kept without its reader in its key would be
    # found again for the next reader of the same address.
    instant = timezone.now() - timedelta(hours=1)
    ChangeStamp.objects.update(posts=instant, public_posts=instant, following=instant)
    alices = client.get(path, **as_user("alice"))
    bobs = client.get(path, **as_user("bob"))
    assert parsed(alices).feed.title.count("alice") == 1
    assert parsed(bobs).feed.title.count("bob") == 1
    assert b"alice" not in bobs.content.lower()
