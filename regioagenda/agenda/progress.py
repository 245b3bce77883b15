"""Progress of actions: recording an update, and rolling sub-actions up into their parent.

The rule, shown on every action page: an action without sub-actions is as far as its latest
progress update says (no update yet counts as 0 %; a finished action counts as 100 %). An action
with sub-actions is the weighted mean of its sub-actions, each with its declared weight;
stopped sub-actions do not count.

The same rule answers for a past date (`as_of`), from what the history knew on that day: the
latest update on or before it, and each action's status then (from its status changes), so a
sub-action finished later does not yet count as 100 % and one not yet created does not count.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.agenda.models import Action, ProgressUpdate, StatusChange
from regioagenda.regions.models import Municipality


@dataclass
class Progress:
    percent: float
    has_parts: bool
    reported: bool  # False when no update exists yet (the 0 % is assumed, not reported)
    parts: list[tuple[int, int, float]] = field(default_factory=list)  # (action id, weight, %)


class ProgressCalculator:
    """Progress for every action of a region, from two queries however many actions there are.

    With `as_of`, progress and status are those on that date (see the module's docstring); an
    action that did not exist yet then has no status (`status_of` gives None).
    """

    def __init__(
        self,
        *,
        region_id: int | None = None,
        as_of: datetime.date | None = None,
        only: Iterable[int] | None = None,
    ) -> None:
        rows = Action.objects.all()
        if region_id is not None:
            rows = rows.filter(region_id=region_id)
        if only is not None:
            # A page shows a few actions: read those and their sub-actions, not the whole
            # region (whose latest progress per action is the costly part of the query).
            rows = rows.filter(pk__in=_with_descendants(rows, only))
        updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))
        if as_of is not None:
            updates = updates.filter(reported_on__lte=as_of)
        latest = updates.order_by("-reported_on", "-recorded_at")
        rows = rows.annotate(latest=Subquery(latest.values("percent")[:1]))
        fields = ["pk", "parent_id", "weight", "status", "latest"]
        if as_of is not None:
            history = StatusChange.objects.filter(action=OuterRef("pk"))
            then = history.filter(changed_on__lte=as_of).order_by("-changed_on", "-recorded_at")
            rows = rows.annotate(
                status_then=Subquery(then.values("to_status")[:1]), has_history=Exists(history)
            )
            fields += ["status_then", "has_history", "created_at"]
        self.rows = {row["pk"]: row for row in rows.values(*fields)}
        if as_of is not None:
            for row in self.rows.values():
                row["status"] = _status_on(row, as_of)
        self.children: dict[int, list[int]] = defaultdict(list)
        for row in self.rows.values():
            if row["parent_id"]:
                self.children[row["parent_id"]].append(row["pk"])
        self._memo: dict[int, Progress] = {}

    def status_of(self, action_id: int) -> str | None:
        """The action's status (on the `as_of` date, if given); None if it did not exist yet."""
        return self.rows[action_id]["status"]

    def of(self, action_id: int) -> Progress:
        if action_id in self._memo:
            return self._memo[action_id]
        row = self.rows[action_id]
        counted = [
            child
            for child in self.children.get(action_id, [])
            if self.rows[child]["status"] not in (Action.Status.STOPPED, None)
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


def _status_on(row: dict[str, Any], day: datetime.date) -> str | None:
    if row["has_history"]:
        return row["status_then"]  # None when its first status change came after `day`
    # Every action gets a first status change when it is made (`create_action`); one made some
    # other way has only its creation time and its present status to go by.
    return row["status"] if timezone.localdate(row["created_at"]) <= day else None


def _with_descendants(rows: Any, roots: Iterable[int]) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in rows.order_by().values_list("pk", "parent_id"):
        if parent_id:
            children[parent_id].append(pk)
    found: set[int] = set()
    waiting = list(roots)
    while waiting:
        pk = waiting.pop()
        if pk not in found:
            found.add(pk)
            waiting.extend(children.get(pk, []))
    return sorted(found)


def attach_progress(actions: list[Action], region_id: int) -> list[Action]:
    """Set `.progress` on each action, computed from them and their sub-actions at once."""
    calculator = ProgressCalculator(region_id=region_id, only=[action.pk for action in actions])
    for action in actions:
        action.progress = calculator.of(action.pk)  # type: ignore[attr-defined]
    return actions


def can_report_for(user: Any, action: Action) -> list[Municipality]:
    """The municipalities on whose behalf the user may report progress on this action."""
    roles = roles_of(user)
    # Through `all()`, so that participants prefetched by the caller cost no query.
    involved = {action.lead_id, *(m.pk for m in action.participants.all())}
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
