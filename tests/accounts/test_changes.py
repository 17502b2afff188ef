from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kwippy.accounts import changes
from kwippy.accounts.models import ChangeStamp
from kwippy.accounts.services import follow_create, follow_delete
from kwippy.posts.services import post_create, post_delete, post_update


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _stamp(user) -> ChangeStamp:
    return ChangeStamp.objects.get(pk=user.pk)


def test_a_stamp_is_written_only_once_the_transaction_commits(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as hooks:
        post_create(user=alice, url="https://example.com/", title="t")
        assert not ChangeStamp.objects.filter(pk=alice.pk).exists()
    assert len(hooks) == 1
    hooks[0]()
    assert _stamp(alice).posts is not None


def test_a_public_post_stamps_both_and_a_private_one_only_the_persons(alice, run_commit_hooks):
    with run_commit_hooks():
        post = post_create(user=alice, url="https://example.com/", title="t")
    first = _stamp(alice)
    assert first.posts == first.public_posts == changes.last_change_public()
    with run_commit_hooks():
        post_update(post=post, is_private=True)  # going private is a public change
    second = _stamp(alice)
    assert second.public_posts > first.public_posts
    with run_commit_hooks():
        post_update(post=post, title="still private")
    third = _stamp(alice)
    assert third.posts > second.posts
    assert third.public_posts == second.public_posts
    assert changes.last_change_user(user_id=alice.pk, private=False) == third.public_posts
    assert changes.last_change_user(user_id=alice.pk, private=True) == third.posts


def test_deleting_a_post_stamps_it(alice, run_commit_hooks):
    with run_commit_hooks():
        post = post_create(user=alice, url="https://example.com/", title="t")
    before = _stamp(alice)
    with run_commit_hooks():
        post_delete(post=post)
    assert _stamp(alice).public_posts > before.public_posts


def test_a_new_stamp_is_later_than_the_last_even_when_the_clock_is_behind(alice, run_commit_hooks):
    future = timezone.now() + timedelta(days=1)
    ChangeStamp.objects.create(user=alice, posts=future, public_posts=future)
    with run_commit_hooks():
        post_create(user=alice, url="https://example.com/", title="t", is_private=True)
    assert _stamp(alice).posts == future + timedelta(microseconds=1)
    assert _stamp(alice).public_posts == future


def test_the_public_stamp_is_the_newest_of_anyones(alice, bob, run_commit_hooks):
    assert changes.last_change_public() is None
    with run_commit_hooks():
        post_create(user=alice, url="https://example.com/a", title="a")
        post_create(user=bob, url="https://example.com/b", title="b")
    assert changes.last_change_public() == _stamp(bob).public_posts > _stamp(alice).public_posts


def test_the_network_stamp_follows_follows_and_the_followed_public_posts(
    alice, bob, charlie, run_commit_hooks
):
    assert changes.last_change_network(user_id=alice.pk) is None
    with run_commit_hooks():
        follow_create(follower=alice, followee=bob)
    followed = changes.last_change_network(user_id=alice.pk)
    assert followed == _stamp(alice).following
    with run_commit_hooks():
        post_create(user=charlie, url="https://example.com/c", title="c")
        post_create(user=bob, url="https://example.com/b", title="b", is_private=True)
    assert changes.last_change_network(user_id=alice.pk) == followed
    with run_commit_hooks():
        post_create(user=bob, url="https://example.com/b2", title="b2")
    assert changes.last_change_network(user_id=alice.pk) == _stamp(bob).public_posts
    with run_commit_hooks():
        follow_delete(follower=alice, followee=bob)
    assert changes.last_change_network(user_id=alice.pk) == _stamp(alice).following


def test_following_twice_or_unfollowing_a_stranger_stamps_nothing(alice, bob, run_commit_hooks):
    with run_commit_hooks():
        follow_create(follower=alice, followee=bob)
    before = _stamp(alice).following
    with run_commit_hooks():
        follow_create(follower=alice, followee=bob)
        follow_delete(follower=bob, followee=alice)
    assert _stamp(alice).following == before
    assert not ChangeStamp.objects.filter(pk=bob.pk).exists()


def test_stamping_everyone_covers_every_person(alice, bob, run_commit_hooks):
    with run_commit_hooks():
        changes.change_stamp_everyone()
    for stamp in ChangeStamp.objects.all():
        assert stamp.posts == stamp.public_posts == stamp.following is not None
    assert ChangeStamp.objects.count() == 2


def test_seed_demo_stamps_everyone_it_wrote_around_the_services(db, run_commit_hooks):
    with run_commit_hooks():
        call_command("seed_demo", users=3, posts=20, stdout=StringIO(), stderr=StringIO())
    assert ChangeStamp.objects.filter(following__isnull=False).count() == 3
    assert changes.last_change_public() is not None
