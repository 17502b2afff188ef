from urllib.parse import quote, urlencode

import feedparser
import pytest
from django.core.exceptions import BadRequest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.feeds.base import DEFAULT_COUNT, MAX_COUNT, MAX_FEED_BYTES, feed_count
from kwippy.posts.services import post_create, post_update
from tests.conftest import PASSWORD, basic_authorization
from tests.feeds.helpers import site

_FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_latin1 = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80)
_segment = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.text("+%/2Bacz-._~ ", max_size=12),
    st.sampled_from(
        ["alice", "ALICE", "python", "python+web", "c%2B%2B", "+", "atom", "\x00", "%00", "a\x08"]
    ),
).map(lambda text: quote(text, safe="+"))
_path = st.builds(
    lambda template, a, b, atom: template.format(a=a, b=b) + atom,
    st.sampled_from(
        [
            "/feeds/recent/",
            "/feeds/popular/",
            "/feeds/network/",
            "/feeds/toread/",
            "/feeds/private/",
            "/feeds/t/{a}/",
            "/feeds/u/{a}/",
            "/feeds/u/{a}/t/{b}/",
            "/feeds/private/t/{a}/",
            "/feeds/{a}/",
        ]
    ),
    _segment,
    _segment,
    st.sampled_from(["", "atom/", "atom/atom/"]),
)
_query = st.dictionaries(
    st.sampled_from(["count", "before", "format", "count[]"]) | st.text(max_size=8),
    st.one_of(_latin1, st.integers(-(10**30), 10**30).map(str)),
    max_size=3,
).map(urlencode)
_headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_IF_NONE_MATCH": _latin1 | st.just("*"),
        "HTTP_IF_MODIFIED_SINCE": _latin1 | st.just("Mon, 01 Jan 2024 00:00:00 GMT"),
        "HTTP_IF_MATCH": _latin1,
        "HTTP_IF_UNMODIFIED_SINCE": _latin1,
        "HTTP_AUTHORIZATION": _latin1 | st.just(basic_authorization("alice", PASSWORD)),
    },
)


@_FUZZ
@given(
    method=st.sampled_from(["get", "head", "post", "options"]),
    path=_path,
    query=_query,
    headers=_headers,
)
def test_fuzzed_feed_requests_never_give_a_500(client, posts, method, path, query, headers):
    response = getattr(client, method)(f"{path}?{query}", **headers)
    assert response.status_code in (200, 304, 400, 401, 404, 405, 412), response.content[:300]


@given(raw=st.one_of(st.text(max_size=12), st.integers(-(10**6), 10**6).map(str), st.none()))
def test_count_is_a_whole_number_from_1_to_200_or_a_bad_request(raw):
    try:
        count = feed_count(raw)
    except BadRequest:
        assert raw is not None
        assert not (raw.strip().isascii() and raw.strip().isdigit() and int(raw) > 0)
        return
    assert 1 <= count <= MAX_COUNT
    assert count == (DEFAULT_COUNT if raw is None else min(int(raw), MAX_COUNT))


@pytest.fixture
def one_post(alice, committed):
    with committed():
        return post_create(user=alice, url="https://example.com/", title="t")


# What PostgreSQL can store: anything but NUL.
_stored = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


@_FUZZ
@given(
    title=st.text(_stored, max_size=255),
    description=st.text(_stored, max_size=500),
    tags=st.lists(st.text(_stored, min_size=1, max_size=20), max_size=4),
    display_name=st.text(_stored, max_size=100),
)
def test_whatever_people_type_the_feeds_stay_well_formed(
    client, one_post, committed, title, description, tags, display_name
):
    with committed():
        post_update(post=one_post, title=title, description=description, tags=tags)
        one_post.user.display_name = display_name
        one_post.user.save()
    for path in ("/feeds/u/alice/", "/feeds/u/alice/atom/"):
        response = client.get(path)
        assert response.status_code == 200
        assert len(response.content) <= MAX_FEED_BYTES
        result = feedparser.parse(response.content)
        assert not result.bozo, result.get("bozo_exception")
        (entry,) = result.entries
        # Plain text in RSS and Atom alike: feedparser finds no HTML to guess at.
        assert entry.title_detail.type == "text/plain"


@_FUZZ
@given(
    tags=st.lists(
        st.one_of(st.text(_stored, min_size=1, max_size=12), st.text("%+/2Bc.", min_size=1)),
        min_size=1,
        max_size=3,
    ),
    spelled=st.text("%+/2Bbc.", min_size=1, max_size=16),
    atom=st.booleans(),
)
def test_a_tag_feeds_self_link_gives_the_same_feed_again(client, one_post, tags, spelled, atom):
    post_update(post=one_post, title="t", description="", tags=tags)
    suffix = "atom/" if atom else ""
    for segment in ("+".join(quote(tag, safe="") for tag in tags), spelled):
        response = client.get(f"/feeds/t/{quote(segment, safe='+')}/{suffix}")
        assert response.status_code in (200, 400, 404), response.content[:300]
        if response.status_code != 200:
            continue
        result = feedparser.parse(response.content)
        (self_link,) = [link.href for link in result.feed.links if link.rel == "self"]
        assert self_link.startswith(site())
        again = client.get(self_link.removeprefix(site()))
        assert again.content == response.content
