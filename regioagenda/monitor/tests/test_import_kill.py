"""An import killed while it writes leaves nothing behind, shows as failed, and can be run again.

The import runs in a process of its own, as in production: `manage.py import_observations`, and
the web's task run by `manage.py db_worker`. The environment variable PAUSE_AFTER_ROWS makes the
writer stop inside its transaction after the first batch of figures; the test waits for its line
on stderr and kills the process with SIGKILL, which no cleanup code can catch. Then: no figure of
the file is in the database, the web's run is shown as failed once its heartbeat is old (and not
before), and importing the same file again writes every figure.

The processes share the test database: on SQLite a copy of it in a file (the test database is
in memory), on PostgreSQL the test database itself, which is why the test commits its own rows
(transaction=True) instead of hiding them in a transaction.
"""

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from regioagenda.core.tests.scratch_databases import database_url
from regioagenda.monitor import tasks
from regioagenda.monitor.importing import BATCH_SIZE, PAUSE_AFTER_ROWS
from regioagenda.monitor.models import ImportRun
from regioagenda.monitor.tests.factories import make_indicator

pytestmark = pytest.mark.django_db(transaction=True)

MUNICIPALITIES = ("GM0546", "GM0547", "GM0579", "GM0626", "GM0638")
DAYS = 500  # 5 x 500 = 2,500 figures: a first batch written, and more to come, at the kill
ROWS = len(MUNICIPALITIES) * DAYS
SECONDS = 120

# Run in the subprocesses (`manage.py shell -c`): what the database holds, as JSON.
PROBE = """
import json, os
from regioagenda.monitor.models import ImportRun, Observation
run = ImportRun.objects.filter(pk=os.environ.get("RUN_ID") or 0).first()
print(json.dumps({
    "observations": Observation.objects.count(),
    "status": run.status if run else None,
    "problems": run.report.get("problems", []) if run else [],
}))
"""
# Time passes: the run's heartbeat becomes as old as a dead worker's, and a page looks at it.
AGE_AND_LOOK = """
import datetime
from django.db.models import F
from regioagenda.monitor import tasks
from regioagenda.monitor.models import ImportRun
print("given up before:", tasks.give_up_stalled_runs())
ImportRun.objects.update(
    heartbeat_at=F("heartbeat_at") - datetime.timedelta(hours=1),
    started_at=F("started_at") - datetime.timedelta(hours=1),
)
print("given up after:", tasks.give_up_stalled_runs())
"""
# The coordinator uploads the same file again.
UPLOAD_AGAIN = """
import os
from django.core.files.base import ContentFile
from pathlib import Path
from regioagenda.monitor import tasks
from regioagenda.monitor.models import ImportRun
first = ImportRun.objects.get(pk=os.environ["RUN_ID"])
stored = tasks.upload_storage().save("again.csv", ContentFile(Path(os.environ["CSV"]).read_bytes()))
run = ImportRun.objects.create(
    region=first.region, kind="bestand", description="Opnieuw",
    report={"file": stored, "file_name": "cijfers.csv"},
)
tasks.run_import.enqueue(run.pk)
print(run.pk)
"""


def write_csv(path: Path) -> None:
    lines = ["indicator;gebied;periode_begin;periode_einde;periode;waarde;bron"]
    start = datetime.date(2020, 1, 1)
    for code in MUNICIPALITIES:
        for day in range(DAYS):
            date = (start + datetime.timedelta(days=day)).isoformat()
            lines.append(f"inwoners;{code};{date};;{date};{day},5;Gemeente")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def environment(leidse_regio, tmp_path) -> dict[str, str]:
    """The environment of the import's processes; `hand_over` gives them the database."""
    make_indicator(leidse_regio, "inwoners")
    url = (
        f"sqlite:///{tmp_path / 'regioagenda.sqlite3'}"
        if connection.vendor == "sqlite"
        else database_url(connection.settings_dict)
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "REGIOAGENDA_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "regioagenda.settings",
        "DJANGO_SECRET_KEY": "kill-test-" + "x" * 40,
    }


def hand_over(environment: dict[str, str]) -> None:
    """On SQLite, copy the test database (in memory) with what the test made to the file the
    processes use; on PostgreSQL they share the test database already."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    copy = sqlite3.connect(environment["DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def manage(environment: dict[str, str], *arguments: str, **extra: str) -> str:
    result = subprocess.run(  # noqa: S603  # our own interpreter and manage.py, our arguments
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env={**environment, **extra},
        capture_output=True,
        text=True,
        timeout=SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def probe(environment: dict[str, str], run_id: int | None = None) -> dict:
    out = manage(environment, "shell", "-c", PROBE, RUN_ID=str(run_id or ""))
    return json.loads(out.strip().splitlines()[-1])


def kill_while_writing(environment: dict[str, str], *arguments: str) -> None:
    """Run manage.py with the writer told to pause; SIGKILL it once it has paused."""
    process = subprocess.Popen(  # noqa: S603  # our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env={**environment, PAUSE_AFTER_ROWS: str(BATCH_SIZE)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    paused = threading.Event()
    seen: list[str] = []

    def watch() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line)
            if line.startswith(PAUSE_AFTER_ROWS):
                paused.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        assert paused.wait(SECONDS), "".join(seen)[-3000:]
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(SECONDS)
        watcher.join(SECONDS)
    assert process.returncode == -signal.SIGKILL
    assert f"{PAUSE_AFTER_ROWS}: {BATCH_SIZE}" in "".join(seen)


def test_a_command_killed_while_writing_leaves_no_rows_and_a_retry_writes_them_all(
    environment, tmp_path
):
    path = tmp_path / "cijfers.csv"
    write_csv(path)
    arguments = ("import_observations", str(path), "--region", "leidse-regio", "--verbosity", "0")
    hand_over(environment)

    kill_while_writing(environment, *arguments)

    assert probe(environment)["observations"] == 0
    assert f"Geïmporteerd: {ROWS} nieuw, 0 herzien, 0 ongewijzigd." in manage(
        environment, *arguments
    )
    assert probe(environment)["observations"] == ROWS


def test_a_worker_killed_while_writing_leaves_no_rows_the_run_fails_and_a_retry_succeeds(
    leidse_regio, environment, tmp_path, settings
):
    # The run and its task are made here, before the database is handed to the worker.
    settings.VAR_DIR = Path(environment["REGIOAGENDA_VAR_DIR"])
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = tmp_path / "cijfers.csv"
    write_csv(path)
    stored = tasks.upload_storage().save("upload.csv", ContentFile(path.read_bytes()))
    run = ImportRun.objects.create(
        region=leidse_regio,
        kind="bestand",
        description="Bestand cijfers.csv",
        report={"file": stored, "file_name": "cijfers.csv"},
    )
    tasks.run_import.enqueue(run.pk)
    hand_over(environment)
    worker = ("db_worker", "--batch", "--no-startup-delay", "--interval", "0.1")

    kill_while_writing(environment, *worker)

    killed = probe(environment, run.pk)
    assert (killed["observations"], killed["status"]) == (0, "bezig")
    looked = manage(environment, "shell", "-c", AGE_AND_LOOK)
    # A worker that is merely slow keeps its run; one silent for an hour has died.
    assert "given up before: 0" in looked
    assert "given up after: 1" in looked
    failed = probe(environment, run.pk)
    assert failed["status"] == "mislukt"
    assert failed["problems"] == [
        "De import is afgebroken: de verwerking stopte onderweg (bijvoorbeeld doordat de server "
        "herstartte). Er is niets opgeslagen; start de import opnieuw."
    ]

    again = int(
        manage(environment, "shell", "-c", UPLOAD_AGAIN, RUN_ID=str(run.pk), CSV=str(path))
        .strip()
        .splitlines()[-1]
    )
    manage(environment, *worker)

    retried = probe(environment, again)
    assert (retried["observations"], retried["status"], retried["problems"]) == (
        ROWS,
        "klaar",
        [],
    )
