"""Creating and changing actions: the one write path for the site form, the admin and the API."""

from typing import Any, cast

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.agenda.models import Action, StatusChange
from regioagenda.core.concurrency import save_with_version_check
from regioagenda.regions.models import Municipality, Organisation, Region

FIELDS = [
    "title",
    "title_en",
    "description",
    "description_en",
    "topic",
    "agreement",
    "parent",
    "weight",
    "lead",
]


def leads_for(user: Any, region: Region) -> list[Municipality]:
    """The municipalities the user may make the lead of an action."""
    roles = roles_of(user)
    municipalities = Municipality.objects.in_region(region)
    if roles.administrator or region.pk in roles.coordinator_of:
        return list(municipalities)
    return list(municipalities.filter(pk__in=roles.editor_of))


def _check(region: Region, values: dict[str, Any], action: Action | None) -> None:
    problems: dict[str, str] = {}
    topic, agreement, parent = values.get("topic"), values.get("agreement"), values.get("parent")
    if bool(topic) == bool(agreement):
        problems["topic"] = _("Kies een onderwerp óf een afspraak waar de actie onder valt.")
    for name, item in (("topic", topic), ("agreement", agreement), ("parent", parent)):
        if item is not None and item.region_id != region.pk:
            problems[name] = _("Dit hoort bij een andere regio.")
    if values["lead"].region_id != region.pk:
        problems["lead"] = _("Deze gemeente hoort niet bij de regio.")
    if parent is not None and action is not None:
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == action.pk:
                problems["parent"] = _("Een actie kan geen onderdeel van zichzelf zijn.")
                break
            ancestor = ancestor.parent
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def create_action(
    region: Region,
    *,
    by: Any,
    values: dict[str, Any],
    participants: list[Municipality],
    partners: list[Organisation],
) -> Action:
    if values["lead"] not in leads_for(by, region):
        raise PermissionDenied
    _check(region, values, None)
    action = Action(region=region, **{name: values.get(name) for name in FIELDS if name in values})
    action.full_clean()
    action.save()
    action.participants.set([m for m in participants if m.pk != action.lead_id])
    action.partners.set(partners)
    StatusChange.objects.create(
        action=action,
        from_status="",
        to_status=action.status,
        changed_on=timezone.localdate(),
        changed_by=by,
        reason=_("Actie aangemaakt."),
    )
    return action


@transaction.atomic
def update_action(
    action: Action,
    *,
    by: Any,
    expected_version: int,
    values: dict[str, Any],
    participants: list[Municipality],
    partners: list[Organisation],
) -> Action:
    """Save the editor's changes unless someone else saved in between (EditConflict)."""
    if not rules.test_rule("agenda.change_action", by, action):
        raise PermissionDenied
    if values["lead"].pk != action.lead_id and values["lead"] not in leads_for(by, action.region):
        raise PermissionDenied
    _check(action.region, values, action)
    saved = cast(
        Action,
        save_with_version_check(
            action,
            expected_version=expected_version,
            changes={name: values[name] for name in FIELDS if name in values},
        ),
    )
    saved.participants.set([m for m in participants if m.pk != saved.lead_id])
    saved.partners.set(partners)
    return saved
