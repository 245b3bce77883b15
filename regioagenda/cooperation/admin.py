from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import roles_of
from regioagenda.cooperation.models import DECLARED_FIELDS, Comparison, Criterion, Option
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.regions.models import Municipality, Region


class LockedOnceAssessedInline(admin.TabularInline):
    """Options and criteria (with their weights) are fixed once the first assessment exists."""

    extra = 3

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None or (
            not obj.has_assessments()
            and request.user.has_perm("cooperation.change_comparison", obj)
        )

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.has_perm("cooperation.view_comparison", obj)


class OptionInline(LockedOnceAssessedInline):
    model = Option


class CriterionInline(LockedOnceAssessedInline):
    model = Criterion


@admin.register(Comparison)
class ComparisonAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "region", "rule", "closes_at"]
    list_filter = ["region"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [OptionInline, CriterionInline]
    filter_horizontal = ["participants"]
    readonly_fields = ["version"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_assessments():
            fields += [*DECLARED_FIELDS, "participants", "region", "slug"]
        return fields

    def get_prepopulated_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A locked slug is read-only, and a read-only field cannot be prepopulated.
        if obj is not None and obj.has_assessments():
            return {}
        return super().get_prepopulated_fields(request, obj)

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
