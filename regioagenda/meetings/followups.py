"""Agreed follow-ups: an agreement made at a meeting becomes an action on the execution agenda,
or a task (a sub-action, `parent`) under an existing one, with a link back to the agenda item.

    agree_follow_up(item, by=…, title=…, topic=…, lead=…, parent=…) -> FollowUp

The action is made through `agenda.editing.create_action`, the execution agenda's own write
path (its checks, its permission on the lead, its first status change "idee"), and the
follow-up row in the same transaction. The action page reaches the meeting through
`action.follow_ups` (see the include `meetings/includes/action_origin.html`).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from regioagenda.agenda.editing import create_action
from regioagenda.agenda.models import Action
from regioagenda.meetings.models import AgendaItem, FollowUp
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Topic


@transaction.atomic
def agree_follow_up(
    item: AgendaItem,
    *,
    by: Any,
    title: str,
    topic: Topic | None = None,
    lead: Municipality | None = None,
    parent: Action | None = None,
) -> FollowUp:
    """Create the action (or sub-action of `parent`) agreed on `item` and link it back.

    Raises ValidationError (Dutch, per field) when no topic or lead can be decided, and
    PermissionDenied when `by` may not make `lead` the lead of an action."""
    meeting = item.meeting
    region = meeting.region
    values: dict[str, Any] = {"title": title.strip()}
    if parent is not None:
        if parent.region_id != region.pk:
            raise ValidationError({"parent": _("Deze actie hoort bij een andere regio.")})
        # A task sits under its parent's topic or agreement (an action belongs to one of both).
        values.update(
            parent=parent,
            topic=parent.topic if parent.topic_id else None,
            agreement=parent.agreement if parent.agreement_id else None,
            lead=lead or parent.lead,
        )
    else:
        if topic is None:
            topics = list(item.topics.all()[:2])
            topic = topics[0] if len(topics) == 1 else None
        if topic is None:
            raise ValidationError(
                {"topic": _("Kies het onderwerp van de agenda waar de actie onder valt.")}
            )
        lead = lead or meeting.organiser
        if lead is None:
            raise ValidationError({"lead": _("Kies de gemeente die de actie trekt.")})
        values.update(topic=topic, lead=lead)
    if not values["title"]:
        raise ValidationError({"title": _("Geef de afspraak een titel.")})
    day = formats.date_format(timezone.localtime(meeting.start), "j F Y")
    values["description"] = _(
        "Afgesproken in „%(meeting)s” op %(day)s, bij agendapunt „%(item)s”."
    ) % {
        "meeting": meeting.title,
        "day": day,
        "item": item.title,
    }
    action = create_action(region, by=by, values=values, participants=[], partners=[])
    item.actions.add(action)
    return FollowUp.objects.create(item=item, action=action, created_by=by)
