"""The audit log is append-only and hash-chained: the app cannot change or delete a record, and
a row changed behind the database's back is found by the chain."""

import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from conftest import make_user
from regioagenda.audit import guards
from regioagenda.audit.models import GENESIS, AppendOnlyError, AuditRecord
from regioagenda.audit.records import record, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_records():
    return [record("export", detail={"rows": n}) for n in range(3)]


def test_each_record_links_to_the_one_before(three_records):
    first, second, third = AuditRecord.objects.order_by("id")
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert third.hash == third.computed_hash()
    assert verify_chain() is None


def test_a_record_reads_back_with_the_hash_it_was_written_with():
    actor = make_user("schrijver")
    written = record(
        "login",
        actor=actor,
        obj="/beheer/",
        result="denied",
        detail={"share": 0.1, "when": uuid.UUID(int=1), "nested": {"b": [1, 2], "a": None}},
    )
    stored = AuditRecord.objects.get(pk=written.pk)
    assert stored.computed_hash() == written.hash
    assert stored.actor_id == actor.audit_id
    assert stored.detail == {
        "share": "0.1",
        "when": str(uuid.UUID(int=1)),
        "nested": written.detail["nested"],
    }


def test_secret_looking_detail_keys_are_never_stored():
    row = record(
        "login.failed", result="failure", detail={"password": "x", "token": "y", "rows": 1}
    )
    assert AuditRecord.objects.get(pk=row.pk).detail == {"rows": 1}


def test_the_model_refuses_to_change_or_delete_a_record(three_records):
    row = AuditRecord.objects.first()
    row.action = "iets anders"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=row.pk).update(action="iets anders")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord(action="los", result="success").save()
    assert AuditRecord.objects.count() == 3
    assert verify_chain() is None


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {guards.TABLE} SET action = 'verzonnen'",  # noqa: S608 - a constant table
        f"DELETE FROM {guards.TABLE}",  # noqa: S608 - a constant table
    ],
)
def test_the_database_refuses_raw_sql_that_changes_or_deletes_records(three_records, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert list(AuditRecord.objects.values_list("action", flat=True)) == ["export"] * 3


@pytest.fixture
def triggers_lifted():
    guards.remove(connection)
    yield
    guards.install(connection)


def test_a_row_changed_behind_the_triggers_back_is_found(three_records, triggers_lifted):
    middle = three_records[1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {guards.TABLE} SET result = 'denied' WHERE id = %s",  # noqa: S608 - constant
            [middle.pk],
        )
    assert verify_chain() == middle
    with pytest.raises(CommandError, match=f"record {middle.pk}"):
        call_command("verify_audit_log")


def test_a_row_removed_from_the_middle_is_found(three_records, triggers_lifted):
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {guards.TABLE} WHERE id = %s",  # noqa: S608 - a constant table
            [three_records[1].pk],
        )
    assert verify_chain() == three_records[2]


def test_the_command_reports_an_intact_chain(three_records, capsys):
    call_command("verify_audit_log")
    assert "intact: 3 records" in capsys.readouterr().out


def test_erasing_a_person_cuts_the_link_but_keeps_the_chain_valid():
    person = make_user("te-wissen")
    old_id = person.audit_id
    record("login", actor=person)
    # What erasure does to the audit link: the person gets a new pseudonym.
    person.audit_id = uuid.uuid4()
    person.save(update_fields=["audit_id"])
    record("login", actor=person)

    assert AuditRecord.objects.for_actor(old_id).count() == 1
    assert AuditRecord.objects.for_actor(person.audit_id).count() == 1
    assert verify_chain() is None


def test_administrators_read_the_log_in_the_admin_but_cannot_change_it(client, three_records):
    from regioagenda.accounts.models import Membership

    admin_user = make_user("beheerder", Membership.Role.ADMINISTRATOR)
    editor = make_user("gewoon", None)
    client.force_login(admin_user)
    row = three_records[0]
    assert client.get("/beheer/audit/auditrecord/").status_code == 200
    assert client.get("/beheer/audit/auditrecord/add/").status_code == 403
    assert (
        client.post(f"/beheer/audit/auditrecord/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditRecord.objects.count() >= 3
    client.force_login(editor)
    assert client.get("/beheer/audit/auditrecord/").status_code in (302, 403)
