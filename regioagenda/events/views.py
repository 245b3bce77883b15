"""Public pages of the events calendar: the list of upcoming events, a month and a week, and the
event page. All three overviews read the same filters (`events/filters.py`) as the iCalendar
feed, and offer that feed with the current filters as a subscription.

A recurring event shows once per occurrence (expanded in local time by `core.recurrence`), a
multi-day event on each of its days. Only published events are public; staff who moderate
events also see the others' pages.
"""

import calendar as calendar_module
import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

import rules
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.ical import subscription
from regioagenda.core.recurrence import local_zone, occurrences
from regioagenda.events.filters import EventFilter, feed_url
from regioagenda.events.models import Event, EventQuerySet
from regioagenda.events.text import clean_description
from regioagenda.regions.current import current_region
from regioagenda.vision.models import Theme

PER_PAGE = 20
# How far ahead the list looks when no end date is chosen.
LIST_DAYS = 365
FIRST_YEAR, LAST_YEAR = 1900, 2200
# By the format `submission.check_image` stored (IMAGE_FORMATS there).
IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class Occurrence(NamedTuple):
    start: datetime.datetime
    end: datetime.datetime
    event: Event

    @property
    def last_day(self) -> datetime.date:
        return _days(self)[-1]


def occurring(
    events: EventQuerySet, start: datetime.datetime, end: datetime.datetime
) -> list[Occurrence]:
    """Every occurrence of the events that overlaps [start, end), in order; two queries (the
    events with their municipality, and their categories) however many events there are."""
    candidates = events.filter(Q(start__lt=end) & (Q(end__gt=start) | ~Q(recurrence="")))
    found = []
    for event in candidates.select_related("municipality"):
        try:
            spans = occurrences(event.start, event.end, event.recurrence, start, end)
        except ValidationError:
            # A rule that no longer parses: show the first occurrence only.
            spans = occurrences(event.start, event.end, "", start, end)
        found += [Occurrence(begin, finish, event) for begin, finish in spans]
    found.sort(key=lambda o: (o.start, o.event.title, o.event.pk))
    return found


class _Listed(NamedTuple):
    """An entry of the list before its page is known: a series' occurrence (with its event) or
    a one-off event (only its key, read in full once it turns out to be on the shown page)."""

    start: datetime.datetime
    title: str
    pk: int
    end: datetime.datetime
    occurrence: Occurrence | None


def occurring_page(
    events: EventQuerySet, start: datetime.datetime, end: datetime.datetime, number: Any
) -> "Page[Any]":
    """Page `number` of the occurrences that overlap [start, end), ordered as `occurring`.

    A large region has tens of thousands of one-off events in a year: those are read as four
    columns, sorted with the series' occurrences, and only the shown page's events are read in
    full. Four queries (with the categories) however many events there are."""
    series = occurring(events.exclude(recurrence=""), start, end)
    entries = [_Listed(o.start, o.event.title, o.event.pk, o.end, o) for o in series]
    one_offs = events.filter(recurrence="", start__lt=end, end__gt=start)
    entries += [
        _Listed(begin, title, pk, finish, None)
        for begin, finish, title, pk in one_offs.values_list("start", "end", "title", "pk")
    ]
    entries.sort(key=lambda entry: (entry.start, entry.title, entry.pk))
    page: Page[Any] = Paginator(entries, PER_PAGE).get_page(number)
    wanted = [entry.pk for entry in page.object_list if entry.occurrence is None]
    loaded = events.select_related("municipality").in_bulk(wanted) if wanted else {}
    page.object_list = [
        entry.occurrence or Occurrence(entry.start, entry.end, loaded[entry.pk])
        for entry in page.object_list
    ]
    return page


def _with_categories(found: Iterable[Occurrence]) -> None:
    prefetch_related_objects(list({o.event.pk: o.event for o in found}.values()), "categories")


def _days(occurrence: Occurrence) -> list[datetime.date]:
    """The local days an occurrence touches (an end at midnight does not touch the next day)."""
    zone = local_zone()
    first = occurrence.start.astimezone(zone).date()
    finish = occurrence.end.astimezone(zone)
    last = finish.date()
    if finish.time() == datetime.time() and last > first:
        last -= datetime.timedelta(days=1)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=local_zone())


def _common(request: HttpRequest, filters: EventFilter) -> dict[str, Any]:
    today = timezone.localdate()
    iso = today.isocalendar()
    query = filters.query(dates=False).urlencode()
    suffix = f"?{query}" if query else ""
    return {
        "filters": filters,
        "feed": feed_url(request, filters),
        "feed_name": filters.description(),
        "this_month_url": reverse("events:month", args=[today.year, today.month]) + suffix,
        "this_week_url": reverse("events:week", args=[iso.year, iso.week]) + suffix,
        "list_url": reverse("events:list") + suffix,
        "list_path": reverse("events:list"),
        "reset_url": request.path if filters.query() or filters.errors else "",
        "jump_url": reverse("events:month", args=[today.year, today.month]),
        "month_form": _month_form(today.year, today.month),
        "hidden_filters": [
            (name, value) for name, values in filters.query(dates=False).lists() for value in values
        ],
    }


def _month_form(year: int, month: int) -> dict[str, Any]:
    """The "Ga naar maand" form: a month select and a year field, no script needed."""
    return {
        "year": year,
        "month": month,
        "months": [
            (number, date_format(datetime.date(2000, number, 1), "F")) for number in range(1, 13)
        ],
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
    }


def event_list(request: HttpRequest) -> HttpResponse:
    region = current_region()
    filters = EventFilter(request.GET or None, region=region)
    now = timezone.now()
    start, end = filters.window(now, now + datetime.timedelta(days=LIST_DAYS))
    page = occurring_page(filters.events(), start, end, request.GET.get("pagina"))
    _with_categories(page.object_list)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "events/list.html",
        {
            **_common(request, filters),
            "region": region,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "occurrences": page.object_list,
            "query": query.urlencode(),
            "has_query": bool(filters.query()),
        },
    )


def _jump(request: HttpRequest, filters: EventFilter) -> HttpResponseRedirect | None:
    """Answer the "Ga naar maand" form with the month it names (keeping the filters)."""
    if "maand" not in request.GET or "jaar" not in request.GET:
        return None
    try:
        year, number = int(request.GET["jaar"]), int(request.GET["maand"])
    except ValueError:
        return None
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= number <= 12):
        return None
    query = filters.query(dates=False).urlencode()
    url = reverse("events:month", args=[year, number])
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404
    region = current_region()
    filters = EventFilter(request.GET or None, region=region, dates=False)
    if (redirect := _jump(request, filters)) is not None:
        return redirect
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    found = occurring(
        filters.events(),
        _local_midnight(weeks[0][0]),
        _local_midnight(weeks[-1][-1] + datetime.timedelta(days=1)),
    )
    _with_categories(found)
    by_day: dict[datetime.date, list[Occurrence]] = {}
    for occurrence in found:
        for day in _days(occurrence):
            by_day.setdefault(day, []).append(occurrence)
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=31)
    query = filters.query(dates=False).urlencode()
    suffix = f"?{query}" if query else ""
    today = timezone.localdate()
    context = _common(request, filters)
    context["month_form"] = _month_form(year, month)
    return render(
        request,
        "events/month.html",
        {
            **context,
            "region": region,
            "first": first,
            "weekdays": [(date_format(day, "l"), date_format(day, "D")) for day in weeks[0]],
            "weeks": [
                [
                    {
                        "date": day,
                        "in_month": day.month == month,
                        "today": day == today,
                        "occurrences": by_day.get(day, []),
                    }
                    for day in week
                ]
                for week in weeks
            ],
            "count": len(found),
            "previous_url": _month_url(previous, suffix),
            "next_url": _month_url(following, suffix),
            "previous": previous,
            "next": following,
        },
    )


def _month_url(day: datetime.date, suffix: str) -> str | None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return reverse("events:month", args=[day.year, day.month]) + suffix


def week(request: HttpRequest, year: int, week: int) -> HttpResponse:
    try:
        monday = datetime.date.fromisocalendar(year, week, 1)
    except ValueError as invalid:
        raise Http404 from invalid
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    region = current_region()
    filters = EventFilter(request.GET or None, region=region, dates=False)
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    found = occurring(
        filters.events(),
        _local_midnight(monday),
        _local_midnight(monday + datetime.timedelta(days=7)),
    )
    _with_categories(found)
    by_day: dict[datetime.date, list[Occurrence]] = {}
    for occurrence in found:
        for day in _days(occurrence):
            by_day.setdefault(day, []).append(occurrence)
    query = filters.query(dates=False).urlencode()
    suffix = f"?{query}" if query else ""

    def week_url(day: datetime.date) -> str | None:
        iso = day.isocalendar()
        if not FIRST_YEAR <= iso.year <= LAST_YEAR:
            return None
        return reverse("events:week", args=[iso.year, iso.week]) + suffix

    context = _common(request, filters)
    context["month_form"] = _month_form(monday.year, monday.month)
    return render(
        request,
        "events/week.html",
        {
            **context,
            "region": region,
            "year": year,
            "week": week,
            "monday": monday,
            "sunday": days[-1],
            "days": [{"date": day, "occurrences": by_day.get(day, [])} for day in days],
            "count": len(found),
            "previous_url": week_url(monday - datetime.timedelta(days=7)),
            "next_url": week_url(monday + datetime.timedelta(days=7)),
            "month_url": reverse("events:month", args=[monday.year, monday.month]) + suffix,
        },
    )


def may_moderate(user: Any, event: Event) -> bool:
    """Whether the user may see an event that is not published (its moderators)."""
    if rules.rule_exists("events.moderate"):
        return bool(rules.test_rule("events.moderate", user, event))
    roles = roles_of(user)
    return roles.administrator or event.region_id in roles.coordinator_of


def visible_event(request: HttpRequest, pk: int) -> Event:
    """The event of the current region, published or seen by one of its moderators; else 404."""
    event = get_object_or_404(
        Event.objects.filter(region=current_region())
        .select_related("municipality", "region")
        .prefetch_related(
            "categories",
            "audiences",
            Prefetch("themes", queryset=Theme.objects.order_by("position")),
        ),
        pk=pk,
    )
    if event.moderation != Event.Moderation.PUBLISHED and not may_moderate(request.user, event):
        raise Http404
    return event


def event(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    now = timezone.now()
    try:
        upcoming = occurrences(
            event.start, event.end, event.recurrence, now, now + datetime.timedelta(days=LIST_DAYS)
        )[:10]
    except ValidationError:
        upcoming = []
    region = event.region
    return render(
        request,
        "events/event.html",
        {
            "event": event,
            "region": region,
            "description": mark_safe(clean_description(event.description)),  # noqa: S308 — nh3 sanitised  # nosec B308 B703
            "upcoming": upcoming if event.recurrence else [],
            "image_url": _image_url(event),
            "ics_url": reverse("events:event_ics", kwargs={"pk": event.pk}),
            "feed": subscription(reverse("events:feed")),
            "published": event.moderation == Event.Moderation.PUBLISHED,
        },
    )


def _image_url(event: Event) -> str | None:
    return reverse("events:image", kwargs={"pk": event.pk}) if event.image else None


def image(request: HttpRequest, pk: int) -> FileResponse:
    """An event's image, for whoever may see the event (so an unpublished upload stays private).
    Its format was checked when it was uploaded; served with that type only."""
    event = visible_event(request, pk)
    if not event.image:
        raise Http404
    try:
        handle = event.image.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    media_type = IMAGE_TYPES.get(event.image_format.lower())
    if media_type is None:
        raise Http404
    response = FileResponse(handle, content_type=media_type)
    published = event.moderation == Event.Moderation.PUBLISHED
    response["Cache-Control"] = "public, max-age=3600" if published else "private, no-store"
    return response
