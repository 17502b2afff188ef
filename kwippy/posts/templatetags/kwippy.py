"""Template tags and filters for lists of posts: pages of more posts, ages, tag clouds."""

from urllib.parse import quote

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from kwippy.core.urls import reverse_remembered
from kwippy.posts.ages import age_at
from kwippy.posts.rows import RowOptions, health_note, post_rows_html

register = template.Library()


@register.simple_tag
def tag_rows(username: str, rows: list[tuple[str, int]], manage_url: str = "") -> SafeString:
    """Return the rows of a person's all-tags list, each tag linked with its count (and, for its
    owner, a link to rename or delete it). Written here, not by a template loop: some people
    have thousands of tags, and a loop costs about a hundred times more a row."""
    manage = (
        ' <a class="action" href="{3}?tag={4}" aria-label="Rename or delete “{1}”">'
        "Rename or delete</a>"
        if manage_url
        else ""
    )
    return format_html_join(
        "",
        '<li><a class="tag" href="{0}">{1}</a> <span class="count">{2}</span>' + manage + "</li>",
        (
            (
                reverse_remembered("profile_tag", username, name),
                name,
                count,
                manage_url,
                quote(name, safe=""),
            )
            for name, count in rows
        ),
    )


@register.simple_tag(takes_context=True)
def post_rows(context, posts) -> SafeString:
    """Return the rows of `posts` as the list around them asks (kwippy.posts.rows)."""
    request, user = context["request"], context["user"]
    viewer_id = user.pk if user.is_authenticated else None
    tag_owner = context.get("tag_owner")
    options = RowOptions(
        viewer_id=viewer_id,
        tag_owner=tag_owner.username if tag_owner else None,
        per_link=bool(context.get("per_link")),
        is_owner=bool(context.get("is_owner")),
        select_all=bool(context.get("select_all")),
        here=request.get_full_path() if viewer_id is not None else "",
        csrf_token=context.get("csrf_token", ""),
    )
    return post_rows_html(posts, options=options)


@register.simple_tag
def cloud_items(cloud: list[tuple[str, int]], tags: list[str], owner: str = "") -> SafeString:
    """Return a tag cloud's items, each tag sized by its count (steps 1 to 5) and linked to the
    tags in `tags` narrowed by it: everyone's, or `owner`'s. Written here, not by a template
    loop, for the same reason as `tag_rows`: a cloud holds up to a hundred tags."""
    top = max((count for _, count in cloud), default=0)

    def size(count: int) -> int:
        return 3 if top <= 1 else 1 + round(4 * (count - 1) / (top - 1))

    def href(name: str) -> str:
        narrowed = tags if name in tags else [*tags, name]
        if owner:
            return reverse_remembered("profile_tag", owner, narrowed)
        return reverse_remembered("tag", narrowed)

    return format_html_join(
        "",
        '<li><a class="size-{}" href="{}">{}<span class="count"> {}</span></a></li>',
        ((size(count), href(name), name, count) for name, count in cloud),
    )


def _this_page(context, *, drop: tuple[str, ...] = (), **values: str) -> str:
    """Return the current page's address without the parameters in `drop` and with `values`
    set, its other parameters kept."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    for name, value in values.items():
        params[name] = value
    query = params.urlencode()
    return escape_uri_path(request.path) + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def page_url(context, cursor: str) -> str:
    """Return the current page's address with `before` set to `cursor`."""
    return _this_page(context, before=cursor)


@register.simple_tag(takes_context=True)
def first_page_url(context) -> str:
    """Return the current page's address without `before`: its first page."""
    return _this_page(context, drop=("before",))


@register.simple_tag(takes_context=True)
def sorted_url(context, sort: str) -> str:
    """Return the current page's first page sorted by `sort`."""
    return _this_page(context, drop=("before",), sort=sort)


@register.simple_tag(takes_context=True)
def numbered_page_url(context, number: int) -> str:
    """Return the current page's address at page `number` of a numbered list (the first: none)."""
    return _this_page(context, drop=("page",), **({"page": str(number)} if number > 1 else {}))


@register.simple_tag(takes_context=True)
def filtered_url(context, only: str) -> str:
    """Return the current page's first page narrowed by the filter `only` ("" for none)."""
    return _this_page(context, drop=("before", "filter"), **({"filter": only} if only else {}))


@register.simple_tag(takes_context=True)
def select_all_url(context) -> str:
    """Return the current page with every bookmark ticked: "select all" without JavaScript."""
    return _this_page(context, select="all")


@register.filter
def age(moment) -> str:
    """Return how long ago `moment` was, in its largest unit ("3 days ago", "just now")."""
    return age_at(moment, timezone.now())


@register.filter
def tags_without(tags: list[str], tag: str) -> list[str]:
    """Return `tags` less `tag`."""
    return [name for name in tags if name != tag]


register.filter("health_note", health_note)
