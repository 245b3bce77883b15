"""manage.py import_cbs <table>: import a CBS table's figures for the region's indicators."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regioagenda.audit.records import record
from regioagenda.monitor import cbs
from regioagenda.monitor.importing import import_rows
from regioagenda.monitor.management.commands._progress import ProgressBar
from regioagenda.monitor.management.commands.import_observations import region_from, report


class Command(BaseCommand):
    help = (
        "Haalt de cijfers van een CBS-tabel (OData v4, datasets.cbs.nl) op voor de indicatoren "
        "van de regio die deze tabel gebruiken, en importeert ze (alles of niets)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", help="Code van de CBS-tabel, bijvoorbeeld 03759ned.")
        parser.add_argument(
            "--from-files",
            metavar="DIR",
            help="Lees opgenomen antwoorden uit DIR/<tabel>/ (properties.json, dimensions.json, "
            "measure-codes.json, codes-<Dimensie>.json, observations-page-<n>.json) in plaats "
            "van CBS te vragen.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Laat zien wat er zou veranderen, zonder iets op te slaan.",
        )
        parser.add_argument("--region", help="Code van de regio (standaard: de getoonde regio).")
        parser.add_argument(
            "--since", type=int, metavar="JAAR", help="Alleen perioden vanaf dit jaar."
        )

    def handle(self, *args: object, **options: object) -> None:
        region = region_from(options)
        verbosity = int(str(options["verbosity"]))
        folder = options.get("from_files")
        if folder:
            if not Path(str(folder)).is_dir():
                raise CommandError(f"De map {folder} bestaat niet.")
            transport = cbs.file_transport(Path(str(folder)))
        else:
            transport = cbs.http_transport
        client = cbs.CbsClient(transport)
        table = str(options["table"])
        reading = ProgressBar(self.stdout, f"Tabel {table} lezen", enabled=verbosity > 0)
        try:
            since = options.get("since")
            rows = cbs.read_table(
                client, table, region, since=int(str(since)) if since else None, progress=reading
            )
        except cbs.CbsError as exc:
            raise CommandError(f"Niet geïmporteerd; er is niets opgeslagen.\n  - {exc}") from exc
        finally:
            reading.finish()
        self.stdout.write(f"{rows.table.identifier} ({rows.table.title}): {rows.summary()}")
        bar = ProgressBar(self.stdout, "Controleren en opslaan", enabled=verbosity > 0)
        try:
            result = import_rows(region, rows.rows, dry_run=bool(options["dry_run"]), progress=bar)
        finally:
            bar.finish()
        record(
            "import",
            obj=region,
            result="success" if result.ok else "failure",
            detail={
                "created": result.created,
                "revised": result.revised,
                "dry_run": result.dry_run,
            },
        )
        report(self, result, verbosity)
