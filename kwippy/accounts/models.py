from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from kwippy.accounts.identifiers import FoldedField, UsernameValidator


class User(AbstractUser):
    """A kwippy account, with the profile people see on their page."""

    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        help_text="Required. 150 characters or fewer. Letters, digits and ./+/-/_ only.",
        validators=[UsernameValidator()],
        error_messages={"unique": "A user with that username already exists."},
    )
    # What usernames and e-mails are compared by (see kwippy/accounts/identifiers.py).
    username_folded = FoldedField(source="username")
    email_folded = FoldedField(source="email")
    display_name = models.CharField(max_length=100, blank=True)
    bio = models.CharField(max_length=500, blank=True)
    website = models.URLField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            # /u/Alice/ and /u/alice/ must not be two people.
            models.UniqueConstraint(fields=["username_folded"], name="user_username_folded_unique"),
        ]
        indexes = [models.Index(fields=["email_folded"], name="user_email_folded")]

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            folded = [
                field.name
                for field in self._meta.concrete_fields
                if isinstance(field, FoldedField) and field.source in update_fields
            ]
            kwargs["update_fields"] = [*update_fields, *folded]
        super().save(*args, **kwargs)

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    def clean(self):
        super().clean()
        # A username is a path segment (/u/<name>/), and browsers rewrite "." and ".." out of
        # addresses before sending them: such a person's pages could not be reached.
        if self.username and not self.username.strip("."):
            raise ValidationError({"username": "A username cannot be made only of dots."})


class Follow(models.Model):
    """One person following another; follows are one-way."""

    follower = models.ForeignKey(User, models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(User, models.CASCADE, related_name="follower_set")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["followee", "follower"], name="follow_followee")]

    def __str__(self) -> str:
        return f"{self.follower} follows {self.followee}"
