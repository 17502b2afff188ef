from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kwippy.auth import selectors, services
from kwippy.auth.forms import AppPasswordForm, LoginForm


class Login(LoginView):
    """Sign in with a username or email and the password; `next` may only point at this site."""

    form_class = LoginForm
    template_name = "auth/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        else:
            response.status_code = 422
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


@login_required
@require_POST
def app_password_revoke(request, app_password_id: int):
    """Revoke one of the person's app passwords: it is refused from the next request on."""
    revoked = services.app_password_revoke(user=request.user, app_password_id=app_password_id)
    if revoked is None:
        messages.error(request, "That app password does not exist (any more).")
    else:
        messages.success(request, f"Revoked “{revoked.name}”. It no longer works.")
    return redirect("app_passwords")
