"""What gets an audit record: logins and their failures, logouts, refusals, role and privilege
changes, deletions, imports and exports; each with actor, object, result and origin."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.audit.models import AuditRecord

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-voor-tests"


def last(action: str) -> AuditRecord:
    return AuditRecord.objects.filter(action=action).latest("id")


def test_a_login_names_the_user_by_pseudonym_with_time_and_origin(client):
    resident = make_user("bewoner", password=PASSWORD)
    client.post(reverse("accounts:login"), {"username": "bewoner", "password": PASSWORD})

    login = last("login")
    assert (login.actor_id, login.actor_kind, login.result) == (
        resident.audit_id,
        "user",
        "success",
    )
    assert login.origin == "127.0.0.1"
    assert login.at.utcoffset().total_seconds() == 0


def test_a_failed_login_keeps_neither_the_password_nor_the_username(client):
    resident = make_user("bewoner", password=PASSWORD)
    client.post(
        reverse("accounts:login"), {"username": "bewoner", "password": "fout-wachtwoord-123"}
    )
    client.post(
        reverse("accounts:login"), {"username": "onbekend", "password": "fout-wachtwoord-123"}
    )

    known, unknown = AuditRecord.objects.filter(action="login.failed").order_by("id")
    assert (known.actor_kind, known.result) == ("anonymous", "failure")
    assert (known.object_type, known.object_id) == ("accounts.user", str(resident.audit_id))
    assert (unknown.object_type, unknown.object_id, unknown.detail) == ("", "", {})
    for row in (known, unknown):
        assert "bewoner" not in row.canonical().decode()
        assert "onbekend" not in row.canonical().decode()
        assert "fout-wachtwoord" not in row.canonical().decode()


def test_a_logout_is_recorded(client):
    resident = make_user("bewoner", password=PASSWORD)
    client.force_login(resident)
    client.post(reverse("accounts:logout"))
    assert last("logout").actor_id == resident.audit_id


def test_a_refusal_is_recorded_with_the_path(client, oegstgeest_editor):
    client.force_login(oegstgeest_editor)
    response = client.get("/beheer/accounts/user/")
    assert response.status_code == 403

    denied = last("permission.denied")
    assert (denied.actor_id, denied.result) == (oegstgeest_editor.audit_id, "denied")
    assert (denied.object_type, denied.object_id) == ("path", "/beheer/accounts/user/")


def test_role_and_privilege_changes_are_recorded(leiden):
    user = make_user("nieuw")
    membership = Membership.objects.create(
        user=user, role=Membership.Role.EDITOR, municipality=leiden
    )
    user.is_staff = True
    user.save()
    membership.delete()

    added, removed = last("membership.added"), last("membership.removed")
    assert added.detail == removed.detail
    assert added.detail["user"] == str(user.audit_id)
    assert added.detail["role"] == "editor"
    assert added.detail["municipality"] == leiden.pk
    assert last("user.privileges_changed").detail == {"is_staff": [False, True]}


def test_saving_a_user_without_privilege_changes_records_nothing():
    user = make_user("stil")
    before = AuditRecord.objects.count()
    user.first_name = "Stil"
    user.save()
    user.save(update_fields=["last_login"])
    assert AuditRecord.objects.count() == before


def test_a_deletion_is_recorded_once_for_what_was_deleted(leidse_regio):
    from regioagenda.regions.models import Organisation

    organisation = Organisation.objects.filter(region=leidse_regio).first()
    assert organisation is not None
    key = str(organisation.pk)
    organisation.delete()

    deleted = last("delete")
    assert (deleted.object_type, deleted.object_id) == ("regions.organisation", key)
    assert deleted.actor_kind == "system"


def test_an_import_is_recorded_with_its_counts(tmp_path, leidse_regio, monkeypatch):
    from django.db import connections

    # A command closes the connections when it ends; the test's transaction must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "voorstellen.csv"
    path.write_text(
        "gemeente,orgaan,nummer,titel,datum,status\n"
        "GM0546,raad,2026-001,Fietsroute door de Stevenshof,2026-03-01,in-procedure\n",
        encoding="utf-8",
    )
    call_command("import_proposals", str(path))

    imported = last("import")
    assert (imported.object_type, imported.actor_kind) == ("regions.region", "system")
    assert imported.detail == {"created": 1, "updated": 0}


def test_downloading_an_attendance_list_is_recorded(client, leidse_regio, leiden, leiden_editor):
    from regioagenda.meetings.registration_views import register_for
    from regioagenda.meetings.tests.factories import make_meeting

    meeting = make_meeting(
        leidse_regio, "Netwerk", kind="netwerkbijeenkomst", organiser=leiden, registration_open=True
    )
    register_for(meeting, name="Een", email="een@example.org")
    client.force_login(leiden_editor)
    response = client.get(
        reverse("meetings:attendance", kwargs={"pk": meeting.pk}), {"formaat": "csv"}
    )
    assert response.status_code == 200

    export = last("export")
    assert (export.actor_id, export.object_type) == (leiden_editor.audit_id, "meetings.meeting")
    assert export.detail == {"rows": 1}


def test_a_refusal_through_the_api_names_the_tokens_user(client, oegstgeest_editor):
    import datetime

    from django.utils import timezone

    from regioagenda.accounts.models import User
    from regioagenda.accounts.testing import with_second_factor
    from regioagenda.accounts.tokens import issue_token

    administrator = with_second_factor(User.objects.create_superuser("beheerder", password=None))
    _, key = issue_token(
        with_second_factor(oegstgeest_editor),
        name="koppeling",
        memberships=list(oegstgeest_editor.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=1),
        by=administrator,
    )
    body = {
        "region": "leidse-regio",
        "title": "Warmteplan",
        "topic": "stadswarmtenet",
        "lead": "GM0546",
    }
    response = client.post(
        "/api/v1/actions", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 403

    denied = last("permission.denied")
    assert (denied.actor_kind, denied.actor_id) == ("token", oegstgeest_editor.audit_id)
    assert key not in denied.canonical().decode()


def test_an_import_started_on_the_web_is_recorded_for_the_coordinator(
    client, coordinator, leidse_regio, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from regioagenda.monitor.tests.conftest import clear_monitor
    from regioagenda.monitor.tests.factories import make_indicator
    from regioagenda.monitor.tests.test_import_views import GOOD_CSV, IMPORTS

    clear_monitor()

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path / "var"
    make_indicator(leidse_regio, "inwoners", source_table="03759ned", source_measure="M000352")
    client.force_login(coordinator)
    client.post(
        IMPORTS, {"soort": "bestand", "bestand-file": SimpleUploadedFile("c.csv", GOOD_CSV)}
    )

    imported = last("import")
    assert (imported.actor_id, imported.object_type) == (coordinator.audit_id, "monitor.importrun")
    assert imported.detail == {"created": 3, "revised": 0, "dry_run": False}


def test_a_query_that_deletes_many_rows_is_recorded_once(leidse_regio):
    from regioagenda.regions.models import Organisation

    organisations = Organisation.objects.filter(region=leidse_regio)
    assert organisations.count() > 1
    organisations.delete()

    deleted = AuditRecord.objects.filter(action="delete", object_type="regions.organisation")
    assert [row.detail for row in deleted] == [{"query": True}]


def test_a_staff_export_is_recorded_and_an_anonymous_download_is_not(client, leiden_editor):
    client.get(reverse("agenda:export_csv"))
    assert not AuditRecord.objects.filter(action="export").exists()
    client.force_login(leiden_editor)
    assert client.get(reverse("agenda:export_xlsx")).status_code == 200
    export = last("export")
    assert (export.actor_id, export.object_type) == (leiden_editor.audit_id, "regions.region")
    assert export.detail == {"format": "xlsx"}
