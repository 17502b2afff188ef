from kwippy.posts.models import Link, UserTag
from kwippy.posts.services import post_counts_apply


def tag_counts(user) -> dict[str, tuple[int, int]]:
    return {t.name: (t.count, t.public_count) for t in UserTag.objects.filter(user=user)}


def test_it_adds_new_tags_and_sums_into_existing_ones(alice):
    post_counts_apply(user_id=alice.pk, tag_deltas={"a": (2, 1), "b": (1, 0)}, link_deltas={})
    post_counts_apply(user_id=alice.pk, tag_deltas={"a": (3, 3), "c": (1, 1)}, link_deltas={})
    assert tag_counts(alice) == {"a": (5, 4), "b": (1, 0), "c": (1, 1)}


def test_negative_deltas_lower_counts_and_remove_tags_that_reach_zero(alice, bob):
    post_counts_apply(user_id=alice.pk, tag_deltas={"a": (2, 2), "b": (1, 1)}, link_deltas={})
    post_counts_apply(user_id=bob.pk, tag_deltas={"b": (1, 1)}, link_deltas={})
    post_counts_apply(user_id=alice.pk, tag_deltas={"a": (0, -1), "b": (-1, -1)}, link_deltas={})
    assert tag_counts(alice) == {"a": (2, 1)}
    assert tag_counts(bob) == {"b": (1, 1)}


def test_it_moves_public_saves_of_links_up_and_down(db):
    one = Link.objects.create(url="https://one.example/", url_hash="1" * 32, public_saves=3)
    two = Link.objects.create(url="https://two.example/", url_hash="2" * 32)
    post_counts_apply(user_id=0, tag_deltas={}, link_deltas={one.pk: -2, two.pk: 4})
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.public_saves, two.public_saves) == (1, 4)
