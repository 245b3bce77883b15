"""manage.py import_proposals FILE: register proposals from a council-system export (all or
nothing; the layout is in regioagenda/proposals/importing.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regioagenda.audit.records import record
from regioagenda.monitor.management.commands.import_observations import region_from
from regioagenda.proposals.importing import import_proposals, read_rows


class Command(BaseCommand):
    help = (
        "Legt voorstellen vast uit een CSV- of JSON-export van een raadsinformatiesysteem "
        "(kolommen: gemeente, orgaan, nummer, titel, datum, status, datum_besluit, "
        "samenvatting, besluit, url). Eén foute rij stopt de import; dan wordt er niets "
        "opgeslagen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Het CSV- of JSON-bestand.")
        parser.add_argument("--region", help="Code van de regio (standaard: de getoonde regio).")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"Het bestand {path} bestaat niet.")
        region = region_from(options)
        rows, problems = read_rows(path, path.name)
        result = import_proposals(region, rows, user=None) if not problems else None
        problems = problems or (result.problems if result else [])
        if problems or result is None:
            lines = "\n".join(f"  - {problem}" for problem in problems)
            raise CommandError(f"Niet geïmporteerd; er is niets opgeslagen.\n{lines}")
        record("import", obj=region, detail={"created": result.created, "updated": result.updated})
        self.stdout.write(
            self.style.SUCCESS(
                f"Geïmporteerd: {result.created} nieuw, {result.updated} gewijzigd, "
                f"{result.unchanged} ongewijzigd."
            )
        )
