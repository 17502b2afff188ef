"""A feed's document is bounded whatever the posts hold, and always fits in the object cache."""

import feedparser
import pytest

from kwippy.feeds.base import DEFAULT_COUNT, MAX_COUNT, MAX_FEED_BYTES, NOTE_MAX_CHARACTERS
from kwippy.posts.models import Link, Post
from kwippy.posts.normalize import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH
from kwippy.posts.services import post_create
from kwippy.posts.tags import TAG_MAX_LENGTH
from tests.feeds.helpers import parsed


def _long_posts(user, n: int, *, url: str = "", title: str = "t", tags: tuple = ()) -> None:
    """Save `n` public posts with the longest note, the costliest to escape, straight into the
    tables (the feed reads, nothing more)."""
    links = Link.objects.bulk_create(
        Link(url=f"https://example.com/{i}?{url}", url_hash=f"{i:032d}") for i in range(n)
    )
    Post.objects.bulk_create(
        Post(user=user, link=link, title=title, description="<" * DESCRIPTION_MAX_LENGTH, tags=tags)
        for link in links
    )


@pytest.mark.parametrize("path", ["/feeds/recent/", "/feeds/recent/atom/", "/feeds/u/alice/"])
def test_notes_are_escaped_once(client, alice, path):
    post_create(user=alice, url="https://example.com/", title="t", description="a < b & c")
    content = client.get(path).content
    assert b"&amp;lt;" not in content
    assert b"&amp;amp;" not in content
    (entry,) = parsed(client.get(path)).entries
    assert "<p>a &lt; b &amp; c</p>" in entry.summary


def test_a_long_note_is_cut_in_feeds_and_says_so(client, alice):
    post_create(
        user=alice, url="https://example.com/", title="t", description="x" * 10 + "y" * 10000
    )
    (entry,) = parsed(client.get("/feeds/u/alice/atom/")).entries
    assert "x" * 10 + "y" * (NOTE_MAX_CHARACTERS - 10) + "\u2026" in entry.summary
    assert "y" * (NOTE_MAX_CHARACTERS - 9) not in entry.summary


@pytest.mark.parametrize("suffix", ["", "atom/"])
@pytest.mark.parametrize("query", ["", f"?count={MAX_COUNT}"])
def test_200_of_the_longest_notes_make_a_feed_the_object_cache_keeps(
    client, alice, committed, suffix, query, django_assert_num_queries
):
    _long_posts(alice, MAX_COUNT - 1, tags=("many",))
    with committed():  # the change stamp that a cached document is kept under
        post_create(
            user=alice,
            url="https://example.com/",
            title="t",
            description="<" * DESCRIPTION_MAX_LENGTH,
        )
    path = f"/feeds/recent/{suffix}{query}"
    first = client.get(path)
    assert len(first.content) <= MAX_FEED_BYTES
    # Fifty such items always fit; of 200, the oldest may wait for the reader's next poll.
    assert DEFAULT_COUNT <= len(parsed(first).entries) <= MAX_COUNT
    with django_assert_num_queries(1):  # the stamp: the document came from memcached
        assert client.get(path).content == first.content


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_a_feed_stays_within_its_bound_whatever_the_posts_hold(client, alice, suffix):
    # At most 10 tags name a tag feed; each post here has 100 tags of the longest, costliest kind.
    tags = [f"{i:02d}" + "\U0001f600" * (TAG_MAX_LENGTH - 2) for i in range(100)]
    _long_posts(alice, MAX_COUNT, url="a=&" * 659, title="&" * TITLE_MAX_LENGTH, tags=tags)
    path = f"/feeds/u/alice/t/{'+'.join(tags[:10])}/{suffix}?count={MAX_COUNT}"
    response = client.get(path)
    assert len(response.content) <= MAX_FEED_BYTES
    result = feedparser.parse(response.content)
    assert not result.bozo, result.get("bozo_exception")
    # The newest items that fit are there; the rest are left for the reader's next poll.
    assert 0 < len(result.entries) < MAX_COUNT
