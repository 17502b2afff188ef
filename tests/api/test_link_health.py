"""The Pinboard API is unchanged by what kwippy learns of the pages: clients see no new field."""

import pytest

from kwippy.posts.models import LinkHealth
from kwippy.posts.services import post_create
from tests.api.conftest import body_of
from tests.pages.helpers import page_write

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("format_", ["xml", "json"])
@pytest.mark.parametrize("method", ["posts/get", "posts/all", "posts/recent"])
def test_a_gone_link_changes_nothing_in_the_answers(api, alice, method, format_):
    post = post_create(user=alice, url="https://gone.example/", title="Gone", tags="web")
    params = {"url": "https://gone.example/"} if method == "posts/get" else {}
    if format_ == "json":
        params["format"] = "json"
    before = body_of(api(method, **params))
    assert b"gone.example" in before
    page_write(
        link=post.link,
        health=LinkHealth.GONE,
        status_code=410,
        title="Its own title",
        description="Its own description",
        text="Its words.",
    )
    assert body_of(api(method, **params)) == before
