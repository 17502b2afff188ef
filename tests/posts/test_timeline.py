"""The signed-in home timeline, served from the object cache until something in it changes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timesince import timesince
from hypothesis import given
from hypothesis import strategies as st

from kwippy.accounts.services import follow_create, follow_delete, user_update_profile
from kwippy.posts import services
from kwippy.posts.ages import age_at
from kwippy.posts.models import Post
from kwippy.posts.timeline import refresh_ages
from tests.memcached import MemcachedProcess


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's commit hooks (the change stamps) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def network(alice, bob, committed):
    """Alice follows bob; each has a post, alice's own one private."""
    with committed():
        follow_create(follower=alice, followee=bob)
        services.post_create(user=bob, url="https://bob.example/", title="Bob's find")
        services.post_create(
            user=alice, url="https://alice.example/", title="Alice's secret", is_private=True
        )
    return alice, bob


def home_of(client, user) -> tuple[str, list[str]]:
    """Return the home page's text as `user` sees it, and the SQL it took."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return response.text, [query["sql"] for query in queries]


def post_list(page: str) -> str:
    return page[page.index('<section class="post-list"') : page.index("</section>")]


def reads_posts(queries: list[str]) -> bool:
    return any(Post._meta.db_table in sql and "FROM" in sql for sql in queries)


def test_a_second_visit_shows_the_same_posts_without_reading_them(client, network):
    alice, _ = network
    first, first_queries = home_of(client, alice)
    second, second_queries = home_of(client, alice)
    assert reads_posts(first_queries)
    assert not reads_posts(second_queries)
    assert "Bob&#x27;s find" in second
    assert "Alice&#x27;s secret" in second
    assert post_list(second) == post_list(first)


def test_a_followed_persons_new_post_shows_at_once(client, network, committed):
    alice, bob = network
    home_of(client, alice)
    with committed():
        services.post_create(user=bob, url="https://bob.example/new", title="Fresh from bob")
    assert "Fresh from bob" in home_of(client, alice)[0]


def test_a_followed_post_made_private_leaves_the_timeline_at_once(client, network, committed):
    alice, bob = network
    assert "Bob&#x27;s find" in home_of(client, alice)[0]
    with committed():
        services.post_update(post=Post.objects.get(user=bob), is_private=True)
    assert "Bob&#x27;s find" not in home_of(client, alice)[0]


def test_unfollowing_takes_their_posts_away_at_once(client, network, committed):
    alice, bob = network
    home_of(client, alice)
    with committed():
        follow_delete(follower=alice, followee=bob)
    assert "Bob&#x27;s find" not in home_of(client, alice)[0]


def test_a_deleted_followed_account_leaves_the_timeline_at_once(client, network):
    alice, bob = network
    home_of(client, alice)
    bob.delete()
    assert "Bob&#x27;s find" not in home_of(client, alice)[0]


def test_an_edit_of_ones_own_private_post_shows_at_once(client, network, committed):
    alice, _ = network
    home_of(client, alice)
    with committed():
        services.post_update(post=Post.objects.get(user=alice), title="Alice's renamed secret")
    assert "Alice&#x27;s renamed secret" in home_of(client, alice)[0]


def test_a_followed_persons_new_name_shows_at_once(client, network, committed):
    alice, bob = network
    home_of(client, alice)
    with committed():
        user_update_profile(
            user=bob, display_name="Robert Tables", bio="", website="", email=bob.email
        )
    assert "Robert Tables" in home_of(client, alice)[0]


def test_a_cached_timeline_is_never_shown_to_anyone_else(client, network, charlie, committed):
    alice, bob = network
    with committed():
        follow_create(follower=bob, followee=alice)
        follow_create(follower=charlie, followee=alice)
    assert "Alice&#x27;s secret" in home_of(client, alice)[0]
    for other in (bob, charlie):
        assert "Alice&#x27;s secret" not in home_of(client, other)[0]
    # Charlie has no post of his own: no Edit link of alice's may reach him.
    assert "Edit<span" not in home_of(client, charlie)[0]


def test_the_timeline_is_served_while_the_object_cache_is_down(client, network, settings):
    alice, _ = network
    with MemcachedProcess() as objects:
        settings.CACHES = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": [objects.address]},
        }
        assert "Bob&#x27;s find" in home_of(client, alice)[0]
        objects.stop()
        assert "Bob&#x27;s find" in home_of(client, alice)[0]


def test_a_cached_rendering_gets_todays_ages():
    html = (
        '<p>3 days ago</p><time datetime="2024-05-01T12:00:00+00:00" title="1 May">just now</time>'
    )
    later = datetime(2024, 5, 1, 15, 30, tzinfo=UTC)
    assert refresh_ages(html, now=later) == (
        '<p>3 days ago</p><time datetime="2024-05-01T12:00:00+00:00" title="1 May">'
        "3\xa0hours ago</time>"
    )


moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@given(moment=moments, elapsed=st.timedeltas(min_value=timedelta(0), max_value=timedelta(3000)))
def test_ages_say_what_timesince_says(moment, elapsed):
    now = moment + elapsed
    expected = (
        "just now" if elapsed < timedelta(minutes=1) else f"{timesince(moment, now, depth=1)} ago"
    )
    assert age_at(moment, now) == expected
