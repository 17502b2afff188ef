"""Pages about people: profiles, their tags, following, sign-up, settings."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic.edit import FormView

from kwippy.accounts import services
from kwippy.accounts.forms import ProfileForm, SignupForm
from kwippy.accounts.models import User
from kwippy.accounts.selectors import users_named
from kwippy.auth.forms import PasswordChangeForm, SetPasswordForm
from kwippy.auth.selectors import app_password_list
from kwippy.auth.services import app_password_revoke_all
from kwippy.core.responses import bad_request, safe_next
from kwippy.posts import selectors
from kwippy.posts.pagination import BadCursor, page_size, paginate_recent
from kwippy.posts.tagpaths import parse_tag_segment
from kwippy.posts.templatetags.kwippy import tag_path
from kwippy.sessions.index import session_after_password_change, session_list_for_request


def _person(username: str) -> User:
    return get_object_or_404(users_named(username=username), is_active=True)


def _person_page(request, owner: User, tags: list[str]):
    try:
        page = paginate_recent(
            selectors.user_posts(owner=owner, viewer=request.user, tags=tags),
            cursor=request.GET.get("before") or None,
            size=page_size(),
        )
    except BadCursor:
        return bad_request(request, "That page address is not valid.")
    followers, following = selectors.follow_counts(user=owner)
    cloud = selectors.tag_cloud(owner=owner, viewer=request.user)
    context = {
        "owner": owner,
        "page": page,
        "tags": tags,
        "cloud": cloud,
        "cloud_top": max((count for _, count in cloud), default=0),
        "followers": followers,
        "following": following,
        "is_following": selectors.is_following(follower=request.user, followee=owner),
        "is_owner": request.user.is_authenticated and request.user.pk == owner.pk,
    }
    if tags:
        context["feed_path"] = tag_path(tags, owner.username, prefix="/feeds")
    return render(request, "accounts/profile.html", context)


def profile(request, username: str):
    """Show a person's posts (their private ones too, to them), tag cloud and follows."""
    return _person_page(request, _person(username), [])


def profile_tag(request, username: str, tags: str):
    """Show a person's posts carrying every tag in the path."""
    owner = _person(username)
    tag_list = parse_tag_segment(tags)
    if not tag_list:
        return redirect("profile", username=owner.username)
    return _person_page(request, owner, tag_list)


@login_required
@require_POST
def follow(request, username: str):
    """Follow a person."""
    followee = _person(username)
    try:
        services.follow_create(follower=request.user, followee=followee)
    except services.CannotFollowSelf as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You now follow {followee.shown_name}.")
    return redirect("profile", username=followee.username)


@login_required
@require_POST
def unfollow(request, username: str):
    """Stop following a person."""
    followee = _person(username)
    services.follow_delete(follower=request.user, followee=followee)
    messages.success(request, f"You no longer follow {followee.shown_name}.")
    return redirect("profile", username=followee.username)


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account and sign in with it."""
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user, backend="kwippy.auth.backends.AccountPasswordBackend")
            messages.success(request, f"Welcome to kwippy, {user.username}.")
            return redirect(safe_next(request, reverse("home")))
        status = 422
    else:
        form = SignupForm()
        status = 200
    next_url = safe_next(request, "")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """Show and change the profile; show app passwords, sessions, bookmarklet and feeds."""
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            data = form.cleaned_data
            services.user_update_profile(user=request.user, **data)
            messages.success(request, "Profile saved.")
            return redirect("settings")
        status = 422
    else:
        form = ProfileForm(instance=request.user)
        status = 200
    # The bookmarklet opens the site this browser is signed in to; feed readers subscribe at
    # the site's configured address, which feeds name themselves by.
    origin = request.build_absolute_uri("/").rstrip("/")
    context = {
        "form": form,
        "origin": origin,
        "bookmarklet": bookmarklet(origin),
        "feeds": feed_addresses(settings.SITE_URL, request.user.username),
        "feed_with_credentials": feed_with_credentials(settings.SITE_URL, request.user.username),
        "app_passwords": app_password_list(user=request.user),
        "sessions": session_list_for_request(request),
    }
    return render(request, "accounts/settings.html", context, status=status)


def bookmarklet(origin: str) -> str:
    """Return the bookmarklet that opens the add page in a pop-up for the current page."""
    return (
        "javascript:(function(){var d=document,w=window,"
        "s=''+(w.getSelection?w.getSelection():'');"
        f"w.open('{origin}/add/?popup=1&url='+encodeURIComponent(location.href)"
        "+'&title='+encodeURIComponent(d.title)+'&description='+encodeURIComponent(s),"
        "'kwippy','width=640,height=620,resizable=1,scrollbars=1');})();"
    )


def feed_with_credentials(origin: str, username: str) -> str:
    """Return the private feed's address with the username and a placeholder password in it."""
    scheme, _, host = origin.partition("://")
    return f"{scheme}://{quote(username, safe='')}:APP-PASSWORD@{host}/feeds/private/"


def feed_addresses(origin: str, username: str) -> dict[str, list[tuple[str, str]]]:
    """Return (what, address) for every feed a person can subscribe to, private and public."""
    mine = f"/feeds/u/{username}/"
    rows = {
        "private": [
            ("All your bookmarks, private ones included", "/feeds/private/"),
            ("All your bookmarks with a tag", "/feeds/private/t/TAG/"),
            ("Your network: the public bookmarks of the people you follow", "/feeds/network/"),
            ("Your to-read list", "/feeds/toread/"),
        ],
        "public": [
            ("Your public bookmarks", mine),
            ("Your public bookmarks with a tag", mine + "t/TAG/"),
            ("Everyone's recent bookmarks", "/feeds/recent/"),
            ("Everyone's bookmarks with a tag", "/feeds/t/TAG/"),
            ("Popular", "/feeds/popular/"),
        ],
    }
    return {kind: [(what, origin + path) for what, path in paths] for kind, paths in rows.items()}


class PasswordChange(auth_views.PasswordChangeView):
    """Change the password, stay signed in here, and sign out every other session at once.

    The old password is checked through the sign-in throttle; the person may also revoke every
    app password (unticked by default: a routine change should not stop their feed readers).
    """

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        form.save()
        session_after_password_change(request=self.request, user=form.user)
        _revoke_app_passwords_if_asked(self.request, form)
        # FormView's redirect, skipping Django's own update_session_auth_hash.
        return FormView.form_valid(self, form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Choose a new password from a reset link, revoking every app password unless unticked.

    Ticked by default: whoever asks for a reset may have lost control of the account, and app
    passwords someone else made would otherwise outlive the new password.
    """

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm

    def form_valid(self, form):
        response = super().form_valid(form)
        _revoke_app_passwords_if_asked(self.request, form)
        return response


def _revoke_app_passwords_if_asked(request, form) -> None:
    if form.cleaned_data["revoke_app_passwords"]:
        revoked = app_password_revoke_all(user=form.user)
        if revoked:
            messages.success(
                request, f"Revoked {revoked} app password{pluralize(revoked)}. They no longer work."
            )
