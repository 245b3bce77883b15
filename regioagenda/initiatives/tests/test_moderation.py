import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.agenda.tests.factories import make_action
from regioagenda.core.concurrency import EditConflict
from regioagenda.initiatives.models import Initiative, Status
from regioagenda.initiatives.moderation import publish_initiative, record_event
from regioagenda.initiatives.tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def url(initiative: Initiative, what: str) -> str:
    return f"/initiatieven/{initiative.reference}/{what}/"


def test_the_queue_lists_submitted_initiatives_for_the_coordinator(
    client: Client, leidse_regio, coordinator
):
    make_initiative(leidse_regio, Status.SUBMITTED, title="Wacht op moderatie")
    make_initiative(leidse_regio, title="Al openbaar")
    client.force_login(coordinator)
    page = client.get("/initiatieven/moderatie/").content.decode()
    assert "Wacht op moderatie" in page and "Al openbaar" not in page


@pytest.mark.parametrize("path", ["moderatie/", "{ref}/modereren/", "{ref}/gebeurtenis/"])
def test_others_may_not_moderate(client: Client, leidse_regio, kustregio, leiden_editor, path):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    if "gebeurtenis" in path:
        initiative = make_initiative(leidse_regio)
    address = "/initiatieven/" + path.format(ref=initiative.reference)
    assert client.get(address).status_code == 302  # to the login page
    client.force_login(leiden_editor)
    assert client.get(address).status_code == 403
    assert client.post(address, {"handeling": "publiceren"}).status_code == 403
    client.force_login(make_user("kust", Membership.Role.COORDINATOR, region=kustregio))
    assert client.get(address).status_code == 403
    initiative.refresh_from_db()
    assert initiative.version == 1


def test_publishing_with_a_correction_recomputes_the_routing(
    client: Client, leidse_regio, leiden, coordinator, green, college_decides
):
    parent, child = green
    initiative = make_initiative(leidse_regio, Status.SUBMITTED, domain=child)
    client.force_login(coordinator)
    response = client.post(
        url(initiative, "modereren"),
        {
            "handeling": "publiceren",
            "publiceren-version": initiative.version,
            "publiceren-domain": parent.pk,
            "publiceren-topic": "",
            "publiceren-place": "leiden",
            "publiceren-note": "Welkom idee.",
        },
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Status.PUBLISHED and initiative.published_at is not None
    assert initiative.domain == parent and initiative.municipality == leiden
    assert initiative.topic == parent.topics.get()
    assert list(initiative.competences.all()) == [college_decides]
    assert [e.status for e in initiative.events.all()][-1] == Status.PUBLISHED
    page = Client().get(initiative.get_absolute_url()).content.decode()
    assert "Welkom idee." in page


def test_rejecting_keeps_the_reason_internal(client: Client, leidse_regio, coordinator):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    client.force_login(coordinator)
    response = client.post(
        url(initiative, "modereren"),
        {
            "handeling": "afwijzen",
            "afwijzen-version": initiative.version,
            "afwijzen-reason": "Reclame voor een webwinkel.",
        },
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Status.REJECTED
    event = initiative.events.get(status=Status.REJECTED)
    assert not event.public and event.note == "Reclame voor een webwinkel."
    assert Client().get(initiative.get_absolute_url()).status_code == 404


def test_later_events_are_appended_never_overwritten(
    client: Client, leidse_regio, leiden, coordinator
):
    initiative = make_initiative(leidse_regio)
    action = make_action(leiden)
    client.force_login(coordinator)
    steps = [
        {"status": Status.FORWARDED, "happened_on": "2026-04-01", "note": "Naar het college."},
        {"status": Status.ANSWERED, "happened_on": "2026-05-01", "note": "Het college antwoordde."},
        {"status": Status.ON_AGENDA, "happened_on": "2026-06-01", "action": action.pk},
    ]
    for step in steps:
        initiative.refresh_from_db()
        response = client.post(
            url(initiative, "gebeurtenis"), {**step, "version": initiative.version}
        )
        assert response.status_code == 302, response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.ON_AGENDA and initiative.action == action
    assert [e.status for e in initiative.events.all()] == [
        Status.SUBMITTED,
        Status.PUBLISHED,
        Status.FORWARDED,
        Status.ANSWERED,
        Status.ON_AGENDA,
    ]
    page = Client().get(initiative.get_absolute_url()).content.decode()
    assert "Naar het college." in page and "Het college antwoordde." in page


def test_on_the_agenda_needs_an_action(client: Client, leidse_regio, coordinator):
    initiative = make_initiative(leidse_regio)
    client.force_login(coordinator)
    response = client.post(
        url(initiative, "gebeurtenis"),
        {"status": Status.ON_AGENDA, "happened_on": "2026-04-01", "version": initiative.version},
    )
    assert "Kies de actie in de uitvoeringsagenda." in response.content.decode()
    assert initiative.events.count() == 2


def test_a_second_moderator_working_from_the_same_version_gets_a_conflict(
    client: Client, leidse_regio, coordinator
):
    initiative = make_initiative(leidse_regio)
    stale = initiative.version
    record_event(
        initiative,
        by=coordinator,
        expected_version=stale,
        status=Status.FORWARDED,
        on=timezone.localdate(),
    )
    client.force_login(coordinator)
    response = client.post(
        url(initiative, "gebeurtenis"),
        {"status": Status.CLOSED, "happened_on": "2026-04-01", "version": stale},
    )
    assert response.status_code == 409
    assert "iemand anders heeft dit initiatief intussen gewijzigd" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.FORWARDED
    assert not initiative.events.filter(status=Status.CLOSED).exists()


def test_publishing_twice_from_the_same_version_is_refused(leidse_regio, coordinator):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    first = Initiative.objects.get(pk=initiative.pk)
    publish_initiative(first, by=coordinator, expected_version=1)
    with pytest.raises(EditConflict):
        publish_initiative(initiative, by=coordinator, expected_version=1)


def test_the_write_functions_check_permission_themselves(leidse_regio, leiden_editor):
    initiative = make_initiative(leidse_regio, Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        publish_initiative(initiative, by=leiden_editor, expected_version=1)
    with pytest.raises(PermissionDenied):
        record_event(
            initiative,
            by=leiden_editor,
            expected_version=1,
            status=Status.CLOSED,
            on=datetime.date(2026, 1, 1),
        )
