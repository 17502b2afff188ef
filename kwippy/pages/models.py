from django.conf import settings
from django.db import models


class PagePreference(models.Model):
    """A person's choice about fetching the pages of their bookmarks (no row: the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        primary_key=True,
        related_name="page_preference",
    )
    # Fetch and keep a copy of the pages of this person's private bookmarks (on, as in linkding).
    fetch_private = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"page preference of {self.user_id}"
