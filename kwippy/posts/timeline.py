"""Serve a signed-in person's home timeline from the object cache while nothing in it changed.

Rendering twenty posts costs several milliseconds; reading a cached rendering costs one memcached
`get`. The rendering is cached per person (it holds their private posts and their own Edit links,
so it is never shown to anyone else), under a key made of the change stamps the services write
for everything the timeline shows (`changes.timeline_stamps`): their own posts, whom they follow,
the public posts and shown names of those people. The stamps are read before the posts, and are
written after each change commits, so a rendering is never stored under a stamp older than what
it shows. What moves without a stamp (how many others saved a link, writes that bypass the
services, a new template) is bounded by `TIMELINE_CACHE_SECONDS`. The ages ("3 hours ago") are
brought up to date on every read, from each post's `<time datetime>`.
"""

import hashlib
import re
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from kwippy.accounts.changes import timeline_stamps
from kwippy.accounts.models import User
from kwippy.posts.ages import age_at
from kwippy.posts.selectors import posts_network_page, users_to_follow

TIMELINE_CACHE_SECONDS = 120
EMPTY_TEXT = "Nothing saved yet. Add a bookmark, or follow someone."

# Posts' titles and descriptions are escaped, so only the template writes a `<time` element.
_AGE = re.compile(r'(<time datetime="([^"]+)"[^>]*>)[^<]*(</time>)')


def _cache_key(*, user_id: int, stamps: tuple, cursor: str | None, size: int, query: str) -> str:
    # The query string is part of the rendering: pager links keep the other parameters.
    parts = repr((stamps, cursor, size, query)).encode()
    return f"kwippy.timeline:{user_id}:{hashlib.sha256(parts).hexdigest()[:32]}"


def refresh_ages(html: str, *, now: datetime) -> str:
    """Return `html` with the text of every post's `<time>` element made true at `now`."""

    def fresh(match: re.Match) -> str:
        moment = datetime.fromisoformat(match[2])
        return f"{match[1]}{age_at(moment, now)}{match[3]}"

    return _AGE.sub(fresh, html)


def network_list_html(*, request, user: User, cursor: str | None, size: int) -> SafeString:
    """Return the rendered post list of a page of a person's network timeline.

    Raise BadCursor for a bad `cursor`, as `posts_network_page` does.
    """
    stamps = timeline_stamps(user_id=user.pk)
    # No stamp at all: nothing was ever recorded for these people, so nothing would move the key.
    cacheable = any(stamp is not None for stamp in stamps[:3])
    key = _cache_key(
        user_id=user.pk,
        stamps=stamps,
        cursor=cursor,
        size=size,
        query=request.META.get("QUERY_STRING", ""),
    )
    html = cache.get(key) if cacheable else None
    if not isinstance(html, str):
        page = posts_network_page(user=user, cursor=cursor, size=size)
        if not page.items and cursor is None:
            # Nothing saved or followed yet (a newcomer): the ways in, and people to follow. Never
            # cached: its Follow buttons carry this browser's CSRF token, not another device's.
            context = {"suggestions": users_to_follow(user=user)}
            return render_to_string("posts/_welcome.html", context, request=request)
        html = render_to_string(
            "posts/_list.html", {"page": page, "empty_text": EMPTY_TEXT}, request=request
        )
        if cacheable:
            cache.set(key, str(html), TIMELINE_CACHE_SECONDS)
        return html
    # Our own rendering, read back; its ages were true when it was cached.
    return mark_safe(refresh_ages(html, now=timezone.now()))
