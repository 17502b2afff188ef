"""Keep the cached user rows in step with user saves and deletions."""

from django.db.models.signals import post_delete, post_save

from kwippy.accounts.backends import user_cache_forget
from kwippy.accounts.models import CachedUser, User


def forget_cached_user(sender, instance, **kwargs):
    user_cache_forget(user_id=instance.pk)


for model in (User, CachedUser):
    post_save.connect(forget_cached_user, sender=model, dispatch_uid=f"kwippy.user-cache.{model}")
    post_delete.connect(
        forget_cached_user, sender=model, dispatch_uid=f"kwippy.user-cache-delete.{model}"
    )
