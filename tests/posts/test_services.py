"""Writes keep the denormalised counts equal to what the posts say."""

from django.utils import timezone

from kwippy.posts import services
from kwippy.posts.models import Link, Post, url_hash
from tests.posts.helpers import tag_counts_recounted, tag_counts_stored


def test_updates_and_deletes_bring_tag_counts_down_as_well_as_up(alice):
    one = services.post_create(user=alice, url="https://1.example/", title="1", tags="a b")
    two = services.post_create(user=alice, url="https://2.example/", title="2", tags="b c")
    services.post_update(post=one, tags="c", is_private=True)
    services.post_update(post=two, tags="a b c")
    assert (
        tag_counts_stored(alice)
        == tag_counts_recounted(alice)
        == {"a": (1, 1), "b": (1, 1), "c": (2, 1)}
    )
    services.post_delete(post=two)
    assert tag_counts_stored(alice) == tag_counts_recounted(alice)
    assert tag_counts_stored(alice) == {"c": (1, 0)}


def test_link_public_saves_follow_privacy_changes(alice, bob):
    post = services.post_create(user=alice, url="https://1.example/", title="1")
    services.post_create(user=bob, url="https://1.example/", title="1")
    link = Link.objects.get()
    services.post_update(post=post, is_private=True)
    link.refresh_from_db()
    assert link.public_saves == 1
    services.post_update(post=post, is_private=False)
    link.refresh_from_db()
    assert link.public_saves == 2


def test_search_vector_is_filled_from_title_tags_description_and_url(alice):
    services.post_create(
        user=alice, url="https://www.example.org/recipes", title="Bread", tags="baking"
    )
    assert Post.objects.filter(search_vector="bread").exists()
    assert Post.objects.filter(search_vector="baking").exists()
    assert Post.objects.filter(search_vector="recipes").exists()


def test_a_bulk_upsert_keeps_what_its_rows_leave_out_and_counts_once(
    alice, bob, django_assert_max_num_queries
):
    services.post_create(user=bob, url="https://a.example/", title="Bob's", tags="x")
    services.post_create(
        user=alice, url="https://a.example/", title="Kept", description="kept", tags="x"
    )
    rows = {
        url_hash(row.url): row
        for row in [
            services.PostRow(url="https://a.example/", tags=["y"], is_private=True),
            *(services.PostRow(url=f"https://b.example/{i}", tags=["y"]) for i in range(20)),
        ]
    }
    # Twelve of its own, and three of the pages app's (posts.signals.links_saved): a page row for
    # each new link, their state read, and the due date of those never read.
    with django_assert_max_num_queries(15):
        result = services.posts_bulk_upsert(
            user=alice, rows=rows, unmarked_private=False, now=timezone.now()
        )
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (20, 1, 0)
    kept = Post.objects.get(user=alice, link__url="https://a.example/")
    assert (kept.title, kept.description, kept.tags, kept.is_private) == (
        "Kept",
        "kept",
        ["y"],
        True,
    )
    assert Link.objects.get(url="https://a.example/").public_saves == 1
    assert tag_counts_stored(alice) == tag_counts_recounted(alice)
    assert tag_counts_stored(alice) == {"y": (21, 20)}
    again = services.posts_bulk_upsert(
        user=alice, rows=rows, unmarked_private=False, now=timezone.now()
    )
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 21)
