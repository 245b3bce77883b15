"""PostgreSQL, with a short wait for the server when a connection cannot be made.

When PostgreSQL restarts (an upgrade, a fail-over, a crash), a request that needs a new
connection would fail at once with "connection refused" or "the database system is starting up".
A restart takes about a second; waiting that long is better than an error page. Requests in the
middle of a query when the server goes down still fail: their transaction is gone.
"""

import time
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        patience = getattr(settings, "REGIOAGENDA_DB_CONNECT_PATIENCE_SECONDS", 5.0)
        deadline = time.monotonic() + patience
        pause = 0.05
        while True:
            try:
                return super().get_new_connection(conn_params)
            except psycopg.OperationalError as exc:
                # Django turns this into its own OperationalError after the last attempt.
                if not _server_unavailable(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


# Errors of a server that is down, starting or stopping (SQLSTATE class 08 and "cannot connect
# now", "admin shutdown", "crash shutdown"). A wrong database name or password is not worth
# waiting for.
_UNAVAILABLE = {"08000", "08001", "08004", "08006", "57P01", "57P02", "57P03"}


def _server_unavailable(exc: Exception) -> bool:
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate is None or sqlstate in _UNAVAILABLE
