"""Fetch a post for writing on behalf of a person, or raise Http404.

Another person's private post answers 404, not 403: a 403 would confirm that it exists.
"""

from django.http import Http404

from kwippy.accounts.models import User
from kwippy.posts.models import Post


def post_for_write(*, user: User | None, post_id: int) -> Post:
    """Return a post the person may change: one of their own."""
    if user is None or not user.is_authenticated:
        raise Http404("No such bookmark.")
    post = Post.objects.select_related("user", "link").filter(pk=post_id, user=user).first()
    if post is None:
        raise Http404("No such bookmark.")
    return post
