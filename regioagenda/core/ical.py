"""Render events and meetings as iCalendar (RFC 5545) that calendar apps import or subscribe to.

Times are written in Europe/Amsterdam (`TZID`, with the VTIMEZONE the calendar needs), so that a
weekly series at 19:30 stays at 19:30 after the change to or from summer time; an all-day event
is written with dates (its DTEND is the day after its last day, as RFC 5545 wants). Each item
keeps its UID across feeds and edits (the model's `uid`); SEQUENCE and LAST-MODIFIED tell a
calendar that it changed, STATUS:CANCELLED that it should strike it out.
"""

import datetime
import functools
import hashlib
import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import icalendar
import nh3
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regioagenda.core.recurrence import local_zone

if TYPE_CHECKING:
    from regioagenda.events.models import Event
    from regioagenda.meetings.models import AgendaItem, Meeting

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Regio-agenda//Agenda//NL"
STATUS = {"afgelast": "CANCELLED", "uitgesteld": "TENTATIVE"}
CALENDAR_END = b"END:VCALENDAR\r\n"
# A feed of 10,000 events spent over 10 s building and serialising components with icalendar
# (about 1 ms each, see bench/README.md); an event's text only changes when the event does.
CACHE_SECONDS = 24 * 60 * 60


class Subscription(NamedTuple):
    """A feed's absolute address, and the same as webcal:// (which calendar apps open as a
    subscription rather than a download)."""

    https: str
    webcal: str


def subscription(path: str) -> Subscription:
    """The subscription addresses of a feed at `path` (with its query string) on this site."""
    url = settings.SITE_URL.rstrip("/") + path
    return Subscription(url, "webcal://" + url.split("://", 1)[1])


def uid_for(uid: object) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "regioagenda"
    return f"{uid}@{host}"


def plain_text(text: str) -> str:
    """Sanitised HTML as plain text: block ends become line breaks, tags go, entities are read."""
    text = re.sub(r"(?i)<br\s*/?>|</(p|li|h2|h3)>", "\n", text)
    text = html.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def calendar(name: str, items: Iterable[icalendar.Event | bytes]) -> bytes:
    """A whole calendar named `name` (X-WR-CALNAME) with the components, given as components or
    as their serialised text (see `cached_event`), and the time zone they are written in."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    head = cal.to_ical().removesuffix(CALENDAR_END)
    body = [item if isinstance(item, bytes) else item.to_ical() for item in items]
    zone = _timezone_block(settings.TIME_ZONE) if body else b""
    return head + zone + b"".join(body) + CALENDAR_END


@functools.cache
def _timezone_block(tzid: str) -> bytes:
    """The VTIMEZONE of `tzid` as icalendar writes it for a component in that zone."""
    probe = icalendar.Calendar()
    component = icalendar.Event()
    component.add("dtstart", datetime.datetime(2026, 1, 1, tzinfo=local_zone()))
    probe.add_component(component)
    probe.add_missing_timezones()
    return b"".join(zone.to_ical() for zone in probe.walk("VTIMEZONE"))


def cached_events(events: Iterable["Event"]) -> list[bytes]:
    """The events' VEVENTs as text, in order, read from the cache in one go. The key is a digest
    of everything the text is written from, so a changed event or a renamed category is never
    served stale, whatever its `sequence` or clock says."""
    language = get_language() or ""
    keyed = [(f"ical:event:{_fingerprint(event)}:{language}", event) for event in events]
    found = cache.get_many([key for key, _event in keyed])
    missing = {key: event_component(event).to_ical() for key, event in keyed if key not in found}
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return [found.get(key) or missing[key] for key, _event in keyed]


def _fingerprint(event: "Event") -> str:
    values = (
        event.uid,
        event.title,
        event.description,
        event.start,
        event.end,
        event.all_day,
        event.recurrence,
        event.sequence,
        event.updated_at,
        event.status,
        event.accessibility,
        event.url,
        event.venue,
        event.address,
        event.municipality_id,
        event.place_outside_region,
        event.pk,
        settings.SITE_URL,
        [category.translated_name for category in event.categories.all()],
    )
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def event_component(event: "Event") -> icalendar.Event:
    """An event as a VEVENT. Reads `categories` (prefetch it for a feed) and `municipality`."""
    component = _base(
        uid=event.uid,
        title=event.title,
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        recurrence=event.recurrence,
        url=event.get_absolute_url(),
        sequence=event.sequence,
        modified=event.updated_at,
        status=STATUS.get(event.status, "CONFIRMED"),
    )
    description = plain_text(event.description)
    if event.accessibility:
        description += "\n\n" + _("Toegankelijkheid: %(text)s") % {"text": event.accessibility}
    if event.url:
        description += "\n\n" + event.url
    if description.strip():
        component.add("description", description.strip())
    place = ", ".join(part for part in (event.venue, event.address) if part)
    if event.municipality_id is None and event.place_outside_region:
        place = ", ".join(part for part in (place, event.place_outside_region) if part)
    if place:
        component.add("location", place)
    categories = [category.translated_name for category in event.categories.all()]
    if categories:
        component.add("categories", categories)
    return component


def meeting_component(
    meeting: "Meeting", public_items: Iterable["AgendaItem"] = ()
) -> icalendar.Event:
    """A meeting as a VEVENT, its description listing the public agenda items only (pass them:
    a closed item never reaches a feed). Reads `bodies` (prefetch it for a feed)."""
    component = _base(
        uid=meeting.uid,
        title=meeting.title,
        start=meeting.start,
        end=meeting.end,
        all_day=False,
        recurrence=meeting.recurrence,
        url=meeting.get_absolute_url(),
        sequence=meeting.sequence,
        modified=meeting.updated_at,
        status="CANCELLED" if meeting.status == "afgelast" else "CONFIRMED",
    )
    parts = [meeting.description.strip()]
    bodies = [body.translated_name for body in meeting.bodies.all()]
    if bodies:
        parts.append(_("Organen: %(bodies)s") % {"bodies": ", ".join(bodies)})
    agenda = [f"{item.position}. {item.title}" for item in public_items if item.public]
    if agenda:
        parts.append(_("Agenda:") + "\n" + "\n".join(agenda))
    if meeting.online_url:
        parts.append(_("Online deelnemen: %(url)s") % {"url": meeting.online_url})
    description = "\n\n".join(part for part in parts if part)
    if description:
        component.add("description", description)
    if meeting.location:
        component.add("location", meeting.location)
    if bodies:
        component.add("categories", bodies)
    return component


def _base(
    *,
    uid: object,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime,
    all_day: bool,
    recurrence: str,
    url: str,
    sequence: int,
    modified: datetime.datetime,
    status: str,
) -> icalendar.Event:
    zone = local_zone()
    component = icalendar.Event()
    component.add("uid", uid_for(uid))
    # Without a METHOD, DTSTAMP is when the item was last revised (RFC 5545, 3.8.7.2): it stays
    # the same between two requests, so an unchanged feed is byte for byte the same.
    component.add("dtstamp", modified.astimezone(datetime.UTC))
    component.add("last-modified", modified.astimezone(datetime.UTC))
    if all_day:
        first = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        component.add("dtstart", first)
        component.add("dtend", max(last, first) + datetime.timedelta(days=1))
    else:
        component.add("dtstart", start.astimezone(zone))
        component.add("dtend", end.astimezone(zone))
    if recurrence:
        component.add("rrule", _rule(recurrence, all_day))
    component.add("summary", title)
    component.add("url", settings.SITE_URL.rstrip("/") + url)
    component.add("sequence", sequence)
    component.add("status", status)
    return component


def _rule(text: str, all_day: bool) -> icalendar.vRecur:
    """The stored rule, its UNTIL in the form RFC 5545 wants beside the DTSTART: a date for an
    all-day event, else a UTC time."""
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    rule = icalendar.vRecur.from_ical(text)
    if "UNTIL" in rule:
        until: Any = rule["UNTIL"][0]
        if isinstance(until, datetime.datetime):
            if until.tzinfo is None:
                until = until.replace(tzinfo=local_zone())
            until = (
                until.astimezone(local_zone()).date() if all_day else until.astimezone(datetime.UTC)
            )
        elif not all_day:
            # A date only: the whole last day counts.
            until = datetime.datetime.combine(
                until, datetime.time(23, 59, 59), tzinfo=local_zone()
            ).astimezone(datetime.UTC)
        rule["UNTIL"] = [until]
    return rule


def ics_response(content: bytes, *, filename: str | None = None) -> HttpResponse:
    """The calendar as a response; with a file name, as a download (one item)."""
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    if filename is not None:
        stem = slugify(filename)[:60].strip("-") or "agenda"
        response["Content-Disposition"] = f'attachment; filename="{stem}.ics"'
    return response
