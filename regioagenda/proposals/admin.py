"""The back office of proposals: the coordinator keeps the vocabulary and the gazetteer that the
suggestions match against; editors find their municipality's proposals and checks here too,
though the checks themselves are written on the proposal's page (one write path, `checks.py`)."""

from typing import Any, cast

from django.contrib import admin
from django.db.models import Q
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import regions_kept_by, roles_of
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.proposals.models import (
    AffectedMunicipality,
    GazetteerEntry,
    ImpactCheck,
    Proposal,
    ProposalDocument,
    ProposalLink,
    ProposalQuerySet,
    Term,
)
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Theme, Topic


def _municipalities_of(request: Any) -> Any:
    """The municipalities whose proposals the user registers."""
    regions = regions_kept_by(request.user)
    editor_of = roles_of(request.user).editor_of
    return Municipality.objects.filter(region__in=regions) | Municipality.objects.filter(
        pk__in=editor_of
    )


@admin.register(Term)
class TermAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["text", "theme", "topic", "weight", "region"]
    list_filter = ["region", "theme"]
    list_select_related = ["theme", "topic", "region"]
    search_fields = ["text"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = regions_kept_by(request.user)
        if db_field.name == "region":
            kwargs["queryset"] = regions
        if db_field.name == "theme":
            kwargs["queryset"] = Theme.objects.filter(region__in=regions)
        if db_field.name == "topic":
            kwargs["queryset"] = Topic.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GazetteerEntry)
class GazetteerEntryAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "kind", "municipality_name", "code", "ambiguous"]
    list_filter = ["region", "kind", "municipality_name", "ambiguous"]
    search_fields = ["name", "variants", "code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "region":
            kwargs["queryset"] = regions_kept_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LinkInline(admin.TabularInline):
    model = ProposalLink
    extra = 0


class DocumentInline(admin.TabularInline):
    model = ProposalDocument
    extra = 0
    # Documents come in through the upload's checks (documents.py), never straight in here.
    fields = readonly_fields = (
        "name",
        "media_type",
        "size",
        "pages",
        "has_text",
        "note",
        "uploaded_at",
    )
    can_delete = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Proposal)
class ProposalAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["number", "title", "municipality", "body", "date", "status"]
    list_filter = ["municipality__region", "municipality", "body", "status"]
    list_select_related = ["municipality"]
    search_fields = ["number", "title", "summary"]
    date_hierarchy = "date"
    readonly_fields = ["version", "created_by", "created_at", "updated_at"]
    inlines = [LinkInline, DocumentInline]

    def get_queryset(self, request: Any) -> Any:
        # A concept is for those who keep it, here as on the site.
        proposals = cast(ProposalQuerySet, super().get_queryset(request))
        return proposals.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "municipality":
            kwargs["queryset"] = _municipalities_of(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: Any, obj: Proposal, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AffectedInline(admin.TabularInline):
    model = AffectedMunicipality
    extra = 0
    fields = readonly_fields = ("name", "code", "effect", "explanation")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ImpactCheck)
class ImpactCheckAdmin(ObjectPermissionsModelAdmin):
    """Read-only: a check changes through its write path, which keeps submitted ones as they
    were and starts a new revision instead."""

    list_display = ["proposal", "revision", "state", "regional", "submitted_at"]
    list_filter = ["state", "regional", "proposal__municipality"]
    list_select_related = ["proposal__municipality"]
    inlines = [AffectedInline]

    def get_queryset(self, request: Any) -> Any:
        # Drafts are for those who write the check (`proposals.write_check`), as on the site.
        roles = roles_of(request.user)
        checks = super().get_queryset(request)
        if roles.administrator:
            return checks
        return checks.filter(
            proposal__in=Proposal.objects.visible_to(request.user),
        ).filter(
            ~Q(state=ImpactCheck.State.DRAFT)
            | Q(proposal__municipality__in=roles.editor_of)
            | Q(proposal__municipality__region__in=roles.coordinator_of)
        )

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.has_perm("proposals.view_impactcheck", obj))
