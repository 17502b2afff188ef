"""Reads of the pages behind the links, as the people who saved them may see them."""

from kwippy.accounts.models import User
from kwippy.pages.models import PagePreference
from kwippy.posts.models import Link, LinkPage, Post


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
