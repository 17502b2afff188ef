"""The pages app hears of saves from the posts services (posts/signals.py), below it."""

from django.dispatch import receiver

from kwippy.pages.jobs import links_fetch_now
from kwippy.pages.services import pages_queue_saved
from kwippy.posts.signals import links_saved


@receiver(links_saved, dispatch_uid="pages_fetch_saved_links")
def fetch_saved_links(
    sender, *, user_id: int, link_ids, private_link_ids, interactive: bool, **kwargs
) -> None:
    links_fetch_now(
        link_ids=pages_queue_saved(
            user_id=user_id,
            link_ids=link_ids,
            private_link_ids=private_link_ids,
            interactive=interactive,
        )
    )
