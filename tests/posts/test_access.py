"""Access helpers: another person's private post does not exist for you (404, never 403)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from kwippy.posts import access, services


@pytest.fixture
def private_post(alice):
    return services.post_create(user=alice, url="https://x.example/", title="x", is_private=True)


@pytest.fixture
def public_post(alice):
    return services.post_create(user=alice, url="https://y.example/", title="y")


def test_owner_writes_their_private_post(alice, private_post):
    assert access.post_for_write(user=alice, post_id=private_post.pk) == private_post


@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_others_get_404_for_a_private_post(bob, private_post, who):
    user = bob if who == "bob" else AnonymousUser()
    with pytest.raises(Http404):
        access.post_for_write(user=user, post_id=private_post.pk)


def test_others_cannot_write_a_public_post(bob, public_post):
    with pytest.raises(Http404):
        access.post_for_write(user=bob, post_id=public_post.pk)


def test_a_missing_post_is_404(alice):
    with pytest.raises(Http404):
        access.post_for_write(user=alice, post_id=10**12)
