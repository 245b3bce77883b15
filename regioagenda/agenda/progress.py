"""Progress of actions: recording an update, and rolling sub-actions up into their parent.

The rule, shown on every action page: an action without sub-actions is as far as its latest
progress update says (no update yet counts as 0 %; a finished action counts as 100 %). An action
with sub-actions is the weighted mean of its sub-actions, each with its declared weight;
stopped sub-actions do not count.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.agenda.models import Action, ProgressUpdate
from regioagenda.regions.models import Municipality


@dataclass
class Progress:
    percent: float
    has_parts: bool
    reported: bool  # False when no update exists yet (the 0 % is assumed, not reported)
    parts: list[tuple[int, int, float]] = field(default_factory=list)  # (action id, weight, %)


class ProgressCalculator:
    """Progress for every action of a region, from two queries however many actions there are."""

    def __init__(self, *, region_id: int | None = None) -> None:
        rows = Action.objects.all()
        if region_id is not None:
            rows = rows.filter(region_id=region_id)
        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by(
            "-reported_on", "-recorded_at"
        )
        self.rows = {
            row["pk"]: row
            for row in rows.annotate(latest=Subquery(latest.values("percent")[:1])).values(
                "pk", "parent_id", "weight", "status", "latest"
            )
        }
        self.children: dict[int, list[int]] = defaultdict(list)
        for row in self.rows.values():
            if row["parent_id"]:
                self.children[row["parent_id"]].append(row["pk"])
        self._memo: dict[int, Progress] = {}

    def of(self, action_id: int) -> Progress:
        if action_id in self._memo:
            return self._memo[action_id]
        row = self.rows[action_id]
        counted = [
            child
            for child in self.children.get(action_id, [])
            if self.rows[child]["status"] != Action.Status.STOPPED
        ]
        if counted:
            parts = [(c, self.rows[c]["weight"], self.of(c).percent) for c in counted]
            total = sum(weight for _, weight, _ in parts)
            percent = sum(weight * value for _, weight, value in parts) / total
            result = Progress(round(percent, 1), True, True, parts)
        elif row["status"] == Action.Status.DONE:
            result = Progress(100.0, False, True)
        else:
            result = Progress(float(row["latest"] or 0), False, row["latest"] is not None)
        self._memo[action_id] = result
        return result


def attach_progress(actions: list[Action], region_id: int) -> list[Action]:
    """Set `.progress` on each action, computed for the whole region at once."""
    calculator = ProgressCalculator(region_id=region_id)
    for action in actions:
        action.progress = calculator.of(action.pk)  # type: ignore[attr-defined]
    return actions


def can_report_for(user: Any, action: Action) -> list[Municipality]:
    """The municipalities on whose behalf the user may report progress on this action."""
    roles = roles_of(user)
    involved = {action.lead_id, *action.participants.values_list("pk", flat=True)}
    if roles.administrator or action.region_id in roles.coordinator_of:
        allowed = involved
    else:
        allowed = involved & roles.editor_of
    return list(Municipality.objects.filter(pk__in=allowed).order_by("name"))


@transaction.atomic
def record_progress(
    action: Action,
    *,
    by: Any,
    municipality: Municipality,
    reported_on: datetime.date,
    text: str,
    percent: int,
) -> ProgressUpdate:
    """Add a progress update on behalf of a municipality that leads or takes part in the action."""
    if not rules.test_rule("agenda.add_progress", by, action):
        raise PermissionDenied
    if municipality not in can_report_for(by, action):
        raise PermissionDenied
    problems: dict[str, str] = {}
    if reported_on > timezone.localdate():
        problems["reported_on"] = _("De datum ligt in de toekomst.")
    if not 0 <= percent <= 100:
        problems["percent"] = _("Het percentage ligt tussen 0 en 100.")
    if not text.strip():
        problems["text"] = _("Beschrijf de voortgang.")
    if problems:
        raise ValidationError(problems)
    return ProgressUpdate.objects.create(
        action=action,
        reported_on=reported_on,
        text=text.strip(),
        percent=percent,
        municipality=municipality,
        author=by,
    )
