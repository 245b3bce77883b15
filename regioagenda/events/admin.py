"""The back office for events: the coordinator keeps the region's categories, audiences, clash
rules and neighbouring municipalities; events are read here and moderated (the site's
moderation pages do the same with clashes beside them). An organiser's token is never shown."""

from typing import Any

from django.contrib import admin
from django.db.models import Q
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import regions_kept_by, roles_of
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.events.models import Audience, Category, ClashRules, Event, Neighbour
from regioagenda.regions.models import Municipality


def _regions_of(request: Any) -> Any:
    return regions_kept_by(request.user)


class RegionalAdmin(ObjectPermissionsModelAdmin):
    """Lists narrowed to the regions the user coordinates; new rows only in those."""

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).filter(region__in=_regions_of(request))

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name == "region":
            kwargs["queryset"] = _regions_of(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Category)
class CategoryAdmin(RegionalAdmin, VersionCheckedAdmin):
    list_display = ["name", "name_en", "slug", "region"]
    list_filter = ["region"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Audience)
class AudienceAdmin(RegionalAdmin, VersionCheckedAdmin):
    list_display = ["name", "name_en", "slug", "region"]
    list_filter = ["region"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ClashRules)
class ClashRulesAdmin(RegionalAdmin, VersionCheckedAdmin):
    list_display = [
        "region",
        "same_venue",
        "large_nearby",
        "large_attendance",
        "same_weekend",
        "venue_similarity",
    ]


@admin.register(Neighbour)
class NeighbourAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["municipality", "neighbour"]
    list_select_related = ["municipality", "neighbour"]
    list_filter = ["municipality__region"]

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).filter(municipality__region__in=_regions_of(request))

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name in ("municipality", "neighbour"):
            kwargs["queryset"] = Municipality.objects.filter(region__in=_regions_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Event)
class EventAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "start", "municipality", "moderation", "status", "regional"]
    list_filter = ["region", "moderation", "status", "regional", "municipality"]
    list_select_related = ["municipality"]
    search_fields = ["title", "venue", "organiser_name"]
    date_hierarchy = "start"
    exclude = ["token"]
    # What the organiser wrote stays theirs; moderators decide, correct typos on the site's
    # edit page (which runs the submission checks) if need be.
    readonly_fields = [
        "uid",
        "version",
        "title",
        "description",
        "start",
        "end",
        "all_day",
        "recurrence",
        "venue",
        "address",
        "municipality",
        "place_outside_region",
        "organiser_name",
        "organiser_email",
        "organiser",
        "categories",
        "audiences",
        "themes",
        "expected_visitors",
        "accessibility",
        "url",
        "image",
        "image_format",
        "image_alt",
        "status",
        "sequence",
        "created_at",
        "updated_at",
        "region",
    ]

    def get_queryset(self, request: Any) -> Any:
        events = super().get_queryset(request)
        roles = roles_of(request.user)
        if roles.administrator:
            return events
        return events.filter(
            Q(region_id__in=roles.coordinator_of) | Q(municipality_id__in=roles.editor_of)
        )

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        roles = roles_of(request.user)
        if obj is not None and not (roles.administrator or obj.region_id in roles.coordinator_of):
            fields.append("regional")  # only the coordinator marks regional events
        return fields
