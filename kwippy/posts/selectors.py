"""Reads of posts. Every list a page shows comes from here, with its related rows joined.

The privacy rule lives here and nowhere else: a private post is seen by its owner only. Each
selector takes the `viewer` (None or an anonymous user for visitors) and applies the rule itself.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, FloatField, Max, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from kwippy.accounts.models import Follow, User
from kwippy.posts.models import Link, Post, UserTag, url_hash
from kwippy.posts.normalize import InvalidURL, normalize_url

POPULAR_WINDOW = timedelta(days=30)
SEARCH_MAX_LENGTH = 200


def _listing(queryset: QuerySet[Post]) -> QuerySet[Post]:
    return queryset.select_related("user", "link").order_by("-created", "-id")


def _signed_in(viewer: User | None) -> User | None:
    return viewer if viewer is not None and viewer.is_authenticated else None


def public_recent_posts() -> QuerySet[Post]:
    """Return everyone's public posts, newest first."""
    return _listing(Post.objects.filter(is_private=False))


def network_posts(*, user: User) -> QuerySet[Post]:
    """Return a person's own posts (private too) and the public posts of the people they follow."""
    followed = Follow.objects.filter(follower=user).values("followee")
    return _listing(Post.objects.filter(Q(user=user) | Q(user__in=followed, is_private=False)))


def followed_public_posts(*, user: User) -> QuerySet[Post]:
    """Return the public posts of the people a person follows (not their own), newest first."""
    followed = Follow.objects.filter(follower=user).values("followee")
    return _listing(Post.objects.filter(user__in=followed, is_private=False))


def to_read_posts(*, user: User) -> QuerySet[Post]:
    """Return a person's own posts marked to read (private ones too), newest first."""
    return _listing(Post.objects.filter(user=user, to_read=True))


def user_posts(*, owner: User, viewer: User | None, tags: list[str] | None = None):
    """Return a person's posts as `viewer` may see them (private ones for the owner only)."""
    queryset = Post.objects.filter(user=owner)
    if _signed_in(viewer) is None or viewer.pk != owner.pk:
        queryset = queryset.filter(is_private=False)
    if tags:
        queryset = queryset.filter(tags__contains=tags)
    return _listing(queryset)


def tag_posts(*, tags: list[str]) -> QuerySet[Post]:
    """Return everyone's public posts carrying every one of `tags`, newest first."""
    return _listing(Post.objects.filter(is_private=False, tags__contains=tags))


def link_public_posts(*, link: Link) -> QuerySet[Post]:
    """Return everyone's public saves of a link, newest first."""
    return _listing(Post.objects.filter(link=link, is_private=False))


def link_post_of(*, link: Link, user: User | None) -> Post | None:
    """Return the viewer's own save of a link (private or not), if they have one."""
    if _signed_in(user) is None:
        return None
    return Post.objects.select_related("user", "link").filter(link=link, user=user).first()


def user_post_for_url(*, user: User, url: str) -> Post | None:
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


def link_for_viewer(*, link_id: int, viewer: User | None) -> Link | None:
    """Return a link someone saved publicly, or one the viewer saved; None otherwise.

    A link only saved privately by others does not exist for the viewer: even its address would
    tell something about a private post.
    """
    link = Link.objects.filter(pk=link_id).first()
    if link is None:
        return None
    if link.public_saves > 0:
        return link
    if _signed_in(viewer) is not None and Post.objects.filter(link=link, user=viewer).exists():
        return link
    return None


def search_posts(*, text: str, viewer: User | None) -> QuerySet[Post]:
    """Return the posts matching a web-search style query, best first, as `viewer` may see them.

    Visitors find public posts; a signed-in person also finds their own private ones.
    """
    query = SearchQuery(text[:SEARCH_MAX_LENGTH], search_type="websearch", config="english")
    visible = Q(is_private=False)
    if _signed_in(viewer) is not None:
        visible |= Q(user=viewer)
    # The rank is cast to double precision so that it round-trips exactly through a cursor.
    return (
        Post.objects.filter(visible, search_vector=query)
        .select_related("user", "link")
        .annotate(rank=Cast(SearchRank(F("search_vector"), query), FloatField()))
        .order_by("-rank", "-id")
    )


@dataclass(frozen=True)
class PopularLink:
    link: Link
    saves: int
    post: Post

    @property
    def cursor(self) -> str:
        return f"{self.saves}_{self.link.pk}"


def popular_links(*, after: tuple[int, int] | None, size: int) -> tuple[list[PopularLink], bool]:
    """Return the links most people saved publicly in the last 30 days, most saved first.

    Each comes with its newest public save, to show like any post. `after` is the (saves, link
    id) of the last link already shown. The second value says whether more follow.
    """
    since = timezone.now() - POPULAR_WINDOW
    ranking = (
        Post.objects.filter(is_private=False, created__gte=since)
        .values("link_id")
        .annotate(saves=Count("id"), latest=Max("created"))
    )
    if after is not None:
        saves, link_id = after
        ranking = ranking.filter(Q(saves__lt=saves) | Q(saves=saves, link_id__lt=link_id))
    rows = list(ranking.order_by("-saves", "-link_id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    link_ids = [row["link_id"] for row in rows]
    newest = {
        post.link_id: post
        for post in Post.objects.filter(link_id__in=link_ids, is_private=False)
        .select_related("user", "link")
        .order_by("link_id", "-created", "-id")
        .distinct("link_id")
    }
    found = [(row, newest.get(row["link_id"])) for row in rows]
    return [
        PopularLink(link=post.link, saves=row["saves"], post=post) for row, post in found if post
    ], more


def tag_cloud(*, owner: User, viewer: User | None, limit: int = 100) -> list[tuple[str, int]]:
    """Return a person's most used tags and counts by name (others see public counts only)."""
    mine = _signed_in(viewer) is not None and viewer.pk == owner.pk
    field = "count" if mine else "public_count"
    rows = (
        UserTag.objects.filter(user=owner, **{f"{field}__gt": 0})
        .order_by(f"-{field}", "name")
        .values_list("name", field)[:limit]
    )
    return sorted(rows)


def follow_counts(*, user: User) -> tuple[int, int]:
    """Return how many people follow `user`, and how many they follow."""
    followers = Follow.objects.filter(followee=user).count()
    following = Follow.objects.filter(follower=user).count()
    return followers, following


def is_following(*, follower: User | None, followee: User) -> bool:
    """Return whether `follower` follows `followee` (False for visitors)."""
    if _signed_in(follower) is None:
        return False
    return Follow.objects.filter(follower=follower, followee=followee).exists()
