"""iCalendar feeds of meetings: all meetings of the region, a body's meetings, and one meeting
as a download.

Feeds are read by calendar apps without a login, so they hold what the public may see: public
meetings, and of those only the public agenda items (a closed item never reaches a feed). A
meeting of several bodies appears once in each body's feed, with the same UID. A feed holds what
is upcoming and the last 90 days; a cancelled meeting stays 30 days after its date, with
STATUS:CANCELLED. The number of queries does not grow with the number of meetings.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from regioagenda.core.ical import calendar, ics_response, meeting_component
from regioagenda.core.recurrence import last_end
from regioagenda.meetings.models import AgendaItem, Body, Meeting, MeetingQuerySet
from regioagenda.regions.current import current_region

RECENT_DAYS = 90
CANCELLED_DAYS = 30


def _with_public_items(meetings: MeetingQuerySet) -> MeetingQuerySet:
    return meetings.prefetch_related(
        "bodies",
        Prefetch(
            "items",
            queryset=AgendaItem.objects.filter(public=True).order_by("position", "pk"),
            to_attr="public_items",
        ),
    )


def _in_feed(meeting: Meeting, now: datetime.datetime) -> bool:
    days = CANCELLED_DAYS if meeting.status == Meeting.Status.CANCELLED else RECENT_DAYS
    try:
        ends = last_end(meeting.start, meeting.end, meeting.recurrence)
    except ValidationError:
        ends = meeting.end
    return ends is None or ends >= now - datetime.timedelta(days=days)


def _feed(name: str, meetings: MeetingQuerySet) -> HttpResponse:
    now = timezone.now()
    since = now - datetime.timedelta(days=RECENT_DAYS)
    rows = _with_public_items(
        meetings.filter(Q(end__gte=since) | ~Q(recurrence="")).order_by("start", "pk")
    )
    components = (
        meeting_component(meeting, meeting.public_items)  # type: ignore[attr-defined]
        for meeting in rows
        if _in_feed(meeting, now)
    )
    return ics_response(calendar(name, components))


def public_meetings() -> MeetingQuerySet:
    """The region's meetings as anyone without a login sees them."""
    return Meeting.objects.filter(region=current_region()).visible_to(AnonymousUser())


def all_meetings(request: HttpRequest) -> HttpResponse:
    region = current_region()
    name = _("Vergaderingen in %(region)s") % {"region": region.translated_name}
    return _feed(name, public_meetings())


def body_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(Body, region=current_region(), slug=slug)
    name = _("Vergaderingen van %(body)s") % {"body": _translated_name(body)}
    return _feed(name, public_meetings().filter(bodies=body))


def _translated_name(body: Body) -> str:
    if (get_language() or "nl").startswith("en") and body.name_en:
        return body.name_en
    return body.name


def one_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting as the requester may see it (a council member may download a closed one);
    its closed agenda items stay out all the same."""
    meetings = Meeting.objects.filter(region=current_region()).visible_to(request.user)
    meeting = _with_public_items(meetings).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return ics_response(
        calendar(meeting.title, [meeting_component(meeting, meeting.public_items)]),  # type: ignore[attr-defined]
        filename=f"{meeting.title}-{meeting.pk}",
    )
