"""Forms for saving and editing posts: they turn what people type into clean values or errors."""

from django import forms

from kwippy.posts.normalize import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    InvalidURL,
    normalize_url,
)
from kwippy.posts.tags import MAX_TAGS, TAG_MAX_LENGTH, TagTooLong, TooManyTags, tags_clean


def clean_tag_text(text: str) -> list[str]:
    """Return the tags in `text` (space or comma separated), or raise ValidationError."""
    try:
        return tags_clean(text)
    except TagTooLong:
        raise forms.ValidationError(
            f"A tag can be at most {TAG_MAX_LENGTH} characters long.", code="tag_too_long"
        ) from None
    except TooManyTags:
        raise forms.ValidationError(
            f"A bookmark can have at most {MAX_TAGS} tags.", code="tags"
        ) from None


class PostFieldsForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    description = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    tags = forms.CharField(
        required=False,
        max_length=5000,
        help_text="Separate tags with spaces or commas; they are stored in lower case.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    is_private = forms.BooleanField(required=False, label="Private (only you see it)")
    to_read = forms.BooleanField(required=False, label="To read")

    def clean_tags(self) -> list[str]:
        return clean_tag_text(self.cleaned_data["tags"])


class PostAddForm(PostFieldsForm):
    url = forms.CharField(
        label="URL",
        max_length=URL_MAX_LENGTH,
        widget=forms.URLInput(attrs={"autofocus": True, "inputmode": "url"}),
    )
    field_order = ["url", "title", "description", "tags", "is_private", "to_read"]

    def clean_url(self) -> str:
        try:
            return normalize_url(self.cleaned_data["url"])
        except InvalidURL as error:
            raise forms.ValidationError(str(error), code="url") from None


class PostEditForm(PostFieldsForm):
    """Everything but the URL: changing it would make another bookmark."""


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Words to find in titles, notes, tags and addresses",
        help_text="Use quotes for a phrase and a minus for words to leave out: "
        '<code>"full text" -mysql</code>',
        widget=forms.SearchInput(attrs={"maxlength": 200}),
    )
