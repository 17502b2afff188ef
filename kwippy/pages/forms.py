from django import forms


class PagePreferenceForm(forms.Form):
    fetch_private = forms.BooleanField(
        required=False,
        label="Fetch the pages of my private bookmarks (title, health, cached copy)",
    )
