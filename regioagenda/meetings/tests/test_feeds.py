"""The meetings' iCalendar feeds: all meetings, per body, one meeting; only what the public may
see, read back with icalendar and vobject."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
import vobject
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regioagenda.meetings.models import AgendaItem, Body, BodyKind, Meeting
from regioagenda.meetings.tests.factories import make_body, make_meeting

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 1, 12, tzinfo=AMSTERDAM)
HOST = settings.SITE_URL.split("://", 1)[1].split("/")[0].split(":")[0]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def body_of(municipality, kind=BodyKind.COUNCIL) -> Body:
    found = Body.objects.filter(municipality=municipality, kind=kind).first()
    return found or make_body(municipality.region, municipality, kind)


def read(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    other = vobject.readOne(response.content.decode())
    ours = sorted(str(e["UID"]) for e in calendar.walk("VEVENT"))
    assert ours == sorted(e.uid.value for e in getattr(other, "vevent_list", []))
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == (
        ["Europe/Amsterdam"] if ours else []
    )
    return calendar


def uids(calendar: icalendar.Calendar) -> list[str]:
    return sorted(str(e["UID"]) for e in calendar.walk("VEVENT"))


def uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@{HOST}"


@pytest.mark.django_db
def test_a_meeting_of_two_bodies_is_once_in_each_bodys_feed(
    client, leidse_regio, leiden, oegstgeest
):
    leiden_council, oegstgeest_council = body_of(leiden), body_of(oegstgeest)
    joint = make_meeting(
        leidse_regio, "Themabijeenkomst wonen", bodies=[leiden_council, oegstgeest_council]
    )
    own = make_meeting(leidse_regio, "Raadsvergadering Leiden", bodies=[leiden_council])

    leiden_feed = read(client.get(reverse("meetings:body_feed", args=[leiden_council.slug])))
    oegstgeest_feed = read(
        client.get(reverse("meetings:body_feed", args=[oegstgeest_council.slug]))
    )
    all_feed = read(client.get(reverse("meetings:feed")))

    assert uids(leiden_feed) == sorted([uid(joint), uid(own)])
    assert uids(oegstgeest_feed) == [uid(joint)]
    assert uids(all_feed) == sorted([uid(joint), uid(own)])
    assert leiden_council.name in str(leiden_feed["X-WR-CALNAME"])
    (vevent,) = oegstgeest_feed.walk("VEVENT")
    assert str(vevent["URL"]) == settings.SITE_URL + joint.get_absolute_url()
    assert vevent.decoded("DTSTART") == dt.datetime(2026, 12, 1, 19, 30, tzinfo=AMSTERDAM)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert client.get(reverse("meetings:body_feed", args=["bestaat-niet"])).status_code == 404


@pytest.mark.django_db
def test_closed_meetings_and_closed_items_stay_out_of_the_feeds(
    client, leidse_regio, leiden, council_member
):
    council = body_of(leiden)
    closed = make_meeting(leidse_regio, "Besloten overleg", bodies=[council], public=False)
    open_meeting = make_meeting(leidse_regio, "Openbare vergadering", bodies=[council])
    AgendaItem.objects.create(meeting=open_meeting, position=1, title="Begroting 2027")
    AgendaItem.objects.create(
        meeting=open_meeting, position=2, title="Grondaankoop Kanaalpark", public=False
    )

    client.force_login(council_member)  # a feed is public, whoever asks for it
    for url in (reverse("meetings:feed"), reverse("meetings:body_feed", args=[council.slug])):
        calendar = read(client.get(url))
        assert uids(calendar) == [uid(open_meeting)]
        (vevent,) = calendar.walk("VEVENT")
        description = str(vevent["DESCRIPTION"])
        assert "Begroting 2027" in description
        assert "Grondaankoop" not in description

    # The one-meeting download follows who asks: a council member may take the closed one.
    assert client.get(reverse("meetings:meeting_ics", args=[closed.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("meetings:meeting_ics", args=[closed.pk])).status_code == 404
    response = client.get(reverse("meetings:meeting_ics", args=[open_meeting.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="openbare-vergadering-{open_meeting.pk}.ics"'
    )
    assert "Grondaankoop" not in response.content.decode()


@pytest.mark.django_db
def test_cancelled_meetings_stay_thirty_days_with_status_cancelled(client, leidse_regio, leiden):
    council = body_of(leiden)
    soon = make_meeting(
        leidse_regio, "Afgelaste raad", bodies=[council], status=Meeting.Status.CANCELLED
    )
    lately = make_meeting(
        leidse_regio,
        "Afgelast in oktober",
        start=dt.datetime(2026, 10, 20, 19, 30, tzinfo=AMSTERDAM),
        status=Meeting.Status.CANCELLED,
    )
    long_ago = make_meeting(
        leidse_regio,
        "Afgelast in september",
        start=dt.datetime(2026, 9, 20, 19, 30, tzinfo=AMSTERDAM),
        status=Meeting.Status.CANCELLED,
    )
    held = make_meeting(
        leidse_regio, "Gehouden", start=dt.datetime(2026, 8, 20, 19, 30, tzinfo=AMSTERDAM)
    )
    too_old = make_meeting(
        leidse_regio, "Te oud", start=dt.datetime(2026, 7, 20, 19, 30, tzinfo=AMSTERDAM)
    )

    calendar = read(client.get(reverse("meetings:feed")))

    found = {str(e["UID"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert found == {uid(soon): "CANCELLED", uid(lately): "CANCELLED", uid(held): "CONFIRMED"}
    assert uid(long_ago) not in found and uid(too_old) not in found


@pytest.mark.django_db
def test_meeting_feed_queries_do_not_grow_with_meetings(client, leidse_regio, leiden):
    council = body_of(leiden)

    def count(total: int) -> int:
        Meeting.objects.all().delete()
        for n in range(total):
            meeting = make_meeting(leidse_regio, f"Vergadering {n}", bodies=[council])
            AgendaItem.objects.create(meeting=meeting, title="Opening")
        with CaptureQueriesContext(connection) as queries:
            calendar = read(client.get(reverse("meetings:body_feed", args=[council.slug])))
        assert len(calendar.walk("VEVENT")) == total
        return len(queries)

    assert count(3) == count(30)
