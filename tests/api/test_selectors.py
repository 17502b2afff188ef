"""The API's reads: windows, days and suggestions."""

from datetime import UTC, date, datetime

from kwippy.api import selectors
from kwippy.posts.services import post_create


def _post(user, n, created, **extra):
    return post_create(
        user=user, url=f"https://example.com/{n}", title=str(n), created=created, **extra
    )


def test_suggestions_never_show_tags_from_private_posts(alice, bob, charlie):
    _post(bob, 1, None, tags="shared-tag")
    _post(charlie, 1, None, tags="secret-tag", is_private=True)
    popular, recommended = selectors.tags_suggested(user=alice, url="https://example.com/1")
    assert popular == ["shared-tag"]
    assert recommended == []


def test_suggestions_for_a_link_nobody_saved_are_empty(alice):
    assert selectors.tags_suggested(user=alice, url="https://nobody.example/") == ([], [])


def test_recommended_tags_are_own_tags_then_popular_ones_the_person_uses(alice, bob):
    _post(alice, 1, None, tags="mine")
    _post(alice, 2, None, tags="shared-tag")
    _post(bob, 1, None, tags="shared-tag other")
    popular, recommended = selectors.tags_suggested(user=alice, url="https://example.com/1")
    assert popular == ["mine", "other", "shared-tag"]
    assert recommended == ["mine", "shared-tag"]


def test_posts_all_bounds_are_inclusive(alice):
    for n, hour in enumerate((8, 9, 10)):
        _post(alice, n, datetime(2024, 1, 1, hour, tzinfo=UTC))
    window = selectors.posts_all(
        user=alice,
        tags=[],
        start=0,
        results=None,
        since=datetime(2024, 1, 1, 9, tzinfo=UTC),
        until=datetime(2024, 1, 1, 10, tzinfo=UTC),
    )
    assert [post.title for post in window] == ["2", "1"]


def test_days_are_utc_days(alice):
    _post(alice, 1, datetime(2024, 1, 1, 23, 59, 59, tzinfo=UTC))
    _post(alice, 2, datetime(2024, 1, 2, 0, 0, 0, tzinfo=UTC))
    days = selectors.post_dates(user=alice, tags=[])
    assert days == [(date(2024, 1, 2), 1), (date(2024, 1, 1), 1)]
    _, posts = selectors.posts_of_day(user=alice, tags=[], day=date(2024, 1, 1), url=None)
    assert [post.title for post in posts] == ["1"]


def test_the_last_day_there_is_has_no_day_after_it(alice):
    _post(alice, 1, datetime(9999, 12, 31, 12, tzinfo=UTC))
    day, posts = selectors.posts_of_day(user=alice, tags=[], day=None, url=None)
    assert day == date(9999, 12, 31)
    assert [post.title for post in posts] == ["1"]
