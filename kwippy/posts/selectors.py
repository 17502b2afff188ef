"""Reads of posts. Every list a page shows comes from here, with its related rows joined."""

from django.db.models import Q, QuerySet

from kwippy.accounts.models import Follow, User
from kwippy.posts.models import Post


def _listing(queryset: QuerySet[Post]) -> QuerySet[Post]:
    return queryset.select_related("user", "link").order_by("-created", "-id")


def public_recent_posts() -> QuerySet[Post]:
    """Return everyone's public posts, newest first."""
    return _listing(Post.objects.filter(is_private=False))


def network_posts(*, user: User) -> QuerySet[Post]:
    """Return a person's own posts (private too) and the public posts of the people they follow."""
    followed = Follow.objects.filter(follower=user).values("followee")
    return _listing(Post.objects.filter(Q(user=user) | Q(user__in=followed, is_private=False)))
