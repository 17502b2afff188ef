"""Keyset pagination: stable under inserts, and any `before` value gets an answer, never a 500."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwippy.accounts.models import Follow
from kwippy.posts import services
from kwippy.posts.models import Post
from kwippy.posts.pagination import (
    BadCursor,
    paginate_recent,
    parse_popular_cursor,
    parse_recent_cursor,
    popular_cursor,
    recent_cursor,
)


@pytest.fixture
def thirty(alice):
    """Thirty public posts by alice, one minute apart, two of them at the same instant."""
    now = timezone.now()
    for i in range(30):
        when = now - timedelta(minutes=i if i != 7 else 6)
        services.post_create(user=alice, url=f"https://{i}.example/", title=f"n{i}", created=when)
    return alice


def _titles(page) -> list[str]:
    return [post.title for post in page]


def test_pages_cover_every_post_once_in_order(thirty):
    seen, cursor = [], None
    while True:
        page = paginate_recent(Post.objects.all(), cursor=cursor, size=7)
        seen += _titles(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = list(Post.objects.order_by("-created", "-id").values_list("title", flat=True))
    assert seen == expected
    assert len(set(seen)) == 30


def test_the_second_page_stays_the_same_when_new_posts_arrive(thirty, client, settings):
    settings.KWIPPY_PAGE_SIZE = 10
    first = paginate_recent(Post.objects.all(), cursor=None, size=10)
    second = _titles(paginate_recent(Post.objects.all(), cursor=first.next_cursor, size=10))
    for i in range(5):
        services.post_create(user=thirty, url=f"https://new{i}.example/", title=f"new{i}")
    again = _titles(paginate_recent(Post.objects.all(), cursor=first.next_cursor, size=10))
    assert again == second
    page = client.get("/u/alice/", {"before": first.next_cursor}).text
    assert all(f">{title}</a>" in page for title in second)
    assert "new0" not in page


def test_pages_link_to_the_next_page_and_back_to_the_newest(thirty, client, settings):
    settings.KWIPPY_PAGE_SIZE = 10
    first = client.get("/u/alice/").text
    assert 'rel="next"' in first
    assert ">Newest</a>" not in first
    cursor = paginate_recent(Post.objects.all(), cursor=None, size=10).next_cursor
    second = client.get("/u/alice/", {"before": cursor}).text
    assert 'href="/u/alice/">Newest</a>' in second


def test_cursor_round_trips_microseconds(db):
    moment = timezone.now().replace(microsecond=123456)
    cursor = recent_cursor(moment, 42)
    with pytest.raises(BadCursor):
        paginate_recent(Post.objects.all(), cursor=cursor + "x", size=1)
    assert paginate_recent(Post.objects.all(), cursor=cursor, size=1).items == []


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cursor=st.text(max_size=40))
@pytest.mark.parametrize("path", ["/", "/u/alice/", "/t/x/", "/popular/", "/search/?q=x&"])
def test_any_before_value_gets_a_page_or_a_400(client, alice, path, cursor):
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}before=" + cursor.replace("&", "%26").replace("#", "%23"))
    assert response.status_code in (200, 400)


def test_a_popular_cursor_names_the_saves_and_public_id_it_was_made_from():
    assert parse_popular_cursor(popular_cursor(12, "a_b-C9")) == (12, "a_b-C9")


@pytest.mark.parametrize(
    "cursor", ["_", "12", "12_", "x_abc", "-1_abc", "1234567890_abc", "3_a b", "\u00b2_abc"]
)
def test_a_popular_cursor_this_site_did_not_make_is_refused(client, db, cursor):
    with pytest.raises(BadCursor):
        parse_popular_cursor(cursor)
    assert client.get("/popular/", {"before": cursor}).status_code == 400


def test_network_pages_match_the_network_queryset_page_by_page(alice, bob, charlie):
    from kwippy.accounts.services import follow_create
    from kwippy.posts.selectors import posts_network_page

    follow_create(follower=alice, followee=bob)
    now = timezone.now()
    for i in range(25):
        owner = [alice, bob, charlie][i % 3]
        when = now - timedelta(minutes=i // 2)  # pairs share an instant: ties broken by id
        services.post_create(
            user=owner,
            url=f"https://{i}.example/",
            title=f"n{i}",
            created=when,
            is_private=i % 4 == 0,
        )
    followed = Follow.objects.filter(follower=alice).values("followee")
    expected = list(
        Post.objects.filter(Q(user=alice) | Q(user__in=followed, is_private=False)).order_by(
            "-created", "-id"
        )
    )
    seen, cursor = [], None
    while True:
        page = posts_network_page(user=alice, cursor=cursor, size=4)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected
    assert all(post.user_id in (alice.pk, bob.pk) for post in seen)
    assert not any(post.is_private and post.user_id == bob.pk for post in seen)
    assert any(post.is_private and post.user_id == alice.pk for post in seen)


@given(
    moment=st.datetimes(timezones=st.just(UTC)),
    pk=st.integers(min_value=1, max_value=2**63 - 1),
)
def test_a_cursor_names_any_storable_moment_exactly(moment, pk):
    assert parse_recent_cursor(recent_cursor(moment, pk)) == (moment, pk)


OLD_MOMENTS = [
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
    datetime(1969, 7, 20, 20, 17, tzinfo=UTC),
    datetime(1900, 1, 1, tzinfo=UTC),
    datetime(1, 1, 1, 0, 0, 1, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=UTC),
]


@pytest.mark.parametrize("path", ["/", "/u/alice/", "/t/old/", "/u/alice/t/old/"])
def test_older_links_reach_posts_from_before_1970_and_the_far_past(client, alice, settings, path):
    settings.KWIPPY_PAGE_SIZE = 1
    for i, moment in enumerate(OLD_MOMENTS):
        services.post_create(
            user=alice, url=f"https://old{i}.example/", title=f"old{i}", tags="old", created=moment
        )
    seen, cursor = [], None
    for _ in OLD_MOMENTS:
        response = client.get(path, {"before": cursor} if cursor else {})
        assert response.status_code == 200
        page = response.context["page"]
        seen += _titles(page)
        cursor = page.next_cursor
    assert seen == [f"old{i}" for i in range(len(OLD_MOMENTS))]
    assert cursor is None
