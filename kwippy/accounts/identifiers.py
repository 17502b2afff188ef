"""Usernames and e-mail addresses as people type them, and the one form they are compared in.

Two spellings are one identifier when `identifier_fold` makes them equal: uniqueness, sign-in
look-ups and the sign-in throttle all compare folded values. The folding is Python's (NFKC, then
`str.casefold`, the comparison Django's password reset uses); PostgreSQL's `lower()` differs (it
makes `İ` an `i`, and leaves `ß` where casefold writes `ss`), so the database never folds: it
stores and indexes what Python computed, in a `FoldedField` beside the field it mirrors.
"""

import unicodedata

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils.deconstruct import deconstructible


def identifier_fold(text: str) -> str:
    """Return the form a username or e-mail address is compared in."""
    return unicodedata.normalize("NFKC", text).casefold()


@deconstructible
class UsernameValidator(UnicodeUsernameValidator):
    """Letters, digits and ./+/-/_: no @, so that no username can pass for an e-mail address."""

    regex = r"^[\w.+-]+\Z"
    message = (
        "Enter a valid username. Use letters, digits and ./+/-/_ only "
        "(no @: people sign in with an email address too)."
    )


class FoldedField(models.TextField):
    """The folded form of another field of the row, recomputed whenever the row is written.

    `pre_save` runs on `save()` and on `bulk_create()` alike; `User.save` adds this field to
    `update_fields` whenever the field it mirrors is there.
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for default in ("editable", "default"):
            kwargs.pop(default, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = identifier_fold(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
