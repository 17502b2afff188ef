"""Pages about people: following, and the settings page that gathers every app's section."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kwippy.accounts import services
from kwippy.accounts.forms import ProfileForm
from kwippy.accounts.models import User
from kwippy.accounts.selectors import person_get
from kwippy.core.methods import post_only
from kwippy.core.responses import safe_next


def _person(username: str) -> User:
    person = person_get(username=username)
    if person is None:
        raise Http404("No such person.")
    return person


def _offer_for_person(verb: str):
    # The 405 page's button names the person, when there is one to act on.
    def offer(request, username: str) -> str | None:
        person = person_get(username=username)
        if person is None or person.pk == request.user.pk:
            return None
        return f"{verb} {person.shown_name}"

    return offer


@login_required
@post_only(_offer_for_person("Follow"))
def follow(request, username: str):
    """Follow a person, and go back to where the button was (their page unless told)."""
    followee = _person(username)
    try:
        services.follow_create(follower=request.user, followee=followee)
    except services.CannotFollowSelf as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You now follow {followee.shown_name}.")
    return redirect(safe_next(request, reverse("profile", args=[followee.username])))


@login_required
@post_only(_offer_for_person("Stop following"))
def unfollow(request, username: str):
    """Stop following a person."""
    followee = _person(username)
    services.follow_delete(follower=request.user, followee=followee)
    messages.success(request, f"You no longer follow {followee.shown_name}.")
    return redirect("profile", username=followee.username)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """Show and change the profile; the page gathers every app's settings section."""
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
    # The other sections (app passwords, sessions, bookmarklet, feeds, import and export) come
    # from inclusion tags of the apps that own them: see the template.
    context = {"form": form, "site_url": settings.SITE_URL}
    return render(request, "accounts/settings.html", context, status=status)
