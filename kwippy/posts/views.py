"""Pages of posts: timelines, popular, tags, people's pages, links, search, add, edit, delete."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.forms import HiddenInput
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kwippy.accounts.models import User
from kwippy.accounts.selectors import (
    person_get_for_page,
    users_directory,
    users_followed_by,
    users_following,
)
from kwippy.core.methods import post_only
from kwippy.core.responses import bad_request, safe_next
from kwippy.posts import access, fragments, selectors, services, timeline
from kwippy.posts.forms import (
    BulkEditForm,
    PostAddForm,
    PostEditForm,
    SearchForm,
    TagDeleteForm,
    TagRenameForm,
)
from kwippy.posts.normalize import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    InvalidURL,
)
from kwippy.posts.pagination import (
    BY_TITLE,
    FOLLOWED_SINCE,
    JOINED,
    MOST_FOLLOWED,
    NEWEST,
    OLDEST,
    BadCursor,
    page_size,
    paginate_keyset,
    paginate_ranked,
    paginate_recent,
    parse_popular_cursor,
)
from kwippy.posts.tags import MAX_TAGS, TooManyTags, normalize_tag


def _cursor(request) -> str | None:
    return request.GET.get("before") or None


def _recent_page(request, queryset):
    return paginate_recent(queryset, cursor=_cursor(request), size=page_size())


def home(request):
    """Show the network timeline to a signed-in person, everyone's public posts otherwise."""
    try:
        if request.user.is_authenticated:
            post_list = timeline.network_list_html(
                request=request, user=request.user, cursor=_cursor(request), size=page_size()
            )
            return render(request, "posts/home.html", {"post_list": post_list})
        page = _recent_page(request, selectors.posts_first_saves())
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    return render(request, "posts/home.html", {"page": page, "per_link": True})


def popular(request):
    """Show the links most people saved publicly lately."""
    cursor = _cursor(request)
    try:
        after = parse_popular_cursor(cursor) if cursor else None
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    rows, more = selectors.links_popular(after=after, size=page_size())
    return render(
        request,
        "posts/popular.html",
        {
            "posts": [row.post for row in rows],
            "next_cursor": rows[-1].cursor if more and rows else None,
            "first": not after,
        },
    )


def tag_page(request, tags: list[str]):
    """Show everyone's public posts carrying every tag in the path (`a+b`: both)."""
    if not tags:
        raise Http404("No such tag.")
    try:
        page = _recent_page(request, selectors.posts_first_saves(tags=tags))
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    related = selectors.tags_related(tags=tags)
    context = {
        "page": page,
        "tags": tags,
        "per_link": True,
        "related": related,
        "feed_title": "Bookmarks tagged " + " + ".join(tags),
    }
    return render(request, "posts/tag.html", context)


def link_page(request, public_id: str):
    """Show everyone's public saves of one link, with a button to save it too."""
    link = selectors.link_get_for_viewer(public_id=public_id, viewer=request.user)
    if link is None:
        raise Http404("No such link.")
    try:
        page = _recent_page(request, selectors.posts_of_link(link=link))
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    mine = selectors.post_get_by_link(link=link, user=request.user)
    title = mine.title if mine else (page.items[0].title if page.items else link.url)
    return render(
        request,
        "posts/link.html",
        {
            "link": link,
            "page": page,
            "mine": mine,
            "copy_kept": mine is not None and selectors.link_copy_kept(link=link),
            "title": title,
            "save_url": f"{reverse('post_add')}?{urlencode({'url': link.url, 'title': title})}",
        },
    )


def search(request):
    """Search posts' words and their pages' text: everyone's, one's network's or one's own."""
    form = SearchForm(request.GET, signed_in=request.user.is_authenticated)
    text, scope = "", selectors.SearchScope.EVERYONE
    if form.is_valid():
        text = form.cleaned_data["q"]
        scope = form.cleaned_data.get("scope", selectors.SearchScope.EVERYONE)
    page = None
    if text:
        queryset = selectors.posts_search(text=text, viewer=request.user, scope=scope)
        try:
            page = paginate_ranked(
                queryset,
                cursor=_cursor(request),
                size=page_size(),
                load=lambda ids: selectors.posts_by_ids(ids=ids),
                keep=("matched_in_page_only",),
            )
        except BadCursor:
            return bad_request(request, "That page address is not valid.")
    per_link = scope == selectors.SearchScope.EVERYONE
    context = {"form": form, "q": text, "page": page, "per_link": per_link}
    return render(request, "posts/search.html", context)


def _prefill(request) -> dict[str, str]:
    limits = {"url": URL_MAX_LENGTH, "title": TITLE_MAX_LENGTH}
    limits["description"] = DESCRIPTION_MAX_LENGTH
    return {name: request.GET.get(name, "")[:limit] for name, limit in limits.items()}


def _suggestions(request, url: str) -> list[str]:
    return selectors.tags_suggested(user=request.user, url=url)


@login_required
@require_http_methods(["GET", "POST"])
def post_add(request):
    """Save a new bookmark; with ?url=&title=&description= it is the bookmarklet's pop-up."""
    popup = request.GET.get("popup") == "1" or request.POST.get("popup") == "1"
    template = "posts/add_popup.html" if popup else "posts/add.html"
    if request.method == "POST":
        form = PostAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                post = services.post_create(
                    user=request.user,
                    url=data["url"],
                    title=data["title"],
                    description=data["description"],
                    tags=data["tags"],
                    is_private=data["is_private"],
                    to_read=data["to_read"],
                )
            except services.PostExists as exists:
                form.add_error(
                    "url", "You have saved this link already: edit that bookmark instead."
                )
                context = {"form": form, "popup": popup, "existing": exists.post}
                context["tag_suggestions"] = _suggestions(request, exists.post.link.url)
                return render(request, template, context, status=422)
            if popup:
                return render(request, "posts/saved_popup.html", {"post": post, "popup": True})
            messages.success(request, "Saved.")
            return redirect("profile", username=request.user.username)
        context = {"form": form, "popup": popup}
        context["tag_suggestions"] = _suggestions(request, request.POST.get("url", ""))
        return render(request, template, context, status=422)
    initial = _prefill(request)
    existing = None
    if initial["url"]:
        existing = selectors.post_get_by_url(user=request.user, url=initial["url"])
    if popup and existing:
        return _popup_edit_page(
            request, form=PostEditForm(initial=_edit_initial(existing)), post=existing
        )
    form = PostAddForm(initial=initial)
    context = {"form": form, "popup": popup, "existing": existing}
    context["tag_suggestions"] = _suggestions(request, initial["url"])
    return render(request, template, context)


def _edit_initial(post) -> dict:
    return {
        "url": post.link.url,
        "title": post.title,
        "description": post.description,
        "tags": " ".join(post.tags),
        "is_private": post.is_private,
        "to_read": post.to_read,
    }


def _popup_edit_page(request, *, form: PostEditForm, post, status: int = 200):
    # The bookmarklet on a page saved already: that bookmark's values to change, its address kept.
    form.fields["url"].widget = HiddenInput()
    context = {"form": form, "post": post, "popup": True}
    context["tag_suggestions"] = _suggestions(request, post.link.url)
    return render(request, "posts/add_popup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, post_id: int):
    """Change one of your bookmarks, and go back to the list it was on (`next`, a local path);
    with ?popup=1, in the bookmarklet's pop-up."""
    post = access.post_for_write(user=request.user, post_id=post_id)
    popup = request.GET.get("popup") == "1"
    fallback = reverse("profile", kwargs={"username": request.user.username})
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            moved = {"url": data["url"]} if data["url"] else {}
            try:
                services.post_update(
                    post=post,
                    title=data["title"] or data["url"] or post.link.url,
                    description=data["description"],
                    tags=data["tags"],
                    is_private=data["is_private"],
                    to_read=data["to_read"],
                    **moved,
                )
            except services.PostExists as exists:
                form.add_error("url", "You have saved this address in another bookmark.")
                context = {"form": form, "post": post, "next": safe_next(request, "")}
                context["existing"] = exists.post
                context["tag_suggestions"] = _suggestions(request, post.link.url)
                return render(request, "posts/edit.html", context, status=422)
            if popup:
                return render(request, "posts/saved_popup.html", {"post": post, "updated": True})
            messages.success(request, "Bookmark updated.")
            return redirect(safe_next(request, fallback))
        status = 422
    else:
        form = PostEditForm(initial=_edit_initial(post))
        status = 200
    if popup:
        return _popup_edit_page(request, form=form, post=post, status=status)
    context = {"form": form, "post": post, "next": safe_next(request, "")}
    context["tag_suggestions"] = _suggestions(request, post.link.url)
    if not post.description:
        # Offered, never filled in: the note is the person's own words.
        offer = selectors.link_page_description(link=post.link)
        context["page_description"] = offer[:DESCRIPTION_MAX_LENGTH]
    return render(request, "posts/edit.html", context, status=status)


def _offer_to_owner(label: str):
    # The 405 page's button, for the bookmark's owner only: anyone else could not press it.
    def offer(request, post_id: int) -> str | None:
        try:
            access.post_for_write(user=request.user, post_id=post_id)
        except Http404:
            return None
        return label

    return offer


@login_required
@post_only(_offer_to_owner("Delete this bookmark"))
def post_delete(request, post_id: int):
    """Delete one of your bookmarks, and go back to the list it was on."""
    post = access.post_for_write(user=request.user, post_id=post_id)
    services.post_delete(post=post)
    messages.success(request, "Bookmark deleted.")
    return redirect(safe_next(request, reverse("profile", args=[request.user.username])))


@login_required
@post_only(_offer_to_owner("Mark read"))
def post_mark_read(request, post_id: int):
    """Take one of your bookmarks off your reading list, and go back to the list it was on."""
    post = access.post_for_write(user=request.user, post_id=post_id)
    services.post_update(post=post, to_read=False)
    messages.success(request, f"Marked “{post.title}” read.")
    return redirect(safe_next(request, reverse("profile_to_read", args=[request.user.username])))


@login_required
@post_only()
def posts_bulk(request):
    """Change the bookmarks ticked on your own list at once, after a confirmation."""
    mine = selectors.posts_of_user(owner=request.user, viewer=request.user)
    form = BulkEditForm(request.POST, posts=mine)
    back = safe_next(request, reverse("profile", kwargs={"username": request.user.username}))
    if not form.is_valid():
        context = {"form": form, "next": back}
        return render(request, "posts/bulk_confirm.html", context, status=422)
    posts = form.cleaned_data["posts"]
    if not form.cleaned_data["confirm"]:
        action = dict(form.fields["action"].choices)[form.cleaned_data["action"]]
        context = {"form": form, "posts": posts, "next": back, "action_label": action}
        return render(request, "posts/bulk_confirm.html", context)
    ids = [post.pk for post in posts]
    try:
        changed = services.posts_bulk_edit(user=request.user, post_ids=ids, **form.change())
    except TooManyTags:
        form.add_error("tags", f"A bookmark can have at most {MAX_TAGS} tags.")
        context = {"form": form, "posts": posts, "next": back}
        return render(request, "posts/bulk_confirm.html", context, status=422)
    messages.success(request, f"Changed {changed} bookmark{pluralize(changed)}.")
    return redirect(back)


# A person's page --------------------------------------------------------------------------------


def _person(request, username: str) -> User:
    # With what the top of their pages shows (their change stamps and follow counts), at once.
    person = person_get_for_page(username=username, viewer=request.user)
    if person is None:
        raise Http404("No such person.")
    return person


# How a person's list can be sorted: ?sort=… names one, and the pager keeps it.
PERSON_SORTS = {"newest": NEWEST, "oldest": OLDEST, "title": BY_TITLE}
SORT_LABELS = [("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "By title")]


# The filters of a person's own list, as the links above it name them.
OWN_FILTER_LABELS = [
    ("", "All"),
    ("toread", "To read"),
    ("untagged", "Untagged"),
    ("private", "Private"),
]
EMPTY_FILTERED = {
    "": "Nothing saved here yet.",
    "toread": "Nothing to read: every bookmark is read.",
    "untagged": "Every bookmark has a tag.",
    "private": "No private bookmarks.",
}


def _without_select(request) -> str:
    # After a bulk change the list comes back as it was, nothing ticked.
    params = request.GET.copy()
    params.pop("select", None)
    return request.path + (f"?{params.urlencode()}" if params else "")


def _person_page(request, owner: User, tags: list[str], *, reading_list: bool = False):
    sort = request.GET.get("sort", "")
    if sort not in PERSON_SORTS:
        sort = "newest"
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    only = "toread" if reading_list else request.GET.get("filter", "")
    if not is_owner or only not in selectors.OWN_FILTERS:
        only = ""

    def posts_and_tags() -> dict:
        posts = selectors.posts_of_user(owner=owner, viewer=request.user, tags=tags, only=only)
        if is_owner:
            posts = selectors.posts_with_health(posts)
        if sort == "title":
            posts = posts.annotate(title_key=Lower("title"))
        page = paginate_keyset(
            posts, order=PERSON_SORTS[sort], cursor=_cursor(request), size=page_size()
        )
        if tags:
            # On a tag page the sidebar narrows: the tags found with these, within this person.
            cloud = selectors.tags_related(tags=tags, owner=owner, viewer=request.user)
        else:
            cloud = selectors.tag_cloud(owner=owner, viewer=request.user)
        return {
            "owner": owner,
            "page": page,
            "tags": tags,
            "sort": sort,
            "sorts": SORT_LABELS,
            "sort_next_label": "Older" if sort == "newest" else "Next",
            "sort_first_label": "Newest" if sort == "newest" else "First page",
            "cloud": cloud,
            "is_owner": is_owner,
            "only": only,
            "filters": OWN_FILTER_LABELS if is_owner else [],
            "reading_list": reading_list,
            "bulk_actions": BulkEditForm.base_fields["action"].choices,
            "select_all": is_owner and request.GET.get("select") == "all",
            "bulk_next": _without_select(request),
            "empty_text": EMPTY_FILTERED[only],
        }

    stamp = selectors.person_change_stamp(owner=owner, viewer=request.user)
    try:
        body = fragments.person_fragment(
            request=request,
            owner=owner,
            stamp=stamp,
            template="posts/_person.html",
            context=posts_and_tags,
        )
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    context = {
        "owner": owner,
        "body": body,
        "tags": tags,
        "bookmarks": selectors.posts_count_of_user(owner=owner, viewer=request.user, stamp=stamp),
        "followers": owner.followers_total,
        "following": owner.following_total,
        "is_following": owner.followed_by_viewer,
        "is_owner": is_owner,
        "reading_list": reading_list,
    }
    if is_owner:
        context["broken"] = selectors.posts_broken_count(owner=owner, stamp=stamp)
    return render(request, "posts/profile.html", context)


def profile(request, username: str):
    """Show a person's posts (their private ones too, to them), tag cloud and follows."""
    return _person_page(request, _person(request, username), [])


def _own_person(request, username: str) -> User:
    # A list only its owner sees: to anyone else it does not exist.
    owner = _person(request, username)
    if not (request.user.is_authenticated and request.user.pk == owner.pk):
        raise Http404("No such page.")
    return owner


def profile_to_read(request, username: str):
    """Show a person's own reading list: their posts marked to read. Nobody else's."""
    return _person_page(request, _own_person(request, username), [], reading_list=True)


def _broken_list_path(request) -> str:
    # Where the list's buttons come back to: this page of it, even from the POST of one of them.
    return reverse("profile_broken", args=[request.user.username]) + (
        f"?{request.GET.urlencode()}" if request.GET else ""
    )


def _broken_page(request, owner: User, *, existing=None, status: int = 200):
    try:
        page = _recent_page(request, selectors.posts_broken(owner=owner))
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    context = {"owner": owner, "page": page, "existing": existing}
    context["here"] = _broken_list_path(request)
    return render(request, "posts/broken.html", context, status=status)


def profile_broken(request, username: str):
    """Show a person's own posts whose links are gone, moved or failing. Nobody else's."""
    return _broken_page(request, _own_person(request, username))


@login_required
@post_only(_offer_to_owner("Use the new address"))
def post_use_new_address(request, post_id: int):
    """Change one of your bookmarks to the address its page moved to, and go back to the list of
    broken links (or the list it was on)."""
    post = access.post_for_write(user=request.user, post_id=post_id)
    back = safe_next(request, reverse("profile_broken", args=[request.user.username]))
    moved_to = selectors.link_moved_to(link=post.link)
    if not moved_to:
        messages.error(request, f"“{post.title}” has no new address to use.")
        return redirect(back)
    try:
        services.post_update(post=post, url=moved_to)
    except services.PostExists as exists:
        return _broken_page(request, request.user, existing=exists.post, status=422)
    except InvalidURL:
        messages.error(request, f"The new address of “{post.title}” is not one kwippy can save.")
        return redirect(back)
    messages.success(request, f"“{post.title}” now links to {post.link.url}.")
    return redirect(back)


def profile_tag(request, username: str, tags: list[str]):
    """Show a person's posts carrying every tag in the path, and the tags found with them."""
    owner = _person(request, username)
    if not tags:
        return redirect("profile", username=owner.username)
    return _person_page(request, owner, tags)


# Tags a page of someone's all-tags list shows: a page that grew with every tag served people
# with thousands of them ever slower (3,018 tags made 677 kB).
TAGS_PAGE_SIZE = 1000


def profile_tags(request, username: str):
    """List every tag of a person with its count, by name or most used first (?sort=count)."""
    owner = _person(request, username)
    by_count = request.GET.get("sort") == "count"
    manage_url = ""
    if request.user.is_authenticated and request.user.pk == owner.pk:
        manage_url = reverse("tag_manage")

    def tags() -> dict:
        rows = selectors.tags_of_user(owner=owner, viewer=request.user, by_count=by_count)
        page = Paginator(rows, TAGS_PAGE_SIZE).get_page(request.GET.get("page"))
        return {
            "owner": owner,
            "rows": list(page.object_list),
            "page": page,
            "manage_url": manage_url,
        }

    body = fragments.person_fragment(
        request=request,
        owner=owner,
        stamp=selectors.person_change_stamp(owner=owner, viewer=request.user),
        template="posts/_tag_table.html",
        context=tags,
    )
    context = {"owner": owner, "body": body, "by_count": by_count}
    return render(request, "posts/tags.html", context)


def _own_tag(request) -> tuple[str, int]:
    name = normalize_tag(request.GET.get("tag", ""))
    count = selectors.tag_count_of_owner(owner=request.user, name=name) if name else 0
    if not count:
        raise Http404("No such tag.")
    return name, count


@login_required
@require_http_methods(["GET", "POST"])
def tag_manage(request):
    """Rename, merge or delete one of your tags (?tag=…): the forms, a confirmation, the change.

    Without a tag it sends the person to their all-tags page, where each tag offers this page."""
    if "tag" not in request.GET:
        return redirect("profile_tags", username=request.user.username)
    tag, count = _own_tag(request)
    chosen = request.POST.get("do")
    rename = TagRenameForm(request.POST if chosen == "rename" else None, initial={"new": tag})
    delete = TagDeleteForm(request.POST if chosen == "delete" else None)
    context = {"tag": tag, "count": count, "rename": rename, "delete": delete}
    done = reverse("profile_tags", kwargs={"username": request.user.username})
    if rename.is_valid():
        new = rename.cleaned_data["new"]
        new_count = selectors.tag_count_of_owner(owner=request.user, name=new)
        if new == tag:
            rename.add_error("new", "That is the tag's name already.")
        elif rename.cleaned_data["confirm"]:
            changed = services.tag_rename(user=request.user, old=tag, new=new)
            verb = "Merged" if new_count else "Renamed"
            messages.success(
                request, f"{verb} “{tag}” into “{new}” on {changed} bookmark{pluralize(changed)}."
            )
            return redirect(done)
        else:
            context.update(confirm="rename", new=new, new_count=new_count)
    elif delete.is_valid():
        if delete.cleaned_data["confirm"]:
            changed = services.tag_delete(user=request.user, tag=tag)
            messages.success(request, f"Took “{tag}” off {changed} bookmark{pluralize(changed)}.")
            return redirect(done)
        context["confirm"] = "delete"
    status = 422 if rename.errors else 200
    return render(request, "posts/tag_manage.html", context, status=status)


# People -----------------------------------------------------------------------------------------

PEOPLE_SORTS = {"newest": JOINED, "followed": MOST_FOLLOWED}


def people(request):
    """List everyone who has an account, the newest or the most followed first."""
    sort = "followed" if request.GET.get("sort") == "followed" else "newest"
    return _people_page(
        request,
        people=users_directory(),
        order=PEOPLE_SORTS[sort],
        context={"sort": sort, "heading": "People"},
    )


def followers(request, username: str):
    """List the people who follow a person, the newest followers first."""
    owner = _person(request, username)
    context = {"owner": owner, "heading": f"People following {owner.shown_name}"}
    people = users_following(user=owner)
    return _people_page(request, people=people, order=FOLLOWED_SINCE, context=context)


def following(request, username: str):
    """List the people a person follows, the most recently followed first."""
    owner = _person(request, username)
    context = {"owner": owner, "heading": f"People {owner.shown_name} follows"}
    people = users_followed_by(user=owner)
    return _people_page(request, people=people, order=FOLLOWED_SINCE, context=context)


def _people_page(request, *, people, order, context):
    try:
        page = paginate_keyset(people, order=order, cursor=_cursor(request), size=page_size())
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    return render(request, "posts/people.html", {**context, "page": page})
