"""Writes to people and follows."""

from django.db import IntegrityError, transaction

from kwippy.accounts.models import Follow, User


class CannotFollowSelf(ValueError):
    """Follows are between two different people."""


def follow_create(*, follower: User, followee: User) -> Follow:
    """Make `follower` follow `followee`; following twice is the same as once."""
    if follower.pk == followee.pk:
        raise CannotFollowSelf("You cannot follow yourself.")
    try:
        with transaction.atomic():
            return Follow.objects.create(follower=follower, followee=followee)
    except IntegrityError:
        return Follow.objects.get(follower=follower, followee=followee)


def follow_delete(*, follower: User, followee: User) -> None:
    """Stop `follower` following `followee` (nothing happens if they did not)."""
    Follow.objects.filter(follower=follower, followee=followee).delete()


def user_update_profile(
    *, user: User, display_name: str, bio: str, website: str, email: str
) -> User:
    """Change what a person's page shows about them, and their e-mail address."""
    user.display_name = display_name
    user.bio = bio
    user.website = website
    user.email = email
    user.save(update_fields=["display_name", "bio", "website", "email"])
    return user
