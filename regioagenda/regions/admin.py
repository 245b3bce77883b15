from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.regions.models import Municipality, Organisation, Region


@admin.register(Region)
class RegionAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug", "version"]


@admin.register(Municipality)
class MunicipalityAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "code", "region", "population", "population_date"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
    # Identity and statistics come from the data set; editors describe their municipality.
    readonly_fields = [
        "region",
        "code",
        "name",
        "slug",
        "population",
        "population_date",
        "population_source",
        "population_source_url",
        "version",
    ]


@admin.register(Organisation)
class OrganisationAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "region":
            roles = roles_of(request.user)
            if not roles.administrator:
                kwargs["queryset"] = Region.objects.filter(pk__in=roles.coordinator_of)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
