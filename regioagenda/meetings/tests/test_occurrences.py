"""Recurring meetings through core.recurrence: local wall-clock times across the change to and
from summer time, and the form's validation of the rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from regioagenda.core.recurrence import occurrences, validate_recurrence
from regioagenda.meetings.tests.factories import AMSTERDAM, make_meeting
from regioagenda.meetings.views import upcoming

pytestmark = pytest.mark.django_db


def test_weekly_meeting_stays_at_half_past_seven_across_the_dst_change(leidse_regio):
    start = datetime.datetime(2026, 10, 20, 19, 30, tzinfo=AMSTERDAM)  # summer time
    meeting = make_meeting(leidse_regio, start=start, recurrence="FREQ=WEEKLY;COUNT=3")

    found, cut_off = upcoming(
        type(meeting).objects.all(), now=datetime.datetime(2026, 10, 1, tzinfo=AMSTERDAM)
    )

    local = [o.start.astimezone(AMSTERDAM) for o in found]
    assert [(t.day, t.hour, t.minute) for t in local] == [(20, 19, 30), (27, 19, 30), (3, 19, 30)]
    # Summer time (UTC+2) before 25 October, winter time (UTC+1) after.
    assert found[0].start.utcoffset() == datetime.timedelta(hours=2)
    assert local[2].utcoffset() == datetime.timedelta(hours=1)
    assert not cut_off


def test_past_occurrences_of_a_series_are_left_out(leidse_regio):
    start = datetime.datetime(2026, 11, 2, 10, tzinfo=AMSTERDAM)
    meeting = make_meeting(leidse_regio, start=start, recurrence="FREQ=WEEKLY;COUNT=4")
    found, _ = upcoming(
        type(meeting).objects.all(), now=datetime.datetime(2026, 11, 12, tzinfo=AMSTERDAM)
    )
    assert [o.start.day for o in found] == [16, 23]


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "FREQ=MINUTELY", "BYDAY=MO", "nonsense"])
def test_invalid_rules_are_refused_in_dutch(rule):
    with pytest.raises(ValidationError) as refused:
        validate_recurrence(rule, datetime.datetime(2026, 12, 1, 19, 30, tzinfo=AMSTERDAM))
    assert "herhaling" in " ".join(refused.value.messages)


def test_one_off_meeting_is_one_occurrence():
    start = datetime.datetime(2026, 12, 1, 19, 30, tzinfo=AMSTERDAM)
    end = start + datetime.timedelta(hours=2)
    window = (start - datetime.timedelta(days=1), start + datetime.timedelta(days=1))
    assert occurrences(start, end, "", *window) == [(start, end)]
