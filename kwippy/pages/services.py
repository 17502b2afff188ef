"""Writes to the pages behind the links."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef

from kwippy.accounts.models import User
from kwippy.pages.models import PagePreference
from kwippy.pages.selectors import link_saved_by
from kwippy.posts.models import Link, LinkPage, Post
from kwippy.posts.services import link_health_changed


@transaction.atomic
def link_copy_delete(*, link: Link, user: User) -> None:
    """Delete the readable copy of a link's page, for everyone who saved it, and keep none of it
    again (the checks of its health go on). Only someone who saved the link may: anyone else
    raises PermissionDenied."""
    if not link_saved_by(link=link, user=user):
        raise PermissionDenied("Only those who saved a link may delete its copy.")
    LinkPage.objects.update_or_create(link=link, defaults={"keep_copy": False, "text": ""})
    # Every saver's lists lose their "cached copy" link.
    link_health_changed(link_ids=[link.pk])


@transaction.atomic
def page_preference_set(*, user: User, fetch_private: bool) -> int:
    """Save whether the pages of a person's private bookmarks are fetched; return how many copies
    turning it off deleted: those of the links nobody else saved, which they saved privately
    (a copy someone else's save brought stays theirs)."""
    PagePreference.objects.update_or_create(user=user, defaults={"fetch_private": fetch_private})
    if fetch_private:
        return 0
    others = Post.objects.filter(link=OuterRef("link")).exclude(user=user)
    alone = Post.objects.filter(user=user, is_private=True).exclude(Exists(others))
    link_ids = list(
        LinkPage.objects.filter(link__in=alone.values("link"))
        .exclude(text="")
        .select_for_update()
        .values_list("link_id", flat=True)
    )
    LinkPage.objects.filter(link__in=link_ids).update(text="")
    link_health_changed(link_ids=link_ids)
    return len(link_ids)
