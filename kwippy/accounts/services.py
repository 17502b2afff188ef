"""Writes to people and follows."""

from django.db import IntegrityError, transaction

from kwippy.accounts.changes import change_stamp_follows, change_stamp_posts
from kwippy.accounts.models import Follow, User


class CannotFollowSelf(ValueError):
    """Follows are between two different people."""


def follow_create(*, follower: User, followee: User) -> Follow:
    """Make `follower` follow `followee`; following twice is the same as once."""
    if follower.pk == followee.pk:
        raise CannotFollowSelf("You cannot follow yourself.")
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        return Follow.objects.get(follower=follower, followee=followee)
    change_stamp_follows(follower_id=follower.pk)
    return follow


def follow_delete(*, follower: User, followee: User) -> None:
    """Stop `follower` following `followee` (nothing happens if they did not)."""
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if deleted:
        change_stamp_follows(follower_id=follower.pk)


def user_update_profile(
    *, user: User, display_name: str, bio: str, website: str, email: str
) -> User:
    """Change what a person's page shows about them, and their e-mail address."""
    user.display_name = display_name
    user.bio = bio
    user.website = website
    user.email = email
    user.save(update_fields=["display_name", "bio", "website", "email"])
    # Feeds show the name on every post. (A ModelForm has set the new one on `user` already, so
    # there is no telling here whether it changed.)
    change_stamp_posts(user_id=user.pk, public=True)
    return user
