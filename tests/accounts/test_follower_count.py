"""How many follow each person, kept by the database whatever writes the follows."""

import pytest

from kwippy.accounts.models import Follow, FollowerCount
from kwippy.accounts.selectors import users_directory
from kwippy.accounts.services import follow_create, follow_delete
from tests.conftest import make_user


def followers_of(user) -> int:
    return FollowerCount.objects.get(user=user).followers


def test_a_new_account_starts_with_no_followers(alice):
    assert followers_of(alice) == 0
    assert users_directory().get(pk=alice.pk).follower_total == 0


def test_follows_made_and_undone_move_the_count(alice, bob, charlie):
    follow_create(follower=bob, followee=alice)
    follow_create(follower=charlie, followee=alice)
    assert followers_of(alice) == 2
    follow_delete(follower=bob, followee=alice)
    assert followers_of(alice) == 1
    assert followers_of(bob) == 0


def test_writes_around_the_services_move_it_too(alice, bob, charlie):
    Follow.objects.bulk_create([Follow(follower=bob, followee=alice)])
    Follow.objects.filter(follower=bob).update(followee=charlie)
    assert (followers_of(alice), followers_of(charlie)) == (0, 1)
    # A deleted account's follows go with it, and so does what they counted.
    bob.delete()
    assert followers_of(charlie) == 0


@pytest.mark.django_db
def test_the_directory_lists_the_most_followed_first_and_everyone():
    people = [make_user(f"person{i}") for i in range(4)]
    for i, person in enumerate(people):
        for follower in people[:i]:
            follow_create(follower=follower, followee=person)
    ranked = users_directory().order_by("-follower_total", "-id")
    assert [person.username for person in ranked] == ["person3", "person2", "person1", "person0"]
    assert [person.follower_total for person in ranked] == [3, 2, 1, 0]
