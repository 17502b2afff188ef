"""Reads of the pages behind the links, as the people who saved them may see them."""

from collections.abc import Iterable

from django.db.models import Q

from kwippy.accounts.models import User
from kwippy.pages.models import PagePreference
from kwippy.posts.models import Link, LinkPage, Post


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


def link_saved_by(*, link: Link, user: User | None) -> bool:
    """Return whether `user` saved the link (in any post, private ones too).

    Only they may see or delete its copy: a page is read for the people who saved its link, and
    for a link saved only privately even its address is theirs alone.
    """
    if user is None or not user.is_authenticated:
        return False
    return Post.objects.filter(link=link, user=user).exists()


def link_get_for_saver(*, public_id: str, user: User | None) -> Link | None:
    """Return the link with this public id if `user` saved it; None otherwise."""
    link = Link.objects.filter(public_id=public_id).first()
    if link is None or not link_saved_by(link=link, user=user):
        return None
    return link


def link_page_get(*, link: Link) -> LinkPage | None:
    """Return what kwippy read at the link's address, its copy included; None before any read."""
    return LinkPage.objects.filter(link=link).first()


def page_preference_get(*, user: User) -> PagePreference:
    """Return the person's page preference (the defaults, unsaved, when they never chose)."""
    return PagePreference.objects.filter(user=user).first() or PagePreference(user=user)
