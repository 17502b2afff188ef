"""The API as deployed: gunicorn with DEBUG=0 takes Pinboard's longest GET."""

import urllib.parse

import pinboard
import pytest

from kwippy.accounts.models import User
from kwippy.httpauth.services import app_password_create
from kwippy.posts.models import Post
from tests.httpauth.helpers import fetch
from tests.test_deployment import gunicorn_production  # noqa: F401 - a fixture


@pytest.fixture
def token(transactional_db):
    """An auth_token of a user committed where gunicorn's workers can see it."""
    user = User.objects.create_user("gina", password="irrelevant-for-this-test")
    _, secret = app_password_create(user=user, name="pinboard client")
    return f"gina:{secret}"


def test_gunicorn_accepts_a_get_with_the_longest_extended(gunicorn_production, token):  # noqa: F811
    extended = "é" * 65536
    query = urllib.parse.urlencode(
        {
            "auth_token": token,
            "url": "https://example.com/",
            "description": "Long",
            "extended": extended,
            "format": "json",
        }
    )
    reply = fetch(f"{gunicorn_production}/api/v1/posts/add?{query}")
    assert reply.status == 200, reply.body[:200]
    assert reply.body == '{"result_code": "done"}'
    assert Post.objects.get().description == extended


def test_the_pinboard_package_works_against_gunicorn(gunicorn_production, token, monkeypatch):  # noqa: F811
    monkeypatch.setattr(
        pinboard.pinboard, "PINBOARD_API_ENDPOINT", gunicorn_production + "/api/v1/"
    )
    client = pinboard.Pinboard(token)
    assert client.posts.add(url="https://example.com/", description="Example", tags=["a", "b"])
    assert [b.tags for b in client.posts.all()] == [["a", "b"]]
    assert [(tag.name, tag.count) for tag in client.tags.get()] == [("a", 1), ("b", 1)]
