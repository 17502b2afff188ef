"""The admin for links, posts and tag counts.

Posts are saved and deleted through `services`, like everywhere else, so a link's public count
and a person's tag counts stay right after an edit in the admin. The counts themselves are
read-only here: they follow from the posts.
"""

from django import forms
from django.contrib import admin

from kwippy.posts import services
from kwippy.posts.forms import clean_tag_text
from kwippy.posts.models import Link, Post, UserTag, url_hash
from kwippy.posts.normalize import InvalidURL, normalize_url


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["url", "public_saves", "created"]
    search_fields = ["url"]
    readonly_fields = ["url", "url_hash", "public_saves", "created"]

    def has_add_permission(self, request) -> bool:
        # Links come into being when someone saves a URL.
        return False


class PostAdminForm(forms.ModelForm):
    url = forms.CharField(label="URL", max_length=2000)
    tags = forms.CharField(required=False, help_text="Separated by spaces or commas.")

    class Meta:
        model = Post
        fields = ["user", "title", "description", "is_private", "to_read", "created"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["url"].initial = self.instance.link.url
            self.fields["url"].disabled = True
            self.fields["tags"].initial = " ".join(self.instance.tags)

    def clean_url(self) -> str:
        try:
            return normalize_url(self.cleaned_data["url"])
        except InvalidURL as error:
            raise forms.ValidationError(str(error)) from None

    def clean_tags(self) -> list[str]:
        return clean_tag_text(self.cleaned_data["tags"])

    def clean(self):
        data = super().clean()
        user, url = data.get("user"), data.get("url")
        saved = Post.objects.filter(user=user, link__url_hash=url_hash(url or ""))
        if not self.instance.pk and user and url and saved.exists():
            self.add_error("url", "This person has saved this URL already.")
        return data


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = ["title", "user", "is_private", "to_read", "created"]
    list_filter = ["is_private", "to_read"]
    search_fields = ["title", "link__url"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    fields = ["user", "url", "title", "description", "tags", "is_private", "to_read", "created"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.post_update(
                post=obj,
                title=data["title"],
                description=data["description"],
                tags=data["tags"],
                is_private=data["is_private"],
                to_read=data["to_read"],
                created=data["created"],
            )
        else:
            saved = services.post_create(
                user=data["user"],
                url=data["url"],
                title=data["title"],
                description=data["description"],
                tags=data["tags"],
                is_private=data["is_private"],
                to_read=data["to_read"],
                created=data["created"],
            )
        # The admin reads the primary key back from the object it handed us.
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.post_delete(post=obj)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            services.post_delete(post=post)


@admin.register(UserTag)
class UserTagAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "count", "public_count"]
    search_fields = ["name"]
    raw_id_fields = ["user"]
    readonly_fields = ["user", "name", "count", "public_count"]

    def has_add_permission(self, request) -> bool:
        return False
