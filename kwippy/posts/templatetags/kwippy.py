"""Template helpers for links to tags, feeds and pages of more posts."""

from urllib.parse import quote

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from kwippy.posts.tagpaths import tag_segment

register = template.Library()

# What `reverse()` leaves unquoted in a path; "%" is not in it, so an escaped tag is quoted again.
_PATH_SAFE = "!$&'()*+,;=/~:@"


def _tags(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def tag_path(tags, username: str | None = None, prefix: str = "") -> str:
    """Return `/t/<tags>/` or `/u/<username>/t/<tags>/`, under `prefix` (e.g. "/feeds")."""
    segment = quote(tag_segment(_tags(tags)), safe=_PATH_SAFE)
    if username:
        return f"{prefix}/u/{quote(username, safe='')}/t/{segment}/"
    return f"{prefix}/t/{segment}/"


@register.simple_tag
def tag_url(tags, username: str | None = None) -> str:
    """Return the page of posts with `tags`, a person's own when `username` is given."""
    return tag_path(tags, username)


@register.simple_tag(takes_context=True)
def page_url(context, cursor: str) -> str:
    """Return the current page's address with `before` set to `cursor`, other parameters kept."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    params["before"] = cursor
    return f"{escape_uri_path(request.path)}?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def first_page_url(context) -> str:
    """Return the current page's address without `before`: its first page."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    params.pop("before", None)
    query = params.urlencode()
    return escape_uri_path(request.path) + (f"?{query}" if query else "")


_AGE_UNITS = ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute"))


def _count(number: int, unit: str) -> str:
    # A no-break space, as Django's timesince puts between number and unit.
    return f"{number}\xa0{unit}{'' if number == 1 else 's'} ago"


def age_at(moment, now) -> str:
    """Return how long before `now` `moment` was, in its largest unit ("3 days ago").

    The same words as Django's `timesince(moment, now, depth=1)` plus " ago" ("just now" under a
    minute), in plain arithmetic: a list calls it for every post, and `timesince` costs tens of
    microseconds a call.
    """
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    now = now.astimezone(moment.tzinfo)
    months = (now.year - moment.year) * 12 + now.month - moment.month
    if moment.day > now.day or (moment.day == now.day and moment.time() > now.time()):
        months -= 1
    if months >= 12:
        return _count(months // 12, "year")
    if months > 0:
        return _count(months, "month")
    for size, unit in _AGE_UNITS:
        if seconds >= size:
            return _count(int(seconds // size), unit)
    return "just now"


@register.filter
def age(moment) -> str:
    """Return how long ago `moment` was, in its largest unit ("3 days ago", "just now")."""
    return age_at(moment, timezone.now())


@register.filter
def cloud_size(count: int, top: int) -> int:
    """Return a tag's size step (1 to 5) in a cloud whose largest count is `top`."""
    if top <= 1:
        return 3
    return 1 + round(4 * (count - 1) / (top - 1))
