"""The settings page's section this app owns: every feed a person can subscribe to."""

from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


def feed_with_credentials(origin: str, username: str) -> str:
    """Return the private feed's address with the username and a placeholder password in it."""
    scheme, _, host = origin.partition("://")
    return f"{scheme}://{quote(username, safe='')}:APP-PASSWORD@{host}{reverse('feed_private')}"


# The tag feeds are listed with a placeholder where the person puts a tag.
TAG_PLACEHOLDER = "TAG"


def feed_addresses(origin: str, username: str) -> dict[str, list[tuple[str, str]]]:
    """Return (what, address) for every feed a person can subscribe to, private and public."""
    tag = TAG_PLACEHOLDER
    rows = {
        "private": [
            ("All your bookmarks, private ones included", reverse("feed_private")),
            ("All your bookmarks with a tag", reverse("feed_private_tag", args=[tag])),
            (
                "Your network: the public bookmarks of the people you follow",
                reverse("feed_network"),
            ),
            ("Your to-read list", reverse("feed_toread")),
        ],
        "public": [
            ("Your public bookmarks", reverse("feed_person", args=[username])),
            ("Your public bookmarks with a tag", reverse("feed_person_tag", args=[username, tag])),
            ("Everyone's recent bookmarks", reverse("feed_recent")),
            ("Everyone's bookmarks with a tag", reverse("feed_tag", args=[tag])),
            ("Popular", reverse("feed_popular")),
        ],
    }
    return {kind: [(what, origin + path) for what, path in paths] for kind, paths in rows.items()}


@register.inclusion_tag("feeds/_settings.html", takes_context=True)
def feeds_section(context) -> dict:
    """Render the feed addresses of the signed-in person, at the site's configured address."""
    user = context["request"].user
    return {
        "user": user,
        "feeds": feed_addresses(settings.SITE_URL, user.username),
        "feed_with_credentials": feed_with_credentials(settings.SITE_URL, user.username),
    }
