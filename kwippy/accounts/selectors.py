"""Reads of people by the names they go by, compared folded (see identifiers.py)."""

from django.db.models import QuerySet

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
