"""Recurring meetings and events: an RFC 5545 RRULE, read with dateutil, expanded in local time.

A series is meant in the wall-clock time of Europe/Amsterdam (settings.TIME_ZONE): a meeting
every Tuesday at 19:30 stays at 19:30 after the change to or from summer time. So the rule is
expanded on naive local times and each occurrence is made aware afterwards; expanding on aware
UTC times would shift it by an hour.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A series longer than this is cut off; a rule without COUNT or UNTIL is endless.
MAX_OCCURRENCES = 500
# Parts of a rule we do not accept from users: a series that repeats every second or minute
# would explode any calendar.
REFUSED_FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY")
UNTIL_IN_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_rule(text: str, start: datetime.datetime) -> rrule:
    """The rule anchored at `start` (aware), as naive local times. Raises ValidationError with a
    Dutch message when the text is not a rule we accept."""
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text or "\n" in text or any(f"FREQ={f}" in text.upper() for f in REFUSED_FREQUENCIES):
        raise ValidationError(
            _("Geef een herhaling per dag, week, maand of jaar, bijvoorbeeld FREQ=WEEKLY;COUNT=4."),
            code="invalid_recurrence",
        )
    local_start = start.astimezone(local_zone()).replace(tzinfo=None)
    try:
        rule = rrulestr(_until_in_local_time(text), dtstart=local_start)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("'%(rule)s' is geen geldige herhaling (RRULE)."),
            params={"rule": text},
            code="invalid_recurrence",
        ) from error
    if not isinstance(rule, rrule):
        raise ValidationError(_("Geef één herhalingsregel."), code="invalid_recurrence")
    return rule


def _until_in_local_time(text: str) -> str:
    """RFC 5545 gives UNTIL in UTC (…Z) when the start has a time zone; we expand on naive local
    times, which dateutil only accepts with a naive UNTIL, so convert it."""

    def local(match: re.Match[str]) -> str:
        moment = datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(
            tzinfo=datetime.UTC
        )
        return "UNTIL=" + moment.astimezone(local_zone()).strftime("%Y%m%dT%H%M%S")

    return UNTIL_IN_UTC.sub(local, text)


def validate_recurrence(text: str, start: datetime.datetime) -> str:
    """The rule as it will be stored (without "RRULE:"), or ValidationError."""
    if not text.strip():
        return ""
    parse_rule(text, start)
    text = text.strip()
    return text[len("RRULE:") :] if text.upper().startswith("RRULE:") else text


def occurrences(
    start: datetime.datetime,
    end: datetime.datetime,
    recurrence: str,
    window_start: datetime.datetime,
    window_end: datetime.datetime,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The (start, end) pairs, aware, of a one-off or recurring item that overlap the window.

    Each occurrence lasts as long as the first in local wall-clock time.
    """
    zone = local_zone()
    if not recurrence:
        return [(start, end)] if start < window_end and end > window_start else []
    local_start = start.astimezone(zone).replace(tzinfo=None)
    duration = end.astimezone(zone).replace(tzinfo=None) - local_start
    rule = parse_rule(recurrence, start)
    # An occurrence that began before the window may still run into it.
    first = window_start.astimezone(zone).replace(tzinfo=None) - duration
    last = window_end.astimezone(zone).replace(tzinfo=None)
    found = []
    for count, local in enumerate(rule.xafter(first, inc=True)):
        if local >= last or count >= MAX_OCCURRENCES:
            break
        begin = local.replace(tzinfo=zone)
        finish = (local + duration).replace(tzinfo=zone)
        if begin < window_end and finish > window_start:
            found.append((begin, finish))
    return found


def last_end(
    start: datetime.datetime, end: datetime.datetime, recurrence: str
) -> datetime.datetime | None:
    """When the series ends (the end of its last occurrence), or None for an endless series."""
    if not recurrence:
        return end
    zone = local_zone()
    rule = parse_rule(recurrence, start)
    if rule._count is None and rule._until is None:  # type: ignore[attr-defined]
        return None
    duration = end.astimezone(zone).replace(tzinfo=None) - start.astimezone(zone).replace(
        tzinfo=None
    )
    last = None
    for count, local in enumerate(rule):
        if count >= MAX_OCCURRENCES:
            break
        last = local
    if last is None:
        return end
    return (last + duration).replace(tzinfo=zone)
