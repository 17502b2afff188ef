"""Reads of posts. Every list a page shows comes from here, with its related rows joined.

The privacy rule lives here and nowhere else: a private post is seen by its owner only. Each
selector takes the `viewer` (None or an anonymous user for visitors) and applies the rule itself.
"""

import hashlib
import operator
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.db.models.lookups import StartsWith
from django.utils import timezone

from kwippy.accounts.changes import last_change_user
from kwippy.accounts.models import ChangeStamp, Follow, User
from kwippy.posts.models import (
    BROKEN,
    Link,
    LinkHealth,
    LinkPage,
    Post,
    SiteKey,
    UserTag,
    site_key_prefix,
    url_hash,
)
from kwippy.posts.normalize import InvalidURL, normalize_url
from kwippy.posts.pagination import Page, parse_recent_cursor, popular_cursor, recent_cursor
from kwippy.posts.query import Alternative, names_a_word, parse_query

POPULAR_WINDOW = timedelta(days=30)
SEARCH_MAX_LENGTH = 200
SEARCH_CANDIDATES = 500
SEARCH_PAGE_CANDIDATES = 100
PAGE_LINKS = 1000
POPULAR_CACHE_SECONDS = 60
RELATED_SAMPLE = 1000
RELATED_LIMIT = 30
SUGGESTED_OWN = 300
SUGGESTED_FOR_LINK = 20
# Writes that move no change stamp (the admin) show in a person's count within this time.
POST_COUNT_CACHE_SECONDS = 10 * 60


def _listing(queryset: QuerySet[Post]) -> QuerySet[Post]:
    # Lists never show the search vector, the widest column.
    return (
        queryset.select_related("user", "link").defer("search_vector").order_by("-created", "-id")
    )


def _signed_in(viewer: User | None) -> User | None:
    return viewer if viewer is not None and viewer.is_authenticated else None


def posts_public_recent() -> QuerySet[Post]:
    """Return everyone's public posts, newest first."""
    return _listing(Post.objects.filter(is_private=False))


def posts_first_saves(*, tags: list[str] | None = None) -> QuerySet[Post]:
    """Return everyone's public posts carrying every one of `tags`, one per link, newest first.

    A link saved by several people is shown once, by its first public save of those the list
    holds: the others are on the link's page.
    """
    shown = Q(is_private=False)
    if tags:
        shown &= Q(tags__contains=tags)
    earlier = Post.objects.filter(shown, link=OuterRef("link")).filter(
        Q(created__lt=OuterRef("created")) | Q(created=OuterRef("created"), id__lt=OuterRef("id"))
    )
    return _listing(Post.objects.filter(shown).filter(~Exists(earlier)))


# Each person's newest posts come from their own index (LATERAL, LIMIT n each) and only then are
# merged: a plain query read every post of everyone followed, or walked the whole site's timeline.
_NETWORK_PAGE_SQL = f"""
SELECT page.id FROM (
    SELECT %(me)s AS user_id
    UNION ALL
    SELECT followee_id FROM {Follow._meta.db_table} WHERE follower_id = %(me)s
) AS people
CROSS JOIN LATERAL (
    SELECT post.id, post.created FROM {Post._meta.db_table} AS post
    WHERE post.user_id = people.user_id
      AND (NOT post.is_private OR post.user_id = %(me)s)
      AND (post.created, post.id) < (%(created)s, %(id)s)
    ORDER BY post.created DESC, post.id DESC
    LIMIT %(limit)s
) AS page
ORDER BY page.created DESC, page.id DESC
LIMIT %(limit)s
"""


def posts_network_page(*, user: User, cursor: str | None, size: int) -> Page[Post]:
    """Return one page of a person's own posts (private too) and the public posts of the people
    they follow, newest first, after `cursor`; raise BadCursor for a bad one."""
    if cursor:
        created, pk = parse_recent_cursor(cursor)
    else:
        created, pk = datetime.max.replace(tzinfo=UTC), 0
    params = {"me": user.pk, "created": created, "id": pk, "limit": size + 1}
    with connection.cursor() as db:
        db.execute(_NETWORK_PAGE_SQL, params)
        ids = [row[0] for row in db.fetchall()]
    more = len(ids) > size
    ids = ids[:size]
    loaded = {post.pk: post for post in posts_by_ids(ids=ids)}
    rows = [loaded[pk] for pk in ids if pk in loaded]
    next_cursor = recent_cursor(rows[-1].created, rows[-1].pk) if more and rows else None
    return Page(items=rows, next_cursor=next_cursor, is_first=not cursor)


def posts_followed_public(*, user: User) -> QuerySet[Post]:
    """Return the public posts of the people a person follows (not their own), newest first."""
    followed = Follow.objects.filter(follower=user).values("followee")
    return _listing(Post.objects.filter(user__in=followed, is_private=False))


def posts_to_read(*, user: User) -> QuerySet[Post]:
    """Return a person's own posts marked to read (private ones too), newest first."""
    return _listing(Post.objects.filter(user=user, to_read=True))


# The filters of a person's own lists (`?filter=…`): each narrows to what only the owner may see.
OWN_FILTERS = {
    "toread": Q(to_read=True),
    "untagged": Q(tags=[]),
    "private": Q(is_private=True),
}


def posts_of_user(
    *, owner: User, viewer: User | None, tags: list[str] | None = None, only: str = ""
) -> QuerySet[Post]:
    """Return a person's posts as `viewer` may see them (private ones for the owner only).

    `only` names one of OWN_FILTERS; it narrows the owner's own view and is ignored for others,
    whose view must not tell what someone means to read or keeps private.
    """
    queryset = Post.objects.filter(user=owner)
    if _signed_in(viewer) is None or viewer.pk != owner.pk:
        queryset = queryset.filter(is_private=False)
    elif only in OWN_FILTERS:
        queryset = queryset.filter(OWN_FILTERS[only])
    if tags:
        queryset = queryset.filter(tags__contains=tags)
    return _listing(queryset)


def person_change_stamp(*, owner: User, viewer: User | None) -> datetime | None:
    """Return when `owner`'s posts last changed as `viewer` sees them: any post for the owner, the
    public ones for anyone else (None before their first change through the services)."""
    mine = _signed_in(viewer) is not None and viewer.pk == owner.pk
    if hasattr(owner, "posts_changed"):
        # Read with the person (accounts.selectors.person_get_for_page): no query of its own.
        return owner.posts_changed if mine else owner.public_posts_changed
    return last_change_user(user_id=owner.pk, private=mine)


def posts_count_of_user(*, owner: User, viewer: User | None, stamp: datetime | None) -> int:
    """Return how many of a person's posts `viewer` may see: all to the owner, public to others.

    Counted once per change, not on every view of a person with 100,000 posts: the count is kept
    in the object cache under `stamp`, person_change_stamp's for this viewer, which every write
    through the services moves once it commits.
    """
    mine = _signed_in(viewer) is not None and viewer.pk == owner.pk
    key = (
        f"kwippy.post-count:{owner.pk}:{'all' if mine else 'public'}:{stamp and stamp.isoformat()}"
    )
    count = cache.get(key)
    if not isinstance(count, int):
        count = posts_of_user(owner=owner, viewer=viewer).count()
        cache.set(key, count, POST_COUNT_CACHE_SECONDS)
    return count


def _copy_kept(path: str = "") -> Q:
    # A copy is kept while its text is there: deleting a copy, or turning fetching off, empties
    # it. `> ''` rather than a negated `= ''`: a link with no page yet is NULL, and has no copy.
    return Q(**{f"{path}text__gt": ""})


def posts_with_health(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Return `posts` with their link's page joined (its health, as `post.link.page`) and
    `has_copy`, for their owner's eyes only; the page's text itself stays in the database."""
    return (
        posts.select_related("link__page")
        .defer("link__page__text", "link__page__text_vector")
        .annotate(
            has_copy=ExpressionWrapper(_copy_kept("link__page__"), output_field=BooleanField())
        )
    )


def _broken_of(owner: User) -> QuerySet[Post]:
    # The broken pages by their own index (`linkpage_broken`), matched to the person's posts by
    # link id: a join through the links would read every link of the site.
    broken = LinkPage.objects.filter(health__in=BROKEN).values("link_id")
    return Post.objects.filter(user=owner, link_id__in=broken)


def posts_broken(*, owner: User) -> QuerySet[Post]:
    """Return a person's own posts whose links are gone, moved or failing, newest first."""
    return posts_with_health(_listing(_broken_of(owner)))


def posts_broken_count(*, owner: User, stamp: datetime | None) -> int:
    """Return how many of a person's own posts have a broken link, counted once per change of
    `stamp` (the owner's person_change_stamp, which `services.link_health_changed` moves)."""
    key = f"kwippy.broken-count:{owner.pk}:{stamp and stamp.isoformat()}"
    count = cache.get(key)
    if not isinstance(count, int):
        count = _broken_of(owner).count()
        cache.set(key, count, POST_COUNT_CACHE_SECONDS)
    return count


def link_copy_kept(*, link: Link) -> bool:
    """Return whether a readable copy of the link's page is kept."""
    return LinkPage.objects.filter(_copy_kept(), link=link).exists()


def link_moved_to(*, link: Link) -> str:
    """Return the address the link's page moved to, "" unless its health is "moved"."""
    moved = LinkPage.objects.filter(link=link, health=LinkHealth.MOVED)
    return moved.values_list("moved_to", flat=True).first() or ""


def link_page_description(*, link: Link) -> str:
    """Return what the link's page says of itself (its meta description), "" if nothing."""
    row = LinkPage.objects.filter(link=link).values_list("description", flat=True).first()
    return row or ""


def posts_tagged(*, tags: list[str]) -> QuerySet[Post]:
    """Return everyone's public posts carrying every one of `tags`, newest first."""
    return _listing(Post.objects.filter(is_private=False, tags__contains=tags))


def posts_of_link(*, link: Link) -> QuerySet[Post]:
    """Return everyone's public saves of a link, newest first."""
    return _listing(Post.objects.filter(link=link, is_private=False))


def post_get_by_link(*, link: Link, user: User | None) -> Post | None:
    """Return the viewer's own save of a link (private or not), if they have one."""
    if _signed_in(user) is None:
        return None
    return Post.objects.select_related("user", "link").filter(link=link, user=user).first()


def post_get_by_url(*, user: User, url: str) -> Post | None:
    """Return the person's post of a URL (in any spelling that normalises the same), if any."""
    try:
        normalized = normalize_url(url)
    except InvalidURL:
        return None
    return (
        Post.objects.select_related("link")
        .filter(user=user, link__url_hash=url_hash(normalized))
        .first()
    )


def link_get_for_viewer(*, public_id: str, viewer: User | None) -> Link | None:
    """Return a link someone saved publicly, or one the viewer saved; None otherwise.

    A link only saved privately by others does not exist for the viewer: even its address would
    tell something about a private post.
    """
    link = Link.objects.filter(public_id=public_id).first()
    if link is None:
        return None
    if link.public_saves > 0:
        return link
    if _signed_in(viewer) is not None and Post.objects.filter(link=link, user=viewer).exists():
        return link
    return None


class SearchScope:
    """Whose posts a search looks through."""

    EVERYONE = "everyone"
    NETWORK = "network"
    MINE = "mine"


# A port at the end of a `site:` filter's host (`example.org:8080`; not inside `[::1]`).
_SITE_PORT = re.compile(r":[0-9]*$")


def _site_pattern(site: str) -> str:
    # The host is the site or one of its subdomains, whatever the scheme, user or port.
    return rf"^[a-z][a-z0-9+.-]*://([^/?#]*@)?([^/?#@]*\.)?{re.escape(site)}(:[0-9]*)?([/?#]|$)"


def _search_query(words: str) -> SearchQuery:
    return SearchQuery(words, search_type="websearch", config="english")


def _filtered(alternative: Alternative) -> Q:
    filters = Q()
    if alternative.tags:
        filters &= Q(tags__contains=list(alternative.tags))
    for site in alternative.sites:
        # The index finds the links on the site's host by the beginning of their key; the pattern
        # then checks each of those few, a port the filter names included.
        host = _SITE_PORT.sub("", site)
        on_host = StartsWith(SiteKey("link__url"), site_key_prefix(host))
        filters &= Q(on_host, link__url__iregex=_site_pattern(site))
    return filters


def _matching_own_words(alternative: Alternative) -> Q:
    """Match the posts whose own words (title, tags, notes, URL) and filters match."""
    if not alternative.words:
        return _filtered(alternative)
    return Q(search_vector=_search_query(alternative.words)) & _filtered(alternative)


# A search's posts found through their pages: the newest of the posts of the newest PAGE_LINKS
# links whose kept copy has the words, found by the text index alone (migration 0010 says why),
# each link's posts read from its own index (LATERAL): never a walk through every post or page.
# Only when the posts' own words found fewer than SEARCH_CANDIDATES (`own`, below): else what
# the pages add would rank after hundreds of others, and a word in most titles is in most pages.
_NEWEST_BY_PAGE_TEXT_SQL = """
SELECT post.id AS pk, post.created, post.link_id
FROM posts_page_links_matching(websearch_to_tsquery('english', %s), %s) AS page
CROSS JOIN LATERAL ({posts}) AS post
WHERE (SELECT count(*) FROM own) < %s
ORDER BY post.created DESC, post.id DESC
LIMIT %s
"""


def _newest_by_page_text(*, visible: Q, alternative: Alternative) -> tuple[str, tuple]:
    """Return the SQL and parameters of the newest visible posts whose link's kept copy has the
    words of `alternative`, and which its filters let through."""
    posts = (
        Post.objects.filter(visible, _filtered(alternative), link_id=RawSQL("page.link_id", ()))
        .order_by("-created", "-id")
        .values_list("id", "created", "link_id")[:SEARCH_PAGE_CANDIDATES]
    )
    posts_sql, posts_params = posts.query.sql_with_params()
    sql = _NEWEST_BY_PAGE_TEXT_SQL.format(posts=posts_sql)
    return sql, (
        alternative.words,
        PAGE_LINKS,
        *posts_params,
        SEARCH_CANDIDATES,
        SEARCH_PAGE_CANDIDATES,
    )


def _visible_in_scope(*, viewer: User | None, scope: str) -> Q:
    me = _signed_in(viewer)
    if me is None:
        return Q(is_private=False)
    if scope == SearchScope.MINE:
        return Q(user=me)
    if scope == SearchScope.NETWORK:
        # One list of people, so that PostgreSQL reads their posts from their own index rather
        # than every post that has a common word.
        people = [me.pk, *Follow.objects.filter(follower=me).values_list("followee", flat=True)]
        return Q(user__in=people) & (Q(user=me) | Q(is_private=False))
    return Q(is_private=False) | Q(user=me)


def posts_search(
    *, text: str, viewer: User | None, scope: str = SearchScope.EVERYONE
) -> QuerySet[Post]:
    """Return the posts matching a query (see query.py), best first, as `viewer` may see them.

    Visitors find everyone's public posts. A signed-in person looks through everyone's (their own
    private posts included), their network's (theirs and the public posts of those they follow)
    or only their own. Everyone's results show each link once, by its first matching save.

    The words of an alternative match a post's own words or the text of its link's kept copy: a
    page's text is found only through a post the viewer may see. Each post is annotated with its
    `rank` and whether it `matched_in_page_only`.
    """
    alternatives = parse_query(text[:SEARCH_MAX_LENGTH])
    if not alternatives:
        return Post.objects.none().annotate(
            rank=Value(0.0, output_field=FloatField()),
            matched_in_page_only=Value(False, output_field=BooleanField()),
        )
    visible = _visible_in_scope(viewer=viewer, scope=scope)
    own_words = reduce(operator.or_, (_matching_own_words(a) for a in alternatives))
    # Ranking reads every match's vector: for a common word that is a large part of the site.
    # So the newest SEARCH_CANDIDATES matches are ranked, which keeps every search fast. Each
    # way of matching is its own query, newest first, so that each can use its index (one OR
    # across the posts' and the pages' tables would read every visible post).
    newest = [
        Post.objects.filter(visible, _matching_own_words(alternative))
        .order_by("-created", "-id")
        .values_list("pk", "created", "link_id")[:SEARCH_CANDIDATES]
        for alternative in alternatives
    ]
    # Fewer are asked of the pages: whatever matched only in a page comes after every post whose
    # own words match, pages of results later. Words only to leave out would match nearly every
    # page, each read to be sure: they are looked for in posts only.
    by_page_text = [
        _newest_by_page_text(visible=visible, alternative=alternative)
        for alternative in alternatives
        if names_a_word(alternative.words)
    ]
    union, params = newest[0].union(*newest[1:]).query.sql_with_params()
    parts = ["SELECT pk, created, link_id FROM own", *(f"({sql})" for sql, _ in by_page_text)]
    params = (*params, *(value for _, page_params in by_page_text for value in page_params))
    newest_matches = (
        f"SELECT pk, created, link_id FROM ({' UNION '.join(parts)}) AS matched "
        "ORDER BY created DESC, pk DESC LIMIT %s"
    )
    if _signed_in(viewer) is None or scope == SearchScope.EVERYONE:
        # The first save of each link among the candidates stands for the link: chosen here,
        # from the candidates' own columns, rather than by reading their posts once more.
        chosen = (
            f"SELECT DISTINCT ON (link_id) pk FROM ({newest_matches}) AS newest "
            "ORDER BY link_id, created, pk"
        )
    else:
        chosen = f"SELECT pk FROM ({newest_matches}) AS newest"
    candidates = Post.objects.filter(
        pk__in=RawSQL(f"WITH own AS MATERIALIZED ({union}) {chosen}", (*params, SEARCH_CANDIDATES))
    )
    found = candidates.annotate(
        matched_in_page_only=ExpressionWrapper(~own_words, output_field=BooleanField())
    )
    worded = [_search_query(a.words) for a in alternatives if a.words]
    if not worded:
        return found.annotate(rank=Value(0.0, output_field=FloatField()))
    query = reduce(operator.or_, worded)
    # Whatever a person typed ranks above the page's text, the URL's words included: a post whose
    # own words match ranks from 1 up, one found only in its page below 1 (ts_rank's normalization
    # 32, rank / (rank + 1), keeps it there). Weights alone could not: words far apart rank near
    # 0, and a page says a word many times. The rank is cast to double precision so that it
    # round-trips exactly through a cursor.
    own_rank = Cast(SearchRank(F("search_vector"), query), FloatField()) + Value(1.0)
    page_rank = SearchRank(F("link__page__text_vector"), query, normalization=Value(32))
    rank = Case(
        When(own_words, then=own_rank),
        default=Cast(page_rank, FloatField()),
        output_field=FloatField(),
    )
    return found.annotate(rank=rank)


def posts_by_ids(*, ids: list[int]) -> QuerySet[Post]:
    """Return the posts with these ids, with what a list shows of them (any order)."""
    return _listing(Post.objects.filter(pk__in=ids))


@dataclass(frozen=True)
class PopularLink:
    link: Link
    saves: int
    post: Post

    @property
    def cursor(self) -> str:
        return popular_cursor(self.saves, self.link.public_id)


def links_popular(
    *, after: tuple[int, str] | None, size: int, ranked_since: datetime | None = None
) -> tuple[list[PopularLink], bool]:
    """Return the links most people saved publicly in the last 30 days, most saved first.

    Each comes with its newest public save, to show like any post. `after` is the (saves, public
    id) of the last link already shown. The second value says whether more follow. A ranking is
    kept for a minute; `ranked_since` asks for one made at or after that moment (a feed dated by
    a change must show the ranking after that change).
    """
    key = f"popular:ranked:{after[0]}_{after[1]}:{size}" if after else f"popular:ranked:{size}"
    ranked = cache.get(key)
    if ranked is None or (ranked_since is not None and ranked[0] < ranked_since):
        # Taken before the query: the ranking is at least as new as this.
        ranked_at = timezone.now()
        ranked = (ranked_at, _popular_ranking(after=after, size=size))
        # Popularity over 30 days moves slowly; a minute-old ranking saves an aggregate.
        cache.set(key, ranked, POPULAR_CACHE_SECONDS)
    rows = ranked[1]
    more = len(rows) > size
    rows = rows[:size]
    newest_ids = (
        Link.objects.filter(pk__in=[link_id for link_id, _ in rows])
        .annotate(
            newest=Subquery(
                Post.objects.filter(link=OuterRef("pk"), is_private=False)
                .order_by("-created", "-id")
                .values("pk")[:1]
            )
        )
        .values_list("newest", flat=True)
    )
    newest = {
        post.link_id: post
        for post in _listing(Post.objects.filter(pk__in=[pk for pk in newest_ids if pk]))
    }
    # A link whose public saves all went private within the cached minute is left out.
    shown = [
        PopularLink(link=newest[link_id].link, saves=saves, post=newest[link_id])
        for link_id, saves in rows
        if link_id in newest
    ]
    return shown, more


def _popular_ranking(*, after: tuple[int, str] | None, size: int) -> list[tuple[int, int]]:
    """Return (link id, public saves in the window) of up to size + 1 links after `after`.

    Ties are broken by public id: the primary key would tell which of two links was saved first,
    privately or not.
    """
    since = timezone.now() - POPULAR_WINDOW
    ranking = (
        Post.objects.filter(is_private=False, created__gte=since)
        .values("link_id", "link__public_id")
        .annotate(saves=Count("id"))
    )
    if after is not None:
        saves, public_id = after
        ranking = ranking.filter(Q(saves__lt=saves) | Q(saves=saves, link__public_id__lt=public_id))
    ranking = ranking.order_by("-saves", "-link__public_id")
    return list(ranking.values_list("link_id", "saves")[: size + 1])


def _tag_counts(*, owner: User, viewer: User | None, by_count: bool) -> QuerySet:
    # (name, count) of a person's tags; others see public counts only, and not the tags only
    # private posts carry.
    mine = _signed_in(viewer) is not None and viewer.pk == owner.pk
    field = "count" if mine else "public_count"
    order = (f"-{field}", "name") if by_count else ("name",)
    rows = UserTag.objects.filter(user=owner, **{f"{field}__gt": 0}).order_by(*order)
    return rows.values_list("name", field)


def tag_cloud(*, owner: User, viewer: User | None, limit: int = 100) -> list[tuple[str, int]]:
    """Return a person's `limit` most used tags and counts, by name."""
    return sorted(_tag_counts(owner=owner, viewer=viewer, by_count=True)[:limit])


def tags_of_user(*, owner: User, viewer: User | None, by_count: bool) -> QuerySet:
    """Return every tag of a person with its count, by name or most used first: (name, count)
    rows, unread, so that a page of them is read alone."""
    return _tag_counts(owner=owner, viewer=viewer, by_count=by_count)


def tags_suggested(*, user: User, url: str = "") -> list[str]:
    """Return the tags to offer while `user` tags a bookmark of `url`: their own most used
    first (SUGGESTED_OWN at most), then the tags others gave that link publicly, most given first.
    """
    own = list(
        UserTag.objects.filter(user=user)
        .order_by("-count", "name")
        .values_list("name", flat=True)[:SUGGESTED_OWN]
    )
    try:
        normalized = normalize_url(url) if url else None
    except InvalidURL:
        normalized = None
    if normalized is None:
        return own
    given = Post.objects.filter(link__url_hash=url_hash(normalized), is_private=False)
    counts = Counter(
        tag
        for tags in given.order_by("-created").values_list("tags", flat=True)[:RELATED_SAMPLE]
        for tag in tags
    )
    known = set(own)
    return own + [tag for tag, _ in counts.most_common(SUGGESTED_FOR_LINK) if tag not in known]


def tag_count_of_owner(*, owner: User, name: str) -> int:
    """Return on how many of their posts, private ones too, a person uses a tag (0: not at all)."""
    row = UserTag.objects.filter(user=owner, name=name).values_list("count", flat=True).first()
    return row or 0


def tags_related(
    *, tags: list[str], owner: User | None = None, viewer: User | None = None
) -> list[tuple[str, int]]:
    """Return the tags most often found with all of `tags`, and on how many posts, most first.

    Everyone's public posts are counted, or `owner`'s as `viewer` may see them. The count runs
    over the newest RELATED_SAMPLE posts carrying `tags`, so a tag on half the site costs no more
    than a rare one; everyone's counts are kept for a minute, like the popular ranking.
    """
    if owner is None:
        key = "tags:related:" + hashlib.sha256(repr(tags).encode()).hexdigest()[:32]
        related = cache.get(key)
        if related is None:
            related = _tags_related(posts=posts_tagged(tags=tags), tags=tags)
            cache.set(key, related, POPULAR_CACHE_SECONDS)
        return related
    return _tags_related(posts=posts_of_user(owner=owner, viewer=viewer, tags=tags), tags=tags)


def _tags_related(*, posts: QuerySet[Post], tags: list[str]) -> list[tuple[str, int]]:
    sample = posts.order_by("-created", "-id").values("tags")[:RELATED_SAMPLE]
    sql, params = sample.query.sql_with_params()
    with connection.cursor() as db:
        db.execute(
            f"SELECT tag, count(*) FROM ({sql}) AS sample CROSS JOIN LATERAL unnest(sample.tags) "
            "AS tag WHERE NOT (tag = ANY(%s)) GROUP BY tag ORDER BY count(*) DESC, tag LIMIT %s",
            [*params, tags, RELATED_LIMIT],
        )
        return [(tag, count) for tag, count in db.fetchall()]


# Whom a newcomer is offered to follow: a few of the people who saved public bookmarks lately.
SUGGESTED_PEOPLE = 5
# How many of the most recently active people are weighed: the read stays one bounded query.
SUGGESTION_POOL = 50


def users_to_follow(*, user: User) -> list[User]:
    """Return a few people `user` might follow, each with `follower_total`.

    Of the people whose public bookmarks changed most recently (read backwards along the change
    stamps' index, SUGGESTION_POOL of them), those with a public bookmark, the most followed first:
    active and liked. Never `user`, nor anyone they follow already.
    """
    lately = (
        ChangeStamp.objects.filter(public_posts__isnull=False)
        .exclude(user=user)
        .exclude(user__follower_set__follower=user)
        .order_by("-public_posts")
        .values("user_id")[:SUGGESTION_POOL]
    )
    public = Post.objects.filter(user=OuterRef("pk"), is_private=False)
    people = (
        User.objects.filter(pk__in=lately, is_active=True)
        .filter(Exists(public))
        .annotate(follower_total=Count("follower_set"))
        .order_by("-follower_total", "username")
    )
    return list(people[:SUGGESTED_PEOPLE])


def posts_last_change(*, user: User) -> datetime | None:
    """Return when the person last added, edited or deleted a post; None if they never did."""
    at = last_change_user(user_id=user.pk, private=True)
    if at is None:
        # Posts written around the services (bulk seeding) left no mark: date them by themselves.
        at = Post.objects.filter(user=user).aggregate(at=Max("updated"))["at"]
    return at
