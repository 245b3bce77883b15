"""The monitor's back office: indicators with their targets; figures and imports to read.

Figures are read-only here: they are written by the imports (`importing.import_rows`), which
keep every revision, so the admin shows the history and never edits it.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.monitor.models import ImportRun, Indicator, Observation, Target
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme, Topic


def _regions_of(request: Any) -> Any:
    """The regions whose monitor the user keeps (every region for an administrator)."""
    roles = roles_of(request.user)
    if roles.administrator:
        return Region.objects.all()
    return Region.objects.filter(pk__in=roles.coordinator_of)


class TargetInline(admin.TabularInline):
    model = Target
    fields = (
        "municipality",
        "year",
        "value",
        "base_year",
        "base_value",
        "trajectory",
        "milestones",
        "description",
        "source_title",
        "source_url",
    )
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(region__in=_regions_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Indicator)
class IndicatorAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "slug", "unit", "aggregation", "direction", "on_dashboard", "region"]
    list_filter = ["region", "aggregation", "direction", "on_dashboard", "themes"]
    search_fields = ["name", "slug", "definition", "source_table"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["version"]
    inlines = [TargetInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "region":
            kwargs["queryset"] = regions
        if db_field.name in ("weight", "numerator", "denominator"):
            kwargs["queryset"] = Indicator.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "themes":
            kwargs["queryset"] = Theme.objects.filter(region__in=regions)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name == "topics":
            kwargs["queryset"] = Topic.objects.filter(region__in=regions)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdmin(ObjectPermissionsModelAdmin):
    """Rows that only an import writes: listed and shown, never added, changed or deleted."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = [
        "indicator",
        "area_label",
        "period_label",
        "value",
        "revision",
        "source_table",
        "retrieved_on",
        "recorded_at",
    ]
    list_filter = ["indicator__region", "indicator", "municipality", "revision", "source_table"]
    list_select_related = ["indicator", "municipality", "place"]
    search_fields = ["indicator__name", "area", "municipality__name", "place__name", "note"]
    date_hierarchy = "period_start"
    ordering = ["indicator", "area_key", "period_start", "-revision"]

    @admin.display(description=_("gebied"), ordering="area_key")
    def area_label(self, obj: Observation) -> str:
        return obj.area_name


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["description", "kind", "status", "dry_run", "done", "total", "created_at"]
    list_filter = ["region", "kind", "status", "dry_run"]
    search_fields = ["description"]
    date_hierarchy = "created_at"
