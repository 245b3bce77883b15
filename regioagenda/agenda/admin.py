from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from regioagenda.agenda.models import Action, ActionLink, BudgetLine, Milestone
from regioagenda.core.admin import VersionCheckedAdmin


class ActionPartInline(admin.TabularInline):
    """Milestones, budget lines and links may be kept by whoever may edit their action."""

    extra = 1

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.has_perm("agenda.view_action", obj)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is not None and request.user.has_perm("agenda.change_action", obj)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


class MilestoneInline(ActionPartInline):
    model = Milestone
    fields = ["title", "planned_on", "achieved_on"]


class BudgetLineInline(ActionPartInline):
    model = BudgetLine


class LinkInline(ActionPartInline):
    model = ActionLink


@admin.register(Action)
class ActionAdmin(ObjectPermissionsModelAdmin, VersionCheckedAdmin):
    list_display = ["title", "lead", "status", "topic", "agreement", "priority"]
    list_filter = ["status", "lead", "region"]
    search_fields = ["title", "description"]
    # The action itself is created and changed through its form on the site (one write path,
    # with its checks); here editors keep its milestones, budget lines and links.
    readonly_fields = [
        "region",
        "title",
        "title_en",
        "description",
        "description_en",
        "topic",
        "agreement",
        "parent",
        "weight",
        "lead",
        "participants",
        "partners",
        "status",
        "priority",
        "version",
    ]
    inlines = [MilestoneInline, BudgetLineInline, LinkInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
