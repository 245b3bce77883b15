"""manage.py load_region <folder>: validate a region's data set and load it in one transaction."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from regioagenda.audit.records import record
from regioagenda.core.page_cache import bump_generation
from regioagenda.vision.dataset import DataSetError, load_region

DEFAULT_FOLDER = settings.BASE_DIR / "regioagenda" / "data" / "regions" / "leidse-regio"


class Command(BaseCommand):
    help = "Valideert de bestanden van een regio en laadt ze in één transactie."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder",
            nargs="?",
            default=str(DEFAULT_FOLDER),
            help="Map met region.yaml, municipalities.csv, themes.yaml, … "
            "(standaard: de Leidse regio).",
        )

    def handle(self, *args: object, **options: object) -> None:
        folder = Path(str(options["folder"]))
        try:
            report = load_region(folder)
        except DataSetError as exc:
            lines = "\n".join(f"  - {problem}" for problem in exc.problems)
            raise CommandError(
                f"De gegevens in {folder} zijn niet geladen; er is niets gewijzigd.\n{lines}"
            ) from exc
        bump_generation()  # kept pages go, also when the load changed nothing they show
        record(
            "import",
            obj=report.region,
            detail={
                "created": report.created,
                "updated": report.updated,
                "deleted": report.deleted,
            },
        )
        if int(str(options["verbosity"])) > 1:
            for change in report.changes:
                self.stdout.write(f"  {change}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Regio '{report.region.slug}' geladen: {report.created} nieuw, "
                f"{report.updated} gewijzigd, {report.deleted} verwijderd, "
                f"{report.unchanged} ongewijzigd."
            )
        )
