from typing import Any

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import regions_kept_by
from regioagenda.agenda.models import Action
from regioagenda.core.admin import VersionCheckedAdmin, VersionCheckedForm
from regioagenda.dossiers.models import CouncilDecision, DecisionDocument, Dossier
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Agreement, Topic


def _regions_of(request: Any) -> Any:
    """The regions whose dossiers the user keeps (every region for an administrator)."""
    return regions_kept_by(request.user)


class DossierForm(VersionCheckedForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        region = cleaned.get("region") or (self.instance.region if self.instance.pk else None)
        if region is None:
            return cleaned
        for name in ("topic", "agreement"):
            item = cleaned.get(name)
            if item is not None and item.region_id != region.pk:
                self.add_error(name, _("Dit hoort bij een andere regio."))
        for name in ("actions", "municipalities"):
            if any(item.region_id != region.pk for item in cleaned.get(name) or []):
                self.add_error(name, _("Kies alleen uit de regio van het dossier."))
        if self.instance.pk and "municipalities" in cleaned:
            chosen = cleaned["municipalities"] or Municipality.objects.in_region(region)
            decided = Municipality.objects.filter(council_decisions__dossier=self.instance).exclude(
                pk__in=[m.pk for m in chosen]
            )
            if decided.exists():
                self.add_error(
                    "municipalities",
                    _("Voor %(names)s is al een besluit vastgelegd; die gemeenten blijven erbij.")
                    % {"names": ", ".join(sorted({m.name for m in decided}))},
                )
        return cleaned


class CouncilDecisionInline(admin.TabularInline):
    """The decisions, read only: they are recorded on the site, with their checks."""

    model = CouncilDecision
    fields = ("municipality", "body", "proposal_title", "meeting_date", "outcome")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.has_perm("dossiers.view_councildecision")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Dossier)
class DossierAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    form = DossierForm
    list_display = ["title", "region", "topic", "agreement", "created_at"]
    list_filter = ["region"]
    search_fields = ["title", "title_en", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version", "created_at"]
    inlines = [CouncilDecisionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        # A coordinator places dossiers, and links items, only in the region they coordinate.
        regions = _regions_of(request)
        if db_field.name == "region":
            kwargs["queryset"] = regions
        if db_field.name == "topic":
            kwargs["queryset"] = Topic.objects.filter(region__in=regions)
        if db_field.name == "agreement":
            kwargs["queryset"] = Agreement.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "municipalities":
            kwargs["queryset"] = Municipality.objects.filter(region__in=regions)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name == "actions":
            kwargs["queryset"] = Action.objects.filter(region__in=regions).order_by("title")
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):  # type: ignore[no-untyped-def]
        initial = super().get_changeform_initial_data(request)
        regions = list(_regions_of(request)[:2])
        if len(regions) == 1:
            # By default every municipality of the region decides.
            initial.setdefault("region", regions[0].pk)
            initial.setdefault(
                "municipalities",
                list(Municipality.objects.in_region(regions[0]).values_list("pk", flat=True)),
            )
        return initial

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        dossier = form.instance
        if not dossier.municipalities.exists():
            dossier.municipalities.set(Municipality.objects.in_region(dossier.region))


class DecisionDocumentInline(admin.TabularInline):
    model = DecisionDocument
    fields = ("kind", "title", "result", "url")
    readonly_fields = fields
    extra = 0

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.has_perm("dossiers.view_decisiondocument")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CouncilDecision)
class CouncilDecisionAdmin(ObjectPermissionsModelAdmin):
    """Decisions are recorded and changed on the site (one write path, with its checks and
    version check); here staff read them and the coordinator removes one recorded by mistake."""

    list_display = ["dossier", "municipality", "body", "outcome", "meeting_date"]
    list_filter = ["outcome", "body", "municipality"]
    search_fields = ["proposal_title", "proposal_number", "dossier__title"]
    list_select_related = ["dossier", "municipality"]
    fields = (
        "dossier",
        "municipality",
        "body",
        "proposal_title",
        "proposal_number",
        "proposal_url",
        "meeting_date",
        "outcome",
        "outcome_note",
        "version",
        "record_on_site",
    )
    readonly_fields = fields
    inlines = [DecisionDocumentInline]

    @admin.display(description=gettext_lazy("vastleggen op de site"))
    def record_on_site(self, obj: CouncilDecision) -> str:
        return format_html(
            '<a href="{}">{}</a>', obj.get_record_url(), _("Dit besluit wijzigen op de site")
        )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("dossier", "municipality")
