"""A person's data: exported on request, and erased on request without breaking the audit log."""

import datetime as dt
import json
import secrets
from io import StringIO

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_user
from regioagenda.accounts.models import ApiToken, Membership, User
from regioagenda.audit.models import AuditRecord
from regioagenda.audit.records import record
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import make_event
from regioagenda.meetings.models import Registration
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.privacy.people import erase_person, export_person
from regioagenda.privacy.retention import ERASED

EMAIL = "anna@example.org"


@pytest.fixture
def anna(leiden):
    """An editor of Leiden who registered for a meeting and, before she had an account,
    submitted an event with the same address (in capitals)."""
    user = make_user("anna", Membership.Role.EDITOR, municipality=leiden, password="geheim-12345")
    user.first_name, user.last_name, user.email = "Anna", "de Vries", EMAIL
    user.save()
    meeting = make_meeting(leiden.region, registration_open=True)
    Registration.objects.create(
        meeting=meeting, user=user, name="Anna de Vries", email=EMAIL, token=secrets.token_hex(8)
    )
    make_event(leiden.region, organiser_name="Anna de Vries", organiser_email="ANNA@example.org")
    return user


def test_export_holds_the_account_roles_registration_and_submitted_event(anna):
    data = export_person(anna)

    json.dumps(data)  # machine-readable as it is
    assert data["account"]["email"] == EMAIL
    assert data["memberships"] == [{"role": "editor", "scope": "Leiden"}]
    assert [r["name"] for r in data["rows"]["meetings.Registration"]] == ["Anna de Vries"]
    assert [r["organiser_email"] for r in data["rows"]["events.Event"]] == ["ANNA@example.org"]
    text = json.dumps(data)
    assert "password" not in text and '"token"' not in text
    exported = AuditRecord.objects.filter(action="person.exported").get()
    assert exported.actor_kind == "system"


def test_export_of_someone_else_leaves_anna_out(anna, oegstgeest_editor):
    assert "Anna" not in json.dumps(export_person(oegstgeest_editor))


def test_erasure_removes_anna_and_keeps_her_old_audit_records_under_a_dead_pseudonym(anna):
    record("login", actor=anna)
    old_audit_id = anna.audit_id
    client = Client()
    client.force_login(anna)
    TOTPDevice.objects.create(user=anna, name="Telefoon van Anna")
    ApiToken.objects.create(
        user=anna,
        name="koppeling",
        key_prefix="abcd1234",
        key_hash="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    AccessAttempt.objects.create(
        username="anna",
        ip_address="192.0.2.1",
        user_agent="x",
        get_data="",
        post_data="",
        failures_since_start=1,
    )

    AdminLogEntry.objects.log_actions(
        user_id=anna.pk, queryset=[anna], action_flag=CHANGE, change_message="[]"
    )

    def history() -> str:
        return json.dumps(list(LogEntry.objects.values("changes", "object_repr")))

    assert "de Vries" in history() and Session.objects.exists()

    erase_person(anna)

    anna.refresh_from_db()
    assert anna.username.startswith("verwijderd-")
    assert (anna.first_name, anna.last_name, anna.email) == ("", "", "")
    assert not anna.is_active and not anna.has_usable_password()
    assert anna.audit_id != old_audit_id
    assert not anna.memberships.exists()
    assert not TOTPDevice.objects.filter(user=anna).exists()
    assert not ApiToken.objects.filter(user=anna).exists()
    assert not AccessAttempt.objects.exists()
    assert not Session.objects.exists()

    registration = Registration.objects.get()
    assert registration.name == ERASED and "anna" not in registration.email.lower()
    assert registration.user is None
    event = Event.objects.get()
    assert (event.organiser_name, event.organiser_email) == (ERASED, "")

    # The audit log is untouched: the old rows keep the old pseudonym, which names nobody now.
    assert AuditRecord.objects.filter(actor_id=old_audit_id, action="login").exists()
    assert not User.objects.filter(audit_id=old_audit_id).exists()
    erased = AuditRecord.objects.get(action="person.erased")
    assert erased.actor_kind == "system"
    assert str(old_audit_id) not in json.dumps([erased.object_id, erased.detail])
    # Nor does the change history still tell her name, address or old pseudonym.
    for trace in ("Anna", "anna@", "de Vries", str(old_audit_id)):
        assert trace not in history(), trace
    assert "anna" not in AdminLogEntry.objects.get().object_repr


def test_erasure_by_email_address_reaches_a_resident_without_an_account(leidse_regio):
    make_event(leidse_regio, organiser_name="Bram Jansen", organiser_email="bram@example.org")
    make_event(leidse_regio, title="Ander evenement", organiser_email="iemand@example.org")

    counts = erase_person("bram@example.org")

    assert counts["events.Event"] == 1
    assert Event.objects.filter(organiser_email="iemand@example.org").count() == 1
    assert not Event.objects.filter(organiser_name="Bram Jansen").exists()


def test_export_command_writes_json_and_erase_command_asks_for_yes(anna, tmp_path):
    target = tmp_path / "anna.json"
    call_command("export_person", "anna@example.org", output=target, stderr=StringIO())
    assert json.loads(target.read_text())["account"]["username"] == "anna"

    with pytest.raises(CommandError):
        call_command("erase_person", "anna")
    assert User.objects.filter(username="anna").exists()

    call_command("erase_person", "anna", yes=True, stdout=StringIO())
    assert not User.objects.filter(username="anna").exists()
