from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

from kwippy.httpauth.models import AppPassword
from kwippy.httpauth.selectors import MAX_IDENTIFIER_LENGTH
from kwippy.httpauth.throttle import client_address, failure_record, lockout_seconds


class LoginForm(AuthenticationForm):
    """Sign in with a username or an email address and the account password, throttled."""

    error_messages = {
        "invalid_login": "That username or email and password do not match an account.",
        "inactive": "This account is inactive.",
        "throttled": "Too many failed attempts. Try again in %(minutes)s minutes.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        # Django sizes this field for a username; an email address may be longer.
        username.max_length = MAX_IDENTIFIER_LENGTH
        username.widget.attrs["maxlength"] = MAX_IDENTIFIER_LENGTH
        username.label = "Username or email"
        self.retry_after = 0

    @sensitive_variables()
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        client = client_address(self.request)
        self.retry_after = lockout_seconds(client=client, identifier=username)
        if self.retry_after:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, round(self.retry_after / 60))},
            )
        try:
            return super().clean()
        except ValidationError:
            failure_record(client=client, identifier=username)
            raise


class AppPasswordForm(forms.Form):
    name = forms.CharField(
        max_length=AppPassword._meta.get_field("name").max_length,
        help_text="Where you will use it, for example “NetNewsWire on my phone”.",
    )
