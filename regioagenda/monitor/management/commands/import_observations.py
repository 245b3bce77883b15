"""manage.py import_observations FILE: import figures from a CSV or XLSX file (all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regioagenda.audit.records import record
from regioagenda.monitor.importing import ImportResult, import_rows, read_rows
from regioagenda.monitor.management.commands._progress import ProgressBar
from regioagenda.regions.models import Region


def region_from(options: dict[str, object]) -> Region:
    slug = options.get("region")
    region = Region.objects.filter(slug=slug).first() if slug else Region.objects.current()
    if region is None:
        raise CommandError(
            f"Regio '{slug}' bestaat niet."
            if slug
            else "Geen regio gevonden. Laad eerst een regio met load_region."
        )
    return region


def report(command: BaseCommand, result: ImportResult, verbosity: int) -> None:
    """Write the outcome; stop with the problems (and a non-zero exit) when there are any."""
    if result.problems:
        lines = "\n".join(f"  - {problem}" for problem in result.problems)
        raise CommandError(f"Niet geïmporteerd; er is niets opgeslagen.\n{lines}")
    if verbosity > 1:
        for change in result.changes:
            command.stdout.write(f"  {change}")
    if result.dry_run:
        command.stdout.write(
            command.style.SUCCESS(f"Proefrun: {result.summary()} Er is niets opgeslagen.")
        )
    else:
        command.stdout.write(command.style.SUCCESS(f"Geïmporteerd: {result.summary()}"))


class Command(BaseCommand):
    help = (
        "Importeert cijfers uit een CSV- of XLSX-bestand (kolommen: indicator, gebied, "
        "periode_begin, periode_einde, periode, waarde, bron, tabel, bron_url, opgehaald_op, "
        "toelichting). Eén foute rij stopt de import; dan wordt er niets opgeslagen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Het CSV- of XLSX-bestand.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Laat zien wat er zou veranderen, zonder iets op te slaan.",
        )
        parser.add_argument("--region", help="Code van de regio (standaard: de getoonde regio).")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"Het bestand {path} bestaat niet.")
        region = region_from(options)
        verbosity = int(str(options["verbosity"]))
        rows, problems = read_rows(path, path.name)
        if problems:
            # Check the readable rows too, so that one run names every problem in the file.
            further = import_rows(region, rows, dry_run=True).problems if rows else []
            report(self, ImportResult(problems=problems + further), verbosity)
        self.stdout.write(
            f"{path.name}: {len(rows)} {'rij' if len(rows) == 1 else 'rijen'} gelezen."
        )
        bar = ProgressBar(self.stdout, "Controleren en opslaan", enabled=verbosity > 0)
        try:
            result = import_rows(region, rows, dry_run=bool(options["dry_run"]), progress=bar)
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
