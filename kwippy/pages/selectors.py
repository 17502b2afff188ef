"""Reads of the pages app."""

from collections.abc import Iterable

from django.db.models import Q

from kwippy.pages.models import PagePreference
from kwippy.posts.models import Post


def fetches_private(*, user_id: int) -> bool:
    """Tell whether a person lets kwippy fetch the pages of their private bookmarks (default)."""
    preference = PagePreference.objects.filter(user_id=user_id).first()
    return preference is None or preference.fetch_private


def links_fetchable(*, link_ids: Iterable[int]) -> set[int]:
    """Return the links whose pages may be fetched: someone saved them publicly, or privately
    without turning off the fetching of their private bookmarks' pages."""
    allowed = (
        Q(is_private=False)
        | Q(user__page_preference__isnull=True)
        | Q(user__page_preference__fetch_private=True)
    )
    return set(
        Post.objects.filter(allowed, link_id__in=list(link_ids))
        .values_list("link_id", flat=True)
        .distinct()
    )
