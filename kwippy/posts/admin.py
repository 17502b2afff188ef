from django.contrib import admin

from kwippy.posts.models import Link, Post, UserTag


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["url", "public_saves", "created"]
    search_fields = ["url"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "is_private", "to_read", "created"]
    list_filter = ["is_private", "to_read"]
    search_fields = ["title", "link__url"]
    raw_id_fields = ["user", "link"]
    list_select_related = ["user"]


@admin.register(UserTag)
class UserTagAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "count", "public_count"]
    search_fields = ["name"]
    raw_id_fields = ["user"]
