from typing import Any

from django import forms
from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.admin import VersionCheckedAdmin, VersionCheckedForm
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.budgets import request_problems, view_problems
from regioagenda.registry.models import (
    BodyDocument,
    BudgetRequest,
    BudgetView,
    Contribution,
    GoverningBody,
    JointBody,
    Participation,
    Representative,
    Source,
    overlaps,
)
from regioagenda.vision.models import Theme


def _regions_of(request: Any) -> Any:
    """The regions whose register the user keeps (every region for an administrator)."""
    roles = roles_of(request.user)
    if roles.administrator:
        return Region.objects.all()
    return Region.objects.filter(pk__in=roles.coordinator_of)


class ParticipationFormSet(forms.BaseInlineFormSet):
    """Periods entered together must not overlap either; the model checks the stored ones."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.instance.municipality_id or form.instance.outside_name)
        ]
        for index, participation in enumerate(kept):
            for other in kept[:index]:
                if participation.is_same_member(other) and overlaps(
                    participation.period, other.period
                ):
                    raise forms.ValidationError(participation.overlap_message(other))


class SourceInline(admin.TabularInline):
    model = Source
    fields = ("fact", "title", "url", "section")
    extra = 0


class ParticipationInline(admin.TabularInline):
    model = Participation
    form = VersionCheckedForm
    formset = ParticipationFormSet
    fields = (
        "expected_version",
        "municipality",
        "outside_name",
        "outside_code",
        "started_on",
        "ended_on",
        "source_title",
        "source_url",
    )
    extra = 0
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(region__in=_regions_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BodyDocumentInline(admin.TabularInline):
    model = BodyDocument
    fields = ("kind", "title", "year", "url")
    extra = 0


class GoverningBodyInline(admin.TabularInline):
    model = GoverningBody
    fields = ("kind", "name")
    extra = 0
    show_change_link = True


@admin.register(JointBody)
class JointBodyAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "abbreviations", "legal_form", "region", "started_on", "ended_on"]
    list_filter = ["region", "legal_form"]
    search_fields = ["name", "abbreviations", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["version"]
    inlines = [SourceInline, ParticipationInline, GoverningBodyInline, BodyDocumentInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        regions = _regions_of(request)
        if db_field.name == "region":
            kwargs["queryset"] = regions
        if db_field.name == "lead_municipality":
            kwargs["queryset"] = Municipality.objects.filter(region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "themes":
            kwargs["queryset"] = Theme.objects.filter(region__in=_regions_of(request))
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ContributionInline(admin.TabularInline):
    model = Contribution
    form = VersionCheckedForm
    fields = ("expected_version", "year", "amount_eur", "source_title", "source_url")
    extra = 0


@admin.register(Participation)
class ParticipationAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["body", "municipality", "outside_name", "started_on", "ended_on"]
    list_filter = ["body__region", "municipality"]
    list_select_related = ["body", "municipality"]
    search_fields = ["body__name", "outside_name", "municipality__name"]
    readonly_fields = ["version"]
    inlines = [ContributionInline]


class RepresentativeInline(admin.TabularInline):
    model = Representative
    fields = ("municipality", "role", "person")
    extra = 0


@admin.register(GoverningBody)
class GoverningBodyAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["body", "kind", "name"]
    list_select_related = ["body"]
    inlines = [RepresentativeInline]


class BudgetViewFormSet(forms.BaseInlineFormSet):
    """A council's view: only from a council that took part in the budget year, and decided
    after the budget was sent (the same checks as the site form's)."""

    def clean(self) -> None:
        super().clean()
        budget_request = self.instance
        if not budget_request.body_id or not budget_request.sent_on:
            return
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or not form.has_changed()  # includes rows this user may only see
                or data.get("DELETE")
                or not data.get("municipality")
            ):
                continue
            for name, message in view_problems(
                budget_request, data["municipality"], data.get("decided_on")
            ).items():
                form.add_error(name, message)


class BudgetViewInline(admin.TabularInline):
    model = BudgetView
    form = VersionCheckedForm
    formset = BudgetViewFormSet
    fields = ("expected_version", "municipality", "outcome", "decided_on", "summary", "url")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(region__in=_regions_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BudgetRequestForm(VersionCheckedForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, message in request_problems(cleaned).items():
            self.add_error(name, message)
        return cleaned


@admin.register(BudgetRequest)
class BudgetRequestAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    form = BudgetRequestForm
    list_display = ["title", "body", "kind", "year", "sent_on", "views_due_on", "adopted_on"]
    list_filter = ["body__region", "kind", "year"]
    list_select_related = ["body"]
    search_fields = ["title", "body__name"]
    date_hierarchy = "views_due_on"
    readonly_fields = ["version"]
    inlines = [BudgetViewInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "body":
            kwargs["queryset"] = JointBody.objects.filter(region__in=_regions_of(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
