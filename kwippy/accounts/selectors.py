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
