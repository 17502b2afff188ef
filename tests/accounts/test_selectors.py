"""A person read by name with what the top of their pages shows (accounts.selectors)."""

from django.contrib.auth.models import AnonymousUser

from kwippy.accounts.models import ChangeStamp
from kwippy.accounts.selectors import person_get_for_page
from kwippy.accounts.services import follow_create


def test_a_person_comes_with_their_follow_counts_and_whether_the_viewer_follows(
    alice, bob, charlie
):
    follow_create(follower=bob, followee=alice)
    follow_create(follower=charlie, followee=alice)
    follow_create(follower=alice, followee=bob)
    seen_by_bob = person_get_for_page(username="ALICE", viewer=bob)
    assert seen_by_bob.pk == alice.pk
    assert (seen_by_bob.followers_total, seen_by_bob.following_total) == (2, 1)
    assert seen_by_bob.followed_by_viewer is True
    assert person_get_for_page(username="alice", viewer=alice).followed_by_viewer is False
    assert person_get_for_page(username="alice", viewer=AnonymousUser()).followed_by_viewer is False
    assert person_get_for_page(username="charlie", viewer=None).followers_total == 0


def test_a_person_comes_with_their_change_stamps_or_none(alice):
    person = person_get_for_page(username="alice", viewer=None)
    assert (person.posts_changed, person.public_posts_changed) == (None, None)
    stamps = ChangeStamp.objects.create(user=alice)
    ChangeStamp.objects.filter(pk=stamps.pk).update(posts="2026-01-02T03:04:05Z")
    person = person_get_for_page(username="alice", viewer=None)
    assert person.posts_changed.year == 2026
    assert person.public_posts_changed is None


def test_nobody_is_found_by_a_name_no_active_person_has(alice):
    alice.is_active = False
    alice.save()
    assert person_get_for_page(username="alice", viewer=None) is None
    assert person_get_for_page(username="nobody", viewer=None) is None
    assert person_get_for_page(username="ali\x00ce", viewer=None) is None
