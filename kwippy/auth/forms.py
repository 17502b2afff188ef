from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.views.decorators.debug import sensitive_variables

from kwippy.accounts.forms import PasswordFaultsUnderPasswordMixin
from kwippy.accounts.selectors import users_with_email
from kwippy.auth.models import AppPassword
from kwippy.auth.selectors import MAX_IDENTIFIER_LENGTH
from kwippy.auth.throttle import password_check_throttled, password_reset_mail_allowed


class ThrottledAuthenticationMixin:
    """A sign-in form's username-or-email and password check, through the sign-in throttle."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        # Django sizes this field for a username; an email address may be longer.
        username.max_length = MAX_IDENTIFIER_LENGTH
        username.widget.attrs["maxlength"] = MAX_IDENTIFIER_LENGTH
        username.label = "Username or email"

    @sensitive_variables()
    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return self.cleaned_data
        return password_check_throttled(
            request=self.request, identifier=username, check=super().clean
        )


class LoginForm(ThrottledAuthenticationMixin, auth_forms.AuthenticationForm):
    """Sign in with a username or an email address and the account password, throttled."""

    error_messages = {
        "invalid_login": "That username or email and password do not match an account.",
        "inactive": "This account is inactive.",
    }


class AdminLoginForm(ThrottledAuthenticationMixin, AdminAuthenticationForm):
    """The admin's sign-in: staff only, and the same throttle as every other password check.

    A right password of an account that is not staff is refused as a wrong one is, and counted
    as a failure: the admin must not be a way to guess anyone's password.
    """


class PasswordChangeForm(PasswordFaultsUnderPasswordMixin, auth_forms.PasswordChangeForm):
    """Change the password, after checking the old one through the sign-in throttle."""

    revoke_app_passwords = forms.BooleanField(
        required=False,
        label="Also revoke all my app passwords",
        help_text="Feed readers and scripts using them stop working until given a new one.",
    )

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        return password_check_throttled(
            request=self.request,
            identifier=self.user.get_username(),
            check=super().clean_old_password,
        )


class AppPasswordForm(forms.Form):
    name = forms.CharField(
        max_length=AppPassword._meta.get_field("name").max_length,
        help_text="Where you will use it, for example “NetNewsWire on my phone”.",
    )


class SetPasswordForm(PasswordFaultsUnderPasswordMixin, auth_forms.SetPasswordForm):
    """Choose a new password from a reset link, and whether to revoke every app password."""

    revoke_app_passwords = forms.BooleanField(
        required=False,
        initial=True,
        label="Also revoke all my app passwords",
        help_text="Anyone who had your password may have made some. Untick to keep them.",
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Ask for a reset link by e-mail: throttled, and naming the site by SITE_URL.

    Whatever happens (no such account, too many requests), the person sees the same answer.
    """

    def get_users(self, email):
        active = users_with_email(email=email).filter(is_active=True)
        return (user for user in active if user.has_usable_password())

    def save(self, *, request, **kwargs):
        if not password_reset_mail_allowed(request=request, email=self.cleaned_data["email"]):
            return
        # The link must lead to the site, not to whatever Host the request named.
        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https")
        super().save(request=request, **kwargs)
