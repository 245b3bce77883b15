"""Clash detection: which other events clash with an event as submitted or edited.

Three rules, each switched on or off and tuned in the region's ClashRules (kept by the
coordinator in the admin; defaults are created when a region has none):

- "zelfde-locatie": a day in common (local time) and the same venue: the same municipality and
  venue names that are equal after normalising (case, punctuation) or similar enough
  (rapidfuzz token_set_ratio >= venue_similarity);
- "grote-drukte": a day in common in the same or a neighbouring municipality (Neighbour), with
  at least one of the two expecting `large_attendance` visitors or more;
- "zelfde-weekend": both touch the same Saturday/Sunday weekend and share a category and an
  audience.

Only published and pending events of the same region count (not unconfirmed or rejected ones,
not cancelled ones, not the event itself). A multi-day event counts on every day it covers. For
a recurring event only the first occurrence (its own start and end) is compared: clashes of
later occurrences are not detected.

A clash is a warning for the organiser and a list for moderators, never a refusal. The
candidates come from one query on the (region, start, end) index narrowed to the date window,
with categories and audiences prefetched: no query per candidate.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from regioagenda.events.models import ClashRules, Event, Neighbour

SAME_VENUE = "zelfde-locatie"
LARGE_NEARBY = "grote-drukte"
SAME_WEEKEND = "zelfde-weekend"
# More days than this are not compared day by day (a year-long exhibition clashes on its first
# year only).
MAX_DAYS = 400
SATURDAY = 5


@dataclass(frozen=True)
class Clash:
    event: Event
    rule: str  # "zelfde-locatie", "grote-drukte", "zelfde-weekend"
    reasons: list[str] = field(default_factory=list)  # Dutch sentences saying why


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The local calendar days an event covers; an end at midnight does not add the next day."""
    zone = _zone()
    first = start.astimezone(zone).date()
    local_end = end.astimezone(zone)
    last = local_end.date()
    if local_end.time() == dt.time(0) and last > first:
        last -= dt.timedelta(days=1)
    count = min((last - first).days + 1, MAX_DAYS)
    return [first + dt.timedelta(days=offset) for offset in range(max(count, 1))]


def weekends(days: Iterable[dt.date]) -> set[dt.date]:
    """The Saturdays of the weekends the days touch."""
    saturdays = set()
    for day in days:
        if day.weekday() == SATURDAY:
            saturdays.add(day)
        elif day.weekday() == SATURDAY + 1:
            saturdays.add(day - dt.timedelta(days=1))
    return saturdays


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalise_venue(name: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", name.casefold()).split())


def same_venue(a: str, b: str, similarity: int) -> bool:
    a, b = normalise_venue(a), normalise_venue(b)
    if not a or not b:
        return False
    return a == b or fuzz.token_set_ratio(a, b) >= similarity


def rules_for(region_id: int) -> ClashRules:
    rules, _created = ClashRules.objects.get_or_create(region_id=region_id)
    return rules


def _day(day: dt.date) -> str:
    return date_format(day, "D j F")


def _days_text(days: list[dt.date]) -> str:
    if len(days) == 1:
        return _day(days[0])
    return f"{_day(days[0])} – {_day(days[-1])}"


def _weekend_text(saturday: dt.date) -> str:
    return f"{_day(saturday)} – {_day(saturday + dt.timedelta(days=1))}"


def _names(items: Iterable[Any]) -> str:
    return ", ".join(sorted(str(item) for item in items))


def _same_place(event: Event, other: Event) -> bool:
    if event.municipality_id is not None:
        return event.municipality_id == other.municipality_id
    return other.municipality_id is None and normalise_venue(
        event.place_outside_region
    ) == normalise_venue(other.place_outside_region)


def find_clashes(  # type: ignore[no-untyped-def]
    event: Event, *, categories=(), audiences=(), published_only: bool = False
) -> list[Clash]:
    """Published and pending events of the event's region that clash with it (published ones
    only with `published_only`: what an organiser is shown, since another organiser's event
    under moderation is not public yet; moderators see both). `event` may be
    unsaved (a submission being checked); its categories and audiences are passed separately
    then, since an unsaved event has no many-to-many values. For a saved event without them,
    its stored categories and audiences count.

    One Clash per other event, with the first rule it breaks (in the order above) and the
    reasons of every rule it breaks; sorted by the other event's start."""
    if event.start is None or event.end is None or event.region_id is None:
        return []
    rules = rules_for(event.region_id)
    if not (rules.same_venue or rules.large_nearby or rules.same_weekend):
        return []
    category_ids: set[int] = set()
    audience_ids: set[int] = set()
    if rules.same_weekend:
        if categories or audiences or event.pk is None:
            category_ids = {item.pk for item in categories}
            audience_ids = {item.pk for item in audiences}
        else:
            category_ids = set(event.categories.values_list("pk", flat=True))
            audience_ids = set(event.audiences.values_list("pk", flat=True))
    # Without a category and an audience the weekend rule cannot apply: no wider window then.
    by_weekend = bool(category_ids and audience_ids)

    # Recurring events: the first occurrence only (see the module's docstring).
    days = local_days(event.start, event.end)
    day_set = set(days)
    event_weekends = weekends(days) if by_weekend else set()
    first = min([days[0], *event_weekends])
    last = max([days[-1], *(saturday + dt.timedelta(days=1) for saturday in event_weekends)])
    zone = _zone()
    window_start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    window_end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)

    nearby: set[int] = set()
    if rules.large_nearby and event.municipality_id is not None:
        nearby = {event.municipality_id} | set(
            Neighbour.objects.filter(municipality_id=event.municipality_id).values_list(
                "neighbour_id", flat=True
            )
        )

    candidates = (
        Event.objects.filter(
            region_id=event.region_id,
            moderation__in=(
                [Event.Moderation.PUBLISHED]
                if published_only
                else [Event.Moderation.PUBLISHED, Event.Moderation.PENDING]
            ),
            start__lt=window_end,
            end__gte=window_start,
        )
        .exclude(status=Event.Status.CANCELLED)
        .select_related("municipality")
        .order_by("start", "title")
    )
    if event.pk is not None:
        candidates = candidates.exclude(pk=event.pk)
    if by_weekend:
        candidates = candidates.prefetch_related("categories", "audiences")

    clashes = []
    for other in candidates:
        other_days = local_days(other.start, other.end)
        common = sorted(day_set.intersection(other_days))
        found: list[tuple[str, str]] = []
        if (
            rules.same_venue
            and common
            and _same_place(event, other)
            and same_venue(event.venue, other.venue, rules.venue_similarity)
        ):
            found.append(
                (
                    SAME_VENUE,
                    _("Zelfde dag (%(day)s) en zelfde locatie (%(venue)s)")
                    % {"day": _days_text(common), "venue": other.venue},
                )
            )
        if rules.large_nearby and common and other.municipality_id in nearby:
            visitors = max(event.expected_visitors or 0, other.expected_visitors or 0)
            if visitors >= rules.large_attendance:
                where = (
                    _("in dezelfde gemeente (%(name)s)")
                    if other.municipality_id == event.municipality_id
                    else _("in een aangrenzende gemeente (%(name)s)")
                ) % {"name": other.municipality}
                found.append(
                    (
                        LARGE_NEARBY,
                        _(
                            "Zelfde dag (%(day)s) %(where)s, met %(visitors)s of meer "
                            "verwachte bezoekers"
                        )
                        % {
                            "day": _days_text(common),
                            "where": where,
                            "visitors": f"{rules.large_attendance:,}".replace(",", "."),
                        },
                    )
                )
        if by_weekend and event_weekends:
            shared_weekends = sorted(event_weekends & weekends(other_days))
            shared_categories = [c for c in other.categories.all() if c.pk in category_ids]
            shared_audiences = [a for a in other.audiences.all() if a.pk in audience_ids]
            if shared_weekends and shared_categories and shared_audiences:
                found.append(
                    (
                        SAME_WEEKEND,
                        _(
                            "Zelfde weekend (%(weekend)s), zelfde categorie (%(categories)s) "
                            "en doelgroep (%(audiences)s)"
                        )
                        % {
                            "weekend": _weekend_text(shared_weekends[0]),
                            "categories": _names(shared_categories),
                            "audiences": _names(shared_audiences),
                        },
                    )
                )
        if found:
            clashes.append(
                Clash(event=other, rule=found[0][0], reasons=[reason for _r, reason in found])
            )
    return clashes
