"""Imports of figures as background tasks (django.tasks; `manage.py db_worker` runs them).

The coordinator starts an `ImportRun` from the web; `run_import` carries it out and keeps its
`done`, `total`, `status` and `report` up to date, so that its page can show how far it is, and
its `heartbeat_at`, so that a run whose worker was killed is seen to have failed.
An uploaded file waits in `upload_storage()` (under the var folder, never served) until the task
has read it.
"""

import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.audit.records import record
from regioagenda.monitor import cbs
from regioagenda.monitor.importing import ImportResult, import_rows, read_rows
from regioagenda.monitor.models import ImportRun

logger = logging.getLogger(__name__)

# How CBS is asked; tests put `cbs.file_transport(...)` here to serve recorded responses.
cbs_transport: cbs.Transport = cbs.http_transport

# Write the progress at most this often (rows), so that a large import is not slowed down.
PROGRESS_STEP = 500
# ...and at least this often (seconds), so that a slow import is not taken for a dead one.
HEARTBEAT_SECONDS = 30


def upload_storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "imports")


@task()
def run_import(run_id: int) -> None:
    # The worker is the first to notice runs of a worker that was killed before it.
    give_up_stalled_runs()
    execute(ImportRun.objects.get(pk=run_id))


def give_up_stalled_runs() -> int:
    """Mark the runs that no worker will finish (killed or never started) as failed, with a
    Dutch explanation; how many there were. Their pages and the list call this too.

    An import writes its figures in one transaction, so a killed one has written none."""
    now = timezone.now()
    stalled = ImportRun.objects.stalled(now)
    # Looking first keeps a page from waiting on SQLite's write lock while an import writes.
    if not stalled.exists():
        return 0
    count = 0
    for run in stalled:
        started = run.status == ImportRun.Status.RUNNING
        problem = (
            _(
                "De import is afgebroken: de verwerking stopte onderweg (bijvoorbeeld doordat "
                "de server herstartte). Er is niets opgeslagen; start de import opnieuw."
            )
            if started
            else _(
                "De import is niet begonnen: er draait geen achtergrondverwerking. Er is niets "
                "opgeslagen; start de import opnieuw als de verwerking weer draait."
            )
        )
        # Only while it is still stalled: a run that just finished keeps its own outcome.
        count += (
            ImportRun.objects.stalled(now)
            .filter(pk=run.pk)
            .update(
                status=ImportRun.Status.FAILED,
                finished_at=now,
                report={**run.report, "problems": [problem], "summary": ""},
            )
        )
        if not started and run.kind == "bestand" and run.report.get("file"):
            upload_storage().delete(run.report["file"])
    return count


def execute(run: ImportRun) -> None:
    """Carry out `run` from start to end; any failure is recorded on the run, not raised."""
    now = timezone.now()
    # Claimed only while it waits: one given up meanwhile (give_up_stalled_runs) or run already
    # is left alone.
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.WAITING).update(
        status=ImportRun.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    run.status = ImportRun.Status.RUNNING
    run.started_at = run.heartbeat_at = now
    report: dict[str, Any] = dict(run.report)
    try:
        result = _import_cbs(run, report) if run.kind == "cbs" else _import_file(run, report)
    except cbs.CbsError as exc:
        result = ImportResult(problems=[str(exc)], dry_run=run.dry_run)
    except Exception:
        logger.exception("Import %s failed", run.pk)
        result = ImportResult(
            problems=[_("Er ging iets onverwachts mis; er is niets opgeslagen.")],
            dry_run=run.dry_run,
        )
    report.update(
        created=result.created,
        revised=result.revised,
        unchanged=result.unchanged,
        problems=result.problems,
        changes=result.changes,
        summary=result.summary() if result.ok else "",
    )
    run.report = report
    run.status = ImportRun.Status.DONE if result.ok else ImportRun.Status.FAILED
    run.finished_at = timezone.now()
    if result.ok and run.total is not None:
        run.done = run.total
    run.save(update_fields=["report", "status", "finished_at", "done"])
    record(
        "import",
        actor=run.created_by,
        obj=run,
        result="success" if result.ok else "failure",
        detail={"created": result.created, "revised": result.revised, "dry_run": run.dry_run},
    )


def _progress(run: ImportRun) -> cbs.Progress:
    last = [-PROGRESS_STEP]
    last_beat = [time.monotonic()]

    def progress(done: int, total: int | None) -> None:
        beat_due = time.monotonic() - last_beat[0] >= HEARTBEAT_SECONDS
        if done - last[0] < PROGRESS_STEP and done != total and not beat_due:
            return
        last[0] = done
        last_beat[0] = time.monotonic()
        run.done = done
        run.total = total
        ImportRun.objects.filter(pk=run.pk).update(
            done=run.done, total=run.total, heartbeat_at=timezone.now()
        )

    return progress


def _import_file(run: ImportRun, report: dict[str, Any]) -> ImportResult:
    storage = upload_storage()
    name = report["file"]
    try:
        with storage.open(name, "rb") as upload:
            data = upload.read()
    finally:
        storage.delete(name)
    rows, problems = read_rows(data, report.get("file_name") or name)
    if problems:
        # Check the readable rows too, so that one run names every problem in the file.
        further = import_rows(run.region, rows, dry_run=True).problems if rows else []
        return ImportResult(problems=problems + further, dry_run=run.dry_run)
    return import_rows(
        run.region, rows, dry_run=run.dry_run, user=run.created_by, progress=_progress(run)
    )


def _import_cbs(run: ImportRun, report: dict[str, Any]) -> ImportResult:
    client = cbs.CbsClient(cbs_transport)
    table = cbs.read_table(client, report["table"], run.region, progress=_progress(run))
    report["cbs"] = table.as_report()
    report["cbs_summary"] = table.summary()
    return import_rows(
        run.region,
        table.rows,
        dry_run=run.dry_run,
        user=run.created_by,
        progress=_progress(run),
    )
