"""The coordinator's import page: start imports from the web and follow them as they run."""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from regioagenda.monitor import cbs, import_forms, tasks
from regioagenda.monitor.models import ImportRun, Observation
from regioagenda.monitor.tests.factories import make_indicator

RECORDINGS = Path(__file__).parent / "data" / "cbs"
IMPORTS = "/monitor/importeren/"
HEADER = (
    "indicator,gebied,periode_begin,periode_einde,periode,waarde,bron,tabel,bron_url,"
    "opgehaald_op,toelichting\n"
)
GOOD_CSV = (
    HEADER
    + "inwoners,GM0546,2024-01-01,,1 januari 2024,127100,CBS,03759ned,,2026-07-02,\n"
    + "inwoners,GM0547,2024-01-01,,1 januari 2024,27800,CBS,03759ned,,2026-07-02,\n"
    + "inwoners,WK054600,2024-01-01,,1 januari 2024,5120,CBS,,,2026-07-02,\n"
).encode()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.setattr(tasks, "cbs_transport", cbs.file_transport(RECORDINGS))


@pytest.fixture
def population(leidse_regio):
    return make_indicator(
        leidse_regio, "inwoners", source_table="03759ned", source_measure="M000352"
    )


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def upload(client, content: bytes, name: str = "cijfers.csv", dry_run: bool = False):
    data = {"soort": "bestand", "bestand-file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["bestand-dry_run"] = "on"
    return client.post(IMPORTS, data)


def xlsx_bytes(*rows: list) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Who may import ----------------------------------------------------------------------------


def test_the_coordinator_sees_both_forms(as_coordinator, population):
    response = as_coordinator.get(IMPORTS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Een bestand importeren" in page
    assert "CBS-tabel bijwerken" in page
    assert '<option value="03759ned">03759ned</option>' in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize("who", ["leiden_editor", "council_member", "visitor"])
def test_others_may_not_import(client, request, leidse_regio, population, who):
    user = make_user("bezoeker") if who == "visitor" else request.getfixturevalue(who)
    client.force_login(user)
    run = ImportRun.objects.create(region=leidse_regio, kind="cbs", description="CBS-tabel")

    assert client.get(IMPORTS).status_code == 403
    assert client.post(IMPORTS, {"soort": "cbs", "cbs-table": "03759ned"}).status_code == 403
    assert upload(client, GOOD_CSV).status_code == 403
    assert client.get(reverse("monitor:import", kwargs={"pk": run.pk})).status_code == 403
    assert ImportRun.objects.count() == 1
    assert not Observation.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, leidse_regio):
    response = client.get(IMPORTS)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# A file ------------------------------------------------------------------------------------


def test_an_uploaded_csv_is_imported_by_the_task(as_coordinator, coordinator, population):
    response = upload(as_coordinator, GOOD_CSV)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:import", kwargs={"pk": run.pk})
    assert run.status == ImportRun.Status.DONE
    assert (run.kind, run.description, run.created_by) == (
        "bestand",
        "Bestand cijfers.csv",
        coordinator,
    )
    assert (run.report["created"], run.report["revised"], run.report["unchanged"]) == (3, 0, 0)
    assert run.done == run.total == 6
    assert run.started_at and run.finished_at
    assert Observation.objects.filter(indicator=population).count() == 3
    assert Observation.objects.get(place__code="WK054600").recorded_by == coordinator
    # The uploaded file is gone once read.
    assert not any(Path(tasks.upload_storage().path("")).iterdir())

    page = as_coordinator.get(response["Location"]).content.decode()
    assert "Geïmporteerd: 3 nieuw, 0 herzien, 0 ongewijzigd." in page
    assert 'http-equiv="refresh"' not in page


def test_an_uploaded_xlsx_is_imported(as_coordinator, population):
    content = xlsx_bytes(
        HEADER.strip().split(","), ["inwoners", "GM0579", "2024-01-01", None, "2024", 25922, "CBS"]
    )

    upload(as_coordinator, content, name="cijfers.xlsx")

    assert ImportRun.objects.get().status == ImportRun.Status.DONE
    assert Observation.objects.get().municipality.code == "GM0579"


def test_a_dry_run_reports_without_writing(as_coordinator, population):
    response = upload(as_coordinator, GOOD_CSV, dry_run=True)

    run = ImportRun.objects.get()
    assert run.dry_run and run.status == ImportRun.Status.DONE
    assert run.report["created"] == 3
    assert not Observation.objects.exists()
    page = as_coordinator.get(response["Location"]).content.decode()
    assert "Proefrun: 3 nieuw, 0 herzien, 0 ongewijzigd." in page
    assert "Er is niets opgeslagen." in page
    assert "Wat er zou veranderen" in page


def test_a_bad_row_fails_the_run_with_row_and_column_and_writes_nothing(as_coordinator, population):
    content = GOOD_CSV + b"inwoners,GM0546,2024-01-01,,2024,veel,CBS,,,,\n"

    response = upload(as_coordinator, content)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert any("Rij 5, kolom 'waarde'" in problem for problem in run.report["problems"])
    assert not Observation.objects.exists()
    page = as_coordinator.get(response["Location"]).content.decode()
    assert "Niet geïmporteerd; er is niets opgeslagen" in page
    assert "Rij 5, kolom &#x27;waarde&#x27;: &#x27;veel&#x27; is geen getal." in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cijfers.pdf", b"%PDF-1.7", "Kies een CSV- of XLSX-bestand; ‘cijfers.pdf’ is dat niet."),
        ("cijfers.csv", b"%PDF-1.7\x00\x01\x02", "De inhoud van ‘cijfers.csv’ is geen CSV."),
        ("cijfers.csv", "naam\nLeiden\n".encode("utf-16"), "is geen CSV"),
        ("cijfers.xlsx", GOOD_CSV, "De inhoud van ‘cijfers.xlsx’ is geen XLSX."),
        ("cijfers.csv", b"", "Het verstuurde bestand is leeg."),
    ],
)  # fmt: skip
def test_an_upload_that_is_not_csv_or_xlsx_is_refused(as_coordinator, name, content, message):
    response = upload(as_coordinator, content, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_zip_that_is_no_workbook_is_refused(as_coordinator):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("iets.txt", "hallo")

    response = upload(as_coordinator, buffer.getvalue(), name="cijfers.xlsx")

    assert "is geen XLSX" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_that_is_too_large_is_refused(as_coordinator, monkeypatch):
    monkeypatch.setattr(import_forms, "MAX_UPLOAD_BYTES", 100)

    response = upload(as_coordinator, GOOD_CSV + b"x" * 200)

    assert "het mag hoogstens 100\xa0bytes zijn." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_real_limit_is_five_megabytes():
    assert import_forms.MAX_UPLOAD_BYTES == 5 * 1024 * 1024


# A CBS table -------------------------------------------------------------------------------


def test_refreshing_a_cbs_table_runs_to_done_with_its_counts(as_coordinator, population):
    response = as_coordinator.post(IMPORTS, {"soort": "cbs", "cbs-table": "03759ned"})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE
    assert run.get_status_display() == "klaar"
    assert (run.report["created"], run.report["revised"], run.report["unchanged"]) == (40, 0, 0)
    assert run.report["cbs"]["outside_region"] == 32
    assert Observation.objects.count() == 40
    page = as_coordinator.get(response["Location"]).content.decode()
    assert "Bevolking op 1 januari en gemiddeld; geslacht, leeftijd en regio" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page

    as_coordinator.post(IMPORTS, {"soort": "cbs", "cbs-table": "03759ned"})

    second = ImportRun.objects.order_by("-pk").first()
    assert (second.report["created"], second.report["unchanged"]) == (0, 40)
    assert Observation.objects.count() == 40


def test_only_tables_the_indicators_read_can_be_chosen(as_coordinator, population):
    response = as_coordinator.post(IMPORTS, {"soort": "cbs", "cbs-table": "83625NED"})

    assert response.status_code == 200
    assert "Selecteer een geldige keuze." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_cbs_failure_fails_the_run_in_dutch(as_coordinator, population, monkeypatch):
    def unreachable(url: str) -> dict:
        raise cbs.CbsError("CBS is niet bereikbaar (geen netwerk): " + url)

    monkeypatch.setattr(tasks, "cbs_transport", unreachable)

    as_coordinator.post(IMPORTS, {"soort": "cbs", "cbs-table": "03759ned"})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.report["problems"][0].startswith("CBS is niet bereikbaar")


# Following a run ---------------------------------------------------------------------------


def test_the_page_of_a_running_import_refreshes_itself_and_can_stop(as_coordinator, leidse_regio):
    run = ImportRun.objects.create(
        region=leidse_regio,
        kind="cbs",
        description="CBS-tabel 03759ned",
        status=ImportRun.Status.RUNNING,
        done=250,
        total=1000,
    )
    url = reverse("monitor:import", kwargs={"pk": run.pk})

    page = as_coordinator.get(url).content.decode()
    stopped = as_coordinator.get(url + "?verversen=nee").content.decode()

    assert '<meta http-equiv="refresh" content="3">' in page
    assert '<progress id="voortgang" max="1000" value="250">25%</progress>' in page
    assert "250 van 1000 verwerkt (25%)." in page
    assert 'href="?verversen=nee"' in page
    assert 'http-equiv="refresh"' not in stopped
    assert "Ververs de pagina" in stopped


def test_a_run_of_another_region_is_not_found(as_coordinator, kustregio):
    run = ImportRun.objects.create(region=kustregio, kind="cbs", description="Elders")

    response = as_coordinator.get(reverse("monitor:import", kwargs={"pk": run.pk}))

    assert response.status_code == 404


def test_the_start_page_lists_earlier_runs(as_coordinator, population):
    upload(as_coordinator, GOOD_CSV, dry_run=True)

    page = as_coordinator.get(IMPORTS).content.decode()

    assert "Bestand cijfers.csv</a> (proefrun)" in page
    assert "klaar" in page


def test_the_task_records_progress_on_the_run(leidse_regio, population, monkeypatch):
    monkeypatch.setattr(tasks, "PROGRESS_STEP", 1)
    seen: list[tuple[int, int | None]] = []
    update = ImportRun.objects.filter

    def spy(*args, **kwargs):
        queryset = update(*args, **kwargs)
        original = queryset.update

        def recording_update(**values):
            if "done" in values:  # progress, not the run's claim at the start
                seen.append((values["done"], values["total"]))
            return original(**values)

        queryset.update = recording_update
        return queryset

    monkeypatch.setattr(ImportRun.objects, "filter", spy)
    run = ImportRun.objects.create(
        region=leidse_regio, kind="cbs", description="x", report={"table": "03759ned"}
    )

    tasks.run_import.call(run.pk)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert (144, None) in seen  # reading the table: the size is not yet known
    assert seen[-1] == (80, 80)  # checking and storing 40 figures counts each twice
    assert (run.done, run.total) == (80, 80)


def test_with_the_database_backend_the_run_waits_for_the_worker(
    as_coordinator, population, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    response = as_coordinator.post(IMPORTS, {"soort": "cbs", "cbs-table": "03759ned"})

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.WAITING
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "regioagenda.monitor.tasks.run_import"
    assert queued.args_kwargs["args"] == [run.pk]
    assert "Deze pagina ververst zich elke 3 seconden." in (
        as_coordinator.get(response["Location"]).content.decode()
    )


# A run whose worker died -----------------------------------------------------------------


def test_a_run_silent_too_long_is_shown_as_failed_and_a_busy_one_is_not(
    as_coordinator, leidse_regio
):
    long_ago = timezone.now() - datetime.timedelta(minutes=16)
    dead = ImportRun.objects.create(
        region=leidse_regio,
        kind="bestand",
        description="Dood",
        status=ImportRun.Status.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    busy = ImportRun.objects.create(
        region=leidse_regio,
        kind="bestand",
        description="Bezig",
        status=ImportRun.Status.RUNNING,
        started_at=long_ago,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=14),
    )

    page = as_coordinator.get(reverse("monitor:import", kwargs={"pk": dead.pk})).content.decode()

    dead.refresh_from_db()
    busy.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED
    assert dead.finished_at is not None
    assert '<dd class="utrecht-data-list__item-value" id="status">mislukt</dd>' in page
    assert "De import is afgebroken: de verwerking stopte onderweg" in page
    assert 'http-equiv="refresh"' not in page
    assert busy.status == ImportRun.Status.RUNNING


def test_a_run_that_no_worker_took_is_given_up_on_the_list_and_not_run_later(
    as_coordinator, leidse_regio, settings
):
    stored = tasks.upload_storage().save("wacht.csv", ContentFile(GOOD_CSV))
    run = ImportRun.objects.create(
        region=leidse_regio,
        kind="bestand",
        description="Wacht",
        report={"file": stored, "file_name": "cijfers.csv"},
    )
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )

    as_coordinator.get(IMPORTS)
    run.refresh_from_db()
    tasks.run_import.call(run.pk)  # the worker comes back after all

    assert run.status == ImportRun.Status.FAILED
    assert run.report["problems"][0].startswith("De import is niet begonnen")
    assert not tasks.upload_storage().exists(stored)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.started_at is None
    assert not Observation.objects.exists()


def test_a_windows_csv_from_dutch_excel_is_accepted_and_read(as_coordinator, population):
    content = (
        "indicator;gebied;periode_begin;periode_einde;periode;waarde;bron;toelichting\r\n"
        "inwoners;Zoeterwoude-Dorp é ë;2024-01-01;;1 januari 2024;8.123,5;CBS;’s ochtends €\r\n"
    ).encode("cp1252")

    upload(as_coordinator, content)

    run = ImportRun.objects.get()
    assert run.report["problems"] == []
    stored = Observation.objects.get()
    assert (stored.area, stored.value, stored.note) == (
        "Zoeterwoude-Dorp é ë",
        Decimal("8123.5"),
        "’s ochtends €",
    )
