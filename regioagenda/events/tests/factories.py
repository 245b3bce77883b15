"""Test helpers for events, shared by every helper's tests.

`make_event(region, ...)` stores a PUBLISHED event (in the region's first municipality unless
`municipality` or `place_outside_region` is given), starting tomorrow at 20:00 Amsterdam time
and lasting two hours unless `start`/`end` are given. Pass `categories=[...]`,
`audiences=[...]`, `themes=[...]` as lists of instances; any other keyword is an Event field.
"""

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from regioagenda.events.models import Audience, Category, Event
from regioagenda.regions.models import Municipality, Region

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware datetime in Europe/Amsterdam."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def make_category(region: Region, slug: str, name: str | None = None) -> Category:
    category, _ = Category.objects.get_or_create(
        region=region, slug=slug, defaults={"name": name or slug.replace("-", " ").capitalize()}
    )
    return category


def make_audience(region: Region, slug: str, name: str | None = None) -> Audience:
    audience, _ = Audience.objects.get_or_create(
        region=region, slug=slug, defaults={"name": name or slug.replace("-", " ").capitalize()}
    )
    return audience


def make_event(
    region: Region,
    title: str = "Zomerconcert in het park",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    municipality: Municipality | None = None,
    **kw: Any,
) -> Event:
    categories = kw.pop("categories", [])
    audiences = kw.pop("audiences", [])
    themes = kw.pop("themes", [])
    if start is None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        start = local(tomorrow.year, tomorrow.month, tomorrow.day, 20)
    if end is None:
        end = start + dt.timedelta(hours=2)
    if municipality is None and not kw.get("place_outside_region"):
        municipality = Municipality.objects.filter(region=region).order_by("name").first()
    values: dict[str, Any] = {
        "venue": "Stadsgehoorzaal",
        "organiser_name": "Stichting Cultuur",
        "organiser_email": "organisator@example.org",
        "moderation": Event.Moderation.PUBLISHED,
        "token": secrets.token_urlsafe(32),
    }
    values.update(kw)
    event = Event.objects.create(
        region=region, title=title, start=start, end=end, municipality=municipality, **values
    )
    if categories:
        event.categories.set(categories)
    if audiences:
        event.audiences.set(audiences)
    if themes:
        event.themes.set(themes)
    return event
