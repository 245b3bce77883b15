"""Building iCalendar data (core/ical.py): times in Europe/Amsterdam with its VTIMEZONE, dates for
all-day items, UNTIL in the form RFC 5545 wants, plain-text descriptions, safe downloads."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import icalendar
import vobject
from django.test import override_settings

from regioagenda.core import ical

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MODIFIED = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)


def component(**values) -> icalendar.Event:
    fields = {
        "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "title": "Raadsspreekuur",
        "start": dt.datetime(2026, 10, 13, 19, 30, tzinfo=AMSTERDAM),
        "end": dt.datetime(2026, 10, 13, 21, tzinfo=AMSTERDAM),
        "all_day": False,
        "recurrence": "",
        "url": "/evenementen/1/",
        "sequence": 2,
        "modified": MODIFIED,
        "status": "CONFIRMED",
    }
    fields.update(values)
    return ical._base(**fields)


def round_trip(*components: icalendar.Event) -> icalendar.Calendar:
    content = ical.calendar("Proef", components)
    vobject.readOne(content.decode())  # the second parser accepts it too
    return icalendar.Calendar.from_ical(content)


@override_settings(SITE_URL="https://agenda.example.nl")
def test_an_item_has_a_stable_uid_the_page_url_and_local_times():
    calendar = round_trip(component())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == "12345678-1234-5678-1234-567812345678@agenda.example.nl"
    assert str(vevent["URL"]) == "https://agenda.example.nl/evenementen/1/"
    assert vevent["DTSTART"].to_ical() == b"20261013T193000"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert vevent.decoded("DTSTAMP") == MODIFIED == vevent.decoded("LAST-MODIFIED")
    assert int(vevent["SEQUENCE"]) == 2
    assert str(calendar["X-WR-CALNAME"]) == "Proef"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]


def test_the_same_item_gives_the_same_bytes_twice():
    assert ical.calendar("Proef", [component()]) == ical.calendar("Proef", [component()])


def test_all_day_item_is_written_with_dates_and_an_exclusive_end():
    (vevent,) = round_trip(
        component(
            all_day=True,
            start=dt.datetime(2026, 10, 2, tzinfo=AMSTERDAM),
            end=dt.datetime(2026, 10, 3, 23, 59, tzinfo=AMSTERDAM),
            recurrence="FREQ=YEARLY;UNTIL=20281002T220000Z",
        )
    ).walk("VEVENT")
    assert vevent.decoded("DTSTART") == dt.date(2026, 10, 2)
    assert vevent.decoded("DTEND") == dt.date(2026, 10, 4)
    # Beside a DATE start, UNTIL is a date too (RFC 5545, 3.3.10): 3 October local.
    assert vevent["RRULE"]["UNTIL"] == [dt.date(2028, 10, 3)]


def test_until_is_written_in_utc_beside_a_local_start():
    (naive,) = round_trip(component(recurrence="FREQ=WEEKLY;UNTIL=20261103T193000")).walk("VEVENT")
    assert naive["RRULE"]["UNTIL"] == [dt.datetime(2026, 11, 3, 18, 30, tzinfo=dt.UTC)]
    (day,) = round_trip(component(recurrence="RRULE:FREQ=WEEKLY;UNTIL=20261103")).walk("VEVENT")
    assert day["RRULE"]["UNTIL"] == [dt.datetime(2026, 11, 3, 22, 59, 59, tzinfo=dt.UTC)]
    (utc,) = round_trip(component(recurrence="FREQ=WEEKLY;UNTIL=20261103T183000Z")).walk("VEVENT")
    assert utc["RRULE"]["UNTIL"] == [dt.datetime(2026, 11, 3, 18, 30, tzinfo=dt.UTC)]


def test_cancelled_status_is_written():
    (vevent,) = round_trip(component(status="CANCELLED")).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_descriptions_become_plain_text():
    html = "<p>Muziek &amp; dans</p><ul><li>Één</li><li>Twee</li></ul><script>alert(1)</script>"
    assert ical.plain_text(html) == "Muziek & dans\nÉén\nTwee"
    assert ical.plain_text("") == ""


@override_settings(SITE_URL="https://agenda.example.nl")
def test_subscription_addresses_are_absolute_with_a_webcal_variant():
    found = ical.subscription("/evenementen/agenda.ics?gemeente=leiden")
    assert found.https == "https://agenda.example.nl/evenementen/agenda.ics?gemeente=leiden"
    assert found.webcal == "webcal://agenda.example.nl/evenementen/agenda.ics?gemeente=leiden"


def test_a_download_has_a_safe_file_name():
    response = ical.ics_response(b"BEGIN:VCALENDAR", filename='../../"Café" <script>')
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cafe-script.ics"'
    assert "Content-Disposition" not in ical.ics_response(b"BEGIN:VCALENDAR")
