"""{% history_for obj %}: the audit trail of an item, shown to staff on the item's own page."""

from typing import Any

from auditlog.models import LogEntry
from django import template

register = template.Library()


@register.inclusion_tag("core/history.html", takes_context=True)
def history_for(context: dict[str, Any], obj: Any, compact: bool = False) -> dict[str, Any]:
    """The item's audit log for staff; `compact` folds it away, for items in a list."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"show": False}
    entries = (
        LogEntry.objects.get_for_object(obj)
        .select_related("actor", "content_type")
        .order_by("-timestamp")
    )
    return {
        "show": True,
        "entries": list(entries[:50]),
        "object": obj,
        "compact": compact,
        "anchor": f"geschiedenis-{obj._meta.model_name}-{obj.pk}",
    }
