import base64
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pinboard
import pytest

from kwippy.auth.services import app_password_create
from kwippy.posts.services import post_create


@pytest.fixture
def secret(alice) -> str:
    """An app password of alice's: the token of auth_token=alice:<secret>."""
    _, value = app_password_create(user=alice, name="pinboard client")
    return value


@pytest.fixture
def api(client, secret):
    """Call an API method through Django's test client as alice; return the response."""

    def call(method: str, auth: str | None = None, headers: dict | None = None, **params):
        if auth is None:
            params.setdefault("auth_token", f"alice:{secret}")
        extra = {"HTTP_AUTHORIZATION": auth} if auth else {}
        extra.update(headers or {})
        return client.get(f"/api/v1/{method}", params, **extra)

    return call


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    body = body_of(response).decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    return ET.fromstring(body.split("\n", 1)[1])


def json_of(response):
    assert response["Content-Type"] == "text/json; charset=utf-8"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@pytest.fixture
def saved(alice, bob):
    """A few posts of alice's (one private, one to read) and one public one of bob's."""
    return [
        post_create(
            user=alice,
            url="https://example.com/one",
            title="One",
            description="first note",
            tags="python django",
            created=at("2024-03-01T10:00:00Z"),
        ),
        post_create(
            user=alice,
            url="https://example.com/two",
            title="Two",
            tags="python",
            is_private=True,
            to_read=True,
            created=at("2024-03-02T09:30:00Z"),
        ),
        post_create(
            user=alice,
            url="https://example.com/three",
            title="Three",
            tags="web",
            created=at("2024-03-02T18:45:10Z"),
        ),
        post_create(
            user=bob,
            url="https://example.com/one",
            title="Bob's one",
            tags="python tutorial",
            created=at("2024-03-03T08:00:00Z"),
        ),
    ]


@pytest.fixture
def pinboard_api(live_server, monkeypatch, alice):
    """Point the published pinboard client at the live server; return its client for alice."""
    monkeypatch.setattr(pinboard.pinboard, "PINBOARD_API_ENDPOINT", live_server.url + "/api/v1/")
    _, value = app_password_create(user=alice, name="pinboard package")
    return pinboard.Pinboard(f"alice:{value}")
