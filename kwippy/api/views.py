"""Pinboard's v1 methods under /api/v1/: read the arguments, call a selector or a service, answer.

One view answers every path, with or without a trailing slash, so that Django never redirects a
client (CommonMiddleware only appends a slash to paths that match nothing). Every failure is an
ApiError, answered in Pinboard's shape with its status.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import parse_qsl

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from kwippy.api import params, render, selectors
from kwippy.api.auth import api_caller
from kwippy.api.errors import ApiError
from kwippy.api.origin import sent_for_another_site
from kwippy.api.render import Format
from kwippy.api.services import API_TOKEN_NAME, FEED_SECRET_NAME, app_password_derived_secret
from kwippy.auth.credentials import Authenticated
from kwippy.auth.services import AppPasswordError
from kwippy.posts import selectors as post_selectors
from kwippy.posts import services as post_services
from kwippy.posts.normalize import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH

RECENT_DEFAULT = 15
RECENT_MAX = 100
# Pinboard's note ids are 20 hexadecimal characters; anything of the kind is a note's address.
NOTE_PATH = re.compile(r"notes/[0-9A-Za-z]{1,64}")
POSTS_ALL_ARGUMENTS = frozenset(
    ("auth_token", "format", "tag", "start", "results", "fromdt", "todt", "meta", "toread")
)


@dataclass(frozen=True)
class Call:
    caller: Authenticated
    params: QueryDict
    fmt: Format

    @property
    def user(self):
        return self.caller.user


METHODS: dict[str, Callable[[Call], HttpResponseBase]] = {}
# The methods that change something: refused when a browser sends them for another site.
WRITES: set[str] = set()


def _method(name: str, *, writes: bool = False):
    def register(handler):
        METHODS[name] = handler
        if writes:
            WRITES.add(name)
        return handler

    return register


def _answer(response: HttpResponseBase) -> HttpResponseBase:
    # Answers are one person's: no cache may keep them, whether the credentials travel in the
    # Authorization header or in the query string.
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Authorization"])
    return response


def _refusal(fmt: Format, error: ApiError) -> HttpResponse:
    response = render.result_code(fmt, error.code, status=error.status)
    for header, value in error.headers.items():
        response[header] = value
    return response


def _arguments(request: HttpRequest) -> QueryDict:
    """Return the query string's arguments and a POST's form fields together."""
    try:
        arguments = request.GET.copy()
        if request.method == "POST":
            arguments.update(request.POST)
    except MultiPartParserError:
        raise ApiError("bad request body") from None
    except RequestDataTooBig:
        raise ApiError("request too large", status=413) from None
    except (TooManyFieldsSent, TooManyFilesSent):
        raise ApiError("too many arguments") from None
    return arguments


def _format_of_unread(request: HttpRequest) -> Format:
    # The arguments could not be read as a whole; the query string alone still names the format
    # (gunicorn bounds its length, so reading it again is cheap).
    return render.format_of(dict(parse_qsl(request.META.get("QUERY_STRING", "")))) or Format.XML


def _handler(method: str) -> tuple[str, Callable[[Call], HttpResponseBase] | None]:
    name = method.removesuffix("/")
    if name not in METHODS and NOTE_PATH.fullmatch(name):
        return name, notes_get
    return name, METHODS.get(name)


# Clients POST without a CSRF token, and with no cookie ever honoured (see auth.py) a forged
# request carries no session for CSRF protection to stop. It may carry Basic credentials a
# browser kept, which is what the cross-site check below refuses.
@csrf_exempt
def api(request: HttpRequest, method: str) -> HttpResponseBase:
    """Answer one API method in XML, or in JSON with format=json."""
    try:
        arguments = _arguments(request)
    except ApiError as error:
        return _answer(_refusal(_format_of_unread(request), error))
    fmt = render.format_of(arguments)
    if fmt is None:
        return _answer(_refusal(Format.XML, ApiError("bad format")))
    name, handler = _handler(method)
    if handler is None:
        return _answer(_refusal(fmt, ApiError("unknown method", status=404)))
    if request.method not in ("GET", "POST"):
        refusal = ApiError("method not allowed", status=405, headers={"Allow": "GET, POST"})
        return _answer(_refusal(fmt, refusal))
    if name in WRITES and sent_for_another_site(request):
        return _answer(_refusal(fmt, ApiError("cross-site request refused", status=403)))
    try:
        response = handler(Call(api_caller(request, arguments), arguments, fmt))
    except ApiError as error:
        response = _refusal(fmt, error)
    return _answer(response)


@_method("posts/update")
def posts_update(call: Call) -> HttpResponse:
    """Answer when the person last added, edited or deleted a post."""
    moment = post_selectors.posts_last_change(user=call.user) or call.user.date_joined
    return render.update_time(call.fmt, moment)


@_method("posts/add", writes=True)
def posts_add(call: Call) -> HttpResponse:
    """Save a bookmark; an existing one of the URL is replaced unless replace=no.

    On a replace, an absent `shared` or `toread` keeps the post's setting: a private bookmark
    never turns public because a client left an argument out.
    """
    p = call.params
    url = params.url(p)
    fields = {
        "title": params.required_text(p, "description", max_length=TITLE_MAX_LENGTH),
        "description": params.optional_text(p, "extended", max_length=DESCRIPTION_MAX_LENGTH),
        "tags": params.tags_for_post(p),
    }
    shared = params.yes_no(p, "shared", default=None)
    toread = params.yes_no(p, "toread", default=None)
    created = params.creation_time(p, now=timezone.now())
    replace = params.yes_no(p, "replace", default=True)
    try:
        post_services.post_create(
            user=call.user,
            url=url,
            is_private=shared is False,
            to_read=toread is True,
            created=created,
            **fields,
        )
    except post_services.PostExists as exists:
        if not replace:
            return render.result_code(call.fmt, "item already exists")
        if shared is not None:
            fields["is_private"] = not shared
        if toread is not None:
            fields["to_read"] = toread
        if created is not None:
            fields["created"] = created
        post_services.post_update(post=exists.post, **fields)
    return render.result_code(call.fmt, "done")


@_method("posts/delete", writes=True)
def posts_delete(call: Call) -> HttpResponse:
    """Delete the person's bookmark of a URL."""
    post = post_selectors.post_get_by_url(user=call.user, url=params.url(call.params))
    if post is None:
        return render.result_code(call.fmt, "item not found")
    post_services.post_delete(post=post)
    return render.result_code(call.fmt, "done")


@_method("posts/get")
def posts_get(call: Call) -> HttpResponse:
    """Answer the posts of one day (the newest day with posts, without dt or url)."""
    p = call.params
    tags = params.tag_filter(p)
    day = params.date_arg(p, "dt")
    url = params.url(p, required=False)
    meta = params.yes_no(p, "meta", default=False)
    day, items = selectors.posts_of_day(user=call.user, tags=tags, day=day, url=url)
    if day is not None:
        moment = datetime.combine(day, time.min, tzinfo=UTC)
    else:
        moment = items[0].created if items else timezone.now()
    return render.posts(
        call.fmt, username=call.user.username, moment=moment, items=items, meta=meta
    )


@_method("posts/recent")
def posts_recent(call: Call) -> HttpResponse:
    """Answer the person's newest posts (15, or `count` up to 100)."""
    p = call.params
    tags = params.tag_filter(p)
    count = params.number(p, "count", default=RECENT_DEFAULT, maximum=RECENT_MAX)
    meta = params.yes_no(p, "meta", default=False)
    items = selectors.posts_recent(user=call.user, tags=tags, count=count)
    moment = items[0].created if items else timezone.now()
    return render.posts(
        call.fmt, username=call.user.username, moment=moment, items=items, meta=meta
    )


@_method("posts/dates")
def posts_dates(call: Call) -> HttpResponse:
    """Answer each day the person saved posts on, with how many."""
    tags = params.tag_filter(call.params)
    counts = selectors.post_dates(user=call.user, tags=tags)
    return render.dates(call.fmt, username=call.user.username, tags=tags, counts=counts)


@_method("posts/all")
def posts_all(call: Call) -> HttpResponseBase:
    """Answer all the person's posts, or those a filter selects (tag, toread, fromdt, todt), or a
    window of them (start, results). Any other argument, or one given twice, is refused."""
    p = call.params
    params.only_arguments(p, POSTS_ALL_ARGUMENTS)
    items = selectors.posts_all(
        user=call.user,
        tags=params.tag_filter(p),
        start=params.number(p, "start", default=0),
        results=params.number(p, "results", default=None),
        since=params.datetime_arg(p, "fromdt"),
        until=params.datetime_arg(p, "todt"),
        to_read=params.yes_no(p, "toread", default=None),
    )
    meta = params.yes_no(p, "meta", default=False)
    return render.all_posts(call.fmt, username=call.user.username, items=items, meta=meta)


@_method("posts/suggest")
def posts_suggest(call: Call) -> HttpResponse:
    """Answer tags for a URL: everyone's popular ones, and the person's own."""
    popular, recommended = selectors.tags_suggested(user=call.user, url=params.url(call.params))
    return render.suggestions(call.fmt, popular=popular, recommended=recommended)


@_method("tags/get")
def tags_get(call: Call) -> HttpResponse:
    """Answer each of the person's tags with its count."""
    return render.tag_counts(call.fmt, selectors.tag_counts(user=call.user))


@_method("tags/delete", writes=True)
def tags_delete(call: Call) -> HttpResponse:
    """Take a tag off all the person's posts."""
    post_services.tag_delete(user=call.user, tag=params.one_tag(call.params, "tag"))
    return render.result(call.fmt, "done")


@_method("tags/rename", writes=True)
def tags_rename(call: Call) -> HttpResponse:
    """Rename a tag on all the person's posts, merging it into `new` if they use that already."""
    old = params.one_tag(call.params, "old")
    new = params.one_tag(call.params, "new")
    post_services.tag_rename(user=call.user, old=old, new=new)
    return render.result(call.fmt, "done")


@_method("notes/list")
def notes_list(call: Call) -> HttpResponse:
    """Answer the person's notes: kwippy keeps none, so an empty list in Pinboard's shape."""
    return render.empty_notes(call.fmt)


def notes_get(call: Call) -> HttpResponse:
    """Answer one note (`notes/<id>`): with no notes kept, Pinboard's `item not found`."""
    return render.result_code(call.fmt, "item not found")


def _derived_secret(call: Call, name: str) -> str:
    try:
        return app_password_derived_secret(user=call.user, name=name)
    except AppPasswordError:
        raise ApiError("too many app passwords", status=409) from None


@_method("user/api_token")
def user_api_token(call: Call) -> HttpResponse:
    """Answer the token for auth_token: the app password in use, or the "Pinboard API token"."""
    token = call.caller.app_password or _derived_secret(call, API_TOKEN_NAME)
    return render.result(call.fmt, token)


@_method("user/secret")
def user_secret(call: Call) -> HttpResponse:
    """Answer the app password for private feeds: the "Pinboard feed secret"."""
    return render.result(call.fmt, _derived_secret(call, FEED_SECRET_NAME))
