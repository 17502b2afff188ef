"""Template tags and filters for lists of posts: pages of more posts, ages, tag clouds."""

from urllib.parse import quote

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from kwippy.core.urls import reverse_remembered
from kwippy.posts.ages import age_at
from kwippy.posts.models import LinkHealth

register = template.Library()


@register.simple_tag
def tag_url(viewname: str, *args) -> str:
    """`{% url %}` for the pages of tags (`tag`, `profile_tag`), remembered: lists link many."""
    return reverse_remembered(viewname, *args)


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


@register.simple_tag(takes_context=True)
def sorted_url(context, sort: str) -> str:
    """Return the current page's first page sorted by `sort`, other parameters kept."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    params.pop("before", None)
    params["sort"] = sort
    return f"{escape_uri_path(request.path)}?{params.urlencode()}"


@register.simple_tag(takes_context=True)
def filtered_url(context, only: str) -> str:
    """Return the current page's first page narrowed by the filter `only` ("" for none)."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    params.pop("before", None)
    params.pop("filter", None)
    if only:
        params["filter"] = only
    query = params.urlencode()
    return escape_uri_path(request.path) + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def select_all_url(context) -> str:
    """Return the current page with every bookmark ticked: "select all" without JavaScript."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    params["select"] = "all"
    return f"{escape_uri_path(request.path)}?{params.urlencode()}"


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


@register.filter
def tags_with(tags: list[str], tag: str) -> list[str]:
    """Return `tags` narrowed by `tag` too (`a` with `b` is `a+b`)."""
    return list(tags) if tag in tags else [*tags, tag]


@register.filter
def tags_without(tags: list[str], tag: str) -> list[str]:
    """Return `tags` less `tag`."""
    return [name for name in tags if name != tag]


def _without_scheme(url: str) -> str:
    return url.split("://", 1)[-1].removesuffix("/")


@register.filter
def health_note(page) -> str:
    """Return what a broken link's health means, in words ("moved to example.org/new"); "" for a
    healthy link, or none read yet (`page` is then not a LinkPage)."""
    health = getattr(page, "health", None)
    if health == LinkHealth.GONE:
        answered = f" (it answered {page.status_code})" if page.status_code else ""
        return f"the page is gone{answered}"
    if health == LinkHealth.MOVED:
        return f"moved to {_without_scheme(page.moved_to)}"
    if health == LinkHealth.FAILING:
        since = f" since {date_format(page.failing_since, 'j M Y')}" if page.failing_since else ""
        checks = f" on {page.failures} checks" if page.failures > 1 else ""
        return f"could not be reached{checks}{since}"
    return ""
