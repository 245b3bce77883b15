"""Bodies and meetings for tests (the events and iCal tests use make_meeting too)."""

import datetime
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from regioagenda.meetings.models import Body, BodyKind, Meeting, MeetingKind
from regioagenda.regions.models import Municipality, Region

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def make_body(
    region: Region,
    municipality: Municipality | None = None,
    kind: str = BodyKind.COUNCIL,
    **values: Any,
) -> Body:
    """A municipality's council or college, or a regional body when no municipality is given.
    Slugs and names follow the loader's ("gemeenteraad-leiden", "Gemeenteraad Leiden"); a body
    the loaded data set already holds is returned as it is."""
    if municipality is None and kind in (BodyKind.COUNCIL, BodyKind.COLLEGE):
        kind = BodyKind.REGIONAL
    if municipality is not None:
        prefix, name = (
            ("gemeenteraad", f"Gemeenteraad {municipality.name}")
            if kind == BodyKind.COUNCIL
            else ("college", f"College van B&W {municipality.name}")
        )
        values.setdefault("slug", f"{prefix}-{municipality.slug}")
        values.setdefault("name", name)
    else:
        values.setdefault("slug", "regionale-raadsconferentie")
        values.setdefault("name", "Regionale raadsconferentie")
    if municipality is not None:
        existing = Body.objects.filter(municipality=municipality, kind=kind).first()
    else:
        existing = Body.objects.filter(region=region, slug=values["slug"]).first()
    if existing is not None:
        return existing
    return Body.objects.create(region=region, municipality=municipality, kind=kind, **values)


def make_meeting(
    region: Region,
    title: str = "Themabijeenkomst wonen",
    start: datetime.datetime | None = None,
    bodies: Iterable[Body] = (),
    **values: Any,
) -> Meeting:
    """A public thematic meeting of two hours, by default on 1 December 2026 at 19:30 local."""
    if start is None:
        start = datetime.datetime(2026, 12, 1, 19, 30, tzinfo=AMSTERDAM)
    values.setdefault("end", start + datetime.timedelta(hours=2))
    values.setdefault("kind", MeetingKind.THEMATIC)
    values.setdefault("location", "Stadhuis Leiden")
    meeting = Meeting.objects.create(region=region, title=title, start=start, **values)
    if bodies:
        meeting.bodies.set(bodies)
    return meeting
