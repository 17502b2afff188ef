"""Reads of people by the names they go by, compared folded (see identifiers.py)."""

from django.db.models import F, FilteredRelation, Q, QuerySet

from kwippy.accounts.identifiers import identifier_fold
from kwippy.accounts.models import User


def users_named(*, username: str) -> QuerySet[User]:
    """Return the account (none or one) whose username is `username`, folded."""
    return User.objects.filter(username_folded=identifier_fold(username))


def users_with_email(*, email: str) -> QuerySet[User]:
    """Return the accounts whose e-mail address is `email`, folded."""
    return User.objects.filter(email_folded=identifier_fold(email))


def person_get(*, username: str) -> User | None:
    """Return the active account whose username is `username`, folded; None if there is none.

    Every page, feed and follow that names a person by username finds them here. PostgreSQL text
    cannot hold a NUL, so a name with one names nobody.
    """
    if "\x00" in username:
        return None
    return users_named(username=username).filter(is_active=True).first()


def users_directory() -> QuerySet[User]:
    """Return every active account, each with `follower_total`: how many follow them.

    The count is the one the database keeps (`FollowerCount`): sorted by it, a page of the most
    followed is read from an index, not counted from every follow.
    """
    # Every account has its count (a trigger writes it): the inner join drops nobody.
    return User.objects.filter(is_active=True, follower_count__isnull=False).annotate(
        follower_total=F("follower_count__followers")
    )


def _users_by_follow(relation: str, condition: Q) -> QuerySet[User]:
    # The active people at one end of the follows `condition` names, with the follow's date.
    follow = FilteredRelation(relation, condition=condition)
    return (
        User.objects.annotate(follow=follow)
        .filter(is_active=True, follow__isnull=False)
        .annotate(followed_at=F("follow__created"))
    )


def users_following(*, user: User) -> QuerySet[User]:
    """Return the active people who follow `user`, each with `followed_at`: since when."""
    return _users_by_follow("following_set", Q(following_set__followee=user))


def users_followed_by(*, user: User) -> QuerySet[User]:
    """Return the active people `user` follows, each with `followed_at`: since when."""
    return _users_by_follow("follower_set", Q(follower_set__follower=user))
