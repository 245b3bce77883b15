import datetime

from regioagenda.agenda.models import Action, Milestone, ProgressUpdate, StatusChange
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Topic


def make_action(lead: Municipality, *, topic: str = "economie071", **values) -> Action:
    action = Action.objects.create(
        region=lead.region,
        topic=Topic.objects.get(region=lead.region, slug=topic),
        lead=lead,
        title=values.pop("title", f"Actie van {lead.name}"),
        **values,
    )
    StatusChange.objects.create(
        action=action,
        from_status="",
        to_status=action.status,
        changed_on=datetime.date(2026, 1, 5),
    )
    return action


def report(action: Action, user, percent: int, on: datetime.date, municipality=None):  # type: ignore[no-untyped-def]
    return ProgressUpdate.objects.create(
        action=action,
        reported_on=on,
        percent=percent,
        text=f"{percent}% klaar",
        municipality=municipality or action.lead,
        author=user,
    )


def milestone(action: Action, planned_on: datetime.date, achieved_on=None, title="Mijlpaal"):  # type: ignore[no-untyped-def]
    return Milestone.objects.create(
        action=action, title=title, planned_on=planned_on, achieved_on=achieved_on
    )
