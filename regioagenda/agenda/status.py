"""Moving an action along its course: idea → exploring → awaiting decision → in progress → done,
or stopped at any point with a reason. Every move is a dated, permanent row."""

import datetime
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.agenda.models import Action, StatusChange


@transaction.atomic
def change_status(
    action: Action, *, to: str, by: Any, on: datetime.date, reason: str = ""
) -> StatusChange:
    if not rules.test_rule("agenda.change_action", by, action):
        raise PermissionDenied
    current = Action.objects.select_for_update().get(pk=action.pk)
    if to not in current.allowed_next_statuses():
        raise ValidationError(
            {
                "to": _("Van “%(from)s” kan een actie niet naar “%(to)s”.")
                % {"from": current.get_status_display(), "to": Action.Status(to).label}
            }
        )
    if to == Action.Status.STOPPED and not reason.strip():
        raise ValidationError({"reason": _("Geef aan waarom de actie stopt.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("De datum ligt in de toekomst.")})
    change = StatusChange.objects.create(
        action=current,
        from_status=current.status,
        to_status=to,
        changed_on=on,
        reason=reason.strip(),
        changed_by=by,
    )
    current.status = to
    current.version += 1
    current.save(update_fields=["status", "version"])
    action.status, action.version = current.status, current.version
    return change
