"""Fetch and read feeds in tests."""

import socket
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import feedparser
from django.conf import settings
from django.db.models import F

from kwippy.accounts.models import ChangeStamp
from tests.conftest import PASSWORD, basic_authorization

PUBLIC_FEEDS = [
    "/feeds/recent/",
    "/feeds/popular/",
    "/feeds/t/python/",
    "/feeds/u/alice/",
    "/feeds/u/alice/t/python/",
]
PRIVATE_FEEDS = [
    "/feeds/private/",
    "/feeds/private/t/python/",
    "/feeds/network/",
    "/feeds/toread/",
]


def as_user(username: str, password: str = PASSWORD) -> dict[str, str]:
    """Return the test client keyword that sends Basic credentials."""
    return {"HTTP_AUTHORIZATION": basic_authorization(username, password)}


def site() -> str:
    """Return the site's configured address, which feeds use whatever Host a reader sent."""
    return settings.SITE_URL


def tag_uri(specific: str) -> str:
    """Return the `tag:` URI feeds give something of this site."""
    return f"tag:{urlsplit(site()).hostname},2008:{specific}"


def parsed(response) -> feedparser.FeedParserDict:
    """Return feedparser's reading of a feed response, which must be a well-formed feed."""
    assert response.status_code == 200, response.content[:500]
    result = feedparser.parse(response.content)
    assert not result.bozo, result.get("bozo_exception")
    return result


def titles(response) -> set[str]:
    return {entry.title for entry in parsed(response).entries}


def an_hour_ago() -> None:
    """Move every change stamp an hour back, as if the last change was that long ago.

    Within the second of a change, feeds give no date a 304 (see kwippy.feeds.base); tests that
    poll by date right after writing need the second to be over.
    """
    hour = timedelta(hours=1)
    ChangeStamp.objects.update(
        posts=F("posts") - hour,
        public_posts=F("public_posts") - hour,
        following=F("following") - hour,
    )


def cached_feed_documents() -> list[str]:
    """Return the keys of the feed documents the object memcached holds now."""
    keys = []
    for address in settings.CACHES["default"]["LOCATION"]:
        host, port = address.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            conn.sendall(b"lru_crawler metadump all\r\n")
            data = b""
            while not data.endswith(b"END\r\n"):
                data += conn.recv(65536)
        # One line per live item: "key=<url-encoded key> exp=… la=… …".
        for line in data.decode().splitlines():
            if line.startswith("key="):
                keys.append(unquote(line.split()[0].removeprefix("key=")))
    return [key for key in keys if "feeds:document:" in key]
