"""The back office of meetings: the coordinator keeps the bodies; the meeting's keepers (the
organising municipality's editors, the coordinator) find its items, invitations and
registrations here too. Documents and follow-ups come in through their own pages (content
checks, the execution agenda's write path), so they are read-only here."""

from typing import Any

from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import regions_kept_by, roles_of
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.meetings.models import (
    AgendaDocument,
    AgendaItem,
    Body,
    FollowUp,
    Invitation,
    Meeting,
    Registration,
)
from regioagenda.regions.models import Municipality, Region


def _regions_of(request: Any) -> Any:
    """The regions in which the user keeps meetings: coordinated ones and their editors'."""
    return regions_kept_by(request.user, through_municipalities=True)


@admin.register(Body)
class BodyAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "kind", "municipality", "joint_body", "region"]
    list_filter = ["region", "kind"]
    list_select_related = ["municipality", "joint_body", "region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = regions_kept_by(request.user)
        if db_field.name == "region":
            kwargs["queryset"] = regions
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "description", "public", "minutes", "decision"]
    show_change_link = True


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["body", "name", "email", "organisation"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    # The token is the registrant's secret cancel link: never shown here.
    fields = readonly_fields = ("name", "email", "organisation", "status", "attended", "created_at")
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "kind", "start", "organiser", "public", "status"]
    list_filter = ["region", "kind", "public", "status", "organiser"]
    list_select_related = ["organiser"]
    search_fields = ["title", "description", "location"]
    date_hierarchy = "start"
    filter_horizontal = ["bodies", "themes"]
    readonly_fields = ["version", "uid", "sequence", "created_by", "created_at", "updated_at"]
    inlines = [ItemInline, InvitationInline, RegistrationInline]

    def get_queryset(self, request: Any) -> Any:
        queryset = super().get_queryset(request)
        if roles_of(request.user).administrator:
            return queryset
        return queryset.filter(region__in=_regions_of(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(pk__in=regions.values("pk"))
        if db_field.name == "organiser":
            roles = roles_of(request.user)
            kwargs["queryset"] = Municipality.objects.filter(
                region__in=regions_kept_by(request.user)
            ) | Municipality.objects.filter(pk__in=roles.editor_of)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        from regioagenda.vision.models import Theme

        regions = _regions_of(request)
        if db_field.name == "bodies":
            kwargs["queryset"] = Body.objects.filter(region__in=regions)
        if db_field.name == "themes":
            kwargs["queryset"] = Theme.objects.filter(region__in=regions)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: Any, obj: Meeting, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        else:
            obj.sequence += 1
        super().save_model(request, obj, form, change)


class DocumentInline(admin.TabularInline):
    model = AgendaDocument
    extra = 0
    # Files come in through the upload page's content checks, never straight in here.
    fields = readonly_fields = ("title", "url", "name", "media_type", "size", "created_at")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = readonly_fields = ("action", "created_by", "created_at")
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "meeting", "position", "public"]
    list_filter = ["meeting__region", "public"]
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title"]
    raw_id_fields = ["meeting"]
    filter_horizontal = ["themes", "topics"]
    readonly_fields = ["version"]
    inlines = [DocumentInline, FollowUpInline]

    def get_queryset(self, request: Any) -> Any:
        queryset = super().get_queryset(request)
        if roles_of(request.user).administrator:
            return queryset
        return queryset.filter(meeting__region__in=_regions_of(request))

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        related = db_field.remote_field.model
        if db_field.name == "proposals":
            kwargs["queryset"] = related.objects.filter(municipality__region__in=regions)
        elif db_field.name in ("themes", "topics", "actions", "dossiers"):
            kwargs["queryset"] = related.objects.filter(region__in=regions)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
