import pytest

from kwippy.accounts.services import follow_create
from kwippy.posts.services import post_create


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Return a context manager that runs, as it closes, what a commit would run.

    Change stamps are written once a transaction commits, and a test runs inside a transaction
    that never does: writes whose stamps matter go in `with committed():`.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def posts(alice, bob, charlie, committed):
    """alice: two public posts and a private one to read; bob, whom alice follows: one public,
    one private; charlie, whom nobody follows: one public."""
    with committed():
        return _posts(alice, bob, charlie)


def _posts(alice, bob, charlie):
    follow_create(follower=alice, followee=bob)
    return {
        "alice public": post_create(
            user=alice,
            url="https://example.com/alice/public",
            title="Alice's public bookmark",
            description="A note.",
            tags="python web",
        ),
        "alice second": post_create(
            user=alice, url="https://example.com/alice/second", title="Alice again", tags="python"
        ),
        "alice private": post_create(
            user=alice,
            url="https://example.com/alice/private",
            title="Alice's secret",
            tags="python secret",
            is_private=True,
            to_read=True,
        ),
        "bob public": post_create(
            user=bob, url="https://example.com/bob/public", title="Bob's public", tags="python"
        ),
        "bob private": post_create(
            user=bob,
            url="https://example.com/bob/private",
            title="Bob's secret",
            tags="python",
            is_private=True,
            to_read=True,
        ),
        "charlie public": post_create(
            user=charlie, url="https://example.com/charlie/public", title="Charlie's", tags="python"
        ),
    }
