"""Renaming and deleting a tag across posts keeps the counts, the search index and posts/update."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from kwippy.accounts.models import ChangeStamp
from kwippy.posts import selectors, services
from kwippy.posts.models import Post, UserTag
from tests.posts.helpers import tag_counts_recounted, tag_counts_stored


@pytest.fixture
def tagged(alice, bob):
    posts = [
        services.post_create(user=alice, url="https://1.example/", title="1", tags="old"),
        services.post_create(user=alice, url="https://2.example/", title="2", tags="old new"),
        services.post_create(
            user=alice, url="https://3.example/", title="3", tags="old x", is_private=True
        ),
        services.post_create(user=alice, url="https://4.example/", title="4", tags="new"),
        services.post_create(user=bob, url="https://1.example/", title="1", tags="old"),
    ]
    return posts


def _tags(post) -> list[str]:
    return Post.objects.get(pk=post.pk).tags


def test_renaming_onto_an_existing_tag_merges_and_keeps_counts(alice, bob, tagged):
    assert services.tag_rename(user=alice, old="OLD", new="new") == 3
    assert [_tags(post) for post in tagged[:4]] == [["new"], ["new"], ["new", "x"], ["new"]]
    assert tag_counts_stored(alice) == tag_counts_recounted(alice) == {"new": (4, 3), "x": (1, 0)}
    assert _tags(tagged[4]) == ["old"]
    assert tag_counts_stored(bob) == {"old": (1, 1)}


def test_renaming_to_a_fresh_tag_keeps_each_posts_tag_order(alice, tagged):
    services.tag_rename(user=alice, old="old", new="Fresh Tag")
    assert _tags(tagged[2]) == ["fresh-tag", "x"]
    assert tag_counts_stored(alice) == tag_counts_recounted(alice)
    assert "old" not in tag_counts_stored(alice)


def test_renaming_to_the_same_tag_or_a_missing_one_changes_nothing(alice, tagged):
    before = tag_counts_stored(alice)
    change = selectors.posts_last_change(user=alice)
    assert services.tag_rename(user=alice, old="Old", new="old") == 0
    assert services.tag_rename(user=alice, old="absent", new="other") == 0
    assert tag_counts_stored(alice) == before
    assert selectors.posts_last_change(user=alice) == change


def test_deleting_a_tag_takes_it_off_every_post(alice, bob, tagged):
    assert services.tag_delete(user=alice, tag="OLD") == 3
    assert [_tags(post) for post in tagged[:4]] == [[], ["new"], ["x"], ["new"]]
    assert tag_counts_stored(alice) == tag_counts_recounted(alice) == {"new": (2, 2), "x": (1, 0)}
    assert tag_counts_stored(bob) == {"old": (1, 1)}


def test_tag_writes_refresh_the_search_index_and_the_posts_times(alice, tagged):
    before = Post.objects.get(pk=tagged[0].pk).updated
    services.tag_rename(user=alice, old="old", new="renamedtag")
    assert Post.objects.filter(user=alice, search_vector="renamedtag").count() == 3
    assert Post.objects.get(pk=tagged[0].pk).updated > before


def test_every_write_moves_the_last_change_deletes_included(
    alice, django_capture_on_commit_callbacks
):
    assert selectors.posts_last_change(user=alice) is None
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(user=alice, url="https://1.example/", title="1", tags="a")
    created = selectors.posts_last_change(user=alice)
    assert created >= post.updated
    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, title="one")
    updated = selectors.posts_last_change(user=alice)
    assert updated > created
    with django_capture_on_commit_callbacks(execute=True):
        services.tag_rename(user=alice, old="a", new="b")
    renamed = selectors.posts_last_change(user=alice)
    assert renamed > updated
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post)
    assert selectors.posts_last_change(user=alice) > renamed
    assert not Post.objects.filter(user=alice).exists()


def test_posts_written_around_the_services_are_dated_by_themselves(alice):
    post = services.post_create(user=alice, url="https://1.example/", title="1")
    ChangeStamp.objects.all().delete()
    Post.objects.filter(pk=post.pk).update(updated=post.updated - timedelta(days=1))
    assert selectors.posts_last_change(user=alice) == post.updated - timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_renames_and_edits_keep_the_counts_right(alice):
    posts = [
        services.post_create(user=alice, url=f"https://{n}.example/", title=str(n), tags="a b")
        for n in range(20)
    ]
    errors = []

    def run(work):
        try:
            work()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    jobs = [
        lambda: services.tag_rename(user=alice, old="a", new="b"),
        lambda: services.tag_rename(user=alice, old="b", new="c"),
        lambda: [services.post_update(post=p, tags="a d", is_private=True) for p in posts[:10]],
        lambda: services.tag_delete(user=alice, tag="d"),
    ]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert UserTag.objects.filter(user=alice).exists()
    assert tag_counts_stored(alice) == tag_counts_recounted(alice)
