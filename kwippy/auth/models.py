from django.conf import settings
from django.db import models
from django.utils import timezone


class AppPassword(models.Model):
    """A named secret one client (a feed reader, a script) uses instead of the account password.

    Only the SHA-256 of the secret is kept: the secret is long and random, so a slow hash would add
    cost to every poll without adding safety. Revoking one deletes it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="app_passwords")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="app_password_name_once"),
        ]

    def __str__(self) -> str:
        return self.name
