"""The coordinator's import page: start an import of a file or a CBS table, and follow it.

An import runs as a background task (`tasks.run_import`); its page refreshes itself while it
waits or runs, and shows the report when it is done. A run whose worker died is shown as failed
(`tasks.give_up_stalled_runs`) rather than running for ever.
"""

import uuid
from pathlib import Path

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from regioagenda.monitor import tasks
from regioagenda.monitor.cbs import tables_in_use
from regioagenda.monitor.import_forms import CbsTableForm, UploadForm
from regioagenda.monitor.models import ImportRun
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Region

RECENT_RUNS = 20
REFRESH_SECONDS = 3


def _region_for_import(request: HttpRequest) -> Region:
    region = current_region()
    if not rules.test_rule("monitor.run_import", request.user, region):
        raise PermissionDenied
    return region


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    region = _region_for_import(request)
    user = request.user if request.user.is_authenticated else None
    tables = tables_in_use(region)
    kind = request.POST.get("soort") if request.method == "POST" else None
    upload_form = UploadForm(
        request.POST if kind == "bestand" else None,
        request.FILES if kind == "bestand" else None,
        prefix="bestand",
    )
    cbs_form = CbsTableForm(request.POST if kind == "cbs" else None, tables=tables, prefix="cbs")
    if kind == "bestand" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        stored = tasks.upload_storage().save(
            f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload
        )
        run = ImportRun.objects.create(
            region=region,
            kind="bestand",
            description=_("Bestand %(name)s") % {"name": upload.name},
            dry_run=upload_form.cleaned_data["dry_run"],
            created_by=user,
            report={"file": stored, "file_name": upload.name},
        )
        tasks.run_import.enqueue(run.pk)
        return redirect("monitor:import", pk=run.pk)
    if kind == "cbs" and cbs_form.is_valid():
        table = cbs_form.cleaned_data["table"]
        run = ImportRun.objects.create(
            region=region,
            kind="cbs",
            description=_("CBS-tabel %(table)s") % {"table": table},
            dry_run=cbs_form.cleaned_data["dry_run"],
            created_by=user,
            report={"table": table},
        )
        tasks.run_import.enqueue(run.pk)
        return redirect("monitor:import", pk=run.pk)
    tasks.give_up_stalled_runs()
    return render(
        request,
        "monitor/import_start.html",
        {
            "upload_form": upload_form,
            "cbs_form": cbs_form,
            "tables": tables,
            "runs": ImportRun.objects.filter(region=region).select_related("created_by")[
                :RECENT_RUNS
            ],
        },
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = _region_for_import(request)
    tasks.give_up_stalled_runs()
    run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk, region=region)
    busy = run.status in (ImportRun.Status.WAITING, ImportRun.Status.RUNNING)
    return render(
        request,
        "monitor/import_detail.html",
        {
            "run": run,
            "busy": busy,
            # WCAG 2.2.2: the refresh can be stopped.
            "refresh": REFRESH_SECONDS if busy and request.GET.get("verversen") != "nee" else None,
            "percent": round(100 * run.done / run.total) if run.total else None,
            "report": run.report,
        },
    )
