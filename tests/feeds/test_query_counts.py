import pytest
from django.core.cache import cache

from kwippy.auth.services import app_password_create
from kwippy.posts.models import Link, Post
from tests.conftest import basic_authorization
from tests.feeds.helpers import as_user, parsed

# A full build: the person named in the path if any, the change stamp, the posts (popular: the
# ranking, each link's newest save, those posts). Private feeds add the Basic sign-in's look-up.
FULL_BUILD = {
    "/feeds/recent/": 2,
    "/feeds/popular/": 4,
    "/feeds/t/python/": 2,
    "/feeds/u/alice/": 3,
    "/feeds/u/alice/t/python/": 3,
    "/feeds/private/": 3,
    "/feeds/private/t/python/": 3,
    "/feeds/network/": 3,
    "/feeds/toread/": 3,
}


def _more_posts(alice, bob, n: int) -> None:
    """Save `n` more posts each for alice (public and private, to read) and bob (public)."""
    links = Link.objects.bulk_create(
        Link(url=f"https://example.com/more/{i}", url_hash=f"{i:032d}", public_saves=1)
        for i in range(n)
    )
    Post.objects.bulk_create(
        Post(
            user=user,
            link=link,
            title=f"More {i}",
            tags=["python"],
            is_private=private,
            to_read=True,
        )
        for i, link in enumerate(links)
        for user, private in ((alice, i % 2 == 0), (bob, False))
    )


@pytest.mark.parametrize("path", FULL_BUILD)
def test_a_feeds_queries_do_not_grow_with_its_items(
    client, posts, alice, bob, path, django_assert_max_num_queries
):
    extra = (
        as_user("alice")
        if path.startswith(("/feeds/private/", "/feeds/network/", "/feeds/toread"))
        else {}
    )
    with django_assert_max_num_queries(FULL_BUILD[path]):
        few = len(parsed(client.get(path, **extra)).entries)
    _more_posts(alice, bob, 100)
    cache.clear()
    with django_assert_max_num_queries(FULL_BUILD[path]):
        many = len(parsed(client.get(path, **extra)).entries)
    assert few < many == 50


def test_an_app_password_poll_adds_at_most_its_look_up_and_last_used(
    client, posts, alice, django_assert_max_num_queries
):
    _, secret = app_password_create(user=alice, name="reader")
    authorization = basic_authorization("alice", secret)
    with django_assert_max_num_queries(4):
        response = client.get("/feeds/private/", HTTP_AUTHORIZATION=authorization)
    with django_assert_max_num_queries(2):  # last used was written a moment ago
        assert (
            client.get(
                "/feeds/private/",
                HTTP_AUTHORIZATION=authorization,
                HTTP_IF_NONE_MATCH=response["ETag"],
            ).status_code
            == 304
        )
