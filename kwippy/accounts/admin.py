from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from kwippy.accounts.forms import FoldedUsernameUniqueMixin
from kwippy.accounts.models import Follow, User


class AdminUserAddForm(FoldedUsernameUniqueMixin, AdminUserCreationForm):
    pass


class AdminUserEditForm(FoldedUsernameUniqueMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = AdminUserAddForm
    form = AdminUserEditForm
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Profile", {"fields": ["display_name", "bio", "website"]}),
    ]
    list_display = ["username", "email", "display_name", "is_active", "date_joined"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followee", "created"]
    raw_id_fields = ["follower", "followee"]
