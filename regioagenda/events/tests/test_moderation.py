"""Moderation: who sees the queue and which events, publishing and rejecting with an e-mail to
the organiser, the regio-evenement label for the coordinator only, version checks; the admin
for the coordinator's lists."""

import pytest
from django.core import mail
from django.urls import reverse

from regioagenda.events.models import ClashRules, Event
from regioagenda.events.tests.factories import local, make_event

pytestmark = pytest.mark.django_db

QUEUE = reverse("events:moderation")


def pending(region, title, municipality=None, **kw):
    return make_event(
        region,
        title,
        start=kw.pop("start", local(2026, 10, 3, 20)),
        municipality=municipality,
        moderation=Event.Moderation.PENDING,
        **kw,
    )


def moderate_url(event):
    return reverse("events:moderate", kwargs={"pk": event.pk})


def test_the_queue_is_for_moderators_only(client, leidse_regio, council_member):
    assert client.get(QUEUE).status_code == 302  # to the login page
    client.force_login(council_member)
    assert client.get(QUEUE).status_code == 403


def test_the_coordinator_sees_every_pending_event_with_its_clashes(
    client, leidse_regio, leiden, oegstgeest, coordinator
):
    pending(leidse_regio, "Herfstmarkt", leiden)
    make_event(leidse_regio, "Concert", local(2026, 10, 3, 21), municipality=leiden)
    pending(leidse_regio, "Dorpsfeest", oegstgeest, venue="Dorpsplein")
    pending(leidse_regio, "Elders", place_outside_region="Den Haag")
    make_event(leidse_regio, "Onbevestigd", moderation=Event.Moderation.UNCONFIRMED)
    client.force_login(coordinator)
    page = client.get(QUEUE).content.decode()
    for title in ("Herfstmarkt", "Dorpsfeest", "Elders"):
        assert title in page
    assert "Onbevestigd" not in page
    assert "buiten de regio" in page
    assert "Concert: Zelfde dag (za 3 oktober) en zelfde locatie (Stadsgehoorzaal)" in page
    assert "3 evenementen wachten op beoordeling" in page


def test_an_editor_sees_the_pending_events_of_their_municipality(
    client, leidse_regio, leiden, oegstgeest, leiden_editor
):
    pending(leidse_regio, "Herfstmarkt", leiden)
    pending(leidse_regio, "Dorpsfeest", oegstgeest)
    pending(leidse_regio, "Elders", place_outside_region="Den Haag")
    client.force_login(leiden_editor)
    page = client.get(QUEUE).content.decode()
    assert "Herfstmarkt" in page
    assert "Dorpsfeest" not in page and "Elders" not in page


def test_publishing_sends_the_organiser_an_email(client, leidse_regio, leiden, leiden_editor):
    event = pending(leidse_regio, "Herfstmarkt", leiden)
    client.force_login(leiden_editor)
    page = client.get(moderate_url(event)).content.decode()
    assert "Herfstmarkt" in page and "regio-evenement" not in page.split("Besluit")[1]
    response = client.post(
        moderate_url(event), {"version": event.version, "handeling": "publiceren"}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PUBLISHED
    assert mail.outbox[0].to == [event.organiser_email]
    assert event.get_absolute_url() in mail.outbox[0].body


def test_rejecting_needs_a_note_which_the_organiser_receives(
    client, leidse_regio, leiden, coordinator
):
    event = pending(leidse_regio, "Herfstmarkt", leiden)
    client.force_login(coordinator)
    response = client.post(moderate_url(event), {"version": event.version, "handeling": "afwijzen"})
    assert "schrijf waarom" in response.content.decode()
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING and mail.outbox == []
    client.post(
        moderate_url(event),
        {"version": event.version, "handeling": "afwijzen", "note": "Geen evenement in de regio."},
    )
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.REJECTED
    assert "Geen evenement in de regio." in mail.outbox[0].body


def test_only_the_coordinator_marks_a_regional_event(
    client, leidse_regio, leiden, leiden_editor, coordinator
):
    event = pending(leidse_regio, "Lakenfeesten", leiden)
    data = {"version": event.version, "handeling": "regio-evenement", "regional": "on"}
    client.force_login(leiden_editor)
    client.post(moderate_url(event), data)
    event.refresh_from_db()
    assert not event.regional
    client.force_login(coordinator)
    client.post(moderate_url(event), data)
    event.refresh_from_db()
    assert event.regional and event.moderation == Event.Moderation.PENDING


def test_an_editor_of_another_municipality_may_not_moderate(
    client, leidse_regio, leiden, oegstgeest_editor
):
    event = pending(leidse_regio, "Herfstmarkt", leiden)
    client.force_login(oegstgeest_editor)
    response = client.post(
        moderate_url(event), {"version": event.version, "handeling": "publiceren"}
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING


def test_a_decision_on_an_old_version_is_refused(client, leidse_regio, leiden, coordinator):
    event = pending(leidse_regio, "Herfstmarkt", leiden)
    client.force_login(coordinator)
    response = client.post(
        moderate_url(event), {"version": event.version - 1, "handeling": "publiceren"}
    )
    assert response.status_code == 409
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.PENDING


def test_an_unconfirmed_event_cannot_be_published(client, leidse_regio, leiden, coordinator):
    event = make_event(leidse_regio, municipality=leiden, moderation=Event.Moderation.UNCONFIRMED)
    client.force_login(coordinator)
    response = client.post(
        moderate_url(event), {"version": event.version, "handeling": "publiceren"}
    )
    assert "nog niet bevestigd" in response.content.decode()
    event.refresh_from_db()
    assert event.moderation == Event.Moderation.UNCONFIRMED


def test_the_coordinator_keeps_the_clash_rules_in_the_admin(
    client, leidse_regio, coordinator, leiden_editor
):
    rules, _ = ClashRules.objects.get_or_create(region=leidse_regio)
    url = reverse("admin:events_clashrules_change", args=[rules.pk])
    client.force_login(leiden_editor)
    assert client.get(url).status_code in (302, 403)
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "region": leidse_regio.pk,
            "same_venue": "on",
            "large_nearby": "on",
            "large_attendance": "5000",
            "same_weekend": "on",
            "venue_similarity": "85",
            "expected_version": rules.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rules.refresh_from_db()
    assert rules.large_attendance == 5000 and rules.venue_similarity == 85


def test_the_admin_lists_events_without_their_token(client, leidse_regio, leiden, coordinator):
    event = make_event(leidse_regio, municipality=leiden)
    client.force_login(coordinator)
    assert client.get(reverse("admin:events_event_changelist")).status_code == 200
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert event.title in page and event.token not in page
