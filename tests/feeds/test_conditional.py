import re
from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from kwippy.accounts.models import ChangeStamp
from kwippy.accounts.services import follow_create, follow_delete, user_update_profile
from kwippy.posts.services import post_create, post_delete, post_update
from tests.feeds.helpers import (
    PRIVATE_FEEDS,
    PUBLIC_FEEDS,
    an_hour_ago,
    as_user,
    parsed,
    titles,
)

ALL_FEEDS = [
    (path + suffix, path in PRIVATE_FEEDS)
    for path in PUBLIC_FEEDS + PRIVATE_FEEDS
    for suffix in ("", "atom/")
]


def _get(client, path: str, user: str | None = None, **headers):
    extra = as_user(user) if user else {}
    return client.get(path, **extra, **headers)


def _validators(response) -> tuple[str, str]:
    assert response.status_code == 200
    return response["ETag"], response["Last-Modified"]


def _moved(client, path: str, before: tuple[str, str], user: str | None = None) -> bool:
    """Return whether the feed's validators moved, checking each kind of conditional request."""
    etag, last_modified = before
    by_etag = _get(client, path, user, HTTP_IF_NONE_MATCH=etag)
    by_date = _get(client, path, user, HTTP_IF_MODIFIED_SINCE=last_modified)
    if by_etag.status_code == 304:
        assert by_date.status_code == 304
        return False
    assert by_date.status_code == 200
    assert by_etag["ETag"] != etag
    assert parse_http_date(by_etag["Last-Modified"]) > parse_http_date(last_modified)
    return True


@pytest.mark.parametrize(("path", "private"), ALL_FEEDS)
def test_a_matching_conditional_request_gets_304_and_no_body(client, posts, path, private):
    an_hour_ago()
    user = "alice" if private else None
    etag, last_modified = _validators(_get(client, path, user))
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    for headers in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_MODIFIED_SINCE": last_modified}):
        response = _get(client, path, user, **headers)
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Last-Modified"] == last_modified


def test_within_the_second_of_a_change_only_the_etag_earns_a_304(client, posts):
    # Stamps a few seconds ahead (a clock behind the database's) stand for "this very second".
    ChangeStamp.objects.update(public_posts=timezone.now() + timedelta(seconds=5))
    response = client.get("/feeds/recent/")
    stamp = ChangeStamp.objects.aggregate(last=Max("public_posts"))["last"]
    assert parse_http_date(response["Last-Modified"]) == int(stamp.timestamp()) - 1
    later = http_date(stamp.timestamp() + 60)
    assert client.get("/feeds/recent/", HTTP_IF_MODIFIED_SINCE=later).status_code == 200
    etag = response["ETag"]
    assert client.get("/feeds/recent/", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("HTTP_IF_NONE_MATCH", '"0123"', 200),
        ("HTTP_IF_NONE_MATCH", "W/{etag}", 304),  # If-None-Match compares weakly
        ("HTTP_IF_NONE_MATCH", '"0123", {etag}', 304),
        ("HTTP_IF_NONE_MATCH", "*", 304),
        ("HTTP_IF_NONE_MATCH", "not an etag", 200),
        ("HTTP_IF_MODIFIED_SINCE", "Mon, 01 Jan 1990 00:00:00 GMT", 200),
        ("HTTP_IF_MODIFIED_SINCE", "yesterday", 200),
    ],
)
def test_other_validators_are_compared_as_http_says(client, posts, header, value, status):
    etag = client.get("/feeds/recent/")["ETag"]
    response = client.get("/feeds/recent/", **{header: value.format(etag=etag)})
    assert response.status_code == status


def test_a_304_for_a_public_feed_reads_only_the_stamp(client, posts, django_assert_num_queries):
    etag = client.get("/feeds/recent/")["ETag"]
    with django_assert_num_queries(1):
        assert client.get("/feeds/recent/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    etag = client.get("/feeds/u/alice/t/python/")["ETag"]
    with django_assert_num_queries(2):  # the person, and their stamp
        assert client.get("/feeds/u/alice/t/python/", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("path", ["/feeds/u/alice/", "/feeds/recent/atom/", "/feeds/t/python/"])
@pytest.mark.parametrize("change", ["new", "edited", "deleted", "made private"])
def test_a_public_change_moves_the_validators(client, posts, committed, path, change):
    an_hour_ago()
    before = _validators(client.get(path))
    assert not _moved(client, path, before)
    with committed():
        if change == "new":
            post_create(
                user=posts["alice public"].user,
                url="https://example.com/n",
                title="N",
                tags="python",
            )
        elif change == "edited":
            post_update(post=posts["alice second"], title="Edited")
        elif change == "deleted":
            post_delete(post=posts["alice second"])
        else:
            post_update(post=posts["alice second"], is_private=True)
    assert _moved(client, path, before)


@pytest.mark.parametrize(
    "path", ["/feeds/private/", "/feeds/toread/atom/", "/feeds/private/t/python/"]
)
@pytest.mark.parametrize("change", ["new", "edited", "deleted"])
def test_a_private_change_moves_private_feeds_only(client, posts, committed, path, change):
    an_hour_ago()
    before = _validators(_get(client, path, "alice"))
    public = {p: _validators(client.get(p)) for p in ("/feeds/u/alice/", "/feeds/recent/")}
    with committed():
        if change == "new":
            post_create(
                user=posts["alice public"].user,
                url="https://example.com/p",
                title="P",
                tags="python",
                is_private=True,
                to_read=True,
            )
        elif change == "edited":
            post_update(post=posts["alice private"], title="Still secret")
        else:
            post_delete(post=posts["alice private"])
    assert _moved(client, path, before, "alice")
    # A public feed that moved would tell the world that something private happened.
    for public_path, validators in public.items():
        assert not _moved(client, public_path, validators)


def test_someone_elses_change_leaves_a_persons_feed_alone(client, posts, committed, charlie):
    an_hour_ago()
    alice_feed = _validators(client.get("/feeds/u/alice/"))
    recent = _validators(client.get("/feeds/recent/"))
    with committed():
        post_create(user=charlie, url="https://example.com/c2", title="Charlie again")
    assert not _moved(client, "/feeds/u/alice/", alice_feed)
    assert _moved(client, "/feeds/recent/", recent)


def test_the_network_feed_moves_with_follows_and_their_public_posts_only(
    client, posts, committed, alice, bob, charlie
):
    an_hour_ago()

    def network():
        return _validators(_get(client, "/feeds/network/", "alice"))

    before = network()
    with committed():
        post_create(user=bob, url="https://example.com/b2", title="b2", is_private=True)
        post_create(user=charlie, url="https://example.com/c2", title="c2")
        post_create(user=alice, url="https://example.com/a2", title="a2")
    assert not _moved(client, "/feeds/network/", before, "alice")
    with committed():
        post_create(user=bob, url="https://example.com/b3", title="b3")
    assert _moved(client, "/feeds/network/", before, "alice")
    an_hour_ago()
    before = network()
    with committed():
        follow_create(follower=alice, followee=charlie)
    assert _moved(client, "/feeds/network/", before, "alice")
    assert "c2" in titles(_get(client, "/feeds/network/", "alice"))
    an_hour_ago()
    before = network()
    with committed():
        follow_delete(follower=alice, followee=charlie)
    assert _moved(client, "/feeds/network/", before, "alice")
    assert "c2" not in titles(_get(client, "/feeds/network/", "alice"))


def test_a_new_name_moves_the_feeds_that_show_it(client, posts, committed, alice):
    an_hour_ago()
    before = {path: _validators(client.get(path)) for path in ("/feeds/recent/", "/feeds/u/alice/")}
    with committed():
        user_update_profile(user=alice, display_name="Alice A.", bio="", website="", email="")
    for path, validators in before.items():
        assert _moved(client, path, validators)


def test_popular_moves_with_public_changes(client, posts, committed):
    an_hour_ago()
    before = _validators(client.get("/feeds/popular/"))
    assert not _moved(client, "/feeds/popular/", before)
    with committed():
        post_delete(post=posts["charlie public"])
    assert _moved(client, "/feeds/popular/", before)


def test_without_a_recorded_change_a_feed_is_never_not_modified(client, posts):
    ChangeStamp.objects.all().delete()
    etag = client.get("/feeds/u/alice/")["ETag"]
    response = client.get("/feeds/u/alice/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_another_persons_etag_on_the_same_address_gets_their_own_feed(client, posts):
    etag = _get(client, "/feeds/private/", "alice")["ETag"]
    response = _get(client, "/feeds/private/", "bob", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert titles(response) == {"Bob's public", "Bob's secret"}


def test_a_private_304_is_for_its_reader_only(client, posts):
    etag = _get(client, "/feeds/private/", "alice")["ETag"]
    response = _get(client, "/feeds/private/", "alice", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_a_public_feed_is_served_from_the_object_cache_until_it_changes(
    client, posts, committed, alice, django_assert_num_queries
):
    first = client.get("/feeds/recent/")
    with django_assert_num_queries(1):  # the stamp; the document comes from memcached
        again = client.get("/feeds/recent/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    with committed():
        post_create(user=alice, url="https://example.com/fresh", title="Fresh")
    assert "Fresh" in titles(client.get("/feeds/recent/"))


def test_the_benchmark_setting_builds_a_public_feed_on_every_poll(
    client, posts, settings, django_assert_num_queries
):
    settings.KWIPPY_FEEDS_BYPASS_CACHE = True
    first = client.get("/feeds/recent/")
    with django_assert_num_queries(2):  # the stamp, and the posts again
        again = client.get("/feeds/recent/")
    assert again.content == first.content


def test_the_cached_document_is_kept_per_count_and_format_and_shared_by_hosts(
    client, posts, django_assert_num_queries
):
    client.get("/feeds/recent/")
    assert len(client.get("/feeds/recent/?count=1").content) < len(
        client.get("/feeds/recent/").content
    )
    with django_assert_num_queries(1):  # the stamp; the document is the one built for testserver
        assert client.get("/feeds/recent/", HTTP_HOST="localhost").status_code == 200
    assert b"<feed" in client.get("/feeds/recent/atom/").content


def test_private_feeds_are_built_for_each_request(client, posts, committed, alice):
    client.get("/feeds/private/", **as_user("alice"))
    with committed():
        post_update(post=posts["alice private"], title="Renamed secret")
    # The stamp moved, so this is a fresh build whatever happens to be cached.
    assert "Renamed secret" in titles(client.get("/feeds/private/", **as_user("alice")))


def test_popular_serves_the_ranking_its_etag_names(client, posts, committed, bob, charlie):
    an_hour_ago()
    first = client.get("/feeds/popular/")
    assert titles(first)
    # Two more saves make alice's oldest link the most popular, within the minute a ranking is
    # kept: the feed's new ETag must come with the new ranking.
    with committed():
        for user in (bob, charlie):
            post_create(user=user, url="https://example.com/alice/public", title="Popular")
    response = client.get("/feeds/popular/")
    assert response["ETag"] != first["ETag"]
    assert parsed(response).entries[0].title == "Popular"
    again = client.get("/feeds/popular/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
