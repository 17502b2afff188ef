import hashlib
import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from kwippy.posts.normalize import TITLE_MAX_LENGTH
from kwippy.posts.tags import TAG_MAX_LENGTH


def url_hash(url: str) -> str:
    """Return the MD5 of a URL, as Pinboard's `hash` (identity, not security)."""
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


# What a link's public id may look like: our random ids, and the primary keys links public before
# them kept.
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,24}")


class RandomPublicId(models.Func):
    """Twelve URL-safe characters from PostgreSQL's random UUID: 66 random bits, no order."""

    template = (
        "translate(encode(substring(uuid_send(gen_random_uuid()) from 1 for 9), 'base64'), "
        "'+/', '-_')"
    )
    output_field = models.CharField()


class SiteKey(models.Func):
    """A URL's host, lower-cased, its port dropped, spelled backwards and closed by a dot:
    `https://www.Example.org:8080/x` gives `gro.elpmaxe.www.`. A site and each of its subdomains
    share the beginning of their keys (`gro.elpmaxe.`), so search's `site:` filter finds its
    links by a prefix of an index on this, however common the letters of the name. The host is
    the text after the scheme and any user up to the next `/`, `?` or `#`, as the filter's own
    pattern reads it; keys are cut at 300 characters, longer than any DNS name, to fit the index.
    """

    template = (
        "left(reverse(regexp_replace(substring(lower(%(expressions)s) "
        "from '^[a-z][a-z0-9+.-]*://(?:[^/?#]*@)?([^/?#]*)'), ':[0-9]*$', '')) || '.', 300)"
    )
    output_field = models.TextField()


def site_key_prefix(host: str) -> str:
    """Return the beginning of the SiteKey of every URL on `host` or one of its subdomains."""
    return host[::-1] + "."


class Link(models.Model):
    """One web address, saved once however many people bookmark it."""

    url = models.TextField()
    # The link's address on the site (/url/<public_id>/). The primary key counts up, so it would
    # tell a later public saver that someone had saved the URL privately before; this carries no
    # order. The database draws it, so bulk writers (imports, seeding) get one too. Links public
    # before it existed kept their primary key here, the address already shown for them.
    public_id = models.CharField(max_length=24, unique=True, db_default=RandomPublicId())
    # A 2,000-character URL is too long for a btree index; its hash is the unique key.
    url_hash = models.CharField(max_length=32, unique=True)
    public_saves = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Search's `site:` filter: the links on a site are a range of this index (LIKE
            # 'prefix%' needs the pattern operator class).
            models.Index(OpClass(SiteKey("url"), name="text_pattern_ops"), name="link_site_key"),
        ]

    def __str__(self) -> str:
        return self.url


class Post(models.Model):
    """One person's bookmark of a link."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="posts")
    link = models.ForeignKey(Link, models.PROTECT, related_name="posts")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=TAG_MAX_LENGTH), default=list, blank=True)
    is_private = models.BooleanField(default=False)
    to_read = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    # Filled by a database trigger (migration 0002) from the title, tags, description and the
    # link's URL, so every way a row is written (services, admin, bulk seeding) keeps it right.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "link"], name="post_one_per_user_link"),
        ]
        indexes = [
            models.Index(fields=["user", "-created", "-id"], name="post_user_recent"),
            models.Index(
                fields=["-created", "-id"],
                condition=models.Q(is_private=False),
                name="post_public_recent",
            ),
            models.Index(fields=["link", "-created"], name="post_link_recent"),
            GinIndex(fields=["tags"], name="post_tags"),
            GinIndex(fields=["search_vector"], name="post_search"),
            models.Index(
                fields=["link", "-created", "-id"],
                condition=models.Q(is_private=False),
                name="post_link_public_recent",
            ),
            # A person's list sorted by title (see pagination.BY_TITLE).
            models.Index(F("user"), Lower("title"), F("id"), name="post_user_title"),
            # A reading list (/u/<name>/toread/) of a few posts among a person's 100,000.
            models.Index(
                fields=["user", "-created", "-id"],
                condition=models.Q(to_read=True),
                name="post_user_toread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        return self.link.url

    @property
    def others_saved(self) -> int:
        """Return how many other people saved this post's link publicly."""
        return max(0, self.link.public_saves - (0 if self.is_private else 1))


class UserTag(models.Model):
    """How many of a person's posts carry a tag: all of them, and the public ones."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="tag_counts")
    name = models.CharField(max_length=TAG_MAX_LENGTH)
    count = models.PositiveIntegerField(default=0)
    public_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="usertag_once")]
        indexes = [models.Index(fields=["user", "-public_count"], name="usertag_user_public")]

    def __str__(self) -> str:
        return self.name


# The readable text kept of a page, at most: a long article is about 60,000 characters, and the
# search vector of the text must stay under PostgreSQL's 1 MB limit for one tsvector.
PAGE_TEXT_MAX_LENGTH = 100_000


class LinkHealth(models.TextChoices):
    """What the last checks of a link's address found."""

    UNCHECKED = "unchecked", "not checked yet"
    OK = "ok", "ok"
    MOVED = "moved", "moved"
    GONE = "gone", "gone"
    FAILING = "failing", "failing"


# The healths a person is told about: their link no longer leads where it did.
BROKEN = (LinkHealth.GONE, LinkHealth.MOVED, LinkHealth.FAILING)


class LinkPage(models.Model):
    """What kwippy read at a link's address: one fetch, check and copy for everyone who saved it.

    The pages app fetches and checks it (kwippy/pages); it lives here, with the link, because the
    lists of posts show its health and search reads its text.
    """

    link = models.OneToOneField(Link, models.CASCADE, primary_key=True, related_name="page")
    health = models.CharField(
        max_length=16, choices=LinkHealth.choices, default=LinkHealth.UNCHECKED
    )
    # The last check: when, the HTTP status it ended on, the address it ended at.
    checked_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.TextField(blank=True)
    # Where a moved link now answers (health "moved").
    moved_to = models.TextField(blank=True)
    # Checks that failed in a row, and when the first of them ran.
    failures = models.PositiveSmallIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    # When the link is due to be fetched or checked again.
    next_check_at = models.DateTimeField(default=timezone.now)
    # What the page says of itself, as last read.
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    site_name = models.TextField(blank=True)
    canonical_url = models.TextField(blank=True)
    language = models.CharField(max_length=35, blank=True)
    favicon_url = models.TextField(blank=True)
    # The readable copy: the page's main text, and when it was read. A person who saved the link
    # may delete the copy; it is then not kept again (the checks go on).
    keep_copy = models.BooleanField(default=True)
    text = models.TextField(blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    text_vector = models.GeneratedField(
        expression=SearchVector("text", config="english", weight="D"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        indexes = [
            models.Index(fields=["next_check_at"], name="linkpage_due"),
            GinIndex(fields=["text_vector"], name="linkpage_text_search"),
            # A person's broken links (/u/<name>/broken/ and its count) start from the few
            # broken pages, not from every page of the site.
            models.Index(
                fields=["link"],
                condition=models.Q(health__in=BROKEN),
                name="linkpage_broken",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.link.url
