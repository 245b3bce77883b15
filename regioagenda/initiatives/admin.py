"""The back office for initiatives. Moderation happens on the site; the admin is for corrections
and for reading the history. The submitter's e-mail address is shown only to moderators."""

from typing import Any

import rules
from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.core.admin import VersionCheckedAdmin
from regioagenda.initiatives.models import Initiative, InitiativeEvent


class InitiativeEventInline(admin.TabularInline):
    model = InitiativeEvent
    fields = ("status", "happened_on", "note", "public", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    extra = 0

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # History is appended, never rewritten.
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Initiative)
class InitiativeAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "status", "municipality", "domain", "submitted_at"]
    list_filter = ["region", "status", "municipality"]
    list_select_related = ["municipality", "domain"]
    search_fields = ["title", "description", "submitter_name", "organisation"]
    readonly_fields = ["reference", "version", "submitted_at", "published_at"]
    inlines = [InitiativeEventInline]

    def _sees_submitter(self, request: Any, obj: Any) -> bool:
        return rules.test_rule("initiatives.see_submitter", request.user, obj)

    def get_exclude(self, request: Any, obj: Any = None) -> Any:
        if obj is not None and not self._sees_submitter(request, obj):
            return ["submitter_email"]
        return super().get_exclude(request, obj)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for event in formset.save(commit=False):
            if event.recorded_by_id is None:
                event.recorded_by = request.user
            event.save()
        formset.save_m2m()
