"""Reads for authentication: who an identifier names, and a person's app passwords."""

from django.db.models import Q, QuerySet

from kwippy.accounts.identifiers import identifier_fold
from kwippy.accounts.models import User
from kwippy.auth.models import AppPassword

# The longest email address; usernames are shorter. Anything longer names nobody.
MAX_IDENTIFIER_LENGTH = 254


def users_matching_identifier(*, identifier: str) -> QuerySet[User]:
    """Return the users whose username or email is the identifier, compared folded."""
    folded = identifier_fold(identifier)
    return User.objects.filter(Q(username_folded=folded) | Q(email_folded=folded))


def identifier_is_usable(identifier: str | None) -> bool:
    """Return whether an identifier could name anyone (PostgreSQL refuses NUL characters)."""
    if not identifier:
        return False
    return len(identifier) <= MAX_IDENTIFIER_LENGTH and "\x00" not in identifier


def user_get_by_identifier(*, identifier: str) -> User | None:
    """Return the one user a username or email names, or None if it names nobody or several."""
    if not identifier_is_usable(identifier):
        return None
    users = list(users_matching_identifier(identifier=identifier)[:2])
    return users[0] if len(users) == 1 else None


def app_password_list(*, user: User) -> QuerySet[AppPassword]:
    """Return a person's app passwords, newest first."""
    return AppPassword.objects.filter(user=user).order_by("-created", "-id")


def app_password_get(*, user: User, app_password_id: int) -> AppPassword | None:
    """Return one of a person's app passwords, or None if they have no such one."""
    return AppPassword.objects.filter(user=user, pk=app_password_id).first()
