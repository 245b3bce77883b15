"""Twenty editors and a monitor import on one SQLite file never see "database is locked".

SQLite allows one writer at a time. The settings make writers queue instead of fail: WAL (readers
beside the writer), `BEGIN IMMEDIATE` for every transaction (a transaction that reads first and
writes later cannot be refused its upgrade to a writer) and a busy timeout (wait for the lock).
This test runs the real thing: gunicorn with two workers of several threads each on a SQLite
file, twenty editors writing through the API with their own tokens, and `manage.py
import_observations` writing a few thousand figures at the same time.

PostgreSQL has row locks and no database-wide write lock; its races are in api/tests/test_races.py.
"""

import datetime
import http.client
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.accounts.tokens import issue_token
from regioagenda.agenda.tests.factories import make_action
from regioagenda.regions.models import Municipality, Region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="About SQLite's single writer; PostgreSQL's locking is tested in test_races.py.",
    ),
]

EDITORS_PER_MUNICIPALITY = 4  # five municipalities: twenty editors
ACTIONS_PER_MUNICIPALITY = 2  # so that editors of one municipality edit the same actions
MIN_ROUNDS = 3  # each editor keeps editing until the import is done, and at least this often
# People pause between saves. Without a pause twenty threads only compete with the import for
# the CPU (on a busy machine the import then took minutes) and prove nothing more: at one round
# a second each, writes still queue for the lock throughout the import's transaction.
PAUSE_SECONDS = 1.0
INDICATORS = ["inwoners", "woningvoorraad", "banen", "woningbouw"]
DAYS = 100  # figures per indicator and municipality: 2,000 rows in all
LOCKED = "database is locked"
START_SECONDS = 90  # an upper bound for a busy machine; usually a few seconds
REQUEST_SECONDS = 60  # longer than the busy timeout, so that a lock error arrives as an error


@dataclass
class Outcome:
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    locked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: list[float] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _request(port: int, method: str, path: str, key: str, body: Any = None) -> tuple[int, str]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
    try:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        client.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = client.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        client.close()


def _observations_csv(path: Path) -> int:
    """A CSV in the monitor's import layout with figures no data set holds (days in 1990)."""
    lines = ["indicator,gebied,periode_begin,periode_einde,periode,waarde,bron"]
    first = datetime.date(1990, 1, 1)
    codes = list(Municipality.objects.values_list("code", flat=True))
    for indicator in INDICATORS:
        for code in codes:
            for day in range(DAYS):
                date = (first + datetime.timedelta(days=day)).isoformat()
                lines.append(f"{indicator},{code},{date},{date},{date},{day + 1},Belastingtest")
    path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def _copy_database(target: Path) -> None:
    """The test database, migrated and with the region and editors in it, as a file.

    Copying it takes a fraction of a second; `migrate` and `load_region` would take half a
    minute on these machines and make the same rows."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _editor(
    port: int,
    key: str,
    code: str,
    actions: list[int],
    import_running: threading.Event,
    outcome: Outcome,
    lock: threading.Lock,
) -> None:
    reported_on = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    rounds = 0
    while rounds < MIN_ROUNDS or import_running.is_set():
        action = actions[rounds % len(actions)]
        try:
            results = []
            status, body = _request(port, "GET", f"/api/v1/actions/{action}", key)
            results.append(("GET", status, body))
            version = json.loads(body)["version"] if status == 200 else 1
            change = {
                "region": "leidse-regio",
                "title": f"Actie {action}, ronde {rounds} van {code}",
                "topic": "economie071",
                "lead": code,
                "version": version,
            }
            status, body = _request(port, "PUT", f"/api/v1/actions/{action}", key, change)
            results.append(("PUT", status, body))
            progress = {
                "municipality": code,
                "reportedOn": reported_on,
                "percent": rounds % 101,
                "text": f"Ronde {rounds}",
            }
            status, body = _request(
                port, "POST", f"/api/v1/actions/{action}/progress-updates", key, progress
            )
            results.append(("POST", status, body))
        except (OSError, http.client.HTTPException, ValueError) as error:
            with lock:
                outcome.errors.append(f"{code}: {error!r}")
            return
        with lock:
            for method, status, body in results:
                outcome.statuses[(method, status)] += 1
                if LOCKED in body:
                    outcome.locked.append(f"{method} {action}: {body[:300]}")
            outcome.finished.append(time.monotonic())
        rounds += 1
        time.sleep(PAUSE_SECONDS)


def test_twenty_editors_and_an_import_never_see_database_is_locked(
    leidse_regio: Region, tmp_path: Path
) -> None:
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    admin = make_user("beheerder-belasting", Membership.Role.ADMINISTRATOR)
    editors: list[tuple[str, str, list[int]]] = []
    for municipality in Municipality.objects.filter(region=leidse_regio).order_by("code"):
        actions = [
            make_action(municipality, title=f"Actie {n} van {municipality.name}").pk
            for n in range(ACTIONS_PER_MUNICIPALITY)
        ]
        for n in range(EDITORS_PER_MUNICIPALITY):
            user = make_user(
                f"redacteur-{municipality.code}-{n}",
                Membership.Role.EDITOR,
                municipality=municipality,
            )
            _, key = issue_token(
                user,
                name="belasting",
                memberships=list(user.memberships.all()),
                expires_at=timezone.now() + datetime.timedelta(days=1),
                by=admin,
            )
            editors.append((key, municipality.code, actions))
    assert len(editors) == 20
    rows = _observations_csv(tmp_path / "cijfers.csv")
    database = tmp_path / "regioagenda.sqlite3"
    _copy_database(database)

    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "REGIOAGENDA_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "regioagenda.settings",
    }
    server_log = tmp_path / "gunicorn.log"
    with server_log.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603  # a fixed local program, our arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "regioagenda.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                "8",
                "--preload",
                "--timeout",
                "120",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        started = time.monotonic()
        while True:
            try:
                if _request(port, "GET", "/api/v1/regions", "-")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server_log.read_text(errors="replace")[-2000:]
            assert time.monotonic() - started < START_SECONDS, "gunicorn did not start"
            time.sleep(0.2)

        outcome = Outcome()
        lock = threading.Lock()
        import_running = threading.Event()
        import_running.set()
        threads = [
            threading.Thread(
                target=_editor, args=(port, key, code, actions, import_running, outcome, lock)
            )
            for key, code, actions in editors
        ]
        for thread in threads:
            thread.start()
        import_started = time.monotonic()
        try:
            imported = subprocess.run(  # noqa: S603  # a fixed local program, our arguments
                [
                    sys.executable,
                    "manage.py",
                    "import_observations",
                    str(tmp_path / "cijfers.csv"),
                    "--verbosity",
                    "0",
                ],
                cwd=settings.BASE_DIR,
                env=environment,
                capture_output=True,
                text=True,
                timeout=300,  # a guard; it takes seconds on a quiet machine
            )
        finally:
            import_running.clear()
        import_ended = time.monotonic()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        server.terminate()
        server.wait(timeout=30)

    log_text = server_log.read_text(errors="replace")
    import_output = imported.stdout + imported.stderr
    assert outcome.errors == []
    assert outcome.locked == []
    assert LOCKED not in log_text, log_text[-3000:]
    assert LOCKED not in import_output, import_output[-3000:]
    assert imported.returncode == 0, import_output[-3000:]
    assert f"Geïmporteerd: {rows} nieuw" in import_output, import_output[-3000:]
    # Every edit succeeded or met a newer version (409); nothing else, and no server error.
    allowed = {("GET", 200), ("PUT", 200), ("PUT", 409), ("POST", 201)}
    assert set(outcome.statuses) <= allowed, f"{outcome.statuses}\n{log_text[-3000:]}"
    assert outcome.statuses[("PUT", 200)] > 0 and outcome.statuses[("POST", 201)] > 0
    # The editors were at work while the import ran, not only before or after it.
    assert any(import_started < moment < import_ended for moment in outcome.finished)

    stored = sqlite3.connect(database)
    try:
        (observations,) = stored.execute(
            "SELECT COUNT(*) FROM monitor_observation WHERE source_title = 'Belastingtest'"
        ).fetchone()
        (progress,) = stored.execute("SELECT COUNT(*) FROM agenda_progressupdate").fetchone()
        (versions,) = stored.execute("SELECT SUM(version - 1) FROM agenda_action").fetchone()
    finally:
        stored.close()
    assert observations == rows
    assert progress == outcome.statuses[("POST", 201)]
    # No edit was lost: each accepted change raised its action's version by exactly one.
    assert versions == outcome.statuses[("PUT", 200)]
