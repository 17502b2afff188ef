"""Forms for saving and editing posts: they turn what people type into clean values or errors."""

from django import forms
from django.http import QueryDict

from kwippy.posts.normalize import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    InvalidURL,
    normalize_url,
)
from kwippy.posts.selectors import SearchScope
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
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "none",
                "autocomplete": "off",
                # kwippy.js offers tags from the list the page holds under this id.
                "data-suggest": "tag-suggestions",
            }
        ),
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


class PostEditForm(PostAddForm):
    """Every field of a bookmark, its URL too: a page that moved keeps its bookmark."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        url = self.fields["url"]
        url.help_text = "If the page moved, give its new address."
        # Left out, as by a form from before URLs could change, it keeps the address it has.
        url.required = False
        # Editing starts wherever the person looks first, not in the address.
        url.widget.attrs.pop("autofocus", None)

    def clean_url(self) -> str:
        return super().clean_url() if self.cleaned_data["url"] else ""


class SearchForm(forms.Form):
    """What to look for and, for a signed-in person, whose posts to look through."""

    q = forms.CharField(
        required=False,
        label="Words to find in titles, notes, tags, addresses and the text of pages",
        help_text="Quotes for a phrase, a minus for words to leave out, <code>tag:name</code> and "
        "<code>site:example.org</code> to narrow, <code>OR</code> for either: "
        '<code>"full text" -mysql OR tag:postgres</code>',
        widget=forms.SearchInput(attrs={"maxlength": 200}),
    )
    scope = forms.ChoiceField(
        label="Look through",
        choices=[
            (SearchScope.EVERYONE, "Everyone's bookmarks"),
            (SearchScope.NETWORK, "My network's"),
            (SearchScope.MINE, "Mine"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, query: QueryDict, *, signed_in: bool):
        # A search names no scope until someone picks one: it looks through everyone's.
        query = query.copy()
        query.setdefault("scope", SearchScope.EVERYONE)
        super().__init__(query)
        if not signed_in:
            # Visitors see public posts only, which is everyone's: nothing to choose.
            del self.fields["scope"]

    def clean_scope(self) -> str:
        return self.cleaned_data["scope"] or SearchScope.EVERYONE


def _one_tag(text: str) -> str:
    tags = clean_tag_text(text)
    if len(tags) != 1:
        raise forms.ValidationError("Name one tag, without spaces or commas.", code="one_tag")
    return tags[0]


class TagRenameForm(forms.Form):
    """A new name for one of your tags; a name you already use merges the two."""

    new = forms.CharField(
        label="New name",
        max_length=TAG_MAX_LENGTH,
        help_text="A tag you already use merges the two.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_new(self) -> str:
        return _one_tag(self.cleaned_data["new"])


class TagDeleteForm(forms.Form):
    """Taking one of your tags off every bookmark, once confirmed."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class BulkEditForm(forms.Form):
    """One change for the bookmarks ticked on a person's own list."""

    ADD_TAGS, REMOVE_TAGS = "add_tags", "remove_tags"
    # Each action and what it changes, as `posts_bulk_edit` takes it.
    FLAGS = {
        "private": {"is_private": True},
        "public": {"is_private": False},
        "read": {"to_read": False},
        "toread": {"to_read": True},
        "delete": {"delete": True},
    }

    posts = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages={"required": "Tick the bookmarks to change first."},
    )
    action = forms.ChoiceField(
        label="With the selected bookmarks",
        choices=[
            (ADD_TAGS, "Add tags"),
            (REMOVE_TAGS, "Remove tags"),
            ("private", "Make private"),
            ("public", "Make public"),
            ("read", "Mark read"),
            ("toread", "Mark to read"),
            ("delete", "Delete"),
        ],
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=5000,
        help_text="For adding or removing tags.",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, posts):
        super().__init__(data)
        # Only the person's own posts are choices: anyone else's id is refused as not valid.
        self.fields["posts"].queryset = posts

    def clean_tags(self) -> list[str]:
        return clean_tag_text(self.cleaned_data["tags"])

    def clean(self):
        data = super().clean()
        tagging = data.get("action") in (self.ADD_TAGS, self.REMOVE_TAGS)
        if tagging and not data.get("tags") and "tags" not in self.errors:
            self.add_error("tags", "Name the tags to add or remove.")
        return data

    def change(self) -> dict:
        """Return the change, as keywords of `posts_bulk_edit`."""
        action = self.cleaned_data["action"]
        if action in (self.ADD_TAGS, self.REMOVE_TAGS):
            return {action: self.cleaned_data["tags"]}
        return self.FLAGS[action]
