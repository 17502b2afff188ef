"""Sign-in pages: login, sign-up, password change and reset, and app passwords."""

from itertools import chain

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic.edit import FormView

from kwippy.accounts.forms import SignupForm
from kwippy.auth import selectors, services
from kwippy.auth.forms import AppPasswordForm, LoginForm, PasswordChangeForm, SetPasswordForm
from kwippy.auth.services import app_password_revoke_all
from kwippy.auth.throttle import Throttled
from kwippy.core.methods import post_only
from kwippy.core.responses import safe_next
from kwippy.sessions.index import session_after_password_change


class Login(LoginView):
    """Sign in with a username or email and the password; `next` may only point at this site."""

    form_class = LoginForm
    template_name = "auth/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 422
        return _answer_throttled(response, form)


def _answer_throttled(response: HttpResponse, form) -> HttpResponse:
    """Make the response to a form the sign-in throttle refused a 429 with Retry-After."""
    errors = chain.from_iterable(form.errors.as_data().values())
    throttled = next((error for error in errors if isinstance(error, Throttled)), None)
    if throttled is not None:
        response.status_code = 429
        response["Retry-After"] = str(throttled.retry_after)
    return response


def _app_passwords_page(request, *, form, created=None, secret=None, status=200):
    context = {
        "app_passwords": selectors.app_password_list(user=request.user),
        "app_password_form": form,
        "created": created,
        "secret": secret,
    }
    return render(request, "auth/app_passwords.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def app_passwords(request):
    """List a person's app passwords; on POST create one and show its secret, this once."""
    if request.method == "GET":
        return _app_passwords_page(request, form=AppPasswordForm())
    form = AppPasswordForm(request.POST)
    if form.is_valid():
        try:
            created, secret = services.app_password_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except services.AppPasswordError as error:
            form.add_error("name", str(error))
        else:
            # Rendered, not redirected: the secret must not travel through a session or a cookie.
            return _app_passwords_page(
                request, form=AppPasswordForm(), created=created, secret=secret
            )
    return _app_passwords_page(request, form=form, status=422)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def app_password_revoke(request, app_password_id: int):
    """Ask whether to revoke one of the person's app passwords; on POST, revoke it.

    A revoked password is refused from the next request on, so the question comes first.
    """
    if request.method == "GET":
        app_password = selectors.app_password_get(
            user=request.user, app_password_id=app_password_id
        )
        if app_password is None:
            raise Http404("No such app password.")
        return render(request, "auth/app_password_revoke.html", {"app_password": app_password})
    revoked = services.app_password_revoke(user=request.user, app_password_id=app_password_id)
    if revoked is None:
        messages.error(request, "That app password does not exist (any more).")
    else:
        messages.success(request, f"Revoked “{revoked.name}”. It no longer works.")
    return redirect("app_passwords")


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
    return render(request, "auth/signup.html", {"form": form, "next": next_url}, status=status)


class Logout(auth_views.LogoutView):
    """Sign out, and say so on the page that follows.

    The message outlives the session's flush: messages travel in their own cookie (Django's
    default storage), and only one too large for it would land in the new, empty session.
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You're signed out.")
        return response


class PasswordChange(auth_views.PasswordChangeView):
    """Change the password, stay signed in here, and sign out every other session at once.

    The old password is checked through the sign-in throttle; the person may also revoke every
    app password (unticked by default: a routine change should not stop their feed readers).
    """

    template_name = "auth/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        form.save()
        ended = session_after_password_change(request=self.request, user=form.user)
        if ended:
            messages.success(
                self.request, f"Signed out your {ended} other session{pluralize(ended)}."
            )
        _revoke_app_passwords_if_asked(self.request, form)
        # FormView's redirect, skipping Django's own update_session_auth_hash.
        return FormView.form_valid(self, form)

    def form_invalid(self, form):
        return _answer_throttled(super().form_invalid(form), form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Choose a new password from a reset link, revoking every app password unless unticked.

    Ticked by default: whoever asks for a reset may have lost control of the account, and app
    passwords someone else made would otherwise outlive the new password.
    """

    template_name = "auth/password_reset_confirm.html"
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


# Logout, like Django's LogoutView, answers only POST; a signed-in person who opens its address
# gets the button.
logout = post_only(lambda request: "Sign out" if request.user.is_authenticated else None)(
    Logout.as_view()
)
