"""iCalendar feeds of the events calendar: every published event of the region with the list's
filters (read from the query string, so a subscription keeps them), and one event as a
download ("Zet in mijn agenda").

A feed holds what starts in the coming year and what took place in the last 90 days (a
subscribed calendar asks again every few hours, so later events come in as the year moves on;
a region with tens of thousands of events would otherwise send megabytes on every refresh); a
cancelled event stays in it for 30 days after it would have taken place, with STATUS:CANCELLED,
so that subscribed calendars strike it out rather than silently lose it. The feed costs the same
few queries however many events it holds.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.core.ical import cached_events, calendar, event_component, ics_response
from regioagenda.core.recurrence import last_end, occurrences
from regioagenda.events.filters import EventFilter, upcoming_and_recent
from regioagenda.events.models import Event
from regioagenda.events.views import visible_event
from regioagenda.regions.current import current_region

RECENT_DAYS = 90
AHEAD_DAYS = 366
CANCELLED_DAYS = 30


def in_feed(event: Event, now: datetime.datetime) -> bool:
    """Whether the event (or its series) ended recently enough to stay in a feed."""
    days = CANCELLED_DAYS if event.status == Event.Status.CANCELLED else RECENT_DAYS
    since = now - datetime.timedelta(days=days)
    try:
        ends = last_end(event.start, event.end, event.recurrence)
    except ValidationError:
        ends = event.end
    return ends is None or ends >= since


def events_feed(request: HttpRequest) -> HttpResponse:
    region = current_region()
    filters = EventFilter(request.GET or None, region=region)
    if request.GET and not filters.is_valid():
        return HttpResponseBadRequest(
            filters.errors_text().encode(), content_type="text/plain; charset=utf-8"
        )
    now = timezone.now()
    events = upcoming_and_recent(filters.events(), days=RECENT_DAYS)
    if not filters.has_dates():
        # A chosen date range is the subscriber's own horizon; else the coming year. A series
        # that started before then is one VEVENT with its RRULE, so it stays whole.
        events = events.filter(start__lt=now + datetime.timedelta(days=AHEAD_DAYS))
    events = (
        events.select_related("municipality").prefetch_related("categories").order_by("start", "pk")
    )
    selected = [event for event in events if in_feed(event, now)]
    if filters.has_dates():
        # A date range selects the events with an occurrence in it, like the list does.
        start, end = filters.window(now, now + datetime.timedelta(days=100 * 366))
        selected = [event for event in selected if _occurs(event, start, end)]
    name = _("Evenementen in %(region)s") % {"region": region.translated_name}
    if chosen := filters.description():
        name = f"{name} ({chosen})"
    return ics_response(calendar(name, cached_events(selected)))


def _occurs(event: Event, start: datetime.datetime, end: datetime.datetime) -> bool:
    try:
        return bool(occurrences(event.start, event.end, event.recurrence, start, end))
    except ValidationError:
        return bool(occurrences(event.start, event.end, "", start, end))


def one_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    if event.moderation != Event.Moderation.PUBLISHED:
        # A calendar keeps what it imported: only published events leave the site.
        raise Http404
    return ics_response(
        calendar(event.title, [event_component(event)]), filename=f"{event.title}-{event.pk}"
    )
