from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OtpTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.models import ApiToken, Membership, User
from regioagenda.accounts.second_factor import has_second_factor
from regioagenda.accounts.tokens import NO_SECOND_FACTOR, issue_token, revoke_token
from regioagenda.core.admin import VersionCheckedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality", "region", "organisation"]


@admin.register(User)
class UserAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]


@admin.register(Membership)
class MembershipAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["user", "role", "municipality", "region", "organisation", "created_at"]
    list_filter = ["role", "municipality", "region"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user", "municipality", "region", "organisation"]


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "memberships", "expires_at"]

    def clean_user(self) -> User:
        # issue_token refuses too; here the refusal comes back as a form error, not a crash.
        user: User = self.cleaned_data["user"]
        if not has_second_factor(user):
            raise ValidationError(NO_SECOND_FACTOR)
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(ObjectPermissionsModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "user", "key_prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return []
        return [
            "user",
            "name",
            "memberships",
            "key_prefix",
            "expires_at",
            "created_at",
            "created_by",
            "revoked_at",
            "last_used_at",
        ]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            return
        try:
            token, key = issue_token(
                form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                memberships=list(form.cleaned_data["memberships"]),
                expires_at=form.cleaned_data["expires_at"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            raise
        obj.pk = token.pk
        messages.warning(
            request,
            _(
                "De sleutel is: %(key)s — kopieer hem nu; hij wordt niet opgeslagen en niet "
                "opnieuw getoond."
            )
            % {"key": key},
        )

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        # issue_token has set the memberships already.
        return None

    @admin.action(description=_("Geselecteerde sleutels intrekken"))
    def revoke(self, request, queryset):  # type: ignore[no-untyped-def]
        for token in queryset:
            revoke_token(token)


# Django's and django-otp's own admins, with the version check: their tables have no version
# column, so the check compares a fingerprint of the stored values instead.
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


@admin.register(Group)
class GroupAdmin(VersionCheckedAdmin, DjangoGroupAdmin):
    pass


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(VersionCheckedAdmin, OtpTOTPDeviceAdmin):
    pass
