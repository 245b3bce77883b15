"""Public pages of meetings: one agenda of every body's upcoming meetings, the agenda of one
body and of one theme, the meeting page and its documents.

What a user sees comes from `Meeting.objects.visible_to` (closed meetings are for the region's
staff and council members) and, per item, the `meetings.see_closed` rule: a closed item of a
public meeting shows only that it is closed. A recurring meeting appears on the agenda once
per occurrence (`core.recurrence.occurrences`, in local time).
"""

import datetime
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from regioagenda.core.recurrence import occurrences
from regioagenda.meetings.forms import AgendaFilter
from regioagenda.meetings.models import AgendaDocument, Body, Meeting, Registration
from regioagenda.proposals.models import Proposal
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Region
from regioagenda.vision.models import Theme

# How far the agenda looks ahead, or back with "past meetings".
WINDOW = datetime.timedelta(days=366)
# At most this many occurrences on one page; a longer list says so.
MAX_SHOWN = 300


@dataclass(frozen=True)
class Occurrence:
    meeting: Meeting
    start: datetime.datetime
    end: datetime.datetime

    @property
    def cancelled(self) -> bool:
        return self.meeting.status == Meeting.Status.CANCELLED


def _visible(request: HttpRequest, region: Region) -> Any:
    return Meeting.objects.filter(region=region).visible_to(request.user)


def upcoming(
    meetings: Any, *, now: datetime.datetime, past: bool = False
) -> tuple[list[Occurrence], bool]:
    """The occurrences of `meetings` in the year after `now` (or, with `past`, the year before
    it, latest first), and whether the list was cut off at MAX_SHOWN."""
    window = (now - WINDOW, now) if past else (now, now + WINDOW)
    one_off = Q(recurrence="") & (Q(start__lt=now) if past else Q(end__gt=now))
    if past:
        one_off &= Q(start__gte=window[0])
    series = ~Q(recurrence="") & Q(start__lt=window[1])
    candidates = meetings.filter(one_off | series).prefetch_related("bodies", "themes")
    found = []
    for meeting in candidates:
        try:
            times = occurrences(meeting.start, meeting.end, meeting.recurrence, *window)
        except ValidationError:  # a rule stored before it was checked: show the first only
            times = occurrences(meeting.start, meeting.end, "", *window)
        for start, end in times:
            if past and start >= now:
                continue
            found.append(Occurrence(meeting, start, end))
    found.sort(key=lambda o: (o.start, o.meeting.title), reverse=past)
    return found[:MAX_SHOWN], len(found) > MAX_SHOWN


def _by_day(found: list[Occurrence]) -> list[tuple[datetime.date, list[Occurrence]]]:
    return [
        (day, list(group))
        for day, group in groupby(found, key=lambda o: timezone.localtime(o.start).date())
    ]


def _agenda_page(
    request: HttpRequest,
    *,
    body: Body | None = None,
    theme: Theme | None = None,
) -> HttpResponse:
    region = current_region()
    filters = AgendaFilter(request.GET or None, region=region, fixed_body=body, fixed_theme=theme)
    meetings = _visible(request, region)
    if body is not None:
        meetings = meetings.filter(bodies=body)
    if theme is not None:
        meetings = meetings.filter(themes=theme)
    if slug := filters.value("orgaan"):
        meetings = meetings.filter(bodies__slug=slug, bodies__region=region)
    if slug := filters.value("thema"):
        meetings = meetings.filter(themes__slug=slug, themes__region=region)
    if kind := filters.value("soort"):
        meetings = meetings.filter(kind=kind)
    past = bool(filters.value("verleden"))
    found, cut_off = upcoming(meetings.distinct(), now=timezone.now(), past=past)
    query = request.GET.copy()
    query.pop("verleden", None)
    toggled = query.copy()
    if not past:
        toggled["verleden"] = "on"
    if body is not None:
        feed = reverse("meetings:body_feed", kwargs={"slug": body.slug})
    else:
        feed = reverse("meetings:feed")
    return render(
        request,
        "meetings/agenda.html",
        {
            "filters": filters,
            "days": _by_day(found),
            "count": len(found),
            "cut_off": cut_off,
            "past": past,
            "body": body,
            "theme": theme,
            "feed": feed,
            "query": request.GET.urlencode(),
            "toggle_query": toggled.urlencode(),
            "may_add": rules.test_rule("meetings.add_meeting", request.user),
        },
    )


def agenda(request: HttpRequest) -> HttpResponse:
    return _agenda_page(request)


def body(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Body, region=current_region(), slug=slug)
    return _agenda_page(request, body=found)


def theme(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Theme.objects.in_region(current_region()), slug=slug)
    return _agenda_page(request, theme=found)


def meeting_for(request: HttpRequest, pk: int) -> Meeting:
    """The meeting if this user may see it, else 404 (a closed meeting does not exist for the
    public)."""
    return get_object_or_404(
        _visible(request, current_region()).select_related("organiser", "region"), pk=pk
    )


@dataclass
class ItemRow:
    """An agenda item as the meeting page shows it: everything, or only that it is closed."""

    position: int
    item: Any = None

    @property
    def closed(self) -> bool:
        return self.item is None


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = meeting_for(request, pk)
    may_see_closed = rules.test_rule("meetings.see_closed", request.user, found)
    may_keep = rules.test_rule("meetings.keep_meeting", request.user, found)
    items = found.items.prefetch_related(
        "themes",
        "topics",
        "actions",
        Prefetch("proposals", queryset=Proposal.objects.visible_to(request.user)),
        "dossiers",
        "documents",
        "follow_ups__action__parent",
    )
    rows = [
        ItemRow(item.position, item if item.public or may_see_closed else None) for item in items
    ]
    now = timezone.now()
    next_times = (
        occurrences(found.start, found.end, found.recurrence, now, now + WINDOW)[:10]
        if found.recurrence
        else []
    )
    registered = places_left = None
    if found.registration_open:
        registered = found.registrations.filter(status=Registration.Status.REGISTERED).count()
        if found.capacity is not None:
            places_left = max(found.capacity - registered, 0)
    invitations = list(found.invitations.select_related("body"))
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": found,
            "bodies": list(found.bodies.all()),
            "themes": list(found.themes.all()),
            "rows": rows,
            "may_keep": may_keep,
            "next_times": next_times,
            "is_over": found.end < now and not found.recurrence,
            "registered": registered,
            "places_left": places_left,
            "cancelled": found.status == Meeting.Status.CANCELLED,
            # Invited bodies are public; invited people's names only for the meeting's keepers.
            "invited_bodies": [i.body for i in invitations if i.body is not None],
            "invited_people": [i for i in invitations if i.body is None] if may_keep else [],
        },
    )


def document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    """A document of a meeting the user may see, as a download; a closed item's documents only
    for those who may see closed items. Its type was decided from its content on upload and it
    is never shown inline."""
    found = meeting_for(request, pk)
    stored = get_object_or_404(
        AgendaDocument.objects.select_related("item"), pk=document_pk, item__meeting=found
    )
    if not stored.item.public and not rules.test_rule("meetings.see_closed", request.user, found):
        raise Http404
    if stored.url:
        return HttpResponseRedirect(stored.url)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type=stored.media_type
    )
