"""Moderating initiatives: publish, reject and record what happened next.

Each step is a new InitiativeEvent (never an overwritten one) and a version-checked change of the
initiative, so that two moderators working at once cannot both apply a step based on the same
version. The site's forms and the API call these functions.
"""

import datetime
from typing import Any, cast

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.agenda.models import Action
from regioagenda.competences.models import Place, PolicyDomain
from regioagenda.core.concurrency import save_with_version_check
from regioagenda.initiatives.models import Initiative, InitiativeEvent, Status
from regioagenda.initiatives.routing import route
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Topic

# What may be recorded after publication.
LATER_STATUSES = [Status.FORWARDED, Status.ANSWERED, Status.ON_AGENDA, Status.CLOSED]


def _check_may_moderate(by: Any, initiative: Initiative) -> None:
    if not rules.test_rule("initiatives.moderate_initiative", by, initiative):
        raise PermissionDenied


def _check_region(initiative: Initiative, **items: Any) -> None:
    problems = {
        name: _("Dit hoort bij een andere regio.")
        for name, item in items.items()
        if item is not None and item.region_id != initiative.region_id
    }
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def publish_initiative(
    initiative: Initiative,
    *,
    by: Any,
    expected_version: int,
    on: datetime.date | None = None,
    note: str = "",
    domain: PolicyDomain | None = None,
    topic: Topic | None = None,
    municipality: Municipality | None = None,
    place: Place | None = None,
) -> Initiative:
    """Make a submitted initiative public, with the moderator's corrections of its routing."""
    _check_may_moderate(by, initiative)
    if initiative.status != Status.SUBMITTED:
        raise ValidationError(_("Alleen een ingediend initiatief kan worden gepubliceerd."))
    _check_region(initiative, domain=domain, topic=topic, municipality=municipality)
    if place is not None:
        if municipality is None:
            municipality = place.municipality
        elif place.municipality_id != municipality.pk:
            raise ValidationError(
                {"place": _("Deze wijk of buurt ligt niet in de gekozen gemeente.")}
            )
    routing = route(
        initiative.region,
        text=f"{initiative.title} {initiative.description}",
        domain=domain,
        municipality=municipality,
        place=place,
        topic=topic,
    )
    saved = cast(
        Initiative,
        save_with_version_check(
            initiative,
            expected_version=expected_version,
            changes={
                "status": Status.PUBLISHED,
                "published_at": timezone.now(),
                "domain": routing.domain,
                "topic": routing.topic,
                "municipality": municipality,
                "place": place,
            },
        ),
    )
    saved.competences.set(routing.competences)
    InitiativeEvent.objects.create(
        initiative=saved,
        status=Status.PUBLISHED,
        happened_on=on or timezone.localdate(),
        note=note,
        public=True,
        recorded_by=by,
    )
    return saved


@transaction.atomic
def reject_initiative(
    initiative: Initiative,
    *,
    by: Any,
    expected_version: int,
    reason: str,
    on: datetime.date | None = None,
) -> Initiative:
    """Keep a submitted initiative off the site; the reason stays internal."""
    _check_may_moderate(by, initiative)
    if initiative.status != Status.SUBMITTED:
        raise ValidationError(_("Alleen een ingediend initiatief kan worden afgewezen."))
    if not reason.strip():
        raise ValidationError({"note": _("Geef een reden op; die blijft intern.")})
    saved = cast(
        Initiative,
        save_with_version_check(
            initiative, expected_version=expected_version, changes={"status": Status.REJECTED}
        ),
    )
    InitiativeEvent.objects.create(
        initiative=saved,
        status=Status.REJECTED,
        happened_on=on or timezone.localdate(),
        note=reason,
        public=False,
        recorded_by=by,
    )
    return saved


@transaction.atomic
def record_event(
    initiative: Initiative,
    *,
    by: Any,
    expected_version: int,
    status: str,
    on: datetime.date,
    note: str = "",
    action: Action | None = None,
) -> InitiativeEvent:
    """Record what happened to a published initiative: forwarded, answered, on the agenda
    (with its action), closed. The note is public."""
    _check_may_moderate(by, initiative)
    if not initiative.is_public:
        raise ValidationError(_("Publiceer het initiatief eerst."))
    if status not in LATER_STATUSES:
        raise ValidationError({"status": _("Deze status kan hier niet worden vastgelegd.")})
    if status == Status.ON_AGENDA and action is None:
        raise ValidationError({"action": _("Kies de actie in de uitvoeringsagenda.")})
    _check_region(initiative, action=action)
    if on > timezone.localdate():
        raise ValidationError({"happened_on": _("De datum ligt in de toekomst.")})
    changes: dict[str, Any] = {"status": status}
    if action is not None:
        changes["action"] = action
    saved = save_with_version_check(initiative, expected_version=expected_version, changes=changes)
    return InitiativeEvent.objects.create(
        initiative=cast(Initiative, saved),
        status=status,
        happened_on=on,
        note=note,
        public=True,
        recorded_by=by,
    )
