from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality", "region", "organisation"]


@admin.register(User)
class UserAdmin(ObjectPermissionsModelAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]


@admin.register(Membership)
class MembershipAdmin(ObjectPermissionsModelAdmin):
    list_display = ["user", "role", "municipality", "region", "organisation", "created_at"]
    list_filter = ["role", "municipality", "region"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user", "municipality", "region", "organisation"]
