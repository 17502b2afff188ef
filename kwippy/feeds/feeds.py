"""kwippy's feeds: what each one shows, and which change stamp dates it (addresses in urls.py)."""

from django.urls import reverse
from django.utils import timezone

from kwippy.accounts import changes
from kwippy.feeds.base import FeedItem, FeedScope, PostsFeed, xml_text
from kwippy.posts import selectors


def _tagged(scope: FeedScope) -> str:
    return xml_text(f" tagged {' + '.join(scope.tags)}") if scope.tags else ""


def _person_page(scope: FeedScope) -> str:
    username = scope.person.username
    if scope.tags:
        return reverse("profile_tag", args=[username, scope.tags])
    return reverse("profile", args=[username])


class RecentFeed(PostsFeed):
    title = "kwippy: recent bookmarks"
    description = "Everyone's newest public bookmarks."

    def page(self, scope):
        return reverse("home")

    def last_change(self, scope):
        return changes.last_change_public()

    def posts(self, scope):
        return selectors.posts_public_recent()


class PopularFeed(PostsFeed):
    title = "kwippy: popular bookmarks"
    description = "The links most people saved in the last 30 days."

    def page(self, scope):
        return reverse("popular")

    def last_change(self, scope):
        # Saves also leave the 30-day window as time passes: renew the ranking every hour.
        hour = timezone.now().replace(minute=0, second=0, microsecond=0)
        return max(hour, changes.last_change_public() or hour)

    def posts(self, scope):
        # The ranking after the change that dates the document, or the ETag would name a newer
        # change than the ranking shows, for as long as the document is cached.
        rows, _ = selectors.links_popular(after=None, size=scope.count, ranked_since=scope.as_of)
        return [row.post for row in rows]

    def item_guid(self, item: FeedItem) -> str:
        # One entry per link, whoever saved it last.
        return item.tag_uri(f"link:{item.post.link.public_id}")


class TagFeed(PostsFeed):
    description = "Everyone's newest public bookmarks with these tags."

    def title(self, scope):
        return "kwippy: bookmarks" + _tagged(scope)

    def page(self, scope):
        return reverse("tag", args=[scope.tags])

    def last_change(self, scope):
        return changes.last_change_public()

    def posts(self, scope):
        return selectors.posts_tagged(tags=list(scope.tags))


class PersonFeed(PostsFeed):
    """A person's public bookmarks, all of them or those with some tags."""

    def title(self, scope):
        return f"kwippy: {xml_text(scope.person.shown_name)}'s bookmarks{_tagged(scope)}"

    def description(self, scope):
        return f"The newest public bookmarks of {scope.person.username}{_tagged(scope)}."

    def page(self, scope):
        return _person_page(scope)

    def last_change(self, scope):
        return changes.last_change_user(user_id=scope.person.pk, private=False)

    def posts(self, scope):
        return selectors.posts_of_user(owner=scope.person, viewer=None, tags=list(scope.tags))


class PrivateFeed(PostsFeed):
    """All the subscriber's bookmarks, private ones included, or those with some tags."""

    private = True

    def title(self, scope):
        return f"kwippy: all of {scope.person.username}'s bookmarks{_tagged(scope)}"

    def description(self, scope):
        return f"{scope.person.username}'s bookmarks{_tagged(scope)}, private ones included."

    def page(self, scope):
        return _person_page(scope)

    def last_change(self, scope):
        return changes.last_change_user(user_id=scope.person.pk, private=True)

    def posts(self, scope):
        owner = scope.person
        return selectors.posts_of_user(owner=owner, viewer=owner, tags=list(scope.tags))


class NetworkFeed(PostsFeed):
    """The public bookmarks of the people the subscriber follows."""

    private = True

    def page(self, scope):
        return reverse("home")

    def title(self, scope):
        return f"kwippy: {scope.person.username}'s network"

    def description(self, scope):
        return f"The newest public bookmarks of the people {scope.person.username} follows."

    def last_change(self, scope):
        return changes.last_change_network(user_id=scope.person.pk)

    def posts(self, scope):
        return selectors.posts_followed_public(user=scope.person)


class ToReadFeed(PostsFeed):
    """The subscriber's bookmarks marked to read."""

    private = True

    def title(self, scope):
        return f"kwippy: {scope.person.username}'s reading list"

    def description(self, scope):
        return f"{scope.person.username}'s bookmarks marked to read, private ones included."

    def page(self, scope):
        return reverse("profile", args=[scope.person.username])

    def last_change(self, scope):
        return changes.last_change_user(user_id=scope.person.pk, private=True)

    def posts(self, scope):
        return selectors.posts_to_read(user=scope.person)
