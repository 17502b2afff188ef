"""What tests of post writes compare: a person's tag counts as stored, and as the posts say."""

from kwippy.posts.models import Post, UserTag


def tag_counts_recounted(user) -> dict[str, tuple[int, int]]:
    """Return (count, public count) of each of a person's tags, counted from their posts."""
    counts: dict[str, list[int]] = {}
    for tags, private in Post.objects.filter(user=user).values_list("tags", "is_private"):
        for tag in tags:
            row = counts.setdefault(tag, [0, 0])
            row[0] += 1
            row[1] += 0 if private else 1
    return {name: tuple(row) for name, row in counts.items()}


def tag_counts_stored(user) -> dict[str, tuple[int, int]]:
    """Return (count, public count) of each of a person's tags, as the counts table holds them."""
    rows = UserTag.objects.filter(user=user).values_list("name", "count", "public_count")
    return {name: (count, public) for name, count, public in rows}
