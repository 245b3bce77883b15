"""Meetings in the API as open data: public meetings with their public items, documents as
links, decisions and follow-ups; closed meetings and items only with a token of the region's
staff; the bodies that meet with their slugs and kinds."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from regioagenda.accounts.models import User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.agenda.tests.factories import make_action
from regioagenda.dossiers.tests.factories import make_dossier
from regioagenda.meetings.models import (
    AgendaDocument,
    AgendaItem,
    Body,
    BodyKind,
    FollowUp,
    Meeting,
    MeetingKind,
)
from regioagenda.meetings.tests.factories import make_body, make_meeting
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db

API = "/api/v1/regions/leidse-regio"
AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))


def council(region: Region, municipality: Municipality, kind: str = BodyKind.COUNCIL) -> Body:
    """The municipality's council or college (the data set creates them; else made here)."""
    return Body.objects.filter(
        region=region, municipality=municipality, kind=kind
    ).first() or make_body(region, municipality, kind)


def at(day: int, hour: int = 19, minute: int = 30) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.fixture
def key_of(db):  # type: ignore[no-untyped-def]
    admin = with_second_factor(User.objects.create_superuser("beheerder", password=None))

    def key(user: User) -> str:
        _, key = issue_token(
            with_second_factor(user),
            name="koppeling",
            memberships=list(user.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=30),
            by=admin,
        )
        return key

    return key


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return sorted(item["title"]["nl"] for item in response.json()["items"])


def invalid(response) -> set[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {item["name"] for item in response.json()["invalidParams"]}


def test_bodies_are_listed_with_their_slugs_and_kinds(client, leidse_regio, leiden):
    raad = council(leidse_regio, leiden)
    regional = Body.objects.filter(region=leidse_regio, kind=BodyKind.REGIONAL).first() or (
        make_body(leidse_regio)
    )

    response = client.get(f"{API}/bodies", {"limit": 200})

    assert response.status_code == 200, response.content
    found = {item["slug"]: item for item in response.json()["items"]}
    assert found[raad.slug] == {
        "slug": raad.slug,
        "name": {"nl": raad.name, "en": raad.name_en or None},
        "kind": "raad",
        "municipality": {"code": "GM0546", "name": "Leiden"},
        "jointBody": None,
        "_links": {
            "meetings": f"/api/v1/regions/leidse-regio/meetings?body={raad.slug}",
            "html": found[raad.slug]["_links"]["html"],
        },
    }
    assert found[raad.slug]["_links"]["html"].endswith(raad.get_absolute_url())
    assert found[regional.slug]["kind"] == "regio"
    assert found[regional.slug]["municipality"] is None
    assert client.get("/api/v1/regions/geen-regio/bodies").status_code == 404


def test_the_public_sees_public_meetings_once_each(client, leidse_regio, leiden, oegstgeest):
    two = [council(leidse_regio, leiden), council(leidse_regio, oegstgeest)]
    shared = make_meeting(leidse_regio, "Samen over wonen", bodies=two)
    make_meeting(leidse_regio, "Besloten overleg", bodies=two[:1], public=False)

    assert titles(client.get(f"{API}/meetings")) == ["Samen over wonen"]
    data = client.get(f"{API}/meetings/{shared.pk}").json()
    assert sorted(body["slug"] for body in data["bodies"]) == sorted(body.slug for body in two)
    closed = Meeting.objects.get(title="Besloten overleg")
    assert client.get(f"{API}/meetings/{closed.pk}").status_code == 404
    assert client.get(f"/api/v1/regions/kustregio/meetings/{shared.pk}").status_code == 404


def test_a_meeting_carries_its_fields(client, leidse_regio, leiden, settings):
    settings.SITE_URL = "https://agenda.example.nl"
    theme = Theme.objects.filter(region=leidse_regio).order_by("position")[0]
    raad = council(leidse_regio, leiden)
    meeting = make_meeting(
        leidse_regio,
        "Netwerkavond energie",
        start=at(3),
        bodies=[raad],
        kind=MeetingKind.NETWORK,
        title_en="Energy network evening",
        description="Over warmtenetten.",
        recurrence="FREQ=MONTHLY;COUNT=3",
        online_url="https://meet.example.org/energie",
        organiser=leiden,
        registration_open=True,
        capacity=40,
        status=Meeting.Status.CANCELLED,
    )
    meeting.themes.set([theme])

    data = client.get(f"{API}/meetings/{meeting.pk}").json()

    assert data == {
        "id": meeting.pk,
        "title": {"nl": "Netwerkavond energie", "en": "Energy network evening"},
        "description": "Over warmtenetten.",
        "kind": "netwerkbijeenkomst",
        "start": "2026-12-03T19:30:00+01:00",
        "end": "2026-12-03T21:30:00+01:00",
        "recurrence": "FREQ=MONTHLY;COUNT=3",
        "status": "afgelast",
        "location": "Stadhuis Leiden",
        "onlineUrl": "https://meet.example.org/energie",
        "organiser": {"code": "GM0546", "name": "Leiden"},
        "bodies": [
            {
                "slug": raad.slug,
                "name": {"nl": raad.name, "en": raad.name_en or None},
                "kind": "raad",
            }
        ],
        "themes": [{"slug": theme.slug, "name": {"nl": theme.title, "en": theme.title_en or None}}],
        "public": True,
        "registrationOpen": True,
        "capacity": 40,
        "_links": {
            "self": f"{API}/meetings/{meeting.pk}",
            "html": f"https://agenda.example.nl/vergaderingen/{meeting.pk}/",
            "ics": f"https://agenda.example.nl/vergaderingen/{meeting.pk}.ics",
        },
        "items": [],
    }


def test_a_meeting_shows_its_public_agenda_with_documents_decisions_and_follow_ups(
    client, leidse_regio, leiden, coordinator, key_of, settings
):
    settings.SITE_URL = "https://agenda.example.nl"
    meeting = make_meeting(leidse_regio, "Raadsconferentie", bodies=[council(leidse_regio, leiden)])
    action = make_action(leiden, title="Warmtenet Leiden-Noord")
    proposal = make_proposal(leiden, "RV 26.0042", title="Warmtevisie")
    dossier = make_dossier(leidse_regio)
    topic = Topic.objects.filter(region=leidse_regio).order_by("pk")[0]
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        title="Warmtetransitie",
        description="Bespreking van de warmtevisies.",
        minutes="De raden wisselden ervaringen uit.",
        decision="Een gezamenlijke aanpak wordt uitgewerkt.",
    )
    item.topics.set([topic])
    item.actions.set([action])
    item.proposals.set([proposal])
    item.dossiers.set([dossier])
    link = AgendaDocument.objects.create(
        item=item, title="Notitie", url="https://docs.example.org/n"
    )
    upload = AgendaDocument.objects.create(
        item=item,
        title="Verslag",
        file="vergaderingen/1/abc",
        name="verslag.pdf",
        media_type="application/pdf",
        size=1234,
        sha256="abc",
    )
    FollowUp.objects.create(item=item, action=action)
    closed = AgendaItem.objects.create(meeting=meeting, position=2, title="Personeel", public=False)
    AgendaDocument.objects.create(item=closed, title="Geheim", url="https://docs.example.org/g")

    public = client.get(f"{API}/meetings/{meeting.pk}").json()
    staff = client.get(
        f"{API}/meetings/{meeting.pk}", headers={"Authorization": f"Bearer {key_of(coordinator)}"}
    ).json()

    assert [entry["title"] for entry in public["items"]] == ["Warmtetransitie"]
    assert "Geheim" not in str(public)
    [shown] = public["items"]
    assert shown["position"] == 1
    assert shown["public"] is True
    assert shown["minutes"] == "De raden wisselden ervaringen uit."
    assert shown["decision"] == "Een gezamenlijke aanpak wordt uitgewerkt."
    assert shown["topics"] == [topic.slug]
    assert shown["actions"] == [
        {"id": action.pk, "title": "Warmtenet Leiden-Noord", "link": f"/api/v1/actions/{action.pk}"}
    ]
    assert shown["proposals"] == [
        {"id": proposal.pk, "title": "Warmtevisie", "link": f"{API}/proposals/{proposal.pk}"}
    ]
    assert shown["dossiers"] == [
        {"slug": dossier.slug, "title": dossier.title, "link": f"{API}/dossiers/{dossier.slug}"}
    ]
    assert shown["documents"] == [
        {"title": "Notitie", "url": "https://docs.example.org/n", "mediaType": None, "size": None},
        {
            "title": "Verslag",
            "url": f"https://agenda.example.nl/vergaderingen/{meeting.pk}/stukken/{upload.pk}/",
            "mediaType": "application/pdf",
            "size": 1234,
        },
    ]
    assert link.pk < upload.pk
    assert shown["followUps"] == [
        {
            "action": action.pk,
            "title": "Warmtenet Leiden-Noord",
            "link": f"/api/v1/actions/{action.pk}",
        }
    ]
    # The region's staff see the closed item too, with a token.
    assert [entry["title"] for entry in staff["items"]] == ["Warmtetransitie", "Personeel"]
    assert staff["items"][1]["public"] is False


def test_closed_meetings_are_for_the_regions_staff_with_a_token(
    client, leidse_regio, leiden, coordinator, key_of
):
    make_meeting(leidse_regio, "Open", bodies=[council(leidse_regio, leiden)])
    make_meeting(leidse_regio, "Dicht", public=False)
    headers = {"Authorization": f"Bearer {key_of(coordinator)}"}

    assert titles(client.get(f"{API}/meetings", headers=headers)) == ["Dicht", "Open"]
    assert (
        client.get(f"{API}/meetings", headers={"Authorization": "Bearer fout"}).status_code == 401
    )


def test_meetings_filter_by_body_theme_kind_and_dates(client, leidse_regio, leiden, oegstgeest):
    theme = Theme.objects.filter(region=leidse_regio).order_by("position")[0]
    raad_leiden = council(leidse_regio, leiden)
    raad_oegstgeest = council(leidse_regio, oegstgeest)
    both = make_meeting(leidse_regio, "Samen", start=at(1), bodies=[raad_leiden, raad_oegstgeest])
    both.themes.set([theme])
    make_meeting(
        leidse_regio,
        "Werksessie",
        start=at(8),
        end=at(10, 17),
        bodies=[raad_oegstgeest],
        kind=MeetingKind.WORKING_SESSION,
    )
    make_meeting(leidse_regio, "Maandelijks", start=at(2), recurrence="FREQ=MONTHLY;COUNT=6")

    def found(**query: Any) -> list[str]:
        return titles(client.get(f"{API}/meetings", query))

    assert found() == ["Maandelijks", "Samen", "Werksessie"]
    assert found(body=raad_leiden.slug) == ["Samen"]
    assert found(body=raad_oegstgeest.slug) == ["Samen", "Werksessie"]
    assert found(body="geen-orgaan") == []
    assert found(theme=theme.slug) == ["Samen"]
    assert found(kind="werksessie") == ["Werksessie"]
    # Overlapping: a three-day session is found on its last day; a series from its start on.
    assert found(startsFrom="2026-12-10") == ["Maandelijks", "Werksessie"]
    assert found(startsFrom="2026-12-11") == ["Maandelijks"]
    assert found(startsUntil="2026-12-01") == ["Samen"]
    assert invalid(client.get(f"{API}/meetings", {"kind": "feest"})) == {"kind"}
    assert invalid(client.get(f"{API}/meetings", {"startsUntil": "morgen"})) == {"startsUntil"}


def test_the_meetings_list_takes_a_fixed_number_of_queries(client, leidse_regio, leiden):
    raad = council(leidse_regio, leiden)
    theme = Theme.objects.filter(region=leidse_regio).order_by("position")[0]

    def add(count: int) -> None:
        for number in range(count):
            meeting = make_meeting(
                leidse_regio,
                f"Vergadering {Meeting.objects.count()}",
                start=at(1 + number % 28),
                bodies=[raad],
                organiser=leiden,
            )
            meeting.themes.set([theme])

    add(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(f"{API}/meetings").json()["count"] == 5
    add(25)
    with CaptureQueriesContext(connection) as thirty:
        assert client.get(f"{API}/meetings").json()["count"] == 30
    assert len(thirty) == len(five)
