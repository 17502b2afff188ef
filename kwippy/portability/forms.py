from django import forms

# Larger files go through `manage.py import_bookmarks`: an upload is held in memory and stored
# whole in PostgreSQL.
UPLOAD_MAX_BYTES = 64 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Bookmark file",
        help_text="The HTML file your browser, Pinboard or Delicious exports.",
    )
    folders_as_tags = forms.BooleanField(
        label="Use folder names as tags",
        required=False,
        initial=True,
        help_text="A bookmark in the folder Weeknight inside Recipes gets the tags recipes and "
        "weeknight.",
    )
    unmarked_public = forms.BooleanField(
        label="Make bookmarks without a privacy mark public",
        required=False,
        help_text="Browser exports mark nothing, so their bookmarks are imported as private "
        "unless you tick this.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"That file is larger than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB; "
                "ask the site's operator to run the import for you."
            )
        return upload
