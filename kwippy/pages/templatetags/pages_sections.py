"""The settings page's section this app owns: fetching the pages of one's bookmarks."""

from django import template

from kwippy.pages.forms import PagePreferenceForm
from kwippy.pages.selectors import page_preference_get
from kwippy.posts.selectors import person_change_stamp, posts_broken_count

register = template.Library()


@register.inclusion_tag("pages/_settings.html", takes_context=True)
def pages_section(context) -> dict:
    """Render the choice to fetch the pages of one's private bookmarks, and how many of one's
    bookmarks have broken links."""
    user = context["request"].user
    preference = page_preference_get(user=user)
    stamp = person_change_stamp(owner=user, viewer=user)
    return {
        "user": user,
        "page_preference_form": PagePreferenceForm(
            initial={"fetch_private": preference.fetch_private}
        ),
        "broken": posts_broken_count(owner=user, stamp=stamp),
    }
