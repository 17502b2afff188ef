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
        indexes = [
            models.Index(fields=["email_folded"], name="user_email_folded"),
            # The people directory, newest first.
            models.Index(fields=["-date_joined", "-id"], name="user_joined"),
        ]

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


class CachedUser(User):
    """A user row read from the object cache, without its password hash (left deferred).

    The session auth hash, which Django checks on every signed-in request, is cached in its place,
    so the password hash never sits in the object cache. Reading `password` loads it from the
    database; `save()` writes only the loaded fields, so a cached row never blanks the password.
    """

    cached_session_auth_hash = ""

    class Meta:
        proxy = True
        default_permissions = ()

    def get_session_auth_hash(self):
        if "password" in self.__dict__:
            return super().get_session_auth_hash()
        return self.cached_session_auth_hash


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


class FollowerCount(models.Model):
    """How many people follow a person: what the people directory sorts by.

    Kept by database triggers (migration 0005), so that every way a follow or an account is
    written (services, admin, a deleted account's follows, bulk seeding) keeps it right: a row for
    each account from its creation, one more or one less with each follow made or undone.
    """

    user = models.OneToOneField(
        User, models.CASCADE, primary_key=True, related_name="follower_count"
    )
    followers = models.IntegerField(default=0)

    class Meta:
        # The most followed first, read from this index without counting any follow.
        indexes = [models.Index(fields=["-followers", "-user"], name="followercount_most")]

    def __str__(self) -> str:
        return f"followers of user {self.user_id}"


class ChangeStamp(models.Model):
    """When a person's posts, and whom they follow, last changed: what feeds' ETags come from.

    A deleted post leaves no row to date the deletion, so the services stamp every change here
    (see `changes.py`). Empty columns mean "nothing recorded yet".
    """

    user = models.OneToOneField(User, models.CASCADE, primary_key=True, related_name="change_stamp")
    # Any of their posts, private ones included.
    posts = models.DateTimeField(null=True)
    # What others see of them: their public posts, and their name on those posts.
    public_posts = models.DateTimeField(null=True)
    # Whom they follow.
    following = models.DateTimeField(null=True)

    class Meta:
        # Born in `posts`; the table kept its name when the model moved here.
        db_table = "posts_changestamp"
        # The newest public change anywhere is the first entry of this index, read backwards.
        indexes = [models.Index(fields=["public_posts"], name="changestamp_public")]

    def __str__(self) -> str:
        return f"changes of user {self.user_id}"
