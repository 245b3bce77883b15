"""The recurrence rules of meetings and events (core/recurrence.py): a weekly series keeps its
local time across daylight-saving changes, UNTIL may be given in UTC, bad rules are refused in
Dutch, endless series are capped."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from regioagenda.core.recurrence import (
    MAX_OCCURRENCES,
    last_end,
    occurrences,
    parse_rule,
    validate_recurrence,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMSTERDAM)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(
    ("start", "change"),
    [
        (local(2026, 10, 13, 19, 30), "end of summer time (25 October 2026)"),
        (local(2026, 3, 17, 19, 30), "start of summer time (29 March 2026)"),
    ],
)
def test_weekly_series_keeps_its_wall_clock_time_across_a_dst_change(start, change):
    found = occurrences(
        start,
        start + dt.timedelta(hours=1, minutes=30),
        "FREQ=WEEKLY;COUNT=4",
        start - dt.timedelta(days=1),
        start + dt.timedelta(days=60),
    )
    assert len(found) == 4, change
    assert {begin.astimezone(AMSTERDAM).time() for begin, _ in found} == {dt.time(19, 30)}
    assert {finish.astimezone(AMSTERDAM).time() for _, finish in found} == {dt.time(21)}
    offsets = [begin.utcoffset() for begin, _ in found]
    assert offsets[0] != offsets[-1], change


def test_until_in_utc_includes_the_last_local_occurrence():
    start = local(2026, 10, 13, 19, 30)
    # 3 November 19:30 in Amsterdam (winter time) is 18:30 UTC.
    rule = "FREQ=WEEKLY;UNTIL=20261103T183000Z"
    found = occurrences(start, start + dt.timedelta(hours=1), rule, start, local(2027, 1, 1))
    assert [begin.date() for begin, _ in found] == [
        dt.date(2026, 10, 13),
        dt.date(2026, 10, 20),
        dt.date(2026, 10, 27),
        dt.date(2026, 11, 3),
    ]
    assert last_end(start, start + dt.timedelta(hours=1), rule) == local(2026, 11, 3, 20, 30)


def test_occurrences_are_those_that_overlap_the_window():
    start = local(2026, 10, 5, 10)
    found = occurrences(
        start,
        start + dt.timedelta(days=2),
        "FREQ=WEEKLY;COUNT=3",
        local(2026, 10, 13),
        local(2026, 10, 14),
    )
    # The second occurrence runs from 12 to 14 October and overlaps the 13th.
    assert found == [(local(2026, 10, 12, 10), local(2026, 10, 14, 10))]
    assert (
        occurrences(
            start, start + dt.timedelta(hours=1), "", local(2026, 11, 1), local(2026, 12, 1)
        )
        == []
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=MINUTELY;COUNT=5", "Geef een herhaling per dag, week, maand of jaar"),
        ("FREQ=HOURLY", "Geef een herhaling per dag, week, maand of jaar"),
        ("FREQ=FORTNIGHTLY", "is geen geldige herhaling (RRULE)"),
        ("elke dinsdag", "is geen geldige herhaling (RRULE)"),
        ("FREQ=WEEKLY\nFREQ=DAILY", "Geef een herhaling per dag, week, maand of jaar"),
    ],
)
def test_invalid_rules_are_refused_with_a_dutch_message(rule, message):
    with pytest.raises(ValidationError) as refused:
        parse_rule(rule, local(2026, 10, 13, 19, 30))
    assert message in refused.value.messages[0]
    assert refused.value.code == "invalid_recurrence"


def test_stored_rule_loses_its_rrule_prefix():
    assert (
        validate_recurrence("RRULE:FREQ=DAILY;COUNT=2", local(2026, 1, 1)) == "FREQ=DAILY;COUNT=2"
    )
    assert validate_recurrence("  ", local(2026, 1, 1)) == ""


def test_endless_series_is_capped_and_has_no_last_end():
    start = local(2026, 1, 1, 9)
    found = occurrences(
        start, start + dt.timedelta(hours=1), "FREQ=DAILY", start, local(2030, 1, 1)
    )
    assert len(found) == MAX_OCCURRENCES
    assert last_end(start, start + dt.timedelta(hours=1), "FREQ=DAILY") is None
    assert last_end(start, start + dt.timedelta(hours=1), "") == start + dt.timedelta(hours=1)
