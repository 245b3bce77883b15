"""A new PostgreSQL connection waits for a restarting server instead of failing at once."""

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

from regioagenda.core.db.postgresql import base as patient

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the patient connection is for PostgreSQL only"
    ),
]


class FlakyServer:
    """Refuses the first `refusals` connection attempts, as a restarting server does."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.attempts = 0

    def connect(self, conn_params):
        self.attempts += 1
        if self.attempts <= self.refusals:
            raise django_postgresql.Database.OperationalError("the database system is starting up")
        return "connection"


@pytest.fixture
def no_sleep(monkeypatch):
    slept: list[float] = []
    clock = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr(patient.time, "sleep", sleep)
    monkeypatch.setattr(patient.time, "monotonic", lambda: clock[0])
    return slept


def test_the_settings_use_the_patient_backend():
    assert connection.settings_dict["ENGINE"] == "regioagenda.core.db.postgresql"
    assert isinstance(connections["default"], patient.DatabaseWrapper)


def test_a_refused_connection_is_tried_again_until_the_server_answers(monkeypatch, no_sleep):
    server = FlakyServer(refusals=4)
    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "get_new_connection", server.connect)

    assert connection.get_new_connection({}) == "connection"
    assert server.attempts == 5
    assert no_sleep == [0.05, 0.1, 0.2, 0.4]


def test_it_gives_up_after_the_patience_runs_out(monkeypatch, no_sleep, settings):
    settings.REGIOAGENDA_DB_CONNECT_PATIENCE_SECONDS = 2.0
    server = FlakyServer(refusals=1000)
    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "get_new_connection", server.connect)

    with pytest.raises(django_postgresql.Database.OperationalError):
        connection.get_new_connection({})
    assert sum(no_sleep) <= 2.0
    assert server.attempts == len(no_sleep) + 1 > 3


class UnknownDatabase(django_postgresql.Database.OperationalError):
    sqlstate = "3D000"


def test_other_errors_are_not_retried(monkeypatch, no_sleep):
    def wrong_password(wrapper, conn_params):
        raise django_postgresql.Database.ProgrammingError("no such option")

    def unknown_database(wrapper, conn_params):
        raise UnknownDatabase('database "elders" does not exist')

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "get_new_connection", unknown_database)
    with pytest.raises(UnknownDatabase):
        connection.get_new_connection({})

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "get_new_connection", wrong_password)
    with pytest.raises(django_postgresql.Database.ProgrammingError):
        connection.get_new_connection({})
    assert no_sleep == []
