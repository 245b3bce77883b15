"""Appends from several connections at once still make one unbroken chain (PostgreSQL: the
advisory lock; SQLite writes one transaction at a time anyway)."""

import threading

import pytest
from django.db import connection, connections

from regioagenda.audit.models import AuditRecord
from regioagenda.audit.records import record, verify_chain

WRITERS = 4
EACH = 10


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a race of connections needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                record("export", detail={"writer": writer, "n": n})
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert AuditRecord.objects.count() == WRITERS * EACH
    assert verify_chain() is None
