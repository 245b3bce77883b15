"""The events' iCalendar feeds, read back with two parsers that share no code (icalendar and
vobject), and expanded with recurring-ical-events as a calendar app would."""

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import time_machine
import vobject
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regioagenda.events.filters import EventFilter
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import local, make_audience, make_category, make_event
from regioagenda.vision.models import Theme

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = local(2026, 10, 1, 12)
HOST = settings.SITE_URL.split("://", 1)[1].split("/")[0].split(":")[0]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def read(content: bytes) -> icalendar.Calendar:
    """The feed parsed by both parsers; vobject must agree on the UIDs and summaries."""
    calendar = icalendar.Calendar.from_ical(content)
    other = vobject.readOne(content.decode())
    ours = [(str(e["UID"]), str(e["SUMMARY"])) for e in calendar.walk("VEVENT")]
    theirs = [(e.uid.value, e.summary.value) for e in getattr(other, "vevent_list", [])]
    assert ours == theirs
    return calendar


def feed(client, **query: Any) -> icalendar.Calendar:
    response = client.get(reverse("events:feed"), query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return read(response.content)


def uids(calendar: icalendar.Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def uid(event: Event) -> str:
    return f"{event.uid}@{HOST}"


@pytest.mark.django_db
def test_feed_is_valid_icalendar_with_the_amsterdam_time_zone(client, leidse_regio):
    music = make_category(leidse_regio, "muziek", "Muziek")
    event = make_event(
        leidse_regio,
        "Zomerconcert",
        start=local(2026, 10, 10, 20),
        description="<p>Met <strong>strijkers</strong> &amp; koor.</p>",
        categories=[music],
        address="Breestraat 60, Leiden",
    )

    calendar = feed(client)

    assert str(calendar["X-WR-CALNAME"]).startswith("Evenementen in")
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == uid(event)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert vevent.decoded("DTSTART") == local(2026, 10, 10, 20)
    assert vevent.decoded("DTEND") == local(2026, 10, 10, 22)
    assert str(vevent["SUMMARY"]) == "Zomerconcert"
    assert str(vevent["DESCRIPTION"]).startswith("Met strijkers & koor.")
    assert "Breestraat 60" in str(vevent["LOCATION"])
    assert str(vevent["URL"]) == settings.SITE_URL + event.get_absolute_url()
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent["CATEGORIES"].cats == ["Muziek"]
    assert int(vevent["SEQUENCE"]) == 0
    assert "LAST-MODIFIED" in vevent and "DTSTAMP" in vevent


@pytest.mark.django_db
def test_weekly_series_keeps_its_local_time_across_the_end_of_summer_time(client, leidse_regio):
    # 25 October 2026 is the last Sunday of October: clocks go back from +02:00 to +01:00.
    make_event(
        leidse_regio,
        "Raadsspreekuur",
        start=local(2026, 10, 13, 19, 30),
        end=local(2026, 10, 13, 21),
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    content = client.get(reverse("events:feed")).content
    calendar = read(content)
    (vevent,) = calendar.walk("VEVENT")
    assert "RRULE" in vevent

    found = recurring_ical_events.of(calendar).between(dt.date(2026, 10, 1), dt.date(2026, 12, 1))
    starts = sorted(occurrence.decoded("DTSTART") for occurrence in found)
    assert [s.astimezone(AMSTERDAM).date() for s in starts] == [
        dt.date(2026, 10, 13),
        dt.date(2026, 10, 20),
        dt.date(2026, 10, 27),
        dt.date(2026, 11, 3),
    ]
    assert {s.astimezone(AMSTERDAM).time() for s in starts} == {dt.time(19, 30)}
    assert [s.utcoffset() for s in starts] == [dt.timedelta(hours=h) for h in (2, 2, 1, 1)]

    # vobject expands the same rule to the same wall-clock times in the same named zone (its
    # reading of the VTIMEZONE's RDATE lists gets the offsets wrong, so compare wall clocks).
    other = vobject.readOne(content.decode())
    assert "Europe/Amsterdam" in repr(other.vevent.dtstart.value.tzinfo)
    expanded = list(other.vevent.getrruleset())
    assert [s.replace(tzinfo=None) for s in expanded] == [
        s.astimezone(AMSTERDAM).replace(tzinfo=None) for s in starts
    ]


@pytest.mark.django_db
def test_all_day_event_has_dates_with_an_exclusive_end(client, leidse_regio):
    make_event(
        leidse_regio,
        "Lakenfeesten",
        start=local(2026, 10, 2),
        end=local(2026, 10, 4, 23, 59),
        all_day=True,
    )
    (vevent,) = feed(client).walk("VEVENT")
    assert vevent.decoded("DTSTART") == dt.date(2026, 10, 2)
    assert vevent.decoded("DTEND") == dt.date(2026, 10, 5)
    assert vevent["DTSTART"].params.get("VALUE") == "DATE"


@pytest.mark.django_db
def test_uids_stay_the_same_across_requests_and_after_an_edit(client, leidse_regio):
    event = make_event(leidse_regio, "Zomerconcert")
    first = feed(client)
    second = feed(client)
    assert uids(first) == uids(second) == {uid(event)}

    event.title = "Najaarsconcert"
    event.sequence += 1
    event.save()
    (vevent,) = feed(client).walk("VEVENT")
    assert str(vevent["UID"]) == uid(event)
    assert str(vevent["SUMMARY"]) == "Najaarsconcert"
    assert int(vevent["SEQUENCE"]) == 1

    # The feed keeps each event's text in the cache; any save shows, with or without SEQUENCE.
    event.venue = "Pieterskerk"
    event.save()
    (vevent,) = feed(client).walk("VEVENT")
    assert str(vevent["LOCATION"]).startswith("Pieterskerk")


@pytest.mark.django_db
def test_cancelled_events_stay_thirty_days_and_the_feed_keeps_ninety_days(client, leidse_regio):
    cancelled_soon = make_event(
        leidse_regio,
        "Afgelast concert",
        status=Event.Status.CANCELLED,
        start=local(2026, 10, 8, 20),
    )
    cancelled_lately = make_event(
        leidse_regio, "Pas afgelast", status=Event.Status.CANCELLED, start=local(2026, 9, 20, 20)
    )
    cancelled_long_ago = make_event(
        leidse_regio,
        "Lang geleden afgelast",
        status=Event.Status.CANCELLED,
        start=local(2026, 8, 1),
    )
    postponed = make_event(leidse_regio, "Uitgesteld", status=Event.Status.POSTPONED)
    recent = make_event(leidse_regio, "Zomermarkt", start=local(2026, 7, 15, 10))
    old = make_event(leidse_regio, "Voorjaarsmarkt", start=local(2026, 6, 1, 10))
    hidden = make_event(leidse_regio, "Afgewezen", moderation=Event.Moderation.REJECTED)

    calendar = feed(client)

    found = {str(e["UID"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert found == {
        uid(cancelled_soon): "CANCELLED",
        uid(cancelled_lately): "CANCELLED",
        uid(postponed): "TENTATIVE",
        uid(recent): "CONFIRMED",
    }
    assert uid(cancelled_long_ago) not in found
    assert uid(old) not in found
    assert uid(hidden) not in found


@pytest.mark.django_db
def test_every_filter_of_the_list_narrows_the_feed_the_same_way(
    client, leidse_regio, leiden, oegstgeest
):
    music = make_category(leidse_regio, "muziek", "Muziek")
    sport = make_category(leidse_regio, "sport", "Sport")
    children = make_audience(leidse_regio, "kinderen", "Kinderen")
    elderly = make_audience(leidse_regio, "ouderen", "Ouderen")
    theme = Theme.objects.in_region(leidse_regio).order_by("position")[0]
    make_event(
        leidse_regio,
        "Kinderconcert",
        municipality=leiden,
        categories=[music],
        audiences=[children],
        themes=[theme],
        regional=True,
        start=local(2026, 10, 5, 15),
    )
    make_event(
        leidse_regio,
        "Seniorengym",
        municipality=oegstgeest,
        categories=[sport],
        audiences=[elderly],
        start=local(2026, 11, 5, 10),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    make_event(
        leidse_regio,
        "Sportconcert",
        municipality=leiden,
        categories=[sport, music],
        audiences=[children, elderly],
        start=local(2026, 12, 5, 20),
    )
    # Each filter of the form, with values that pick some events and not others. A new filter
    # without a sample here fails the test, so it cannot stay untested.
    samples: dict[str, list[Any]] = {
        "gemeente": [oegstgeest.slug],
        "categorie": [["muziek"], ["muziek", "sport"]],
        "doelgroep": [["ouderen"]],
        "thema": [theme.slug],
        "regionaal": ["on"],
        "van": ["2026-11-01"],
        "tot": ["2026-11-30"],
    }
    fields = list(EventFilter(region=leidse_regio).fields)
    assert sorted(fields) == sorted(samples)
    # Every value of every field alone, each field with its neighbour in the form, and all of
    # them at once (every pair would cost seconds for little more).
    combinations: list[dict[str, Any]] = [{}]
    combinations += [{name: value} for name in fields for value in samples[name]]
    combinations += [
        {name: samples[name][0], following: samples[following][0]}
        for name, following in zip(fields, [*fields[1:], fields[0]], strict=True)
    ]
    combinations.append({name: samples[name][-1] for name in fields})

    narrowing = 0
    for query in combinations:
        page = client.get(reverse("events:list"), query)
        listed = {f"{o.event.uid}@{HOST}" for o in page.context["occurrences"]}
        assert not page.context["filters"].errors, query
        in_feed = uids(feed(client, **query))
        assert in_feed == listed, query
        narrowing += len(listed) < 3
        # The list's subscription link is this very feed.
        assert urlsplit(page.context["feed"].https).query == (
            page.context["filters"].query().urlencode()
        )
    assert narrowing > len(combinations) / 2


@pytest.mark.django_db
def test_feed_url_carries_the_filters_and_invalid_filters_are_refused(client, leidse_regio, leiden):
    make_category(leidse_regio, "muziek", "Muziek")
    response = client.get(reverse("events:list"), {"gemeente": leiden.slug, "categorie": "muziek"})
    url = response.context["feed"].https
    feed_response = client.get(url.replace(settings.SITE_URL, ""))
    assert feed_response.status_code == 200
    calendar = read(feed_response.content)
    assert "Leiden" in str(calendar["X-WR-CALNAME"]) and "Muziek" in str(calendar["X-WR-CALNAME"])

    refused = client.get(reverse("events:feed"), {"gemeente": "atlantis"})
    assert refused.status_code == 400
    assert "Gemeente: Selecteer een geldige keuze" in refused.content.decode()


@pytest.mark.django_db
def test_feed_needs_the_same_queries_for_five_and_fifty_events(client, leidse_regio):
    music = make_category(leidse_regio, "muziek", "Muziek")
    sport = make_category(leidse_regio, "sport", "Sport")

    def count(total: int) -> int:
        Event.objects.all().delete()
        for n in range(total):
            make_event(leidse_regio, f"Evenement {n}", categories=[music, sport])
        with CaptureQueriesContext(connection) as queries:
            calendar = feed(client, categorie="muziek")
        assert len(calendar.walk("VEVENT")) == total
        return len(queries)

    assert count(5) == count(50)


@pytest.mark.django_db
def test_one_event_downloads_as_an_ics_file(client, leidse_regio):
    event = make_event(leidse_regio, 'Concert "Zomer" / Park', recurrence="FREQ=DAILY;COUNT=2")
    response = client.get(reverse("events:event_ics", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="concert-zomer-park-{event.pk}.ics"'
    )
    calendar = read(response.content)
    assert uids(calendar) == {uid(event)}
    assert calendar.walk("VTIMEZONE")
