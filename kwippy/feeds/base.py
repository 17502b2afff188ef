"""The one base class of kwippy's feeds: their items, `?count=`, conditional GET and caching.

Django's `Feed` writes the RSS or Atom document. What feed readers also need is added here:

- every response carries an `ETag` and a `Last-Modified` derived from the feed's change stamp
  (`kwippy.posts.changes`), which is read *before* anything is built, so a matching conditional
  request costs that one read and gets 304 with no body (by date only once the second of the
  last change is over: dates have whole seconds, and a second change within it must not hide);
- public feeds are kept in the object cache under a key made from the same stamp: a change makes
  a new key, so nothing from before a change is ever served and nothing needs deleting;
- `?count=` asks for up to 200 items (50 unless told).

Django's own `Feed.__call__` sets `Last-Modified` from the newest item's date, which a deletion
or an edit of an older post does not move; so `__call__` is ours.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.cache import get_conditional_response
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.http import http_date

from kwippy.accounts.models import User
from kwippy.posts.models import Post
from kwippy.posts.tagpaths import parse_tag_segment
from kwippy.posts.templatetags.kwippy import tag_path

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Part of every ETag and cache key: raise it when the documents change shape, so that readers
# fetch the new shape instead of hearing "not modified".
FEED_FORMAT = "1"
CACHE_SECONDS = 24 * 60 * 60
# memcached refuses items over 1 MB; a feed of 200 long notes can be bigger. Serve it uncached.
MAX_CACHED_BYTES = 900 * 1024
# Any fixed date does: a tag URI names the post for ever, whatever is edited.
TAG_URI_DATE = "2008"
# Characters XML 1.0 cannot carry at all (Django refuses to write a document with them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Return `text` without the characters an XML 1.0 document cannot contain."""
    return _NOT_XML.sub("", text)


def feed_count(raw: str | None) -> int:
    """Return how many items `?count=` asks for; raise BadRequest unless it is a number from 1."""
    if raw is None:
        return DEFAULT_COUNT
    digits = raw.strip()
    if not (digits.isascii() and digits.isdigit()) or not digits.strip("0"):
        raise BadRequest(f"count must be a whole number from 1 to {MAX_COUNT}.")
    # Past the maximum the exact number does not matter, and int() of a huge one is slow.
    return MAX_COUNT if len(digits.lstrip("0")) > 3 else min(int(digits), MAX_COUNT)


@dataclass(frozen=True)
class FeedScope:
    """What one request asks of a feed: whose posts, which tags, how many, for which site."""

    count: int
    origin: str
    path: str
    person: User | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedItem:
    """One post in a feed, with the request's scope: its links need the site's address."""

    post: Post
    scope: FeedScope

    def tag_uri(self, specific: str) -> str:
        """Return a `tag:` URI (RFC 4151) for something of this site."""
        return f"tag:{urlsplit(self.scope.origin).hostname},{TAG_URI_DATE}:{specific}"


def _text_response(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


class PostsFeed(Feed):
    """A feed of posts as RSS 2.0, or as Atom 1.0 when made with `PostsFeed(Atom1Feed)`.

    Subclasses declare `title`, `description`, `link`, `posts(scope)` and `last_change(scope)`;
    `private` ones show the signed-in person's own data and must be wrapped in
    `logged_in_or_basicauth`.
    """

    private = False
    item_guid_is_permalink = False

    def __init__(self, feed_type: type[feedgenerator.SyndicationFeed] = feedgenerator.DefaultFeed):
        self.feed_type = feed_type

    def posts(self, scope: FeedScope):
        """Return the posts of the feed, newest first (sliced to `scope.count` by the caller)."""
        raise NotImplementedError

    def last_change(self, scope: FeedScope) -> datetime | None:
        """Return when anything the feed shows last changed (None: not recorded)."""
        raise NotImplementedError

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _text_response(405, "Feeds answer GET and HEAD only.")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            scope = self.get_object(request, *args, **kwargs)
        except BadRequest as error:
            return _text_response(400, str(error))
        recorded = self.last_change(scope)
        # Unrecorded: say "changed now", which never claims "not modified" wrongly.
        changed = recorded or timezone.now()
        version = self._version(scope, changed)
        etag = f'"{version}"'
        last_modified = date_validator = int(changed.timestamp())
        if time.time() < last_modified + 1:
            # Dates have whole seconds: another change within this one would keep the same
            # Last-Modified. Until the second is over, send the one before, and let no date
            # (only the ETag) earn a 304.
            last_modified, date_validator = last_modified - 1, None
        response = get_conditional_response(request, etag=etag, last_modified=date_validator)
        if response is None:
            response = self._document(request, scope, version, cache_it=recorded is not None)
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        return response

    def _version(self, scope: FeedScope, changed: datetime) -> str:
        """Return a digest of everything the document depends on."""
        parts = [
            FEED_FORMAT,
            scope.origin,
            scope.path,
            str(scope.count),
            str(scope.person.pk) if scope.person else "",
            changed.isoformat(),
        ]
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]

    def _document(
        self, request: HttpRequest, scope: FeedScope, version: str, *, cache_it: bool
    ) -> HttpResponse:
        """Return the feed's document, from the object cache for public feeds when it is there."""
        cache_it = cache_it and not self.private and not settings.KWIPPY_FEEDS_BYPASS_CACHE
        key = f"feeds:document:{version}"
        if cache_it:
            cached = cache.get(key)
            if cached is not None:
                content_type, body = cached
                return HttpResponse(body, content_type=content_type)
        feed = self.get_feed(scope, request)
        response = HttpResponse(content_type=feed.content_type)
        feed.write(response, "utf-8")
        if cache_it and len(response.content) <= MAX_CACHED_BYTES:
            cache.set(key, (feed.content_type, response.content), CACHE_SECONDS)
        return response

    def get_object(
        self, request: HttpRequest, username: str | None = None, tags: str | None = None
    ) -> FeedScope:
        count = feed_count(request.GET.get("count"))
        person = request.user if self.private else None
        # PostgreSQL text cannot hold NUL: a name or tag with one names nothing.
        if username is not None:
            people = User.objects.filter(username__iexact=username, is_active=True)
            person = None if "\x00" in username else people.first()
            if person is None:
                raise Http404("No such person.")
        tag_list: tuple[str, ...] = ()
        if tags is not None:
            tag_list = tuple(parse_tag_segment(tags))
            if not tag_list or any("\x00" in tag for tag in tag_list):
                raise Http404("No such tag.")
        origin = f"{request.scheme}://{request.get_host()}"
        return FeedScope(
            count=count, origin=origin, path=request.path, person=person, tags=tag_list
        )

    def feed_guid(self, scope: FeedScope) -> str:
        # Atom's default id is the page's address, which several feeds share: use the feed's own,
        # spelled like its self link.
        return iri_to_uri(scope.origin + scope.path)

    def subtitle(self, scope: FeedScope) -> str:
        return self._get_dynamic_attr("description", scope)

    def items(self, scope: FeedScope) -> list[FeedItem]:
        return [FeedItem(post, scope) for post in self.posts(scope)[: scope.count]]

    def item_title(self, item: FeedItem) -> str:
        return xml_text(item.post.title)

    def item_link(self, item: FeedItem) -> str:
        return item.post.link.url

    def item_description(self, item: FeedItem) -> str:
        """Return the note as escaped text, then the tags linked to the person's tag pages."""
        post = item.post
        note = linebreaks(xml_text(post.description), autoescape=True) if post.description else ""
        if not post.tags:
            return note
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (item.scope.origin + tag_path(tag, post.user.username), xml_text(tag))
                for tag in post.tags
            ),
        )
        return note + format_html("<p>Tags: {}</p>", links)

    def item_author_name(self, item: FeedItem) -> str:
        return xml_text(item.post.user.shown_name)

    def item_author_link(self, item: FeedItem) -> str:
        return item.scope.origin + reverse("profile", args=[item.post.user.username])

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.post.created

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.post.updated

    def item_categories(self, item: FeedItem) -> list[str]:
        return [xml_text(tag) for tag in item.post.tags]

    def item_guid(self, item: FeedItem) -> str:
        return item.tag_uri(f"post:{item.post.pk}")
