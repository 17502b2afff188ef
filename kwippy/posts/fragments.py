"""A person's pages of posts and tags, kept rendered in the object cache while nothing changed.

Someone with 100,000 bookmarks opens their own page, a tag of theirs, their reading list or all
their tags again and again between two changes, and rendering twenty posts and a hundred tags (or
thousands, on the all-tags page) costs far more than the queries. So the part of such a page that
shows their posts and tags is kept, per person and per kind of viewer (the owner, who sees private
posts and the editing controls; another signed-in person; a visitor), under the person's change
stamp (`selectors.person_change_stamp`: the owner's view moves with every change of their posts,
tags or name, the others' with the public ones), the page's address and query, and the page size.

As for the home timeline (timeline.py): what moves without a stamp (how many others saved a link,
a new template) is bounded by FRAGMENT_CACHE_SECONDS, the ages are brought up to date on every
read, and a person with no stamp yet (posts written around the services) is never kept. Forms in
a kept fragment carry a placeholder where the CSRF token goes, filled for each request.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

from kwippy.accounts.models import User
from kwippy.posts.pagination import page_size
from kwippy.posts.timeline import refresh_ages

FRAGMENT_CACHE_SECONDS = 120


def _csrf_placeholder() -> str:
    # Derived from SECRET_KEY: the same in every worker, and no text a person could type on
    # purpose into a title to have someone's token written there.
    return "csrf-" + salted_hmac("kwippy.posts.fragments", "csrf placeholder").hexdigest()


def _viewer_kind(request, owner: User) -> str:
    if not request.user.is_authenticated:
        return "visitor"
    return "owner" if request.user.pk == owner.pk else "member"


def person_fragment(
    *,
    request,
    owner: User,
    stamp: datetime | None,
    template: str,
    context: Callable[[], dict],
) -> SafeString:
    """Return `template` rendered with `context()`, from the object cache while `owner`'s posts
    are unchanged as this viewer sees them (`stamp`, person_change_stamp's for this viewer).
    `context` is only called to render; what it raises (BadCursor) goes to the caller, and
    nothing is kept."""
    kind = _viewer_kind(request, owner)
    parts = repr((stamp, template, request.path, request.META.get("QUERY_STRING", ""), page_size()))
    key = f"kwippy.person:{owner.pk}:{kind}:{hashlib.sha256(parts.encode()).hexdigest()[:32]}"
    placeholder = _csrf_placeholder()
    html = cache.get(key) if stamp is not None else None
    if isinstance(html, str):
        # Our own rendering, read back; its ages were true when it was kept. A list of
        # thousands of tags has none: it is not searched for them.
        if "<time " in html:
            html = refresh_ages(html, now=timezone.now())
    else:
        rendered = {**context(), "csrf_token": placeholder}
        html = str(render_to_string(template, rendered, request=request))
        if stamp is not None:
            cache.set(key, html, FRAGMENT_CACHE_SECONDS)
    if placeholder in html:
        html = html.replace(placeholder, get_token(request))
    return mark_safe(html)
