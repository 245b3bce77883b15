"""manage.py erase_person: remove a person's data on their request (AVG art. 17)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regioagenda.privacy.management.commands._people import find_person
from regioagenda.privacy.people import erase_person


class Command(BaseCommand):
    help = (
        "Verwijdert of anonimiseert alle gegevens over een persoon (account of alleen "
        "e-mailadres); het account blijft, zonder naam en gedeactiveerd. Vraagt --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("who", help="gebruikersnaam of e-mailadres")
        parser.add_argument("--yes", action="store_true", help="ja, echt verwijderen")

    def handle(self, *args: Any, **options: Any) -> None:
        person = find_person(options["who"])
        if not options["yes"]:
            raise CommandError(
                "Dit kan niet ongedaan worden gemaakt. Voeg --yes toe om echt te verwijderen."
            )
        for step, count in erase_person(person).items():
            self.stdout.write(f"{step}: {count}")
