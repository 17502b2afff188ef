from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from kwippy.accounts.models import Follow, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Profile", {"fields": ["display_name", "bio", "website"]}),
    ]
    list_display = ["username", "email", "display_name", "is_active", "date_joined"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followee", "created"]
    raw_id_fields = ["follower", "followee"]
