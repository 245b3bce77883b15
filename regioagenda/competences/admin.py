from typing import Any

from django import forms
from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import regions_kept_by, roles_of
from regioagenda.competences.models import Competence, Place, PolicyDomain
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.regions.models import Municipality
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme, Topic


def _regions_of(request: Any) -> Any:
    return regions_kept_by(request.user, through_municipalities=True)


def _keeps_whole_region(request: Any) -> bool:
    roles = roles_of(request.user)
    return roles.administrator or bool(roles.coordinator_of)


@admin.register(PolicyDomain)
class PolicyDomainAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "slug", "parent", "region", "position"]
    list_filter = ["region", "themes"]
    list_select_related = ["parent", "region"]
    search_fields = ["name", "name_en", "keywords", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["version"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "region":
            kwargs["queryset"] = regions
        if db_field.name == "parent":
            kwargs["queryset"] = PolicyDomain.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "themes":
            kwargs["queryset"] = Theme.objects.filter(region__in=regions)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name == "topics":
            kwargs["queryset"] = Topic.objects.filter(region__in=regions)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Place)
class PlaceAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "code", "kind", "municipality", "parent"]
    list_filter = ["kind", "municipality__region", "municipality"]
    list_select_related = ["municipality", "parent"]
    search_fields = ["name", "code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(region__in=regions)
        if db_field.name == "parent":
            kwargs["queryset"] = Place.objects.filter(
                municipality__region__in=regions, kind=Place.Kind.DISTRICT
            ).select_related("municipality")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Competence)
class CompetenceAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = [
        "decision",
        "domain",
        "scale",
        "authority",
        "joint_body",
        "municipality",
        "basis_label",
        "since",
    ]
    list_filter = ["region", "scale", "authority", "basis", "municipality", "domain"]
    list_select_related = ["domain", "joint_body", "municipality"]
    search_fields = ["decision", "decision_en", "law", "article", "note", "domain__name"]
    readonly_fields = ["version"]
    fields = [
        "region",
        "domain",
        "scale",
        "decision",
        "decision_en",
        "authority",
        "joint_body",
        "municipality",
        "basis",
        "law",
        "article",
        "url",
        "since",
        "note",
        "note_en",
        "version",
    ]

    @admin.display(description=Competence._meta.get_field("law").verbose_name)
    def basis_label(self, competence: Competence) -> str:
        return competence.basis_label

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "region":
            kwargs["queryset"] = regions
        if db_field.name == "domain":
            kwargs["queryset"] = PolicyDomain.objects.filter(region__in=regions)
        if db_field.name == "joint_body":
            kwargs["queryset"] = JointBody.objects.filter(region__in=regions)
        if db_field.name == "municipality":
            if _keeps_whole_region(request):
                kwargs["queryset"] = Municipality.objects.filter(region__in=regions)
            else:
                # An editor records a mandate or delegation of their own municipality only.
                kwargs["queryset"] = Municipality.objects.filter(
                    pk__in=roles_of(request.user).editor_of
                )
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
