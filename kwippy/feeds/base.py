"""The one base class of kwippy's feeds: their items, `?count=`, conditional GET and caching.

Django's `Feed` writes the RSS or Atom document. What feed readers also need is added here:

- every response carries an `ETag` and a `Last-Modified` derived from the feed's change stamp
  (`kwippy.accounts.changes`), which is read *before* anything is built, so a matching conditional
  request costs that one read and gets 304 with no body (by date only once the second of the
  last change is over: dates have whole seconds, and a second change within it must not hide);
- public feeds are kept in the object cache under a key made from the same stamp: a change makes
  a new key, so nothing from before a change is ever served and nothing needs deleting;
- `?count=` asks for up to 200 items (50 unless told);
- a document never exceeds MAX_FEED_BYTES, so every public feed fits in memcached: notes are cut
  at NOTE_MAX_CHARACTERS and written escaped once (as HTML, in CDATA), items show at most the
  100 tags a post may have, and the oldest items that do not fit wait for the reader's next poll;
- the site is named by `settings.SITE_URL`, never by the Host a reader used, and a feed's self
  link is the exact address it was fetched at;
- RSS titles are plain text in every reader (`rss_plain_text`); Atom says so with its types.

Django's own `Feed.__call__` sets `Last-Modified` from the newest item's date, which a deletion
or an edit of an older post does not move; so `__call__` is ours.
"""

import hashlib
import io
import re
import time
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import feedgenerator, timezone
from django.utils.cache import get_conditional_response
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.http import http_date
from django.utils.xmlutils import SimplerXMLGenerator

from kwippy.accounts.models import User
from kwippy.accounts.selectors import person_get
from kwippy.core.characters import NOT_XML
from kwippy.core.responses import text_response
from kwippy.core.urls import reverse_remembered
from kwippy.posts.models import Post
from kwippy.posts.tags import MAX_TAGS

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Part of every ETag and cache key: raise it when the documents change shape, so that readers
# fetch the new shape instead of hearing "not modified".
FEED_FORMAT = "2"
CACHE_SECONDS = 24 * 60 * 60
# memcached refuses items over 1 MiB (key and pickling included): a document up to 900 KiB is
# always cached, so a public feed is built once per change, never on every request.
MAX_FEED_BYTES = 900 * 1024
# A feed shows the start of a long note (the page shows all of it): 50 items of the costliest
# notes (1,000 "<" are 4,000 bytes of HTML) make 200 KB, and 200 items about fit the bound.
NOTE_MAX_CHARACTERS = 1000
# What the writer closes after the items: "</channel></rss>" or "</feed>", and a newline.
_DOCUMENT_END_BYTES = 64
# Any fixed date does: a tag URI names the post for ever, whatever is edited.
TAG_URI_DATE = "2008"
_ANGLE_BRACKETS = str.maketrans({"<": "\u2039", ">": "\u203a"})
_CHARACTER_REFERENCE_START = re.compile(r"&(?=#?\w+;)")


def xml_text(text: str) -> str:
    """Return `text` without the characters an XML 1.0 document cannot contain."""
    return NOT_XML.sub("", text)


def rss_plain_text(text: str) -> str:
    """Return `text` with nothing that any RSS reader could take for markup.

    RSS never said whether a title is text or HTML, and readers disagree: feedparser guesses
    from the content (a closing tag or a character reference makes it HTML), newsboat shows it
    as typed, others render it. So angle brackets become single angle quotation marks, and an
    "&" that would start a character reference a full-width ampersand: every reader then shows
    the same plain text. Atom titles are typed as text and keep the exact characters.
    """
    return _CHARACTER_REFERENCE_START.sub("\uff06", text.translate(_ANGLE_BRACKETS))


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
    """What one request asks of a feed: whose posts, which tags, how many, for which site.

    `path` is the address fetched (which Django decodes once) encoded again; `as_of` is the
    change that dates the document, set once the change stamp is read.
    """

    count: int
    origin: str
    path: str
    person: User | None = None
    tags: tuple[str, ...] = ()
    as_of: datetime | None = None


@dataclass(frozen=True)
class FeedItem:
    """One post in a feed, with the request's scope: its links need the site's address."""

    post: Post
    scope: FeedScope

    def tag_uri(self, specific: str) -> str:
        """Return a `tag:` URI (RFC 4151) for something of this site."""
        return f"tag:{urlsplit(self.scope.origin).hostname},{TAG_URI_DATE}:{specific}"


class _ItemWriter(SimplerXMLGenerator):
    """Write one item, its HTML summary as a CDATA section: escaped once (as HTML), not twice."""

    def __init__(self, out: io.StringIO, html_element: str):
        super().__init__(out, "utf-8", short_empty_elements=True)
        self.html_element = html_element

    def addQuickElement(self, name, contents=None, attrs=None):
        if name != self.html_element or not contents:
            super().addQuickElement(name, contents, attrs)
            return
        self.startElement(name, attrs or {})
        # The text goes out as it is: a CDATA section ends at "]]>", so that is split in two.
        cdata = contents.replace("]]>", "]]]]><![CDATA[>")
        self.ignorableWhitespace(f"<![CDATA[{cdata}]]>")
        self.endElement(name)


class _BoundedFeed:
    """Write items, newest first, while the whole document stays within MAX_FEED_BYTES."""

    item_element: str
    html_element: str

    def write(self, outfile, encoding):
        self.outfile = outfile
        super().write(outfile, encoding)

    def write_items(self, handler):
        room = MAX_FEED_BYTES - _DOCUMENT_END_BYTES - self.outfile.tell()
        for item in self.items:
            out = io.StringIO()
            writer = _ItemWriter(out, self.html_element)
            writer.startElement(self.item_element, self.item_attributes(item))
            self.add_item_elements(writer, item)
            writer.endElement(self.item_element)
            text = out.getvalue()
            room -= len(text.encode())
            if room < 0:
                break
            handler.ignorableWhitespace(text)


class RssFeed(_BoundedFeed, feedgenerator.Rss201rev2Feed):
    """RSS 2.0, bounded, with titles and the channel's description as plain text."""

    item_element = "item"
    html_element = "description"

    def __init__(self, title, link, description, **kwargs):
        super().__init__(rss_plain_text(title), link, rss_plain_text(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(rss_plain_text(title), link, description, **kwargs)


class AtomFeed(_BoundedFeed, feedgenerator.Atom1Feed):
    """Atom 1.0, bounded."""

    item_element = "entry"
    html_element = "summary"


class PostsFeed(Feed):
    """A feed of posts as RSS 2.0, or as Atom 1.0 when made with `PostsFeed(AtomFeed)`.

    Subclasses declare `title`, `description`, `page` (the path of the page the feed follows),
    `posts(scope)` and `last_change(scope)`; `private` ones show the signed-in person's own data
    and must be wrapped in `logged_in_or_basicauth`.
    """

    private = False
    item_guid_is_permalink = False

    def __init__(self, feed_type: type[RssFeed | AtomFeed] = RssFeed):
        self.feed_type = feed_type

    def posts(self, scope: FeedScope):
        """Return the posts of the feed, newest first (sliced to `scope.count` by the caller)."""
        raise NotImplementedError

    def last_change(self, scope: FeedScope) -> datetime | None:
        """Return when anything the feed shows last changed (None: not recorded)."""
        raise NotImplementedError

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = text_response("Feeds answer GET and HEAD only.", status=405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            scope = self.get_object(request, *args, **kwargs)
        except BadRequest as error:
            return text_response(str(error), status=400)
        recorded = self.last_change(scope)
        # Unrecorded: say "changed now", which never claims "not modified" wrongly.
        changed = recorded or timezone.now()
        scope = replace(scope, as_of=changed)
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
        if cache_it:
            cache.set(key, (feed.content_type, response.content), CACHE_SECONDS)
        return response

    def get_object(
        self, request: HttpRequest, username: str | None = None, tags: list[str] | None = None
    ) -> FeedScope:
        count = feed_count(request.GET.get("count"))
        person = request.user if self.private else None
        if username is not None:
            person = person_get(username=username)
            if person is None:
                raise Http404("No such person.")
        # PostgreSQL text cannot hold NUL: a tag with one names nothing.
        if tags is not None and (not tags or any("\x00" in tag for tag in tags)):
            raise Http404("No such tag.")
        return FeedScope(
            count=count,
            origin=settings.SITE_URL,
            path=escape_uri_path(request.path),
            person=person,
            tags=tuple(tags or ()),
        )

    def link(self, scope: FeedScope) -> str:
        return scope.origin + self._get_dynamic_attr("page", scope)

    def feed_url(self, scope: FeedScope) -> str:
        # The exact address served: `request.path` is decoded once, so it is encoded again (a
        # tag's own "%2B" stays "%252B"), and a count other than the default makes the document.
        query = f"?count={scope.count}" if scope.count != DEFAULT_COUNT else ""
        return scope.origin + scope.path + query

    def feed_guid(self, scope: FeedScope) -> str:
        # Atom's default id is the page's address, which several feeds share: use the feed's own.
        return scope.origin + scope.path

    def subtitle(self, scope: FeedScope) -> str:
        return self._get_dynamic_attr("description", scope)

    def items(self, scope: FeedScope) -> list[FeedItem]:
        return [FeedItem(post, scope) for post in self.posts(scope)[: scope.count]]

    def item_title(self, item: FeedItem) -> str:
        return xml_text(item.post.title)

    def _shown_tags(self, post: Post) -> list[str]:
        # Posts imported before the 100-tag rule may carry more than a feed item should.
        return post.tags[:MAX_TAGS]

    def item_link(self, item: FeedItem) -> str:
        return item.post.link.url

    def item_description(self, item: FeedItem) -> str | None:
        """Return the note's start as escaped text, then the tags linked to the person's tag
        pages; None (no summary at all) for a post with neither."""
        post = item.post
        note = xml_text(post.description)
        if len(note) > NOTE_MAX_CHARACTERS:
            note = note[:NOTE_MAX_CHARACTERS] + "\u2026"
        html = linebreaks(note, autoescape=True) if note else ""
        tags = self._shown_tags(post)
        if tags:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (
                        item.scope.origin
                        + reverse_remembered("profile_tag", post.user.username, tag),
                        xml_text(tag),
                    )
                    for tag in tags
                ),
            )
            html += format_html("<p>Tags: {}</p>", links)
        return html or None

    def item_author_name(self, item: FeedItem) -> str:
        return xml_text(item.post.user.shown_name)

    def item_author_link(self, item: FeedItem) -> str:
        return item.scope.origin + reverse_remembered("profile", item.post.user.username)

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.post.created

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.post.updated

    def item_categories(self, item: FeedItem) -> list[str]:
        return [xml_text(tag) for tag in self._shown_tags(item.post)]

    def item_guid(self, item: FeedItem) -> str:
        return item.tag_uri(f"post:{item.post.pk}")
