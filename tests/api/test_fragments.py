"""A URL's #fragment is part of the address through the API too (a single-page app's routes)."""

import json

from kwippy.posts.models import Post
from kwippy.posts.services import post_create
from tests.api.conftest import body_of


def test_deleting_one_fragment_leaves_the_address_without_it(api, alice):
    for url in ("https://app.example/", "https://app.example/#/inbox"):
        post_create(user=alice, url=url, title=url)
    assert api("posts/add", url="https://app.example/#/settings", description="Settings")
    assert Post.objects.filter(user=alice).count() == 3
    api("posts/delete", url="https://app.example/#/settings")
    assert sorted(Post.objects.values_list("link__url", flat=True)) == [
        "https://app.example/",
        "https://app.example/#/inbox",
    ]


def test_get_finds_the_bookmark_of_its_exact_fragment(api, alice):
    post_create(user=alice, url="https://app.example/", title="Home")
    post_create(user=alice, url="https://app.example/#/inbox", title="Inbox")
    response = api("posts/get", url="https://app.example/#/inbox", format="json")
    titles = [post["description"] for post in json.loads(body_of(response))["posts"]]
    assert titles == ["Inbox"]
