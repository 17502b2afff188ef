"""The settings page's section this app owns: the bookmarklet that opens the add page."""

from django import template
from django.urls import reverse

register = template.Library()


def bookmarklet(add_url: str) -> str:
    """Return the bookmarklet that opens `add_url` in a pop-up for the current page."""
    return (
        "javascript:(function(){var d=document,w=window,"
        "s=''+(w.getSelection?w.getSelection():'');"
        f"w.open('{add_url}?popup=1&url='+encodeURIComponent(location.href)"
        "+'&title='+encodeURIComponent(d.title)+'&description='+encodeURIComponent(s),"
        "'kwippy','width=640,height=620,resizable=1,scrollbars=1');})();"
    )


@register.inclusion_tag("posts/_bookmarklet.html", takes_context=True)
def bookmarklet_section(context) -> dict:
    """Render the bookmarklet, opening the site this browser is signed in to."""
    # Not SITE_URL: the pop-up must open where this browser holds its session.
    return {"bookmarklet": bookmarklet(context["request"].build_absolute_uri(reverse("post_add")))}
