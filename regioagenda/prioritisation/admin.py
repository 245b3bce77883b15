from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.prioritisation.models import DECLARED_FIELDS, Candidate, Round
from regioagenda.regions.models import Municipality, Region


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 3
    autocomplete_fields = ["topic", "action"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # The list is fixed once voting has opened.
        return obj is None or (
            not obj.has_opened() and request.user.has_perm("prioritisation.change_round", obj)
        )

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.has_perm("prioritisation.view_round", obj)


@admin.register(Round)
class RoundAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "region", "ballot_type", "rule", "opens_at", "deadline"]
    list_filter = ["region"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CandidateInline]
    filter_horizontal = ["participants"]
    readonly_fields = ["adopted_at", "adopted_by", "version"]

    def get_prepopulated_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Once the slug is read-only the admin cannot fill it from the title (KeyError "slug").
        if obj is not None and obj.has_opened():
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_opened():
            fields += [*DECLARED_FIELDS, "participants", "region", "slug"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        roles = roles_of(request.user)
        if db_field.name == "region" and not roles.administrator:
            kwargs["queryset"] = Region.objects.filter(pk__in=roles.coordinator_of)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        roles = roles_of(request.user)
        if db_field.name == "participants" and not roles.administrator:
            kwargs["queryset"] = Municipality.objects.filter(region__in=roles.coordinator_of)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
