"""Retention: what has expired is deleted or anonymised, what has not stays (time travel)."""

import datetime as dt
import secrets

import pytest
import time_machine
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from regioagenda.events.models import Event
from regioagenda.events.tests.factories import local, make_event
from regioagenda.initiatives.models import Initiative, InitiativeEvent, InitiativeStatus
from regioagenda.meetings.models import Registration
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.privacy import inventory
from regioagenda.privacy.retention import ERASED, apply_retention

# In UTC: a period added to a local time would count wall-clock days across the change to
# summer time, an hour short of the period retention applies.
START = local(2026, 3, 2, 10).astimezone(dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def travel(moment: dt.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def retention_at(moment: dt.datetime) -> dict[str, int]:
    with travel(moment):
        return apply_retention()


def test_unconfirmed_event_submission_is_deleted_a_week_after_it_was_made(leidse_regio):
    with travel(START):
        event = make_event(
            leidse_regio, start=START + dt.timedelta(days=60), moderation="onbevestigd"
        )
    expiry = START + inventory.UNCONFIRMED_EVENT

    assert retention_at(expiry - MINUTE)["events.unconfirmed_deleted"] == 0
    assert Event.objects.filter(pk=event.pk).exists()

    assert retention_at(expiry + MINUTE)["events.unconfirmed_deleted"] == 1
    assert not Event.objects.filter(pk=event.pk).exists()


def test_rejected_event_is_deleted_a_month_after_its_rejection(leidse_regio):
    with travel(START):
        event = make_event(
            leidse_regio, start=START + dt.timedelta(days=90), moderation="afgewezen"
        )
    expiry = START + inventory.REJECTED_EVENT

    assert retention_at(expiry - MINUTE)["events.rejected_deleted"] == 0
    assert retention_at(expiry + MINUTE)["events.rejected_deleted"] == 1
    assert not Event.objects.filter(pk=event.pk).exists()
    # The change history of the deleted event keeps no contact details either.
    history = LogEntry.objects.filter(object_pk=str(event.pk), content_type__model="event")
    assert history.count() == 2  # created, deleted
    for entry in history:
        assert "organisator@example.org" not in str(entry.changes)


def test_organiser_email_is_erased_a_month_after_the_event_ends_and_the_event_stays(leidse_regio):
    with travel(START):
        event = make_event(leidse_regio, start=START, end=START + dt.timedelta(hours=3))
        endless = make_event(
            leidse_regio, title="Wekelijkse markt", start=START, recurrence="FREQ=WEEKLY"
        )
    expiry = event.end + inventory.EVENT_CONTACT_AFTER_END

    assert retention_at(expiry - MINUTE)["events.contact_erased"] == 0
    event.refresh_from_db()
    assert event.organiser_email == "organisator@example.org"

    assert retention_at(expiry + MINUTE)["events.contact_erased"] == 1
    event.refresh_from_db()
    assert event.organiser_email == ""
    assert event.organiser_name == "Stichting Cultuur"  # published with the event
    endless.refresh_from_db()
    assert endless.organiser_email == "organisator@example.org"  # an endless series never ends


def test_meeting_registrations_lose_name_and_address_three_months_after_the_meeting(leidse_regio):
    meeting = make_meeting(leidse_regio, start=START, registration_open=True)
    for name in ("Anna de Vries", "Bram Jansen"):
        Registration.objects.create(
            meeting=meeting,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            organisation="Buurtvereniging",
            token=secrets.token_urlsafe(16),
            attended=True,
        )
    expiry = meeting.end + inventory.MEETING_CONTACT_AFTER_END

    assert retention_at(expiry - MINUTE)["meetings.registrations_anonymised"] == 0
    assert retention_at(expiry + MINUTE)["meetings.registrations_anonymised"] == 2

    registrations = meeting.registrations.all()
    assert registrations.count() == 2
    assert registrations.filter(attended=True).count() == 2
    assert {r.name for r in registrations} == {ERASED}
    assert not registrations.filter(email__contains="example.org").exists()
    assert set(registrations.values_list("organisation", flat=True)) == {""}
    assert retention_at(expiry + MINUTE)["meetings.registrations_anonymised"] == 0


def test_initiative_submitter_email_is_erased_a_year_after_the_answer(leidse_regio):
    with travel(START):
        initiative = Initiative.objects.create(
            region=leidse_regio,
            title="Meer bankjes",
            description="Langs de Singel.",
            submitter_name="Anna de Vries",
            submitter_email="anna@example.org",
            status=InitiativeStatus.ANSWERED,
        )
    answered = START + dt.timedelta(days=20)
    with travel(answered):
        InitiativeEvent.objects.create(
            initiative=initiative, status=InitiativeStatus.ANSWERED, happened_on=answered.date()
        )
    expiry = answered + inventory.INITIATIVE_CONTACT_AFTER_CLOSING

    assert retention_at(expiry - MINUTE)["initiatives.contact_erased"] == 0
    assert retention_at(expiry + MINUTE)["initiatives.contact_erased"] == 1
    initiative.refresh_from_db()
    assert initiative.submitter_email == ""
    assert initiative.submitter_name == "Anna de Vries"  # published with the initiative


@pytest.mark.django_db
def test_login_records_history_addresses_and_expired_sessions_are_removed():
    with travel(START):
        AccessAttempt.objects.create(
            username="anna",
            ip_address="192.0.2.1",
            user_agent="x",
            get_data="",
            post_data="",
            failures_since_start=1,
        )
        AccessLog.objects.create(username="anna", ip_address="192.0.2.1", user_agent="x")
        LogEntry.objects.create(
            content_type_id=1, object_pk="1", object_repr="x", action=0, remote_addr="192.0.2.1"
        )
        session = SessionStore()
        session["k"] = "v"
        session.set_expiry(3600)
        session.create()
    expiry = START + inventory.LOGIN_RECORDS

    counts = retention_at(expiry - MINUTE)
    assert counts["axes.records_deleted"] == 0
    assert counts["auditlog.addresses_erased"] == 0
    assert counts["sessions.deleted"] == 1
    assert not Session.objects.exists()

    counts = retention_at(expiry + MINUTE)
    assert counts["axes.records_deleted"] == 2
    assert counts["auditlog.addresses_erased"] == 1
    assert not LogEntry.objects.filter(remote_addr__isnull=False).exists()


@pytest.mark.django_db
def test_apply_retention_command_reports_each_step(capsys):
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "events.unconfirmed_deleted: 0" in out
    assert "sessions.deleted: 0" in out
