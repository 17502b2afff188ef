from django.core.management import call_command

from kwippy.accounts.models import Follow, User
from kwippy.posts.models import Link, Post, UserTag


def test_small_demo_creates_people_who_can_sign_in(db, client):
    call_command("seed_demo", verbosity=0)
    assert set(User.objects.values_list("username", flat=True)) == {"alice", "bob", "charlie"}
    assert Post.objects.count() >= 12
    assert client.login(username="alice", password="kwippy-demo")


def test_if_empty_leaves_an_existing_site_alone(alice):
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert User.objects.count() == 1
    assert not Post.objects.exists()


def test_large_demo_builds_the_asked_size_with_consistent_counts(db):
    call_command("seed_demo", "--users", "20", "--posts", "500", "--tags", "40", verbosity=0)
    assert User.objects.count() == 20
    assert Post.objects.count() == 500
    tag_total = sum(UserTag.objects.values_list("count", flat=True))
    assert tag_total == sum(len(tags) for tags in Post.objects.values_list("tags", flat=True))
    for link in Link.objects.filter(public_saves__gt=0)[:20]:
        assert link.public_saves == link.posts.filter(is_private=False).count()
    assert not Post.objects.filter(search_vector=None).exists()
    assert Follow.objects.count() >= 20 * 15
