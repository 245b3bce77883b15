import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.initiatives import submission
from regioagenda.initiatives.models import Initiative, Status
from regioagenda.initiatives.tests.factories import make_initiative

pytestmark = pytest.mark.django_db

BASE = "/api/v1/regions/leidse-regio/initiatives"
EMAIL = "anna@example.org"


def token_for(user: User) -> str:
    admin = with_second_factor(User.objects.create_superuser("beheerder", password=None))
    _, key = issue_token(
        with_second_factor(user),
        name="koppeling",
        memberships=list(user.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=30),
        by=admin,
    )
    return key


def post(client: Client, path: str, body: dict, key: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(path, body, content_type="application/json", **headers)


def body(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Een wipwapje in de Proefbuurt",
        "description": "Het oude wipwapje is kapot.",
        "submitterKind": "inwoner",
        "submitterName": "Anna de Vries",
        "submitterEmail": EMAIL,
        "place": "BU99990101",
    }
    data.update(overrides)
    return data


def test_the_list_and_detail_show_published_initiatives_without_the_email(
    client: Client, leidse_regio, leiden, college_decides
):
    published = make_initiative(
        leidse_regio, municipality=leiden, competences=[college_decides], title="Openbaar"
    )
    hidden = make_initiative(leidse_regio, Status.SUBMITTED, title="Verborgen")
    listing = client.get(BASE)
    assert listing.status_code == 200
    assert [item["title"] for item in listing.json()["items"]] == ["Openbaar"]
    detail = client.get(f"{BASE}/{published.reference}")
    assert detail.json()["competences"][0]["law"] == "Gemeentewet"
    assert detail.json()["municipality"] == "GM0546"
    assert [e["status"] for e in detail.json()["events"]] == [Status.PUBLISHED]
    for response in (listing, detail):
        assert EMAIL not in response.content.decode()
        assert "submitterEmail" not in response.content.decode()
    missing = client.get(f"{BASE}/{hidden.reference}")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


def test_an_anonymous_submission_is_routed_and_answered_with_201_and_location(
    client: Client, leidse_regio, leiden, green, leiden_places, college_decides
):
    _parent, child = green
    response = post(client, BASE, body())
    assert response.status_code == 201, response.content
    initiative = Initiative.objects.get()
    assert response["Location"] == f"{BASE}/{initiative.reference}"
    assert response.json() == {"reference": str(initiative.reference), "status": "ingediend"}
    assert initiative.domain == child and initiative.municipality == leiden
    assert list(initiative.competences.all()) == [college_decides]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "<script>alert(1)</script>", "Titel bevat HTML"),
        ("description", "https://a.nl https://b.nl https://c.nl", "meer dan 2 links"),
        ("submitterName", "x" * 151, "Naam is te lang"),
        ("place", "BU00000000", "Bestaat niet in deze regio."),
    ],
)
def test_an_unsafe_submission_is_refused_with_a_problem_and_nothing_stored(
    client: Client, leidse_regio, leiden_places, field, value, message
):
    response = post(client, BASE, body(**{field: value}))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["detail"]
    assert response.json()["invalidParams"][0]["name"] == field
    assert not Initiative.objects.exists()


def test_the_api_keeps_to_the_hourly_limit_per_address(client: Client, leidse_regio, leiden_places):
    for number in range(submission.PER_HOUR):
        assert post(client, BASE, body(title=f"Idee {number}")).status_code == 201
    refused = post(client, BASE, body(title="Eén te veel"))
    assert refused.status_code == 429
    assert "afgelopen uur" in refused.json()["detail"]
    assert Initiative.objects.count() == submission.PER_HOUR


def test_the_coordinator_publishes_and_records_events_with_a_token(
    client: Client, leidse_regio, coordinator
):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    key = token_for(coordinator)
    events = f"{BASE}/{initiative.reference}/events"
    published = post(
        client,
        events,
        {"status": "gepubliceerd", "happenedOn": "2026-04-01", "note": "Welkom", "version": 1},
        key,
    )
    assert published.status_code == 201, published.content
    forwarded = post(
        client, events, {"status": "doorgestuurd", "happenedOn": "2026-04-02", "version": 2}, key
    )
    assert forwarded.status_code == 201
    initiative.refresh_from_db()
    assert initiative.status == Status.FORWARDED
    conflict = post(
        client, events, {"status": "afgesloten", "happenedOn": "2026-04-03", "version": 2}, key
    )
    assert conflict.status_code == 409
    assert initiative.events.count() == 3


def test_others_may_not_moderate_through_the_api(client: Client, leidse_regio, leiden):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    editor = make_user("redacteur", Membership.Role.EDITOR, municipality=leiden)
    events = f"{BASE}/{initiative.reference}/events"
    step = {"status": "gepubliceerd", "happenedOn": "2026-04-01", "version": 1}
    assert post(client, events, step).status_code == 401
    assert post(client, events, step, token_for(editor)).status_code == 403
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
