from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from regioagenda.accounts.predicates import roles_of
from regioagenda.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Administrators read the log here; nobody adds, changes or deletes a record."""

    list_display = ["at", "action", "result", "actor_kind", "actor_id", "object_type", "object_id"]
    list_filter = ["action", "result", "actor_kind"]
    search_fields = ["object_id", "origin"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditRecord._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return roles_of(request.user).administrator

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles_of(request.user).administrator

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
