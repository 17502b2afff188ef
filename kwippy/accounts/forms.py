"""Sign-up and profile forms."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from kwippy.accounts.models import User
from kwippy.accounts.selectors import users_named, users_with_email


def _email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    others = users_with_email(email=email)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


class FoldedUsernameUniqueMixin:
    """Refuse a username another account has, compared folded (as the database's constraint)."""

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username")
        if username and users_named(username=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                self.instance.unique_error_message(User, ["username"]), code="unique"
            )
        return username


class PasswordFaultsUnderPasswordMixin:
    """Say what is wrong with a new password under that password, not under its confirmation.

    Django checks the password validators ("This password is too common") against the second
    field; they judge what was typed in the first. A mismatch stays under the confirmation.
    """

    def validate_password_for_user(self, user, password_field_name="password2"):
        first = password_field_name.removesuffix("2") + "1"
        super().validate_password_for_user(user, password_field_name=first)


class SignupForm(FoldedUsernameUniqueMixin, PasswordFaultsUnderPasswordMixin, UserCreationForm):
    """Username, e-mail and the password twice; usernames and e-mails are unique, folded."""

    email = forms.EmailField(help_text="For resetting your password. You can also sign in with it.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        # People sign in with their e-mail too, so one address belongs to one account.
        if _email_taken(email):
            raise forms.ValidationError("An account with that email address exists already.")
        return email


class ProfileForm(forms.ModelForm):
    email = forms.EmailField()
    website = forms.URLField(max_length=2000, required=False, assume_scheme="https")

    class Meta:
        model = User
        fields = ["display_name", "bio", "website", "email"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"bio": "A line or two shown on your page."}

    def clean_website(self) -> str:
        website = self.cleaned_data["website"]
        if website and not website.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Enter an http or https address.")
        return website

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if _email_taken(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError("Another account uses that email address.")
        return email
