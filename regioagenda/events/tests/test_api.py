"""Events in the API: the public reads published events only, in schema.org terms; partners,
editors and the coordinator submit events with a token (PENDING, with the clashes as a
warning); only the organiser and those who may moderate change an event, with its version."""

import datetime
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import local, make_audience, make_category, make_event
from regioagenda.regions.models import Municipality, Organisation, Region
from regioagenda.vision.models import Theme

pytestmark = pytest.mark.django_db

API = "/api/v1/regions/leidse-regio/events"


@pytest.fixture
def admin_user(db) -> User:
    return with_second_factor(User.objects.create_superuser("beheerder", password=None))


@pytest.fixture
def key_of(admin_user):  # type: ignore[no-untyped-def]
    def key(user: User) -> str:
        _, key = issue_token(
            with_second_factor(user),
            name="koppeling",
            memberships=list(user.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=30),
            by=admin_user,
        )
        return key

    return key


def partner(region: Region, username: str, position: int = 0) -> User:
    organisations = list(Organisation.objects.filter(region=region).order_by("pk"))
    organisation = (
        organisations[position]
        if position < len(organisations)
        else Organisation.objects.create(region=region, slug=username, name=username)
    )
    user = make_user(username, Membership.Role.PARTNER, organisation=organisation)
    user.email = f"{username}@example.org"
    user.save()
    return user


@pytest.fixture
def partner_a(leidse_regio) -> User:
    return partner(leidse_regio, "partner-a", 0)


@pytest.fixture
def partner_b(leidse_regio) -> User:
    return partner(leidse_regio, "partner-b", 1)


def call(client: Client, method: str, path: str, key: str | None, body: Any = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if method == "get":
        return client.get(path, body, headers=headers)
    return getattr(client, method)(path, body, content_type="application/json", headers=headers)


def invalid(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {item["name"]: item["reason"] for item in response.json()["invalidParams"]}


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


def event_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Open dag Hortus",
        "description": "<p>Rondleidingen door de <strong>tuin</strong>.</p>",
        "start": "2026-10-03T10:00:00+02:00",
        "end": "2026-10-03T16:00:00+02:00",
        "location": {
            "name": "Hortus botanicus",
            "address": "Rapenburg 73",
            "municipality": "GM0546",
        },
        "organizer": {"name": "Hortus botanicus Leiden"},
        "keywords": ["natuur"],
        "audience": ["iedereen"],
        "expectedVisitors": 800,
        "accessibilitySummary": "Rolstoeltoegankelijk.",
        "url": "https://hortus.example.org/open-dag",
        **overrides,
    }


# Reading --------------------------------------------------------------------------------------


def test_the_public_sees_published_events_only(client, leidse_regio):
    shown = make_event(leidse_regio, "Gepubliceerd")
    hidden = [
        make_event(leidse_regio, str(state.label), moderation=state)
        for state in (
            Event.Moderation.PENDING,
            Event.Moderation.UNCONFIRMED,
            Event.Moderation.REJECTED,
        )
    ]

    assert names(client.get(API)) == ["Gepubliceerd"]
    assert client.get(f"{API}/{shown.pk}").status_code == 200
    for event in hidden:
        response = client.get(f"{API}/{event.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert client.get(f"/api/v1/regions/kustregio/events/{shown.pk}").status_code == 404
    assert client.get("/api/v1/regions/geen-regio/events").status_code == 404


def test_an_event_carries_the_schema_org_fields(client, leidse_regio, leiden, settings):
    settings.SITE_URL = "https://agenda.example.nl"
    theme = Theme.objects.filter(region=leidse_regio).order_by("position")[0]
    event = make_event(
        leidse_regio,
        "Lichtjesavond",
        start=local(2026, 12, 12, 18, 30),
        end=local(2026, 12, 12, 22),
        municipality=leiden,
        description="<p>Sfeervol <em>licht</em>.</p>",
        address="Breestraat 1",
        categories=[make_category(leidse_regio, "cultuur")],
        audiences=[make_audience(leidse_regio, "kinderen")],
        themes=[theme],
        expected_visitors=5000,
        accessibility="Invalidentoilet aanwezig.",
        url="https://licht.example.org",
        status=Event.Status.POSTPONED,
        regional=True,
        recurrence="FREQ=YEARLY;COUNT=3",
        image="evenementen/lichtjes.png",
        image_format="png",
        image_alt="Grachten vol lichtjes",
    )

    data = client.get(f"{API}/{event.pk}").json()

    # The website's image view serves it (once routed as events:image).
    try:
        address = "https://agenda.example.nl" + reverse("events:image", kwargs={"pk": event.pk})
        image: dict[str, str] | None = {"url": address, "alt": "Grachten vol lichtjes"}
    except NoReverseMatch:
        image = None
    assert data == {
        "id": event.pk,
        "name": "Lichtjesavond",
        "description": "<p>Sfeervol <em>licht</em>.</p>",
        "start": "2026-12-12T18:30:00+01:00",
        "end": "2026-12-12T22:00:00+01:00",
        "allDay": False,
        "recurrence": "FREQ=YEARLY;COUNT=3",
        "status": "uitgesteld",
        "eventStatus": "https://schema.org/EventPostponed",
        "location": {
            "name": "Stadsgehoorzaal",
            "address": "Breestraat 1",
            "municipality": {"code": "GM0546", "name": "Leiden"},
            "place": None,
            "outsideRegion": False,
        },
        "organizer": {"name": "Stichting Cultuur"},
        "about": [{"slug": theme.slug, "name": {"nl": theme.title, "en": theme.title_en or None}}],
        "audience": [
            {
                "slug": "kinderen",
                "name": {"nl": "Kinderen en gezinnen", "en": "Children and families"},
            }
        ],
        "keywords": [{"slug": "cultuur", "name": {"nl": "Cultuur", "en": "Culture"}}],
        "expectedVisitors": 5000,
        "accessibilitySummary": "Invalidentoilet aanwezig.",
        "url": "https://licht.example.org",
        "image": image,
        "isRegional": True,
        "moderation": None,
        "version": 1,
        "_links": {
            "self": f"{API}/{event.pk}",
            "html": f"https://agenda.example.nl/evenementen/{event.pk}/",
        },
    }
    assert "organisator@example.org" not in str(data)


def test_an_event_outside_the_region_says_so(client, leidse_regio):
    event = make_event(leidse_regio, "Bollenmarkt", municipality=None, place_outside_region="Lisse")

    data = client.get(f"{API}/{event.pk}").json()

    assert data["location"]["municipality"] is None
    assert data["location"]["outsideRegion"] is True
    assert data["location"]["place"] == "Lisse"
    assert data["image"] is None
    assert data["eventStatus"] == "https://schema.org/EventScheduled"


def test_events_filter_as_the_list_view_does(client, leidse_regio, leiden, oegstgeest):
    theme = Theme.objects.filter(region=leidse_regio).order_by("position")[0]
    music = make_category(leidse_regio, "muziek")
    children = make_audience(leidse_regio, "kinderen")
    make_event(
        leidse_regio,
        "Concert",
        start=local(2026, 6, 5, 20),
        end=local(2026, 6, 5, 22),
        municipality=leiden,
        categories=[music],
        regional=True,
    )
    make_event(
        leidse_regio,
        "Kinderfeest",
        start=local(2026, 6, 6, 10),
        end=local(2026, 6, 8, 16),
        municipality=oegstgeest,
        audiences=[children],
        themes=[theme],
        status=Event.Status.CANCELLED,
    )
    make_event(
        leidse_regio,
        "Wekelijkse markt",
        start=local(2026, 5, 1, 9),
        end=local(2026, 5, 1, 13),
        municipality=leiden,
        recurrence="FREQ=WEEKLY;COUNT=10",
    )

    def found(**query: Any) -> list[str]:
        return names(client.get(API, query))

    assert found() == ["Concert", "Kinderfeest", "Wekelijkse markt"]
    assert found(municipality="GM0579") == ["Kinderfeest"]
    assert found(municipality="gm0546") == ["Concert", "Wekelijkse markt"]
    assert found(category="muziek") == ["Concert"]
    assert found(audience="kinderen") == ["Kinderfeest"]
    assert found(theme=theme.slug) == ["Kinderfeest"]
    assert found(regional="true") == ["Concert"]
    assert found(regional="false") == ["Kinderfeest", "Wekelijkse markt"]
    assert found(status="afgelast") == ["Kinderfeest"]
    # Overlapping: a three-day event is found on its last day; a series from its start on.
    assert found(startsFrom="2026-06-08") == ["Kinderfeest", "Wekelijkse markt"]
    assert found(startsFrom="2026-06-09") == ["Wekelijkse markt"]
    assert found(startsUntil="2026-06-05") == ["Concert", "Wekelijkse markt"]
    assert found(startsUntil="2026-04-30") == []
    assert found(startsFrom="2026-06-06", startsUntil="2026-06-06") == [
        "Kinderfeest",
        "Wekelijkse markt",
    ]
    assert invalid(client.get(API, {"startsFrom": "6 juni"})).keys() == {"startsFrom"}
    assert invalid(client.get(API, {"status": "misschien"})).keys() == {"status"}


def test_the_list_takes_a_fixed_number_of_queries(client, leidse_regio, leiden):
    music = make_category(leidse_regio, "muziek")
    children = make_audience(leidse_regio, "kinderen")
    theme = Theme.objects.filter(region=leidse_regio).order_by("position")[0]

    def add(count: int) -> None:
        for number in range(count):
            make_event(
                leidse_regio,
                f"Evenement {Event.objects.count() + number}",
                municipality=leiden,
                categories=[music],
                audiences=[children],
                themes=[theme],
            )

    add(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(API).json()["count"] == 5
    add(25)
    with CaptureQueriesContext(connection) as thirty:
        assert client.get(API).json()["count"] == 30
    assert len(thirty) == len(five)


def test_paging_follows_the_other_lists(client, leidse_regio):
    for number in range(3):
        make_event(leidse_regio, f"Evenement {number}", start=local(2026, 7, 1 + number, 20))

    page = client.get(API, {"limit": 2, "offset": 1}).json()

    assert page["count"] == 3
    assert [item["name"] for item in page["items"]] == ["Evenement 1", "Evenement 2"]


# Writing --------------------------------------------------------------------------------------


def test_a_partner_submits_an_event_that_waits_for_moderation(
    client, leidse_regio, leiden, partner_a, key_of
):
    key = key_of(partner_a)

    response = call(
        client,
        "post",
        API,
        key,
        # The moderation, the region's label and an id are not the partner's to set.
        event_body(id=999999, moderation="gepubliceerd", isRegional=True, regional=True),
    )

    assert response.status_code == 201, response.content
    data = response.json()
    event = Event.objects.get(title="Open dag Hortus")
    assert data["id"] == event.pk != 999999
    assert data["moderation"] == "te-beoordelen"
    assert data["isRegional"] is False
    assert data["clashes"] == []
    assert event.moderation == Event.Moderation.PENDING
    assert event.organiser == partner_a
    assert event.organiser_email == "partner-a@example.org"
    assert event.municipality == leiden
    assert event.start == local(2026, 10, 3, 10)
    assert [c.slug for c in event.categories.all()] == ["natuur"]
    assert [a.slug for a in event.audiences.all()] == ["iedereen"]
    assert {entry.actor for entry in LogEntry.objects.get_for_object(event)} == {partner_a}
    # The partner sees it with its moderation; the public does not see it at all.
    assert names(call(client, "get", API, key)) == ["Open dag Hortus"]
    mine = call(client, "get", f"{API}/{event.pk}", key).json()
    assert mine["moderation"] == "te-beoordelen"
    assert names(client.get(API)) == []
    assert client.get(f"{API}/{event.pk}").status_code == 404


def test_the_answer_names_the_events_it_clashes_with(
    client, leidse_regio, leiden, partner_a, key_of
):
    other = make_event(
        leidse_regio,
        "Wetenschapsdag",
        start=local(2026, 10, 3, 11),
        end=local(2026, 10, 3, 17),
        municipality=leiden,
        venue="Hortus botanicus",
    )

    response = call(client, "post", API, key_of(partner_a), event_body())

    assert response.status_code == 201, response.content
    clashes = response.json()["clashes"]
    assert [clash["event"] for clash in clashes] == [
        {"id": other.pk, "name": "Wetenschapsdag", "start": "2026-10-03T11:00:00+02:00"}
    ]
    assert clashes[0]["rule"] == "zelfde-locatie"
    assert clashes[0]["reasons"]
    assert Event.objects.get(title="Open dag Hortus").moderation == Event.Moderation.PENDING


def test_html_in_the_description_is_sanitised(client, leidse_regio, partner_a, key_of):
    body = event_body(
        description='<p onclick="steel()">Welkom<script>alert(1)</script> '
        '<a href="javascript:alert(1)">hier</a></p>'
    )

    response = call(client, "post", API, key_of(partner_a), body)

    assert response.status_code == 201, response.content
    stored = Event.objects.get().description
    assert "script" not in stored
    assert "onclick" not in stored
    assert "javascript" not in stored
    assert "Welkom" in stored
    assert response.json()["description"] == stored


def test_a_bad_payload_is_refused_naming_the_fields_and_nothing_is_stored(
    client, leidse_regio, kustregio, partner_a, key_of
):
    key = key_of(partner_a)
    other_region = Municipality.objects.filter(region=kustregio).order_by("pk").first()
    assert other_region is not None

    end_before_start = invalid(
        call(client, "post", API, key, event_body(end="2026-10-03T09:00:00+02:00"))
    )
    unknown = invalid(
        call(
            client,
            "post",
            API,
            key,
            event_body(location={"name": "Ergens", "municipality": "GM9999"}),
        )
    )
    elsewhere = invalid(
        call(
            client,
            "post",
            API,
            key,
            event_body(location={"name": "Ergens", "municipality": other_region.code}),
        )
    )
    nowhere = invalid(call(client, "post", API, key, event_body(location={"name": "Ergens"})))
    labels = invalid(
        call(client, "post", API, key, event_body(keywords=["geen-categorie"], about=["x"]))
    )
    shapes = invalid(
        call(
            client,
            "post",
            API,
            key,
            event_body(name="  ", start="morgen", expectedVisitors=-1, status="misschien"),
        )
    )
    rule = invalid(call(client, "post", API, key, event_body(recurrence="FREQ=SOMS")))
    far = invalid(
        call(
            client,
            "post",
            API,
            key,
            event_body(start="0001-01-01T00:00:00+05:00", end="9999-12-31T23:00:00-02:00"),
        )
    )

    assert end_before_start.keys() == {"end"}
    assert "einde" in end_before_start["end"].lower()
    assert unknown == {"location.municipality": "'GM9999' bestaat niet."}
    assert elsewhere.keys() == {"location.municipality"}
    assert "hoort niet bij deze regio" in elsewhere["location.municipality"]
    assert nowhere.keys() == {"location.municipality"}
    assert labels.keys() == {"keywords", "about"}
    assert "'geen-categorie' bestaat niet" in labels["keywords"]
    assert shapes.keys() == {"name", "start", "expectedVisitors", "status"}
    assert "tijdstip" in shapes["start"]
    assert rule.keys() == {"recurrence"}
    assert far == {
        "start": "Begin: kies een tijdstip tussen 1970 en 2200.",
        "end": "Einde: kies een tijdstip tussen 1970 en 2200.",
    }
    assert not Event.objects.exists()


def test_only_staff_and_partners_of_the_region_submit_events(
    client, leidse_regio, kustregio, leiden_editor, coordinator, key_of
):
    outsider = partner(kustregio, "partner-kust")
    council_member = make_user(
        "raadslid",
        Membership.Role.COUNCIL_MEMBER,
        municipality=Municipality.objects.get(code="GM0546"),
    )

    anonymous = call(client, "post", API, None, event_body())
    foreign = call(client, "post", API, key_of(outsider), event_body())
    member = call(client, "post", API, key_of(council_member), event_body())
    # Staff accounts have no address of their own here: the payload gives one.
    without_address = call(client, "post", API, key_of(leiden_editor), event_body())
    editor = call(
        client,
        "post",
        API,
        key_of(leiden_editor),
        event_body(
            name="Van de redactie",
            organizer={"name": "Gemeente Leiden", "email": "agenda@leiden.example.nl"},
        ),
    )
    coordinating = call(
        client,
        "post",
        API,
        key_of(coordinator),
        event_body(name="Van de regio", organizer={"name": "Regio", "email": "regio@example.nl"}),
    )

    assert (anonymous.status_code, foreign.status_code, member.status_code) == (401, 403, 403)
    assert anonymous["Content-Type"] == "application/problem+json"
    assert invalid(without_address).keys() == {"organizer.email"}
    assert (editor.status_code, coordinating.status_code) == (201, 201)
    assert sorted(Event.objects.values_list("title", flat=True)) == [
        "Van de redactie",
        "Van de regio",
    ]


def test_the_organiser_changes_their_event_with_its_version(
    client, leidse_regio, partner_a, partner_b, key_of
):
    key = key_of(partner_a)
    created = call(client, "post", API, key, event_body()).json()
    path = f"{API}/{created['id']}"
    event = Event.objects.get()
    # Published by the region, then corrected by its organiser.
    Event.objects.filter(pk=event.pk).update(moderation=Event.Moderation.PUBLISHED)

    small = call(client, "put", path, key, event_body(url="https://hortus.example.org/", version=1))
    stale = call(client, "put", path, key, event_body(name="Oude naam", version=1))
    foreign = call(client, "put", path, key_of(partner_b), event_body(name="Kaping", version=2))
    anonymous = call(client, "put", path, None, event_body(name="Kaping", version=2))

    assert small.status_code == 200, small.content
    assert small.json()["version"] == 2
    assert small.json()["moderation"] == "gepubliceerd"
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert (foreign.status_code, anonymous.status_code) == (403, 401)
    event.refresh_from_db()
    assert (event.title, event.url, event.version) == (
        "Open dag Hortus",
        "https://hortus.example.org/",
        2,
    )
    assert event.moderation == Event.Moderation.PUBLISHED

    # A new date is a substantial change: back to moderation.
    moved = call(
        client,
        "put",
        path,
        key,
        event_body(start="2026-10-10T10:00:00+02:00", end="2026-10-10T16:00:00+02:00", version=2),
    )

    assert moved.status_code == 200, moved.content
    assert moved.json()["moderation"] == "te-beoordelen"
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING
    assert event.organiser == partner_a
    changes = LogEntry.objects.get_for_object(event).filter(action=LogEntry.Action.UPDATE)
    assert {entry.actor for entry in changes} == {partner_a}


def test_a_pending_event_of_someone_else_is_not_found(
    client, leidse_regio, partner_a, partner_b, key_of
):
    created = call(client, "post", API, key_of(partner_a), event_body()).json()

    response = call(
        client, "put", f"{API}/{created['id']}", key_of(partner_b), event_body(version=1)
    )

    assert response.status_code == 404
    assert Event.objects.get().title == "Open dag Hortus"


def test_those_who_may_moderate_change_an_event_others_may_not(
    client, leidse_regio, leiden, coordinator, leiden_editor, oegstgeest_editor, key_of
):
    event = make_event(
        leidse_regio, "Braderie", municipality=leiden, moderation=Event.Moderation.PENDING
    )
    path = f"{API}/{event.pk}"
    body = event_body(name="Braderie Breestraat")

    other_editor = call(client, "put", path, key_of(oegstgeest_editor), {**body, "version": 1})
    editor = call(client, "put", path, key_of(leiden_editor), {**body, "version": 1})
    region = call(
        client, "put", path, key_of(coordinator), {**body, "name": "Grote braderie", "version": 2}
    )

    assert other_editor.status_code == 404
    assert editor.status_code == 200, editor.content
    assert editor.json()["moderation"] == "te-beoordelen"
    assert region.status_code == 200, region.content
    event.refresh_from_db()
    assert (event.title, event.version) == ("Grote braderie", 3)
    # Published events are visible to everyone; an editor of another municipality still may
    # not change them.
    Event.objects.filter(pk=event.pk).update(moderation=Event.Moderation.PUBLISHED)
    assert (
        call(client, "put", path, key_of(oegstgeest_editor), {**body, "version": 3}).status_code
        == 403
    )
