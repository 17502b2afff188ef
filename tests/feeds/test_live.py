"""feedparser, as a feed reader, against a live server: Basic credentials and conditional polls."""

from urllib.parse import urlsplit

import feedparser
import pytest

from kwippy.auth.services import app_password_create
from kwippy.posts.services import post_create
from tests.feeds.helpers import an_hour_ago


@pytest.fixture
def reader_url(live_server, posts, alice):
    """Return the address of one of alice's feeds with an app password in it, as readers take it."""
    _, secret = app_password_create(user=alice, name="feedparser")
    an_hour_ago()
    netloc = urlsplit(live_server.url).netloc

    def url(path: str, password: str = secret) -> str:
        return f"http://alice:{password}@{netloc}{path}"

    return url


def _read(url: str, **conditions) -> feedparser.FeedParserDict:
    result = feedparser.parse(url, **conditions)
    assert not result.bozo, result.get("bozo_exception")
    return result


@pytest.mark.parametrize("path", ["/feeds/private/", "/feeds/private/atom/", "/feeds/toread/"])
def test_a_reader_with_an_app_password_reads_a_private_feed_and_repolls_with_304(reader_url, path):
    first = _read(reader_url(path))
    assert first.status == 200
    assert "Alice's secret" in {entry.title for entry in first.entries}
    assert first.etag
    assert first.modified
    again = feedparser.parse(reader_url(path), etag=first.etag, modified=first.modified)
    assert again.status == 304
    assert again.entries == []
    assert feedparser.parse(reader_url(path), etag=first.etag).status == 304
    assert feedparser.parse(reader_url(path), modified=first.modified).status == 304


def test_a_reader_gets_the_new_post_on_its_next_poll(reader_url, alice):
    first = _read(reader_url("/feeds/private/"))
    post_create(user=alice, url="https://example.com/new", title="Just saved", is_private=True)
    again = _read(reader_url("/feeds/private/"), etag=first.etag, modified=first.modified)
    assert again.status == 200
    assert again.entries[0].title == "Just saved"
    assert again.etag != first.etag


def test_a_reader_with_a_wrong_password_is_refused(reader_url):
    result = feedparser.parse(reader_url("/feeds/private/", password="kwp_wrong"))
    assert result.status == 401
    assert result.entries == []


def test_a_reader_polls_a_public_feed_without_credentials(live_server, posts):
    an_hour_ago()
    first = _read(live_server.url + "/feeds/recent/atom/")
    assert first.status == 200
    assert first.entries
    again = feedparser.parse(
        live_server.url + "/feeds/recent/atom/", etag=first.etag, modified=first.modified
    )
    assert again.status == 304
