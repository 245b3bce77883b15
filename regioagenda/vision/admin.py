from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.regions.models import Region
from regioagenda.vision.models import Agreement, Principle, Quality, Theme, Topic


class VisionItemAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "slug", "region", "position"]
    list_filter = ["region"]
    search_fields = ["title", "title_en", "summary"]
    readonly_fields = ["version"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        # A coordinator can only place items in the region they coordinate.
        if db_field.name == "region":
            roles = roles_of(request.user)
            if not roles.administrator:
                kwargs["queryset"] = Region.objects.filter(pk__in=roles.coordinator_of)
        if db_field.name == "theme":
            roles = roles_of(request.user)
            if not roles.administrator:
                kwargs["queryset"] = Theme.objects.filter(region__in=roles.coordinator_of)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.register(Quality, VisionItemAdmin)
admin.site.register(Principle, VisionItemAdmin)
admin.site.register(Agreement, VisionItemAdmin)


@admin.register(Theme)
class ThemeAdmin(VisionItemAdmin):
    list_display = ["title", "slug", "region", "position", "is_governance"]


@admin.register(Topic)
class TopicAdmin(VisionItemAdmin):
    list_display = ["title", "slug", "theme", "position"]
    list_filter = ["region", "theme"]
